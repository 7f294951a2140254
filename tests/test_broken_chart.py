"""The harness catches what the API server would silently drop: broken copies of the chart fail."""

import pytest

from tests.harness.broken import broken_copy
from tests.harness.render import SchemaError, render
from tests.harness.scenarios import levels_where

AUTH = {"endpoint": {"auth": {"enabled": True}}}
UPSTREAM = levels_where(lambda row: not row["metricsScrapedByPlatform"])[0]
SERVICE_MONITOR = {"platform": UPSTREAM, "deploymentMode": "RawDeployment", "metrics": {"serviceMonitor": {"enabled": True}}}
POD_MONITOR = {"platform": UPSTREAM, "metrics": {"podMonitor": {"enabled": True}}}

BREAKAGES = [
    # a pod-level field moved into the model container, where KServe's API has no such field
    ("node-selector-in-model-container", "inferenceservice/inferenceservice.yaml", "    model:\n      modelFormat:\n",
     "    model:\n      nodeSelector:\n        gpu: a100\n      modelFormat:\n", "model: Additional properties", AUTH),
    # a misspelled field
    ("misspelled-predictor-field", "inferenceservice/inferenceservice.yaml", "    model:\n", "    minReplica: 1\n    model:\n",
     "'minReplica' was unexpected", AUTH),
    # a runtime container field with the wrong type
    ("port-as-string", "_vllm-container.tpl", "- containerPort: 8080", "- containerPort: http-8080", "containerPort", AUTH),
    # an unknown field on a Kubernetes object
    ("unknown-role-field", "role.yaml", "rules:\n", "rule:\n  - {}\nrules:\n", "'rule' was unexpected", AUTH),
    # a scrape setting on the monitor's spec instead of its endpoint
    ("interval-beside-the-endpoints", "servicemonitor.yaml", "  endpoints:\n", "  interval: 30s\n  endpoints:\n",
     "'interval' was unexpected", SERVICE_MONITOR),
    # a field of a newer Prometheus Operator than the CRD the schemas come from
    ("pod-monitor-port-number", "_metrics.tpl", "- targetPort: 8080", "- portNumber: 8080", "'portNumber' was unexpected",
     POD_MONITOR),
]


@pytest.mark.parametrize("case_id, template, old, new, message, values", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_misplaced_or_unknown_field_fails_the_render(tmp_path, case_id, template, old, new, message, values):
    chart = broken_copy(tmp_path, [(template, old, new)])
    render(values)  # the real chart is fine with these values
    with pytest.raises(SchemaError, match=message):
        render(values, chart=chart)
