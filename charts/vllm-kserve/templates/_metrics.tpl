{{/*
The metadata of a monitor of metrics.serviceMonitor or .podMonitor, called with (dict "root" $
"monitor" VALUES): the workload's name, the chart's labels and the monitor's own.
*/}}
{{- define "vllm-kserve.monitorMetadata" -}}
metadata:
  name: {{ include "vllm-kserve.dnsLabel" (printf "%s-metrics" (include "vllm-kserve.workloadName" .root)) | quote }}
  namespace: {{ .root.Release.Namespace | quote }}
  labels:
    {{- include "vllm-kserve.labels" .root | nindent 4 }}
    app.kubernetes.io/component: metrics
    {{- with .monitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
A monitor's one endpoint: vLLM's port and metrics path, which the runtime's prometheus.io
annotations name too, with the interval and timeout of its values.
*/}}
{{- define "vllm-kserve.scrapeEndpoint" -}}
- targetPort: 8080
  path: /metrics
  scheme: http
  interval: {{ .interval | quote }}
  {{- with .scrapeTimeout }}
  scrapeTimeout: {{ . | quote }}
  {{- end }}
{{- end -}}

{{/*
A Prometheus duration (1h30m, 15s, 500ms) in milliseconds, to compare a scrape timeout with its
interval as the Prometheus Operator does before it takes a monitor.
*/}}
{{- define "vllm-kserve.durationMilliseconds" -}}
{{- $unit := dict "y" 31536000000 "w" 604800000 "d" 86400000 "h" 3600000 "m" 60000 "s" 1000 "ms" 1 -}}
{{- $total := 0 -}}
{{- range regexFindAll "[0-9]+(ms|[ywdhms])" . -1 -}}
{{- $total = add $total (mul (regexFind "^[0-9]+" . | atoi) (get $unit (regexReplaceAll "^[0-9]+" . ""))) -}}
{{- end -}}
{{- $total -}}
{{- end -}}
