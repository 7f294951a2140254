{{/* What KServe refuses to change on an existing InferenceService, said before anything is sent. */}}
{{- define "vllm-kserve.validate.upgrade" -}}
{{- $errors := list -}}
{{- $name := include "vllm-kserve.workloadName" . -}}
{{- $live := lookup "serving.kserve.io/v1beta1" "InferenceService" .Release.Namespace $name -}}
{{- if $live -}}
{{- $liveMode := default (dig "metadata" "annotations" "serving.kserve.io/deploymentMode" "" $live) (dig "status" "deploymentMode" "" $live) -}}
{{- $liveServerless := has $liveMode (include "vllm-kserve.serverlessModeNames" . | fromYamlArray) -}}
{{- if and $liveMode (ne $liveServerless (eq (include "vllm-kserve.serverless" .) "true")) -}}
{{- $errors = append $errors (printf "deploymentMode=%s, but the InferenceService %s in %s already runs as %s and KServe cannot change the mode of an existing InferenceService: keep deploymentMode=%s, or `helm uninstall` the release and install it again with the new mode" (include "vllm-kserve.modeName" .) $name .Release.Namespace $liveMode $liveMode) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
