"""The table of deliberate refusals (tests/harness/differential.py): what the chart refuses though
the platform would take it, each for a stated reason. Every schema refusal and every topic rule has
its row, every line a rule writes is traced to its topic, and every row is exercised by a bad input
(or, for the rules that read the live cluster, by a test against the control plane)."""

from __future__ import annotations

import re

import pytest

from tests import test_lifecycle, test_upgrade_paths
from tests.harness.bad_inputs import BAD_INPUTS
from tests.harness.differential import DELIBERATE, TOPIC_REASONS, deliberate_reason, rule_formats, rule_topics
from tests.harness.paths import CHART
from tests.harness.render import render_error

# Rules that read the live cluster (Helm's lookup and API discovery), which `helm template` offline
# never runs: the control-plane test that exercises each.
ON_A_CLUSTER = {
    "cluster": test_lifecycle.test_a_cluster_that_contradicts_the_level_is_refused,
    "upgrade": test_upgrade_paths.test_an_upgrade_succeeds_or_the_chart_refuses_it_first,
}


@pytest.fixture(scope="module")
def refusals() -> dict[str, str]:
    return {b.id: render_error(b.values, b.sets, release=b.release, namespace=b.namespace) for b in BAD_INPUTS}


def test_every_topic_the_chart_gathers_has_a_reason():
    gathered = re.search(r'range \$topic := list ((?:"\w+" ?)+)', (CHART / "templates" / "validate.yaml").read_text())
    topics = re.findall(r'"(\w+)"', gathered.group(1))
    assert set(topics) == set(TOPIC_REASONS) == set(rule_formats())
    assert all(reason.strip() for reason in TOPIC_REASONS.values())


def test_every_line_a_rule_writes_is_traced_to_one_topic(refusals):
    ruled = {case: message for case, message in refusals.items() if "cannot render these values" in message}
    assert len(ruled) > 60
    untraced = [case for case, message in ruled.items() if rule_topics(message) is None]
    assert not untraced


def test_every_row_is_exercised(refusals):
    traced = {topic for message in refusals.values() for topic in (rule_topics(message) or [])}
    assert set(TOPIC_REASONS) - traced == set(ON_A_CLUSTER)
    schema_refusals = [m for m in refusals.values() if "cannot render these values" not in m]
    for name, pattern, _ in DELIBERATE:
        assert any(re.search(pattern, m) for m in schema_refusals), f"no bad input is refused as {name}"
    assert all(deliberate_reason(m) for m in refusals.values())


def test_a_line_no_rule_writes_is_a_finding():
    assert deliberate_reason("vllm-kserve cannot render these values:\n  - a message no rule has") is None
    security = "securityContext.runAsUser=0 with securityContext.runAsNonRoot=true: the kubelet refuses to start it"
    assert deliberate_reason(f"vllm-kserve cannot render these values:\n  - {security}\n") is None
    assert deliberate_reason("template: vllm-kserve/templates/x.yaml: nil pointer evaluating") is None
