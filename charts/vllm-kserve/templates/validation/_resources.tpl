{{/*
Resources the kubelet cannot overcommit: extended resources (a name with a "/" outside
kubernetes.io/, such as nvidia.com/gpu) and hugepages. The API server takes the InferenceService
as written but refuses the pods KServe makes from it when such a request differs from its limit or
has none (kubernetes pkg/apis/core/validation/validation.go, ValidateResourceRequirements), so the
model would never start; the chart refuses it first.
*/}}
{{- define "vllm-kserve.validate.resources" -}}
{{- $errors := list -}}
{{- /* multi-node pods get multiNode.tensorParallelSize of the accelerator as request and limit */ -}}
{{- $set := ternary (include "vllm-kserve.accelerator" .) "" (eq (include "vllm-kserve.multiNode" .) "true") -}}
{{- $errors = concat $errors (include "vllm-kserve.resourceProblems" (dict "prefix" "resources" "resources" .Values.resources "exempt" $set "compare" (not (include "vllm-kserve.resourcesFromProfile" .))) | fromYamlArray) -}}
{{- /* the user's own containers run in the same pods, under the same rules */ -}}
{{- range $list := list "sidecars" "initContainers" -}}
{{- range $i, $c := get $.Values $list | default list -}}
{{- $errors = concat $errors (include "vllm-kserve.resourceProblems" (dict "prefix" (printf "%s[%d].resources" $list $i) "resources" $c.resources "exempt" "" "compare" true) | fromYamlArray) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}

{{/* The problems of one container's resources (dict "prefix" VALUE "resources" R "exempt" NAME "compare" BOOL). */}}
{{- define "vllm-kserve.resourceProblems" -}}
{{- $errors := list -}}
{{- $p := .prefix -}}
{{- $resources := .resources | default dict -}}
{{- $requests := $resources.requests | default dict -}}
{{- $limits := $resources.limits | default dict -}}
{{- $set := .exempt -}}
{{- range $name := keys $requests | sortAlpha -}}
{{- $request := get $requests $name -}}
{{- $fixed := or (include "vllm-kserve.isExtendedResource" $name) (hasPrefix "hugepages-" $name) -}}
{{- if and $fixed (not (kindIs "invalid" $request)) (ne $name $set) -}}
{{- $limit := index $limits $name -}}
{{- if kindIs "invalid" $limit -}}
{{- $errors = append $errors (printf "%s.requests.%s=%v has no limit: Kubernetes cannot overcommit %s, so set %s.limits.%s=%v too" $p $name $request $name $p $name $request) -}}
{{- else if ne (toString $request) (toString $limit) -}}
{{- $errors = append $errors (printf "%s.requests.%s=%v and %s.limits.%s=%v differ: Kubernetes cannot overcommit %s, so its request and limit must be equal" $p $name $request $p $name $limit $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* cpu, memory and ephemeral-storage may be overcommitted, but no request may exceed its limit
(validation.go ValidateResourceRequirements, "must be less than or equal to ... limit") */ -}}
{{- if .compare -}}
{{- range $name := keys $requests | sortAlpha -}}
{{- $request := get $requests $name -}}
{{- $limit := index $limits $name -}}
{{- if and (not (include "vllm-kserve.isExtendedResource" $name)) (not (hasPrefix "hugepages-" $name)) (not (kindIs "invalid" $request)) (not (kindIs "invalid" $limit)) -}}
{{- $r := include "vllm-kserve.quantityValue" $request -}}
{{- $l := include "vllm-kserve.quantityValue" $limit -}}
{{- if and $r $l (gt (float64 $r) (float64 $l)) -}}
{{- $errors = append $errors (printf "%s.requests.%s=%v is above %s.limits.%s=%v, which the API server refuses in the pods: lower the request or raise the limit%s" $p $name $request $p $name $limit (ternary " (the chart's defaults, requests cpu 2 and memory 8Gi, stay unless you replace them too)" "" (eq $p "resources"))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* an extended resource comes in whole devices (validation.go ValidateResourceRequirements:
"must be an integer") */ -}}
{{- range $section := list "requests" "limits" -}}
{{- range $name, $quantity := get $resources $section | default dict -}}
{{- if and (include "vllm-kserve.isExtendedResource" $name) (not (kindIs "invalid" $quantity)) (not (regexMatch "^[0-9]+$" (toString $quantity))) -}}
{{- $errors = append $errors (printf "%s.%s.%s=%v: an extended resource comes in whole units, so give a whole number" $p $section $name $quantity) -}}
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
{{- $errors = append $errors (printf "%s.%s.%s=%v: give hugepages as a page size in Ki, Mi or Gi (hugepages-2Mi, hugepages-1Gi) and an amount in whole Ki, Mi, Gi or Ti (1Gi)" $p $section $name $quantity) -}}
{{- else -}}
{{- $size := mul (int64 (regexReplaceAll "[A-Za-z]+$" (trimPrefix "hugepages-" $name) "")) (get $units (regexFind "(Ki|Mi|Gi)$" $name)) -}}
{{- $bytes := mul (int64 (regexReplaceAll "[A-Za-z]+$" (toString $quantity) "")) (get $units (regexFind "(Ki|Mi|Gi|Ti)$" (toString $quantity))) -}}
{{- if or (eq $bytes 0) (ne (mod $bytes $size) 0) -}}
{{- $errors = append $errors (printf "%s.%s.%s=%v is not a whole number of %s pages: Kubernetes refuses the pods; give a multiple of the page size" $p $section $name $quantity (trimPrefix "hugepages-" $name)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}

{{/*
A Kubernetes quantity (2, 500m, 1.5Gi, 1e3) as a number in its base unit, or empty when it is not
one; close enough to compare a request with its limit.
*/}}
{{- define "vllm-kserve.quantityValue" -}}
{{- $q := toString . | trimPrefix "+" -}}
{{- $number := regexFind "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)" $q -}}
{{- $suffix := trimPrefix $number $q -}}
{{- $factors := dict "" 1.0 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- if not $number -}}
{{- else if hasKey $factors $suffix -}}
{{- mulf (float64 $number) (get $factors $suffix) -}}
{{- else if regexMatch "^[eE][-+]?[0-9]+$" $suffix -}}
{{- float64 (printf "%s%s" $number $suffix) -}}
{{- end -}}
{{- end -}}
