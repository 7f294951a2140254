{{/* Values an existing ServingRuntime would make meaningless. */}}
{{- define "vllm-kserve.validate.runtime" -}}
{{- $errors := list -}}
{{- $runtime := .Values.servingRuntime -}}
{{- with $runtime.useExisting -}}
{{- if or $runtime.name $runtime.shmSize -}}
{{- $errors = append $errors (printf "servingRuntime.useExisting=%s runs the model on an existing runtime, so servingRuntime.name and servingRuntime.shmSize would be ignored: remove them" .) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
