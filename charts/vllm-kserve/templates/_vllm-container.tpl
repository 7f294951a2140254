{{/*
The vLLM container, shared by every workload kind: command, arguments, env, port, mounts, probes
and security context. Called with (dict "root" $ "role" ROLE), where ROLE is
  server  a single-node vLLM API server
  head    the multi-node head, which serves the API for all the pods
  worker  a multi-node worker
and rendered as one list entry of a containers list. The multi-node pods form one vLLM on the
backend multiNode.backend or the level's names: Ray, or vLLM's own multiprocessing (mp).
*/}}
{{- define "vllm-kserve.vllmContainer" -}}
{{- $root := .root -}}
{{- $role := .role -}}
{{- $backend := include "vllm-kserve.multiNodeBackend" $root -}}
- name: {{ ternary "worker-container" "kserve-container" (eq $role "worker") }}
  image: {{ include "vllm-kserve.image" $root | quote }}
  imagePullPolicy: {{ $root.Values.image.pullPolicy }}
  {{- $spyre := include "vllm-kserve.spyre" $root | fromYaml }}
  {{- if eq $role "server" }}
  command:
    {{- with $spyre.setupScript }}
    {{- /* the Spyre runtime of this level and architecture readies the device libraries first */}}
    - bash
    - -c
    - source {{ . }} && exec python3 -m vllm.entrypoints.openai.api_server "$@"
    - --
    {{- else }}
    - python
    - -m
    - vllm.entrypoints.openai.api_server
    {{- end }}
  args:
    - --port=8080
    - --model=/mnt/models
    - {{ include "vllm-kserve.servedModelNameArg" $root | quote }}
  {{- else }}
  command:
    - bash
    - -c
    - |
      {{- $root.Files.Get (printf "files/multinode-%s-%s.sh" $backend $role) | nindent 6 }}
  {{- if eq $role "head" }}
  args:
    - {{ include "vllm-kserve.servedModelNameArg" $root | quote }}
    - --port=8080
  {{- end }}
  {{- end }}
  env:
    {{- /* RAY_USE_TLS leads: odh-model-controller 2.22 issues the Ray certificates only to pods
    whose first container's first env entry it is */}}
    {{- if and (ne $role "server") (eq $backend "ray") }}
    {{- include "vllm-kserve.rayEnv" $root | nindent 4 }}
    {{- end }}
    {{- include "vllm-kserve.cacheEnv" $root | nindent 4 }}
    {{- /* the settings the level's Spyre template gives the device; model.env overrides them by
    name, since KServe lets the InferenceService's env win */}}
    {{- with $spyre.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- if and (eq $role "head") (eq $backend "ray") }}
    - name: RAY_ADDRESS
      value: 127.0.0.1:6379
    {{- end }}
    {{- if and (ne $role "server") (eq $backend "mp") }}
    {{- /* the port the head's vLLM waits for the workers on */}}
    - name: MASTER_PORT
      value: "29500"
    {{- end }}
    {{- if eq $role "worker" }}
    - name: POD_NAME
      valueFrom:
        fieldRef:
          fieldPath: metadata.name
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    {{- end }}
    {{- if ne $role "server" }}
    - name: POD_IP
      valueFrom:
        fieldRef:
          fieldPath: status.podIP
    {{- end }}
    {{- if eq $role "head" }}
    - name: POD_NAMESPACE
      valueFrom:
        fieldRef:
          fieldPath: metadata.namespace
    {{- with $root.Values.model.env }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- else if eq $role "worker" }}
    {{- with $root.Values.multiNode.workerEnv }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- end }}
  {{- if ne $role "worker" }}
  ports:
    - containerPort: 8080
      protocol: TCP
  {{- end }}
  volumeMounts:
    {{- include "vllm-kserve.volumeMounts" $root | nindent 4 }}
  {{- if or (eq $role "server") (and (eq $role "head") (eq $backend "mp")) }}
  {{- include "vllm-kserve.probes" $root | nindent 2 }}
  {{- else if eq $role "head" }}
  {{- include "vllm-kserve.multiNodeHeadProbes" $root | nindent 2 }}
  {{- else if eq $backend "mp" }}
  {{- include "vllm-kserve.mpWorkerProbes" $root | nindent 2 }}
  {{- else }}
  {{- include "vllm-kserve.multiNodeWorkerProbes" $root | nindent 2 }}
  {{- end }}
  {{- with $root.Values.securityContext }}
  securityContext:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/*
Every cache vLLM and its libraries write goes to the `cache` emptyDir, so the pod runs with any
UID (OpenShift's restricted SCC) and never writes to "/" or to a read-only home.
*/}}
{{- define "vllm-kserve.cacheEnv" -}}
- name: HOME
  value: /cache
- name: XDG_CACHE_HOME
  value: /cache/.cache
- name: XDG_CONFIG_HOME
  value: /cache/.config
- name: HF_HOME
  value: /cache/.cache/huggingface
- name: VLLM_CACHE_ROOT
  value: /cache/.cache/vllm
- name: TRITON_CACHE_DIR
  value: /cache/.cache/triton
- name: TORCHINDUCTOR_CACHE_DIR
  value: /cache/.cache/torchinductor
- name: NUMBA_CACHE_DIR
  value: /cache/.cache/numba
- name: OUTLINES_CACHE_DIR
  value: /cache/.cache/outlines
- name: VLLM_NO_USAGE_STATS
  value: "1"
- name: DO_NOT_TRACK
  value: "1"
{{- end -}}

{{/*
Ray settings of the multi-node head and workers. Where the level issues Ray TLS certificates
(odh-model-controller on OpenShift AI), the pods read them from these paths; elsewhere nothing
would issue them, so TLS stays off.
*/}}
{{- define "vllm-kserve.rayEnv" -}}
{{- if (include "vllm-kserve.platform" . | fromYaml).multiNode.rayTLS -}}
- name: RAY_USE_TLS
  value: "1"
- name: RAY_TLS_SERVER_CERT
  value: /etc/ray/tls/tls.pem
- name: RAY_TLS_SERVER_KEY
  value: /etc/ray/tls/tls.pem
- name: RAY_TLS_CA_CERT
  value: /etc/ray/tls/ca.crt
{{- else -}}
- name: RAY_USE_TLS
  value: "0"
{{- end }}
- name: RAY_PORT
  value: "6379"
{{- end -}}

{{- define "vllm-kserve.volumeMounts" -}}
- name: shm
  mountPath: /dev/shm
- name: cache
  mountPath: /cache
{{- with (include "vllm-kserve.spyre" . | fromYaml).cacheDir }}
- name: spyre-cache
  mountPath: {{ . }}
{{- end }}
{{- end -}}

{{/*
/dev/shm size: servingRuntime.shmSize, or 2Gi plus 2Gi per accelerator in the pod (NCCL's
intra-node buffers), plus 8Gi in multi-node on Ray for its object store, which lives in /dev/shm.
*/}}
{{- define "vllm-kserve.shmSize" -}}
{{- if .Values.servingRuntime.shmSize -}}
{{- .Values.servingRuntime.shmSize -}}
{{- else -}}
{{- $accelerators := 0 -}}
{{- $accelerator := include "vllm-kserve.accelerator" . -}}
{{- if include "vllm-kserve.multiNode" . -}}
{{- $accelerators = int .Values.multiNode.tensorParallelSize -}}
{{- else if $accelerator -}}
{{- $resources := .Values.resources | default dict -}}
{{- $limits := $resources.limits | default dict -}}
{{- $requests := $resources.requests | default dict -}}
{{- $accelerators = max (int (get $limits $accelerator | default 0)) (int (get $requests $accelerator | default 0)) -}}
{{- end -}}
{{- $ray := and (eq (include "vllm-kserve.multiNode" .) "true") (eq (include "vllm-kserve.multiNodeBackend" .) "ray") -}}
{{- $gi := add 2 (mul 2 $accelerators) (ternary 8 0 $ray) -}}
{{- printf "%dGi" $gi -}}
{{- end -}}
{{- end -}}

{{- define "vllm-kserve.volumes" -}}
- name: shm
  emptyDir:
    medium: Memory
    sizeLimit: {{ include "vllm-kserve.shmSize" . | quote }}
- name: cache
  emptyDir: {}
{{- if (include "vllm-kserve.spyre" . | fromYaml).cacheDir }}
- name: spyre-cache
  emptyDir: {}
{{- end }}
{{- end -}}

{{/*
Single-node probes. The startup probe gives the model probes.startupMinutes to load; liveness and
readiness only begin once it has passed, so a model that is still loading is never restarted.
*/}}
{{- define "vllm-kserve.probes" -}}
startupProbe:
  httpGet:
    path: /health
    port: 8080
  periodSeconds: 10
  timeoutSeconds: 5
  failureThreshold: {{ mul .Values.probes.startupMinutes 6 }}
readinessProbe:
  httpGet:
    path: /health
    port: 8080
  {{- include "vllm-kserve.probeTiming" (list . "readiness" 10 5 3) | nindent 2 }}
livenessProbe:
  httpGet:
    path: /health
    port: 8080
  {{- include "vllm-kserve.probeTiming" (list . "liveness" 30 10 5) | nindent 2 }}
{{- end -}}

{{- define "vllm-kserve.execProbe" -}}
exec:
  command:
    - bash
    - -c
    - |
      {{- range .scripts }}
      {{- $.root.Files.Get (printf "files/%s" .) | nindent 6 }}
      {{- end }}
{{- end -}}

{{/* Multi-node head: healthy while all Ray nodes are joined and vLLM answers /health. */}}
{{- define "vllm-kserve.multiNodeHeadProbes" -}}
{{- $both := dict "root" . "scripts" (list "multinode-ray-nodes.sh" "multinode-vllm-health.sh") -}}
startupProbe:
  {{- include "vllm-kserve.execProbe" $both | nindent 2 }}
  periodSeconds: 30
  timeoutSeconds: 30
  failureThreshold: {{ mul .Values.probes.startupMinutes 2 }}
readinessProbe:
  {{- include "vllm-kserve.execProbe" (dict "root" . "scripts" (list "multinode-vllm-health.sh")) | nindent 2 }}
  {{- include "vllm-kserve.probeTiming" (list . "readiness" 10 15 3) | nindent 2 }}
livenessProbe:
  {{- include "vllm-kserve.execProbe" $both | nindent 2 }}
  {{- include "vllm-kserve.probeTiming" (list . "liveness" 30 15 5) | nindent 2 }}
{{- end -}}

{{/* Multi-node worker: healthy while all Ray nodes are joined. */}}
{{- define "vllm-kserve.multiNodeWorkerProbes" -}}
{{- $nodes := dict "root" . "scripts" (list "multinode-ray-nodes.sh") -}}
startupProbe:
  {{- include "vllm-kserve.execProbe" $nodes | nindent 2 }}
  periodSeconds: 30
  timeoutSeconds: 30
  failureThreshold: {{ mul .Values.probes.startupMinutes 2 }}
livenessProbe:
  {{- include "vllm-kserve.execProbe" $nodes | nindent 2 }}
  {{- include "vllm-kserve.probeTiming" (list . "liveness" 30 15 5) | nindent 2 }}
{{- end -}}


{{/* Multi-node worker on the multiprocessing backend: healthy while the head's vLLM answers. */}}
{{- define "vllm-kserve.mpWorkerProbes" -}}
{{- $head := dict "root" . "scripts" (list "multinode-mp-head-health.sh") -}}
startupProbe:
  {{- include "vllm-kserve.execProbe" $head | nindent 2 }}
  periodSeconds: 30
  timeoutSeconds: 10
  failureThreshold: {{ mul .Values.probes.startupMinutes 2 }}
livenessProbe:
  {{- include "vllm-kserve.execProbe" $head | nindent 2 }}
  {{- include "vllm-kserve.probeTiming" (list . "liveness" 30 10 5) | nindent 2 }}
{{- end -}}

{{/*
The timing of a readiness or liveness check: probes.<kind>'s settings, each null one the chart's
for that pod. Called with (list $ KIND PERIOD TIMEOUT FAILURES).
*/}}
{{- define "vllm-kserve.probeTiming" -}}
{{- $root := index . 0 -}}
{{- $set := get $root.Values.probes (index . 1) | default dict -}}
periodSeconds: {{ int (ternary (index . 2) $set.periodSeconds (kindIs "invalid" $set.periodSeconds)) }}
timeoutSeconds: {{ int (ternary (index . 3) $set.timeoutSeconds (kindIs "invalid" $set.timeoutSeconds)) }}
failureThreshold: {{ int (ternary (index . 4) $set.failureThreshold (kindIs "invalid" $set.failureThreshold)) }}
{{- end -}}

{{/* The probes.readiness and probes.liveness settings given, one per line (empty: none). */}}
{{- define "vllm-kserve.probeOverrides" -}}
{{- range $kind := list "readiness" "liveness" -}}
{{- range $field, $value := get $.Values.probes $kind | default dict -}}
{{- if not (kindIs "invalid" $value) }}
{{ $kind }}.{{ $field }}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
