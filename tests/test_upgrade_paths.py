"""Upgrade paths on the control plane, behind KServe's own webhooks: for pairs of scenarios a user
plausibly moves between (topology, mode, storage, auth, a level of the same family), `helm upgrade`
from one to the other either succeeds, or the chart refuses it first, from its lookup of the live
objects, with a message saying why and what to do. Neither KServe's webhooks nor the API server
refuse it halfway, and a refused upgrade changes nothing."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

import pytest

from tests.harness import cluster
from tests.harness.kserve_controller import ensure_kserve
from tests.harness.paths import CHART
from tests.harness.scenarios import (
    AUTH,
    DEFAULT_LEVEL,
    STORAGE,
    TABLE,
    TOPOLOGIES,
    UPSTREAM,
    controller_levels,
    deep_merge,
    levels_where,
)

pytestmark = pytest.mark.cluster

LEVEL = UPSTREAM["platform"]  # the first controller's level: its webhooks judge every update
RAW = deep_merge(UPSTREAM, TOPOLOGIES["raw"])
MULTI_NODE = deep_merge(UPSTREAM, TOPOLOGIES["raw-multinode"], STORAGE["pvc"])
HF = {"model": {"mode": "uri", "uri": "hf://ibm-granite/granite-3.3-2b-instruct"}}


@dataclass(frozen=True)
class Path:
    id: str
    before: dict
    after: dict
    refused_with: str | None = None  # a text of the chart's refusal; None: the upgrade succeeds


PATHS = [
    Path("storage-oci-to-pvc", deep_merge(RAW, STORAGE["oci"]), deep_merge(RAW, STORAGE["pvc"])),
    Path("storage-pvc-to-hf", deep_merge(RAW, STORAGE["pvc"]), deep_merge(RAW, HF)),
    Path("storage-hf-to-oci-serverless", deep_merge(UPSTREAM, HF), deep_merge(UPSTREAM, STORAGE["oci"])),
    Path("mode-serverless-to-raw", UPSTREAM, RAW, "KServe cannot change the mode of an existing InferenceService"),
    Path("mode-raw-to-serverless", RAW, deep_merge(UPSTREAM, TOPOLOGIES["serverless"]),
         "KServe cannot change the mode of an existing InferenceService"),
    Path("topology-single-to-multi", deep_merge(RAW, STORAGE["pvc"]), MULTI_NODE),
    Path("topology-multi-to-single", MULTI_NODE, deep_merge(RAW, STORAGE["pvc"]),
         "KServe refuses to remove workerSpec from an existing runtime"),
    Path("topology-multi-to-single-new-runtime", MULTI_NODE,
         deep_merge(RAW, STORAGE["pvc"], {"servingRuntime": {"name": "single-node-runtime"}})),
    Path("scaling-one-to-three", RAW, deep_merge(RAW, {"scaling": {"maxReplicas": 3}})),
]


def wait_for_recorded_mode(client, ns, name, timeout=60):
    """KServe's controller records the mode in the status; only then do its webhooks judge the mode."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        live = client.get("inferenceservice", name, ns)
        if live and live.get("status", {}).get("deploymentMode"):
            return live
        time.sleep(0.25)
    raise AssertionError(f"KServe recorded no deploymentMode within {timeout}s:\n{cluster.tail('kserve-manager')}")


def upgrade(client, ns, values, release="my-vllm"):
    return client.helm("upgrade", "-i", release, str(CHART), "-n", ns, "-f", "-", input=json.dumps(values),
                       check=False)


def resource_versions(client, ns):
    """What an upgrade changes: each object's spec generation and annotations (KServe's controller
    writes the status all the while)."""
    found = {}
    for kind in ("inferenceservice", "servingruntime"):
        for item in json.loads(client.kubectl("get", kind, "-n", ns, "-o", "json").stdout)["items"]:
            metadata = item["metadata"]
            found[(kind, metadata["name"])] = (metadata["generation"], metadata.get("annotations", {}))
    return found


@pytest.fixture
def level_namespace(kube, kserve_controller, request):
    """(client, namespace) on the API server of a level whose KServe controller runs."""
    made = []

    def make(level=LEVEL):
        ensure_kserve(TABLE.crd_set_of(level))
        client = kube(level)
        made.append((client, client.create_namespace(request.node.name.removeprefix("test_"))))
        return made[-1]

    yield make
    for client, ns in made:
        client.delete_namespace(ns)


@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.id)
def test_an_upgrade_succeeds_or_the_chart_refuses_it_first(level_namespace, path):
    client, ns = level_namespace()
    assert upgrade(client, ns, path.before).returncode == 0
    wait_for_recorded_mode(client, ns, "my-vllm")
    before = resource_versions(client, ns)
    result = upgrade(client, ns, path.after)
    if path.refused_with is None:
        assert result.returncode == 0, result.stderr
        assert "deployed" in client.helm("status", "my-vllm", "-n", ns).stdout
    else:
        assert result.returncode != 0
        assert "vllm-kserve cannot render these values" in result.stderr and path.refused_with in result.stderr, result.stderr
        assert resource_versions(client, ns) == before


def test_the_chart_refuses_removing_workers_because_kserve_would(level_namespace):
    """KServe refuses to remove workerSpec from an existing ServingRuntime (kserve@v0.15.2
    pkg/webhook/admission/servingruntime/servingruntime_webhook.go:202-206, validateMultiNodeSpec):
    the refusal the chart gives first, shown by KServe's own webhook on the runtime as it stands."""
    client, ns = level_namespace()
    assert upgrade(client, ns, MULTI_NODE).returncode == 0
    runtime = next(iter(json.loads(client.kubectl("get", "servingruntime", "-n", ns, "-o", "json").stdout)["items"]))
    del runtime["spec"]["workerSpec"]
    refused = client.kubectl("replace", "-f", "-", input=json.dumps(runtime), check=False)
    assert refused.returncode != 0 and "workerSpec" in refused.stderr, refused.stderr


def test_a_level_that_compares_mode_names_as_written_keeps_the_name_the_live_object_records(level_namespace):
    """KServe 0.15 and 0.16 compare the deploymentMode annotation of an existing InferenceService with
    the mode its status records, as written (kserve@v0.15.2 and @v0.16.0
    pkg/apis/serving/v1beta1/inference_service_validation.go, validateDeploymentMode; 0.16's
    defaulter leaves legacy names alone). A model made at the first controller's level records
    RawDeployment, so at a level that writes Standard for new models, the chart keeps RawDeployment."""
    newer = next(level for level in levels_where(lambda r: r["modes"]["update"] == "exact" and not r["openShiftAI"])
                 if TABLE.row(level)["modes"]["raw"]["writes"] != TABLE.row(LEVEL)["modes"]["raw"]["writes"])
    client, ns = level_namespace()
    assert upgrade(client, ns, RAW).returncode == 0
    recorded = wait_for_recorded_mode(client, ns, "my-vllm")["status"]["deploymentMode"]
    assert recorded == TABLE.row(LEVEL)["modes"]["raw"]["writes"]
    result = upgrade(client, ns, deep_merge(RAW, {"platform": newer}))
    assert result.returncode == 0, result.stderr
    live = client.get("inferenceservice", "my-vllm", ns)
    assert live["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == recorded
    # the name the newer level writes would have been refused by the webhook
    renamed = client.kubectl("annotate", "--overwrite", "inferenceservice", "my-vllm", "-n", ns,
                             f"serving.kserve.io/deploymentMode={TABLE.row(newer)['modes']['raw']['writes']}", check=False)
    assert renamed.returncode != 0 and "deploymentMode cannot be changed" in renamed.stderr, renamed.stderr


@pytest.mark.parametrize("level", [lv for lv in controller_levels() if TABLE.row(lv)["modes"]["update"] == "annotationOnly"])
def test_a_level_that_rewrites_only_the_annotation_cannot_update_a_legacy_model_and_the_chart_says_so(
        level_namespace, level):
    """KServe 0.17.0's defaulter rewrites a legacy deploymentMode annotation to the new name
    (kserve@v0.17.0 pkg/apis/serving/v1beta1/inference_service_defaults.go:157-170) and its validator
    compares that with the status as written (inference_service_validation.go:495-505); its
    controller keeps a recorded status as it is (pkg/controller/v1beta1/inferenceservice/utils/utils.go:223-227).
    So a model whose status an older KServe wrote as RawDeployment takes no deploymentMode
    annotation at all: the chart refuses the upgrade and says how to go on."""
    client, ns = level_namespace(level)
    values = deep_merge(RAW, {"platform": level})
    assert upgrade(client, ns, values).returncode == 0
    wait_for_recorded_mode(client, ns, "my-vllm")
    legacy = TABLE.row(levels_where(lambda r: r["modes"]["raw"]["writes"] != TABLE.row(level)["modes"]["raw"]["writes"])[0])
    client.kubectl("patch", "inferenceservice", "my-vllm", "-n", ns, "--subresource=status", "--type=merge",
                   "-p", json.dumps({"status": {"deploymentMode": legacy["modes"]["raw"]["writes"]}}))
    for name in TABLE.row(level)["modes"]["raw"]["names"]:
        renamed = client.kubectl("annotate", "--overwrite", "inferenceservice", "my-vllm", "-n", ns,
                                 f"serving.kserve.io/deploymentMode={name}", check=False)
        assert renamed.returncode != 0 and "deploymentMode cannot be changed" in renamed.stderr, renamed.stderr
    before = resource_versions(client, ns)
    result = upgrade(client, ns, deep_merge(values, {"scaling": {"maxReplicas": 2}}))
    assert result.returncode != 0 and "cannot be upgraded in place" in result.stderr and "helm uninstall" in result.stderr
    assert resource_versions(client, ns) == before


def test_auth_can_be_turned_on_and_off_on_a_level_with_an_auth_proxy(kube):
    """On OpenShift AI (no KServe webhooks here: the API server judges) auth comes and goes with its
    accounts, role and annotations."""
    client = kube(DEFAULT_LEVEL)
    ns = client.create_namespace("auth-on-off")
    try:
        for values in ({}, AUTH["created"].values, {}):
            result = upgrade(client, ns, deep_merge({"platform": DEFAULT_LEVEL}, values))
            assert result.returncode == 0, result.stderr
            isvc = client.get("inferenceservice", "my-vllm", ns)
            assert ("security.opendatahub.io/enable-auth" in isvc["metadata"].get("annotations", {})) == bool(values)
    finally:
        client.delete_namespace(ns)
