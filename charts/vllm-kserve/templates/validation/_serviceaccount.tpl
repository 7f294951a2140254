{{/* The model pods' own ServiceAccount (serviceAccount.*), apart from the endpoint's callers. */}}
{{- define "vllm-kserve.validate.serviceaccount" -}}
{{- $errors := list -}}
{{- $account := .Values.serviceAccount -}}
{{- if and $account.annotations (not $account.create) -}}
{{- $errors = append $errors "serviceAccount.annotations apply only to a ServiceAccount the chart creates, so they would be lost: set serviceAccount.create=true, or annotate the existing account yourself and remove them" -}}
{{- end -}}
{{- if $account.create -}}
{{- $name := include "vllm-kserve.modelServiceAccount" . -}}
{{- range include "vllm-kserve.serviceAccounts" . | fromYamlArray -}}
{{- if and .create (eq .name $name) (eq .namespace $.Release.Namespace) -}}
{{- $errors = append $errors (printf "serviceAccount.name=%s is also a caller's account the chart creates (endpoint.auth.serviceAccounts), and the model pods would run with the right to call themselves: give the model pods' account another name" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
