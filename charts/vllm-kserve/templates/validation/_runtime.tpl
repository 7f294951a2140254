{{/* Values an existing ServingRuntime would make meaningless. */}}
{{- define "vllm-kserve.validate.runtime" -}}
{{- $errors := list -}}
{{- $runtime := .Values.servingRuntime -}}
{{- with $runtime.useExisting -}}
{{- $ignored := list -}}
{{- range $path, $set := dict "servingRuntime.name" $runtime.name "servingRuntime.shmSize" $runtime.shmSize "image.repository" $.Values.image.repository "image.tag" $.Values.image.tag "image.digest" $.Values.image.digest "image.runtimeVersionOverride" $.Values.image.runtimeVersionOverride -}}
{{- if $set }}{{ $ignored = append $ignored $path }}{{ end -}}
{{- end -}}
{{- /* these have defaults: a value other than values.yaml's is the user's, and the runtime's own apply */ -}}
{{- if ne (toJson $.Values.securityContext) (toJson (include "vllm-kserve.defaultSecurityContext" $ | fromYaml)) -}}
{{- $ignored = append $ignored "securityContext" -}}
{{- end -}}
{{- if ne (toString $.Values.probes.startupMinutes) (include "vllm-kserve.defaultStartupMinutes" $) -}}
{{- $ignored = append $ignored "probes.startupMinutes" -}}
{{- end -}}
{{- range include "vllm-kserve.probeOverrides" $ | splitList "\n" | compact -}}
{{- $ignored = append $ignored (printf "probes.%s" .) -}}
{{- end -}}
{{- if $.Values.sidecars -}}
{{- /* they go into the chart's runtime: the InferenceService's own containers are dropped on some levels */ -}}
{{- $ignored = append $ignored "sidecars" -}}
{{- end -}}
{{- with $ignored -}}
{{- $errors = append $errors (printf "servingRuntime.useExisting=%s runs the model on an existing runtime, whose own image and settings apply, so %s would be ignored: remove them" $runtime.useExisting (join ", " (sortAlpha .))) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
