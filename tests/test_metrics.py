"""metrics.serviceMonitor and metrics.podMonitor: Prometheus Operator monitors of vLLM's /metrics on
upstream KServe, off by default. Why OpenShift AI refuses them is a platform rule
(test_openshift_ai_scrapes_vllm_itself_from_the_runtime_prometheus_annotations); that they select the
Services and pods KServe makes is shown in tests/test_kserve.py (assert_monitors_select)."""

from __future__ import annotations

import pytest

from tests.harness import objects
from tests.harness.render import render
from tests.harness.scenarios import VALID, deep_merge


def upstream_families() -> list:
    chosen = {}
    for combo in VALID:
        if not combo.row["metricsScrapedByPlatform"]:
            chosen.setdefault((combo.serverless, combo.multi_node), combo)
    return list(chosen.values())


FAMILIES = upstream_families()


def test_the_families_cover_every_mode_and_topology_upstream():
    assert {(c.serverless, c.multi_node) for c in FAMILIES} == {(True, False), (False, False), (False, True)}


@pytest.mark.parametrize("combo", FAMILIES, ids=lambda c: c.id)
def test_no_monitor_unless_asked(combo):
    docs = render(combo.values)
    assert not docs.has("ServiceMonitor") and not docs.has("PodMonitor")


@pytest.mark.parametrize("combo", [c for c in FAMILIES if not c.serverless], ids=lambda c: c.id)
def test_the_service_monitor_scrapes_vllm_through_the_predictor_service_and_never_the_headless_one(combo):
    values = deep_merge(combo.values, {"metrics": {"serviceMonitor": {
        "enabled": True, "interval": "15s", "scrapeTimeout": "5s", "labels": {"release": "prometheus"}}}})
    docs = render(values)
    monitor = docs.get("ServiceMonitor")
    name = objects.workload(docs)["metadata"]["name"]
    assert monitor["metadata"]["labels"]["release"] == "prometheus"
    selector = monitor["spec"]["selector"]
    predictor = {"serving.kserve.io/inferenceservice": name, "component": "predictor"}
    assert objects.selects(selector, predictor)
    # KServe labels a multi-node head's headless Service so; it has no ports to scrape
    assert not objects.selects(selector, {**predictor, "multinode/role": "head"})
    assert not objects.selects(selector, {**predictor, "serving.kserve.io/inferenceservice": "another"})
    [endpoint] = monitor["spec"]["endpoints"]
    runtime_port = objects.runtime_containers(docs)[0]["ports"][0]["containerPort"]
    assert endpoint["targetPort"] == runtime_port
    assert endpoint["path"] == objects.runtime(docs)["spec"]["annotations"]["prometheus.io/path"]
    assert (endpoint["interval"], endpoint["scrapeTimeout"]) == ("15s", "5s")


@pytest.mark.parametrize("combo", FAMILIES, ids=lambda c: c.id)
def test_the_pod_monitor_scrapes_vllm_on_every_model_pod(combo):
    docs = render(deep_merge(combo.values, {"metrics": {"podMonitor": {"enabled": True}}}))
    monitor = docs.get("PodMonitor")
    name = objects.workload(docs)["metadata"]["name"]
    assert objects.selects(monitor["spec"]["selector"], {"serving.kserve.io/inferenceservice": name, "component": "predictor"})
    [endpoint] = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["targetPort"] == objects.runtime_containers(docs)[0]["ports"][0]["containerPort"]
    assert endpoint["interval"] == "30s" and "scrapeTimeout" not in endpoint


@pytest.mark.parametrize("labels, expected", [
    ({"release": "p"}, True), ({"release": "p", "tier": "gpu"}, True), ({}, False), ({"release": "q"}, False),
])
def test_selects_reads_match_labels(labels, expected):
    assert objects.selects({"matchLabels": {"release": "p"}}, labels) == expected


@pytest.mark.parametrize("expression, labels, expected", [
    ({"key": "role", "operator": "DoesNotExist"}, {}, True),
    ({"key": "role", "operator": "DoesNotExist"}, {"role": "x"}, False),
    ({"key": "role", "operator": "Exists"}, {"role": "x"}, True),
    ({"key": "role", "operator": "In", "values": ["x"]}, {"role": "y"}, False),
    ({"key": "role", "operator": "NotIn", "values": ["x"]}, {}, True),
])
def test_selects_reads_match_expressions(expression, labels, expected):
    assert objects.selects({"matchExpressions": [expression]}, labels) == expected
