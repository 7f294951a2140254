{{/*
The Prometheus Operator monitors of metrics.serviceMonitor and metrics.podMonitor. Where the
platform scrapes vLLM itself (the platform table's metricsScrapedByPlatform), a monitor of the
chart's would scrape every series a second time. The Prometheus Operator skips a monitor whose
scrape timeout exceeds its interval (prometheus-operator@v0.76.2
pkg/prometheus/resource_selector.go:180,250-258).
*/}}
{{- define "vllm-kserve.validate.metrics" -}}
{{- $errors := list -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $metrics := .Values.metrics -}}
{{- $reserved := include "vllm-kserve.labels" . | fromYaml -}}
{{- $_ := set $reserved "app.kubernetes.io/component" "metrics" -}}
{{- range $name := list "serviceMonitor" "podMonitor" -}}
{{- $monitor := get $metrics $name -}}
{{- if not $monitor.enabled -}}
{{- range $setting := list "labels" "scrapeTimeout" -}}
{{- if get $monitor $setting -}}
{{- $errors = append $errors (printf "metrics.%s.%s is set, but metrics.%s.enabled is false and no monitor uses it: set metrics.%s.enabled=true, or remove it" $name $setting $name $name) -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- if $platform.metricsScrapedByPlatform -}}
{{- $errors = append $errors (printf "metrics.%s.enabled=true on %s (platform=%s): its odh-model-controller already has vLLM scraped, from the ServingRuntime's prometheus.io annotations, and a second monitor would scrape every series twice; remove metrics.%s and enable user workload monitoring in the cluster instead" $name $platform.title $.Values.platform $name) -}}
{{- end -}}
{{- $interval := include "vllm-kserve.durationMilliseconds" $monitor.interval | int64 -}}
{{- $timeout := include "vllm-kserve.durationMilliseconds" $monitor.scrapeTimeout | int64 -}}
{{- if not $interval -}}
{{- $errors = append $errors (printf "metrics.%s.interval=%s is no scrape interval: give a duration longer than zero, such as 30s" $name $monitor.interval) -}}
{{- else if and $monitor.scrapeTimeout (gt $timeout $interval) -}}
{{- $errors = append $errors (printf "metrics.%s.scrapeTimeout=%s is longer than its interval %s, and the Prometheus Operator ignores such a monitor: shorten the timeout or lengthen the interval" $name $monitor.scrapeTimeout $monitor.interval) -}}
{{- else if and $monitor.scrapeTimeout (not $timeout) -}}
{{- $errors = append $errors (printf "metrics.%s.scrapeTimeout=%s is no timeout: give a duration longer than zero, or leave it empty for Prometheus's own" $name $monitor.scrapeTimeout) -}}
{{- end -}}
{{- range $key := keys ($monitor.labels | default dict) | sortAlpha -}}
{{- if hasKey $reserved $key -}}
{{- $errors = append $errors (printf "metrics.%s.labels sets %s, a label the chart gives the monitor itself: remove the key" $name $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $metrics.serviceMonitor.enabled (include "vllm-kserve.serverless" .) -}}
{{- $errors = append $errors "metrics.serviceMonitor.enabled=true in Serverless mode: Knative's Services reach vLLM only through its queue-proxy, never on vLLM's own port 8080; use metrics.podMonitor.enabled=true instead" -}}
{{- end -}}
{{- if and $metrics.serviceMonitor.enabled $metrics.podMonitor.enabled -}}
{{- $errors = append $errors "metrics.serviceMonitor and metrics.podMonitor are both enabled, and both would scrape the same vLLM, every series twice: enable one of them" -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
