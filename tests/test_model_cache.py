"""model.cache: a LocalModelNamespaceCache of the model's URI in the release's namespace, on the
levels with KServe's namespaced cache. Where the level has one is a platform rule
(test_the_namespaced_model_cache_is_where_kserve_ships_it_and_the_platform_can_run_it); that KServe
matches the model to it is tests/test_kserve.py
(test_kserve_matches_the_model_to_the_chart_s_namespaced_cache)."""

from __future__ import annotations

import pytest

from tests.harness import objects
from tests.harness.render import notes, render
from tests.harness.scenarios import levels_where

LEVELS = levels_where(lambda row: row["localModelNamespaceCache"])
URI = "hf://ibm-granite/granite-3.3-2b-instruct"


def cached(level: str, **model) -> dict:
    return {"platform": level, "model": {"uri": URI, "cache": {"enabled": True, "nodeGroup": "gpu-nodes", "size": "20Gi"},
                                         **model}}


@pytest.mark.parametrize("level", LEVELS)
def test_the_cache_holds_the_model_s_own_uri_on_the_node_group(level):
    docs = render(cached(level))
    cache = docs.get("LocalModelNamespaceCache")
    assert cache["metadata"]["namespace"] == "default"
    assert cache["spec"] == {"sourceModelUri": objects.model_spec(docs)["storageUri"], "modelSize": "20Gi",
                             "nodeGroups": ["gpu-nodes"]}


def test_a_new_model_is_a_new_cache_whose_name_fits_a_label():
    """KServe refuses a change of sourceModelUri, so another URI must give another object; the name
    becomes a label value on the InferenceService (63 characters at most)."""
    level = LEVELS[0]
    first = render(cached(level)).get("LocalModelNamespaceCache")["metadata"]["name"]
    other = render(cached(level, uri="hf://ibm-granite/granite-3.3-8b-instruct")).get("LocalModelNamespaceCache")
    assert other["metadata"]["name"] != first
    assert first == render(cached(level)).get("LocalModelNamespaceCache")["metadata"]["name"]
    long = render(cached(level), release="r" * 40 + "-" + "x" * 6).get("LocalModelNamespaceCache")["metadata"]["name"]
    assert len(long) <= 63 and not long.startswith("-")


def test_the_download_account_is_passed_only_when_given():
    level = LEVELS[0]
    assert "serviceAccountName" not in render(cached(level)).get("LocalModelNamespaceCache")["spec"]
    values = cached(level)
    values["model"]["cache"]["serviceAccountName"] = "hf-downloads"
    assert render(values).get("LocalModelNamespaceCache")["spec"]["serviceAccountName"] == "hf-downloads"


def test_no_cache_unless_asked():
    assert not render({"platform": LEVELS[0], "model": {"uri": URI}}).has("LocalModelNamespaceCache")


def test_the_release_that_makes_the_cache_marks_the_model_pending_and_asks_for_one_more_upgrade():
    """Without a cluster to look the cache up in, the cache is new: the InferenceService carries
    vllm-kserve/model-cache=pending, and the notes ask for the upgrade that writes the cache's name
    there, which makes KServe match the model (tests/test_kserve.py shows both steps)."""
    level = LEVELS[0]
    docs = render(cached(level))
    name = docs.get("LocalModelNamespaceCache")["metadata"]["name"]
    assert objects.workload(docs)["metadata"]["annotations"]["vllm-kserve/model-cache"] == "pending"
    assert f"The model cache {name} is new" in notes(cached(level))
    plain = objects.workload(render({"platform": level, "model": {"uri": URI}}))
    assert "vllm-kserve/model-cache" not in plain["metadata"]["annotations"]


def test_the_cache_outlives_the_release():
    cache = render(cached(LEVELS[0])).get("LocalModelNamespaceCache")
    assert cache["metadata"]["annotations"]["helm.sh/resource-policy"] == "keep"
