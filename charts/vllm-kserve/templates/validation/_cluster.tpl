{{/*
What the cluster itself says, where Helm knows it: on install and upgrade (and `--dry-run=server`,
`--validate`) Helm reads the cluster's API discovery, which any signed-in user may read. A cluster
that serves KServe's InferenceService is such a live cluster; `helm template` offline knows only
Kubernetes' own APIs (or those given with --api-versions), so these checks stay quiet there.
*/}}
{{- define "vllm-kserve.validate.cluster" -}}
{{- $errors := list -}}
{{- $apis := .Capabilities.APIVersions -}}
{{- if $apis.Has "serving.kserve.io/v1beta1/InferenceService" -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if and (include "vllm-kserve.serverless" .) (not ($apis.Has "serving.knative.dev/v1/Service")) -}}
{{- /* KServe would stop it with ServerlessModeRejected and Helm would report success */ -}}
{{- $errors = append $errors (printf "deploymentMode=%s needs Knative Serving, but this cluster serves no serving.knative.dev/v1 Service, so KServe would never start the model: use deploymentMode=%s (or install OpenShift Serverless / Knative Serving first)" (include "vllm-kserve.modeName" .) $platform.modes.raw.writes) -}}
{{- end -}}
{{- /* OpenShift AI serves infrastructure.opendatahub.io/v1 HardwareProfiles from 3.0 (2.23 to 2.25
only v1alpha1): such a cluster chosen as a level without them is a 3.x cluster */ -}}
{{- if and $platform.openShiftAI (not $platform.hardwareProfiles) ($apis.Has "infrastructure.opendatahub.io/v1/HardwareProfile") -}}
{{- $errors = append $errors (printf "platform=%s (%s), but this cluster serves infrastructure.opendatahub.io/v1 HardwareProfiles, which OpenShift AI has from 3.0: set platform to your release, one of %s" $.Values.platform $platform.title (include "vllm-kserve.levelsWith" (list $ "hardwareProfiles"))) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
