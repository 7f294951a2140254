{{/*
Every string of the values, keys included: Helm writes the objects as YAML, and its YAML writer
drops a string holding a C1 control character (U+0080 to U+009F) and writes NEL (U+0085) and the
line and paragraph separators (U+2028, U+2029) raw, which the reader then takes for line breaks.
So the object would lose the value, or carry another, without a word: the chart refuses them.
*/}}
{{- define "vllm-kserve.validate.characters" -}}
{{- $errors := list -}}
{{- range $path := include "vllm-kserve.unwritableStrings" (dict "path" "" "value" .Values) | fromYamlArray -}}
{{- $errors = append $errors (printf "%s holds a control or line-separator character (U+0080 to U+009F, U+2028, U+2029), which the YAML Helm writes cannot carry: remove it" $path) -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}

{{/* The paths below (dict "path" P "value" V) whose key or string holds such a character. */}}
{{- define "vllm-kserve.unwritableStrings" -}}
{{- $bad := "[\\x{0080}-\\x{009F}\\x{2028}\\x{2029}]" -}}
{{- $found := list -}}
{{- if kindIs "map" .value -}}
{{- range $key, $item := .value -}}
{{- $path := ternary $key (printf "%s.%s" $.path $key) (eq $.path "") -}}
{{- if regexMatch $bad $key -}}
{{- $found = append $found $path -}}
{{- else -}}
{{- $found = concat $found (include "vllm-kserve.unwritableStrings" (dict "path" $path "value" $item) | fromYamlArray) -}}
{{- end -}}
{{- end -}}
{{- else if kindIs "slice" .value -}}
{{- range $i, $item := .value -}}
{{- $found = concat $found (include "vllm-kserve.unwritableStrings" (dict "path" (printf "%s[%d]" $.path $i) "value" $item) | fromYamlArray) -}}
{{- end -}}
{{- else if and (kindIs "string" .value) (regexMatch $bad .value) -}}
{{- $found = append $found .path -}}
{{- end -}}
{{- toJson $found -}}
{{- end -}}
