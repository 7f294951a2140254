{{/* Replica counts and autoscalers, for the mode the model runs in. */}}
{{- define "vllm-kserve.validate.scaling" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $scaling := $v.scaling -}}
{{- $raw := $scaling.rawDeployment -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- if gt (int $scaling.minReplicas) (int $scaling.maxReplicas) -}}
{{- $errors = append $errors (printf "scaling.minReplicas=%v is greater than scaling.maxReplicas=%v: raise scaling.maxReplicas or lower scaling.minReplicas" $scaling.minReplicas $scaling.maxReplicas) -}}
{{- end -}}
{{- if include "vllm-kserve.serverless" . -}}
{{- if and (eq (int $scaling.minReplicas) 0) (has $scaling.serverless.scaleMetric (list "cpu" "memory")) -}}
{{- $errors = append $errors (printf "scaling.minReplicas=0 with scaling.serverless.scaleMetric=%s: Knative's HPA autoscaler, which cpu and memory need, cannot scale to zero; use concurrency or rps, or set scaling.minReplicas to 1 or more" $scaling.serverless.scaleMetric) -}}
{{- end -}}
{{- if and (has $scaling.serverless.scaleMetric (list "cpu" "memory")) $scaling.serverless.scaleTarget (gt (int $scaling.serverless.scaleTarget) 100) -}}
{{- $errors = append $errors (printf "scaling.serverless.scaleTarget=%v: with scaleMetric=%s KServe accepts a target from 1 to 100 only" $scaling.serverless.scaleTarget $scaling.serverless.scaleMetric) -}}
{{- end -}}
{{- $strategy := $raw.deploymentStrategy | default dict -}}
{{- if or (ne (toString $strategy.type) "RollingUpdate") $strategy.rollingUpdate -}}
{{- $errors = append $errors "scaling.rawDeployment.deploymentStrategy applies only to deploymentMode=RawDeployment (KServe rejects it for Serverless): add --set deploymentMode=RawDeployment or remove the strategy" -}}
{{- end -}}
{{- if eq $raw.autoscaler "keda" -}}
{{- $errors = append $errors "scaling.rawDeployment.autoscaler=keda applies only to deploymentMode=RawDeployment; Knative scales Serverless models itself (see scaling.serverless)" -}}
{{- end -}}
{{- if $v.podDisruptionBudget.enabled -}}
{{- $errors = append $errors "podDisruptionBudget.enabled=true needs deploymentMode=RawDeployment: Knative manages the pods of a Serverless model" -}}
{{- end -}}
{{- if or (ne $raw.scaleMetric "cpu") $raw.scaleTarget -}}
{{- $errors = append $errors (printf "scaling.rawDeployment.scaleMetric=%s / scaleTarget=%v apply only to deploymentMode=RawDeployment: for Serverless set scaling.serverless.scaleMetric and scaling.serverless.scaleTarget instead" $raw.scaleMetric $raw.scaleTarget) -}}
{{- end -}}
{{- else -}}
{{- if eq (int $scaling.minReplicas) 0 -}}
{{- $errors = append $errors "scaling.minReplicas=0 (scale to zero) needs deploymentMode=Serverless; a RawDeployment keeps at least one replica: set scaling.minReplicas to 1 or more" -}}
{{- end -}}
{{- if $scaling.serverless.retentionPeriod -}}
{{- $errors = append $errors (printf "scaling.serverless.retentionPeriod=%s applies only to deploymentMode=Serverless (it delays scale to zero): remove it" $scaling.serverless.retentionPeriod) -}}
{{- end -}}
{{- /* KServe hands both to the Knative Service only; its raw reconcilers never read them
(kserve@v0.15.2 pkg/controller/v1beta1/inferenceservice/reconcilers/knative/ksvc_reconciler.go:113-174) */ -}}
{{- range $field := list "containerConcurrency" "canaryTrafficPercent" -}}
{{- $set := index $scaling.serverless $field -}}
{{- if not (kindIs "invalid" $set) -}}
{{- $errors = append $errors (printf "scaling.serverless.%s=%v applies only to deploymentMode=Serverless (Knative's), and a RawDeployment would ignore it: remove it" $field $set) -}}
{{- end -}}
{{- end -}}
{{- if or (ne $scaling.serverless.scaleMetric "concurrency") $scaling.serverless.scaleTarget -}}
{{- $errors = append $errors (printf "scaling.serverless.scaleMetric=%s / scaleTarget=%v apply only to deploymentMode=Serverless: for a RawDeployment set scaling.rawDeployment.scaleMetric (cpu or memory) and scaling.rawDeployment.scaleTarget instead" $scaling.serverless.scaleMetric $scaling.serverless.scaleTarget) -}}
{{- end -}}
{{- if and (eq $raw.scaleMetric "memory") (not $raw.scaleTarget) (not (include "vllm-kserve.multiNode" .)) -}}
{{- $errors = append $errors "scaling.rawDeployment.scaleMetric=memory needs scaling.rawDeployment.scaleTarget (a utilisation percent, 1 to 100): KServe gives the memory autoscaler no default target" -}}
{{- end -}}
{{- if eq $raw.autoscaler "keda" -}}
{{- if not $platform.keda -}}
{{- $errors = append $errors (printf "scaling.rawDeployment.autoscaler=keda: %s prunes spec.predictor.autoScaling (platform=%s), so KEDA would never get the metric; use autoscaler=hpa or a level with KEDA: platform=%s" $platform.title $v.platform (include "vllm-kserve.levelsWith" (list . "keda"))) -}}
{{- end -}}
{{- if include "vllm-kserve.multiNode" . -}}
{{- $errors = append $errors "scaling.rawDeployment.autoscaler=keda: a multi-node model cannot autoscale; use autoscaler=hpa (which multi-node ignores) or a single-node topology" -}}
{{- end -}}
{{- if and $raw.keda.triggerAuthentication $platform.keda (not $platform.keda.authenticationRef) -}}
{{- $errors = append $errors (printf "scaling.rawDeployment.keda.triggerAuthentication=%s: %s (platform=%s) has no authenticationRef in spec.predictor.autoScaling, so the API server would drop it; authenticate at the Prometheus URL instead, or use platform=%s" $raw.keda.triggerAuthentication $platform.title $v.platform (include "vllm-kserve.levelsWith" (list . "keda.authenticationRef"))) -}}
{{- end -}}
{{- if not (or $raw.keda.serverAddress ($platform.keda | default dict).serverAddress) -}}
{{- $errors = append $errors "scaling.rawDeployment.autoscaler=keda needs scaling.rawDeployment.keda.serverAddress, the Prometheus URL KEDA queries (on OpenShift: https://thanos-querier.openshift-monitoring.svc.cluster.local:9092)" -}}
{{- end -}}
{{- end -}}
{{- if and (ne $raw.autoscaler "keda") (or $raw.keda.triggerAuthentication $raw.keda.authModes) -}}
{{- $errors = append $errors "scaling.rawDeployment.keda.triggerAuthentication and authModes apply only with scaling.rawDeployment.autoscaler=keda: set it, or remove them" -}}
{{- end -}}
{{- $strategy := $raw.deploymentStrategy -}}
{{- if and (eq $strategy.type "Recreate") $strategy.rollingUpdate -}}
{{- $errors = append $errors "scaling.rawDeployment.deploymentStrategy.rollingUpdate is set but the type is Recreate: remove rollingUpdate or use type RollingUpdate" -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
