{{/*
Pod placement the API server refuses as a whole list: topologySpreadConstraints are keyed by
topologyKey and whenUnsatisfiable together (kubernetes@v1.36.3 pkg/apis/core/validation/validation.go
validateTopologySpreadConstraints, and the InferenceService CRD's list-map keys), so two entries
with the same pair are refused. The label keys a pod affinity term or a spread constraint takes
from the pod itself (matchLabelKeys, mismatchLabelKeys) need a labelSelector to be added to, and
may not name a key twice (validation.go ValidateMatchLabelKeysAndMismatchLabelKeys, validateLabelKeys
and ValidateMatchLabelKeysInTopologySpread): the API server refuses them in the pods KServe makes,
after it took the InferenceService.
*/}}
{{- define "vllm-kserve.validate.placement" -}}
{{- $errors := list -}}
{{- $seen := dict -}}
{{- $terms := list -}}
{{- range $index, $constraint := .Values.topologySpreadConstraints | default list -}}
{{- $terms = append $terms (dict "path" (printf "topologySpreadConstraints[%d]" $index) "term" $constraint) -}}
{{- $key := printf "%v/%v" $constraint.topologyKey $constraint.whenUnsatisfiable -}}
{{- if hasKey $seen $key -}}
{{- $errors = append $errors (printf "topologySpreadConstraints[%d] has the topologyKey %v and whenUnsatisfiable %v of topologySpreadConstraints[%v]: Kubernetes takes one constraint per pair, so merge them" $index $constraint.topologyKey $constraint.whenUnsatisfiable (get $seen $key)) -}}
{{- else -}}
{{- $_ := set $seen $key $index -}}
{{- end -}}
{{- end -}}
{{- $affinity := .Values.affinity | default dict -}}
{{- range $kind := list "podAffinity" "podAntiAffinity" -}}
{{- $rules := get $affinity $kind | default dict -}}
{{- range $index, $term := $rules.requiredDuringSchedulingIgnoredDuringExecution | default list -}}
{{- $terms = append $terms (dict "path" (printf "affinity.%s.requiredDuringSchedulingIgnoredDuringExecution[%d]" $kind $index) "term" $term) -}}
{{- end -}}
{{- range $index, $weighted := $rules.preferredDuringSchedulingIgnoredDuringExecution | default list -}}
{{- $terms = append $terms (dict "path" (printf "affinity.%s.preferredDuringSchedulingIgnoredDuringExecution[%d].podAffinityTerm" $kind $index) "term" ($weighted.podAffinityTerm | default dict)) -}}
{{- end -}}
{{- end -}}
{{- range $terms -}}
{{- $path := .path -}}
{{- $term := .term | default dict -}}
{{- $match := $term.matchLabelKeys | default list -}}
{{- $mismatch := $term.mismatchLabelKeys | default list -}}
{{- $selector := $term.labelSelector -}}
{{- if and (or $match $mismatch) (kindIs "invalid" $selector) -}}
{{- $errors = append $errors (printf "%s takes label keys from the pod (matchLabelKeys or mismatchLabelKeys) without a labelSelector to add them to, which Kubernetes refuses: add a labelSelector (labelSelector: {} selects every pod)" $path) -}}
{{- else -}}
{{- $selector = $selector | default dict -}}
{{- $selectorKeys := keys ($selector.matchLabels | default dict) -}}
{{- range $selector.matchExpressions | default list -}}
{{- $selectorKeys = append $selectorKeys .key -}}
{{- end -}}
{{- range $key := $match -}}
{{- if has $key $mismatch -}}
{{- $errors = append $errors (printf "%s lists the label key %s in both matchLabelKeys and mismatchLabelKeys, which Kubernetes refuses: keep it in one" $path $key) -}}
{{- else if has $key $selectorKeys -}}
{{- $errors = append $errors (printf "%s lists the label key %s in matchLabelKeys and in its labelSelector, which Kubernetes refuses: select on it in one place" $path $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
