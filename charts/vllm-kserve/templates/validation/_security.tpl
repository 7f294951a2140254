{{/*
The vLLM containers' security context. With runAsNonRoot the kubelet refuses to start a container
whose runAsUser is 0 (kubernetes@v1.36.3 pkg/kubelet/kuberuntime/security_context_others.go:34-44,
verifyRunAsNonRoot), after the API server and KServe took every object: the pods would never run.
*/}}
{{- define "vllm-kserve.validate.security" -}}
{{- $errors := list -}}
{{- $context := .Values.securityContext | default dict -}}
{{- if and $context.runAsNonRoot (not (kindIs "invalid" $context.runAsUser)) (eq (int $context.runAsUser) 0) -}}
{{- $errors = append $errors "securityContext.runAsUser=0 with securityContext.runAsNonRoot=true: the kubelet refuses to start such a container; leave runAsUser out (OpenShift assigns a UID) or set a non-zero one" -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
