{{/*
Labels and annotations of the user's own: never a key the chart sets itself, which one side would
silently override (KServe puts the InferenceService's and the predictor's on the pods, the
predictor's winning).
*/}}
{{- define "vllm-kserve.validate.metadata" -}}
{{- $errors := list -}}
{{- $managed := include "vllm-kserve.managedMetadata" . | fromYaml -}}
{{- $given := dict
  "inferenceService.labels" (list .Values.inferenceService.labels $managed.labels)
  "inferenceService.annotations" (list .Values.inferenceService.annotations $managed.annotations)
  "podLabels" (list .Values.podLabels $managed.labels)
  "podAnnotations" (list .Values.podAnnotations $managed.annotations) -}}
{{- range $value := keys $given | sortAlpha -}}
{{- $pair := get $given $value -}}
{{- range $key := keys (index $pair 0 | default dict) | sortAlpha -}}
{{- with get (index $pair 1) $key -}}
{{- if .by -}}
{{- $errors = append $errors (printf "%s sets %s, which the chart writes from %s: remove the key and set %s instead" $value $key .by .by) -}}
{{- else -}}
{{- $errors = append $errors (printf "%s sets %s, which the chart writes itself (%s): remove the key" $value $key .why) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
