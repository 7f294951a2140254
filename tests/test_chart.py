"""What the chart renders, value by value: each value reaches the object and field that honours it."""

import subprocess
from typing import ClassVar

import pytest
import yaml

from tests.harness import objects
from tests.harness.paths import BIN, CHART
from tests.harness.render import KUBE_VERSION, RELEASE, render
from tests.harness.scenarios import CI_VALUES, TABLE, a_level_where, levels_where, openshift_ai, upstream

CHART_META = yaml.safe_load((CHART / "Chart.yaml").read_text())


@pytest.mark.parametrize("path", CI_VALUES, ids=lambda p: p.name)
def test_ci_scenario_renders_valid_objects(path):
    docs = render(values_files=[path])
    assert docs.has("InferenceService") and docs.has("ServingRuntime")


class TestInventoryAndNames:
    def test_default_install_creates_exactly_the_model_objects_and_the_test_pod(self):
        # the ConfigMap is the one OpenShift writes the service CA into, for `helm test` and the NOTES
        assert render().kinds() == [("ConfigMap", "my-vllm-service-ca"), ("InferenceService", "my-vllm"),
                                    ("Pod", "my-vllm-test-endpoint"), ("ServingRuntime", "my-vllm")]
        upstream_level = levels_where(upstream)[0]
        assert render({"platform": upstream_level}).kinds() == [
            ("InferenceService", "my-vllm"), ("Pod", "my-vllm-test-endpoint"), ("ServingRuntime", "my-vllm")]

    def test_objects_are_named_after_the_release(self):
        docs = render(release="granite")
        assert objects.model_spec(docs, "granite")["runtime"] == "granite"

    def test_fullname_override_names_everything(self):
        docs = render({"fullnameOverride": "llm"})
        assert objects.model_spec(docs, "llm")["runtime"] == objects.runtime(docs, "llm")["metadata"]["name"]

    def test_inference_service_and_runtime_names_are_independent(self):
        docs = render({"inferenceService": {"name": "chat"}, "servingRuntime": {"name": "vllm-gpu"}})
        assert objects.model_spec(docs, "chat")["runtime"] == "vllm-gpu"
        objects.runtime(docs, "vllm-gpu")

    def test_name_override_changes_only_the_name_label(self):
        docs = render({"nameOverride": "llm"})
        assert objects.workload(docs, RELEASE)["metadata"]["labels"]["app.kubernetes.io/name"] == "llm"

    def test_every_object_carries_the_standard_labels_and_its_namespace(self):
        docs = render({"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "a"}]}}}, namespace="team-a")
        workload = objects.workload(docs)
        for doc in docs:
            labels = doc["metadata"]["labels"]
            assert labels["app.kubernetes.io/instance"] == "my-vllm"
            assert labels["app.kubernetes.io/managed-by"] == "Helm"
            if doc is workload:  # its labels reach the pods: none may change with the chart version
                assert "helm.sh/chart" not in labels and "app.kubernetes.io/version" not in labels
            else:
                assert labels["helm.sh/chart"] == f"vllm-kserve-{CHART_META['version']}"
                assert labels["app.kubernetes.io/version"] == CHART_META["appVersion"]
            assert doc["metadata"]["namespace"] == "team-a", doc["kind"]

    def test_long_role_binding_names_are_shortened_without_collisions(self):
        names = ["a" * 60 + "1", "a" * 60 + "2"]
        docs = render({"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": n} for n in names]}}})
        bindings = [d["metadata"]["name"] for d in docs.all("RoleBinding")]
        assert len(set(bindings)) == 2 and all(len(b) <= 63 for b in bindings)

    def test_rendering_is_byte_for_byte_reproducible(self):
        args = [BIN / "helm", "template", "my-vllm", CHART, "--kube-version", KUBE_VERSION,
                "--values", CI_VALUES[0], "--set", "endpoint.auth.enabled=true",
                "--set", "endpoint.auth.serviceAccounts[0].name=" + "b" * 70]
        first, second = (subprocess.run(args, capture_output=True, check=True).stdout for _ in range(2))
        assert first == second


class TestRuntime:
    def test_single_node_runtime_runs_the_openai_server_on_8080(self):
        docs = render()
        runtime = objects.runtime(docs)
        [c] = objects.runtime_containers(runtime)
        assert c["name"] == "kserve-container"
        assert c["command"] == ["python", "-m", "vllm.entrypoints.openai.api_server"]
        assert c["args"] == ["--port=8080", "--model=/mnt/models", "--served-model-name={{.Name}}"]
        assert c["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]
        assert runtime["spec"]["annotations"] == {"prometheus.io/port": "8080", "prometheus.io/path": "/metrics"}
        assert runtime["spec"]["supportedModelFormats"] == [{"name": "vLLM", "autoSelect": False}]
        assert runtime["metadata"]["labels"]["opendatahub.io/dashboard"] == "true"

    def test_served_model_name_override_replaces_the_placeholder(self):
        [c] = objects.runtime_containers(render({"model": {"servedModelName": "granite"}}))
        assert "--served-model-name=granite" in c["args"]

    def test_image_is_the_levels_pinned_image_unless_named(self):
        # the default level's CUDA image (its source: test_platform_rules_images.py)
        pinned = "quay.io/modh/vllm@sha256:d75db59ecfe38287f51b8342851005cdbd879c5c6e8ec75a961a257adf66f9f2"
        [c] = objects.runtime_containers(render())
        assert c["image"] == pinned
        # a tag alone is a tag of the level's repository, and drops the level's digest
        [c] = objects.runtime_containers(render({"image": {"tag": "rhoai-2.22-cuda"}}))
        assert c["image"] == "quay.io/modh/vllm:rhoai-2.22-cuda"
        digest = "sha256:" + "a" * 64
        [c] = objects.runtime_containers(render({"image": {"digest": digest}}))
        assert c["image"] == f"quay.io/modh/vllm@{digest}"
        [c] = objects.runtime_containers(render({"image": {"repository": "example.com/vllm", "tag": "v1", "digest": digest}}))
        assert c["image"] == f"example.com/vllm:v1@{digest}"
        [c] = objects.runtime_containers(render({"image": {"pullPolicy": "Always"}}))
        assert c["imagePullPolicy"] == "Always"

    def test_runtime_version_shown_by_the_dashboard(self):
        annotation = "opendatahub.io/runtime-version"
        # the runtime version of the default level's CUDA template (test_platform_rules_images.py)
        assert objects.runtime(render())["metadata"]["annotations"][annotation] == "v0.9.1.0"
        docs = render({"image": {"runtimeVersionOverride": "0.7.2"}})
        assert objects.runtime(docs)["metadata"]["annotations"][annotation] == "0.7.2"

    @pytest.mark.parametrize("values, size", [
        ({}, "4Gi"),
        ({"resources": {"limits": {"nvidia.com/gpu": "4"}, "requests": {"nvidia.com/gpu": "4"}}}, "10Gi"),
        ({"resources": {"limits": {"nvidia.com/gpu": None}, "requests": {"nvidia.com/gpu": None}}}, "2Gi"),
        ({"servingTopology": "multiNode", "deploymentMode": "RawDeployment", "multiNode": {"tensorParallelSize": 2}}, "14Gi"),
        ({"servingRuntime": {"shmSize": "32Gi"}}, "32Gi"),
        # a quantity without a unit stays a string (found by make fuzz: written bare, it became a
        # number the API server refuses)
        ({"servingRuntime": {"shmSize": "348.4115"}}, "348.4115"),
    ])
    def test_shm_is_memory_backed_and_sized_from_the_accelerators(self, values, size):
        docs = render(values)
        runtime = objects.runtime(docs)["spec"]
        volumes = [runtime["volumes"]] + ([runtime["workerSpec"]["volumes"]] if "workerSpec" in runtime else [])
        for vols in volumes:
            [shm] = [v for v in vols if v["name"] == "shm"]
            assert shm["emptyDir"] == {"medium": "Memory", "sizeLimit": size}
        for c in objects.all_runtime_containers(docs):
            assert {"name": "shm", "mountPath": "/dev/shm"} in c["volumeMounts"]

    def test_caches_point_at_a_writable_empty_dir(self):
        docs = render()
        [c] = objects.runtime_containers(docs)
        env = objects.env_of(c)
        assert {"name": "cache", "mountPath": "/cache"} in c["volumeMounts"]
        assert {"name": "cache", "emptyDir": {}} in objects.runtime(docs)["spec"]["volumes"]
        for variable in ["HOME", "HF_HOME", "XDG_CACHE_HOME", "VLLM_CACHE_ROOT", "TRITON_CACHE_DIR",
                         "NUMBA_CACHE_DIR", "OUTLINES_CACHE_DIR", "TORCHINDUCTOR_CACHE_DIR"]:
            assert env[variable].startswith("/cache"), variable

    def test_containers_run_restricted(self):
        [c] = objects.runtime_containers(render())
        assert c["securityContext"] == {
            "allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
            "runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}

    def test_startup_budget_comes_from_minutes(self):
        [c] = objects.runtime_containers(render({"probes": {"startupMinutes": 45}}))
        startup = c["startupProbe"]
        assert startup["periodSeconds"] * startup["failureThreshold"] == 45 * 60
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert c[probe]["httpGet"] == {"path": "/health", "port": 8080}


class TestMultiNode:
    VALUES: ClassVar[dict] = {"servingTopology": "multiNode", "deploymentMode": "RawDeployment",
                              "multiNode": {"pipelineParallelSize": 4, "tensorParallelSize": 2}}

    def test_runtime_has_a_ray_head_and_one_worker_container(self):
        runtime = objects.runtime(render(self.VALUES), "vllm-multinode-runtime")
        head = objects.runtime_containers(runtime)[0]
        assert head["command"][:2] == ["bash", "-c"] and "--distributed-executor-backend=ray" in head["command"][2]
        assert head["args"] == ["--served-model-name={{.Name}}", "--port=8080"]
        assert runtime["spec"]["workerSpec"]["pipelineParallelSize"] == 4
        assert runtime["spec"]["workerSpec"]["tensorParallelSize"] == 2
        [worker] = objects.worker_containers(runtime)
        assert worker["name"] == "worker-container" and "ray start --address" in worker["command"][2]
        assert runtime["metadata"]["labels"]["opendatahub.io/dashboard"] == "false"

    @pytest.mark.parametrize("platform", levels_where(lambda row: "pvc" in row["multiNode"]["schemes"]
                                                      and row["multiNode"]["backend"] == "ray"))
    def test_ray_tls_only_where_the_platform_provides_certificates(self, platform):
        tls = "1" if TABLE.row(platform)["multiNode"]["rayTLS"] else "0"
        values = {**self.VALUES, "platform": platform, "model": {"uri": "pvc://models/llama"}}
        runtime = objects.runtime(render(values))
        for c in objects.runtime_containers(runtime) + objects.worker_containers(runtime):
            assert objects.env_of(c)["RAY_USE_TLS"] == tls

    def test_worker_env_reaches_the_workers_and_model_env_the_head(self):
        env = [{"name": "NCCL_DEBUG", "value": "INFO"}]
        docs = render({**self.VALUES, "multiNode": {"workerEnv": env}, "model": {"env": [{"name": "HEAD_ONLY", "value": "1"}]}})
        [head] = objects.runtime_containers(docs)
        [worker] = objects.worker_containers(docs)
        # in the runtime, after the chart's own (Ray's first), since KServe puts an InferenceService's env first
        assert objects.env_entries(worker)[-1:] == env and objects.env_entries(worker)[0]["name"] == "RAY_USE_TLS"
        assert objects.env_entries(head)[-1:] == [{"name": "HEAD_ONLY", "value": "1"}]
        assert objects.env_entries(head)[0]["name"] == "RAY_USE_TLS"
        assert "env" not in objects.model_spec(docs)

    def test_every_pod_asks_for_tensor_parallel_gpus_and_keeps_the_placement(self):
        values = {**self.VALUES, "nodeSelector": {"gpu": "h100"}, "imagePullSecrets": ["pull"]}
        predictor = objects.predictor(render(values), RELEASE)
        worker = predictor["workerSpec"]
        for resources in (predictor["model"]["resources"], worker["containers"][0]["resources"]):
            assert resources["limits"]["nvidia.com/gpu"] == resources["requests"]["nvidia.com/gpu"] == "2"
        for field in ("nodeSelector", "tolerations", "imagePullSecrets"):
            assert worker[field] == predictor[field]
        assert "minReplicas" not in predictor and "scaleMetric" not in predictor

    def test_exec_probes_wait_for_every_ray_node(self):
        runtime = objects.runtime(render(self.VALUES))
        head = objects.runtime_containers(runtime)[0]
        worker = objects.worker_containers(runtime)[0]
        assert "PIPELINE_PARALLEL_SIZE" in head["livenessProbe"]["exec"]["command"][2]
        assert "/health" in head["readinessProbe"]["exec"]["command"][2]
        assert "PIPELINE_PARALLEL_SIZE" in worker["startupProbe"]["exec"]["command"][2]


class TestInferenceService:
    def test_pod_fields_on_the_predictor_container_fields_on_the_model(self):
        values = {"nodeSelector": {"gpu": "a100"}, "affinity": {"nodeAffinity": {}}, "imagePullSecrets": [{"name": "p"}],
                  "model": {"args": ["--max-model-len=4096"], "env": [{"name": "A", "value": "b"}]}}
        predictor = objects.predictor(render(values), RELEASE)
        assert predictor["nodeSelector"] == {"gpu": "a100"}
        assert predictor["affinity"] == {"nodeAffinity": {}}
        assert predictor["imagePullSecrets"] == [{"name": "p"}]
        assert predictor["tolerations"] == [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
        model = predictor["model"]
        assert model["args"] == ["--max-model-len=4096"]
        assert model["env"] == [{"name": "A", "value": "b"}]
        assert model["modelFormat"] == {"name": "vLLM"}

    def test_quantities_are_strings_so_gitops_sees_no_drift(self):
        values = {"resources": {"requests": {"cpu": 2, "memory": "8Gi", "nvidia.com/gpu": 1}}}
        requests = objects.model_spec(render(values), RELEASE)["resources"]["requests"]
        assert requests == {"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"}

    def test_serverless_annotations_and_visibility(self):
        metadata = objects.workload(render(), RELEASE)["metadata"]
        for key in ("serving.knative.openshift.io/enablePassthrough", "sidecar.istio.io/inject",
                    "sidecar.istio.io/rewriteAppHTTPProbers"):
            assert metadata["annotations"][key] == "true"
        assert metadata["labels"]["networking.knative.dev/visibility"] == "cluster-local"
        assert metadata["labels"]["opendatahub.io/dashboard"] == "true"
        exposed = objects.workload(render({"endpoint": {"externalRoute": {"enabled": True}}}), RELEASE)
        assert "networking.knative.dev/visibility" not in exposed["metadata"]["labels"]

    @pytest.mark.parametrize("platform, exposed, label", [
        (a_level_where(openshift_ai), True, "exposed"), (a_level_where(openshift_ai), False, None),
        (a_level_where(upstream), True, None), (a_level_where(upstream), False, "cluster-local"),
    ])
    def test_raw_deployment_visibility_follows_the_platform(self, platform, exposed, label):
        values = {"deploymentMode": "RawDeployment", "platform": platform, "endpoint": {"externalRoute": {"enabled": exposed}}}
        assert objects.workload(render(values), RELEASE)["metadata"]["labels"].get("networking.kserve.io/visibility") == label

    def test_display_name(self):
        assert objects.workload(render(), RELEASE)["metadata"]["annotations"]["openshift.io/display-name"] == "my-vllm"
        docs = render({"inferenceService": {"displayName": "Granite chat"}})
        assert objects.workload(docs, RELEASE)["metadata"]["annotations"]["openshift.io/display-name"] == "Granite chat"


class TestScaling:
    def test_serverless_scaling(self):
        predictor = objects.predictor(render({"scaling": {"minReplicas": 0, "maxReplicas": 3, "serverless": {
            "scaleMetric": "concurrency", "scaleTarget": 4, "retentionPeriod": "1h30m"}}}), RELEASE)
        assert (predictor["minReplicas"], predictor["maxReplicas"]) == (0, 3)
        assert (predictor["scaleMetric"], predictor["scaleTarget"]) == ("concurrency", 4)
        assert predictor["annotations"]["autoscaling.knative.dev/scale-to-zero-pod-retention-period"] == "1h30m"
        assert "deploymentStrategy" not in predictor

    @pytest.mark.parametrize("metric", ["cpu", "memory"])
    def test_serverless_cpu_and_memory_select_the_knative_hpa_class(self, metric):
        docs = render({"scaling": {"serverless": {"scaleMetric": metric, "scaleTarget": 70}}})
        annotations = objects.workload(docs, RELEASE)["metadata"]["annotations"]
        assert annotations["autoscaling.knative.dev/class"] == "hpa.autoscaling.knative.dev"
        assert "autoscaling.knative.dev/class" not in objects.workload(render(), RELEASE)["metadata"]["annotations"]

    def test_raw_deployment_hpa_and_strategy(self):
        predictor = objects.predictor(render({"deploymentMode": "RawDeployment", "scaling": {"maxReplicas": 4, "rawDeployment": {
            "scaleMetric": "memory", "scaleTarget": 75,
            "deploymentStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}}}), RELEASE)
        assert (predictor["scaleMetric"], predictor["scaleTarget"], predictor["maxReplicas"]) == ("memory", 75, 4)
        assert predictor["deploymentStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}
        assert "annotations" not in predictor


class TestTestHook:
    def pod(self, values=None, namespace="default"):
        return render(values, namespace=namespace).get("Pod")

    def test_hook_checks_the_in_cluster_endpoint_with_a_pinned_image(self):
        pod = self.pod()
        assert pod["metadata"]["annotations"]["helm.sh/hook"] == "test"
        [c] = pod["spec"]["containers"]
        assert "@sha256:" in c["image"]
        assert objects.env_of(c) == {"URL": "https://my-vllm.default.svc.cluster.local", "MODEL": "my-vllm",
                                     "CA_FILE": "/etc/service-ca/service-ca.crt"}
        assert pod["spec"]["automountServiceAccountToken"] is False

    def test_hook_runs_as_a_non_root_uid_where_no_platform_assigns_one(self):
        """The test image's user is root: on plain Kubernetes runAsNonRoot alone would refuse it."""
        assert "runAsUser" not in self.pod()["spec"]["securityContext"]  # OpenShift assigns one
        for level in levels_where(upstream):
            assert self.pod({"platform": level})["spec"]["securityContext"]["runAsUser"] == 65532
            assert self.pod({"platform": level, "test": {"runAsUser": 1001}})["spec"]["securityContext"]["runAsUser"] == 1001
        assert self.pod({"test": {"runAsUser": 1001}})["spec"]["securityContext"]["runAsUser"] == 1001

    def test_raw_hook_tries_the_service_port_then_the_pod_port_of_a_headless_service(self):
        """KServe's raw Service maps 80 to 8080 when it has a cluster IP; OpenShift AI makes it headless,
        where the name resolves to the pod and only 8080 answers."""
        env = objects.env_of(self.pod({"deploymentMode": "RawDeployment"})["spec"]["containers"][0])
        assert env["URL"].split() == ["http://my-vllm-predictor.default.svc.cluster.local",
                                      "http://my-vllm-predictor.default.svc.cluster.local:8080"]

    def test_hook_calls_with_the_first_local_account_token(self):
        pod = self.pod({"deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": True, "serviceAccounts": [
            {"name": "elsewhere", "namespace": "other"}, {"name": "caller", "create": False}]}}})
        assert pod["spec"]["serviceAccountName"] == "caller"
        env = objects.env_of(pod["spec"]["containers"][0])
        assert env["URL"] == "https://my-vllm-predictor.default.svc.cluster.local:8443"
        assert env["TOKEN_FILE"] == "/var/run/secrets/kubernetes.io/serviceaccount/token"

    def test_hook_without_a_local_account_expects_the_proxys_refusal(self):
        env = objects.env_of(self.pod({"endpoint": {"auth": {"enabled": True}}})["spec"]["containers"][0])
        assert env["REFUSAL_STATUSES"] == "302" and "TOKEN_FILE" not in env  # the default level's oauth-proxy

