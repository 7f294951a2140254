{{/*
IBM Spyre: each level ships a Spyre runtime per node architecture, for one Spyre device each (the
PF device on x86 and ppc64le, the VF device on s390x); the chart takes its settings from the
template of the architecture the pods are placed on, so a pairing the level has no template for
is refused rather than run with another architecture's settings. No level ships multi-node Spyre.
*/}}
{{- define "vllm-kserve.validate.spyre" -}}
{{- $errors := list -}}
{{- $accelerator := include "vllm-kserve.accelerator" . -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if and (hasPrefix "ibm.com/spyre_" $accelerator) $platform.spyre (not .Values.servingRuntime.useExisting) -}}
{{- $architecture := include "vllm-kserve.spyreArchitecture" . -}}
{{- if not (include "vllm-kserve.spyre" .) -}}
{{- $fits := list -}}
{{- range $name := keys $platform.spyre.architectures | sortAlpha -}}
{{- if eq (get $platform.spyre.architectures $name).resource $accelerator }}{{ $fits = append $fits $name }}{{ end -}}
{{- end -}}
{{- $errors = append $errors (printf "resources request %s on %s nodes (nodeSelector kubernetes.io/arch): %s (platform=%s) ships a Spyre runtime for %s on %s only; set nodeSelector.kubernetes\\.io/arch to one of them, or request the device of your architecture" $accelerator $architecture $platform.title .Values.platform $accelerator (join " or " $fits)) -}}
{{- end -}}
{{- if include "vllm-kserve.multiNode" . -}}
{{- $errors = append $errors (printf "servingTopology=multiNode with %s: %s (platform=%s) ships no multi-node runtime for IBM Spyre; serve the model on one node (servingTopology=singleNode)" $accelerator $platform.title .Values.platform) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
