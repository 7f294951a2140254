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
{{- $fixed := or (include "vllm-kserve.isExtendedResource" $name) (hasPrefix "hugepages-" $name) -}}
{{- if and $fixed (not (kindIs "invalid" $request)) (ne $name $set) -}}
{{- $limit := index $limits $name -}}
{{- if kindIs "invalid" $limit -}}
{{- $errors = append $errors (printf "resources.requests.%s=%v has no limit: Kubernetes cannot overcommit %s, so set resources.limits.%s=%v too" $name $request $name $name $request) -}}
{{- else if ne (toString $request) (toString $limit) -}}
{{- $errors = append $errors (printf "resources.requests.%s=%v and resources.limits.%s=%v differ: Kubernetes cannot overcommit %s, so its request and limit must be equal" $name $request $name $limit $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* an extended resource comes in whole devices (validation.go ValidateResourceRequirements:
"must be an integer") */ -}}
{{- range $section := list "requests" "limits" -}}
{{- range $name, $quantity := get $resources $section | default dict -}}
{{- if and (include "vllm-kserve.isExtendedResource" $name) (not (kindIs "invalid" $quantity)) (not (regexMatch "^[0-9]+$" (toString $quantity))) -}}
{{- $errors = append $errors (printf "resources.%s.%s=%v: an extended resource comes in whole units, so give a whole number" $section $name $quantity) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* a hugepages quantity is a positive whole number of pages (validation.go
ValidateResourceRequirements, IsHugePageResourceValueDivisible) */ -}}
{{- $units := dict "Ki" 1 "Mi" 1024 "Gi" 1048576 "Ti" 1073741824 -}}
{{- range $section := list "requests" "limits" -}}
{{- range $name, $quantity := get $resources $section | default dict -}}
{{- if and (hasPrefix "hugepages-" $name) (not (kindIs "invalid" $quantity)) -}}
{{- $page := regexFindAll "^hugepages-([0-9]+)(Ki|Mi|Gi)$" $name 1 -}}
{{- $amount := regexFindAll "^[0-9]+(Ki|Mi|Gi|Ti)$" (toString $quantity) 1 -}}
{{- if not (and $page $amount) -}}
{{- $errors = append $errors (printf "resources.%s.%s=%v: give hugepages as a page size in Ki, Mi or Gi (hugepages-2Mi, hugepages-1Gi) and an amount in whole Ki, Mi, Gi or Ti (1Gi)" $section $name $quantity) -}}
{{- else -}}
{{- $size := mul (int64 (regexReplaceAll "[A-Za-z]+$" (trimPrefix "hugepages-" $name) "")) (get $units (regexFind "(Ki|Mi|Gi)$" $name)) -}}
{{- $bytes := mul (int64 (regexReplaceAll "[A-Za-z]+$" (toString $quantity) "")) (get $units (regexFind "(Ki|Mi|Gi|Ti)$" (toString $quantity))) -}}
{{- if or (eq $bytes 0) (ne (mod $bytes $size) 0) -}}
{{- $errors = append $errors (printf "resources.%s.%s=%v is not a whole number of %s pages: Kubernetes refuses the pods; give a multiple of the page size" $section $name $quantity (trimPrefix "hugepages-" $name)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
