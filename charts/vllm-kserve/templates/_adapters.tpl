{{/*
Models vLLM loads beside the base model, from PersistentVolumeClaims: the LoRA adapters of
model.loraAdapters and the draft model of model.speculative. Each claim named is mounted once,
read-only, at /mnt/adapters/<claim> in every vLLM container of the model (a multi-node model's
workers load adapter weights too), as the volume adapters-<n>, n its place among the claims.
*/}}
{{- define "vllm-kserve.adapterClaims" -}}
{{- $claims := list -}}
{{- $uris := list -}}
{{- range .Values.model.loraAdapters | default list -}}
{{- $uris = append $uris .uri -}}
{{- end -}}
{{- with .Values.model.speculative.draftModel -}}
{{- $uris = append $uris . -}}
{{- end -}}
{{- range $uris -}}
{{- $claims = append $claims (regexReplaceAll "^pvc://([^/]+).*$" . "${1}") -}}
{{- end -}}
{{- toYaml ($claims | uniq) -}}
{{- end -}}

{{- define "vllm-kserve.adapterVolumes" -}}
{{- range $i, $claim := include "vllm-kserve.adapterClaims" . | fromYamlArray }}
- name: adapters-{{ $i }}
  persistentVolumeClaim:
    claimName: {{ $claim | quote }}
    readOnly: true
{{- end }}
{{- end -}}

{{- define "vllm-kserve.adapterMounts" -}}
{{- range $i, $claim := include "vllm-kserve.adapterClaims" . | fromYamlArray }}
- name: adapters-{{ $i }}
  mountPath: /mnt/adapters/{{ $claim }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* Where a pvc://<claim>/<path> of an adapter is in the vLLM container. */}}
{{- define "vllm-kserve.adapterPath" -}}
{{- printf "/mnt/adapters/%s" (trimPrefix "pvc://" . | trimSuffix "/") -}}
{{- end -}}

{{/* vLLM's flags for model.loraAdapters, model.maxLoras and model.maxLoraRank. */}}
{{- define "vllm-kserve.loraArgs" -}}
{{- $model := .Values.model -}}
{{- with $model.loraAdapters }}
- --enable-lora
- --lora-modules
{{- range . }}
- {{ printf "%s=%s" .name (include "vllm-kserve.adapterPath" .uri) }}
{{- end }}
{{- end }}
{{- with $model.maxLoras }}
- --max-loras={{ . }}
{{- end }}
{{- with $model.maxLoraRank }}
- --max-lora-rank={{ . }}
{{- end }}
{{- end -}}

{{/*
vLLM's --speculative-config for model.speculative: the method, the draft model where it needs one,
and the tokens drafted per step, as the JSON object vLLM parses.
*/}}
{{- define "vllm-kserve.speculativeArgs" -}}
{{- $speculative := .Values.model.speculative -}}
{{- with $speculative.method }}
{{- $config := dict "method" . "num_speculative_tokens" ($speculative.numSpeculativeTokens | int) -}}
{{- with $speculative.draftModel }}
{{- $_ := set $config "model" (include "vllm-kserve.adapterPath" .) -}}
{{- end }}
- --speculative-config={{ toJson $config }}
{{- end }}
{{- end -}}

{{/* The engine settings the chart derives that every vLLM process of the model takes alike. */}}
{{- define "vllm-kserve.engineArgs" -}}
{{- include "vllm-kserve.loraArgs" . }}
{{- include "vllm-kserve.speculativeArgs" . }}
{{- end -}}

{{/*
The arguments of a multi-node worker on the multiprocessing backend: each worker is a vLLM of its
own (vllm serve --headless) that builds its engine from its own command line, so it takes the
engine settings the head takes, the adapters', the speculative config and model.args among them.
On Ray the head's engine ships its settings to the workers, which take no arguments.
*/}}
{{- define "vllm-kserve.workerArgs" -}}
{{- if and (include "vllm-kserve.multiNode" .) (eq (include "vllm-kserve.multiNodeBackend" .) "mp") }}
- --headless
{{- include "vllm-kserve.engineArgs" . }}
{{- range .Values.model.args | default list }}
- {{ toString . | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
The flag of a vLLM argument as vLLM's parser reads it: without its `=value`, and `_` read as `-`
in its name up to the first `.` (vllm/utils/argparse_utils.py, FlexibleArgumentParser.parse_args).
*/}}
{{- define "vllm-kserve.flagName" -}}
{{- $flag := regexReplaceAll "=.*$" . "" -}}
{{- if hasPrefix "--" $flag -}}
{{- $name := regexReplaceAll "\\..*$" $flag "" -}}
{{- $flag = printf "%s%s" (replace "_" "-" $name) (trimPrefix $name $flag) -}}
{{- end -}}
{{- $flag -}}
{{- end -}}

{{/*
The LocalModelNamespaceCache of model.cache: the workload's name and a digest of the model URI,
short enough for the PersistentVolumeClaim (<name>-<node group>) and the pod label KServe derive.
*/}}
{{- define "vllm-kserve.modelCacheName" -}}
{{- $digest := include "vllm-kserve.modelUri" . | sha256sum | trunc 8 -}}
{{- printf "%s-%s" (include "vllm-kserve.workloadName" . | trunc 54 | trimSuffix "-") $digest -}}
{{- end -}}

{{/*
Whether the model cache is already in the cluster: its name if so, else "pending". KServe matches
a model to a cache only when the InferenceService is written (kserve@v0.20.0
pkg/apis/serving/v1beta1/inference_service_defaults.go:137-160), and Helm writes the
InferenceService before the cache (kinds it does not know go in name order), so the release that
creates the cache writes "pending" into an annotation of the InferenceService, and the next one
the name: that change writes the InferenceService again, now with the cache there to match.
*/}}
{{- define "vllm-kserve.modelCacheState" -}}
{{- $name := include "vllm-kserve.modelCacheName" . -}}
{{- if lookup "serving.kserve.io/v1alpha1" "LocalModelNamespaceCache" .Release.Namespace $name -}}
{{- $name -}}
{{- else -}}
pending
{{- end -}}
{{- end -}}
