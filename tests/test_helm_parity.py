"""Helm 4 and Helm 3 render every scenario to the same objects (or refuse it with the same message):
the named ci/ scenarios and a pairwise subset of the generated matrix (every two choices, the level
among them, accepted and refused; see scenarios.PARITY); the seed's commands run on both majors in
test_seed_commands."""

import itertools

import pytest

from tests.harness.render import parse, run_helm_template
from tests.harness.scenarios import CI_VALUES, MATRIX, PARITY, pair_key

SCENARIOS = [pytest.param({"values_files": [p]}, id=p.name) for p in CI_VALUES] + [
    pytest.param({"values": c.values}, id=c.id) for c in PARITY
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



def pairs(rows: set[tuple]) -> set[tuple]:
    return {((i, row[i]), (j, row[j])) for row in rows for i, j in itertools.combinations(range(len(row)), 2)}


def test_the_parity_subset_holds_every_two_choices_and_every_refusal_of_the_matrix():
    everything, chosen = {pair_key(c) for c in MATRIX}, {pair_key(c) for c in PARITY}
    assert pairs(chosen) == pairs(everything) and len(chosen) < len(everything) / 4
    assert {r for c in PARITY for r in c.refusals()} == {r for c in MATRIX for r in c.refusals()}
    # the check finds a gap: some combination of the subset holds a pair no other one does
    assert any(pairs(chosen - {row}) != pairs(everything) for row in chosen)
