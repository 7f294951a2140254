{{/*
model.loraAdapters, model.maxLoras and model.maxLoraRank. vLLM takes one --lora-modules list and
serves each adapter under its name beside the base model's, so a name given twice, or the base
model's own, leaves one model unreachable; without --enable-lora it ignores the limits. A claim is
mounted as a persistentVolumeClaim volume, which Knative admits in Serverless only where the level
enables it (knative.dev/serving@v0.44.0 pkg/apis/serving/k8s_validation.go).
*/}}
{{- define "vllm-kserve.validate.adapters" -}}
{{- $errors := list -}}
{{- $model := .Values.model -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $served := include "vllm-kserve.servedModelName" . -}}
{{- $names := list -}}
{{- range $model.loraAdapters | default list -}}
{{- if eq .name $served -}}
{{- $errors = append $errors (printf "model.loraAdapters names an adapter %s, the name the base model is served under: give the adapter another name" .name) -}}
{{- else if has .name $names -}}
{{- $errors = append $errors (printf "model.loraAdapters names %s twice, and vLLM serves one model per name: give each adapter its own name" .name) -}}
{{- end -}}
{{- $names = append $names .name -}}
{{- end -}}
{{- $flags := list -}}
{{- range $model.args | default list -}}
{{- $flags = append $flags (include "vllm-kserve.flagName" (toString .)) -}}
{{- end -}}
{{- if not (or $model.loraAdapters (has "--enable-lora" $flags)) -}}
{{- range $value := list "maxLoras" "maxLoraRank" -}}
{{- if get $model $value -}}
{{- $errors = append $errors (printf "model.%s is set, but vLLM serves no LoRA adapters without model.loraAdapters (or --enable-lora in model.args, for adapters loaded at run time), and ignores it: add the adapters, or remove model.%s" $value $value) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $model.loraAdapters -}}
{{- $features := ($platform.modes.serverless | default dict).knativeFeatures | default list -}}
{{- if and (include "vllm-kserve.serverless" .) (not (has "kubernetes.podspec-persistent-volume-claim" $features)) -}}
{{- $errors = append $errors (printf "model.loraAdapters come from PersistentVolumeClaims, which Knative on %s refuses in Serverless mode (its feature kubernetes.podspec-persistent-volume-claim is off): use deploymentMode=%s" $platform.title $platform.modes.raw.writes) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
