"""The models vLLM loads beside the base model: model.loraAdapters (with maxLoras and maxLoraRank) and
the draft model of model.speculative. Their vLLM flags, and their claims mounted read-only in every
vLLM container of the model. That vLLM's own parser takes the flags and reads
the adapters from the mounted paths is tests/test_vllm.py (test_every_flag_the_chart_can_emit_is_
accepted_by_vllm); that the pods KServe builds carry the claims is tests/test_kserve.py."""

from __future__ import annotations

import json

import pytest

from tests.harness import objects
from tests.harness.render import notes, render
from tests.harness.scenarios import VALID, deep_merge

ADAPTERS = {"model": {"loraAdapters": [{"name": "sql", "uri": "pvc://adapters/granite/sql"},
                                       {"name": "support", "uri": "pvc://adapters/granite/support/"},
                                       {"name": "legal", "uri": "pvc://legal-adapters"}],
                      "maxLoras": 3, "maxLoraRank": 32}}


def families() -> list:
    """One rendering combination per (Serverless, multi-node) whose level can mount claims there."""
    chosen = {}
    for combo in VALID:
        features = (combo.row["modes"]["serverless"] or {}).get("knativeFeatures", [])
        if combo.serverless and "kubernetes.podspec-persistent-volume-claim" not in features:
            continue
        chosen.setdefault((combo.serverless, combo.multi_node), combo)
    return list(chosen.values())


FAMILIES = families()


def test_every_mode_and_topology_is_covered():
    assert {(c.serverless, c.multi_node) for c in FAMILIES} == {(True, False), (False, False), (False, True)}


def vllm_containers(docs) -> list[tuple[dict, dict]]:
    """(pod spec, vLLM container) of the head and, for a multi-node model, the workers."""
    predictor = objects.predictor(docs)
    pods = [(predictor, objects.model_spec(docs))]
    if "workerSpec" in predictor:
        pods.append((predictor["workerSpec"], predictor["workerSpec"]["containers"][0]))
    return pods


@pytest.mark.parametrize("combo", FAMILIES, ids=lambda c: c.id)
def test_adapters_become_vllm_flags_and_read_only_claims_in_every_vllm_container(combo):
    docs = render(deep_merge(combo.values, ADAPTERS))
    args = objects.model_spec(docs)["args"]
    start = args.index("--lora-modules")
    assert args[start - 1] == "--enable-lora"
    assert args[start + 1:start + 4] == ["sql=/mnt/adapters/adapters/granite/sql",
                                         "support=/mnt/adapters/adapters/granite/support",
                                         "legal=/mnt/adapters/legal-adapters"]
    assert {"--max-loras=3", "--max-lora-rank=32"} <= set(args)
    for pod, container in vllm_containers(docs):
        claims = {v["name"]: v["persistentVolumeClaim"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
        assert claims == {"adapters-0": {"claimName": "adapters", "readOnly": True},
                          "adapters-1": {"claimName": "legal-adapters", "readOnly": True}}
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        assert mounts["adapters-0"] == {"name": "adapters-0", "mountPath": "/mnt/adapters/adapters", "readOnly": True}
        assert mounts["adapters-1"]["mountPath"] == "/mnt/adapters/legal-adapters" and mounts["adapters-1"]["readOnly"]


@pytest.mark.parametrize("combo", FAMILIES[:1], ids=lambda c: c.id)
def test_no_adapters_no_lora(combo):
    docs = render(combo.values)
    args = objects.model_spec(docs).get("args", [])
    assert not [a for a in args if "lora" in a]
    assert not [v for v in objects.predictor(docs).get("volumes", []) if v["name"].startswith("adapters-")]


def test_the_notes_name_the_adapters_beside_the_model():
    text = notes(deep_merge({"deploymentMode": "RawDeployment"}, ADAPTERS))
    section = text.split("The LoRA adapters are served beside my-vllm", 1)[1]
    assert [line.strip() for line in section.splitlines()[1:4]] == ["sql", "support", "legal"]


def test_an_existing_runtime_still_gets_the_flags_and_the_claims():
    docs = render(deep_merge({"deploymentMode": "RawDeployment", "servingRuntime": {"useExisting": "vllm-cuda-runtime"}},
                             ADAPTERS))
    assert not docs.has("ServingRuntime")
    assert "--enable-lora" in objects.model_spec(docs)["args"]
    assert [v["name"] for v in objects.predictor(docs)["volumes"]][:2] == ["adapters-0", "adapters-1"]


DRAFT = {"model": {"speculative": {"method": "eagle3", "draftModel": "pvc://drafts/granite-eagle3", "numSpeculativeTokens": 3}}}


@pytest.mark.parametrize("combo", FAMILIES, ids=lambda c: c.id)
def test_a_draft_model_is_mounted_like_an_adapter_and_named_in_the_speculative_config(combo):
    docs = render(deep_merge(combo.values, deep_merge(ADAPTERS, DRAFT)))
    [config] = [a for a in objects.model_spec(docs)["args"] if a.startswith("--speculative-config=")]
    assert json.loads(config.split("=", 1)[1]) == {"method": "eagle3", "num_speculative_tokens": 3,
                                                   "model": "/mnt/adapters/drafts/granite-eagle3"}
    for pod, container in vllm_containers(docs):
        claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
        assert claims["adapters-2"] == "drafts"
        assert {"name": "adapters-2", "mountPath": "/mnt/adapters/drafts", "readOnly": True} in container["volumeMounts"]


def test_ngram_speculation_loads_no_draft_model():
    docs = render({"deploymentMode": "RawDeployment", "model": {"speculative": {"method": "ngram", "numSpeculativeTokens": 4}}})
    assert "--speculative-config={\"method\":\"ngram\",\"num_speculative_tokens\":4}" in objects.model_spec(docs)["args"]
    assert not [v for v in objects.predictor(docs).get("volumes", []) if v["name"].startswith("adapters-")]
