{{/*
The levels of files/platforms.yaml whose row has a capability, as "a, b or c", for messages that
name where a refused value would work. Called with (list $ "path.in.row").
*/}}
{{- define "vllm-kserve.levelsWith" -}}
{{- $root := index . 0 -}}
{{- $path := splitList "." (index . 1) -}}
{{- $found := list -}}
{{- $levels := ($root.Files.Get "files/platforms.yaml" | fromYaml).levels -}}
{{- range $name := keys $levels | sortAlpha -}}
{{- $value := get $levels $name -}}
{{- range $path }}{{ $value = get ($value | default dict) . }}{{ end -}}
{{- if and $value (ne (toString $value) "none") }}{{ $found = append $found $name }}{{ end -}}
{{- end -}}
{{- if le (len $found) 1 -}}
{{- join "" $found -}}
{{- else -}}
{{- printf "%s or %s" (join ", " (initial $found)) (last $found) -}}
{{- end -}}
{{- end -}}
