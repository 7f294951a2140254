"""Helm 4 and Helm 3 render every scenario to the same objects (or refuse it with the same message):
the named ci/ scenarios and every combination of the generated matrix, accepted and refused; the
seed's commands run on both majors in test_seed_commands."""

import pytest

from tests.harness.render import parse, run_helm_template
from tests.harness.scenarios import CI_VALUES, MATRIX

SCENARIOS = [pytest.param({"values_files": [p]}, id=p.name) for p in CI_VALUES] + [
    pytest.param({"values": c.values}, id=c.id) for c in MATRIX
]


def outcome(helm, scenario):
    _, code, out, err = run_helm_template(helm=helm, **scenario)
    if code:
        # the same rule must fire; helm's own prefix differs between majors
        return "refused", err[err.find("vllm-kserve"):].strip()
    return "rendered", out


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_helm3_renders_what_helm4_renders(scenario):
    three, four = outcome("helm3", scenario), outcome("helm", scenario)
    if three != four and three[0] == four[0] == "rendered":
        # the same objects may still be written differently: compare them parsed
        three, four = parse(three[1]), parse(four[1])
    assert three == four

