{{/*
The NetworkPolicy: on upstream KServe the chart cannot know where the gateway and Prometheus run,
so a policy without allowedNamespaces would shut out every caller but the model's own pods and
the test pod; and the pods it guards exist only for a model the chart deploys.
*/}}
{{- define "vllm-kserve.validate.network" -}}
{{- $errors := list -}}
{{- $policy := .Values.networkPolicy -}}
{{- if and $policy.enabled (not (include "vllm-kserve.openShiftAI" .)) (not $policy.allowedNamespaces) -}}
{{- $errors = append $errors (printf "networkPolicy.enabled=true on upstream KServe (platform=%s) admits no gateway: its ingress (Istio, Kourier or a Gateway API implementation) and Prometheus can run in any namespace, so list them, for example --set 'networkPolicy.allowedNamespaces={istio-system,monitoring}'" .Values.platform) -}}
{{- end -}}
{{- if and $policy.allowedNamespaces (not $policy.enabled) -}}
{{- $errors = append $errors "networkPolicy.allowedNamespaces is set but networkPolicy.enabled is false, so no policy would admit them: add --set networkPolicy.enabled=true or remove them" -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
