{{/*
What the user adds to the model pods (extraVolumes, initContainers, the claims of adapters) and to
their vLLM container (extraVolumeMounts, extraEnvFrom, the adapters' mounts), written on the
InferenceService, where KServe takes them for the pod it builds: the predictor's for the pod that serves the API, workerSpec's for a multi-node
model's workers, which KServe builds from workerSpec alone. Called with (dict "root" $ "role" ROLE),
ROLE head (the predictor) or worker.
*/}}
{{- define "vllm-kserve.podVolumes" -}}
{{- $root := .root -}}
{{- $volumes := concat (include "vllm-kserve.adapterVolumes" $root | fromYamlArray) ($root.Values.extraVolumes | default list) -}}
{{- if and (eq .role "head") $root.Values.model.chatTemplate -}}
{{- $volumes = prepend $volumes (dict "name" "chat-template" "configMap" (dict "name" (include "vllm-kserve.chatTemplateName" $root))) -}}
{{- end -}}
{{- with $volumes }}
volumes:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with include "vllm-kserve.userContainers" (dict "root" $root "value" "initContainers") | trim }}
initContainers:
  {{- . | nindent 2 }}
{{- end }}
{{- end -}}

{{- define "vllm-kserve.containerMounts" -}}
{{- $root := .root -}}
{{- $mounts := concat (include "vllm-kserve.adapterMounts" $root | fromYamlArray) ($root.Values.extraVolumeMounts | default list) -}}
{{- if and (eq .role "head") $root.Values.model.chatTemplate -}}
{{- $mounts = prepend $mounts (dict "name" "chat-template" "mountPath" "/etc/vllm/chat-template" "readOnly" true) -}}
{{- end -}}
{{- with $mounts }}
volumeMounts:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.extraEnvFrom }}
envFrom:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The user's sidecars or initContainers (dict "root" $ "value" NAME), each without a securityContext
of its own given the vLLM containers' `securityContext`, so they run under the same restricted
settings as the pod's other containers.
*/}}
{{- define "vllm-kserve.userContainers" -}}
{{- $root := .root -}}
{{- range get $root.Values .value | default list }}
{{- $container := . }}
{{- if and (not (hasKey . "securityContext")) $root.Values.securityContext }}
{{- $container = merge (dict "securityContext" $root.Values.securityContext) . }}
{{- end }}
- {{ toYaml $container | nindent 2 | trim }}
{{- end }}
{{- end -}}

{{/*
The platform's callers of the model pods, as NetworkPolicy peers. On OpenShift AI: the OpenShift
router and cluster monitoring (their namespaces' network.openshift.io/policy-group labels), user
workload monitoring, and in Serverless Knative's activator and the Service Mesh gateways (in
knative-serving and istio-system, OpenShift AI's defaults). Upstream KServe's gateway and
Prometheus can run anywhere: networkPolicy.allowedNamespaces names them; Knative's activator runs
in knative-serving.
*/}}
{{- define "vllm-kserve.platformPeers" -}}
{{- $serverless := include "vllm-kserve.serverless" . -}}
{{- if include "vllm-kserve.openShiftAI" . }}
- namespaceSelector:
    matchLabels:
      network.openshift.io/policy-group: ingress
- namespaceSelector:
    matchLabels:
      network.openshift.io/policy-group: monitoring
- namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: openshift-user-workload-monitoring
{{- if $serverless }}
{{ include "vllm-kserve.namespacesPeer" (list "knative-serving" "istio-system") }}
{{- end }}
{{- else if $serverless }}
{{ include "vllm-kserve.namespacesPeer" (list "knative-serving") }}
{{- end }}
{{- end -}}

{{/* A NetworkPolicy peer of every pod in the namespaces named (a list), by their name labels. */}}
{{- define "vllm-kserve.namespacesPeer" -}}
- namespaceSelector:
    matchExpressions:
      - key: kubernetes.io/metadata.name
        operator: In
        values:
          {{- toYaml . | nindent 10 }}
{{- end -}}
