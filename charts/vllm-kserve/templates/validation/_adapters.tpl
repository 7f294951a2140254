{{/*
model.loraAdapters, model.maxLoras, model.maxLoraRank and model.speculative. vLLM takes one
--lora-modules list and serves each adapter under its name beside the base model's, so a name
given twice, or the base model's own, leaves one model unreachable; without --enable-lora it
ignores the limits. A speculative method drafts from the prompt (ngram) or with a draft model
(vllm/config/speculative.py, SpeculativeConfig), and needs the tokens drafted per step. A claim is
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
{{- $speculative := $model.speculative -}}
{{- if $speculative.method -}}
{{- if kindIs "invalid" $speculative.numSpeculativeTokens -}}
{{- $errors = append $errors (printf "model.speculative.method=%s needs model.speculative.numSpeculativeTokens, the tokens drafted per step: set it (3 to 5 is usual)" $speculative.method) -}}
{{- end -}}
{{- if and (eq $speculative.method "ngram") $speculative.draftModel -}}
{{- $errors = append $errors "model.speculative.method=ngram drafts from the prompt and loads no model, so model.speculative.draftModel would be ignored: remove it, or choose a method that uses a draft model" -}}
{{- else if and (ne $speculative.method "ngram") (not $speculative.draftModel) -}}
{{- $errors = append $errors (printf "model.speculative.method=%s drafts with a model of its own: set model.speculative.draftModel to the pvc://<claim>/<path> of its folder" $speculative.method) -}}
{{- end -}}
{{- else -}}
{{- range $setting := list "draftModel" "numSpeculativeTokens" -}}
{{- if get $speculative $setting -}}
{{- $errors = append $errors (printf "model.speculative.%s is set, but model.speculative.method is empty and vLLM decodes without speculation: set the method, or remove model.speculative.%s" $setting $setting) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if include "vllm-kserve.adapterClaims" . | fromYamlArray -}}
{{- $features := ($platform.modes.serverless | default dict).knativeFeatures | default list -}}
{{- if and (include "vllm-kserve.serverless" .) (not (has "kubernetes.podspec-persistent-volume-claim" $features)) -}}
{{- $errors = append $errors (printf "model.loraAdapters and model.speculative.draftModel come from PersistentVolumeClaims, which Knative on %s refuses in Serverless mode (its feature kubernetes.podspec-persistent-volume-claim is off): use deploymentMode=%s" $platform.title $platform.modes.raw.writes) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
