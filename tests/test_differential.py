"""The platform takes what the chart renders (tests/harness/differential.py): a bounded,
derandomised run of generated value sets, each rendered and then judged by the targeted level's
API server in a strict server-side dry run, behind KServe's webhooks where a controller runs.
`make fuzz` runs the long campaign."""

import json
import os

import pytest
from hypothesis import HealthCheck, example, given, settings

from tests.harness.differential import judge, short, values_strategy
from tests.harness.kserve_controller import ensure_kserve
from tests.harness.render import render_error
from tests.harness.scenarios import DIFFERENTIAL_FINDINGS, TABLE, VALID, controller_levels, deep_merge

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


@pytest.mark.parametrize("limit", ["2", None], ids=["differs", "missing"])
def test_pods_whose_gpu_request_is_not_their_limit_are_refused_by_the_api_server_and_first_by_the_chart(kube, limit):
    """The API server takes the InferenceService but not the pods KServe would make from it: the
    rule the chart's validation/_resources.tpl encodes (kubernetes@v1.36.3
    pkg/apis/core/validation/validation.go:7973-7983, ValidateResourceRequirements)."""
    limits = {"nvidia.com/gpu": limit} if limit else {}
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "gpu-check", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "example.com/vllm:1",
                                    "resources": {"requests": {"nvidia.com/gpu": "1"}, "limits": limits}}]}}
    checked = kube().kubectl("create", "--dry-run=server", "-f", "-", input=json.dumps(pod), check=False)
    assert checked.returncode != 0 and ("must be equal to nvidia.com/gpu limit" in checked.stderr
                                        or "Limit must be set" in checked.stderr), checked.stderr
    assert "cannot overcommit nvidia.com/gpu" in render_error(
        {"resources": {"requests": {"nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": limit}}})


@pytest.mark.parametrize("level", controller_levels())
def test_multi_node_resources_kserve_does_not_know_are_refused_by_its_webhook_and_first_by_the_chart(
        kube, kserve_controller, level):
    """KServe refuses a multi-node InferenceService whose pods ask for a resource other than cpu,
    memory, storage, ephemeral-storage and its GPU types (kserve@v0.15.2..v0.20.0
    pkg/apis/serving/v1beta1/inference_service_validation.go, validateMultiNodeVariables; OpenShift
    AI's fork in tests/test_platform_rules.py): the rule the chart's validation/_topology.tpl encodes."""
    ensure_kserve(TABLE.crd_set_of(level))
    combo = next(c for c in VALID if c.multi_node and not c.row["openShiftAI"])
    hugepages = {"hugepages-2Mi": "1Gi"}
    values = deep_merge(combo.values, {"platform": level, "resources": {"limits": hugepages, "requests": hugepages}})
    judgement = judge(values, kube)
    assert not judgement.chart_renders and "KServe refuses a multi-node model" in judgement.chart_message
    assert judgement.platform_accepts is False and "Unknown GPU resource type" in judgement.platform_message, (
        judgement.platform_message)
