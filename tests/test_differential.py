"""The platform takes what the chart renders (tests/harness/differential.py): a bounded,
derandomised run of generated value sets, each rendered and then judged by the targeted level's
API server in a strict server-side dry run, behind KServe's webhooks where a controller runs.
`make fuzz` runs the long campaign."""

import os

import pytest
from hypothesis import HealthCheck, example, given, settings

from tests.harness.differential import deliberate_reason, judge, short, values_strategy
from tests.harness.scenarios import DIFFERENTIAL_FINDINGS

pytestmark = pytest.mark.cluster

EXAMPLES = int(os.environ.get("VLLM_KSERVE_DIFFERENTIAL_EXAMPLES", "24"))


def with_findings(test):
    """The shrunk findings of earlier campaigns (scenarios.DIFFERENTIAL_FINDINGS), tried every run."""
    for values in DIFFERENTIAL_FINDINGS:
        test = example(values=values)(test)
    return test


@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
@given(values=values_strategy())
@with_findings
def test_the_platform_takes_what_the_chart_renders_and_refusals_are_deliberate(kube, kserve_controller, values):
    judgement = judge(values, kube)
    assert judgement.direction != "defect", (
        f"the chart renders what {judgement.level}'s API server refuses: {short(judgement.platform_message)}")
    assert judgement.direction != "unexplained", (
        f"the chart refuses what {judgement.level}'s API server takes, for no listed reason: {short(judgement.chart_message)}")


def test_a_refusal_for_no_listed_reason_is_a_finding():
    assert deliberate_reason("vllm-kserve cannot render these values:\n  - x") and not deliberate_reason("template: nil pointer")
