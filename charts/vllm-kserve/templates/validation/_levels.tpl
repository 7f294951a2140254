{{/*
The levels of files/platforms.yaml whose row has a capability, as "a, b or c", for messages that
name where a refused value would work. Called with (list $ "path.in.row"), or with a third item
for the levels where that field holds exactly this value.
*/}}
{{- define "vllm-kserve.levelsWith" -}}
{{- $root := index . 0 -}}
{{- $path := splitList "." (index . 1) -}}
{{- $wanted := ternary (toString (last .)) "" (gt (len .) 2) -}}
{{- $found := list -}}
{{- $levels := ($root.Files.Get "files/platforms.yaml" | fromYaml).levels -}}
{{- range $name := keys $levels | sortAlpha -}}
{{- $value := get $levels $name -}}
{{- range $path }}{{ $value = get ($value | default dict) . }}{{ end -}}
{{- if $wanted -}}
{{- if eq (toString $value) $wanted }}{{ $found = append $found $name }}{{ end -}}
{{- else if and $value (ne (toString $value) "none") }}{{ $found = append $found $name }}{{ end -}}
{{- end -}}
{{- if le (len $found) 1 -}}
{{- join "" $found -}}
{{- else -}}
{{- printf "%s or %s" (join ", " (initial $found)) (last $found) -}}
{{- end -}}
{{- end -}}
