{{/* Names KServe and Knative derive from the workload name must stay DNS labels of 63 characters. */}}
{{- define "vllm-kserve.validate.names" -}}
{{- $errors := list -}}
{{- $name := include "vllm-kserve.workloadName" . -}}
{{- $multiNode := eq (include "vllm-kserve.multiNode" .) "true" -}}
{{- $limits := (include "vllm-kserve.platform" . | fromYaml).nameLength -}}
{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $name) -}}
{{- $errors = append $errors (printf "InferenceService name %q is not a DNS-1035 label (lower-case letters, digits and '-', starting with a letter): set inferenceService.name (or fullnameOverride) to such a name" $name) -}}
{{- end -}}
{{- $maxName := int (ternary $limits.multiNode $limits.singleNode $multiNode) -}}
{{- if gt (len $name) $maxName -}}
{{- $errors = append $errors (printf "InferenceService name %q has %d characters; KServe derives longer names from it (such as %s-predictor%s) that must fit 63, so use at most %d: set inferenceService.name to a shorter name" $name (len $name) $name (ternary "-worker" "-00001" $multiNode) $maxName) -}}
{{- else if and (include "vllm-kserve.serverless" .) (gt (add (len $name) (len .Release.Namespace) 11) 63) -}}
{{- $errors = append $errors (printf "Serverless host name %s-predictor-%s has more than 63 characters, so Knative cannot route to it: shorten inferenceService.name or deploy to a namespace with a shorter name" $name .Release.Namespace) -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
