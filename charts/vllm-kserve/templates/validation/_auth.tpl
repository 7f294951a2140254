{{/* Token authentication: a proxy that checks the token, and the callers it grants access to. */}}
{{- define "vllm-kserve.validate.auth" -}}
{{- $errors := list -}}
{{- $auth := .Values.endpoint.auth -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if and $auth.enabled (eq (toString $platform.authProxy) "none") -}}
{{- $errors = append $errors (printf "endpoint.auth.enabled=true needs OpenShift AI, whose controllers put the token check in front of the model; %s (platform=%s) has none: secure the endpoint at your gateway and set endpoint.auth.enabled=false, or target a level with an auth proxy: platform=%s" $platform.title .Values.platform (include "vllm-kserve.levelsWith" (list . "authProxy"))) -}}
{{- end -}}
{{- if and (not $auth.enabled) $auth.serviceAccounts -}}
{{- $errors = append $errors "endpoint.auth.serviceAccounts is set but endpoint.auth.enabled is false, so no account would be needed or granted anything: add --set endpoint.auth.enabled=true or remove the accounts" -}}
{{- end -}}
{{- $seen := dict -}}
{{- range $auth.serviceAccounts -}}
{{- $key := printf "%s/%s" (default $.Release.Namespace .namespace) .name -}}
{{- if hasKey $seen $key -}}
{{- $errors = append $errors (printf "endpoint.auth.serviceAccounts lists %s twice: keep one entry per account" $key) -}}
{{- end -}}
{{- $_ := set $seen $key true -}}
{{- if and (eq (toString .create) "false") (eq (toString .createLegacyToken) "true") -}}
{{- $errors = append $errors (printf "endpoint.auth.serviceAccounts %s: createLegacyToken=true needs create=true; the chart makes token Secrets only for accounts it creates" $key) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
