{{/*
Names. Objects are named after the release (not "<release>-<chart>") because the InferenceService
name is also its URL host and the model name clients send; `fullnameOverride` replaces it.
*/}}
{{- define "vllm-kserve.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vllm-kserve.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "vllm-kserve.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The workload's name (inferenceService.name -> fullname): also its URL host and default served model name */}}
{{- define "vllm-kserve.workloadName" -}}
{{- default (include "vllm-kserve.fullname" .) .Values.inferenceService.name -}}
{{- end -}}

{{/*
servingRuntime.useExisting -> servingRuntime.name -> (multi-node: the one runtime name the level
recognises multi-node by, where it has one) -> workloadName
*/}}
{{- define "vllm-kserve.runtimeName" -}}
{{- if .Values.servingRuntime.useExisting -}}
{{- .Values.servingRuntime.useExisting -}}
{{- else if .Values.servingRuntime.name -}}
{{- .Values.servingRuntime.name -}}
{{- else if and (include "vllm-kserve.multiNode" .) (include "vllm-kserve.platform" . | fromYaml).multiNode.runtimeName -}}
{{- (include "vllm-kserve.platform" . | fromYaml).multiNode.runtimeName -}}
{{- else -}}
{{- include "vllm-kserve.workloadName" . -}}
{{- end -}}
{{- end -}}

{{/* model.servedModelName -> the InferenceService name, filled in by KServe from {{.Name}} */}}
{{- define "vllm-kserve.servedModelNameArg" -}}
{{- if .Values.model.servedModelName -}}
--served-model-name={{ .Values.model.servedModelName }}
{{- else -}}
--served-model-name={{ "{{.Name}}" }}
{{- end -}}
{{- end -}}

{{- define "vllm-kserve.servedModelName" -}}
{{- default (include "vllm-kserve.workloadName" .) .Values.model.servedModelName -}}
{{- end -}}

{{/* Labels every object carries. Nothing time- or random-based, so renders are reproducible. */}}
{{- define "vllm-kserve.labels" -}}
helm.sh/chart: {{ include "vllm-kserve.chart" . }}
{{ include "vllm-kserve.stableLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/*
The labels whose values stay the same from one chart version to the next: the only ones the
workload carries, because KServe copies the InferenceService's labels into the pod template, where
a label that changes with the chart version would roll the model's pods on every chart upgrade.
*/}}
{{- define "vllm-kserve.stableLabels" -}}
app.kubernetes.io/name: {{ include "vllm-kserve.name" . | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/part-of: vllm-kserve
{{- end -}}

{{/* "true" when the model is spread over several pods */}}
{{- define "vllm-kserve.multiNode" -}}
{{- if eq .Values.servingTopology "multiNode" }}true{{ end -}}
{{- end -}}

{{/* How a multi-node model's pods form one vLLM: multiNode.backend, else the level's (ray or mp). */}}
{{- define "vllm-kserve.multiNodeBackend" -}}
{{- default (include "vllm-kserve.platform" . | fromYaml).multiNode.backend .Values.multiNode.backend -}}
{{- end -}}

{{/* "true" in Serverless (Knative) mode, whichever of its names deploymentMode uses */}}
{{- define "vllm-kserve.serverless" -}}
{{- if not (hasKey . "vllmKserveServerless") -}}
{{- $_ := set . "vllmKserveServerless" (ternary "true" "" (has (include "vllm-kserve.modeName" .) (include "vllm-kserve.serverlessModeNames" . | fromYamlArray))) -}}
{{- end -}}
{{- get . "vllmKserveServerless" -}}
{{- end -}}

{{/*
The deployment mode as the user named it: deploymentMode, or when it is empty the name the level
writes for its own default mode (OpenShift AI 3.x has only RawDeployment; the others default to
Knative, as their KServe configuration does).
*/}}
{{- define "vllm-kserve.modeName" -}}
{{- if .Values.deploymentMode -}}
{{- .Values.deploymentMode -}}
{{- else -}}
{{- $modes := (include "vllm-kserve.platform" . | fromYaml).modes -}}
{{- (get $modes $modes.default).writes -}}
{{- end -}}
{{- end -}}

{{/*
The deploymentMode names that select Knative: the level's, or on a level without Knative the names
other levels give it, so that such a choice is refused rather than taken for RawDeployment.
*/}}
{{- define "vllm-kserve.serverlessModeNames" -}}
{{- $serverless := (include "vllm-kserve.platform" . | fromYaml).modes.serverless -}}
{{- if $serverless -}}
{{- toYaml $serverless.names -}}
{{- else -}}
{{- $names := list -}}
{{- range $row := (.Files.Get "files/platforms.yaml" | fromYaml).levels -}}
{{- with $row.modes.serverless }}{{ $names = concat $names .names }}{{ end -}}
{{- end -}}
{{- toYaml ($names | uniq) -}}
{{- end -}}
{{- end -}}

{{/*
The row of files/platforms.yaml for .Values.platform, as YAML (callers `fromYaml` it): templates
ask it what the level can do and never compare level names.
*/}}
{{- define "vllm-kserve.platform" -}}
{{- /* parsed once per render and kept on the root context: templates ask for it many times */ -}}
{{- if not (hasKey . "vllmKservePlatformRow") -}}
{{- $levels := (.Files.Get "files/platforms.yaml" | fromYaml).levels -}}
{{- $_ := set . "vllmKservePlatformRow" (toYaml (get $levels (toString .Values.platform))) -}}
{{- end -}}
{{- get . "vllmKservePlatformRow" -}}
{{- end -}}

{{/* "true" on OpenShift AI, whose controllers add routes, auth proxies and Ray TLS */}}
{{- define "vllm-kserve.openShiftAI" -}}
{{- if (include "vllm-kserve.platform" . | fromYaml).openShiftAI }}true{{ end -}}
{{- end -}}

{{/*
The deployment mode spelled the way the targeted level names it (KServe 0.16 renamed them). Where
the level's webhook compares the annotation of an existing InferenceService with the mode its status
records as written (modes.update exact), the name the live object records is kept: one made by an
older KServe records the legacy name, and any other would be refused as a change of mode.
*/}}
{{- define "vllm-kserve.deploymentMode" -}}
{{- $modes := (include "vllm-kserve.platform" . | fromYaml).modes -}}
{{- $mode := get $modes (ternary "serverless" "raw" (eq (include "vllm-kserve.serverless" .) "true")) | default dict -}}
{{- $name := default (include "vllm-kserve.modeName" .) $mode.writes -}}
{{- if eq (toString $modes.update) "exact" -}}
{{- $recorded := dig "status" "deploymentMode" "" (include "vllm-kserve.live" . | fromYaml) -}}
{{- if has $recorded ($mode.names | default list) }}{{ $name = $recorded }}{{ end -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/*
The release's InferenceService as the cluster holds it now, as YAML: {} offline (helm template),
on a first install, and where it is gone. Looked up once per render.
*/}}
{{- define "vllm-kserve.live" -}}
{{- if not (hasKey . "vllmKserveLive") -}}
{{- $live := lookup "serving.kserve.io/v1beta1" "InferenceService" .Release.Namespace (include "vllm-kserve.workloadName" .) -}}
{{- $_ := set . "vllmKserveLive" (toYaml ($live | default dict)) -}}
{{- end -}}
{{- get . "vllmKserveLive" -}}
{{- end -}}

{{/* imageRegistry -> global.imageRegistry -> "" (keep the registry of each image) */}}
{{- define "vllm-kserve.registry" -}}
{{- default (dig "imageRegistry" "" (.Values.global | default dict)) .Values.imageRegistry -}}
{{- end -}}

{{/*
An image reference or OCI model location, with its registry replaced by the mirror registry when one
is set. Called with (list $ reference). Its first part names a registry only where the kubelet reads
it as one (it has a dot or a port, or is localhost); otherwise the image is Docker Hub's and the
whole reference (vllm/vllm-openai) moves under the mirror.
*/}}
{{- define "vllm-kserve.mirrored" -}}
{{- $registry := include "vllm-kserve.registry" (index . 0) -}}
{{- $reference := index . 1 -}}
{{- if $registry -}}
{{- printf "%s/%s" $registry (include "vllm-kserve.withoutRegistry" $reference) -}}
{{- else -}}
{{- $reference -}}
{{- end -}}
{{- end -}}

{{/*
"true" where the kubelet reads the first part of an image reference as a registry host
(distribution/reference normalize.go splitDockerDomain): a dot or a port, localhost, or capitals.
*/}}
{{- define "vllm-kserve.isRegistry" -}}
{{- if or (contains "." .) (contains ":" .) (eq . "localhost") (ne (lower .) .) }}true{{ end -}}
{{- end -}}

{{/* An image reference without its registry: all of it where its first part names none. */}}
{{- define "vllm-kserve.withoutRegistry" -}}
{{- $parts := splitn "/" 2 . -}}
{{- if and $parts._1 (include "vllm-kserve.isRegistry" $parts._0) -}}
{{- $parts._1 -}}
{{- else -}}
{{- . -}}
{{- end -}}
{{- end -}}

{{/* Labels or annotations of the user's, one `key: "value"` line each. */}}
{{- define "vllm-kserve.quotedMap" -}}
{{- $lines := list -}}
{{- range $key, $value := . }}{{ $lines = append $lines (printf "%s: %s" $key (quote $value)) }}{{ end -}}
{{- join "\n" $lines -}}
{{- end -}}

{{/* "true" for an extended resource: a name with a "/" outside kubernetes.io/ (nvidia.com/gpu). */}}
{{- define "vllm-kserve.isExtendedResource" -}}
{{- if and (contains "/" .) (not (contains "kubernetes.io/" .)) }}true{{ end -}}
{{- end -}}

{{/*
The level's image entry for the accelerator the model requests (images.<key> of its row), or an
empty dict where the level ships none for it.
*/}}
{{- define "vllm-kserve.levelImage" -}}
{{- $accelerator := include "vllm-kserve.accelerator" . -}}
{{- $row := include "vllm-kserve.platform" . | fromYaml -}}
{{- if hasPrefix "ibm.com/spyre_" $accelerator -}}
{{- /* one Spyre image for every architecture; the runtime version is the architecture's template's */ -}}
{{- with $row.spyre -}}
{{- $architecture := include "vllm-kserve.spyre" $ | fromYaml -}}
{{- toYaml (merge (dict "runtimeVersion" ($architecture.runtimeVersion | default "")) .image) -}}
{{- end -}}
{{- else -}}
{{- $keys := dict "nvidia.com/gpu" "cuda" "amd.com/gpu" "rocm" "habana.ai/gaudi" "gaudi" "" "cpu" -}}
{{- toYaml (get ($row.images | default dict) (get $keys $accelerator) | default dict) -}}
{{- end -}}
{{- end -}}

{{/*
The node architecture a Spyre model runs on: nodeSelector kubernetes.io/arch, else the one its
device implies where the user says nothing (the VF device is s390x's, the PF device x86's).
*/}}
{{- define "vllm-kserve.spyreArchitecture" -}}
{{- $given := get (.Values.nodeSelector | default dict) "kubernetes.io/arch" -}}
{{- default (ternary "s390x" "amd64" (eq (include "vllm-kserve.accelerator" .) "ibm.com/spyre_vf")) $given -}}
{{- end -}}

{{/*
On IBM Spyre, the level's Spyre template for the model's node architecture (files/platforms.yaml,
spyre.architectures), as YAML: empty off Spyre, on a level without one, or where that
architecture's template serves another Spyre device.
*/}}
{{- define "vllm-kserve.spyre" -}}
{{- $accelerator := include "vllm-kserve.accelerator" . -}}
{{- if hasPrefix "ibm.com/spyre_" $accelerator -}}
{{- with (include "vllm-kserve.platform" . | fromYaml).spyre -}}
{{- with get .architectures (include "vllm-kserve.spyreArchitecture" $) -}}
{{- if eq .resource $accelerator }}{{ toYaml . }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
The vLLM image: the level's own for the accelerator, pinned by digest, unless image.* names
another; image.tag and image.digest then replace the level's tag and digest together, so a tag
the user gives is never pinned to a digest of some other image.
*/}}
{{- define "vllm-kserve.image" -}}
{{- $image := .Values.image -}}
{{- $level := include "vllm-kserve.levelImage" . | fromYaml -}}
{{- $repository := include "vllm-kserve.mirrored" (list . (default $level.repository $image.repository)) -}}
{{- $tag := $level.tag -}}
{{- $digest := $level.digest -}}
{{- if or $image.tag $image.digest -}}
{{- $tag = $image.tag -}}
{{- $digest = $image.digest -}}
{{- end -}}
{{- $repository -}}
{{- with $tag }}:{{ . }}{{ end -}}
{{- with $digest }}@{{ . }}{{ end -}}
{{- end -}}

{{/* model.uri, with an oci:// modelcar pulled from the mirror registry when one is set */}}
{{- define "vllm-kserve.modelUri" -}}
{{- $uri := toString .Values.model.uri -}}
{{- if hasPrefix "oci://" $uri -}}
oci://{{ include "vllm-kserve.mirrored" (list . (trimPrefix "oci://" $uri)) }}
{{- else -}}
{{- $uri -}}
{{- end -}}
{{- end -}}

{{/* The model family presets of model.toolCalling.preset and vLLM's parser for each. */}}
{{- define "vllm-kserve.toolCallParsers" -}}
granite: granite
hermes: hermes
llama3: llama3_json
mistral: mistral
qwen: hermes
{{- end -}}

{{/* vLLM arguments the chart derives from values, placed before model.args. */}}
{{- define "vllm-kserve.derivedArgs" -}}
{{- with .Values.model.toolCalling.preset }}
- --enable-auto-tool-choice
- --tool-call-parser={{ get (include "vllm-kserve.toolCallParsers" $ | fromYaml) . }}
{{- end }}
{{- if .Values.model.chatTemplate }}
- --chat-template=/etc/vllm/chat-template/template.jinja
{{- end }}
{{- include "vllm-kserve.engineArgs" . }}
{{- end -}}

{{- define "vllm-kserve.chatTemplateName" -}}
{{- include "vllm-kserve.dnsLabel" (printf "%s-chat-template" (include "vllm-kserve.workloadName" .)) -}}
{{- end -}}

{{/* The runtime version the dashboard shows: the override, else the level's for this runtime. */}}
{{- define "vllm-kserve.runtimeVersion" -}}
{{- $version := (include "vllm-kserve.levelImage" . | fromYaml).runtimeVersion -}}
{{- if include "vllm-kserve.multiNode" . -}}
{{- $version = (include "vllm-kserve.platform" . | fromYaml).images.multiNodeRuntimeVersion -}}
{{- end -}}
{{- default (default .Chart.AppVersion $version) .Values.image.runtimeVersionOverride -}}
{{- end -}}

{{/*
The accelerator resource the model requests: the first of the known accelerator resources with a
non-zero request or limit, or "" for CPU only.
*/}}
{{- define "vllm-kserve.acceleratorResources" -}}
nvidia.com/gpu: vLLM NVIDIA GPU
amd.com/gpu: vLLM AMD GPU
habana.ai/gaudi: vLLM Intel Gaudi Accelerator
intel.com/gpu: vLLM Intel GPU
ibm.com/spyre_pf: vLLM IBM Spyre
ibm.com/spyre_vf: vLLM IBM Spyre
{{- end -}}

{{- define "vllm-kserve.accelerator" -}}
{{- $resources := .Values.resources | default dict -}}
{{- $requests := $resources.requests | default dict -}}
{{- $limits := $resources.limits | default dict -}}
{{- $found := "" -}}
{{- range $name := list "nvidia.com/gpu" "amd.com/gpu" "habana.ai/gaudi" "intel.com/gpu" "ibm.com/spyre_pf" "ibm.com/spyre_vf" -}}
{{- if and (not $found) (or (gt (int (get $requests $name | default 0)) 0) (gt (int (get $limits $name | default 0)) 0)) -}}
{{- $found = $name -}}
{{- end -}}
{{- end -}}
{{- $found -}}
{{- end -}}

{{/*
A resources block with every quantity written as a string, the form the API server and KServe's
webhook keep, so GitOps tools see no drift between what is rendered and what is stored.
Multi-node pods get tensorParallelSize accelerators each, which is what KServe enforces.
*/}}
{{- define "vllm-kserve.resources" -}}
{{- $resources := .Values.resources | default dict -}}
{{- $accelerator := include "vllm-kserve.accelerator" . -}}
{{- range $section := list "limits" "requests" -}}
{{- $entries := get $resources $section | default dict -}}
{{- if and (include "vllm-kserve.multiNode" $) $accelerator -}}
{{- $entries = merge (dict $accelerator (toString $.Values.multiNode.tensorParallelSize)) $entries -}}
{{- end -}}
{{- if $entries }}
{{ $section }}:
{{- range $key := keys $entries | sortAlpha }}
{{- $value := get $entries $key }}
{{- if not (kindIs "invalid" $value) }}
  {{ $key }}: {{ toString $value | quote }}
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Hardware profiles. "true" when one is named on a level whose platform applies them: its admission
webhook then fills in the requests the InferenceService leaves out and places the pods.
*/}}
{{- define "vllm-kserve.hardwareProfile" -}}
{{- if and .Values.hardwareProfile.name (include "vllm-kserve.platform" . | fromYaml).hardwareProfiles }}true{{ end -}}
{{- end -}}

{{/*
The chart's own defaults of resources and tolerations (as values.yaml has them): with a hardware
profile they are the chart's guess, not the user's choice, so they yield to the profile; values
the user sets stay.
*/}}
{{- define "vllm-kserve.defaultResources" -}}
limits: {cpu: "4", memory: 16Gi, nvidia.com/gpu: "1"}
requests: {cpu: "2", memory: 8Gi, nvidia.com/gpu: "1"}
{{- end -}}

{{- define "vllm-kserve.defaultTolerations" -}}
- {key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}
{{- end -}}

{{/* values.yaml's securityContext and startup budget, which an existing runtime makes moot */}}
{{- define "vllm-kserve.defaultSecurityContext" -}}
allowPrivilegeEscalation: false
capabilities: {drop: [ALL]}
runAsNonRoot: true
seccompProfile: {type: RuntimeDefault}
{{- end -}}

{{- define "vllm-kserve.defaultStartupMinutes" -}}30{{- end -}}

{{- define "vllm-kserve.resourcesFromProfile" -}}
{{- if and (include "vllm-kserve.hardwareProfile" .) (eq (toJson .Values.resources) (toJson (include "vllm-kserve.defaultResources" . | fromYaml))) }}true{{ end -}}
{{- end -}}

{{- define "vllm-kserve.tolerationsFromProfile" -}}
{{- if and (include "vllm-kserve.hardwareProfile" .) (eq (toJson .Values.tolerations) (toJson (include "vllm-kserve.defaultTolerations" . | fromYamlArray))) }}true{{ end -}}
{{- end -}}

{{/* imagePullSecrets entries given as names or as {name: ...} */}}
{{- define "vllm-kserve.imagePullSecrets" -}}
{{- range .Values.imagePullSecrets }}
{{- if kindIs "string" . }}
- name: {{ . | quote }}
{{- else }}
- name: {{ .name | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Pod-level fields of the model pods: pull secrets and where the pods may run. */}}
{{- define "vllm-kserve.podPlacement" -}}
{{- with include "vllm-kserve.modelServiceAccount" . }}
serviceAccountName: {{ . | quote }}
{{- end }}
{{- with include "vllm-kserve.imagePullSecrets" . | trim }}
imagePullSecrets:
  {{- . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with .Values.runtimeClassName }}
runtimeClassName: {{ . | quote }}
{{- end }}
{{- with .Values.schedulerName }}
schedulerName: {{ . | quote }}
{{- end }}
{{- with .Values.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if not (kindIs "invalid" .Values.terminationGracePeriodSeconds) }}
terminationGracePeriodSeconds: {{ int .Values.terminationGracePeriodSeconds }}
{{- end }}
{{- with .Values.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if not (include "vllm-kserve.tolerationsFromProfile" .) }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
The model pods' ServiceAccount: serviceAccount.name, or with serviceAccount.create the workload's
name; empty for the namespace's default.
*/}}
{{- define "vllm-kserve.modelServiceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "vllm-kserve.workloadName" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The labels and annotations the chart itself sets on the InferenceService and its pods, each with
the value that decides it ({by: value}) or why the chart fixes it ({why: ...}), as YAML
{labels: {key: ...}, annotations: {key: ...}}: a user's
inferenceService.labels/annotations and podLabels/podAnnotations may not set them, as KServe
copies the InferenceService's onto the pods and the predictor's win there.
*/}}
{{- define "vllm-kserve.managedMetadata" -}}
labels:
  app.kubernetes.io/name: {by: nameOverride}
  app.kubernetes.io/instance: {why: "the release name"}
  app.kubernetes.io/managed-by: {why: "Helm"}
  app.kubernetes.io/part-of: {why: "the chart"}
  app.kubernetes.io/component: {why: "the chart"}
  opendatahub.io/dashboard: {why: "the OpenShift AI dashboard lists the model by it"}
  networking.knative.dev/visibility: {by: endpoint.externalRoute.enabled}
  networking.kserve.io/visibility: {by: endpoint.externalRoute.enabled}
  serving.kserve.io/inferenceservice: {why: "KServe sets it on the pods, and selects them by it"}
  component: {why: "KServe sets it on the pods, and selects them by it"}
  serving.kserve.io/inferenceservice-generation: {why: "KServe sets it on multi-node pods"}
annotations:
  openshift.io/display-name: {by: inferenceService.displayName}
  serving.kserve.io/deploymentMode: {by: deploymentMode}
  haproxy.router.openshift.io/timeout: {by: endpoint.timeoutSeconds}
  serving.knative.openshift.io/enablePassthrough: {by: deploymentMode}
  sidecar.istio.io/inject: {by: deploymentMode}
  sidecar.istio.io/rewriteAppHTTPProbers: {by: deploymentMode}
  autoscaling.knative.dev/class: {by: scaling.serverless.scaleMetric}
  security.opendatahub.io/enable-auth: {by: endpoint.auth.enabled}
  {{- with (include "vllm-kserve.platform" . | fromYaml).authProxySelector }}
  {{ .annotation }}: {by: endpoint.auth.proxy}
  {{- end }}
  serving.kserve.io/autoscalerClass: {by: scaling.rawDeployment.autoscaler}
  serving.kserve.io/stop: {by: scaling.stopped}
  opendatahub.io/hardware-profile-name: {by: hardwareProfile.name}
  opendatahub.io/hardware-profile-namespace: {by: hardwareProfile.namespace}
  serving.kserve.io/storageSecretName: {by: model.huggingFace.tokenSecret.name}
  opendatahub.io/connections: {by: model.connection.name}
  serving.knative.dev/progress-deadline: {by: probes.startupMinutes}
  autoscaling.knative.dev/scale-to-zero-pod-retention-period: {by: scaling.serverless.retentionPeriod}
  prometheus.io/port: {why: "the runtime's metrics port, which OpenShift AI's ServiceMonitor reads"}
  prometheus.io/path: {why: "the runtime's metrics path, which OpenShift AI's ServiceMonitor reads"}
  multinode/executor-backend: {by: multiNode.backend}
  vllm-kserve/model-cache: {by: model.cache.enabled}
{{- end -}}

{{/*
The ServiceAccounts allowed to call the endpoint, with every default filled in:
name, namespace (release namespace), create (true), createLegacyToken (true, and only for created
accounts) and the name of the RoleBinding that grants it access.
*/}}
{{- define "vllm-kserve.serviceAccounts" -}}
{{- $workload := include "vllm-kserve.workloadName" . -}}
{{- $accounts := list -}}
{{- if .Values.endpoint.auth.enabled -}}
{{- range .Values.endpoint.auth.serviceAccounts -}}
{{- $namespace := default $.Release.Namespace .namespace -}}
{{- $create := ternary true .create (kindIs "invalid" .create) -}}
{{- $token := and $create (ternary true .createLegacyToken (kindIs "invalid" .createLegacyToken)) -}}
{{- $binding := printf "%s-view-%s" $workload .name -}}
{{- if ne $namespace $.Release.Namespace -}}
{{- $binding = printf "%s-view-%s-%s" $workload $namespace .name -}}
{{- end -}}
{{- $accounts = append $accounts (dict "name" .name "namespace" $namespace "create" $create "createLegacyToken" $token "bindingName" (include "vllm-kserve.dnsLabel" $binding)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $accounts -}}
{{- end -}}

{{/* The Role that may `get` exactly this InferenceService. */}}
{{- define "vllm-kserve.viewRoleName" -}}
{{- include "vllm-kserve.dnsLabel" (printf "%s-view" (include "vllm-kserve.workloadName" .)) -}}
{{- end -}}

{{/*
A name of at most 63 characters: too long a name keeps its first 54 characters and gets a short
hash of the whole name, so two long names never collide and renders stay reproducible.
*/}}
{{- define "vllm-kserve.dnsLabel" -}}
{{- if le (len .) 63 -}}
{{- . -}}
{{- else -}}
{{- printf "%s-%s" (trunc 54 . | trimSuffix "-") (sha256sum . | trunc 8) -}}
{{- end -}}
{{- end -}}

{{/*
The HTTP statuses the level's auth proxy answers a request without a token: oauth-proxy, run with
--skip-provider-button, redirects every such request to the OpenShift login (302);
kube-rbac-proxy answers 401 (no identity) or 403 (not allowed).
*/}}
{{- define "vllm-kserve.authRefusalStatuses" -}}
{{- $statuses := dict "oauth-proxy" "302" "kube-rbac-proxy" "401 403" -}}
{{- get $statuses (include "vllm-kserve.authProxy" .) -}}
{{- end -}}

{{/* The proxy that guards the endpoint: endpoint.auth.proxy where the level lets it be chosen, else the level's. */}}
{{- define "vllm-kserve.authProxy" -}}
{{- default (toString (include "vllm-kserve.platform" . | fromYaml).authProxy) .Values.endpoint.auth.proxy -}}
{{- end -}}

{{/*
The service CA bundle OpenShift writes into a ConfigMap annotated inject-cabundle (key
service-ca.crt): what clients inside the cluster verify the platform's TLS endpoints with (the auth
proxies' serving certificates, the Serverless local gateway's). OpenShift AI only.
*/}}
{{- define "vllm-kserve.serviceCAName" -}}
{{- include "vllm-kserve.dnsLabel" (printf "%s-service-ca" (include "vllm-kserve.workloadName" .)) -}}
{{- end -}}

{{- define "vllm-kserve.testImage" -}}
{{- $image := .Values.test.image -}}
{{- printf "%s:%s" (include "vllm-kserve.mirrored" (list . $image.repository)) (toString $image.tag) -}}
{{- with $image.digest }}@{{ . }}{{ end -}}
{{- end -}}

{{/*
Where `helm test` calls the model: test.url, or the model's in-cluster address (OpenShift AI's
auth proxy listens on 8443 with TLS in RawDeployment mode). A space-separated list means "the first
that accepts a connection".
*/}}
{{- define "vllm-kserve.testURL" -}}
{{- if .Values.test.url -}}
{{- .Values.test.url -}}
{{- else -}}
{{- $host := include "vllm-kserve.predictorHost" . -}}
{{- if and (include "vllm-kserve.serverless" .) (include "vllm-kserve.openShiftAI" .) -}}
{{- /* the predictor's own name reaches Knative's mesh-only gateway (ISTIO_MUTUAL), which a pod
without a sidecar cannot talk to; clients outside the mesh use the InferenceService's address,
kserve-local-gateway with a service-CA certificate */ -}}
https://{{ include "vllm-kserve.workloadName" . }}.{{ .Release.Namespace }}.svc.cluster.local
{{- else if include "vllm-kserve.serverless" . -}}
http://{{ $host }}
{{- else if .Values.endpoint.auth.enabled -}}
https://{{ $host }}:8443
{{- else -}}
{{- /* the Service port where the Service has a cluster IP, the pod's port where it is headless */ -}}
http://{{ $host }} http://{{ $host }}:8080
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "vllm-kserve.predictorHost" -}}
{{- printf "%s-predictor.%s.svc.cluster.local" (include "vllm-kserve.workloadName" .) .Release.Namespace -}}
{{- end -}}

{{/*
The in-cluster URL of a RawDeployment model that answers with the platform's defaults: the auth
proxy's 8443 with auth on; without it, the Service's port 80 where the Service has a cluster IP
(upstream KServe), and vLLM's own 8080 on OpenShift AI, whose operator makes the predictor Service
headless by default (rhods-operator kserve_controller_actions.go, rawDeploymentServiceConfig).
*/}}
{{- define "vllm-kserve.rawInClusterURL" -}}
{{- $host := include "vllm-kserve.predictorHost" . -}}
{{- if .Values.endpoint.auth.enabled -}}
https://{{ $host }}:8443
{{- else if include "vllm-kserve.openShiftAI" . -}}
http://{{ $host }}:8080
{{- else -}}
http://{{ $host }}
{{- end -}}
{{- end -}}
