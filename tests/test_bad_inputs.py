"""Bad values never render: each case fails, and the message names the value at fault.

Schema cases are refused by values.schema.json: helm names the value by its JSON path (and quotes
the value itself for pattern errors). Rule cases are refused by the chart's validation template,
whose message names the value path, the value and what to do.
"""

import pytest

from tests.harness.render import render_error

# (id, --set arguments or a values dict, texts the error must contain)
BAD_INPUTS = [
    # wrong types
    ("minReplicas-string", {"scaling": {"minReplicas": "one"}}, ["/scaling/minReplicas"]),
    ("maxReplicas-float", {"scaling": {"maxReplicas": 2.5}}, ["/scaling/maxReplicas"]),
    ("auth-enabled-string", {"endpoint": {"auth": {"enabled": "yes"}}}, ["/endpoint/auth/enabled"]),
    ("args-not-a-list", {"model": {"args": "--max-model-len=10"}}, ["/model/args"]),
    ("env-not-a-list", {"model": {"env": {"A": "b"}}}, ["/model/env"]),
    ("tolerations-object", {"tolerations": {"key": "x"}}, ["/tolerations"]),
    ("nodeSelector-list", {"nodeSelector": ["gpu"]}, ["/nodeSelector"]),
    ("pipelineParallelSize-string", {"multiNode": {"pipelineParallelSize": "2"}}, ["/multiNode/pipelineParallelSize"]),
    ("startupMinutes-zero", {"probes": {"startupMinutes": 0}}, ["/probes/startupMinutes"]),
    ("nodeSelector-value-number", {"nodeSelector": {"gpu": 1}}, ["/nodeSelector/gpu"]),
    # unknown keys at every level
    ("unknown-top-level", ["--set", "replicas=2"], ["additional properties 'replicas'"]),
    ("unknown-image-key", ["--set", "image.registry=quay.io"], ["/image", "'registry'"]),
    ("unknown-model-key", ["--set", "model.name=granite"], ["/model", "'name'"]),
    ("unknown-s3-key", ["--set", "model.s3.bucket=b"], ["/model/s3", "'bucket'"]),
    ("unknown-scaling-key", ["--set", "scaling.replicas=2"], ["/scaling", "'replicas'"]),
    ("unknown-serverless-key", ["--set", "scaling.serverless.window=60s"], ["/scaling/serverless", "'window'"]),
    ("unknown-strategy-key", ["--set", "scaling.rawDeployment.deploymentStrategy.maxSurge=1"], ["/scaling/rawDeployment/deploymentStrategy", "'maxSurge'"]),
    ("unknown-auth-key", ["--set", "endpoint.auth.token=abc"], ["/endpoint/auth", "'token'"]),
    ("unknown-service-account-key", ["--set", "endpoint.auth.enabled=true", "--set", "endpoint.auth.serviceAccounts[0].nme=a"], ["/endpoint/auth/serviceAccounts/0", "'nme'"]),
    ("unknown-resources-key", {"resources": {"request": {"cpu": "1"}}}, ["/resources", "'request'"]),
    ("unknown-toleration-key", {"tolerations": [{"key": "a", "operatr": "Exists"}]}, ["/tolerations/0", "'operatr'"]),
    ("unknown-env-key", {"model": {"env": [{"name": "A", "valu": "b"}]}}, ["/model/env/0", "'valu'"]),
    ("unknown-affinity-key", {"affinity": {"nodeAfinity": {}}}, ["/affinity", "'nodeAfinity'"]),
    ("unknown-securityContext-key", {"securityContext": {"privileged": False, "runAsUsr": 1}}, ["/securityContext", "'runAsUsr'"]),
    ("unknown-multiNode-key", ["--set", "multiNode.size=3"], ["/multiNode", "'size'"]),
    # typos in enum values
    ("mode-typo", ["--set", "deploymentMode=Rawdeployment"], ["/deploymentMode", "value must be one of"]),
    ("topology-typo", ["--set", "servingTopology=multinode"], ["/servingTopology", "value must be one of"]),
    ("model-mode-typo", ["--set", "model.mode=S3"], ["/model/mode", "value must be one of"]),
    ("platform-unknown", ["--set", "platform=rhoai-2.21"], ["/platform", "value must be one of"]),
    ("scaleMetric-typo", ["--set", "scaling.serverless.scaleMetric=concurency"], ["/scaling/serverless/scaleMetric", "value must be one of"]),
    ("raw-scaleMetric-rps", ["--set", "scaling.rawDeployment.scaleMetric=rps"], ["/scaling/rawDeployment/scaleMetric", "value must be one of"]),
    ("strategy-typo", ["--set", "scaling.rawDeployment.deploymentStrategy.type=ReCreate"], ["/scaling/rawDeployment/deploymentStrategy/type", "value must be one of"]),
    ("pullPolicy-typo", ["--set", "image.pullPolicy=always"], ["/image/pullPolicy", "value must be one of"]),
    # bad URIs, names and quantities
    ("uri-s3-scheme", ["--set", "model.uri=s3://bucket/models"], ["/model/uri", "s3://bucket/models"]),
    ("uri-no-scheme", ["--set", "model.uri=quay.io/models/granite:1"], ["/model/uri", "quay.io/models/granite:1"]),
    ("uri-bad-pvc-name", ["--set", "model.uri=pvc://My_PVC/model"], ["/model/uri", "pvc://My_PVC/model"]),
    ("uri-oci-without-repository", ["--set", "model.uri=oci://quay.io"], ["/model/uri", "oci://quay.io"]),
    ("isvc-name-uppercase", ["--set", "inferenceService.name=MyModel"], ["/inferenceService/name", "MyModel"]),
    ("isvc-name-too-long", ["--set", "inferenceService.name=" + "a" * 48], ["/inferenceService/name"]),
    ("release-name-starts-with-digit", {"__release": "9vllm"}, ['InferenceService name "9vllm"', "inferenceService.name"]),
    ("service-account-bad-name", ["--set", "endpoint.auth.enabled=true", "--set", "endpoint.auth.serviceAccounts[0].name=My_SA"], ["/endpoint/auth/serviceAccounts/0/name", "My_SA"]),
    ("s3-key-bad-name", ["--set", "model.mode=s3", "--set", "model.s3.key=My Secret", "--set", "model.s3.path=m"], ["/model/s3/key"]),
    ("pull-secret-bad-name", ["--set", "imagePullSecrets[0]=Bad_Secret"], ["/imagePullSecrets/0"]),
    ("image-tag-with-space", ["--set", "image.tag=rhoai 2.22"], ["/image/tag", "rhoai 2.22"]),
    ("gpu-quantity-word", ["--set", "resources.limits.nvidia\\.com/gpu=one"], ["/resources/limits/nvidia.com~1gpu", "one"]),
    ("shm-size-unit", ["--set", "servingRuntime.shmSize=4GB"], ["/servingRuntime/shmSize", "4GB"]),
    # bad durations
    ("retention-words", ["--set", "scaling.serverless.retentionPeriod=ten minutes"], ["/scaling/serverless/retentionPeriod", "ten minutes"]),
    ("retention-no-unit", ["--set", "scaling.serverless.retentionPeriod=600"], ["/scaling/serverless/retentionPeriod", "want string"]),
    # out of range
    ("pipeline-parallel-one", ["--set", "multiNode.pipelineParallelSize=1"], ["/multiNode/pipelineParallelSize"]),
    ("tensor-parallel-zero", ["--set", "multiNode.tensorParallelSize=0"], ["/multiNode/tensorParallelSize"]),
    ("raw-scaleTarget-over-100", ["--set", "scaling.rawDeployment.scaleTarget=150"], ["/scaling/rawDeployment/scaleTarget"]),
    ("minReplicas-negative", ["--set", "scaling.minReplicas=-1"], ["/scaling/minReplicas"]),
    # forbidden combinations (the validation template)
    ("multinode-serverless", ["--set", "servingTopology=multiNode"], ["servingTopology=multiNode needs deploymentMode=RawDeployment"]),
    ("serverless-timeout-over-knative-limit", ["--set", "endpoint.timeoutSeconds=1800"], ["endpoint.timeoutSeconds=1800", "set endpoint.knativeMaxTimeoutSeconds"]),
    ("serverless-selinux-options", ["--set", "securityContext.seLinuxOptions.type=spc_t"], ["securityContext.seLinuxOptions is refused by Knative", "deploymentMode=RawDeployment"]),
    ("serverless-privileged", ["--set", "securityContext.privileged=true"], ["securityContext.privileged=true is refused by Knative"]),
    ("serverless-capability-add", ["--set", "securityContext.capabilities.add={SYS_ADMIN}"], ['securityContext.capabilities.add=["SYS_ADMIN"]', "only NET_BIND_SERVICE"]),
    ("multinode-s3", ["--set", "servingTopology=multiNode", "--set", "deploymentMode=RawDeployment", "--set", "model.mode=s3", "--set", "model.s3.key=c", "--set", "model.s3.path=m"], ["servingTopology=multiNode cannot load a model from S3"]),
    ("multinode-autoscaling", ["--set", "servingTopology=multiNode", "--set", "deploymentMode=RawDeployment", "--set", "scaling.maxReplicas=3"], ["scaling.maxReplicas=3", "cannot autoscale"]),
    ("multinode-runtime-name", ["--set", "servingTopology=multiNode", "--set", "deploymentMode=RawDeployment", "--set", "servingRuntime.name=my-runtime"], ["servingRuntime.name=my-runtime", "vllm-multinode-runtime"]),
    ("multinode-parallel-env", {"servingTopology": "multiNode", "deploymentMode": "RawDeployment", "model": {"env": [{"name": "TENSOR_PARALLEL_SIZE", "value": "4"}]}}, ["model.env sets TENSOR_PARALLEL_SIZE"]),
    ("multinode-parallel-arg", ["--set", "servingTopology=multiNode", "--set", "deploymentMode=RawDeployment", "--set", "model.args={--tensor-parallel-size=4}"], ['"--tensor-parallel-size=4"', "multiNode.tensorParallelSize"]),
    ("raw-scale-to-zero", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.minReplicas=0"], ["scaling.minReplicas=0", "needs deploymentMode=Serverless"]),
    ("raw-retention", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.serverless.retentionPeriod=5m"], ["scaling.serverless.retentionPeriod=5m"]),
    ("raw-knative-metric", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.serverless.scaleMetric=rps"], ["scaling.serverless.scaleMetric=rps", "scaling.rawDeployment.scaleMetric"]),
    ("raw-knative-target", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.serverless.scaleTarget=5"], ["scaleTarget=5", "scaling.rawDeployment.scaleTarget"]),
    ("serverless-hpa-metric", ["--set", "scaling.rawDeployment.scaleMetric=memory"], ["scaling.rawDeployment.scaleMetric=memory", "scaling.serverless.scaleMetric"]),
    ("serverless-hpa-target", ["--set", "scaling.rawDeployment.scaleTarget=70"], ["scaleTarget=70", "scaling.serverless.scaleTarget"]),
    ("min-above-max", ["--set", "scaling.minReplicas=3", "--set", "scaling.maxReplicas=2"], ["scaling.minReplicas=3 is greater than scaling.maxReplicas=2"]),
    ("serverless-cpu-to-zero", ["--set", "scaling.minReplicas=0", "--set", "scaling.serverless.scaleMetric=cpu"], ["scaling.minReplicas=0 with scaling.serverless.scaleMetric=cpu"]),
    ("serverless-memory-target", ["--set", "scaling.serverless.scaleMetric=memory", "--set", "scaling.serverless.scaleTarget=2048"], ["scaling.serverless.scaleTarget=2048"]),
    ("serverless-recreate", ["--set", "scaling.rawDeployment.deploymentStrategy.type=Recreate"], ["scaling.rawDeployment.deploymentStrategy applies only to deploymentMode=RawDeployment"]),
    ("recreate-with-rolling-params", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.rawDeployment.deploymentStrategy.type=Recreate", "--set", "scaling.rawDeployment.deploymentStrategy.rollingUpdate.maxSurge=1"], ["rollingUpdate is set but the type is Recreate"]),
    ("raw-memory-without-target", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.rawDeployment.scaleMetric=memory"], ["scaling.rawDeployment.scaleMetric=memory needs scaling.rawDeployment.scaleTarget"]),
    ("s3-without-key", ["--set", "model.mode=s3", "--set", "model.s3.path=models/x"], ["model.s3.key is empty"]),
    ("s3-bucket-root", ["--set", "model.mode=s3", "--set", "model.s3.key=c", "--set", "model.s3.path=/"], ['model.s3.path "/"', "bucket root"]),
    ("args-port", ["--set", "model.args={--port=9000}"], ['"--port=9000"', "the runtime sets --port"]),
    ("args-model", ["--set", "model.args={--model=/models/x}"], ['"--model=/models/x"']),
    ("args-served-model-name", ["--set", "model.args={--served-model-name=x}"], ['"--served-model-name=x"', "model.servedModelName"]),
    ("serverless-reserved-env", {"model": {"env": [{"name": "PORT", "value": "9000"}]}}, ["model.env sets PORT"]),
    ("serverless-fieldref-env", {"model": {"env": [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]}}, ["model.env NODE reads a fieldRef"]),
    ("accounts-without-auth", ["--set", "endpoint.auth.serviceAccounts[0].name=a"], ["endpoint.auth.serviceAccounts is set but endpoint.auth.enabled is false"]),
    ("token-for-existing-account", {"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "a", "create": False, "createLegacyToken": True}]}}}, ["default/a: createLegacyToken=true needs create=true"]),
    ("duplicate-account", {"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "a"}, {"name": "a", "namespace": "default"}]}}}, ["lists default/a twice"]),
    ("auth-on-upstream", ["--set", "platform=kserve-0.15", "--set", "endpoint.auth.enabled=true"], ["endpoint.auth.enabled=true needs OpenShift AI", "platform=kserve-0.15"]),
    ("upstream-multinode-oci", ["--set", "platform=kserve-0.15", "--set", "servingTopology=multiNode", "--set", "deploymentMode=RawDeployment"], ["platform=kserve-0.15", "only from a PVC"]),
    ("multinode-cpu", {"servingTopology": "multiNode", "deploymentMode": "RawDeployment", "resources": {"requests": {"nvidia.com/gpu": None}, "limits": {"nvidia.com/gpu": None}}}, ["servingTopology=multiNode needs an accelerator"]),
    ("hf-on-openshift-ai", ["--set", "model.uri=hf://ibm-granite/granite-3.3-2b-instruct"], ['model.uri "hf://ibm-granite/granite-3.3-2b-instruct"', "platform=rhoai-2.22"]),
    ("hf-token-without-hf-model", ["--set", "model.huggingFace.tokenSecret.name=hf"], ["model.huggingFace.tokenSecret.name=hf", "not an hf:// model"]),
    ("hf-token-in-values", {"platform": "kserve-0.16", "model": {"uri": "hf://a/b", "env": [{"name": "HF_TOKEN", "value": "hf_x"}]}}, ["model.env gives HF_TOKEN a literal value", "model.huggingFace.tokenSecret.name"]),
    ("hf-token-key-is-fixed", {"platform": "kserve-0.16", "model": {"uri": "hf://a/b", "huggingFace": {"tokenSecret": {"name": "hf", "key": "token"}}}}, ["/model/huggingFace/tokenSecret", "'key'"]),
    ("hf-uri-without-model", ["--set", "platform=kserve-0.16", "--set", "model.uri=hf://granite"], ["/model/uri", "hf://granite"]),
    ("existing-runtime-and-name", ["--set", "servingRuntime.useExisting=vllm-cuda-runtime", "--set", "servingRuntime.name=mine"], ["servingRuntime.useExisting=vllm-cuda-runtime", "servingRuntime.name"]),
    ("keda-serverless", ["--set", "scaling.rawDeployment.autoscaler=keda"], ["scaling.rawDeployment.autoscaler=keda applies only to deploymentMode=RawDeployment"]),
    ("keda-on-2.22", ["--set", "deploymentMode=RawDeployment", "--set", "scaling.rawDeployment.autoscaler=keda", "--set", "scaling.rawDeployment.keda.serverAddress=http://prometheus:9090"], ["scaling.rawDeployment.autoscaler=keda needs KServe 0.15"]),
    ("keda-without-prometheus", ["--set", "platform=rhoai-2.25", "--set", "deploymentMode=RawDeployment", "--set", "scaling.rawDeployment.autoscaler=keda"], ["scaling.rawDeployment.autoscaler=keda needs scaling.rawDeployment.keda.serverAddress"]),
    ("keda-threshold-word", ["--set", "scaling.rawDeployment.keda.threshold=many"], ["/scaling/rawDeployment/keda/threshold", "many"]),
    ("pdb-serverless", ["--set", "podDisruptionBudget.enabled=true"], ["podDisruptionBudget.enabled=true needs deploymentMode=RawDeployment"]),
    ("tool-preset-typo", ["--set", "model.toolCalling.preset=llama3_json"], ["/model/toolCalling/preset", "value must be one of"]),
    ("tool-preset-and-parser-arg", ["--set", "model.toolCalling.preset=granite", "--set", "model.args={--tool-call-parser=hermes}"], ['"--tool-call-parser=hermes"', "model.toolCalling.preset=granite"]),
    ("chat-template-twice", ["--set", "model.chatTemplate=x", "--set", "model.args={--chat-template=/t.jinja}"], ['"--chat-template=/t.jinja"', "model.chatTemplate"]),
    ("timeout-zero", ["--set", "endpoint.timeoutSeconds=0"], ["/endpoint/timeoutSeconds"]),
    ("registry-with-scheme", ["--set", "imageRegistry=https://mirror.example.com"], ["/imageRegistry", "https://mirror.example.com"]),
    ("platform-from-the-future", ["--set", "platform=kserve-0.17"], ["/platform", "value must be one of"]),
    ("mode-lower-case", ["--set", "deploymentMode=standard"], ["/deploymentMode", "value must be one of"]),
    ("stopped-string", {"scaling": {"stopped": "yes"}}, ["/scaling/stopped"]),
    ("serverless-host-too-long", {"__namespace": "a-very-long-namespace-name-for-a-team-of-llm-people", "inferenceService": {"name": "granite-instruct"}}, ["granite-instruct-predictor-a-very-long-namespace-name-for-a-team-of-llm-people", "more than 63 characters"]),
]


def test_there_are_at_least_forty_distinct_bad_inputs():
    ids = [case[0] for case in BAD_INPUTS]
    assert len(ids) == len(set(ids)) >= 40


@pytest.mark.parametrize("case_id, given, expected", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_refused_with_a_message_naming_it(case_id, given, expected):
    kwargs = {}
    if isinstance(given, dict):
        given = dict(given)
        if "__release" in given:
            kwargs["release"] = given.pop("__release")
        if "__namespace" in given:
            kwargs["namespace"] = given.pop("__namespace")
        stderr = render_error(given, **kwargs)
    else:
        stderr = render_error(extra=given)
    for text in expected:
        assert text in stderr, f"{text!r} not in:\n{stderr}"
