{{/*
What KServe's webhooks refuse to change on existing objects, said before anything is sent. Helm
looks the objects up only when it talks to a cluster (install, upgrade, --dry-run=server); offline
these rules stay quiet.
*/}}
{{- define "vllm-kserve.validate.upgrade" -}}
{{- $errors := list -}}
{{- $name := include "vllm-kserve.workloadName" . -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $live := include "vllm-kserve.live" . | fromYaml -}}
{{- if $live -}}
{{- $recorded := dig "status" "deploymentMode" "" $live -}}
{{- $liveMode := default (dig "metadata" "annotations" "serving.kserve.io/deploymentMode" "" $live) $recorded -}}
{{- $liveServerless := has $liveMode (include "vllm-kserve.serverlessModeNames" . | fromYamlArray) -}}
{{- if and $liveMode (ne $liveServerless (eq (include "vllm-kserve.serverless" .) "true")) -}}
{{- $errors = append $errors (printf "deploymentMode=%s, but the InferenceService %s in %s already runs as %s and KServe cannot change the mode of an existing InferenceService: keep deploymentMode=%s, or `helm uninstall` the release and install it again with the new mode" (include "vllm-kserve.modeName" .) $name .Release.Namespace $liveMode $liveMode) -}}
{{- else if and $recorded (eq (toString $platform.modes.update) "annotationOnly") -}}
{{- /* kserve@v0.17.0 inference_service_defaults.go:157-170 rewrites the annotation, and
inference_service_validation.go:495-505 compares it with the status as written */ -}}
{{- $mode := get $platform.modes (ternary "serverless" "raw" $liveServerless) | default dict -}}
{{- if and $mode.writes (ne $recorded $mode.writes) -}}
{{- $errors = append $errors (printf "platform=%s: the InferenceService %s in %s records deploymentMode %s, the name an older KServe wrote; %s rewrites every deploymentMode annotation to %s and then refuses it as a change of mode, so the release cannot be upgraded in place: `helm uninstall` it and install it again, or upgrade KServe to a level that reads both names (%s)" .Values.platform $name .Release.Namespace $recorded $platform.title $mode.writes (include "vllm-kserve.levelsWith" (list . "modes.update" "normalized"))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* KServe refuses to remove workerSpec from an existing ServingRuntime (servingruntime_webhook.go,
validateMultiNodeSpec): a multi-node release's runtime cannot become a single-node one */ -}}
{{- if and (not .Values.servingRuntime.useExisting) (not (include "vllm-kserve.multiNode" .)) -}}
{{- $runtime := include "vllm-kserve.runtimeName" . -}}
{{- $liveRuntime := lookup "serving.kserve.io/v1alpha1" "ServingRuntime" .Release.Namespace $runtime -}}
{{- if and $liveRuntime (dig "spec" "workerSpec" "" $liveRuntime) -}}
{{- $errors = append $errors (printf "servingTopology=singleNode, but the ServingRuntime %s in %s serves a multi-node model and KServe refuses to remove workerSpec from an existing runtime: set servingRuntime.name to a new name (a new runtime then replaces it), or `helm uninstall` the release and install it again" $runtime .Release.Namespace) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
