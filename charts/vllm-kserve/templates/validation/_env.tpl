{{/*
Environment variables: a container holds one entry per name (the API server keys env by name), so
model.env and multiNode.workerEnv may not name a variable twice, and a multi-node model's, which the
chart writes into the runtime beside its own, may not name one the chart sets there.
*/}}
{{- define "vllm-kserve.validate.env" -}}
{{- $errors := list -}}
{{- $multiNode := include "vllm-kserve.multiNode" . -}}
{{- $own := list -}}
{{- if $multiNode -}}
{{- range concat (include "vllm-kserve.cacheEnv" . | fromYamlArray) (include "vllm-kserve.rayEnv" . | fromYamlArray) -}}
{{- $own = append $own .name -}}
{{- end -}}
{{- end -}}
{{- range $value, $entries := dict "model.env" .Values.model.env "multiNode.workerEnv" .Values.multiNode.workerEnv -}}
{{- $seen := list -}}
{{- range $entries | default list -}}
{{- if has .name $seen -}}
{{- $errors = append $errors (printf "%s sets %s twice: Kubernetes keeps one entry per name, so give it once" $value .name) -}}
{{- else if has .name $own -}}
{{- $errors = append $errors (printf "%s sets %s, which the chart sets itself in a multi-node model's pods (the API server takes one entry per name): remove it" $value .name) -}}
{{- end -}}
{{- $seen = append $seen .name -}}
{{- end -}}
{{- end -}}
{{- toYaml (uniq $errors) -}}
{{- end -}}
