{{/* vLLM arguments that the runtime or other values already own. */}}
{{- define "vllm-kserve.validate.args" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $multiNode := include "vllm-kserve.multiNode" . -}}
{{- range $v.model.args -}}
{{- $arg := toString . -}}
{{- $flag := include "vllm-kserve.flagName" $arg -}}
{{- if and $v.model.toolCalling.preset (has $flag (list "--tool-call-parser" "--enable-auto-tool-choice")) -}}
{{- $errors = append $errors (printf "model.args contains %q and model.toolCalling.preset=%s sets it already: remove one of them" $arg $v.model.toolCalling.preset) -}}
{{- end -}}
{{- if and $v.model.chatTemplate (eq $flag "--chat-template") -}}
{{- $errors = append $errors (printf "model.args contains %q and model.chatTemplate sets --chat-template already: remove one of them" $arg) -}}
{{- end -}}
{{- if has $flag (list "--port" "--model") -}}
{{- $errors = append $errors (printf "model.args contains %q: the runtime sets %s itself (KServe mounts the model at /mnt/models and routes to port 8080); remove it" $arg $flag) -}}
{{- else if eq $flag "--served-model-name" -}}
{{- $errors = append $errors (printf "model.args contains %q: set model.servedModelName instead, so the runtime, the test hook and the notes all use the same name" $arg) -}}
{{- else if and $v.model.loraAdapters (has $flag (list "--enable-lora" "--lora-modules")) -}}
{{- $errors = append $errors (printf "model.args contains %q and model.loraAdapters sets %s already: list the adapters in model.loraAdapters alone" $arg $flag) -}}
{{- else if and (eq $flag "--max-loras") $v.model.maxLoras -}}
{{- $errors = append $errors (printf "model.args contains %q and model.maxLoras sets --max-loras already: remove one of them" $arg) -}}
{{- else if and (eq $flag "--max-lora-rank") $v.model.maxLoraRank -}}
{{- $errors = append $errors (printf "model.args contains %q and model.maxLoraRank sets --max-lora-rank already: remove one of them" $arg) -}}
{{- else if and $v.model.speculative.method (or (eq $flag "-sc") (hasPrefix "--speculative-config" $flag)) -}}
{{- $errors = append $errors (printf "model.args contains %q and model.speculative sets --speculative-config already: give the settings in model.speculative alone" $arg) -}}
{{- else if and $multiNode (has $flag (list "--tensor-parallel-size" "--pipeline-parallel-size" "--distributed-executor-backend")) -}}
{{- $errors = append $errors (printf "model.args contains %q, which the multi-node runtime sets itself: use multiNode.tensorParallelSize and multiNode.pipelineParallelSize" $arg) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
