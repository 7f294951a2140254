"""The seed README is the users' specification: each of its helm commands works and means what it says.

Every `helm upgrade -i` in the seed is run as an offline `helm template` of this chart, with Helm 4
and Helm 3, after filling in the seed's placeholders ([release-name], {pvc-name}, {model-folder})
with example names, and the rendered objects are checked against what the seed's prose promises.
"""

import json
import os
import subprocess

import pytest

from tests.harness import objects
from tests.harness.commands import as_template, seed_commands
from tests.harness.paths import BIN, CHART, SEED_README
from tests.harness.render import RELEASE, HelmError, render

pytestmark = pytest.mark.skipif(not SEED_README.exists(), reason=f"the seed README is not at {SEED_README}")

DEFAULT_MODEL = "oci://quay.io/redhat-ai-services/modelcar-catalog:granite-3.3-2b-instruct"


def annotations(docs):
    return objects.workload(docs, RELEASE)["metadata"]["annotations"]


def accelerators(docs, section):
    requested = objects.model_spec(docs, RELEASE)["resources"][section]
    return {k: v for k, v in requested.items() if k not in ("cpu", "memory")}


def means_default_install(docs):
    """'a single-node vLLM instance in Serverless mode with the default model' (one NVIDIA GPU, no auth)."""
    assert annotations(docs)["serving.kserve.io/deploymentMode"] == "Serverless"
    assert "workerSpec" not in objects.predictor(docs, RELEASE)
    assert objects.model_spec(docs, RELEASE)["storageUri"] == DEFAULT_MODEL
    assert accelerators(docs, "limits") == accelerators(docs, "requests") == {"nvidia.com/gpu": "1"}
    assert "security.opendatahub.io/enable-auth" not in annotations(docs)
    assert not docs.has("Role") and not docs.has("ServiceAccount")
    # the troubleshooting section finds the pods by the release name
    assert objects.workload(docs, RELEASE)["metadata"]["name"] == "my-vllm"


def means_modelcar(docs):
    assert objects.model_spec(docs, RELEASE)["storageUri"] == DEFAULT_MODEL


def means_pvc(docs):
    assert objects.model_spec(docs, RELEASE)["storageUri"] == "pvc://my-pvc/granite"


def means_s3(docs):
    assert objects.model_spec(docs, RELEASE)["storage"] == {"key": "my-s3-connection", "path": "my-model-folder"}
    assert "storageUri" not in objects.model_spec(docs, RELEASE)


def means_nvidia(docs):
    assert accelerators(docs, "limits") == accelerators(docs, "requests") == {"nvidia.com/gpu": "1"}
    assert objects.runtime(docs)["metadata"]["annotations"]["opendatahub.io/recommended-accelerators"] == '["nvidia.com/gpu"]'


def means_amd(docs):
    assert objects.runtime_containers(docs)[0]["image"] == "quay.io/modh/vllm:rhoai-2.22-rocm"
    assert accelerators(docs, "limits") == accelerators(docs, "requests") == {"amd.com/gpu": "1"}
    assert objects.runtime(docs)["metadata"]["annotations"]["opendatahub.io/recommended-accelerators"] == '["amd.com/gpu"]'


def means_gaudi(docs):
    assert objects.runtime_containers(docs)[0]["image"] == "quay.io/modh/vllm:rhoai-2.22-gaudi"
    assert objects.runtime(docs)["metadata"]["annotations"]["opendatahub.io/runtime-version"] == "0.7.2"
    assert accelerators(docs, "limits") == accelerators(docs, "requests") == {"habana.ai/gaudi": "1"}


def means_cpu(docs):
    assert objects.runtime_containers(docs)[0]["image"] == "quay.io/modh/vllm:rhoai-2.22-cpu"
    assert accelerators(docs, "limits") == accelerators(docs, "requests") == {}
    assert "tolerations" not in objects.predictor(docs, RELEASE)
    assert "opendatahub.io/recommended-accelerators" not in objects.runtime(docs)["metadata"]["annotations"]


def means_auth(docs):
    assert annotations(docs)["security.opendatahub.io/enable-auth"] == "true"
    role = docs.get("Role")
    assert role["rules"] == [{"apiGroups": ["serving.kserve.io"], "resources": ["inferenceservices"],
                              "resourceNames": ["my-vllm"], "verbs": ["get"]}]


def means_auth_with_account(docs):
    means_auth(docs)
    docs.get("ServiceAccount", "my-service-account")
    token = docs.get("Secret", "my-service-account")
    assert token["type"] == "kubernetes.io/service-account-token"
    assert token["metadata"]["annotations"]["kubernetes.io/service-account.name"] == "my-service-account"
    binding = docs.get("RoleBinding")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "my-service-account", "namespace": "default"}]
    assert binding["roleRef"]["name"] == docs.get("Role")["metadata"]["name"]


def means_raw(docs):
    assert annotations(docs)["serving.kserve.io/deploymentMode"] == "RawDeployment"
    assert not {"sidecar.istio.io/inject", "serving.knative.openshift.io/enablePassthrough"} & set(annotations(docs))


def means_recreate(docs):
    means_raw(docs)
    assert objects.predictor(docs, RELEASE)["deploymentStrategy"] == {"type": "Recreate"}


def means_multinode(docs):
    means_raw(docs)
    workers = objects.predictor(docs, RELEASE)["workerSpec"]
    assert (workers["pipelineParallelSize"], workers["tensorParallelSize"]) == (2, 2)
    assert accelerators(docs, "limits") == {"nvidia.com/gpu": "2"}
    assert objects.runtime(docs)["metadata"]["name"] == "vllm-multinode-runtime"
    assert annotations(docs)["serving.kserve.io/autoscalerClass"] == "external"


def means_replica_range(docs):
    predictor = objects.predictor(docs, RELEASE)
    assert (predictor["minReplicas"], predictor["maxReplicas"]) == (1, 5)


def means_rps(docs):
    predictor = objects.predictor(docs, RELEASE)
    assert (predictor["scaleMetric"], predictor["scaleTarget"]) == ("rps", 10)


def means_scale_to_zero(docs):
    assert objects.predictor(docs, RELEASE)["minReplicas"] == 0
    assert annotations(docs)["serving.kserve.io/deploymentMode"] == "Serverless"


def means_retention(docs):
    means_scale_to_zero(docs)
    assert objects.predictor(docs, RELEASE)["annotations"]["autoscaling.knative.dev/scale-to-zero-pod-retention-period"] == "10m"


# (text that identifies the seed command, what it must mean), in the seed's order
MEANINGS = [
    ("helm upgrade -i my-vllm redhat-ai-services/vllm-kserve", means_default_install),
    ("model.uri=oci://", means_modelcar),
    ("model.uri=pvc://", means_pvc),
    ("model.mode=s3", means_s3),
    ("model.args=", None),  # see test_seed_args_example_needs_a_shell_safe_form
    ("resources.requests.nvidia\\.com/gpu=1", means_nvidia),
    ("rhoai-2.22-rocm", means_amd),
    ("rhoai-2.22-gaudi", means_gaudi),
    ("rhoai-2.22-cpu", means_cpu),
    ("endpoint.auth.serviceAccounts[0].name=my-service-account", means_auth_with_account),
    ("endpoint.auth.enabled=true", means_auth),
    ("deploymentStrategy.type=Recreate", means_recreate),
    ("servingTopology=multiNode", means_multinode),
    ("deploymentMode=RawDeployment", means_raw),
    ("scaling.maxReplicas=5", means_replica_range),
    ("scaleMetric=rps", means_rps),
    ("retentionPeriod=10m", means_retention),
    ("scaling.minReplicas=0", means_scale_to_zero),
]


def meaning_of(command):
    """The first entry of MEANINGS whose marker the command contains (the plain install: equals)."""
    normalized = " ".join(command.argv)
    for marker, meaning in MEANINGS:
        plain_install = marker == MEANINGS[0][0]
        if (normalized == marker) if plain_install else (marker in normalized):
            return marker, meaning
    raise AssertionError(f"seed command at line {command.line} has no stated meaning: {command.text}")


COMMANDS = seed_commands()


def test_every_seed_command_is_covered():
    assert len(COMMANDS) >= 18
    markers = [meaning_of(c)[0] for c in COMMANDS]
    assert set(markers) == {m for m, _ in MEANINGS}


@pytest.mark.parametrize("helm", ["helm", "helm3"])
@pytest.mark.parametrize("command", [c for c in COMMANDS if meaning_of(c)[1]], ids=lambda c: f"line{c.line}")
def test_seed_command_renders_and_means_what_the_seed_says(command, helm):
    release, flags = as_template(command.argv, CHART)
    assert release == "my-vllm"
    docs = render(extra=flags, helm=helm)
    meaning_of(command)[1](docs)


@pytest.mark.parametrize("helm", ["helm", "helm3"])
def test_seed_commands_render_verbatim_without_a_cluster(helm):
    """Exactly the user's flags, with no --kube-version: each Helm assumes the Kubernetes of its release."""
    failed = {}
    for command in (c for c in COMMANDS if meaning_of(c)[1]):
        release, flags = as_template(command.argv, CHART)
        result = subprocess.run([BIN / helm, "template", release, CHART, *flags], capture_output=True, text=True,
                                env={**os.environ, "KUBECONFIG": os.devnull}, check=False)
        if result.returncode or "kind: InferenceService" not in result.stdout:
            failed[command.line] = result.stderr.strip()
    assert not failed, failed


def test_seed_args_example_needs_a_shell_safe_form():
    """The seed writes model.args={"a", "b"}: the space splits it in a shell, so helm sees a stray flag."""
    [command] = [c for c in COMMANDS if "model.args=" in c.text]
    _, flags = as_template(command.argv, CHART)
    with pytest.raises(HelmError, match="unknown flag"):
        render(extra=flags)
    docs = render(extra=["--set", "model.args={--gpu-memory-utilization=0.95,--max-model-len=10000}"])
    assert objects.model_spec(docs, RELEASE)["args"] == ["--gpu-memory-utilization=0.95", "--max-model-len=10000"]


def test_seed_service_account_forms():
    """The seed's four serviceAccounts entries: created, existing, existing elsewhere, created without token."""
    docs = render({"endpoint": {"auth": {"enabled": True, "serviceAccounts": [
        {"name": "my-service-account"},
        {"name": "existing-service-account", "create": False},
        {"name": "existing-in-another-namespace", "namespace": "my-other-namespace", "create": False},
        {"name": "no-token", "createLegacyToken": False},
    ]}}})
    assert sorted(d["metadata"]["name"] for d in docs.all("ServiceAccount")) == ["my-service-account", "no-token"]
    assert [d["metadata"]["name"] for d in docs.all("Secret")] == ["my-service-account"]
    subjects = sorted(json.dumps(d["subjects"], sort_keys=True) for d in docs.all("RoleBinding"))
    assert subjects == sorted(json.dumps([{"kind": "ServiceAccount", "name": n, "namespace": ns}], sort_keys=True) for n, ns in [
        ("my-service-account", "default"), ("existing-service-account", "default"),
        ("existing-in-another-namespace", "my-other-namespace"), ("no-token", "default")])
