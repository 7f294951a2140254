{{/*
Models vLLM loads beside the base model, from PersistentVolumeClaims: the LoRA adapters of
model.loraAdapters and the draft model of model.speculative. Each claim named is mounted once, read-only, at /mnt/adapters/<claim> in every
vLLM container of the model (a multi-node model's workers load adapter weights too), as the volume
adapters-<n>, n its place among the claims.
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
