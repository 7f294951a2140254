"""The harness catches what the API server would silently drop: broken copies of the chart fail."""

import pytest

from tests.harness.broken import broken_copy
from tests.harness.render import SchemaError, render

BREAKAGES = [
    # a pod-level field moved into the model container, where KServe's API has no such field
    ("node-selector-in-model-container", "inferenceservice/inferenceservice.yaml", "    model:\n      modelFormat:\n",
     "    model:\n      nodeSelector:\n        gpu: a100\n      modelFormat:\n", "model: Additional properties"),
    # a misspelled field
    ("misspelled-predictor-field", "inferenceservice/inferenceservice.yaml", "    model:\n", "    minReplica: 1\n    model:\n",
     "'minReplica' was unexpected"),
    # a runtime container field with the wrong type
    ("port-as-string", "_vllm-container.tpl", "- containerPort: 8080", "- containerPort: http-8080", "containerPort"),
    # an unknown field on a Kubernetes object
    ("unknown-role-field", "role.yaml", "rules:\n", "rule:\n  - {}\nrules:\n", "'rule' was unexpected"),
]


@pytest.mark.parametrize("case_id, template, old, new, message", BREAKAGES, ids=[b[0] for b in BREAKAGES])
def test_a_misplaced_or_unknown_field_fails_the_render(tmp_path, case_id, template, old, new, message):
    chart = broken_copy(tmp_path, [(template, old, new)])
    values = {"endpoint": {"auth": {"enabled": True}}}
    render(values)  # the real chart is fine with these values
    with pytest.raises(SchemaError, match=message):
        render(values, chart=chart)
