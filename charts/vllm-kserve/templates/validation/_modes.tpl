{{/* A deployment mode the level does not have (Serverless where Knative is absent). */}}
{{- define "vllm-kserve.validate.modes" -}}
{{- $errors := list -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if and (include "vllm-kserve.serverless" .) (not $platform.modes.serverless) -}}
{{- $errors = append $errors (printf "deploymentMode=%s: %s (platform=%s) has no Knative, so it serves no Serverless models: use deploymentMode=%s" (include "vllm-kserve.modeName" .) $platform.title .Values.platform $platform.modes.raw.writes) -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
