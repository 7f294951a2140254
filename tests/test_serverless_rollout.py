"""Knative's hard concurrency limit and KServe's canary rollout (scaling.serverless.containerConcurrency
and canaryTrafficPercent) reach the predictor on every level with Serverless, where KServe hands them
to the Knative Service; a RawDeployment would ignore them, so there they are refused (bad inputs).
That KServe writes the limit into the Knative Service, and that a first install sends the newest
revision all the traffic, is shown in tests/test_kserve.py."""

from __future__ import annotations

import pytest

from tests.harness import objects
from tests.harness.render import render
from tests.harness.scenarios import PLATFORMS, VALID, deep_merge, levels_where

SERVERLESS = list({c.platform: c for c in VALID if c.serverless and not c.multi_node}.values())
KNOBS = {"scaling": {"serverless": {"containerConcurrency": 16, "canaryTrafficPercent": 25}}}


@pytest.mark.parametrize("combo", SERVERLESS, ids=lambda c: c.platform)
def test_the_limit_and_the_canary_reach_the_predictor(combo):
    predictor = objects.predictor(render(deep_merge(combo.values, KNOBS)))
    assert (predictor["containerConcurrency"], predictor["canaryTrafficPercent"]) == (16, 25)


@pytest.mark.parametrize("combo", SERVERLESS[:1], ids=lambda c: c.platform)
def test_without_them_knative_and_kserve_keep_their_defaults(combo):
    predictor = objects.predictor(render(combo.values))
    assert "containerConcurrency" not in predictor and "canaryTrafficPercent" not in predictor


@pytest.mark.parametrize("combo", SERVERLESS[:1], ids=lambda c: c.platform)
def test_zero_is_written_as_given(combo):
    """0 is Knative's "no limit" and a canary that keeps all the traffic on the old revision: both
    are values, not the absence of one."""
    zero = {"scaling": {"serverless": {"containerConcurrency": 0, "canaryTrafficPercent": 0}}}
    predictor = objects.predictor(render(deep_merge(combo.values, zero)))
    assert (predictor["containerConcurrency"], predictor["canaryTrafficPercent"]) == (0, 0)


def test_every_level_of_the_matrix_with_serverless_is_covered():
    with_knative = [level for level in levels_where(lambda row: row["modes"]["serverless"]) if level in PLATFORMS]
    assert with_knative and sorted(c.platform for c in SERVERLESS) == sorted(with_knative)
