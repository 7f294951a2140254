{{/*
What the user adds to the pods: extraVolumes, extraVolumeMounts, sidecars and initContainers. Names
and paths KServe, OpenShift AI or the chart use in the same pod are refused, since a second volume
of the same name makes the pod invalid and a user's storage-initializer silently replaces KServe's
(kserve@v0.15.2 pkg/webhook/admission/pod/storage_initializer_injector.go:219-224). In Serverless,
Knative admits fewer volume kinds and containers (knative.dev/serving@v0.44.0
pkg/apis/serving/k8s_validation.go and fieldmask.go).
*/}}
{{- define "vllm-kserve.validate.extras" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $serverless := include "vllm-kserve.serverless" . -}}
{{- $raw := $platform.modes.raw.writes -}}
{{- $features := ($platform.modes.serverless | default dict).knativeFeatures | default list -}}
{{- $volumes := dict -}}
{{- $claims := include "vllm-kserve.adapterClaims" . | fromYamlArray -}}
{{- /* the chart's own volumes (and adapters-<n>, the claims of adapters and draft models),
KServe's storage initializer and CA bundle, OpenShift AI's auth proxy and Ray TLS (odh-model-controller of OpenShift AI 2.22, internal/controller/constants/constants.go:125-133) */ -}}
{{- $reservedVolumes := list "shm" "cache" "spyre-cache" "chat-template" "kserve-provision-location" "kserve-pvc-source" "cabundle-cert" "proxy-tls" "kube-rbac-proxy-sar-config" "ray-tls" "ray-tls-secret" -}}
{{- $admitted := ternary "configMap, secret, emptyDir and persistentVolumeClaim" "configMap, secret and emptyDir" (has "kubernetes.podspec-persistent-volume-claim" $features) -}}
{{- range $v.extraVolumes | default list -}}
{{- $kind := without (keys .) "name" | first -}}
{{- if or (has .name $reservedVolumes) (and $claims (hasPrefix "adapters-" .name)) -}}
{{- $errors = append $errors (printf "extraVolumes names a volume %s, which the chart, KServe or OpenShift AI add to the model pods: rename it" .name) -}}
{{- else if hasKey $volumes .name -}}
{{- $errors = append $errors (printf "extraVolumes names %s twice: the API server takes one volume per name, so give it once" .name) -}}
{{- end -}}
{{- $_ := set $volumes .name . -}}
{{- if and $serverless (not (contains $kind $admitted)) -}}
{{- $errors = append $errors (printf "extraVolumes %s is a %s volume, and Knative admits only %s volumes in Serverless mode on this level: use one of those, or deploymentMode=%s" .name $kind $admitted $raw) -}}
{{- end -}}
{{- end -}}
{{- $spyreCache := (include "vllm-kserve.spyre" . | fromYaml).cacheDir -}}
{{- $reservedPaths := compact (list "/" "/mnt/models" "/mnt/pvc" "/dev/shm" "/cache" "/etc/vllm/chat-template" "/etc/ray/tls" "/etc/ray-secret" "/etc/tls/private" $spyreCache) -}}
{{- if $serverless -}}
{{- $reservedPaths = concat $reservedPaths (list "/dev" "/dev/log") -}}
{{- end -}}
{{- $mounted := dict -}}
{{- $containers := list (dict "value" "extraVolumeMounts" "mounts" $v.extraVolumeMounts) -}}
{{- range $field := list "sidecars" "initContainers" -}}
{{- range $i, $c := get $v $field | default list -}}
{{- $containers = append $containers (dict "value" (printf "%s[%d] (%s)" $field $i $c.name) "mounts" $c.volumeMounts) -}}
{{- end -}}
{{- end -}}
{{- range $containers -}}
{{- $value := .value -}}
{{- $paths := list -}}
{{- range .mounts | default list -}}
{{- $path := clean .mountPath -}}
{{- $volume := get $volumes .name -}}
{{- if not $volume -}}
{{- $errors = append $errors (printf "%s mounts volume %s, which is not in extraVolumes: add it there, or mount one that is" $value .name) -}}
{{- else -}}
{{- $_ := set $mounted .name true -}}
{{- if and $serverless (not .readOnly) (not (or $volume.emptyDir $volume.persistentVolumeClaim)) -}}
{{- $errors = append $errors (printf "%s mounts %s writable, and Knative takes only readOnly mounts of a %s volume in Serverless mode: add readOnly: true" $value .name (without (keys $volume) "name" | first)) -}}
{{- else if and $serverless $volume.persistentVolumeClaim (not .readOnly) (not (has "kubernetes.podspec-persistent-volume-write" $features)) -}}
{{- $errors = append $errors (printf "%s mounts the persistentVolumeClaim %s writable, which Knative refuses in Serverless mode unless kubernetes.podspec-persistent-volume-write is enabled: add readOnly: true" $value .name) -}}
{{- end -}}
{{- end -}}
{{- if or (has $path $reservedPaths) (and $claims (or (eq $path "/mnt/adapters") (hasPrefix "/mnt/adapters/" $path))) -}}
{{- $errors = append $errors (printf "%s mounts at %s, a path the chart, KServe, OpenShift AI or Knative use in the model pods: choose another mountPath" $value .mountPath) -}}
{{- else if has $path $paths -}}
{{- $errors = append $errors (printf "%s mounts at %s twice: the API server takes one mount per path in a container" $value .mountPath) -}}
{{- end -}}
{{- $paths = append $paths $path -}}
{{- end -}}
{{- end -}}
{{- if $serverless -}}
{{- range $name, $_ := $volumes -}}
{{- if not (hasKey $mounted $name) -}}
{{- $errors = append $errors (printf "extraVolumes %s is mounted by no container, which Knative refuses in Serverless mode: mount it with extraVolumeMounts or a sidecar, or remove it" $name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* container names of the pod: KServe's, OpenShift AI's, and those its webhooks add */ -}}
{{- $reservedContainers := list "kserve-container" "worker-container" "transformer-container" "queue-proxy" "modelcar" "modelcar-init" "storage-initializer" "agent" "oauth-proxy" "kube-rbac-proxy" "ray-tls-generator" "istio-proxy" "istio-init" -}}
{{- $names := list -}}
{{- range $value, $list := dict "sidecars" $v.sidecars "initContainers" $v.initContainers -}}
{{- range $list | default list -}}
{{- $container := .name -}}
{{- if has .name $reservedContainers -}}
{{- $errors = append $errors (printf "%s names a container %s, which KServe or OpenShift AI run in the model pods: rename it" $value .name) -}}
{{- else if has .name $names -}}
{{- $errors = append $errors (printf "%s names the container %s, which sidecars or initContainers already name: each container of a pod needs its own name" $value .name) -}}
{{- end -}}
{{- $names = append $names .name -}}
{{- /* the CRDs and the API server key a container's env by name and its ports by number and protocol */ -}}
{{- $envNames := list -}}
{{- range .env | default list -}}
{{- if has .name $envNames -}}
{{- $errors = append $errors (printf "%s %s names the env variable %s twice, and the CRDs keep one entry per name: give it once" $value $container .name) -}}
{{- end -}}
{{- $envNames = append $envNames .name -}}
{{- end -}}
{{- $ports := list -}}
{{- $portNames := list -}}
{{- range .ports | default list -}}
{{- $port := printf "%v/%s" (int .containerPort) (.protocol | default "TCP") -}}
{{- if has $port $ports -}}
{{- $errors = append $errors (printf "%s %s lists port %s twice: give each port once" $value $container $port) -}}
{{- end -}}
{{- $ports = append $ports $port -}}
{{- if has (int .containerPort) (list 8080 8443 6379) -}}
{{- $errors = append $errors (printf "%s %s listens on port %d, which vLLM, the auth proxy or Ray take in the model pod: choose another containerPort" $value $container (int .containerPort)) -}}
{{- end -}}
{{- if and .name (has .name $portNames) -}}
{{- $errors = append $errors (printf "%s names port %s twice: the API server takes one port per name in a container" $value .name) -}}
{{- end -}}
{{- $portNames = append $portNames .name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $serverless -}}
{{- range $v.sidecars | default list -}}
{{- if .ports -}}
{{- $errors = append $errors (printf "sidecars %s declares ports, and Knative allows a port only on the vLLM container in Serverless mode: remove them, or use deploymentMode=%s" .name $raw) -}}
{{- end -}}
{{- end -}}
{{- if and $v.initContainers (not (has "kubernetes.podspec-init-containers" $features)) -}}
{{- $errors = append $errors (printf "initContainers are refused by Knative in Serverless mode unless its feature kubernetes.podspec-init-containers is enabled, which this level's Knative leaves off: remove them, or use deploymentMode=%s" $raw) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}

