{{/* The vLLM image: one the level ships, or one named in full. */}}
{{- define "vllm-kserve.validate.images" -}}
{{- $errors := list -}}
{{- $image := .Values.image -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if hasPrefix "sha256:" (toString $image.tag) -}}
{{- $errors = append $errors (printf "image.tag=%s is a digest: set image.digest=%s instead (image.tag takes a tag)" $image.tag $image.tag) -}}
{{- end -}}
{{- if and $image.repository (not (or $image.tag $image.digest)) -}}
{{- $errors = append $errors (printf "image.repository=%s has no tag or digest (the level's pinned digest belongs to its own image): set image.tag or image.digest" $image.repository) -}}
{{- end -}}
{{- if and (not .Values.servingRuntime.useExisting) (not (include "vllm-kserve.levelImage" . | fromYaml)) (not (and $image.repository (or $image.tag $image.digest))) -}}
{{- $errors = append $errors (printf "%s (platform=%s) ships no vLLM image for %s: set image.repository and image.tag (or image.digest) to one built for it" $platform.title .Values.platform (include "vllm-kserve.accelerator" .)) -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
