{{/*
Values of the chart's 0.x line (redhat-ai-services/helm-charts 0.5.0 to 0.7.0) that 1.0.0 names
differently or no longer needs: the schema knows them (marked deprecated) so that a user carrying
old values over gets the new name here, not a bare "additional property".
*/}}
{{- define "vllm-kserve.validate.migration" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $renamed := list
  (list "displayName" $v.displayName "inferenceService.displayName (the name the dashboard shows)")
  (list "image.image" $v.image.image "image.repository")
  (list "model.modelNameOverride" $v.model.modelNameOverride "model.servedModelName")
  (list "scaling.scaleMetric" $v.scaling.scaleMetric "scaling.serverless.scaleMetric (Serverless) or scaling.rawDeployment.scaleMetric (RawDeployment)")
  (list "scaling.scaleTarget" $v.scaling.scaleTarget "scaling.serverless.scaleTarget (Serverless) or scaling.rawDeployment.scaleTarget (RawDeployment), an integer")
  (list "scaling.serverless.timeout" $v.scaling.serverless.timeout "probes.startupMinutes (Knative's progress deadline is that plus 10 minutes)")
  (list "servingRuntime.args" $v.servingRuntime.args "model.args for extra vLLM arguments (the chart sets the port and model path itself)")
  (list "servingRuntime.env" $v.servingRuntime.env "model.env for extra variables (the chart sets HF_HOME and the caches itself)")
-}}
{{- range $renamed -}}
{{- if not (kindIs "invalid" (index . 1)) -}}
{{- $errors = append $errors (printf "%s is a value of the chart's 0.x line; since 1.0.0 it is %s: move it there (see the README's migration section)" (index . 0) (index . 2)) -}}
{{- end -}}
{{- end -}}
{{- $dropped := list
  (list "servingRuntime.command" $v.servingRuntime.command "the chart runs vLLM's OpenAI API server itself")
  (list "multiNode.visibleInDashboard" $v.multiNode.visibleInDashboard "the chart always hides a multi-node runtime from the dashboard, which cannot edit one")
-}}
{{- range $dropped -}}
{{- if not (kindIs "invalid" (index . 1)) -}}
{{- $errors = append $errors (printf "%s is a value of the chart's 0.x line that 1.0.0 no longer has (%s): remove it" (index . 0) (index . 2)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
