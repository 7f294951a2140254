{{/*
The vLLM containers' security context. With runAsNonRoot the kubelet refuses to start a container
whose runAsUser is 0 (kubernetes@v1.36.3 pkg/kubelet/kuberuntime/security_context_others.go:34-44,
verifyRunAsNonRoot), after the API server and KServe took every object: the pods would never run.
*/}}
{{- define "vllm-kserve.validate.security" -}}
{{- $errors := list -}}
{{- $context := .Values.securityContext | default dict -}}
{{- $pod := .Values.podSecurityContext | default dict -}}
{{- /* the container's own fields win over the pod's */ -}}
{{- $nonRoot := ternary $context.runAsNonRoot $pod.runAsNonRoot (hasKey $context "runAsNonRoot") -}}
{{- if and $nonRoot (not (kindIs "invalid" $context.runAsUser)) (eq (int $context.runAsUser) 0) -}}
{{- $errors = append $errors "securityContext.runAsUser=0 with securityContext.runAsNonRoot=true: the kubelet refuses to start such a container; leave runAsUser out (OpenShift assigns a UID) or set a non-zero one" -}}
{{- else if and $nonRoot (not (hasKey $context "runAsUser")) (not (kindIs "invalid" $pod.runAsUser)) (eq (int $pod.runAsUser) 0) -}}
{{- $errors = append $errors "podSecurityContext.runAsUser=0 with securityContext.runAsNonRoot=true: the kubelet refuses to start the vLLM containers; leave runAsUser out (OpenShift assigns a UID) or set a non-zero one" -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
