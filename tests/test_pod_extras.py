"""What users add to the model pods: extraVolumes, extraVolumeMounts, extraEnvFrom, initContainers
and sidecars, the probes' timing, the disruption budget and extraObjects. Each reaches the field
KServe builds the pods from, in every topology where it applies: the predictor for the pod that
serves the API, workerSpec for a multi-node model's workers (KServe builds them from workerSpec
alone), the chart's ServingRuntime for sidecars (the one place every level keeps them). That KServe's
controller carries them onto the pods is shown in tests/test_kserve.py (assert_pod_settings)."""

from __future__ import annotations

import re

import pytest
import yaml

from tests.harness import objects
from tests.harness.broken import broken_copy
from tests.harness.paths import ROOT
from tests.harness.render import render
from tests.harness.scenarios import VALID, deep_merge

EXTRAS = {
    "extraVolumes": [{"name": "adapters", "persistentVolumeClaim": {"claimName": "lora-adapters"}},
                     {"name": "ca-bundle", "configMap": {"name": "odh-trusted-ca-bundle"}}],
    "extraVolumeMounts": [{"name": "adapters", "mountPath": "/mnt/adapters", "readOnly": True},
                          {"name": "ca-bundle", "mountPath": "/etc/pki/ca-trust/extracted/pem", "readOnly": True}],
    "extraEnvFrom": [{"configMapRef": {"name": "vllm-tuning"}}, {"secretRef": {"name": "nccl"}, "prefix": "NCCL_"}],
    "initContainers": [{"name": "fetch", "image": "registry.access.redhat.com/ubi9/ubi-minimal:9.6", "command": ["true"]}],
    "sidecars": [{"name": "log-shipper", "image": "registry.access.redhat.com/ubi9/ubi-minimal:9.6",
                  "command": ["sleep", "infinity"]}],
}


def one_per_kind() -> list:
    """A combination of each topology and multi-node backend, on levels with and without Knative."""
    chosen = {}
    for combo in VALID:
        key = (combo.topology, combo.row["multiNode"]["backend"] if combo.multi_node else None)
        chosen.setdefault(key, combo)
    return list(chosen.values())


KINDS = one_per_kind()


def serverless_safe(combo, extras: dict) -> dict:
    """The extras a Serverless model may have: no init containers, only volumes Knative admits."""
    if not combo.serverless:
        return extras
    return {**extras, "initContainers": [],
            "extraVolumes": [v for v in extras["extraVolumes"] if "configMap" in v],
            "extraVolumeMounts": [m for m in extras["extraVolumeMounts"] if m["name"] == "ca-bundle"]}


def extras_problems(docs, combo, extras: dict) -> list[str]:
    """Where the rendered objects do not give the user's extras to the pods they belong in."""
    problems = []
    predictor = objects.predictor(docs)
    pods = [("predictor", predictor, predictor["model"])]
    if combo.multi_node:
        worker = predictor.get("workerSpec", {})
        [container] = worker.get("containers", [{}]) or [{}]
        pods.append(("workerSpec", worker, container))
    for where, pod, vllm in pods:
        volumes = {v["name"]: v for v in pod.get("volumes", [])}
        problems += [f"{where}: volume {v['name']}" for v in extras["extraVolumes"] if volumes.get(v["name"]) != v]
        mounts = vllm.get("volumeMounts", [])
        problems += [f"{where}: mount {m['mountPath']}" for m in extras["extraVolumeMounts"] if m not in mounts]
        if vllm.get("envFrom", []) != extras["extraEnvFrom"]:
            problems.append(f"{where}: envFrom {vllm.get('envFrom')}")
        if [c["name"] for c in pod.get("initContainers", [])] != [c["name"] for c in extras["initContainers"]]:
            problems.append(f"{where}: initContainers {pod.get('initContainers')}")
    containers = [c["name"] for c in objects.runtime_containers(docs)]
    if containers != ["kserve-container", *(c["name"] for c in extras["sidecars"])]:
        problems.append(f"runtime containers {containers}")
    if combo.multi_node and [c["name"] for c in objects.worker_containers(docs)] != ["worker-container"]:
        problems.append("a sidecar in the worker pods, which KServe allows one container")
    return problems


@pytest.mark.parametrize("combo", KINDS, ids=lambda c: c.id)
def test_extras_reach_every_model_pod_they_belong_in(combo):
    extras = serverless_safe(combo, EXTRAS)
    docs = render(deep_merge(combo.values, extras))
    assert not extras_problems(docs, combo, extras)


def test_the_extras_check_finds_a_worker_left_without_them(tmp_path):
    [combo] = [c for c in KINDS if c.multi_node][:1]
    chart = broken_copy(tmp_path, [("inferenceservice/inferenceservice.yaml",
                                    '{{- with include "vllm-kserve.podVolumes" (dict "root" . "role" "worker") | trim }}',
                                    '{{- with "" }}')])
    docs = render(deep_merge(combo.values, EXTRAS), chart=chart)
    assert any(p.startswith("workerSpec: volume") for p in extras_problems(docs, combo, EXTRAS))


@pytest.mark.parametrize("combo", KINDS, ids=lambda c: c.id)
def test_extras_leave_the_chart_s_own_volumes_and_mounts_in_place(combo):
    extras = serverless_safe(combo, EXTRAS)
    plain, extended = render(combo.values), render(deep_merge(combo.values, extras))
    assert objects.runtime(extended)["spec"]["volumes"] == objects.runtime(plain)["spec"]["volumes"]
    assert objects.runtime_containers(extended)[0] == objects.runtime_containers(plain)[0]


def test_user_containers_get_the_chart_s_security_context_unless_they_set_their_own():
    combo = next(c for c in KINDS if c.topology != "serverless" and not c.multi_node)
    own = {"runAsNonRoot": True, "allowPrivilegeEscalation": False}
    docs = render(deep_merge(combo.values, {
        "sidecars": [{"name": "plain", "image": "busybox"}, {"name": "own", "image": "busybox", "securityContext": own}],
        "initContainers": [{"name": "init", "image": "busybox"}],
        "securityContext": {"runAsNonRoot": True, "readOnlyRootFilesystem": True}}))
    runtime = objects.runtime(docs)["spec"]
    vllm = objects.container(runtime, "kserve-container")["securityContext"]
    assert vllm["readOnlyRootFilesystem"] is True
    assert objects.container(runtime, "plain")["securityContext"] == vllm
    assert objects.container(runtime, "own")["securityContext"] == own
    assert objects.container(objects.predictor(docs), "init")["securityContext"] == vllm


PROBE_VALUES = {"readiness": {"periodSeconds": 21, "timeoutSeconds": 7, "failureThreshold": 4},
                "liveness": {"periodSeconds": 41, "timeoutSeconds": 13, "failureThreshold": 9}}


@pytest.mark.parametrize("combo", [c for c in KINDS if c.topology != "serverless"] + [next(c for c in KINDS if c.serverless)],
                         ids=lambda c: c.id)
def test_probe_settings_tune_each_check_and_leave_the_startup_budget(combo):
    plain = objects.all_runtime_containers(render(combo.values))
    tuned = objects.all_runtime_containers(render(deep_merge(combo.values, {"probes": PROBE_VALUES})))
    for before, after in zip(plain, tuned, strict=True):
        assert after["startupProbe"] == before["startupProbe"]
        for kind, settings in PROBE_VALUES.items():
            probe = f"{kind}Probe"
            assert (probe in after) == (probe in before)
            if probe in before:
                assert after[probe] == {**before[probe], **settings}, (after["name"], probe)


def test_one_probe_setting_changes_that_setting_alone():
    combo = KINDS[0]
    before = objects.runtime_containers(render(combo.values))[0]
    after = objects.runtime_containers(render(deep_merge(combo.values, {"probes": {"liveness": {"timeoutSeconds": 3}}})))[0]
    assert after["livenessProbe"] == {**before["livenessProbe"], "timeoutSeconds": 3}
    assert after["readinessProbe"] == before["readinessProbe"]


RAW = next(c for c in KINDS if c.topology != "serverless" and not c.multi_node)


@pytest.mark.parametrize("budget, spec", [
    ({}, {"maxUnavailable": 1}),
    ({"maxUnavailable": 2}, {"maxUnavailable": 2}),
    ({"maxUnavailable": "25%"}, {"maxUnavailable": "25%"}),
    ({"minAvailable": 1}, {"minAvailable": 1}),
    ({"minAvailable": "50%"}, {"minAvailable": "50%"}),
])
def test_the_disruption_budget_takes_max_unavailable_or_min_available(budget, spec):
    docs = render(deep_merge(RAW.values, {"podDisruptionBudget": {"enabled": True, **budget}}))
    pdb = docs.get("PodDisruptionBudget")["spec"]
    assert {k: v for k, v in pdb.items() if k != "selector"} == spec


def test_extra_objects_are_templates_rendered_with_the_release():
    docs = render(deep_merge(RAW.values, {"extraObjects": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "{{ .Release.Name }}-tuning"},
         "data": {"MODEL": "{{ include \"vllm-kserve.servedModelName\" . }}"}},
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-{{ .Release.Namespace }}\n"]}), release="chat")
    tuning = docs.get("ConfigMap", "chat-tuning")
    assert tuning["data"] == {"MODEL": "chat"}
    assert docs.has("ConfigMap", "notes-default")


def test_the_readme_extra_objects_example_deploys_what_it_shows():
    readme = (ROOT / "charts" / "vllm-kserve" / "README.md").read_text()
    [example] = re.findall(r"^```yaml extra-objects-values.yaml\n(.*?)^```", readme, re.S | re.M)
    docs = render(deep_merge(RAW.values, yaml.safe_load(example)), release="my-vllm")
    assert docs.get("ConfigMap", "my-vllm-tuning")["data"] == {"VLLM_LOGGING_LEVEL": "INFO"}
