"""KServe in the loop: its own controllers (v0.15.2, v0.17.0 and v0.20.0) and admission webhooks,
running against the local control plane, reconcile what the chart renders into Deployments, HPAs,
multi-node head and worker sets, KEDA ScaledObjects and Knative Services.

Each controller serves the upstream level it is built at (scenarios.controller_levels()), so every
ci/ scenario the chart accepts there is installed there, rendered for that level (authentication, an
OpenShift AI feature, switched off). The 0.17 and 0.20 controllers stand in for OpenShift AI 3.4 and
3.5, whose InferenceService CRDs are upstream's byte for byte.
"""

import json
import re
import time

import pytest
import yaml

from tests.harness import cluster, objects
from tests.harness.kube import is_subset
from tests.harness.render import notes, render, render_error
from tests.harness.scenarios import (
    CI_VALUES,
    CLUSTER_PREREQUISITES,
    TABLE,
    UPSTREAM,
    accepted_upstream,
    controller_levels,
    deep_merge,
    upstream_values,
)

LEVELS = controller_levels()

pytestmark = pytest.mark.cluster

class InLoop(tuple):
    """(client, namespace factory) of a level a KServe controller reconciles, and that level."""

    level: str


@pytest.fixture
def upstream(kube, kserve_controller, request):
    """The API server of a controller's upstream level (the first controller's unless the test
    parametrizes it indirectly), with that controller running, and fresh namespaces there."""
    level = getattr(request, "param", UPSTREAM["platform"])
    cluster.ensure_kserve(TABLE.crd_set_of(level))
    client = kube(level)
    # the scenarios' priority and runtime classes: made once per API server (another worker may race)
    client.kubectl("create", "-f", "-", input=json.dumps({"apiVersion": "v1", "kind": "List", "items": CLUSTER_PREREQUISITES}),
                   check=False)
    for item in CLUSTER_PREREQUISITES:
        client.kubectl("get", item["kind"].lower(), item["metadata"]["name"])
    made = []

    def namespace(prefix, labels=None):
        name = client.create_namespace(prefix)
        made.append(name)
        for key, value in (labels or {}).items():
            client.kubectl("label", "namespace", name, f"{key}={value}")
        return name

    loop = InLoop((client, namespace))
    loop.level = level
    yield loop
    for name in made:
        client.delete_namespace(name)


def wait_for(fetch, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = fetch()
        if found:
            return found
        time.sleep(0.25)
    raise AssertionError(
        f"KServe did not produce {what} within {timeout}s; kserve-manager log:\n{cluster.tail('kserve-manager')}")


def upgrade(client, ns, values, release="my-vllm") -> str:
    """`helm upgrade -i` of the chart with these values; what Helm prints, the notes among it."""
    return client.helm("upgrade", "-i", release, str(CI_VALUES[0].parents[1]), "-n", ns, "-f", "-",
                       input=json.dumps(values)).stdout


def install(client, ns, values, release="my-vllm"):
    upgrade(client, ns, values, release)
    return render(values, namespace=ns, release=release)


def install_scenario(upstream, path):
    """Install a ci/ scenario (rendered for the upstream level) into a fresh namespace that warns on
    anything below the restricted Pod Security level (see assert_restricted):
    (client, namespace, values, rendered documents, InferenceService name, predictor)."""
    client, namespace = upstream
    ns = namespace(path.name[:20], {"pod-security.kubernetes.io/warn": "restricted"})
    values = upstream_values(path, upstream.level)
    docs = install(client, ns, values)
    isvc = objects.workload(docs)
    return client, ns, values, docs, isvc["metadata"]["name"], objects.predictor(isvc)


POD_SPEC_ONLY_IN_KNATIVE = ("containerConcurrency", "timeoutSeconds", "responseStartTimeoutSeconds", "idleTimeoutSeconds")


def assert_restricted(client, ns, pod_spec):
    """The API server's own Pod Security admission, at the restricted level, has nothing to say about
    a pod made from this template (namespace labelled pod-security.kubernetes.io/warn=restricted)."""
    spec = {k: v for k, v in pod_spec.items() if k not in POD_SPEC_ONLY_IN_KNATIVE}
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "template-check", "namespace": ns}, "spec": spec}
    checked = client.kubectl("create", "--dry-run=server", "-f", "-", input=json.dumps(manifest))
    assert "PodSecurity" not in checked.stderr, checked.stderr


POD_SETTINGS = ("serviceAccountName", "priorityClassName", "runtimeClassName", "schedulerName", "topologySpreadConstraints",
                "securityContext", "terminationGracePeriodSeconds")


def assert_pod_settings(deployment, pod_spec_source, values):
    """The pod fields the chart set (in the predictor, or a worker's workerSpec) and the user's
    labels and annotations are on the pods KServe's Deployment makes; so are the user's volumes,
    init containers, and the mounts and env sources of vLLM, and the sidecars beside the head."""
    pod = deployment["spec"]["template"]["spec"]
    for field in POD_SETTINGS:
        if field in pod_spec_source:
            assert pod.get(field) == pod_spec_source[field], field
    worker = pod_spec_source.get("pipelineParallelSize") is not None
    vllm = objects.container(pod, "worker-container" if worker else "kserve-container", kind="containers")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    for volume in values.get("extraVolumes", []):
        assert not is_subset(volume, volumes.get(volume["name"], {})), volume
    for mount in values.get("extraVolumeMounts", []):
        assert not is_subset(mount, next((m for m in vllm["volumeMounts"] if m["mountPath"] == mount["mountPath"]), {})), mount
    assert vllm.get("envFrom", []) == values.get("extraEnvFrom", [])
    # the claims of LoRA adapters, with everything else the InferenceService gives the pod
    for volume in pod_spec_source.get("volumes", []):
        assert not is_subset(volume, volumes.get(volume["name"], {})), volume
    claims = [v["persistentVolumeClaim"]["claimName"] for v in pod_spec_source.get("volumes", [])
              if v["name"].startswith("adapters-")]
    for claim in claims:
        assert {"/mnt/adapters/" + claim} <= {m["mountPath"] for m in vllm["volumeMounts"] if m.get("readOnly")}, claim
    given = [c["name"] for c in values.get("initContainers", [])]
    assert [c["name"] for c in pod.get("initContainers", [])][:len(given)] == given
    names = [c["name"] for c in pod["containers"]]
    for sidecar in values.get("sidecars", []):
        assert (sidecar["name"] in names) != worker, (sidecar["name"], names)
    metadata = deployment["spec"]["template"]["metadata"]
    own = values.get("inferenceService", {})
    for key, value in {**own.get("labels", {}), **values.get("podLabels", {})}.items():
        assert metadata["labels"].get(key) == value, key
    for key, value in {**own.get("annotations", {}), **values.get("podAnnotations", {})}.items():
        assert metadata["annotations"].get(key) == value, key


def assert_network_policy_selects(docs, *deployments):
    """The chart's NetworkPolicy, if the scenario has one, guards every model pod KServe makes (the
    pod templates of its Deployments or its Knative Service), and its first peers admit the model's
    own pods and the release's test pod."""
    if not docs.has("NetworkPolicy"):
        return
    spec = docs.get("NetworkPolicy")["spec"]
    for deployment in deployments:
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert spec["podSelector"]["matchLabels"].items() <= labels.items(), labels
        assert spec["ingress"][0]["from"][0]["podSelector"]["matchLabels"].items() <= labels.items()
    test_pod = next(d for d in docs if d["kind"] == "Pod")
    assert spec["ingress"][0]["from"][1]["podSelector"]["matchLabels"].items() <= test_pod["metadata"]["labels"].items()


def declares_vllm_port(pod_spec: dict) -> bool:
    return any(port.get("containerPort") == 8080 for c in pod_spec["containers"] for port in c.get("ports", []))


def assert_monitors_select(client, ns, docs, *templates):
    """The chart's ServiceMonitor, if the scenario has one, selects exactly one of the Services
    KServe makes, which sends its target port 8080 to the model's pods; its PodMonitor selects every
    model pod, of which those that declare vLLM's port 8080 (a model's, a multi-node head's, never a
    worker's) become targets. `templates` are the pod templates (Deployments or a Knative Service)
    KServe made, the head's first."""
    if docs.has("ServiceMonitor"):
        monitor = docs.get("ServiceMonitor")["spec"]
        [endpoint] = monitor["endpoints"]
        assert monitor["namespaceSelector"]["matchNames"] == [ns]
        services = json.loads(client.kubectl("get", "services", "-n", ns, "-o", "json").stdout)["items"]
        chosen = [s for s in services if objects.selects(monitor["selector"], s["metadata"].get("labels", {}))]
        assert [s["metadata"]["name"] for s in chosen] == [f"{objects.workload(docs)['metadata']['name']}-predictor"], chosen
        [service] = chosen
        assert endpoint["targetPort"] in [p["targetPort"] for p in service["spec"]["ports"]]
        pods = templates[0]["spec"]["template"]
        assert service["spec"]["selector"].items() <= pods["metadata"]["labels"].items()
        assert declares_vllm_port(pods["spec"])
    if docs.has("PodMonitor"):
        monitor = docs.get("PodMonitor")["spec"]
        assert monitor["namespaceSelector"]["matchNames"] == [ns]
        assert monitor["podMetricsEndpoints"][0]["targetPort"] == 8080
        for i, template in enumerate(templates):
            pods = template["spec"]["template"]
            assert objects.selects(monitor["selector"], pods["metadata"]["labels"]), pods["metadata"]["labels"]
            assert declares_vllm_port(pods["spec"]) == (i == 0), (i, pods["spec"]["containers"])


def expected_args(docs, isvc_name):
    runtime = objects.runtime_containers(docs)[0]
    model = objects.model_spec(docs)
    return [a.replace("{{.Name}}", isvc_name) for a in runtime["args"]] + model.get("args", [])


def scenario_kind(path) -> str:
    values = yaml.safe_load(path.read_text())
    if values.get("servingTopology") == "multiNode":
        return "multi"
    if values.get("deploymentMode") not in ("RawDeployment", "Standard"):
        return "serverless"
    return "keda" if values.get("scaling", {}).get("rawDeployment", {}).get("autoscaler") == "keda" else "raw"


# (level, scenario) for every ci/ scenario the chart accepts at each controller's level
CASES = {kind: [pytest.param(level, p, id=f"{level}-{p.name}") for level in LEVELS for p in CI_VALUES
                if accepted_upstream(p, level) and scenario_kind(p) == kind] for kind in ("raw", "multi", "serverless", "keda")}


@pytest.mark.parametrize("level", LEVELS)
def test_every_scenario_has_a_place_in_the_loop(level):
    placed = {p for cases in CASES.values() for case in cases if case.values[0] == level for p in case.values[1:]}
    assert {scenario_kind(p) for p in placed} == {"raw", "multi", "serverless", "keda"}
    assert placed | {p for p in CI_VALUES if not accepted_upstream(p, level)} == set(CI_VALUES)


@pytest.mark.parametrize("upstream, path", CASES["raw"], indirect=["upstream"])
def test_raw_deployment_pod_template_carries_what_the_chart_asked_for(upstream, path):
    client, ns, values, docs, name, predictor = install_scenario(upstream, path)
    deployment = wait_for(lambda: client.get("deployment", f"{name}-predictor", ns), "the predictor Deployment")
    pod = deployment["spec"]["template"]["spec"]
    runtime = objects.runtime(docs)["spec"]
    main = objects.container(pod, "kserve-container", kind="containers")

    rendered = runtime["containers"][0]
    assert main["command"] == rendered["command"]
    assert main["args"] == expected_args(docs, name)
    assert main["resources"] == predictor["model"]["resources"]
    assert main["securityContext"] == values.get("securityContext", rendered["securityContext"])
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        # every field the chart set arrives as set; the API server only fills in the ones it left out
        assert not is_subset(rendered[probe], main[probe]), (probe, main[probe])
    env = objects.env_of(main)
    for entry in rendered.get("env", []) + predictor["model"].get("env", []):
        assert env.get(entry["name"]) == entry.get("value"), entry
    assert env["HOME"] == "/cache" and env["VLLM_CACHE_ROOT"].startswith("/cache")
    for mount in rendered["volumeMounts"]:
        assert mount in main["volumeMounts"], mount
    volumes = {v["name"]: v for v in pod["volumes"]}
    for volume in runtime["volumes"]:
        assert not is_subset(volume, volumes.get(volume["name"], {})), volume
    assert volumes["shm"]["emptyDir"]["medium"] == "Memory" and "emptyDir" in volumes["cache"]
    assert pod.get("tolerations", []) == predictor.get("tolerations", [])
    assert pod.get("nodeSelector", {}) == predictor.get("nodeSelector", {})
    assert pod.get("imagePullSecrets", []) == predictor.get("imagePullSecrets", [])
    assert_pod_settings(deployment, predictor, values)
    assert_network_policy_selects(docs, deployment)
    wait_for(lambda: client.get("service", f"{name}-predictor", ns), "the predictor Service")
    assert_monitors_select(client, ns, docs, deployment)

    assert deployment["spec"]["strategy"]["type"] == predictor["deploymentStrategy"]["type"]

    hpa = wait_for(lambda: client.get("horizontalpodautoscaler", f"{name}-predictor", ns), "the HorizontalPodAutoscaler")
    assert hpa["spec"]["maxReplicas"] == predictor["maxReplicas"]
    assert hpa["spec"]["minReplicas"] == predictor.get("minReplicas", 1)
    [metric] = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == predictor["scaleMetric"]
    if "scaleTarget" in predictor:
        assert metric["resource"]["target"]["averageUtilization"] == predictor["scaleTarget"]

    assert_restricted(client, ns, pod)
    # ... and the check does speak up when a container loosens its settings
    loosened = json.loads(json.dumps(pod))
    objects.container(loosened, "kserve-container", kind="containers")["securityContext"] = {"runAsNonRoot": True}
    with pytest.raises(AssertionError, match=r'would violate PodSecurity \"restricted:latest\"'):
        assert_restricted(client, ns, loosened)


@pytest.mark.parametrize("upstream, path", CASES["multi"], indirect=["upstream"])
def test_multi_node_becomes_a_head_and_workers_with_tensor_parallel_gpus(upstream, path):
    client, ns, values, docs, name, predictor = install_scenario(upstream, path)
    pp, tp = values["multiNode"]["pipelineParallelSize"], values["multiNode"]["tensorParallelSize"]
    head = wait_for(lambda: client.get("deployment", f"{name}-predictor", ns), "the head Deployment")
    worker = wait_for(lambda: client.get("deployment", f"{name}-predictor-worker", ns), "the worker Deployment")
    assert_pod_settings(head, predictor, values)
    assert_pod_settings(worker, predictor["workerSpec"], values)
    assert_network_policy_selects(docs, head, worker)
    wait_for(lambda: client.get("service", f"{name}-predictor", ns), "the predictor Service")
    assert_monitors_select(client, ns, docs, head, worker)
    assert worker["spec"]["replicas"] == pp - 1
    assert head["spec"]["replicas"] == 1
    for deployment, name_ in ((head, "kserve-container"), (worker, "worker-container")):
        c = objects.container(deployment["spec"]["template"]["spec"], name_, kind="containers")
        gpus = {k: v for k, v in c["resources"]["limits"].items() if k not in ("cpu", "memory")}
        assert gpus == {"nvidia.com/gpu": str(tp)}
        env = objects.env_of(c)
        # what the chart's Ray scripts read: the head gets PIPELINE_PARALLEL_SIZE, upstream workers RAY_NODE_COUNT
        assert env.get("PIPELINE_PARALLEL_SIZE", env.get("RAY_NODE_COUNT")) == str(pp)
        assert env["RAY_USE_TLS"] == "0"
        # KServe's merge keeps the runtime's env first, so RAY_USE_TLS leads the first container that
        # has env, as odh-model-controller 2.22 to 2.24 require (test_platform_rules)
        first_with_env = next(x for x in deployment["spec"]["template"]["spec"]["containers"] if x.get("env"))
        assert first_with_env["name"] == name_ and first_with_env["env"][0]["name"] == "RAY_USE_TLS"
        # what the values give each pod's vLLM: model.env the head, multiNode.workerEnv the workers
        given = (values.get("model", {}).get("env", []) if name_ == "kserve-container"
                 else values["multiNode"].get("workerEnv", []))
        for entry in given:
            assert env.get(entry["name"]) == entry["value"], entry
        script = " ".join(c["livenessProbe"]["exec"]["command"])
        assert "${PIPELINE_PARALLEL_SIZE:-${RAY_NODE_COUNT}}" in script
        assert_restricted(client, ns, deployment["spec"]["template"]["spec"])
    assert client.get("horizontalpodautoscaler", f"{name}-predictor", ns) is None
    # the notes' logs and port-forward commands select the head's pods, never a worker's
    selector = re.search(r" -l (\S+) -c kserve-container", notes(values, namespace=ns))[1]
    key, value = selector.split("=")
    assert head["spec"]["template"]["metadata"]["labels"].get(key) == value
    assert worker["spec"]["template"]["metadata"]["labels"].get(key) != value


@pytest.mark.parametrize("upstream, path", CASES["serverless"], indirect=["upstream"])
def test_serverless_becomes_a_knative_service_with_the_scaling_asked_for(upstream, path):
    client, ns, _, docs, name, predictor = install_scenario(upstream, path)
    ksvc = wait_for(lambda: client.get("services.serving.knative.dev", f"{name}-predictor", ns), "the Knative Service")
    template = ksvc["spec"]["template"]
    annotations = template["metadata"]["annotations"]
    assert annotations["autoscaling.knative.dev/min-scale"] == str(predictor["minReplicas"])
    assert annotations["autoscaling.knative.dev/max-scale"] == str(predictor["maxReplicas"])
    assert annotations["autoscaling.knative.dev/metric"] == predictor["scaleMetric"]
    if "scaleTarget" in predictor:
        assert annotations["autoscaling.knative.dev/target"] == str(predictor["scaleTarget"])
    for key, value in predictor.get("annotations", {}).items():
        assert annotations[key] == value  # retention period, progress deadline
    assert template["spec"]["timeoutSeconds"] == predictor["timeout"]
    if "containerConcurrency" in predictor:
        assert template["spec"]["containerConcurrency"] == predictor["containerConcurrency"]
    if "canaryTrafficPercent" in predictor:
        # a first install has no rolled-out revision to keep traffic on: the newest takes it all
        assert [t.get("percent") for t in ksvc["spec"]["traffic"]] == [100]
    main = objects.container(template["spec"], "kserve-container", kind="containers")
    assert main["args"] == expected_args(docs, name)
    assert_network_policy_selects(docs, ksvc)
    assert_monitors_select(client, ns, docs, ksvc)
    assert_restricted(client, ns, template["spec"])


@pytest.mark.parametrize("upstream, path", CASES["keda"], indirect=["upstream"])
def test_keda_autoscaling_becomes_a_scaled_object_instead_of_an_hpa(upstream, path):
    """scaling.rawDeployment.autoscaler=keda: KServe writes a KEDA ScaledObject on the chart's
    Prometheus query, threshold and replica range, and no HorizontalPodAutoscaler."""
    client, ns, values, docs, name, predictor = install_scenario(upstream, path)
    keda = values["scaling"]["rawDeployment"]["keda"]
    [metric] = predictor["autoScaling"]["metrics"]
    scaled = wait_for(lambda: client.get("scaledobjects.keda.sh", f"{name}-predictor", ns), "the KEDA ScaledObject")
    assert scaled["spec"]["scaleTargetRef"]["name"] == f"{name}-predictor"
    assert (scaled["spec"]["minReplicaCount"], scaled["spec"]["maxReplicaCount"]) == (
        values["scaling"]["minReplicas"], values["scaling"]["maxReplicas"])
    [trigger] = scaled["spec"]["triggers"]
    assert trigger["type"] == "prometheus"
    assert trigger["metadata"]["serverAddress"] == keda["serverAddress"]
    assert trigger["metadata"]["query"] == metric["external"]["metric"]["query"]
    assert f'vllm:num_requests_waiting{{namespace="{ns}",model_name="{name}"}}' in trigger["metadata"]["query"]
    assert float(trigger["metadata"]["threshold"]) == float(keda["threshold"])
    assert client.get("horizontalpodautoscaler", f"{name}-predictor", ns) is None
    deployment = wait_for(lambda: client.get("deployment", f"{name}-predictor", ns), "the predictor Deployment")
    wait_for(lambda: client.get("service", f"{name}-predictor", ns), "the predictor Service")
    assert_monitors_select(client, ns, docs, deployment)


@pytest.mark.parametrize("upstream, path", CASES["serverless"][:1], indirect=["upstream"])
def test_a_pod_monitor_finds_vllm_in_the_knative_revision(upstream, path):
    """metrics.podMonitor in Serverless, where no Service reaches vLLM's own port: the PodMonitor
    selects the pods of the Knative Service KServe makes, whose vLLM container declares port 8080."""
    client, namespace = upstream
    ns = namespace("podmonitor")
    values = deep_merge(upstream_values(path, upstream.level), {"metrics": {"podMonitor": {"enabled": True}}})
    docs = install(client, ns, values)
    name = objects.workload(docs)["metadata"]["name"]
    ksvc = wait_for(lambda: client.get("services.serving.knative.dev", f"{name}-predictor", ns), "the Knative Service")
    assert docs.has("PodMonitor")
    assert_monitors_select(client, ns, docs, ksvc)


REFUSED_BY_BOTH = [
    # (id, valid values, edit of the rendered InferenceService that breaks it, the same breakage as
    # values, and the reason KServe's validating webhook gives: its own text in v0.15.2)
    ("multinode-from-s3", {"deploymentMode": "RawDeployment", "servingTopology": "multiNode", "model": {"uri": "pvc://models/m"}},
     lambda isvc: objects.model_spec(isvc).update(storageUri=None, storage={"key": "c", "path": "m"}),
     {"model": {"mode": "s3", "s3": {"key": "c", "path": "m"}}}, "StorageURI must be set for multinode enabled"),
    ("multinode-from-oci-upstream", {"deploymentMode": "RawDeployment", "servingTopology": "multiNode", "model": {"uri": "pvc://models/m"}},
     lambda isvc: objects.model_spec(isvc).update(storageUri="oci://quay.io/models/m:1"),
     {"model": {"uri": "oci://quay.io/models/m:1"}}, "Multinode only supports 'pvc' Storage Protocol(oci)"),
    ("recreate-in-serverless", {}, lambda isvc: objects.predictor(isvc).update(deploymentStrategy={"type": "Recreate"}),
     {"scaling": {"rawDeployment": {"deploymentStrategy": {"type": "Recreate"}}}},
     "customizing deploymentStrategy is only supported for raw deployment mode"),
    ("min-above-max", {"deploymentMode": "RawDeployment"},
     lambda isvc: objects.predictor(isvc).update(minReplicas=3, maxReplicas=2),
     {"scaling": {"minReplicas": 3, "maxReplicas": 2}}, "'MinReplicas' cannot be greater than MaxReplicas"),
    ("multinode-parallel-env", {"deploymentMode": "RawDeployment", "servingTopology": "multiNode", "model": {"uri": "pvc://models/m"}},
     lambda isvc: objects.model_spec(isvc).update(env=[{"name": "TENSOR_PARALLEL_SIZE", "value": "2"}]),
     {"model": {"env": [{"name": "TENSOR_PARALLEL_SIZE", "value": "2"}]}},
     "setting TENSOR_PARALLEL_SIZE in environment variables is not allowed"),
]


@pytest.mark.parametrize("case_id, valid, breakage, bad_values, reason", REFUSED_BY_BOTH, ids=[c[0] for c in REFUSED_BY_BOTH])
def test_kserve_webhook_refuses_what_the_chart_refuses(upstream, case_id, valid, breakage, bad_values, reason):
    client, namespace = upstream
    ns = namespace(case_id)
    good = deep_merge(UPSTREAM, valid)
    render_error(deep_merge(good, bad_values))  # the chart refuses the values
    docs = render(good, namespace=ns)
    for doc in docs:
        if doc["kind"] == "ServingRuntime":
            client.kubectl("create", "-f", "-", input=json.dumps(doc))
    isvc = objects.workload(docs)
    client.kubectl("create", "--dry-run=server", "-f", "-", input=json.dumps(isvc))  # the valid one passes
    breakage(isvc)
    objects.predictor(isvc)["model"] = {k: v for k, v in objects.model_spec(isvc).items() if v is not None}
    refused = client.kubectl("create", "-f", "-", input=json.dumps(isvc), check=False)
    assert refused.returncode != 0 and "denied the request" in refused.stderr and reason in refused.stderr, refused.stderr


@pytest.mark.parametrize("upstream", LEVELS, indirect=True)
def test_webhooks_really_run_on_create(upstream):
    """KServe's defaulter rewrites what it admits, and its validator refuses what the CRD lets through."""
    client, namespace = upstream
    ns = namespace("webhooks")
    isvc = {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "metadata": {"name": "bare", "namespace": ns},
            "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}, "storageUri": "pvc://models/m"}}}}
    client.kubectl("create", "-f", "-", input=json.dumps(isvc))
    stored = client.get("inferenceservice", "bare", ns)
    # the defaulter's round trip through KServe's Go types adds the fields they always carry
    assert objects.model_spec(stored)["resources"] == {} and "name" in objects.model_spec(stored)
    isvc["metadata"].update(name="bogus-class", annotations={"serving.kserve.io/autoscalerClass": "bogus"})
    refused = client.kubectl("create", "-f", "-", input=json.dumps(isvc), check=False)
    assert "[bogus] is not a supported autoscaler class type" in refused.stderr


@pytest.mark.parametrize("upstream", LEVELS, indirect=True)
def test_the_kserve_manager_listens_on_loopback_only(upstream):
    binary = cluster.controller_for(TABLE.crd_set_of(upstream.level)).binary
    addresses = cluster.listening_addresses([cluster.read_state()["pids"][binary]])
    assert addresses and all(a.startswith("127.0.0.1:") for a in addresses), addresses



def pods_of(client, ns, name, count=1):
    def found():
        pods = json.loads(client.kubectl("get", "pods", "-n", ns, "-l", f"serving.kserve.io/inferenceservice={name}",
                                         "-o", "json").stdout)["items"]
        return pods if len(pods) >= count else None
    return wait_for(found, f"pods of {name}")


def test_pods_from_a_pvc_pass_restricted_admission_after_kserve_mutates_them(upstream):
    """With enforce=restricted, the API server would refuse a violating pod: the ReplicaSet makes one."""
    client, namespace = upstream
    ns = namespace("enforce-restricted", {"pod-security.kubernetes.io/enforce": "restricted"})
    install(client, ns, deep_merge(UPSTREAM, {"deploymentMode": "RawDeployment", "model": {"uri": "pvc://models/granite"}}))
    [pod] = pods_of(client, ns, "my-vllm")
    main = objects.container(pod["spec"], "kserve-container", kind="containers")
    assert main["securityContext"]["allowPrivilegeEscalation"] is False
    expected_mount = {"name": "kserve-pvc-source", "mountPath": "/mnt/models", "readOnly": True, "subPath": "granite"}
    assert expected_mount in main["volumeMounts"]


def test_kserve_modelcar_injection_replaces_the_container_security_context(upstream):
    """A known KServe 0.15.2 behaviour, recorded so a change is noticed: when inferenceservice-config
    sets storageInitializer.uidModelcar (upstream's default does, 1010), the pod webhook replaces the
    model container's securityContext with {runAsUser: uid} (pkg/webhook/admission/pod/
    storage_initializer_injector.go, line 172), so OCI-modelcar pods fall out of the restricted level."""
    client, namespace = upstream
    ns = namespace("modelcar-mutation")
    install(client, ns, deep_merge(UPSTREAM, {"deploymentMode": "RawDeployment"}))
    [pod] = pods_of(client, ns, "my-vllm")
    config = json.loads(client.get("configmap", "inferenceservice-config", "kserve")["data"]["storageInitializer"])
    main = objects.container(pod["spec"], "kserve-container", kind="containers")
    assert main["securityContext"] == {"runAsUser": config["uidModelcar"]}
    assert [c["name"] for c in pod["spec"]["containers"]] == ["kserve-container", "modelcar"]
    assert pod["spec"]["shareProcessNamespace"] is True


def test_the_hugging_face_token_reaches_the_storage_initializer_and_only_it(upstream):
    """KServe downloads hf:// models in its storage-initializer init container, whose environment
    comes from the storage Secret, not from the model container."""
    client, namespace = upstream
    ns = namespace("hf-token")
    client.kubectl("create", "secret", "generic", "hf-token", "-n", ns, "--from-literal=HF_TOKEN=hf_not_a_real_token")
    install(client, ns, deep_merge(UPSTREAM, {"deploymentMode": "RawDeployment", "model": {
        "uri": "hf://ibm-granite/granite-3.3-2b-instruct", "huggingFace": {"tokenSecret": {"name": "hf-token"}}}}))
    [pod] = pods_of(client, ns, "my-vllm")
    initializer = objects.container(pod["spec"], "storage-initializer", kind="initContainers")
    assert initializer["args"][0] == "hf://ibm-granite/granite-3.3-2b-instruct"
    assert {"name": "HF_TOKEN", "value": "hf_not_a_real_token"} in initializer["env"]
    assert "HF_TOKEN" not in objects.env_of(objects.container(pod["spec"], "kserve-container", kind="containers"))


def test_s3_on_upstream_kserve_reads_the_named_entry_of_storage_config(upstream):
    """Upstream has no data-connection controller: model.s3.key names an entry of Secret storage-config
    (README, S3), and KServe hands that entry to the storage initializer and points it at bucket/path."""
    client, namespace = upstream
    ns = namespace("s3-upstream")
    connection = {"type": "s3", "access_key_id": "a", "secret_access_key": "b", "endpoint_url": "https://s3.example.com",
                  "bucket": "my-bucket", "region": "us-east-1"}
    client.kubectl("create", "secret", "generic", "storage-config", "-n", ns,
                   f"--from-literal=my-s3-connection={json.dumps(connection)}")
    install(client, ns, deep_merge(UPSTREAM, {"deploymentMode": "RawDeployment", "model": {
        "mode": "s3", "s3": {"key": "my-s3-connection", "path": "models/granite"}}}))
    [pod] = pods_of(client, ns, "my-vllm")
    initializer = objects.container(pod["spec"], "storage-initializer", kind="initContainers")
    assert initializer["args"][0] == "s3://my-bucket/models/granite"
    config = next(e for e in initializer["env"] if e["name"] == "STORAGE_CONFIG")
    assert config["valueFrom"]["secretKeyRef"] == {"name": "storage-config", "key": "my-s3-connection"}


def test_knative_serving_crds_stand_beside_kserve(upstream):
    client, _ = upstream
    names = client.kubectl("get", "crd", "-o", "name").stdout.split()
    for kind in ("services", "configurations", "revisions", "routes"):
        assert f"customresourcedefinition.apiextensions.k8s.io/{kind}.serving.knative.dev" in names, kind


# KServe forms multi-node pods for vLLM's multiprocessing backend from v0.18.0 (the runtime's
# multinode/executor-backend annotation, kserve/kserve@v0.18.0:pkg/constants/constants.go:692).
MP_SINCE = (0, 18)


def loop_level_of(level: str) -> str | None:
    """The controller level that stands in for `level`: the one on its CRD set, or on the set its
    reference CRDs stand on (OpenShift AI 3.5's, byte-identical to upstream 0.20's)."""
    crd_set = TABLE.crd_set_of(level)
    module_set = TABLE.module_set_of(crd_set)
    return next((loop for loop in LEVELS if TABLE.crd_set_of(loop) == module_set), None)


def kserve_version(loop: str) -> tuple[int, ...]:
    return tuple(int(n) for n in TABLE.crd_sets[TABLE.crd_set_of(loop)]["module"][1:].split(".")[:2])


# OpenShift AI levels on mp, on the upstream controller they stand on; upstream levels that offer it
MP_LOOP = [pytest.param(loop_level_of(level), level, id=f"{level}-on-{loop_level_of(level)}") for level in TABLE.levels
           if "mp" in TABLE.row(level)["multiNode"]["backends"] and loop_level_of(level)
           and kserve_version(loop_level_of(level)) >= MP_SINCE]


def test_an_mp_level_has_a_controller_in_the_loop():
    assert MP_LOOP


@pytest.mark.parametrize("upstream, level", MP_LOOP, indirect=["upstream"])
def test_multi_node_on_the_multiprocessing_backend_becomes_pipeline_parallel_pods(upstream, level):
    """An OpenShift AI level on vLLM's multiprocessing backend, installed on the upstream KServe it
    stands on: KServe makes one head and pipelineParallelSize-1 workers with tensorParallelSize GPUs
    each, gives them the head and worker Service names the chart's scripts use, and no Ray."""
    client, namespace = upstream
    ns = namespace("mp")
    values = {"platform": level, "servingTopology": "multiNode", "deploymentMode": "Standard",
              "model": {"uri": "pvc://models/granite", "args": ["--max-model-len=4096"],
                        "speculative": {"method": "ngram", "numSpeculativeTokens": 3}},
              "multiNode": {"pipelineParallelSize": 3, "tensorParallelSize": 2, "backend": "mp"}}
    docs = install(client, ns, values)
    assert objects.runtime(docs)["spec"]["annotations"]["multinode/executor-backend"] == "mp"
    head = wait_for(lambda: client.get("deployment", "my-vllm-predictor", ns), "the head Deployment")
    worker = wait_for(lambda: client.get("deployment", "my-vllm-predictor-worker", ns), "the worker Deployment")
    assert (head["spec"]["replicas"], worker["spec"]["replicas"]) == (1, 2)
    for deployment, container in ((head, "kserve-container"), (worker, "worker-container")):
        c = objects.container(deployment["spec"]["template"]["spec"], container, kind="containers")
        assert {k: v for k, v in c["resources"]["limits"].items() if k not in ("cpu", "memory")} == {"nvidia.com/gpu": "2"}
        env = objects.env_of(c)
        assert (env["PIPELINE_PARALLEL_SIZE"], env["TENSOR_PARALLEL_SIZE"]) == ("3", "2")
        assert "RAY_USE_TLS" not in env and "RAY_ADDRESS" not in env  # KServe's own RAY_NODE_COUNT may stay
        assert_restricted(client, ns, deployment["spec"]["template"]["spec"])
    worker_env = objects.env_of(objects.container(worker["spec"]["template"]["spec"], "worker-container", kind="containers"))
    assert worker_env["HEAD_SVC"] and worker_env["WORKER_SVC"]  # what the worker script joins and ranks by
    # each worker is a headless vLLM of its own, given the engine settings the head has
    worker_args = objects.container(worker["spec"]["template"]["spec"], "worker-container", kind="containers")["args"]
    assert worker_args == objects.predictor(docs)["workerSpec"]["containers"][0]["args"]
    assert worker_args[0] == "--headless" and {"--max-model-len=4096", *expected_args(docs, "my-vllm")[-2:]} <= set(worker_args)
    head_env = objects.env_of(objects.container(head["spec"]["template"]["spec"], "kserve-container", kind="containers"))
    assert head_env["MODEL_DIR"] == "/mnt/models"


# levels with KServe's namespaced model cache, on the controller they stand on
CACHE_LOOP = [pytest.param(loop_level_of(level), level, id=f"{level}-on-{loop_level_of(level)}") for level in TABLE.levels
              if TABLE.row(level)["localModelNamespaceCache"] and loop_level_of(level)]


def test_a_cache_level_has_a_controller_in_the_loop():
    assert CACHE_LOOP


@pytest.mark.parametrize("upstream, level", CACHE_LOOP, indirect=["upstream"])
def test_kserve_matches_the_model_to_the_chart_s_namespaced_cache(upstream, level):
    """model.cache on a level with KServe's LocalModelNamespaceCache, the local model cache turned
    on as an administrator does. KServe's defaulter matches a model to a cache by URI when the
    InferenceService is written, and Helm writes it before the cache; so the release that makes the
    cache marks the InferenceService pending and its notes ask for one more upgrade, which writes the
    cache's name there: KServe then labels the InferenceService with the cache and the
    PersistentVolumeClaim of its node group, from which the pods read the model. The same holds
    when the cache is turned on for a running release. A release of another model in the namespace,
    whose URI the cached one begins with, is left alone."""
    client, namespace = upstream
    ns = namespace("cache")
    uri = "hf://ibm-granite/granite-3.3-2b-instruct"
    plain = {"platform": level, "deploymentMode": TABLE.row(level)["modes"]["raw"]["writes"], "model": {"uri": uri}}
    cached = deep_merge(plain, {"model": {"cache": {"enabled": True, "nodeGroup": "gpu-nodes", "size": "20Gi"}}})

    def matched(release="my-vllm") -> str | None:
        labels = client.get("inferenceservice", release, ns)["metadata"].get("labels", {})
        return labels.get("internal.serving.kserve.io/localmodel")

    install(client, ns, plain)
    first = upgrade(client, ns, cached)  # the cache is turned on for a running release
    cache = client.get("localmodelnamespacecaches.serving.kserve.io", render(cached, namespace=ns)
                       .get("LocalModelNamespaceCache")["metadata"]["name"], ns)
    assert cache["spec"]["sourceModelUri"] == uri
    name = cache["metadata"]["name"]
    assert f"The model cache {name} is new" in first and "run this helm upgrade once more" in first
    assert client.get("inferenceservice", "my-vllm", ns)["metadata"]["annotations"]["vllm-kserve/model-cache"] == "pending"
    second = upgrade(client, ns, cached)
    assert "is new" not in second
    isvc = client.get("inferenceservice", "my-vllm", ns)
    assert isvc["metadata"]["annotations"]["vllm-kserve/model-cache"] == name
    assert matched() == name
    assert isvc["metadata"]["annotations"]["internal.serving.kserve.io/localmodel-pvc-name"] == f"{name}-gpu-nodes"
    # another model, whose URI the cached one is a prefix of, is not taken for it
    upgrade(client, ns, deep_merge(plain, {"model": {"uri": uri + "-gguf"}}), release="other")
    assert matched("other") is None
