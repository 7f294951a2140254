{{/* Token authentication: a proxy that checks the token, and the callers it grants access to. */}}
{{- define "vllm-kserve.validate.auth" -}}
{{- $errors := list -}}
{{- $auth := .Values.endpoint.auth -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if and $auth.enabled (eq (toString $platform.authProxy) "none") -}}
{{- $errors = append $errors (printf "endpoint.auth.enabled=true needs OpenShift AI, whose controllers put the token check in front of the model; %s (platform=%s) has none: secure the endpoint at your gateway and set endpoint.auth.enabled=false, or target a level with an auth proxy: platform=%s" $platform.title .Values.platform (include "vllm-kserve.levelsWith" (list . "authProxy"))) -}}
{{- end -}}
{{- with $auth.proxy -}}
{{- $selector := $platform.authProxySelector -}}
{{- if not $auth.enabled -}}
{{- $errors = append $errors (printf "endpoint.auth.proxy=%s is set but endpoint.auth.enabled is false, so no proxy runs: add --set endpoint.auth.enabled=true or remove it" .) -}}
{{- else if and $selector (not (has . $selector.proxies)) -}}
{{- $errors = append $errors (printf "endpoint.auth.proxy=%s: %s (platform=%s) runs %s for new InferenceServices: use endpoint.auth.proxy=%s or remove it" . $platform.title $.Values.platform (join " or " $selector.proxies) (first $selector.proxies)) -}}
{{- else if and (not $selector) (ne . (toString $platform.authProxy)) -}}
{{- $errors = append $errors (printf "endpoint.auth.proxy=%s: %s (platform=%s) runs only %s and cannot be asked for another: remove endpoint.auth.proxy" . $platform.title $.Values.platform $platform.authProxy) -}}
{{- end -}}
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
