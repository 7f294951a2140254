{{/* What Knative refuses in a Serverless model's pod: the field mask, reserved env, long timeouts. */}}
{{- define "vllm-kserve.validate.serverless" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- if include "vllm-kserve.serverless" . -}}
{{- $knativeMax := $v.endpoint.knativeMaxTimeoutSeconds | default 600 -}}
{{- if gt (int $v.endpoint.timeoutSeconds) (int $knativeMax) -}}
{{- $errors = append $errors (printf "endpoint.timeoutSeconds=%v is above Knative's max-revision-timeout-seconds (endpoint.knativeMaxTimeoutSeconds=%v), so Knative would refuse the revision: lower it, or, if the cluster's KnativeServing configuration allows more, set endpoint.knativeMaxTimeoutSeconds to that limit" $v.endpoint.timeoutSeconds $knativeMax) -}}
{{- end -}}
{{- /* Knative keeps only these container securityContext fields (knative.dev/serving SecurityContextMask) */}}
{{- $contexts := list (list "securityContext" $v.securityContext) -}}
{{- range $i, $c := $v.sidecars | default list -}}
{{- $contexts = append $contexts (list (printf "sidecars[%d].securityContext" $i) $c.securityContext) -}}
{{- end -}}
{{- range $contexts -}}
{{- $value := index . 0 -}}
{{- $securityContext := index . 1 | default dict -}}
{{- range $field, $_ := $securityContext -}}
{{- if not (has $field (list "allowPrivilegeEscalation" "capabilities" "privileged" "readOnlyRootFilesystem" "runAsGroup" "runAsNonRoot" "runAsUser" "seccompProfile")) -}}
{{- $errors = append $errors (printf "%s.%s is refused by Knative in Serverless mode: remove it, or use deploymentMode=RawDeployment" $value $field) -}}
{{- end -}}
{{- end -}}
{{- with ($securityContext.capabilities | default dict).add -}}
{{- if ne (toJson .) (toJson (list "NET_BIND_SERVICE")) -}}
{{- $errors = append $errors (printf "%s.capabilities.add=%s: Knative allows adding only NET_BIND_SERVICE in Serverless mode: remove the others, or use deploymentMode=RawDeployment" $value (toJson .)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* Knative takes these pod fields only behind its feature flags, and terminationGracePeriodSeconds
never (knative.dev/serving pkg/apis/serving/fieldmask.go PodSpecMask) */ -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $features := ($platform.modes.serverless | default dict).knativeFeatures | default list -}}
{{- $gated := dict "priorityClassName" "kubernetes.podspec-priorityclassname" "runtimeClassName" "kubernetes.podspec-runtimeclassname" "schedulerName" "kubernetes.podspec-schedulername" "topologySpreadConstraints" "kubernetes.podspec-topologyspreadconstraints" "podSecurityContext" "kubernetes.podspec-securitycontext" -}}
{{- $who := ternary (printf "%s's KnativeServing (platform=%s)" $platform.title $v.platform) (printf "Knative's default configuration (the one platform=%s assumes)" $v.platform) (eq (include "vllm-kserve.openShiftAI" .) "true") -}}
{{- range $value := keys $gated | sortAlpha -}}
{{- $flag := get $gated $value -}}
{{- if and (get $v $value) (not (has $flag $features)) -}}
{{- $errors = append $errors (printf "%s is refused by Knative in Serverless mode unless its feature %s is enabled, which %s leaves off: remove it, or use deploymentMode=%s" $value $flag $who $platform.modes.raw.writes) -}}
{{- end -}}
{{- end -}}
{{- if not (kindIs "invalid" $v.terminationGracePeriodSeconds) -}}
{{- $errors = append $errors (printf "terminationGracePeriodSeconds is refused by Knative in Serverless mode, which sets it from the request timeout: remove it, or use deploymentMode=%s" $platform.modes.raw.writes) -}}
{{- end -}}
{{- $envs := list (list "model.env" $v.model.env) -}}
{{- range $i, $c := $v.sidecars | default list -}}
{{- $envs = append $envs (list (printf "sidecars[%d].env" $i) $c.env) -}}
{{- end -}}
{{- range $envs -}}
{{- $value := index . 0 -}}
{{- range index . 1 | default list -}}
{{- if has .name (list "PORT" "K_SERVICE" "K_CONFIGURATION" "K_REVISION") -}}
{{- $errors = append $errors (printf "%s sets %s, which Knative reserves in Serverless mode: rename the variable or use deploymentMode=RawDeployment" $value .name) -}}
{{- else if and .valueFrom (or .valueFrom.fieldRef .valueFrom.resourceFieldRef) -}}
{{- $errors = append $errors (printf "%s %s reads a fieldRef or resourceFieldRef, which Knative rejects in Serverless mode: give it a value, a secretKeyRef or a configMapKeyRef, or use deploymentMode=RawDeployment" $value .name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
