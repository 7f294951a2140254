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
{{- /* the user's own containers run in the same pods, held to the same restricted-v2 SCC and
restricted Pod Security level, which refuse privilege escalation, capabilities added beyond
NET_BIND_SERVICE, and UID 0 */ -}}
{{- range $value, $list := dict "sidecars" .Values.sidecars "initContainers" .Values.initContainers -}}
{{- range $list | default list -}}
{{- $name := .name -}}
{{- $sc := .securityContext | default dict -}}
{{- if $sc.allowPrivilegeEscalation -}}
{{- $errors = append $errors (printf "%s %s sets securityContext.allowPrivilegeEscalation=true, which OpenShift's restricted SCC refuses: remove it or set it false" $value .name) -}}
{{- end -}}
{{- with without (($sc.capabilities | default dict).add | default list) "NET_BIND_SERVICE" -}}
{{- $errors = append $errors (printf "%s %s adds capabilities %s, and the restricted SCC allows adding only NET_BIND_SERVICE: remove them" $value $name (toJson .)) -}}
{{- end -}}
{{- $uid := ternary $sc.runAsUser $pod.runAsUser (hasKey $sc "runAsUser") -}}
{{- if and (not (kindIs "invalid" $uid)) (eq (int $uid) 0) -}}
{{- $errors = append $errors (printf "%s %s runs as UID 0 (runAsUser=0), which the restricted SCC refuses: leave runAsUser out (OpenShift assigns a UID) or set a non-zero one" $value .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
