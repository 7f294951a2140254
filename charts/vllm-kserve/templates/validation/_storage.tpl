{{/* Where the model comes from: S3 data connections, hf:// and its token. */}}
{{- define "vllm-kserve.validate.storage" -}}
{{- $errors := list -}}
{{- $v := .Values -}}
{{- $platform := include "vllm-kserve.platform" . | fromYaml -}}
{{- $uri := toString $v.model.uri -}}
{{- $scheme := regexFind "^[a-z0-9+]+://" $uri | trimSuffix "://" -}}
{{- if and (ne $v.model.mode "s3") (not $v.model.s3.verifyTLS) -}}
{{- $errors = append $errors (printf "model.s3.verifyTLS=false applies to model.mode=s3 only, and model.mode=%s downloads no S3 connection: remove it" $v.model.mode) -}}
{{- end -}}
{{- $connection := $v.model.connection -}}
{{- if eq $v.model.mode "connection" -}}
{{- if not $platform.storage.connections -}}
{{- $errors = append $errors (printf "model.mode=connection: %s (platform=%s) has no webhook that reads OpenShift AI connections, so nothing would fill in the model's location; use model.mode=uri or s3, or a level with connections: platform=%s" $platform.title $v.platform (include "vllm-kserve.levelsWith" (list . "storage.connections"))) -}}
{{- else if not $connection.name -}}
{{- $errors = append $errors "model.mode=connection needs model.connection.name, the connection Secret that holds the model's location (for example --set model.connection.name=my-connection)" -}}
{{- end -}}
{{- if or .Values.serviceAccount.create .Values.serviceAccount.name -}}
{{- $errors = append $errors "model.mode=connection with serviceAccount: OpenShift AI's connection webhook gives the pods of an S3 connection a ServiceAccount of its own (<connection>-sa), replacing the chart's; remove serviceAccount.create and serviceAccount.name, or use model.mode=s3" -}}
{{- end -}}
{{- else if or $connection.name $connection.path -}}
{{- $errors = append $errors (printf "model.connection is set but model.mode=%s, so no connection would be read: add --set model.mode=connection or remove model.connection" $v.model.mode) -}}
{{- end -}}
{{- if eq $v.model.mode "s3" -}}
{{- if not $v.model.s3.key -}}
{{- $errors = append $errors "model.s3.key is empty: with model.mode=s3 set it to the name of the S3 data-connection Secret (for example --set model.s3.key=my-s3-connection)" -}}
{{- end -}}
{{- if not (regexMatch "[^/]" (toString $v.model.s3.path)) -}}
{{- $errors = append $errors (printf "model.s3.path %q points at the bucket root, which KServe cannot serve from: set it to the folder that holds the model (for example --set model.s3.path=models/granite)" (toString $v.model.s3.path)) -}}
{{- end -}}
{{- end -}}
{{- if eq $scheme "hf" -}}
{{- if not $platform.storage.hf -}}
{{- $errors = append $errors (printf "model.uri %q: %s (platform=%s) installs no storage initializer for hf:// models; package the model as an OCI modelcar (oci://) or copy it to a PVC (pvc://), or target a level that serves hf://: platform=%s" $uri $platform.title $v.platform (include "vllm-kserve.levelsWith" (list . "storage.hf"))) -}}
{{- end -}}
{{- /* KServe gives the storage initializer the Secret's key HF_TOKEN and no other
(kserve@v0.15.2 and v0.20.0 pkg/credentials/hf/hf_secret.go:24-40, the fork the same) */ -}}
{{- $token := $v.model.huggingFace.tokenSecret -}}
{{- if and $token.name (ne $token.key "HF_TOKEN") -}}
{{- $copy := printf "kubectl create secret generic %s-hf --from-literal=HF_TOKEN=\"$(kubectl get secret %s -o jsonpath='{.data.%s}' | base64 -d)\"" $token.name $token.name (replace "." "\\." $token.key) -}}
{{- $errors = append $errors (printf "model.huggingFace.tokenSecret.key=%s: KServe's storage initializer reads the token only from the key HF_TOKEN, so it would download without it; copy it into a Secret it can read (%s) and set model.huggingFace.tokenSecret.name=%s-hf" $token.key $copy $token.name) -}}
{{- end -}}
{{- else if $v.model.huggingFace.tokenSecret.name -}}
{{- $errors = append $errors (printf "model.huggingFace.tokenSecret.name=%s is set but model.uri %q is not an hf:// model, so nothing would use the token: remove it" $v.model.huggingFace.tokenSecret.name $uri) -}}
{{- end -}}
{{- range $v.model.env -}}
{{- if and (eq .name "HF_TOKEN") (hasKey . "value") -}}
{{- $errors = append $errors "model.env gives HF_TOKEN a literal value, which would put the token in values and in the InferenceService: store it in a Secret under the key HF_TOKEN and set model.huggingFace.tokenSecret.name" -}}
{{- end -}}
{{- end -}}
{{- toYaml $errors -}}
{{- end -}}
