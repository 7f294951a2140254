"""Every combination of storage, accelerator, topology/mode, auth and platform.

A valid combination must render and pass the strict schemas of its KServe level and both Kubernetes
versions (checked inside `render`); each test below then checks that one choice reached the field
the platform reads. An invalid combination must fail with the message of every rule it breaks.
"""

import json

import pytest

from tests.harness import objects
from tests.harness.render import render, render_error
from tests.harness.scenarios import AUTH, INVALID, OCI_MODEL, PVC_MODEL, VALID, Combo

combinations = pytest.mark.parametrize("combo", VALID, ids=lambda c: c.id)


def rendered(combo: Combo):
    docs = render(combo.values)
    isvc = objects.workload(docs, "my-vllm")
    return docs, isvc, objects.runtime(docs), objects.predictor(isvc)


def test_the_matrix_covers_both_outcomes():
    assert len(VALID) > 100 and len(INVALID) > 20


@combinations
def test_storage_reaches_the_model(combo: Combo):
    _, _, _, predictor = rendered(combo)
    model = predictor["model"]
    if combo.storage == "s3":
        assert model["storage"] == {"key": "my-s3-connection", "path": "models/granite"}
        assert "storageUri" not in model
    else:
        assert model["storageUri"] == {"oci": OCI_MODEL, "pvc": PVC_MODEL}[combo.storage]
        assert "storage" not in model


@combinations
def test_accelerator_reaches_image_resources_placement_and_dashboard(combo: Combo):
    _, _, runtime, predictor = rendered(combo)
    assert objects.runtime_containers(runtime)[0]["image"] == combo.image
    gpus_per_pod = "2" if combo.multi_node else "1"
    for section in ("requests", "limits"):
        accelerators = {k: v for k, v in predictor["model"]["resources"][section].items() if k not in ("cpu", "memory")}
        assert accelerators == ({combo.accelerator_resource: gpus_per_pod} if combo.accelerator_resource else {})
    hint = runtime["metadata"]["annotations"].get("opendatahub.io/recommended-accelerators")
    assert hint == (json.dumps([combo.accelerator_resource]) if combo.accelerator_resource else None)
    tolerated = [t["key"] for t in predictor.get("tolerations", [])]
    assert tolerated == ([combo.accelerator_resource] if combo.accelerator_resource else [])


@combinations
def test_mode_is_named_the_way_the_platform_names_it(combo: Combo):
    _, isvc, _, predictor = rendered(combo)
    annotations = isvc["metadata"]["annotations"]
    written = combo.row["modes"]["serverless" if combo.serverless else "raw"]["writes"]
    assert annotations["serving.kserve.io/deploymentMode"] == written
    assert ("sidecar.istio.io/inject" in annotations) == (combo.serverless and combo.row["openShiftAI"])
    assert ("deploymentStrategy" in predictor) == (not combo.serverless)


@combinations
def test_topology_shapes_runtime_and_workers(combo: Combo):
    _, isvc, runtime, predictor = rendered(combo)
    annotations = isvc["metadata"]["annotations"]
    if combo.multi_node:
        assert predictor["workerSpec"]["pipelineParallelSize"] == 3
        assert predictor["workerSpec"]["tensorParallelSize"] == 2
        assert objects.worker_containers(runtime)[0]["name"] == "worker-container"
        assert annotations["serving.kserve.io/autoscalerClass"] == combo.row["multiNode"]["autoscalerClass"]
        expected_runtime = combo.row["multiNode"]["runtimeName"] or "my-vllm"
        assert runtime["metadata"]["name"] == predictor["model"]["runtime"] == expected_runtime
        assert predictor["workerSpec"].get("tolerations") == predictor.get("tolerations")
    else:
        assert "workerSpec" not in predictor and "workerSpec" not in runtime["spec"]
        assert "serving.kserve.io/autoscalerClass" not in annotations
        assert runtime["metadata"]["name"] == predictor["model"]["runtime"] == "my-vllm"


@combinations
def test_auth_creates_exactly_the_accounts_tokens_and_bindings(combo: Combo):
    docs, isvc, _, _ = rendered(combo)
    auth = AUTH[combo.auth]
    created, tokens, bindings = auth.created_accounts, auth.token_secrets, auth.role_bindings
    assert (isvc["metadata"]["annotations"].get("security.opendatahub.io/enable-auth") == "true") == (combo.auth != "off")
    assert sorted((d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs.all("ServiceAccount")) == sorted(created)
    assert sorted((d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs.all("Secret")) == sorted(tokens)
    assert len(docs.all("RoleBinding")) == bindings
    assert len(docs.all("Role")) == (0 if combo.auth == "off" else 1)


@pytest.mark.parametrize("combo", INVALID, ids=lambda c: c.id)
def test_invalid_combination_is_refused_with_each_reason(combo: Combo):
    stderr = render_error(combo.values)
    for reason in combo.refusals():
        assert reason in stderr, stderr
