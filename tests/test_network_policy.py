"""networkPolicy: off by default; on, it guards every model pod of the release and admits the model's
own pods, the release's test pod, the platform's callers and networkPolicy.allowedNamespaces. What
OpenShift AI's callers are is a platform rule (test_openshift_routes_and_monitoring_reach_models_
through_the_namespace_labels_odh_relies_on); that the selectors match the pods KServe makes is shown
in tests/test_kserve.py (assert_network_policy_selects)."""

from __future__ import annotations

import pytest

from tests.harness.render import render
from tests.harness.scenarios import VALID, deep_merge

ROUTER = {"namespaceSelector": {"matchLabels": {"network.openshift.io/policy-group": "ingress"}}}
ON = {"networkPolicy": {"enabled": True, "allowedNamespaces": ["chat-frontend"]}}


def one_per_family() -> list:
    chosen = {}
    for combo in VALID:
        chosen.setdefault((combo.row["openShiftAI"], combo.serverless, combo.multi_node), combo)
    return list(chosen.values())


FAMILIES = one_per_family()


def namespace_names(peer: dict) -> set[str]:
    """The namespaces a peer admits by their kubernetes.io/metadata.name label, either spelling."""
    selector = peer.get("namespaceSelector", {})
    names = {selector.get("matchLabels", {}).get("kubernetes.io/metadata.name")} - {None}
    for expression in selector.get("matchExpressions", []):
        if expression["key"] == "kubernetes.io/metadata.name" and expression["operator"] == "In":
            names |= set(expression["values"])
    return names


def peers(combo) -> list[dict]:
    policy = render(deep_merge(combo.values, ON)).get("NetworkPolicy")
    [rule] = policy["spec"]["ingress"]
    return rule["from"]


@pytest.mark.parametrize("combo", FAMILIES, ids=lambda c: c.id)
def test_the_policy_admits_the_model_the_test_pod_the_platform_and_the_listed_namespaces(combo):
    found = peers(combo)
    own, test = found[0]["podSelector"]["matchLabels"], found[1]["podSelector"]["matchLabels"]
    assert own == {"serving.kserve.io/inferenceservice": "my-vllm"}
    assert test == {"app.kubernetes.io/instance": "my-vllm", "app.kubernetes.io/component": "test"}
    assert namespace_names(found[-1]) == {"chat-frontend"}
    assert (ROUTER in found) == combo.row["openShiftAI"]
    knative = any("knative-serving" in str(peer) for peer in found)
    assert knative == combo.serverless
    if combo.serverless and not combo.row["openShiftAI"]:
        assert {"knative-serving"} in [namespace_names(peer) for peer in found]


@pytest.mark.parametrize("combo", FAMILIES[:1], ids=lambda c: c.id)
def test_the_policy_guards_ingress_only_and_is_off_by_default(combo):
    assert not render(combo.values).has("NetworkPolicy")
    policy = render(deep_merge(combo.values, ON)).get("NetworkPolicy")["spec"]
    assert policy["policyTypes"] == ["Ingress"]
    assert "egress" not in policy


def test_every_family_is_covered():
    assert {(c.row["openShiftAI"], c.serverless) for c in FAMILIES} == {(a, b) for a in (True, False) for b in (True, False)}
