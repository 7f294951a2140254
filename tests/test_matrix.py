"""Every combination of storage, accelerator, topology/mode, auth and platform.

A valid combination must render, pass the strict schemas of its KServe level and both Kubernetes
versions (inside `render`), and carry each choice to the field the platform reads. An invalid one
must fail with the message of every rule it breaks.
"""

import json

import pytest

from tests.harness.render import render, render_error
from tests.harness.scenarios import AUTH, INVALID, OCI_MODEL, PVC_MODEL, VALID, Combo


def test_the_matrix_covers_both_outcomes():
    assert len(VALID) > 100 and len(INVALID) > 20


@pytest.mark.parametrize("combo", VALID, ids=lambda c: c.id)
def test_valid_combination_renders_what_it_asks_for(combo: Combo):
    docs = render(combo.values)
    isvc = docs.get("InferenceService", "my-vllm")
    runtime = docs.get("ServingRuntime")
    predictor = isvc["spec"]["predictor"]
    model = predictor["model"]
    annotations = isvc["metadata"]["annotations"]

    # storage
    if combo.storage == "s3":
        assert model["storage"] == {"key": "my-s3-connection", "path": "models/granite"}
        assert "storageUri" not in model
    else:
        assert model["storageUri"] == {"oci": OCI_MODEL, "pvc": PVC_MODEL}[combo.storage]
        assert "storage" not in model

    # accelerator: image, resources, dashboard hint
    container = runtime["spec"]["containers"][0]
    assert container["image"] == f"quay.io/modh/vllm:{combo.image_tag}"
    gpus_per_pod = "2" if combo.multi_node else "1"
    for section in ("requests", "limits"):
        accelerators = {k: v for k, v in model["resources"][section].items() if k not in ("cpu", "memory")}
        expected = {combo.accelerator_resource: gpus_per_pod} if combo.accelerator_resource else {}
        assert accelerators == expected
    hint = runtime["metadata"]["annotations"].get("opendatahub.io/recommended-accelerators")
    assert hint == (json.dumps([combo.accelerator_resource]) if combo.accelerator_resource else None)
    tolerated = [t["key"] for t in predictor.get("tolerations", [])]
    assert tolerated == ([combo.accelerator_resource] if combo.accelerator_resource else [])

    # topology and mode, named the way the platform names them
    modes = ("Knative", "Standard") if combo.platform == "kserve-0.16" else ("Serverless", "RawDeployment")
    assert annotations["serving.kserve.io/deploymentMode"] == modes[0 if combo.serverless else 1]
    assert ("sidecar.istio.io/inject" in annotations) == (combo.serverless and combo.platform.startswith("rhoai-"))
    assert ("deploymentStrategy" in predictor) == (not combo.serverless)
    if combo.multi_node:
        assert predictor["workerSpec"]["pipelineParallelSize"] == 3
        assert predictor["workerSpec"]["tensorParallelSize"] == 2
        assert runtime["spec"]["workerSpec"]["containers"][0]["name"] == "worker-container"
        assert annotations["serving.kserve.io/autoscalerClass"] == ("external" if combo.platform == "rhoai-2.22" else "none")
        expected_runtime = "vllm-multinode-runtime" if combo.platform.startswith("rhoai-") else "my-vllm"
        assert runtime["metadata"]["name"] == model["runtime"] == expected_runtime
        worker_tolerations = [t["key"] for t in predictor["workerSpec"].get("tolerations", [])]
        assert worker_tolerations == tolerated
    else:
        assert "workerSpec" not in predictor and "workerSpec" not in runtime["spec"]
        assert "serving.kserve.io/autoscalerClass" not in annotations
        assert runtime["metadata"]["name"] == model["runtime"] == "my-vllm"

    # auth
    _, created, tokens, bindings = AUTH[combo.auth]
    assert (annotations.get("security.opendatahub.io/enable-auth") == "true") == (combo.auth != "off")
    assert sorted((d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs.all("ServiceAccount")) == sorted(created)
    assert sorted((d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs.all("Secret")) == sorted(tokens)
    assert len(docs.all("RoleBinding")) == bindings
    assert len(docs.all("Role")) == (0 if combo.auth == "off" else 1)


@pytest.mark.parametrize("combo", INVALID, ids=lambda c: c.id)
def test_invalid_combination_is_refused_with_each_reason(combo: Combo):
    stderr = render_error(combo.values)
    for reason in combo.refusals():
        assert reason in stderr, stderr
