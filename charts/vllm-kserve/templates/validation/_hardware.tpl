{{/* A hardware profile and the values its admission webhook would overwrite or wipe. */}}
{{- define "vllm-kserve.validate.hardware" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $profile := $v.hardwareProfile -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if and $profile.namespace (not $profile.name) -}}
{{- $errors = append $errors (printf "hardwareProfile.namespace=%s names no profile: set hardwareProfile.name, or remove the namespace" $profile.namespace) -}}
{{- end -}}
{{- with $profile.name -}}
{{- if not $platform.hardwareProfiles -}}
{{- $errors = append $errors (printf "hardwareProfile.name=%s: %s (platform=%s) applies no hardware profiles to InferenceServices; size the model with resources, tolerations and nodeSelector, or use platform=%s" . $platform.title $v.platform (include "vllm-kserve.levelsWith" (list $ "hardwareProfiles"))) -}}
{{- else -}}
{{- if include "vllm-kserve.multiNode" $ -}}
{{- $errors = append $errors (printf "hardwareProfile.name=%s with servingTopology=multiNode: the profile reaches only the head pod, never the workers; size every pod with resources and tolerations instead" .) -}}
{{- end -}}
{{- if has $platform.hardwareProfiles.placement (list "replace" "clear") -}}
{{- $how := ternary "clears them on every create and update" "replaces them with the profile's whenever it sets any" (eq $platform.hardwareProfiles.placement "clear") -}}
{{- if $v.nodeSelector -}}
{{- $errors = append $errors (printf "nodeSelector with hardwareProfile.name=%s: the hardware profile webhook of %s (platform=%s) %s; put the node selector in the profile, or remove hardwareProfile.name" . $platform.title $v.platform $how) -}}
{{- end -}}
{{- if and $v.tolerations (not (include "vllm-kserve.tolerationsFromProfile" $)) -}}
{{- $errors = append $errors (printf "tolerations with hardwareProfile.name=%s: the hardware profile webhook of %s (platform=%s) %s; put the tolerations in the profile, or remove hardwareProfile.name" . $platform.title $v.platform $how) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
