{{/* The interval and timeout of a monitor's endpoint, from metrics.serviceMonitor or .podMonitor. */}}
{{- define "vllm-kserve.scrapeTiming" -}}
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
