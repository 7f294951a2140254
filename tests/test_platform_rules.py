"""Platform rules: what each level's own controllers do, which the chart depends on and the harness
cannot run (OpenShift AI's KServe fork and odh-model-controller are not served as Go modules).

Each rule is a test whose docstring states the rule and cites its source as
`repository@branch:path`, and which checks the row of the platform table
(charts/vllm-kserve/files/platforms.yaml) that encodes it, and the render that follows from the row.
When a platform changes, the rule here and its row in the table are the one place to edit.
"""

from __future__ import annotations

import re

import pytest

from tests.harness import objects, schemas
from tests.harness.broken import broken_copy
from tests.harness.hook import answering, run_hook_script, tls_folder
from tests.harness.render import notes, render, render_error
from tests.harness.scenarios import TABLE, deep_merge, levels_where

OPENSHIFT_AI_2_2X = ["rhoai-2.22", "rhoai-2.23", "rhoai-2.24", "rhoai-2.25"]
UPSTREAM = ["kserve-0.15", "kserve-0.16"]
MULTI_NODE = {"deploymentMode": "RawDeployment", "servingTopology": "multiNode",
              "model": {"uri": "pvc://models/granite"}}


def row(level: str) -> dict:
    return TABLE.row(level)


def test_every_rule_names_levels_of_the_table():
    assert set(OPENSHIFT_AI_2_2X + UPSTREAM) <= set(TABLE.levels)


def test_openshift_ai_2_22_takes_multi_node_only_with_the_external_autoscaler():
    """OpenShift AI 2.22's KServe accepts a multi-node InferenceService only with the annotation
    serving.kserve.io/autoscalerClass=external ("Multinode only supports 'external' autoscaler").
    Source: red-hat-data-services/kserve@rhoai-2.22:pkg/apis/serving/v1beta1/inference_service_validation.go
    (validateMultiNodeVariables)."""
    assert row("rhoai-2.22")["multiNode"]["autoscalerClass"] == "external"
    isvc = objects.workload(render({**MULTI_NODE, "platform": "rhoai-2.22"}))
    assert isvc["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "external"


@pytest.mark.parametrize("level", ["rhoai-2.23", "rhoai-2.24", "rhoai-2.25", *UPSTREAM])
def test_kserve_0_15_and_later_take_multi_node_only_with_autoscaler_none(level):
    """From the 0.15.2 base (OpenShift AI 2.23 to 2.25, upstream 0.15 and 0.16) the same validation
    requires serving.kserve.io/autoscalerClass=none for multi-node.
    Source: red-hat-data-services/kserve@rhoai-2.23:pkg/apis/serving/v1beta1/inference_service_validation.go,
    kserve/kserve@v0.15.2: same file."""
    assert row(level)["multiNode"]["autoscalerClass"] == "none"


@pytest.mark.parametrize("level", levels_where(lambda r: r["openShiftAI"] and r["multiNode"]))
def test_openshift_ai_refuses_multi_node_resources_other_than_its_gpu_types(level):
    """OpenShift AI's KServe refuses a multi-node InferenceService whose head or worker asks for a
    resource other than cpu, memory, storage, ephemeral-storage, nvidia.com/gpu, amd.com/gpu,
    intel.com/gpu and habana.ai/gaudi, unless the serving.kserve.io/gpu-resource-types annotation
    lists it ("Unknown GPU resource type"), as upstream does; the chart writes no such annotation.
    Source: red-hat-data-services/kserve@rhoai-2.22:pkg/apis/serving/v1beta1/inference_service_validation.go:211-212,240-241
    (IsUnknownGpuResourceType, pkg/utils/utils.go:272); @rhoai-3.3: same file :187-245 with
    pkg/utils/utils.go:313-350 (HasUnknownGpuResourceType) and pkg/constants/constants.go:297
    (DefaultGPUResourceTypeList); @rhoai-3.5: pkg/constants/constants.go:318."""
    isvc = objects.workload(render({**MULTI_NODE, "platform": level}))
    assert "serving.kserve.io/gpu-resource-types" not in isvc["metadata"].get("annotations", {})
    refused = render_error(deep_merge(MULTI_NODE, {"platform": level, "resources": {
        "limits": {"example.com/fpga": "1"}, "requests": {"example.com/fpga": "1"}}}))
    assert "resources.limits.example.com/fpga: KServe refuses a multi-node model" in refused


@pytest.mark.parametrize("level", levels_where(lambda r: r["modes"]["serverless"]))
def test_the_knative_features_each_level_enables_for_serverless_pods(level):
    """Knative takes a pod field behind a feature flag only where the KnativeServing enables it, and
    terminationGracePeriodSeconds never (knative.dev/serving@v0.44.0 pkg/apis/serving/fieldmask.go:208-270,
    PodSpecMask; defaults in pkg/apis/config/features.go:80-110, all of them Disabled). OpenShift AI 2.x
    configures its KnativeServing with affinity, nodeselector, tolerations, the two
    persistent-volume flags and schedulername.
    Source: red-hat-data-services/rhods-operator@rhoai-2.22..rhoai-2.25:
    internal/controller/components/kserve/resources/serving-install/knative-serving.tmpl.yaml:33-38.
    Upstream KServe leaves Knative's configuration to the cluster, so its rows assume Knative's defaults."""
    openshift = ["kubernetes.podspec-affinity", "kubernetes.podspec-nodeselector", "kubernetes.podspec-tolerations",
                 "kubernetes.podspec-persistent-volume-write", "kubernetes.podspec-persistent-volume-claim",
                 "kubernetes.podspec-schedulername"]
    features = row(level)["modes"]["serverless"]["knativeFeatures"]
    assert features == (openshift if row(level)["openShiftAI"] else [])
    values = {"platform": level, "deploymentMode": "Serverless", "endpoint": {"auth": {"enabled": False}},
              "schedulerName": "gpu-scheduler"}
    if "kubernetes.podspec-schedulername" in features:
        assert objects.predictor(render(values))["schedulerName"] == "gpu-scheduler"
    else:
        assert "kubernetes.podspec-schedulername is enabled" in render_error(values)


def test_upstream_kserve_0_15_serves_multi_node_only_from_a_pvc():
    """Upstream KServe v0.15.2's multi-node validation allows only pvc:// storage URIs; OpenShift AI's
    fork and KServe 0.16 allow oci:// too.
    Source: kserve/kserve@v0.15.2:pkg/apis/serving/v1beta1/inference_service_validation.go
    (validateMultiNodeVariables); red-hat-data-services/kserve@rhoai-2.22: same file allows pvc and oci."""
    assert row("kserve-0.15")["multiNode"]["schemes"] == ["pvc"]
    assert row("kserve-0.16")["multiNode"]["schemes"] == ["oci", "pvc"]
    for level in OPENSHIFT_AI_2_2X:
        assert row(level)["multiNode"]["schemes"] == ["oci", "pvc"]
    refused = render_error(deep_merge(MULTI_NODE, {"platform": "kserve-0.15", "model": {"uri": "oci://quay.io/a/b:c"}}))
    assert "serves multi-node models only from a PVC" in refused


def test_openshift_ai_2_22_issues_ray_tls_only_to_the_runtime_named_vllm_multinode_runtime():
    """odh-model-controller 2.22 creates the Secret ray-tls in a namespace only when a ServingRuntime
    there is named exactly vllm-multinode-runtime, and its pod webhook mounts the Ray TLS
    certificates into kserve-container and worker-container when their RAY_USE_TLS is not "0".
    Sources: red-hat-data-services/odh-model-controller@rhoai-2.22:
    internal/controller/serving/servingruntime_controller.go:399-412, internal/webhook/core/v1/pod_webhook.go:216-232."""
    assert row("rhoai-2.22")["multiNode"]["runtimeName"] == "vllm-multinode-runtime"
    assert row("rhoai-2.22")["multiNode"]["rayTLS"] is True
    docs = render({**MULTI_NODE, "platform": "rhoai-2.22"})
    assert objects.runtime(docs)["metadata"]["name"] == "vllm-multinode-runtime"
    assert objects.env_of(objects.runtime_containers(objects.runtime(docs))[0])["RAY_USE_TLS"] == "1"
    assert "must be named vllm-multinode-runtime" in render_error(
        deep_merge(MULTI_NODE, {"platform": "rhoai-2.22", "servingRuntime": {"name": "mine"}}))


@pytest.mark.parametrize("level", ["rhoai-2.23", "rhoai-2.24", "rhoai-2.25"])
def test_openshift_ai_2_23_and_later_recognise_a_multi_node_runtime_by_its_worker_spec(level):
    """From 2.23, odh-model-controller counts a ServingRuntime as multi-node when it has a
    spec.workerSpec, whatever its name, and then issues ray-tls in its namespace; so the runtime
    keeps the release's name, and a namespace can hold several multi-node releases.
    Source: red-hat-data-services/odh-model-controller@rhoai-2.23:internal/controller/serving/servingruntime_controller.go:399-411
    (commit 7cf654ec; rhoai-2.25: :426-428)."""
    assert row(level)["multiNode"]["runtimeName"] is None and row(level)["multiNode"]["rayTLS"] is True
    docs = render({**MULTI_NODE, "platform": level})
    runtime = objects.runtime(docs)
    assert runtime["metadata"]["name"] == objects.model_spec(docs)["runtime"] == "my-vllm"
    assert "workerSpec" in runtime["spec"]
    assert objects.runtime(render(deep_merge(MULTI_NODE, {"platform": level, "servingRuntime": {"name": "mine"}})))


@pytest.mark.parametrize("level", UPSTREAM)
def test_upstream_kserve_issues_no_ray_tls(level):
    """Upstream KServe has no controller that issues Ray TLS certificates, so the pods must not
    wait for them, and any runtime name works.
    Source: kserve/kserve@v0.15.2:config/runtimes (no ray-tls), pkg/controller/v1beta1/inferenceservice."""
    assert row(level)["multiNode"]["rayTLS"] is False and row(level)["multiNode"]["runtimeName"] is None


def test_openshift_ai_2_22_prunes_autoscaling_so_keda_cannot_work():
    """OpenShift AI 2.22 installs its KServe 0.14 fork's CRD, which has no spec.predictor.autoScaling:
    the API server prunes it, so KEDA never gets the metric (odh-model-controller 2.22 is built
    against 0.15 and would read it). 2.23 and later ship the 0.15.2 CRD with autoScaling.
    Source:
    red-hat-data-services/rhods-operator@rhoai-2.22:prefetched-manifests/kserve/crd/full/serving.kserve.io_inferenceservices.yaml,
    red-hat-data-services/kserve@rhoai-2.23:config/crd/full/serving.kserve.io_inferenceservices.yaml."""
    assert row("rhoai-2.22")["keda"] is None
    assert all(row(level)["keda"] for level in ["rhoai-2.23", "rhoai-2.24", "rhoai-2.25", *UPSTREAM])


def test_openshift_ai_2_22_crd_lacks_the_0_15_fields():
    """The rhoai-2.22 CRD set lacks the fields KServe 0.15 added (scaleMetricType, autoScaling), so a
    render that used them must fail against it and pass against 0.15.2.
    Source: red-hat-data-services/kserve@rhoai-2.22:config/crd/full/serving.kserve.io_inferenceservices.yaml."""
    if not schemas.available(row("rhoai-2.22")["crdSet"]):
        pytest.skip(schemas.unavailable_reason(row("rhoai-2.22")["crdSet"]))
    isvc = {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "metadata": {"name": "x"},
            "spec": {"predictor": {"scaleMetricType": "Utilization", "model": {"modelFormat": {"name": "vLLM"}}}}}
    assert schemas.errors_of(isvc, row("rhoai-2.22")["crdSet"])
    assert not schemas.errors_of(isvc, row("kserve-0.15")["crdSet"])


def test_kserve_0_16_renamed_the_deployment_modes():
    """Upstream KServe 0.16 names the modes Knative and Standard (the old names are deprecated);
    OpenShift AI 2.22 to 2.25 and upstream 0.15 know only Serverless and RawDeployment.
    Source: kserve/kserve@v0.16.0:pkg/constants/constants.go (DeploymentModeType)."""
    assert row("kserve-0.16")["modes"]["serverless"]["writes"] == "Knative"
    assert row("kserve-0.16")["modes"]["raw"]["writes"] == "Standard"
    for level in [*OPENSHIFT_AI_2_2X, "kserve-0.15"]:
        assert (row(level)["modes"]["serverless"]["writes"], row(level)["modes"]["raw"]["writes"]) == (
            "Serverless", "RawDeployment")


def test_openshift_ai_2_22_refuses_hf_uris():
    """OpenShift AI 2.22's KServe accepts a storage URI only when a ClusterStorageContainer claims it
    or its prefix is in the built-in list, which lacks hf://; the operator deploys no
    ClusterStorageContainer, so an hf:// model is refused ("StorageURI not supported").
    Sources: red-hat-data-services/kserve@rhoai-2.22:pkg/controller/v1beta1/inferenceservice/utils/utils.go:52,353-384;
    red-hat-data-services/rhods-operator@rhoai-2.22 deploys overlays/odh, without config/storagecontainers."""
    assert row("rhoai-2.22")["storage"]["hf"] is False
    assert "installs no storage initializer for hf://" in render_error(
        {"platform": "rhoai-2.22", "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct"}})


@pytest.mark.parametrize("level", ["rhoai-2.23", "rhoai-2.24", "rhoai-2.25"])
def test_openshift_ai_2_23_and_later_download_hf_uris(level):
    """From 2.23 the built-in prefix list has hf://, and the built-in storage initializer (kserve
    with its storage extra, huggingface-hub) downloads it with the token of the Secret named by
    serving.kserve.io/storageSecretName.
    Sources: red-hat-data-services/kserve@rhoai-2.23:pkg/controller/v1beta1/inferenceservice/utils/utils.go:52,
    python/kserve/kserve/storage/storage.py:293-296, Dockerfiles/storage-initializer.Dockerfile.konflux:29-37."""
    assert row(level)["storage"]["hf"] is True
    docs = render({"platform": level, "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct",
                                                "huggingFace": {"tokenSecret": {"name": "hf-token"}}}})
    assert objects.model_spec(docs)["storageUri"] == "hf://ibm-granite/granite-3.3-2b-instruct"
    assert objects.workload(docs)["metadata"]["annotations"]["serving.kserve.io/storageSecretName"] == "hf-token"


@pytest.mark.parametrize("level", OPENSHIFT_AI_2_2X)
def test_openshift_ai_guards_the_endpoint_with_oauth_proxy(level):
    """With security.opendatahub.io/enable-auth=true, OpenShift AI 2.2x puts oauth-proxy in front
    of a RawDeployment model (Authorino in Serverless); upstream KServe has no auth proxy.
    Source:
    red-hat-data-services/kserve@rhoai-2.22:pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go."""
    assert row(level)["authProxy"] == "oauth-proxy"
    assert row(level)["openShiftAI"] is True


@pytest.mark.parametrize("level", UPSTREAM)
def test_upstream_kserve_has_no_auth_proxy(level):
    """Upstream KServe reads no enable-auth annotation and runs no proxy, so a token check the
    chart promised would not exist: the chart refuses endpoint.auth.enabled there.
    Source: kserve/kserve@v0.15.2:pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go."""
    assert row(level)["authProxy"] == "none" and row(level)["openShiftAI"] is False
    assert "endpoint.auth.enabled=true needs OpenShift AI" in render_error(
        {"platform": level, "endpoint": {"auth": {"enabled": True}}})


def test_kserve_copies_the_workload_labels_into_the_pod_template(tmp_path):
    """KServe builds the predictor's pod template with the InferenceService's labels and
    annotations, so a label whose value changes with the chart version would change the pod
    template, and every chart upgrade would roll the model's pods (with one GPU and RollingUpdate,
    the surge pod stays Pending). No such label may be on the InferenceService.
    Source: red-hat-data-services/kserve@rhoai-2.22:pkg/controller/v1beta1/inferenceservice/components/predictor.go:300-310."""
    chart = broken_copy(tmp_path, [])
    meta = (chart / "Chart.yaml").read_text()
    (chart / "Chart.yaml").write_text(re.sub(r"(?m)^version: .*$", "version: 99.0.0",
                                             re.sub(r"(?m)^appVersion: .*$", 'appVersion: "99.0"', meta)))
    for values in ({}, {"deploymentMode": "RawDeployment"}, MULTI_NODE):
        now, bumped = objects.workload(render(values)), objects.workload(render(values, chart=chart))
        assert (now["metadata"]["labels"], now["metadata"]["annotations"]) == (
            bumped["metadata"]["labels"], bumped["metadata"]["annotations"])
        assert objects.predictor(now) == objects.predictor(bumped)
    # the bump is real: the other objects do carry the version
    assert objects.runtime(render(values, chart=chart))["metadata"]["labels"]["helm.sh/chart"] == "vllm-kserve-99.0.0"


@pytest.mark.parametrize("level", levels_where(lambda row: row["multiNode"]["rayTLS"]))
def test_ray_use_tls_leads_the_env_of_the_head_and_the_workers(level):
    """odh-model-controller 2.22 to 2.24 (and 3.0) issue a pod its Ray TLS certificate only when the
    first env entry of the first container that has env is RAY_USE_TLS, with any value but "0";
    otherwise the injected ray-tls-generator init container waits for it forever. 2.25 looks for
    RAY_USE_TLS anywhere in kserve-container or worker-container. RAY_USE_TLS first satisfies both.
    Sources: red-hat-data-services/odh-model-controller@rhoai-2.22:internal/controller/core/pod_controller.go:60-95
    (unchanged on rhoai-2.23 and rhoai-2.24), @rhoai-2.25: same file :87-100. test_kserve shows that
    KServe's merge puts an InferenceService's env before the runtime's in the pods it builds, so the
    user's env of a multi-node model (model.env, multiNode.workerEnv) goes in the runtime, after it."""
    env = [{"name": "NCCL_DEBUG", "value": "INFO"}]
    values = deep_merge(MULTI_NODE, {"platform": level, "model": {"env": env}, "multiNode": {"workerEnv": env}})
    docs = render(values)
    runtime = objects.runtime(docs)
    for container in (objects.runtime_containers(runtime)[0], objects.worker_containers(runtime)[0]):
        assert container["env"][0] == {"name": "RAY_USE_TLS", "value": "1"}, container["name"]
        assert container["env"][-1] == env[0]
    assert "env" not in objects.model_spec(docs)


@pytest.mark.parametrize("level", levels_where(lambda row: row["authProxy"] == "oauth-proxy"))
def test_oauth_proxy_redirects_a_request_without_a_token(level):
    """OpenShift AI's oauth-proxy runs with --skip-provider-button, so a request without a valid token
    (or one the access check denies) gets a 302 redirect to the OpenShift login, never 401 or 403,
    whatever its Accept header. `helm test` without a caller token expects exactly that.
    Sources: red-hat-data-services/kserve@rhoai-2.25:pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/
    deployment_reconciler.go:641-652 (rhoai-2.22: :324-362); openshift/oauth-proxy@master:oauthproxy.go:714-728,617-637."""
    pod = render({"platform": level, "deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": True}}}).get("Pod")
    assert objects.env_of(pod["spec"]["containers"][0])["REFUSAL_STATUSES"] == "302"


@pytest.mark.parametrize(("status", "passes"), [(302, True), (401, False), (403, False), (200, False)])
def test_the_hook_accepts_only_what_oauth_proxy_answers(status, passes):
    docs = render({"deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": True}}})
    with answering(status) as url:
        result = run_hook_script(docs, url)
    assert (result.returncode == 0) == passes, result.stdout + result.stderr
    assert (f"a request without a token is refused (HTTP {status})" in result.stdout) == passes


@pytest.mark.parametrize("level", levels_where(lambda row: row["authProxy"] == "oauth-proxy"))
def test_oauth_proxy_before_2_25_cuts_requests_at_its_own_30_seconds(level):
    """OpenShift AI 2.22 to 2.24 start oauth-proxy without --upstream-timeout, so it waits 30 seconds
    for the model's response headers and then answers 502, whatever spec.predictor.timeout says;
    2.25 passes the predictor's timeout as --upstream-timeout. The notes say so where it applies.
    Sources: red-hat-data-services/kserve@rhoai-2.22:pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/
    deployment_reconciler.go:324-362 (the same on rhoai-2.23, rhoai-2.24), @rhoai-2.25: same file :305-338,631-658;
    openshift/oauth-proxy@master:options.go:23-26."""
    waits = {"rhoai-2.22": False, "rhoai-2.23": False, "rhoai-2.24": False, "rhoai-2.25": True}
    assert row(level)["authProxyTimeout"] is waits[level]
    values = {"platform": level, "deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": True}}}
    assert ("gives up on a request whose\nresponse has not begun within 30 seconds" in notes(values)) is not waits[level]
    # Serverless goes through Authorino, not oauth-proxy; without auth there is no proxy
    assert "within 30 seconds" not in notes({**values, "deploymentMode": "Serverless"})
    assert "within 30 seconds" not in notes({**values, "endpoint": {"auth": {"enabled": False}}})


@pytest.mark.parametrize("level", levels_where(lambda row: row["openShiftAI"] and row["modes"]["serverless"]))
def test_authorino_checks_the_user_alone_in_serverless(level):
    """In Serverless mode OpenShift AI's AuthConfig asks Kubernetes whether the token's user may get
    the InferenceService, passing the user name without its groups, so access granted to a group
    fails there. The notes say so, and offer a ServiceAccount's token.
    Source: red-hat-data-services/odh-model-controller@rhoai-2.22:
    internal/controller/resources/template/authconfig_isvc_userdefined.yaml."""
    values = {"platform": level, "endpoint": {"auth": {"enabled": True}}}
    assert "Authorino checks the access of the token's user alone" in notes(values)
    assert "Authorino" not in notes({**values, "deploymentMode": "RawDeployment"})


# auth only where the level has a proxy (the chart refuses it elsewhere)
@pytest.mark.parametrize(("level", "auth"), [(level, auth) for level in TABLE.levels for auth in (False, True)
                                             if not auth or row(level)["authProxy"] != "none"])
def test_the_notes_give_a_raw_in_cluster_url_that_answers(level, auth):
    """OpenShift AI's operator makes the predictor Service of a RawDeployment headless by default
    (DataScienceCluster rawDeploymentServiceConfig: Headless), so its port 80 reaches the pod, where
    nothing listens: vLLM answers on 8080, the auth proxy on 8443. Upstream KServe gives the Service a
    cluster IP that maps 80 to 8080. The notes print the address that answers.
    Sources: red-hat-data-services/rhods-operator@rhoai-2.25:internal/controller/components/kserve/
    kserve_controller_actions.go:364-368; red-hat-data-services/kserve@rhoai-2.25:
    pkg/controller/v1beta1/inferenceservice/reconcilers/service/service_reconciler.go:230-232."""
    text = notes({"platform": level, "deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": auth}}})
    host = "my-vllm-predictor.default.svc.cluster.local"
    expected = f"https://{host}:8443" if auth else f"http://{host}:8080" if row(level)["openShiftAI"] else f"http://{host}"
    assert f"    URL={expected}\n" in text


@pytest.mark.parametrize("level", levels_where(lambda row: row["openShiftAI"] and row["keda"]))
def test_keda_on_openshift_ai_authenticates_to_thanos_with_the_platforms_trigger_authentication(level):
    """odh-model-controller creates, in each namespace with a RawDeployment InferenceService whose
    External metric has backend prometheus, a ServiceAccount, token Secret, Role, RoleBinding and a
    KEDA TriggerAuthentication, all named inference-prometheus-auth (bearer token from the Secret's
    `token`, CA from its `ca.crt`). KServe passes on to the ScaledObject's trigger only what the
    InferenceService gives: metric.namespace, authenticationRef.authModes and the
    TriggerAuthentication's name. So by default the chart names that TriggerAuthentication with
    authModes bearer, the querier's tenancy port (9092) and the release namespace; values override it.
    Sources: red-hat-data-services/odh-model-controller@rhoai-2.25:
    internal/controller/serving/reconcilers/kserve_keda_reconciler.go:96-110,211-224,546-557;
    red-hat-data-services/kserve@rhoai-2.25:
    pkg/controller/v1beta1/inferenceservice/reconcilers/keda/keda_reconciler.go:122-136."""
    keda = {"platform": level, "deploymentMode": "RawDeployment", "scaling": {"rawDeployment": {"autoscaler": "keda"}}}
    [metric] = objects.predictor(render(keda))["autoScaling"]["metrics"]
    external = metric["external"]
    assert external["authenticationRef"] == {"authModes": "bearer",
                                             "authenticationRef": {"name": "inference-prometheus-auth"}}
    assert external["metric"]["namespace"] == "default"
    assert external["metric"]["serverAddress"] == "https://thanos-querier.openshift-monitoring.svc.cluster.local:9092"
    mine = deep_merge(keda, {"scaling": {"rawDeployment": {"keda": {"triggerAuthentication": "mine", "authModes": "tls",
                                                                    "serverAddress": "https://prometheus.example:9091"}}}})
    [metric] = objects.predictor(render(mine))["autoScaling"]["metrics"]
    assert metric["external"]["authenticationRef"] == {"authModes": "tls", "authenticationRef": {"name": "mine"}}
    assert metric["external"]["metric"]["serverAddress"] == "https://prometheus.example:9091"


def test_the_0_15_crds_lack_the_keda_authentication_ref():
    """Upstream KServe v0.15.2's InferenceService CRD has no autoScaling.metrics[].external.authenticationRef
    (v0.16.0 and OpenShift AI 2.23's fork add it), so the chart renders none there and refuses one.
    Sources: kserve/kserve@v0.15.2 and @v0.16.0:config/crd/full/serving.kserve.io_inferenceservices.yaml."""
    assert TABLE.row("kserve-0.15")["keda"]["authenticationRef"] is False
    assert TABLE.row("kserve-0.16")["keda"]["authenticationRef"] is True
    upstream = {"platform": "kserve-0.15", "deploymentMode": "RawDeployment", "scaling": {"rawDeployment": {
        "autoscaler": "keda", "keda": {"serverAddress": "http://prometheus:9090"}}}}
    [metric] = objects.predictor(render(upstream))["autoScaling"]["metrics"]
    assert "authenticationRef" not in metric["external"] and "namespace" not in metric["external"]["metric"]
    schema = schemas.crd_set_schemas("kserve-0.15")["inferenceservice-serving-v1beta1.json"]
    external = schema["properties"]["spec"]["properties"]["predictor"]["properties"]["autoScaling"]["properties"]["metrics"]
    assert "authenticationRef" not in external["items"]["properties"]["external"]["properties"]


KSERVE_SERVED = ["--api-versions", "serving.kserve.io/v1beta1/InferenceService"]
KNATIVE_SERVED = ["--api-versions", "serving.knative.dev/v1/Service"]


@pytest.mark.parametrize("level", levels_where(lambda row: row["modes"]["serverless"]))
def test_serverless_is_refused_where_the_cluster_serves_no_knative(level):
    """KServe stops a Serverless InferenceService on a cluster without Knative with the terminal
    ServerlessModeRejected, after Helm has reported success. Where Helm knows the cluster's APIs
    (install, upgrade, or --api-versions) and they include KServe's but not Knative's Service, the
    chart refuses Serverless and names RawDeployment; offline `helm template` renders as before.
    Source: red-hat-data-services/kserve@rhoai-2.25:pkg/controller/v1beta1/inferenceservice/controller.go:203-215."""
    values = {"platform": level, "deploymentMode": "Serverless"}
    refused = render_error(values, extra=KSERVE_SERVED)
    assert "needs Knative Serving" in refused and "use deploymentMode=" in refused
    assert objects.workload(render(values, extra=KSERVE_SERVED + KNATIVE_SERVED))
    assert objects.workload(render(values))  # offline: no discovery, no check
    assert objects.workload(render({**values, "deploymentMode": "RawDeployment"}, extra=KSERVE_SERVED))


def test_openshift_ai_2_25_lets_the_inference_service_choose_kube_rbac_proxy():
    """OpenShift AI 2.25 guards an authenticated RawDeployment with oauth-proxy unless the
    InferenceService annotation security.opendatahub.io/auth-proxy-type says kube-rbac-proxy, which
    answers a request without a token with 401 (403 when the identity may not `get` the
    InferenceService) and listens on 8443 too. endpoint.auth.proxy writes that annotation, and
    `helm test` then expects kube-rbac-proxy's answers; 2.22 to 2.24 have no such choice.
    Sources: red-hat-data-services/kserve@rhoai-2.25:pkg/constants/constants.go:518-526 and
    pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go:18-19
    (commit 76585dc13)."""
    selector = row("rhoai-2.25")["authProxySelector"]
    assert selector == {"annotation": "security.opendatahub.io/auth-proxy-type", "proxies": ["oauth-proxy", "kube-rbac-proxy"]}
    auth = {"platform": "rhoai-2.25", "deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": True}}}
    for proxy, statuses in (("", "302"), ("oauth-proxy", "302"), ("kube-rbac-proxy", "401 403")):
        docs = render(deep_merge(auth, {"endpoint": {"auth": {"proxy": proxy}}}))
        annotations = objects.workload(docs)["metadata"]["annotations"]
        assert annotations[selector["annotation"]] == (proxy or "oauth-proxy")
        assert objects.env_of(docs.get("Pod")["spec"]["containers"][0])["REFUSAL_STATUSES"] == statuses
    for level in ("rhoai-2.22", "rhoai-2.23", "rhoai-2.24"):
        assert row(level)["authProxySelector"] is None
        refused = render_error(deep_merge(auth, {"platform": level, "endpoint": {"auth": {"proxy": "kube-rbac-proxy"}}}))
        assert "runs only oauth-proxy" in refused


@pytest.mark.parametrize("level", ["rhoai-3.3", "rhoai-3.4", "rhoai-3.5"])
def test_openshift_ai_3_3_and_later_keep_an_upgraded_models_oauth_proxy_unless_told(level):
    """From 3.3 KServe keeps the oauth-proxy container of an InferenceService made on 2.x unless the
    annotation security.opendatahub.io/auth-proxy-type is kube-rbac-proxy; new ones always get
    kube-rbac-proxy. The chart writes kube-rbac-proxy, so an upgraded release is guarded the way its
    NOTES and `helm test` expect, and refuses to ask for oauth-proxy there.
    Source: red-hat-data-services/kserve@rhoai-3.3:
    pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go:126-198."""
    auth = {"platform": level, "endpoint": {"auth": {"enabled": True}}}
    annotations = objects.workload(render(auth))["metadata"]["annotations"]
    assert annotations["security.opendatahub.io/auth-proxy-type"] == "kube-rbac-proxy"
    assert "runs kube-rbac-proxy for new InferenceServices" in render_error(
        deep_merge(auth, {"endpoint": {"auth": {"proxy": "oauth-proxy"}}}))


@pytest.mark.parametrize("level", levels_where(lambda row: row["openShiftAI"] and row["modes"]["serverless"]))
def test_helm_test_calls_a_serverless_model_at_its_address_outside_the_mesh(level):
    """On OpenShift AI the predictor's own name resolves to Knative's local gateway, which accepts
    only mesh mTLS (ISTIO_MUTUAL); a pod without a sidecar reaches the model at the
    InferenceService's address, https://<isvc>.<ns>.svc.cluster.local, served by kserve-local-gateway
    with a certificate of the cluster's service CA. `helm test` calls that address and verifies it
    with the service CA that OpenShift writes into the release's inject-cabundle ConfigMap.
    Sources: red-hat-data-services/kserve@rhoai-2.22:
    pkg/controller/v1beta1/inferenceservice/reconcilers/ingress/ingress_reconciler.go:124-128;
    red-hat-data-services/rhods-operator@rhoai-2.22:internal/controller/components/kserve/resources/
    servicemesh/routing/istio-local-gateway.yaml, istio-kserve-local-gateway.tmpl.yaml."""
    docs = render({"platform": level})
    pod = docs.get("Pod")
    env = objects.env_of(pod["spec"]["containers"][0])
    assert env["URL"] == "https://my-vllm.default.svc.cluster.local"
    assert env["CA_FILE"] == "/etc/service-ca/service-ca.crt"
    [volume] = pod["spec"]["volumes"]
    service_ca = docs.get("ConfigMap", volume["configMap"]["name"])
    assert service_ca["metadata"]["annotations"] == {"service.beta.openshift.io/inject-cabundle": "true"}


def test_the_hook_verifies_tls_with_the_service_ca_and_never_skips_it(tmp_path):
    """`helm test` trusts the service CA it is given and nothing else: against an HTTPS proxy whose
    certificate that CA signed it passes, and with any other CA it fails (no --insecure)."""
    (tmp_path / "proxy").mkdir()
    (tmp_path / "other").mkdir()
    tls, other = tls_folder(tmp_path / "proxy"), tls_folder(tmp_path / "other")
    level = levels_where(lambda row: row["authProxy"] == "kube-rbac-proxy")[0]
    docs = render({"platform": level, "endpoint": {"auth": {"enabled": True}}})
    with answering(401, tls=tls) as url:
        trusted = run_hook_script(docs, url, ca_file=tls / "ca.crt")
        untrusted = run_hook_script(docs, url, ca_file=other / "ca.crt")
    assert trusted.returncode == 0, trusted.stdout + trusted.stderr
    assert untrusted.returncode != 0 and "HTTP 000" in untrusted.stdout


@pytest.mark.parametrize("level", levels_where(lambda r: r["openShiftAI"]))
def test_openshift_routes_and_monitoring_reach_models_through_the_namespace_labels_odh_relies_on(level):
    """OpenShift AI admits the OpenShift router to model pods by the label
    network.openshift.io/policy-group=ingress of its namespace, and user workload monitoring by
    the namespace openshift-user-workload-monitoring; its Serverless models are reached through
    Knative (knative-serving) and the Service Mesh gateways (istio-system by default). The chart's
    NetworkPolicy admits the same callers, so enabling it keeps the Route, the metrics and the
    Knative path working.
    Source: red-hat-data-services/odh-model-controller@rhoai-2.22:internal/controller/serving/reconcilers/
    kserve_networkpolicy_reconciler.go:94-150 (allowTrafficFromMonitoringNamespace, allowOpenshiftIngressPolicy);
    red-hat-data-services/rhods-operator@rhoai-2.22:api/infrastructure/v1/servicemesh_types.go:21 (istio-system)
    and serverless_types.go:15-16 (knative-serving)."""
    values = {"platform": level, "deploymentMode": row(level)["modes"]["raw"]["writes"], "networkPolicy": {"enabled": True}}
    [rule] = render(values).get("NetworkPolicy")["spec"]["ingress"]
    selectors = [peer.get("namespaceSelector") for peer in rule["from"]]
    assert {"matchLabels": {"network.openshift.io/policy-group": "ingress"}} in selectors
    assert {"matchLabels": {"kubernetes.io/metadata.name": "openshift-user-workload-monitoring"}} in selectors
    if row(level)["modes"]["serverless"]:
        [rule] = render({**values, "deploymentMode": "Serverless"}).get("NetworkPolicy")["spec"]["ingress"]
        assert {"key": "kubernetes.io/metadata.name", "operator": "In", "values": ["knative-serving", "istio-system"]} in [
            e for peer in rule["from"] for e in (peer.get("namespaceSelector") or {}).get("matchExpressions", [])]


@pytest.mark.parametrize("level", list(TABLE.levels))
def test_openshift_ai_scrapes_vllm_itself_from_the_runtime_prometheus_annotations(level):
    """On OpenShift AI, odh-model-controller has every model scraped without a monitor of the
    chart's: in RawDeployment, when the ServingRuntime's spec.annotations carry prometheus.io/port,
    it makes the Service <isvc>-metrics on that port and the ServiceMonitor <isvc>-metrics on the
    path of prometheus.io/path; in Serverless (2.x) it makes an Istio PodMonitor in the model's
    namespace for every predictor pod. A ServiceMonitor or PodMonitor of the chart's would scrape
    every series a second time, so the table marks these levels metricsScrapedByPlatform, the
    chart writes the annotations there, and refuses metrics.serviceMonitor and .podMonitor.
    Upstream KServe makes no monitor, and there the chart's are rendered.
    Sources: red-hat-data-services/odh-model-controller@rhoai-2.22 and @rhoai-3.5:internal/controller/
    serving/reconcilers/kserve_raw_inferenceservice_reconciler.go:39-40,
    kserve_metrics_service_reconciler.go:78-121 and kserve_metrics_servicemonitor_reconciler.go:74-103
    (3.5: 79-126); @rhoai-2.22: kserve_serverless_inferenceservice_reconciler.go:43-44 and
    kserve_istio_podmonitor_reconciler.go:80-100."""
    scraped = row(level)["metricsScrapedByPlatform"]
    assert scraped == row(level)["openShiftAI"]  # odh-model-controller runs on every OpenShift AI level
    raw = {"platform": level, "deploymentMode": row(level)["modes"]["raw"]["writes"]}
    annotations = objects.runtime(render(raw))["spec"]["annotations"]
    assert (annotations["prometheus.io/port"], annotations["prometheus.io/path"]) == ("8080", "/metrics")
    for monitor, kind in (("serviceMonitor", "ServiceMonitor"), ("podMonitor", "PodMonitor")):
        values = deep_merge(raw, {"metrics": {monitor: {"enabled": True}}})
        if scraped:
            assert f"metrics.{monitor}.enabled=true on {row(level)['title']}" in render_error(values)
        else:
            assert render(values).get(kind)["spec"]["selector"]["matchLabels"]["serving.kserve.io/inferenceservice"] == "my-vllm"


@pytest.mark.parametrize("level", list(TABLE.levels))
def test_the_namespaced_model_cache_is_where_kserve_ships_it_and_the_platform_can_run_it(level):
    """KServe's namespaced model cache, LocalModelNamespaceCache, which its InferenceService defaulter
    matches to a model by URI, is in upstream KServe from 0.20 (0.15 to 0.17 have only the cluster-
    scoped LocalModelCache). OpenShift AI 2.22 to 3.3 leave KServe's local model controller out of
    their install (2.22 and 2.23 comment out config/localmodels, 2.24 to 3.3 delete it with a patch),
    3.4 comments out its CRDs and controller; 3.5's KServe module operator manages the local model
    roles and node groups (DataScienceCluster kserve.modelCache), and its fork ships the namespaced
    CRD. So the table gives the cache to kserve-0.20 and rhoai-3.5 alone, and the chart refuses
    model.cache elsewhere, naming the levels that have it.
    Sources: kserve/kserve@v0.20.0:config/crd/full/localmodel/serving.kserve.io_localmodelnamespacecaches.yaml
    and pkg/apis/serving/v1beta1/inference_service_defaults.go:137-160,506-545 (@v0.17.0: no such CRD);
    red-hat-data-services/kserve@rhoai-2.22 and @rhoai-2.23:config/default/kustomization.yaml:21,
    @rhoai-2.24 to @rhoai-3.3:config/overlays/odh/patches/remove-local-model.yaml,
    @rhoai-3.4:config/overlays/odh/kustomization.yaml:6,15, @rhoai-3.5:config/crd/full/localmodel/;
    red-hat-data-services/rhods-operator@rhoai-3.5:api/components/v1alpha1/kserve_types.go:97,123-143 and
    prefetched-manifests/kserve-module-operator/rbac/role.yaml:288,348."""
    has_cache = row(level)["localModelNamespaceCache"]
    module = TABLE.crd_sets[TABLE.module_set_of(row(level)["crdSet"])]["module"]
    assert not has_cache or tuple(int(n) for n in module[1:].split(".")) >= (0, 20, 0)
    values = {"platform": level, "deploymentMode": row(level)["modes"]["raw"]["writes"],
              "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct",
                        "cache": {"enabled": True, "nodeGroup": "gpu-nodes", "size": "20Gi"}}}
    if has_cache:
        cache = render(values).get("LocalModelNamespaceCache")["spec"]
        assert (cache["sourceModelUri"], cache["nodeGroups"]) == ("hf://ibm-granite/granite-3.3-2b-instruct", ["gpu-nodes"])
    else:
        assert "which has no namespaced model cache" in render_error(values)


@pytest.mark.parametrize("level", levels_where(lambda r: r["storage"]["hf"]))
def test_kserve_reads_a_hugging_face_token_from_the_key_hf_token_alone(level):
    """For an hf:// model KServe hands the storage initializer the key HF_TOKEN of the Secret named
    by serving.kserve.io/storageSecretName, and no other key; a token stored under another key is
    never read, and the download of a gated model fails in the pod. So the chart writes the Secret's
    name, takes model.huggingFace.tokenSecret.key only as HF_TOKEN, and refuses another key with the
    command that copies the token.
    Sources: kserve/kserve@v0.15.2 and @v0.20.0:pkg/credentials/hf/hf_secret.go:24-40;
    red-hat-data-services/kserve@rhoai-2.23, @rhoai-3.3 and @rhoai-3.5: the same file."""
    hf = {"platform": level, "deploymentMode": row(level)["modes"]["raw"]["writes"],
          "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct", "huggingFace": {"tokenSecret": {"name": "hf"}}}}
    isvc = objects.workload(render(hf))
    assert isvc["metadata"]["annotations"]["serving.kserve.io/storageSecretName"] == "hf"
    refused = render_error(deep_merge(hf, {"model": {"huggingFace": {"tokenSecret": {"key": "token"}}}}))
    assert "reads the token only from the key HF_TOKEN" in refused and "--from-literal=HF_TOKEN=" in refused


@pytest.mark.parametrize("level", list(TABLE.levels))
def test_kserve_lays_the_storage_parameters_over_the_connection_so_verify_ssl_turns_tls_checks_off(level):
    """For a model named by storage.key, KServe passes spec.predictor.model.storage.parameters to the
    storage initializer as STORAGE_OVERRIDE_CONFIG, which it lays over the connection's storage-config
    JSON, and reads verify_ssl from the result into S3_VERIFY_SSL ("0" or "false" turn certificate
    checks off); a CA bundle, by contrast, is mounted only from a ConfigMap the storage-config JSON
    itself names (cabundle_configmap), which the chart does not own. So model.s3.verifyTLS=false
    renders parameters.verify_ssl "0", and a private CA is the platform's to give.
    Sources: kserve/kserve@v0.15.2:pkg/credentials/service_account_credentials.go:145-150,185-193 and
    python/kserve/kserve/storage/storage.py:116-135,206-209; @v0.20.0:
    python/storage/kserve_storage/kserve_storage.py:250-268; red-hat-data-services/kserve@rhoai-2.22,
    @rhoai-3.3: python/kserve/kserve/storage/storage.py:131, @rhoai-3.5:
    python/storage/kserve_storage/kserve_storage.py:264."""
    s3 = {"platform": level, "deploymentMode": row(level)["modes"]["raw"]["writes"],
          "model": {"mode": "s3", "s3": {"key": "my-s3-connection", "path": "models/granite"}}}
    storage = objects.model_spec(render(s3))["storage"]
    assert "parameters" not in storage
    storage = objects.model_spec(render(deep_merge(s3, {"model": {"s3": {"verifyTLS": False}}})))["storage"]
    assert storage["parameters"] == {"verify_ssl": "0"} and storage["key"] == "my-s3-connection"


@pytest.mark.parametrize("level", list(TABLE.levels))
def test_openshift_ai_fills_in_the_model_location_from_the_connection_an_annotation_names(level):
    """From OpenShift AI 2.24 an admission webhook reads the InferenceService annotation
    opendatahub.io/connections and fills in the model's location from that connection Secret: a URI
    connection's storageUri (overwritten), an S3 connection's storage.key beside the path already
    there, with a ServiceAccount <secret>-sa holding the Secret as serviceAccountName (on 2.24 and
    2.25 unconditionally), an OCI connection's pull secret only. Levels before 2.24 and upstream KServe
    have no such webhook. So the chart writes the annotation and no location of its own (the S3 path
    as storage.path), refuses serviceAccount with it, and refuses the mode where no webhook reads it.
    Sources: red-hat-data-services/rhods-operator@rhoai-2.25:internal/webhook/inferenceservice/mutating.go:45-287,407-478
    (also @rhoai-2.24; absent @rhoai-2.22 and @rhoai-2.23); @rhoai-3.3:internal/webhook/serving/mutating_isvc.go:40-247,377-404
    (also @rhoai-3.0 and @rhoai-3.4); red-hat-data-services/odh-model-controller@rhoai-3.5:
    internal/webhook/serving/v1beta1/inferenceservice_webhook.go:186-261."""
    values = {"platform": level, "deploymentMode": row(level)["modes"]["raw"]["writes"],
              "model": {"mode": "connection", "connection": {"name": "my-connection", "path": "models/granite"}}}
    if not row(level)["storage"]["connections"]:
        assert "has no webhook that reads OpenShift AI connections" in render_error(values)
        return
    isvc = objects.workload(render(values))
    assert isvc["metadata"]["annotations"]["opendatahub.io/connections"] == "my-connection"
    model = objects.model_spec(isvc)
    assert "storageUri" not in model and model["storage"] == {"path": "models/granite"}
    assert "serviceAccountName" not in objects.predictor(isvc)
    uri = objects.model_spec(render(deep_merge(values, {"model": {"connection": {"path": ""}}})))
    assert "storageUri" not in uri and "storage" not in uri


def test_connections_are_read_from_openshift_ai_2_24_on():
    assert [lv for lv in TABLE.levels if row(lv)["storage"]["connections"]] == [
        lv for lv in TABLE.levels if row(lv)["openShiftAI"] and lv not in ("rhoai-2.22", "rhoai-2.23")]
