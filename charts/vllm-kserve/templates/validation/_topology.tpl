{{/* Multi-node: what the level's multi-node support can load, run and name. */}}
{{- define "vllm-kserve.validate.topology" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- if include "vllm-kserve.multiNode" . -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $schemes := $platform.multiNode.schemes -}}
{{- $uri := toString $v.model.uri -}}
{{- $scheme := regexFind "^[a-z0-9+]+://" $uri | trimSuffix "://" -}}
{{- $scaling := $v.scaling -}}
{{- if include "vllm-kserve.serverless" . -}}
{{- $errors = append $errors "servingTopology=multiNode needs deploymentMode=RawDeployment: KServe builds the head and worker pods only for raw deployments (add --set deploymentMode=RawDeployment)" -}}
{{- end -}}
{{- if eq $v.model.mode "s3" -}}
{{- $errors = append $errors "servingTopology=multiNode cannot load a model from S3 (model.mode=s3): put the model in an OCI modelcar or a ReadWriteMany PVC and set model.mode=uri with model.uri=oci://... or pvc://..." -}}
{{- else if eq $v.model.mode "connection" -}}
{{- $errors = append $errors "servingTopology=multiNode with model.mode=connection: the connection decides the model's location, which a multi-node model may take only from an OCI modelcar or a PVC; set model.mode=uri with model.uri=oci://... or pvc://..." -}}
{{- else if not (has $scheme $schemes) -}}
{{- $where := dict "oci" "an OCI modelcar (oci://<registry>/<repository>:<tag>)" "pvc" "a PVC (pvc://<pvc-name>/<folder>)" -}}
{{- $from := list -}}
{{- range $schemes }}{{ $from = append $from (get $where .) }}{{ end -}}
{{- $errors = append $errors (printf "model.uri %q: %s (platform=%s) serves multi-node models only from %s: set model.uri to such a location" $uri $platform.title $v.platform (join " or " $from)) -}}
{{- end -}}
{{- if or (ne (int $scaling.minReplicas) 1) (ne (int $scaling.maxReplicas) 1) -}}
{{- $errors = append $errors (printf "scaling.minReplicas=%v and scaling.maxReplicas=%v: a multi-node model runs exactly one head pod and cannot autoscale, so leave both at 1 (scale with multiNode.pipelineParallelSize instead)" $scaling.minReplicas $scaling.maxReplicas) -}}
{{- end -}}
{{- if not (include "vllm-kserve.accelerator" .) -}}
{{- $errors = append $errors "servingTopology=multiNode needs an accelerator: request one in resources (for example --set 'resources.limits.nvidia\\.com/gpu=1'); each pod then gets multiNode.tensorParallelSize of them" -}}
{{- end -}}
{{- with $platform.multiNode.runtimeName -}}
{{- if and $v.servingRuntime.name (ne $v.servingRuntime.name .) -}}
{{- $errors = append $errors (printf "servingRuntime.name=%s: on %s (platform=%s) a multi-node runtime must be named %s, the only name for which the platform creates the Ray TLS secret; remove servingRuntime.name" $v.servingRuntime.name $platform.title $v.platform .) -}}
{{- end -}}
{{- end -}}
{{- with $v.multiNode.backend -}}
{{- if not (has . $platform.multiNode.backends) -}}
{{- $backend := . -}}
{{- $with := list -}}
{{- range $name, $row := ($.Files.Get "files/platforms.yaml" | fromYaml).levels -}}
{{- if and (has $backend $row.multiNode.backends) (gt (len $row.multiNode.backends) 1) }}{{ $with = append $with $name }}{{ end -}}
{{- end -}}
{{- $errors = append $errors (printf "multiNode.backend=%s: %s (platform=%s) forms multi-node models with %s only: remove multiNode.backend (the level's own is used), or use a level that offers both: platform=%s" . $platform.title $v.platform (join " or " $platform.multiNode.backends) (join ", " (sortAlpha $with))) -}}
{{- end -}}
{{- end -}}
{{- /* KServe refuses a multi-node InferenceService whose head or workers ask for any resource but
these (kserve pkg/apis/serving/v1beta1/inference_service_validation.go validateMultiNodeVariables,
pkg/utils/utils.go HasUnknownGpuResourceType); the chart does not write the annotation that widens
the list, as its multi-node accelerator is always one of these GPU types */ -}}
{{- $known := list "cpu" "memory" "storage" "ephemeral-storage" "nvidia.com/gpu" "amd.com/gpu" "intel.com/gpu" "habana.ai/gaudi" -}}
{{- range $section := list "limits" "requests" -}}
{{- range $name := keys (get ($v.resources | default dict) $section | default dict) | sortAlpha -}}
{{- if not (has $name $known) -}}
{{- $errors = append $errors (printf "resources.%s.%s: KServe refuses a multi-node model that asks for a resource other than cpu, memory, storage, ephemeral-storage and the GPU types nvidia.com/gpu, amd.com/gpu, intel.com/gpu and habana.ai/gaudi: remove it, or serve the model on one node" $section $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $v.model.env -}}
{{- if has .name (list "PIPELINE_PARALLEL_SIZE" "TENSOR_PARALLEL_SIZE") -}}
{{- $errors = append $errors (printf "model.env sets %s, which KServe sets itself for multi-node: use multiNode.pipelineParallelSize and multiNode.tensorParallelSize" .name) -}}
{{- end -}}
{{- end -}}
{{- range $v.multiNode.workerEnv -}}
{{- if has .name (list "PIPELINE_PARALLEL_SIZE" "TENSOR_PARALLEL_SIZE" "HEAD_SVC" "WORKER_SVC" "POD_IP" "POD_NAME" "POD_NAMESPACE" "MASTER_PORT") -}}
{{- $errors = append $errors (printf "multiNode.workerEnv sets %s, which KServe or the chart sets itself for the workers to join the head: rename the variable or remove it" .name) -}}
{{- end -}}
{{- end -}}
{{- else if $v.multiNode.backend -}}
{{- $errors = append $errors (printf "multiNode.backend=%s is set but servingTopology is singleNode: add --set servingTopology=multiNode or remove it" $v.multiNode.backend) -}}
{{- else if $v.multiNode.workerEnv -}}
{{- $errors = append $errors "multiNode.workerEnv is set but servingTopology is singleNode, which has no workers: add --set servingTopology=multiNode or remove it" -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
