{{/*
The images: the vLLM image is one the level ships or one named in full, and every image reference
the pods get (vLLM's, the test pod's, an oci:// modelcar's) is one the kubelet can parse.
*/}}
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
{{- $references := dict "image.repository" (include "vllm-kserve.image" .) "test.image.repository" (include "vllm-kserve.testImage" .) -}}
{{- if hasPrefix "oci://" (toString .Values.model.uri) -}}
{{- $_ := set $references "model.uri" (include "vllm-kserve.modelUri" . | trimPrefix "oci://") -}}
{{- end -}}
{{- range $list := list "sidecars" "initContainers" -}}
{{- range $i, $c := get $.Values $list | default list -}}
{{- $_ := set $references (printf "%s[%d].image" $list $i) $c.image -}}
{{- end -}}
{{- end -}}
{{- range $value := keys $references | sortAlpha -}}
{{- $path := include "vllm-kserve.imagePath" (get $references $value) -}}
{{- if gt (len $path) 255 -}}
{{- $errors = append $errors (printf "%s: the image's repository path %s... has %d characters, and the kubelet refuses one longer than 255 (InvalidImageName): use a shorter repository" $value (trunc 40 $path) (len $path)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}

{{/*
The repository path of an image reference: without its registry, tag and digest, the part the
kubelet's parser limits to 255 characters (distribution/reference@v0.6.0 reference.go:39,209).
*/}}
{{- define "vllm-kserve.imagePath" -}}
{{- include "vllm-kserve.withoutRegistry" (regexReplaceAll "(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?(@[^@]*)?$" (splitList "@" . | first) "") -}}
{{- end -}}
