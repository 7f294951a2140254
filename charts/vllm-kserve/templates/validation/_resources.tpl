{{/*
Resources the kubelet cannot overcommit: extended resources (a name with a "/" outside
kubernetes.io/, such as nvidia.com/gpu) and hugepages. The API server takes the InferenceService
as written but refuses the pods KServe makes from it when such a request differs from its limit or
has none (kubernetes pkg/apis/core/validation/validation.go, ValidateResourceRequirements), so the
model would never start; the chart refuses it first.
*/}}
{{- define "vllm-kserve.validate.resources" -}}
{{- $errors := list -}}
{{- $resources := .Values.resources | default dict -}}
{{- $requests := $resources.requests | default dict -}}
{{- $limits := $resources.limits | default dict -}}
{{- /* multi-node pods get multiNode.tensorParallelSize of the accelerator as request and limit */ -}}
{{- $set := ternary (include "vllm-kserve.accelerator" .) "" (eq (include "vllm-kserve.multiNode" .) "true") -}}
{{- range $name := keys $requests | sortAlpha -}}
{{- $request := get $requests $name -}}
{{- $fixed := or (and (contains "/" $name) (not (contains "kubernetes.io/" $name))) (hasPrefix "hugepages-" $name) -}}
{{- if and $fixed (not (kindIs "invalid" $request)) (ne $name $set) -}}
{{- $limit := index $limits $name -}}
{{- if kindIs "invalid" $limit -}}
{{- $errors = append $errors (printf "resources.requests.%s=%v has no limit: Kubernetes cannot overcommit %s, so set resources.limits.%s=%v too" $name $request $name $name $request) -}}
{{- else if ne (toString $request) (toString $limit) -}}
{{- $errors = append $errors (printf "resources.requests.%s=%v and resources.limits.%s=%v differ: Kubernetes cannot overcommit %s, so its request and limit must be equal" $name $request $name $limit $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
