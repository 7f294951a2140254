"""Platform rules: what each level's own controllers do, which the chart depends on and the harness
cannot run (OpenShift AI's KServe fork and odh-model-controller are not served as Go modules).

Each rule is a test whose docstring states the rule and cites its source as
`repository@branch:path`, and which checks the row of the platform table
(charts/vllm-kserve/files/platforms.yaml) that encodes it, and the render that follows from the row.
When a platform changes, the rule here and its row in the table are the one place to edit.
"""

from __future__ import annotations

import pytest

from tests.harness import objects, schemas
from tests.harness.render import render, render_error
from tests.harness.scenarios import TABLE, deep_merge

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


@pytest.mark.parametrize("level", OPENSHIFT_AI_2_2X)
def test_openshift_ai_issues_ray_tls_only_to_the_runtime_named_vllm_multinode_runtime(level):
    """odh-model-controller creates the Secret ray-tls in the model's namespace only when a
    ServingRuntime named exactly vllm-multinode-runtime exists there, and its pod webhook mounts
    the Ray TLS certificates into containers whose RAY_USE_TLS is not "0".
    Source: red-hat-data-services/odh-model-controller@rhoai-2.22:internal/controller/serving/servingruntime_controller.go
    (isMultiNodeServingRuntime), internal/webhook/core/v1/pod_webhook.go."""
    assert row(level)["multiNode"]["runtimeName"] == "vllm-multinode-runtime"
    assert row(level)["multiNode"]["rayTLS"] is True
    docs = render({**MULTI_NODE, "platform": level})
    assert objects.runtime(docs)["metadata"]["name"] == "vllm-multinode-runtime"
    env = objects.env_of(objects.runtime_containers(objects.runtime(docs))[0])
    assert env["RAY_USE_TLS"] == "1"


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
    assert row("rhoai-2.22")["keda"] is False
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


@pytest.mark.parametrize("level", OPENSHIFT_AI_2_2X)
def test_openshift_ai_2_2x_deploys_no_storage_initializer_for_hf(level):
    """KServe on OpenShift AI resolves hf:// only through the `default` ClusterStorageContainer,
    which the operator's overlays/odh does not deploy, so hf:// models do not download.
    Source: red-hat-data-services/kserve@rhoai-2.22:pkg/controller/v1beta1/inferenceservice/utils/utils.go
    (SupportedStorageURIPrefixList), config/storagecontainers/default.yaml."""
    assert row(level)["storage"]["hf"] is False
    assert "installs no storage initializer for hf://" in render_error(
        {"platform": level, "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct"}})


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
