"""Helm 4 and Helm 3 render every scenario to the same objects (or refuse it with the same message).

The named ci/ scenarios and the seed's commands (see test_seed_commands) run on both majors; of the
generated matrix, a pairwise sample: every pair of values of any two dimensions, accepted and refused.
"""

import pytest

from tests.harness.render import parse, run_helm_template
from tests.harness.scenarios import CI_VALUES, MATRIX, covering_sample

SAMPLE = covering_sample(MATRIX)
SCENARIOS = [pytest.param({"values_files": [p]}, id=p.name) for p in CI_VALUES] + [
    pytest.param({"values": c.values}, id=c.id) for c in SAMPLE
]


def outcome(helm, scenario):
    _, code, out, err = run_helm_template(helm=helm, **scenario)
    if code:
        # the same rule must fire; helm's own prefix differs between majors
        return "refused", err[err.find("vllm-kserve"):].strip()
    return "rendered", parse(out)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_helm3_renders_what_helm4_renders(scenario):
    assert outcome("helm3", scenario) == outcome("helm", scenario)


def test_the_sample_covers_every_pair_of_values():
    dimensions = ("storage", "accelerator", "topology", "auth", "platform")
    for i, first in enumerate(dimensions):
        for second in dimensions[i + 1:]:
            pairs = {(getattr(c, first), getattr(c, second)) for c in MATRIX}
            assert {(getattr(c, first), getattr(c, second)) for c in SAMPLE} == pairs, (first, second)
    assert {bool(c.refusals()) for c in SAMPLE} == {True, False}
