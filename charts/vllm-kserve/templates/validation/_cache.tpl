{{/*
model.cache: a LocalModelNamespaceCache, which KServe's InferenceService defaulter matches by the
model's storageUri (kserve@v0.20.0 pkg/apis/serving/v1beta1/inference_service_defaults.go:137-160,
506-545), so a model given by an S3 connection's storage spec is never matched; only a URI that
KServe downloads gains from it (oci:// images are kept by the kubelet, pvc:// is on disk already).
*/}}
{{- define "vllm-kserve.validate.cache" -}}
{{- $errors := list -}}
{{- $model := .Values.model -}}
{{- $cache := $model.cache -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if not $cache.enabled -}}
{{- range $setting := list "nodeGroup" "size" "serviceAccountName" -}}
{{- if get $cache $setting -}}
{{- $errors = append $errors (printf "model.cache.%s is set, but model.cache.enabled is false and no cache uses it: set model.cache.enabled=true, or remove it" $setting) -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- if not $platform.localModelNamespaceCache -}}
{{- $errors = append $errors (printf "model.cache.enabled=true on %s (platform=%s), which has no namespaced model cache (KServe's LocalModelNamespaceCache); levels with one: %s. Elsewhere a cluster administrator can cache the model with a cluster-wide LocalModelCache of the same URI (see the chart README), which KServe uses without any value here" $platform.title $.Values.platform (include "vllm-kserve.levelsWith" (list . "localModelNamespaceCache"))) -}}
{{- end -}}
{{- range $setting := list "nodeGroup" "size" -}}
{{- if not (get $cache $setting) -}}
{{- $errors = append $errors (printf "model.cache.enabled=true needs model.cache.%s: %s" $setting (ternary "the LocalModelNodeGroup whose nodes keep the model, which an administrator makes" "the disk the model takes on each node, such as 20Gi" (eq $setting "nodeGroup"))) -}}
{{- end -}}
{{- end -}}
{{- if ne $model.mode "uri" -}}
{{- $errors = append $errors (printf "model.cache.enabled=true with model.mode=%s: KServe matches a cache by the model's URI, which this mode does not give; use model.mode=uri with an hf:// model.uri" $model.mode) -}}
{{- else if not (hasPrefix "hf://" $model.uri) -}}
{{- $errors = append $errors (printf "model.cache.enabled=true for model.uri=%s: only a model KServe downloads (hf://) gains from a cache, an oci:// image stays on the node and a pvc:// model is on disk already; remove model.cache" $model.uri) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
