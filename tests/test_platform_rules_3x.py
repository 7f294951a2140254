"""Platform rules of OpenShift AI 3.0 to 3.5 and upstream KServe 0.17 to 0.20: what those levels'
controllers do with the chart's objects, each rule citing its source as `repository@branch:path:line`
(the short names and commits of the branches read are in the module constants below). As in
test_platform_rules.py, each test checks the row of the platform table that encodes the rule and the
render that follows from it, so a change of the platform is one row and one rule to edit.
"""

from __future__ import annotations

import hashlib
import subprocess

import pytest
import yaml

from tests.harness import objects
from tests.harness.paths import CHART, REFERENCE_CRDS
from tests.harness.render import notes, render, render_error
from tests.harness.scenarios import TABLE, deep_merge

# Branch heads read: red-hat-data-services/kserve rhoai-3.0 5e4621c705, rhoai-3.3 db358dc423,
# rhoai-3.4 c1e15092d3, rhoai-3.5 2505c7362b; red-hat-data-services/odh-model-controller rhoai-3.0
# a27ba4e7dc, rhoai-3.3 dc86dc52f4, rhoai-3.4 0a722eec73, rhoai-3.5 8df08b9e43;
# red-hat-data-services/rhods-operator rhoai-3.0 331819fa5c; kserve/kserve v0.17.0 c71eba9163,
# v0.20.0 1fb781055d.
OPENSHIFT_AI_3X = ["rhoai-3.0", "rhoai-3.2", "rhoai-3.3", "rhoai-3.4", "rhoai-3.5"]
ON_0_15_FORK = ["rhoai-3.0", "rhoai-3.2", "rhoai-3.3"]
ON_0_17_AND_LATER = ["rhoai-3.4", "rhoai-3.5"]
UPSTREAM_0_17_AND_LATER = ["kserve-0.17", "kserve-0.20"]
RAW_MULTI_NODE = {"servingTopology": "multiNode", "model": {"uri": "pvc://models/granite"}}


def row(level: str) -> dict:
    return TABLE.row(level)


def test_every_rule_names_levels_of_the_table():
    assert set(OPENSHIFT_AI_3X + UPSTREAM_0_17_AND_LATER) <= set(TABLE.levels)


@pytest.mark.parametrize("level", OPENSHIFT_AI_3X)
def test_openshift_ai_3_has_no_serverless(level):
    """OpenShift AI 3.x runs every InferenceService as a RawDeployment: the operator forces the default
    mode ("RawDeployment mode is the only supported mode") and installs no Knative, and KServe stops an
    InferenceService that resolves to Serverless with the terminal ServerlessModeRejected.
    Sources: red-hat-data-services/rhods-operator@rhoai-3.0:internal/controller/components/kserve/kserve_support.go:55-56;
    red-hat-data-services/odh-model-controller@rhoai-3.0:internal/controller/serving/inferenceservice_controller.go:162-164;
    red-hat-data-services/kserve@rhoai-3.0:pkg/controller/v1beta1/inferenceservice/controller.go:203-215."""
    assert row(level)["modes"]["serverless"] is None
    assert row(level)["modes"]["default"] == "raw"
    for name in ("Serverless", "Knative"):
        refused = render_error({"platform": level, "deploymentMode": name})
        assert f"deploymentMode={name}" in refused and "use deploymentMode=" in refused


@pytest.mark.parametrize("level", OPENSHIFT_AI_3X)
def test_openshift_ai_3_installs_with_the_platform_alone(level):
    """With deploymentMode unset a model gets the level's own default mode, so `--set platform=<3.x>`
    alone renders a RawDeployment (the seed's Serverless default would be refused there).
    Source: red-hat-data-services/kserve@rhoai-3.0:config/overlays/odh/patches/patch-inferenceservice-config.yaml:84
    (deploy.defaultDeploymentMode RawDeployment)."""
    isvc = objects.workload(render(sets=[f"platform={level}"]))
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == row(level)["modes"]["raw"]["writes"]


@pytest.mark.parametrize("level", ON_0_15_FORK)
def test_openshift_ai_3_0_to_3_3_read_only_the_legacy_mode_names(level):
    """On the 0.15.2 fork (3.0 to 3.3) the mode annotation counts only if it is Serverless,
    RawDeployment or ModelMesh, and the autoscaling validator tests the literal RawDeployment: an
    annotation Standard falls to Knative's rules. The chart writes RawDeployment whichever name the
    user gives.
    Sources: red-hat-data-services/kserve@rhoai-3.0:pkg/constants/constants.go:455-461,
    pkg/controller/v1beta1/inferenceservice/utils/utils.go:220-235;
    red-hat-data-services/kserve@rhoai-3.3:pkg/apis/serving/v1beta1/inference_service_validation.go:253."""
    assert row(level)["modes"]["raw"]["writes"] == "RawDeployment"
    isvc = objects.workload(render({"platform": level, "deploymentMode": "Standard"}))
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "RawDeployment"


@pytest.mark.parametrize("level", ON_0_17_AND_LATER + UPSTREAM_0_17_AND_LATER)
def test_kserve_0_17_and_later_name_the_modes_standard_and_knative(level):
    """KServe 0.17 and later (OpenShift AI 3.4, 3.5) call the modes Standard and Knative; their
    defaulting webhook rewrites RawDeployment and Serverless to those names, so the chart writes the
    new names and the stored object matches what it rendered.
    Sources: red-hat-data-services/kserve@rhoai-3.4:pkg/apis/serving/v1beta1/inference_service_defaults.go:166-176,
    pkg/constants/constants.go:519-545; kserve/kserve@v0.20.0: the same files."""
    assert row(level)["modes"]["raw"]["writes"] == "Standard"
    isvc = objects.workload(render({"platform": level, "deploymentMode": "RawDeployment"}))
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "Standard"


@pytest.mark.parametrize("level", UPSTREAM_0_17_AND_LATER)
def test_upstream_kserve_defaults_to_knative_so_the_mode_is_always_written(level):
    """Upstream KServe's own configuration defaults to Serverless (Knative), so the chart writes the
    mode annotation on every InferenceService and a user who chose Standard gets it.
    Sources: kserve/kserve@v0.17.0:config/configmap/inferenceservice.yaml:727-730;
    kserve/kserve@v0.20.0:config/configmap/inferenceservice.yaml:743-746."""
    assert row(level)["modes"]["default"] == "serverless"
    assert row(level)["modes"]["serverless"]["writes"] == "Knative"
    for mode, written in (("", "Knative"), ("Standard", "Standard")):
        isvc = objects.workload(render({"platform": level, "deploymentMode": mode}))
        assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == written


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_openshift_ai_3_4_validates_against_upstream_0_17_crds():
    """OpenShift AI 3.4's InferenceService and ServingRuntime CRDs are byte for byte those of upstream
    KServe v0.17.0, so its row is validated against that set.
    Source: red-hat-data-services/kserve@rhoai-3.4:config/crd/full/serving.kserve.io_inferenceservices.yaml,
    serving.kserve.io_servingruntimes.yaml (copied in the shared reference data, crds/rhoai-3.4)."""
    assert row("rhoai-3.4")["crdSet"] == "kserve-0.17"
    reference = REFERENCE_CRDS / "rhoai-3.4"
    if not reference.is_dir():
        pytest.skip("the shared reference data has no rhoai-3.4 CRDs to compare with")
    from tests.harness.controlplane import module_dir

    upstream = module_dir(f"github.com/kserve/kserve@{TABLE.crd_sets['kserve-0.17']['module']}") / "config" / "crd" / "full"
    for name in ("serving.kserve.io_inferenceservices.yaml", "serving.kserve.io_servingruntimes.yaml"):
        assert _sha256(reference / name) == _sha256(upstream / name), name


@pytest.mark.parametrize("level", ["rhoai-3.2", "rhoai-3.3", "rhoai-3.4", "rhoai-3.5"])
def test_openshift_ai_3_2_and_later_refuse_names_over_53_characters(level):
    """From 3.2 odh-model-controller's webhook refuses an InferenceService whose name is longer than
    53 characters; the chart's own limits (the longest name whose derived names fit 63 characters)
    are within it, so such a name is refused at render.
    Source: red-hat-data-services/odh-model-controller@rhoai-3.5:internal/controller/utils/utils.go:465-480,
    @rhoai-3.3:internal/controller/constants/constants.go:55."""
    assert row(level)["nameLength"]["singleNode"] <= 53
    assert "/inferenceService/name" in render_error({"platform": level, "inferenceService": {"name": "m" * 54}})


@pytest.mark.parametrize("level", OPENSHIFT_AI_3X + UPSTREAM_0_17_AND_LATER)
def test_multi_node_takes_autoscaler_none_and_pvc_or_oci(level):
    """Multi-node on every 3.x level and upstream 0.17 to 0.20 requires
    serving.kserve.io/autoscalerClass=none and a pvc:// or oci:// model.
    Sources: red-hat-data-services/kserve@rhoai-3.0:pkg/apis/serving/v1beta1/inference_service_validation.go:187-240;
    @rhoai-3.4: same file :284-335; @rhoai-3.5: :386-437; kserve/kserve@v0.20.0: same file."""
    assert row(level)["multiNode"]["autoscalerClass"] == "none"
    assert set(row(level)["multiNode"]["schemes"]) == {"oci", "pvc"}
    isvc = objects.workload(render({**RAW_MULTI_NODE, "platform": level, "deploymentMode": "RawDeployment"}))
    assert isvc["metadata"]["annotations"]["serving.kserve.io/autoscalerClass"] == "none"
    refused = render_error(deep_merge(RAW_MULTI_NODE, {"platform": level, "deploymentMode": "RawDeployment",
                                                       "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct"}}))
    assert "serves multi-node models only from" in refused


@pytest.mark.parametrize("level", OPENSHIFT_AI_3X + UPSTREAM_0_17_AND_LATER)
def test_hf_uris_are_downloaded(level):
    """hf:// is a storage URI prefix with a storage initializer on every 3.x level and upstream.
    Source: red-hat-data-services/kserve@rhoai-3.0:pkg/controller/v1beta1/inferenceservice/utils/utils.go:51."""
    assert row(level)["storage"]["hf"] is True
    model = objects.model_spec(render({"platform": level, "model": {"uri": "hf://ibm-granite/granite-3.3-2b-instruct"}}))
    assert model["storageUri"] == "hf://ibm-granite/granite-3.3-2b-instruct"


@pytest.mark.parametrize("level", ["rhoai-3.5", "kserve-0.20"])
def test_the_predictor_is_never_renamed(level):
    """KServe 0.20 (OpenShift AI 3.5) added spec.predictor.name, which renames the predictor's
    Deployment and Service to <isvc>-<name>-predictor: the address the chart's NOTES and `helm test`
    call. The chart never renders it.
    Source: kserve/kserve@v0.20.0:pkg/apis/serving/v1beta1/predictor.go:33-38."""
    for topology in ({}, {**RAW_MULTI_NODE, "deploymentMode": "RawDeployment"}):
        assert "name" not in objects.predictor(render({**topology, "platform": level}))


@pytest.mark.parametrize("level", ON_0_15_FORK)
def test_openshift_ai_3_0_to_3_3_issue_ray_tls_to_any_multi_node_runtime(level):
    """On 3.0 to 3.3 a ServingRuntime counts as multi-node by its workerSpec, whatever its name, and
    the Ray TLS certificates are issued for it: the chart keeps the runtime's own name and Ray TLS on.
    Sources: red-hat-data-services/odh-model-controller@rhoai-3.0:
    internal/controller/serving/servingruntime_controller.go:384-396;
    @rhoai-3.5:internal/webhook/core/v1/pod_webhook.go:35,58-64."""
    assert row(level)["multiNode"]["backend"] == "ray"
    assert row(level)["multiNode"]["rayTLS"] is True and row(level)["multiNode"]["runtimeName"] is None
    docs = render({**RAW_MULTI_NODE, "platform": level, "deploymentMode": "RawDeployment"})
    assert objects.runtime(docs)["metadata"]["name"] == "my-vllm"
    assert objects.env_entries(objects.runtime_containers(objects.runtime(docs))[0])[0] == {"name": "RAY_USE_TLS", "value": "1"}


@pytest.mark.parametrize("level", OPENSHIFT_AI_3X)
def test_openshift_ai_3_guards_the_endpoint_with_kube_rbac_proxy(level):
    """With security.opendatahub.io/enable-auth, 3.x puts kube-rbac-proxy in front of the model: it
    listens on 8443 with TLS, the predictor Service's port becomes https 8443, it passes the
    predictor timeout on (--upstream-timeout), and it lets through a token whose identity may `get`
    this InferenceService. The chart's URLs use https and 8443, and its Role grants that verb.
    Sources: red-hat-data-services/kserve@rhoai-3.0:
    pkg/controller/v1beta1/inferenceservice/reconcilers/deployment/deployment_reconciler.go:274-293,399-415,486-526;
    pkg/controller/v1beta1/inferenceservice/reconcilers/service/service_reconciler.go:205-225."""
    assert row(level)["authProxy"] == "kube-rbac-proxy" and row(level)["authProxyTimeout"] is True
    values = {"platform": level, "endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "caller"}]}}}
    docs = render(values)
    isvc = objects.workload(docs)
    assert isvc["metadata"]["annotations"]["security.opendatahub.io/enable-auth"] == "true"
    role = docs.get("Role")
    assert role["rules"] == [{"apiGroups": ["serving.kserve.io"], "resources": ["inferenceservices"],
                              "resourceNames": [isvc["metadata"]["name"]], "verbs": ["get"]}]
    assert f"https://{isvc['metadata']['name']}-predictor.default.svc.cluster.local:8443" in notes(values)


@pytest.mark.parametrize("level", ON_0_17_AND_LATER)
def test_openshift_ai_3_4_and_later_run_multi_node_on_vllms_multiprocessing_backend(level):
    """From 3.4 OpenShift AI's multi-node runtime uses vLLM's multiprocessing backend, not Ray: the
    runtime's spec.annotations carry multinode/executor-backend: mp, from which KServe makes one pod
    per pipeline stage and gives the pods HEAD_SVC and WORKER_SVC; the head serves the API as node 0
    and each worker joins it headless with its own node rank. No Ray, no Ray TLS, no object store
    in /dev/shm.
    Sources: red-hat-data-services/odh-model-controller@rhoai-3.4:config/runtimes/vllm-multinode-template.yaml:22-160
    (commit 5f9f4292); red-hat-data-services/kserve@rhoai-3.4:pkg/constants/constants.go:693-694,
    pkg/controller/v1beta1/inferenceservice/components/predictor.go:587-603,620-657."""
    assert row(level)["multiNode"]["backend"] == "mp" and row(level)["multiNode"]["rayTLS"] is False
    docs = render({**RAW_MULTI_NODE, "platform": level})
    runtime = objects.runtime(docs)
    assert runtime["spec"]["annotations"]["multinode/executor-backend"] == "mp"
    [head] = objects.runtime_containers(runtime)
    [worker] = objects.worker_containers(runtime)
    for container in (head, worker):
        script = container["command"][2]
        assert "--distributed-executor-backend=mp" in script and "ray " not in script
        assert not [name for name in objects.env_of(container) if name.startswith("RAY_")]
        assert objects.env_of(container)["MASTER_PORT"] == "29500"
    assert "--node-rank=0" in head["command"][2] and "--headless" in worker["command"][2]
    assert head["startupProbe"]["httpGet"] == {"path": "/health", "port": 8080}
    shm = next(v for v in runtime["spec"]["volumes"] if v["name"] == "shm")
    assert shm["emptyDir"]["sizeLimit"] == "4Gi"  # 2Gi + 2Gi for its one GPU, no Ray object store


@pytest.mark.parametrize("pod_ip, rank", [("10.0.0.12", "1"), ("10.0.0.7", "2"), ("10.0.0.9", "3")])
def test_an_mp_worker_takes_its_rank_from_the_workers_service(tmp_path, pod_ip, rank):
    """The worker script, run with stand-ins for getent (the workers' Service resolving to three
    pods, out of order, one twice) and vllm: each worker gets the 1-based place of its IP in the
    same order every worker sorts them in, so the ranks are distinct."""
    docs = render({**RAW_MULTI_NODE, "platform": "rhoai-3.4", "multiNode": {"pipelineParallelSize": 4}})
    [worker] = objects.worker_containers(objects.runtime(docs))
    (tmp_path / "getent").write_text("#!/bin/sh\nprintf '10.0.0.9 w\\n10.0.0.12 w\\n10.0.0.7 w\\n10.0.0.9 w\\n'\n")
    (tmp_path / "vllm").write_text("#!/bin/sh\necho \"$@\"\n")
    for stand_in in ("getent", "vllm"):
        (tmp_path / stand_in).chmod(0o755)
    env = {"PATH": f"{tmp_path}:/usr/bin:/bin", "PIPELINE_PARALLEL_SIZE": "4", "TENSOR_PARALLEL_SIZE": "1",
           "WORKER_SVC": "my-vllm-predictor-worker", "HEAD_SVC": "my-vllm-predictor", "POD_NAMESPACE": "ns",
           "POD_IP": pod_ip, "MASTER_PORT": "29500"}
    result = subprocess.run(["bash", "-c", worker["command"][2]], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert f"--node-rank={rank} " in result.stdout
    assert "--master-addr=my-vllm-predictor.ns.svc.cluster.local" in result.stdout


GPU_PROFILE = {"hardwareProfile": {"name": "gpu-serving", "namespace": "redhat-ods-applications"}}


@pytest.mark.parametrize("level", OPENSHIFT_AI_3X)
def test_a_hardware_profile_is_named_as_the_dashboard_names_it_and_sizes_the_model(level):
    """OpenShift AI 3.x applies a hardware profile to an InferenceService annotated with
    opendatahub.io/hardware-profile-name (and -namespace; the InferenceService's own namespace when
    it is absent): its admission webhook fills in each resource the model leaves out of its requests
    with the profile's defaultCount and places the pods. So with a profile the chart's default
    resources and tolerations (its guesses) yield to the profile, and values the user sets stay.
    Sources: red-hat-data-services/rhods-operator@rhoai-3.0:internal/webhook/hardwareprofile/mutating.go:223-254,475-560;
    red-hat-data-services/odh-model-controller@rhoai-3.5:internal/webhook/serving/hardwareprofile/injector.go:38-71."""
    docs = render({"platform": level, **GPU_PROFILE})
    isvc = objects.workload(docs)
    annotations = isvc["metadata"]["annotations"]
    assert annotations["opendatahub.io/hardware-profile-name"] == "gpu-serving"
    assert annotations["opendatahub.io/hardware-profile-namespace"] == "redhat-ods-applications"
    assert "resources" not in objects.model_spec(isvc) and "tolerations" not in objects.predictor(isvc)
    # the image still follows the accelerator the values name
    assert objects.runtime_containers(docs)[0]["image"].startswith(row(level)["images"]["cuda"]["repository"])
    mine = {"limits": {"nvidia.com/gpu": "2"}, "requests": {"nvidia.com/gpu": "2", "cpu": "3"}}
    isvc = objects.workload(render({"platform": level, **GPU_PROFILE, "resources": mine}))
    rendered = objects.model_spec(isvc)["resources"]  # Helm merges them with the defaults, as any map
    assert all(rendered[section][key] == value for section, entries in mine.items() for key, value in entries.items())
    assert "hardware-profile-name" not in str(objects.workload(render({"platform": level})))  # none by default


@pytest.mark.parametrize("level, placement", [("rhoai-3.0", "replace"), ("rhoai-3.2", "clear")])
def test_openshift_ai_3_0_and_3_2_overwrite_the_node_placement_so_the_chart_refuses_it(level, placement):
    """3.0's webhook replaces the InferenceService's nodeSelector and tolerations with the profile's
    whenever the profile has any; 3.2's clears them on every create and update while the profile
    annotation is there. Values of the user's there would be lost, so the chart refuses them.
    Sources: red-hat-data-services/rhods-operator@rhoai-3.0:internal/webhook/hardwareprofile/mutating.go:581-611;
    @rhoai-3.2: the same file :326-337."""
    assert row(level)["hardwareProfiles"] == {"placement": placement}
    for values in ({"nodeSelector": {"gpu": "h100"}},
                   {"tolerations": [{"key": "amd.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]}):
        refused = render_error({"platform": level, **GPU_PROFILE, **values})
        assert "hardwareProfile.name=gpu-serving" in refused and "put the" in refused


@pytest.mark.parametrize("level", ["rhoai-3.3", "rhoai-3.4", "rhoai-3.5"])
def test_openshift_ai_3_3_and_later_merge_the_node_placement(level):
    """From 3.3 the webhook merges: the InferenceService's nodeSelector and tolerations stay, the
    profile's keys win where both set one (with a warning). The chart keeps the user's and the notes
    say how the two combine.
    Sources: red-hat-data-services/rhods-operator@rhoai-3.4:internal/webhook/hardwareprofile/mutating.go:390-424,636-812;
    red-hat-data-services/odh-model-controller@rhoai-3.5:internal/webhook/serving/hardwareprofile/injector.go:150-189."""
    assert row(level)["hardwareProfiles"] == {"placement": "merge"}
    values = {"platform": level, **GPU_PROFILE, "nodeSelector": {"gpu": "h100"}}
    assert objects.predictor(render(values))["nodeSelector"] == {"gpu": "h100"}
    assert "the profile sets the same keys" in notes(values)


def test_the_profiles_reach_only_the_model_container_so_multi_node_is_refused():
    """The webhook writes resources into spec.predictor.model (the head) and never into workerSpec,
    so a multi-node model's workers would get neither the profile's accelerators nor its placement.
    Source: red-hat-data-services/rhods-operator@rhoai-3.0:internal/webhook/hardwareprofile/mutating.go:47-63,414-432."""
    for level in OPENSHIFT_AI_3X:
        refused = render_error({**RAW_MULTI_NODE, "platform": level, **GPU_PROFILE})
        assert "reaches only the head pod" in refused


def test_the_chart_names_no_profile_that_openshift_ai_does_not_ship():
    """OpenShift AI ships one hardware profile, default-profile in the applications namespace (2 CPU,
    4Gi, no accelerator); profiles such as nvidia-gpu-serving exist only on clusters upgraded from
    2.x. A profile that does not exist fails the install (HTTP 400), so the chart names none unless
    asked.
    Sources: red-hat-data-services/rhods-operator@rhoai-3.3:config/hardwareprofiles/default-profile.yaml,
    internal/controller/dscinitialization/hardwareprofile.go:19-43, pkg/upgrade/upgrade.go:285-334."""
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert values["hardwareProfile"] == {"name": "", "namespace": ""}


def test_the_defaults_that_yield_to_a_profile_are_the_values_yaml_defaults():
    """The chart leaves out exactly values.yaml's resources and tolerations: a copy of them in the
    templates that drifted would make the chart drop values a user chose."""
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    level = "rhoai-3.3"
    for changed in ({"resources": {**values["resources"], "limits": {"cpu": "5"}}},
                    {"tolerations": values["tolerations"] + [{"key": "x", "operator": "Exists"}]}):
        isvc = objects.workload(render({"platform": level, **GPU_PROFILE, **changed}))
        assert "resources" in objects.model_spec(isvc) or "tolerations" in objects.predictor(isvc)
    isvc = objects.workload(render({"platform": level, **GPU_PROFILE, "resources": values["resources"],
                                    "tolerations": values["tolerations"]}))
    assert "resources" not in objects.model_spec(isvc) and "tolerations" not in objects.predictor(isvc)


DISCOVERED = ["--api-versions", "serving.kserve.io/v1beta1/InferenceService"]
HARDWARE_PROFILES_V1 = ["--api-versions", "infrastructure.opendatahub.io/v1/HardwareProfile"]


def test_a_cluster_serving_v1_hardware_profiles_is_openshift_ai_3():
    """OpenShift AI serves infrastructure.opendatahub.io HardwareProfiles at v1 from 3.0; 2.23 to
    2.25 serve only v1alpha1 (2.22 none). Where Helm knows the cluster's APIs, a 2.x level on a
    cluster serving v1 is refused, naming the 3.x levels; 3.x levels install there.
    Sources: red-hat-data-services/rhods-operator@rhoai-2.25:config/crd/bases/infrastructure.opendatahub.io_hardwareprofiles.yaml
    (versions: v1alpha1); @rhoai-3.0: the same file (v1 served and stored, v1alpha1 served)."""
    raw = {"deploymentMode": "RawDeployment"}
    for level in ["rhoai-2.22", "rhoai-2.23", "rhoai-2.24", "rhoai-2.25"]:
        refused = render_error({**raw, "platform": level}, extra=DISCOVERED + HARDWARE_PROFILES_V1)
        assert "serves infrastructure.opendatahub.io/v1 HardwareProfiles" in refused and "rhoai-3.3" in refused
        assert objects.workload(render({**raw, "platform": level}, extra=DISCOVERED))
        assert objects.workload(render({**raw, "platform": level}, extra=HARDWARE_PROFILES_V1))  # offline, no KServe seen
    for level in OPENSHIFT_AI_3X:
        assert objects.workload(render({"platform": level}, extra=DISCOVERED + HARDWARE_PROFILES_V1))


def test_upstream_kserve_0_20_forms_multi_node_either_way():
    """Upstream KServe reads multinode/executor-backend: mp from the runtime's annotations from
    v0.18.0, while its own multi-node runtime still runs Ray; 0.17 knows only Ray. So kserve-0.20
    lets multiNode.backend choose, Ray by default, and 0.17 refuses mp.
    Sources: kserve/kserve@v0.18.0:pkg/constants/constants.go:692;
    kserve/kserve@v0.20.0:config/runtimes/kserve-huggingfaceserver-multinode.yaml:38."""
    assert row("kserve-0.20")["multiNode"]["backends"] == ["ray", "mp"] and row("kserve-0.20")["multiNode"]["backend"] == "ray"
    assert row("kserve-0.17")["multiNode"]["backends"] == ["ray"]
    values = {**RAW_MULTI_NODE, "platform": "kserve-0.20", "deploymentMode": "Standard"}
    assert "multinode/executor-backend" not in objects.runtime(render(values))["spec"]["annotations"]
    runtime = objects.runtime(render({**values, "multiNode": {"backend": "mp"}}))
    assert runtime["spec"]["annotations"]["multinode/executor-backend"] == "mp"
    assert "RAY_USE_TLS" not in objects.env_of(objects.worker_containers(runtime)[0])
    assert "with ray only" in render_error({**values, "platform": "kserve-0.17", "multiNode": {"backend": "mp"}})


# How each level's webhook checks the deploymentMode of an existing InferenceService (modes.update),
# with where that is written: validateDeploymentMode in pkg/apis/serving/v1beta1/inference_service_validation.go,
# and the defaulter in pkg/apis/serving/v1beta1/inference_service_defaults.go.
MODE_UPDATE_SOURCES = {
    "rhoai-2.22": ("exact", ("red-hat-data-services/kserve@rhoai-2.22 inference_service_validation.go:399, "
                            "no legacy names in the defaulter")),
    "rhoai-2.23": ("exact", "red-hat-data-services/kserve@rhoai-2.23 inference_service_validation.go:485"),
    "rhoai-2.24": ("exact", "red-hat-data-services/kserve@rhoai-2.24 inference_service_validation.go:485"),
    "rhoai-2.25": ("exact", "red-hat-data-services/kserve@rhoai-2.25 inference_service_validation.go:485"),
    "rhoai-3.0": ("exact", "red-hat-data-services/kserve@rhoai-3.0 inference_service_validation.go:485"),
    "rhoai-3.2": ("exact", "red-hat-data-services/kserve@rhoai-3.2 inference_service_validation.go:485"),
    "rhoai-3.3": ("exact", "red-hat-data-services/kserve@rhoai-3.3 inference_service_validation.go:485"),
    "rhoai-3.4": ("normalized", ("red-hat-data-services/kserve@rhoai-3.4 inference_service_validation.go:585 "
                  "(ParseDeploymentMode of the status), inference_service_defaults.go:168")),
    "rhoai-3.5": ("normalized", ("red-hat-data-services/kserve@rhoai-3.5 inference_service_validation.go:695, "
                  "inference_service_defaults.go:168")),
    "kserve-0.15": ("exact", "kserve/kserve@v0.15.2 inference_service_validation.go:447-457"),
    "kserve-0.16": ("exact", "kserve/kserve@v0.16.0 inference_service_validation.go:493-503, no legacy names in the defaulter"),
    "kserve-0.17": ("annotationOnly", ("kserve/kserve@v0.17.0 inference_service_defaults.go:157-170 rewrites the "
                    "annotation, inference_service_validation.go:495-505 compares the status as written")),
    "kserve-0.20": ("normalized", "kserve/kserve@v0.20.0 inference_service_validation.go:691-701"),
}


@pytest.mark.parametrize("level", list(MODE_UPDATE_SOURCES))
def test_each_level_checks_the_mode_of_an_existing_model_as_its_webhook_does(level):
    """KServe refuses an update whose deploymentMode annotation differs from the mode the
    InferenceService's status records. Levels differ in what they compare: the names as written
    (exact), the annotation rewritten from a legacy name but the status as written (annotationOnly),
    or both read with legacy names mapped (normalized). The chart keeps the recorded name on exact
    levels and refuses an in-place upgrade of a legacy model on annotationOnly ones
    (tests/test_upgrade_paths.py runs both behind KServe's own webhooks). Source: per level, in
    MODE_UPDATE_SOURCES."""
    assert set(MODE_UPDATE_SOURCES) == set(TABLE.levels)
    assert row(level)["modes"]["update"] == MODE_UPDATE_SOURCES[level][0]
