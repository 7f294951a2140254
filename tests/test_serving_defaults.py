"""Production-grade serving defaults: startup budgets, pod security, one timeout, the KServe level,
tool calling, Hugging Face models and operations."""


import pytest
import yaml

from tests.harness import objects
from tests.harness.paths import CHART
from tests.harness.render import render, render_error
from tests.harness.scenarios import ACCELERATORS, TABLE, a_level_where, deep_merge, levels_where

RAW = {"deploymentMode": "RawDeployment"}
MULTI = {"deploymentMode": "RawDeployment", "servingTopology": "multiNode"}


class TestStartup:
    @pytest.mark.parametrize("minutes", [5, 30, 90])
    def test_startup_budget_and_knative_progress_deadline_follow_the_minutes(self, minutes):
        docs = render({"probes": {"startupMinutes": minutes}})
        [c] = objects.all_runtime_containers(docs)
        assert c["startupProbe"]["periodSeconds"] * c["startupProbe"]["failureThreshold"] == minutes * 60
        annotations = objects.predictor(docs)["annotations"]
        assert annotations["serving.knative.dev/progress-deadline"] == f"{minutes + 10}m"

    def test_liveness_cannot_fire_while_the_model_loads(self):
        """Kubernetes runs liveness only after the startup probe succeeded; the budget also outlasts
        what liveness would tolerate, so a slow load never looks like a dead server."""
        for values in ({}, MULTI):
            for c in objects.all_runtime_containers(render(values)):
                startup, liveness = c["startupProbe"], c["livenessProbe"]
                budget = startup["periodSeconds"] * startup["failureThreshold"]
                assert budget > liveness["periodSeconds"] * liveness["failureThreshold"]

    def test_raw_deployments_carry_no_knative_annotations(self):
        assert "annotations" not in objects.predictor(render(RAW))


# Kubernetes' "restricted" Pod Security Standard, rule by rule (pod-security-admission, v1.27+).
RESTRICTED_VOLUME_TYPES = {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                           "projected", "secret"}


def restricted_violations(pod_spec: dict) -> list[str]:
    pod_sc = pod_spec.get("securityContext", {})
    containers = pod_spec.get("containers", []) + pod_spec.get("initContainers", [])
    problems = [f"host namespaces: {key}" for key in ("hostNetwork", "hostPID", "hostIPC") if pod_spec.get(key)]
    for volume in pod_spec.get("volumes", []):
        kinds = set(volume) - {"name"}
        if not kinds <= RESTRICTED_VOLUME_TYPES:
            problems.append(f"volume types: {volume['name']} uses {kinds}")
    for c in containers:
        sc = c.get("securityContext", {})
        name = c["name"]
        if sc.get("privileged"):
            problems.append(f"privileged: {name}")
        if any(p.get("hostPort") for p in c.get("ports", [])):
            problems.append(f"host ports: {name}")
        if sc.get("allowPrivilegeEscalation") is not False:
            problems.append(f"privilege escalation: {name} must set allowPrivilegeEscalation=false")
        caps = sc.get("capabilities", {})
        if "ALL" not in caps.get("drop", []):
            problems.append(f"capabilities: {name} must drop ALL")
        if set(caps.get("add", [])) - {"NET_BIND_SERVICE"}:
            problems.append(f"capabilities: {name} adds {caps['add']}")
        if not sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")):
            problems.append(f"running as non-root: {name}")
        if sc.get("runAsUser", pod_sc.get("runAsUser")) == 0:
            problems.append(f"running as non-root user: {name} runs as UID 0")
        seccomp = sc.get("seccompProfile", pod_sc.get("seccompProfile", {})).get("type")
        if seccomp not in ("RuntimeDefault", "Localhost"):
            problems.append(f"seccomp: {name} has {seccomp}")
        if sc.get("procMount", "Default") != "Default":
            problems.append(f"/proc mount type: {name}")
        selinux = sc.get("seLinuxOptions", {}).get("type", "")
        if selinux not in ("", "container_t", "container_init_t", "container_kvm_t"):
            problems.append(f"SELinux: {name}")
    return problems


def model_pod_specs(docs) -> list[dict]:
    """The pod specs KServe builds: runtime containers with the InferenceService's pod fields."""
    runtime = objects.runtime(docs)["spec"]
    predictor = objects.predictor(docs)
    pods = [{"containers": runtime["containers"], "volumes": runtime.get("volumes", []) + predictor.get("volumes", [])}]
    if "workerSpec" in runtime:
        pods.append({"containers": runtime["workerSpec"]["containers"], "volumes": runtime["workerSpec"].get("volumes", [])})
    return pods


class TestPodSecurity:
    @pytest.mark.parametrize("values", [{}, RAW, MULTI, {"model": {"chatTemplate": "{{ messages }}"}}],
                             ids=["serverless", "raw", "multinode", "chat-template"])
    def test_model_pods_pass_the_restricted_pod_security_standard(self, values):
        for pod in model_pod_specs(render(values)):
            assert restricted_violations(pod) == []

    def test_the_test_pod_passes_the_restricted_pod_security_standard(self):
        assert restricted_violations(render().get("Pod")["spec"]) == []

    def test_the_rule_checker_catches_each_rule(self):
        bad = {"hostNetwork": True, "volumes": [{"name": "h", "hostPath": {"path": "/"}}],
               "containers": [{"name": "c", "securityContext": {"privileged": True, "runAsUser": 0,
                                                                "capabilities": {"add": ["SYS_ADMIN"]}},
                               "ports": [{"containerPort": 80, "hostPort": 80}]}]}
        found = " ".join(restricted_violations(bad))
        for rule in ("host namespaces", "volume types", "privileged", "host ports", "privilege escalation",
                     "capabilities", "running as non-root", "seccomp"):
            assert rule in found, rule

    def test_no_fixed_user_or_group(self):
        for c in objects.all_runtime_containers(render(MULTI)):
            assert not {"runAsUser", "runAsGroup"} & set(c["securityContext"])


# What Knative accepts in a Serverless revision without extra feature flags (knative serving
# pkg/apis/serving/fieldmask.go), plus the pod features OpenShift AI enables.
KNATIVE_CONTAINER_FIELDS = {"name", "args", "command", "env", "workingDir", "envFrom", "image", "imagePullPolicy",
                            "livenessProbe", "ports", "readinessProbe", "resources", "securityContext", "startupProbe",
                            "terminationMessagePath", "terminationMessagePolicy", "volumeMounts"}
KNATIVE_SECURITY_FIELDS = {"capabilities", "readOnlyRootFilesystem", "runAsUser", "runAsGroup", "runAsNonRoot",
                           "allowPrivilegeEscalation", "seccompProfile"}
KNATIVE_PREDICTOR_POD_FIELDS = {"tolerations", "nodeSelector", "affinity", "imagePullSecrets", "volumes"}


def test_serverless_renders_only_what_knative_accepts():
    docs = render({"model": {"chatTemplate": "x", "env": [{"name": "A", "value": "b"}]}, "nodeSelector": {"a": "b"},
                   "imagePullSecrets": ["p"], "affinity": {"nodeAffinity": {}}})
    runtime = objects.runtime(docs)["spec"]
    predictor = objects.predictor(docs)
    containers = runtime["containers"] + [predictor["model"]]
    for c in containers:
        fields = set(c) - {"modelFormat", "runtime", "storageUri", "storage"}
        assert fields <= KNATIVE_CONTAINER_FIELDS, fields - KNATIVE_CONTAINER_FIELDS
        assert set(c.get("securityContext", {})) <= KNATIVE_SECURITY_FIELDS
        assert not c.get("securityContext", {}).get("capabilities", {}).get("add")
        for env in c.get("env", []):
            assert not {"fieldRef", "resourceFieldRef"} & set(env.get("valueFrom", {}))
        for port in c.get("ports", []):
            assert port.get("name", "") in ("", "h2c", "http1")
    pod_fields = set(predictor) - {"model", "minReplicas", "maxReplicas", "scaleMetric", "scaleTarget", "timeout", "annotations"}
    assert pod_fields <= KNATIVE_PREDICTOR_POD_FIELDS, pod_fields - KNATIVE_PREDICTOR_POD_FIELDS
    assert "securityContext" not in runtime
    for volume in runtime["volumes"] + predictor["volumes"]:
        assert set(volume) - {"name"} <= {"emptyDir", "configMap", "secret", "projected"}


def test_serverless_keeps_the_security_settings_knative_allows():
    """The chart refuses the rest in Serverless mode (see the bad inputs); these must still get through.
    Knative also keeps `privileged`, but only when it is false."""
    wanted = {"readOnlyRootFilesystem": True, "runAsGroup": 1001, "privileged": False,
              "capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}
    for c in objects.runtime_containers(render({"securityContext": wanted})):
        assert wanted.items() <= c["securityContext"].items()
        assert set(c["securityContext"]) <= KNATIVE_SECURITY_FIELDS | {"privileged"}


class TestTimeout:
    @pytest.mark.parametrize("mode", ["Serverless", "RawDeployment"])
    def test_one_knob_sets_the_predictor_and_route_timeouts(self, mode):
        # past Knative's default limit of 600 s, which the cluster in this example was raised above
        docs = render({"deploymentMode": mode, "endpoint": {"timeoutSeconds": 1800, "knativeMaxTimeoutSeconds": 3600}})
        assert objects.predictor(docs)["timeout"] == 1800
        assert objects.workload(docs)["metadata"]["annotations"]["haproxy.router.openshift.io/timeout"] == "1800s"

    def test_only_serverless_is_held_to_knatives_limit(self):
        raw = render({"deploymentMode": "RawDeployment", "endpoint": {"timeoutSeconds": 1800}})
        assert objects.predictor(raw)["timeout"] == 1800
        assert "endpoint.timeoutSeconds=601" in render_error({"endpoint": {"timeoutSeconds": 601}})
        assert objects.predictor(render({"endpoint": {"timeoutSeconds": 600}}))["timeout"] == 600

    def test_default_outlasts_the_thirty_second_route_default(self):
        assert objects.predictor(render())["timeout"] >= 300


class TestPlatformLevels:
    @pytest.mark.parametrize("platform", levels_where(lambda row: row["modes"]["serverless"]))
    @pytest.mark.parametrize("spelling", ["Serverless", "Knative", "RawDeployment", "Standard"])
    def test_both_spellings_are_accepted_and_rendered_as_the_level_names_them(self, platform, spelling):
        modes = TABLE.row(platform)["modes"]
        docs = render({"platform": platform, "deploymentMode": spelling})
        mode = objects.workload(docs)["metadata"]["annotations"]["serving.kserve.io/deploymentMode"]
        assert mode == modes["serverless" if spelling in ("Serverless", "Knative") else "raw"]["writes"]

    @pytest.mark.parametrize("platform", levels_where(lambda row: "oci" in row["multiNode"]["schemes"]))
    def test_multi_node_autoscaler_class_per_level(self, platform):
        docs = render({**MULTI, "platform": platform})
        autoscaler = TABLE.row(platform)["multiNode"]["autoscalerClass"]
        assert objects.workload(docs)["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == autoscaler

    def test_keda_only_where_the_level_has_it(self):
        keda = {**RAW, "scaling": {"maxReplicas": 4, "rawDeployment": {"autoscaler": "keda", "keda": {
            "serverAddress": "https://thanos-querier.openshift-monitoring.svc.cluster.local:9092"}}}}
        docs = render({**keda, "platform": a_level_where(lambda row: row["keda"] and row["openShiftAI"])})
        predictor = objects.predictor(docs)
        assert objects.workload(docs)["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "keda"
        [metric] = predictor["autoScaling"]["metrics"]
        assert metric["external"]["metric"]["query"] == 'sum(vllm:num_requests_waiting{namespace="default",model_name="my-vllm"})'
        assert metric["external"]["target"] == {"type": "Value", "value": "4"}
        assert "scaleMetric" not in predictor
        without = a_level_where(lambda row: not row["keda"])
        assert f"{TABLE.row(without)['title']} prunes spec.predictor.autoScaling" in render_error({**keda, "platform": without})

    def test_hugging_face_models_on_upstream_levels_with_a_secret_token(self):
        values = {"platform": a_level_where(lambda row: row["storage"]["hf"]), "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct",
                                                        "huggingFace": {"tokenSecret": {"name": "hf-token"}}}}
        rendered = objects.workload(render(values))
        model = objects.model_spec(rendered)
        assert model["storageUri"] == "hf://ibm-granite/granite-3.3-2b-instruct"
        # the downloader gets the Secret (KServe's storage-secret annotation); vLLM never sees the token
        assert rendered["metadata"]["annotations"]["serving.kserve.io/storageSecretName"] == "hf-token"
        assert "env" not in model
        without = a_level_where(lambda row: not row["storage"]["hf"])
        refused = render_error({**values, "platform": without})
        assert 'model.uri "hf://ibm-granite/granite-3.3-2b-instruct"' in refused and f"platform={without}" in refused


class TestToolCallingAndChatTemplates:
    @pytest.mark.parametrize("preset, parser", [("granite", "granite"), ("hermes", "hermes"), ("llama3", "llama3_json"),
                                                ("mistral", "mistral"), ("qwen", "hermes")])
    def test_preset_adds_the_family_parser_before_user_args(self, preset, parser):
        docs = render({"model": {"toolCalling": {"preset": preset}, "args": ["--max-model-len=8192"]}})
        args = objects.model_spec(docs)["args"]
        assert args == ["--enable-auto-tool-choice", f"--tool-call-parser={parser}", "--max-model-len=8192"]

    def test_chat_template_is_stored_mounted_and_passed(self):
        template = "{% for m in messages %}{{ m['content'] }}{% endfor %}"
        docs = render({"model": {"chatTemplate": template}})
        config = docs.get("ConfigMap", "my-vllm-chat-template")
        predictor = objects.predictor(docs)
        assert config["data"] == {"template.jinja": template}
        assert predictor["volumes"] == [{"name": "chat-template", "configMap": {"name": "my-vllm-chat-template"}}]
        [mount] = predictor["model"]["volumeMounts"]
        assert (mount["name"], mount["readOnly"]) == ("chat-template", True)
        assert f"--chat-template={mount['mountPath']}/template.jinja" in predictor["model"]["args"]


class TestOperations:
    def test_stopped_parks_the_model(self):
        stopped = objects.workload(render({"scaling": {"stopped": True}}))
        assert stopped["metadata"]["annotations"]["serving.kserve.io/stop"] == "true"
        assert "serving.kserve.io/stop" not in objects.workload(render())["metadata"]["annotations"]

    def test_use_existing_runtime_renders_none_and_names_it(self):
        docs = render({"servingRuntime": {"useExisting": "vllm-cuda-runtime"}, "model": {"servedModelName": "granite"}})
        assert not docs.has("ServingRuntime")
        model = objects.model_spec(docs)
        assert model["runtime"] == "vllm-cuda-runtime"
        assert model["args"] == ["--served-model-name=granite"]

    def test_pod_disruption_budget_selects_the_model_pods(self):
        pdb = render({**RAW, "scaling": {"maxReplicas": 3}, "podDisruptionBudget": {"enabled": True}}).get("PodDisruptionBudget")
        assert pdb["spec"] == {"maxUnavailable": 1, "selector": {"matchLabels": {
            "serving.kserve.io/inferenceservice": "my-vllm", "component": "predictor"}}}
        assert "needs deploymentMode=RawDeployment" in render_error({"podDisruptionBudget": {"enabled": True}})

    def test_registry_override_rewrites_every_image_and_the_modelcar(self):
        for values in ({"imageRegistry": "mirror.example.com:5000"}, {"global": {"imageRegistry": "mirror.example.com:5000"}}):
            docs = render(values)
            assert objects.all_runtime_containers(docs)[0]["image"].startswith("mirror.example.com:5000/modh/vllm@sha256:")
            test_pod_image = docs.get("Pod")["spec"]["containers"][0]["image"]
            assert test_pod_image.startswith("mirror.example.com:5000/ubi9/ubi-minimal:9.6@sha256:")
            assert objects.model_spec(docs)["storageUri"].startswith("oci://mirror.example.com:5000/redhat-ai-services/")

    def test_artifact_hub_lists_every_image_the_chart_can_deploy(self):
        chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
        listed = {entry["image"] for entry in yaml.safe_load(chart["annotations"]["artifacthub.io/images"])}
        rendered = set()
        for level in TABLE.levels:
            for accelerator in ACCELERATORS.values():
                docs = render(deep_merge({"platform": level, "deploymentMode": "RawDeployment"}, accelerator.values))
                rendered.add(objects.all_runtime_containers(docs)[0]["image"])
                rendered.add(docs.get("Pod")["spec"]["containers"][0]["image"])
                rendered.add(objects.model_spec(docs)["storageUri"].removeprefix("oci://"))
        assert rendered <= listed, rendered - listed


class TestExistingRuntime:
    def test_values_the_existing_runtime_makes_moot_are_refused_only_when_set(self):
        """securityContext and probes.startupMinutes have defaults, so the chart tells the user's
        values from values.yaml's: the defaults pass with an existing runtime, any change is refused."""
        values = yaml.safe_load((CHART / "values.yaml").read_text())
        existing = {"servingRuntime": {"useExisting": "shared"}}
        assert objects.model_spec(render(deep_merge(existing, {"securityContext": values["securityContext"],
                                                               "probes": values["probes"]})))["runtime"] == "shared"
        changed = deep_merge(values["securityContext"], {"capabilities": {"drop": ["ALL", "NET_RAW"]}})
        assert "securityContext would be ignored" in render_error(deep_merge(existing, {"securityContext": changed}))
        minutes = values["probes"]["startupMinutes"] + 1
        assert "probes.startupMinutes would be ignored" in render_error(
            deep_merge(existing, {"probes": {"startupMinutes": minutes}}))
