{{/*
Pod placement the API server refuses as a whole list: topologySpreadConstraints are keyed by
topologyKey and whenUnsatisfiable together (kubernetes@v1.36.3 pkg/apis/core/validation/validation.go
validateTopologySpreadConstraints, and the InferenceService CRD's list-map keys), so two entries
with the same pair are refused.
*/}}
{{- define "vllm-kserve.validate.placement" -}}
{{- $errors := list -}}
{{- $seen := dict -}}
{{- range $index, $constraint := .Values.topologySpreadConstraints | default list -}}
{{- $key := printf "%v/%v" $constraint.topologyKey $constraint.whenUnsatisfiable -}}
{{- if hasKey $seen $key -}}
{{- $errors = append $errors (printf "topologySpreadConstraints[%d] has the topologyKey %v and whenUnsatisfiable %v of topologySpreadConstraints[%v]: Kubernetes takes one constraint per pair, so merge them" $index $constraint.topologyKey $constraint.whenUnsatisfiable (get $seen $key)) -}}
{{- else -}}
{{- $_ := set $seen $key $index -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
