"""Pod metadata and placement: podLabels, podAnnotations, inferenceService.labels/annotations,
priorityClassName, runtimeClassName, schedulerName, topologySpreadConstraints, podSecurityContext
and terminationGracePeriodSeconds reach the fields KServe builds the pods from (the predictor, and
workerSpec for a multi-node model's workers, which KServe builds from workerSpec alone), never fight
a key the chart sets, and are refused where Knative would refuse them. That KServe's controller
carries them onto the pods is shown in tests/test_kserve.py (assert_pod_settings)."""

from __future__ import annotations

import pytest

from tests.harness import objects
from tests.harness.render import render, render_error
from tests.harness.scenarios import MATRIX, TABLE, VALID, deep_merge, levels_where

POD_FIELDS = {
    "priorityClassName": "gpu-serving",
    "runtimeClassName": "nvidia",
    "schedulerName": "gpu-scheduler",
    "topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone",
                                   "whenUnsatisfiable": "ScheduleAnyway",
                                   "labelSelector": {"matchLabels": {"serving.kserve.io/inferenceservice": "my-vllm"}}}],
    "podSecurityContext": {"fsGroupChangePolicy": "OnRootMismatch", "supplementalGroups": [1000]},
    "terminationGracePeriodSeconds": 120,
}
FIELD_IN_POD = {"podSecurityContext": "securityContext"}
METADATA = {"podLabels": {"team": "inference"}, "podAnnotations": {"example.com/owner": "ml-platform"},
            "inferenceService": {"labels": {"cost-center": "ml"}, "annotations": {"argocd.argoproj.io/sync-wave": "2"}}}


def raw_combos(multi_node: bool):
    return [c for c in VALID if c.multi_node == multi_node and not c.serverless]


@pytest.mark.parametrize("combo", raw_combos(False)[:1] + raw_combos(True), ids=lambda c: c.id)
def test_pod_fields_reach_the_predictor_and_the_workers(combo):
    docs = render(deep_merge(combo.values, POD_FIELDS))
    predictor = objects.predictor(docs)
    sources = [predictor] + ([predictor["workerSpec"]] if combo.multi_node else [])
    for source in sources:
        for value, expected in POD_FIELDS.items():
            assert source[FIELD_IN_POD.get(value, value)] == expected, value


@pytest.mark.parametrize("combo", [c for c in VALID if c.platform == VALID[0].platform], ids=lambda c: c.id)
def test_labels_and_annotations_reach_the_inference_service_and_the_predictor(combo):
    docs = render(deep_merge(combo.values, METADATA))
    isvc = objects.workload(docs)
    assert isvc["metadata"]["labels"]["cost-center"] == "ml"
    assert isvc["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "2"
    predictor = objects.predictor(docs)
    assert predictor["labels"] == {"team": "inference"}
    assert predictor["annotations"]["example.com/owner"] == "ml-platform"
    # what the chart itself puts there stays
    default = objects.predictor(render(combo.values))
    for key, value in default.get("annotations", {}).items():
        assert predictor["annotations"][key] == value


def rendered_keys() -> dict[tuple[str, str], dict]:
    """(labels|annotations, key) of every label and annotation the chart writes on the
    InferenceService or the predictor anywhere in the matrix, with values that render it."""
    found = {}
    for combo in MATRIX:
        if combo.refusals():
            continue
        docs = render(combo.values)
        isvc = objects.workload(docs)
        predictor = objects.predictor(docs)
        for kind in ("labels", "annotations"):
            for key in {**isvc["metadata"].get(kind, {}), **predictor.get(kind, {})}:
                found.setdefault((kind, key), combo.values)
    return found


def test_every_key_the_chart_writes_is_refused_in_every_map_of_the_users():
    """The chart's own list of the keys it sets (vllm-kserve.managedMetadata) is complete: each
    label and annotation it renders anywhere in the matrix, given by the user in any of the four
    maps, is refused with a message naming the map and the key."""
    keys = rendered_keys()
    assert len(keys) > 15
    for (kind, key), values in sorted(keys.items()):
        for where in (("inferenceService", kind), ("pod" + kind.capitalize(),)):
            given = {where[0]: {where[1]: {key: "x"}}} if len(where) == 2 else {where[0]: {key: "x"}}
            message = render_error(deep_merge(values, given))
            assert f"{'.'.join(where)} sets {key}, which the chart writes" in message, (where, key)


@pytest.mark.parametrize("key", ["serving.kserve.io/inferenceservice", "component"])
def test_labels_kserve_sets_on_the_pods_are_refused(key):
    assert f"podLabels sets {key}, which the chart writes itself (KServe sets it on the pods" in render_error(
        {"podLabels": {key: "x"}})


SERVERLESS_LEVELS = levels_where(lambda row: row["modes"]["serverless"])
GATED = {"priorityClassName": "kubernetes.podspec-priorityclassname", "runtimeClassName": "kubernetes.podspec-runtimeclassname",
         "schedulerName": "kubernetes.podspec-schedulername",
         "topologySpreadConstraints": "kubernetes.podspec-topologyspreadconstraints",
         "podSecurityContext": "kubernetes.podspec-securitycontext"}


@pytest.mark.parametrize("level", SERVERLESS_LEVELS)
@pytest.mark.parametrize("value", list(GATED))
def test_serverless_takes_a_pod_field_only_where_the_levels_knative_enables_its_flag(level, value):
    values = {"platform": level, "deploymentMode": "Serverless", "endpoint": {"auth": {"enabled": False}},
              value: POD_FIELDS[value]}
    if GATED[value] in TABLE.row(level)["modes"]["serverless"]["knativeFeatures"]:
        assert objects.predictor(render(values))[FIELD_IN_POD.get(value, value)] == POD_FIELDS[value]
    else:
        assert f"{value} is refused by Knative in Serverless mode unless its feature {GATED[value]}" in render_error(values)


@pytest.mark.parametrize("level", SERVERLESS_LEVELS)
def test_serverless_never_takes_a_grace_period(level):
    values = {"platform": level, "deploymentMode": "Serverless", "endpoint": {"auth": {"enabled": False}},
              "terminationGracePeriodSeconds": 60}
    assert "terminationGracePeriodSeconds is refused by Knative in Serverless mode" in render_error(values)


def test_a_pod_uid_of_root_with_run_as_non_root_is_refused_and_the_containers_own_uid_wins():
    raw = {"deploymentMode": "RawDeployment"}
    assert "podSecurityContext.runAsUser=0 with securityContext.runAsNonRoot=true" in render_error(
        {**raw, "podSecurityContext": {"runAsUser": 0}})
    # the container's own runAsUser is what the kubelet checks
    render({**raw, "podSecurityContext": {"runAsUser": 0}, "securityContext": {"runAsUser": 1001}})


@pytest.mark.parametrize("combo", raw_combos(False)[:1] + raw_combos(True)[:1] + [c for c in VALID if c.serverless][:1],
                         ids=lambda c: c.id)
def test_the_model_pods_run_as_their_own_service_account_which_has_no_rights(combo):
    annotations = {"eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/models"}
    docs = render(deep_merge(combo.values, {"serviceAccount": {"create": True, "annotations": annotations}}))
    name = objects.workload(docs)["metadata"]["name"]
    account = docs.get("ServiceAccount", name)
    assert account["metadata"]["annotations"] == annotations
    assert account["metadata"]["labels"]["app.kubernetes.io/component"] == "model-server"
    predictor = objects.predictor(docs)
    for source in [predictor] + ([predictor["workerSpec"]] if combo.multi_node else []):
        assert source["serviceAccountName"] == name
    # the chart binds it to nothing: it is not a caller of the endpoint
    assert not [b for b in docs.all("RoleBinding") if any(s["name"] == name for s in b["subjects"])]


def test_an_existing_account_is_named_and_none_is_made():
    docs = render({"serviceAccount": {"name": "s3-reader"}})
    assert objects.predictor(docs)["serviceAccountName"] == "s3-reader"
    assert not [a for a in docs.all("ServiceAccount") if a["metadata"]["name"] == "s3-reader"]
    assert "serviceAccountName" not in objects.predictor(render())
    named = render({"serviceAccount": {"create": True, "name": "models"}})
    assert objects.predictor(named)["serviceAccountName"] == "models" and named.get("ServiceAccount", "models")
