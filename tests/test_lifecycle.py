"""The release lifecycle against a real API server: install, re-apply, upgrade, roll back, uninstall,
and the permissions the chart grants, as Kubernetes itself evaluates them."""

import base64
import json
import subprocess
import time

import pytest
import yaml

from tests.harness import cluster, objects, schemas
from tests.harness.kube import documents, is_hook, is_subset
from tests.harness.paths import BIN, CHART
from tests.harness.render import effective_platform
from tests.harness.scenarios import (
    CI_VALUES,
    DEFAULT_LEVEL,
    TABLE,
    UPSTREAM,
    a_level_where,
    accepted_upstream,
    levels_where,
)

pytestmark = pytest.mark.cluster

CHART_KINDS = {"InferenceService": "inferenceservice", "ServingRuntime": "servingruntime", "ServiceAccount": "serviceaccount",
               "Secret": "secret", "Role": "role", "RoleBinding": "rolebinding", "ConfigMap": "configmap",
               "PodDisruptionBudget": "poddisruptionbudget", "NetworkPolicy": "networkpolicy",
               "ServiceMonitor": "servicemonitors.monitoring.coreos.com", "PodMonitor": "podmonitors.monitoring.coreos.com",
               "LocalModelNamespaceCache": "localmodelnamespacecaches.serving.kserve.io"}

# kinds whose CRDs only some levels' clusters serve (the namespaced model cache's)
ONLY_ON_SOME_LEVELS = {CHART_KINDS["LocalModelNamespaceCache"]}


@pytest.fixture
def namespace(kube, request):
    """A fresh namespace on the API server of the test's platform, deleted afterwards."""
    made = []

    def make(platform=DEFAULT_LEVEL, prefix=None):
        client = kube(platform)
        name = client.create_namespace(prefix or request.node.name.removeprefix("test_"))
        made.append((client, name))
        return client, name

    yield make
    for client, name in made:
        client.delete_namespace(name)


def live_objects(client, manifest, namespace):
    """(rendered, stored) pairs for every non-hook object of a manifest."""
    pairs = []
    for doc in documents(manifest):
        if is_hook(doc):
            continue
        live = client.get(CHART_KINDS[doc["kind"]], doc["metadata"]["name"], doc["metadata"].get("namespace", namespace))
        pairs.append((doc, live))
    return pairs


def install_and_compare(client, ns, *flags, release="my-vllm"):
    """Install with these helm flags after a strict server-side dry run; every field the chart set
    must come back from the API server as rendered, and the test hook must be valid too."""
    manifest = client.helm("template", release, str(CHART), "-n", ns, *flags).stdout
    # accounts the scenario creates in other namespaces need those namespaces
    for doc in documents(manifest):
        if doc["metadata"].get("namespace", ns) != ns:
            client.ensure_namespace(doc["metadata"]["namespace"])
    non_hooks = "\n---\n".join(yaml.safe_dump(d) for d in documents(manifest) if not is_hook(d))
    dry_run = client.kubectl("apply", "--dry-run=server", "--validate=strict", "-n", ns, "-f", "-", input=non_hooks)
    assert "unknown field" not in dry_run.stderr, dry_run.stderr

    client.install(release, ns, *flags)
    problems = [f"{doc['kind']}/{doc['metadata']['name']}{p}" for doc, live in live_objects(client, manifest, ns)
                for p in (is_subset(doc, live) if live else [": not found"])]
    assert not problems, "\n".join(problems)
    # the test hook is valid too, now that the accounts it runs as exist
    for hook in (d for d in documents(manifest) if is_hook(d)):
        created = client.kubectl("create", "--dry-run=server", "--validate=strict", "-n", ns, "-f", "-",
                                 input=yaml.safe_dump(hook))
        assert "unknown field" not in created.stderr
    return manifest


@pytest.mark.parametrize("values", CI_VALUES, ids=lambda p: p.name)
def test_scenario_installs_keeps_every_field_and_reapplies_as_a_no_op(namespace, values):
    platform = effective_platform([values])
    # without a reference CRD set at hand, its stand-in's API server takes the level, with KServe's webhooks
    crd_set = TABLE.crd_set_of(platform)
    if not schemas.available(crd_set) and not accepted_upstream(values):
        pytest.skip(f"{schemas.unavailable_reason(crd_set)}, and the upstream API server standing in for it refuses "
                    f"this scenario as the chart does at that level (render it with platform={UPSTREAM['platform']})")
    client, ns = namespace(platform, prefix=values.name.removesuffix("-values.yaml"))
    manifest = install_and_compare(client, ns, "-f", str(values))
    before = settled_versions(client, ns, manifest)
    client.install("my-vllm", ns, "-f", str(values))
    assert resource_versions(client, ns, manifest) == before


def test_hugging_face_model_with_token_and_tool_calling_install_as_rendered(namespace, tmp_path):
    level = a_level_where(lambda row: row["storage"]["hf"])
    client, ns = namespace(level)
    template = tmp_path / "template.jinja"
    template.write_text("{% for m in messages %}{{ m.content }}{% endfor %}")
    manifest = install_and_compare(client, ns, "--set", f"platform={level}",
                                   "--set", "model.uri=hf://ibm-granite/granite-3.3-2b-instruct",
                                   "--set", "model.huggingFace.tokenSecret.name=hf-token",
                                   "--set", "model.toolCalling.preset=granite",
                                   "--set-file", f"model.chatTemplate={template}")
    stored = client.get("inferenceservice", "my-vllm", ns)
    model = objects.model_spec(stored)
    assert model["storageUri"] == "hf://ibm-granite/granite-3.3-2b-instruct"
    assert stored["metadata"]["annotations"]["serving.kserve.io/storageSecretName"] == "hf-token"
    assert "--tool-call-parser=granite" in objects.runtime_containers(client.get("servingruntime", "my-vllm", ns))[0]["args"] \
        + model.get("args", [])
    assert "ConfigMap" in [d["kind"] for d in documents(manifest)]


def test_a_release_can_use_another_release_runtime(namespace):
    client, ns = namespace()
    install_and_compare(client, ns, release="shared")
    manifest = install_and_compare(client, ns, "--set", "servingRuntime.useExisting=shared", release="second")
    assert "ServingRuntime" not in [d["kind"] for d in documents(manifest)]
    assert objects.model_spec(client.get("inferenceservice", "second", ns))["runtime"] == "shared"
    assert client.get("servingruntime", "second", ns) is None
    # the shared runtime belongs to its own release: removing the user keeps it
    client.helm("uninstall", "second", "-n", ns)
    assert client.get("servingruntime", "shared", ns)


def resource_versions(client, ns, manifest):
    return {(d["kind"], d["metadata"]["name"]): live["metadata"]["resourceVersion"]
            for d, live in live_objects(client, manifest, ns)}


def settled_versions(client, ns, manifest, quiet=1.0, timeout=20.0):
    """The resourceVersions once the controllers are done with a fresh install (KServe adds its
    finalizer and status, the token controller fills a legacy token): unchanged over `quiet` seconds."""
    deadline = time.monotonic() + timeout
    versions = resource_versions(client, ns, manifest)
    while time.monotonic() < deadline:
        time.sleep(quiet)
        again = resource_versions(client, ns, manifest)
        if again == versions:
            return versions
        versions = again
    raise AssertionError(f"the objects kept changing for {timeout:.0f}s after the install")


def test_reapplying_unchanged_values_changes_nothing(namespace):
    client, ns = namespace()
    flags = ["--set", "endpoint.auth.enabled=true", "--set", "endpoint.auth.serviceAccounts[0].name=caller"]
    client.install("my-vllm", ns, *flags)
    manifest = client.helm("get", "manifest", "my-vllm", "-n", ns).stdout
    before = settled_versions(client, ns, manifest)
    client.install("my-vllm", ns, *flags)
    assert resource_versions(client, ns, manifest) == before


def accounts(*names):
    flags = ["--set", "endpoint.auth.enabled=true"]
    for i, name in enumerate(names):
        flags += ["--set", f"endpoint.auth.serviceAccounts[{i}].name={name}"]
    return flags


def wait_for_token(client, ns, name):
    for _ in range(100):
        secret = client.get("secret", name, ns)
        if secret and secret.get("data", {}).get("token"):
            return secret
        time.sleep(0.1)
    raise AssertionError(f"kube-controller-manager never filled the token of {ns}/{name}")


def test_accounts_added_and_removed_on_upgrade(namespace):
    client, ns = namespace()
    client.install("my-vllm", ns, *accounts("keep", "drop"))
    kept_token = wait_for_token(client, ns, "keep")
    client.install("my-vllm", ns, *accounts("keep", "new"))
    assert client.get("serviceaccount", "drop", ns) is None
    assert client.get("secret", "drop", ns) is None
    assert client.get("rolebinding", "my-vllm-view-drop", ns) is None
    assert client.get("serviceaccount", "new", ns) and client.get("rolebinding", "my-vllm-view-new", ns)
    still = wait_for_token(client, ns, "keep")
    assert (still["metadata"]["uid"], still["data"]["token"]) == (kept_token["metadata"]["uid"], kept_token["data"]["token"])


def test_upgrades_change_args_auth_and_storage_and_rollback_restores(namespace):
    client, ns = namespace()
    client.install("my-vllm", ns, *accounts("caller"))
    first = {(kind, name): client.get(kind, name, ns) for kind, name in REVISION_ONE_OBJECTS}
    assert all(first.values())

    client.install("my-vllm", ns, *accounts("caller"), "--set", "model.args={--max-model-len=4096}")
    assert objects.model_spec(client.get("inferenceservice", "my-vllm", ns))["args"] == ["--max-model-len=4096"]

    client.install("my-vllm", ns, "--set", "model.mode=s3", "--set", "model.s3.key=conn", "--set", "model.s3.path=models/m")
    isvc = client.get("inferenceservice", "my-vllm", ns)
    model = objects.model_spec(isvc)
    assert model["storage"] == {"key": "conn", "path": "models/m"} and "storageUri" not in model and "args" not in model
    assert "security.opendatahub.io/enable-auth" not in isvc["metadata"]["annotations"]
    assert client.get("role", "my-vllm-view", ns) is None and client.get("serviceaccount", "caller", ns) is None

    client.helm("rollback", "my-vllm", "1", "-n", ns)
    for (kind, name), before in first.items():
        after = client.get(kind, name, ns)
        assert after is not None, f"{kind}/{name} did not come back"
        for field in ("spec", "rules", "roleRef", "subjects"):
            assert after.get(field) == before.get(field), f"{kind}/{name} {field}"
        assert chart_metadata(after) == chart_metadata(before), f"{kind}/{name} metadata"


def chart_metadata(obj):
    """The labels and annotations the chart sets, without the ones Helm stamps on each revision."""
    metadata = obj["metadata"]
    return ({k: v for k, v in metadata.get("labels", {}).items() if k != "helm.sh/chart"},
            {k: v for k, v in metadata.get("annotations", {}).items() if not k.startswith("meta.helm.sh/")})


# What revision 1 (auth on, one account) creates; the rollback must bring each back as it was.
REVISION_ONE_OBJECTS = [("inferenceservice", "my-vllm"), ("servingruntime", "my-vllm"), ("role", "my-vllm-view"),
                        ("rolebinding", "my-vllm-view-caller"), ("serviceaccount", "caller")]


def test_uninstall_leaves_nothing_in_any_namespace_it_wrote_to(namespace):
    client, ns = namespace()
    _, other = namespace(prefix="accounts-elsewhere")
    flags = [*accounts("here"), "--set", "endpoint.auth.serviceAccounts[1].name=there",
             "--set", f"endpoint.auth.serviceAccounts[1].namespace={other}"]
    client.install("my-vllm", ns, *flags)
    assert wait_for_token(client, other, "there")
    client.helm("uninstall", "my-vllm", "-n", ns)
    leftovers = []
    for where in (ns, other):
        for kind in CHART_KINDS.values():
            listed = client.kubectl("get", kind, "-n", where, "-o", "json", check=False)
            if listed.returncode and "doesn't have a resource type" in listed.stderr and kind in ONLY_ON_SOME_LEVELS:
                continue
            assert listed.returncode == 0, listed.stderr
            items = json.loads(listed.stdout)["items"]
            leftovers += [f"{where}/{kind}/{i['metadata']['name']}" for i in items
                          if i["metadata"].get("labels", {}).get("app.kubernetes.io/instance") == "my-vllm"
                          or i["metadata"]["name"] in ("here", "there")]
    assert not leftovers, leftovers


def test_changing_the_deployment_mode_is_refused_before_anything_is_sent(namespace):
    client, ns = namespace()
    client.install("my-vllm", ns)
    before = client.get("inferenceservice", "my-vllm", ns)["metadata"]["resourceVersion"]
    refused = client.install("my-vllm", ns, "--set", "deploymentMode=RawDeployment", check=False)
    assert refused.returncode != 0
    assert "already runs as Serverless and KServe cannot change the mode" in refused.stderr
    assert "helm uninstall" in refused.stderr
    assert client.get("inferenceservice", "my-vllm", ns)["metadata"]["resourceVersion"] == before
    assert "deployed" in client.helm("status", "my-vllm", "-n", ns).stdout


def can_i(client, ns, verb, target, account, account_ns=None):
    who = f"system:serviceaccount:{account_ns or ns}:{account}"
    return client.kubectl("auth", "can-i", verb, target, "-n", ns, "--as", who, check=False).stdout.strip()


def test_each_account_may_get_only_its_inference_service(namespace):
    client, ns = namespace()
    _, elsewhere = namespace(prefix="callers-elsewhere")
    client.install("my-vllm", ns, *accounts("caller", "other-caller"),
                   "--set", "endpoint.auth.serviceAccounts[2].name=remote-caller",
                   "--set", f"endpoint.auth.serviceAccounts[2].namespace={elsewhere}")
    client.install("another", ns)
    for account, home in (("caller", ns), ("other-caller", ns), ("remote-caller", elsewhere)):
        assert can_i(client, ns, "get", "inferenceservice/my-vllm", account, home) == "yes", account
        assert can_i(client, ns, "get", "inferenceservice/another", account, home) == "no", account
        for verb, target in (("list", "inferenceservices"), ("watch", "inferenceservices"),
                             ("update", "inferenceservice/my-vllm"), ("patch", "inferenceservice/my-vllm"),
                             ("delete", "inferenceservice/my-vllm"),
                             ("get", "secrets"), ("get", "servingruntime/my-vllm")):
            assert can_i(client, ns, verb, target, account, home) == "no", (account, verb, target)
    # nothing is granted in the remote account's own namespace
    assert can_i(client, elsewhere, "get", "inferenceservice/my-vllm", "remote-caller", elsewhere) == "no"
    # an account of the same name in another namespace is someone else
    assert can_i(client, ns, "get", "inferenceservice/my-vllm", "caller", elsewhere) == "no"


def test_the_legacy_token_authenticates_with_exactly_that_permission(namespace):
    client, ns = namespace()
    client.install("my-vllm", ns, *accounts("caller"))
    client.install("another", ns)
    token = base64.b64decode(wait_for_token(client, ns, "caller")["data"]["token"]).decode()
    server = yaml.safe_load(cluster.KUBECONFIG.read_text())
    [entry] = [c["cluster"] for c in server["clusters"] if c["name"] == client.context]

    def as_caller(*args):
        return subprocess.run([str(BIN / "kubectl"), "--kubeconfig", "/dev/null", "--server", entry["server"],
                               "--certificate-authority", entry["certificate-authority"], "--token", token, *args, "-n", ns],
                              capture_output=True, text=True, check=False)

    allowed = as_caller("get", "inferenceservice", "my-vllm", "-o", "name")
    assert allowed.stdout.strip() == "inferenceservice.serving.kserve.io/my-vllm"
    denied = as_caller("get", "inferenceservice", "another")
    assert denied.returncode != 0 and "forbidden" in denied.stderr
    assert "system:serviceaccount:" + ns + ":caller" in denied.stderr
    for refused in (as_caller("delete", "inferenceservice", "my-vllm"),
                    as_caller("annotate", "inferenceservice", "my-vllm", "touched=yes"),
                    as_caller("get", "inferenceservices")):
        assert refused.returncode != 0 and "forbidden" in refused.stderr, refused.stderr


def test_chat_template_config_map_follows_the_value(namespace, tmp_path):
    client, ns = namespace()
    template = tmp_path / "template.jinja"
    template.write_text("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    client.install("my-vllm", ns, "--set-file", f"model.chatTemplate={template}")
    assert client.get("configmap", "my-vllm-chat-template", ns)["data"] == {"template.jinja": template.read_text()}
    client.install("my-vllm", ns, "--reset-values")  # without it an upgrade with no values keeps the last ones
    assert client.get("configmap", "my-vllm-chat-template", ns) is None
    assert "volumes" not in objects.predictor(client.get("inferenceservice", "my-vllm", ns))


def test_stopping_and_resuming_a_model(namespace):
    client, ns = namespace()
    client.install("my-vllm", ns)
    client.install("my-vllm", ns, "--set", "scaling.stopped=true")
    assert client.get("inferenceservice", "my-vllm", ns)["metadata"]["annotations"]["serving.kserve.io/stop"] == "true"
    client.install("my-vllm", ns, "--set", "scaling.stopped=false")
    assert "serving.kserve.io/stop" not in client.get("inferenceservice", "my-vllm", ns)["metadata"]["annotations"]


def test_disruption_budget_is_accepted_and_removed(namespace):
    client, ns = namespace()
    raw = ["--set", "deploymentMode=RawDeployment", "--set", "scaling.maxReplicas=2"]
    client.install("my-vllm", ns, *raw, "--set", "podDisruptionBudget.enabled=true")
    pdb = client.get("poddisruptionbudget", "my-vllm-predictor", ns)
    assert pdb["spec"]["selector"]["matchLabels"]["serving.kserve.io/inferenceservice"] == "my-vllm"
    client.install("my-vllm", ns, *raw)
    assert client.get("poddisruptionbudget", "my-vllm-predictor", ns) is None


# one level with KEDA on each CRD set, and the raw mode name it writes
KEDA_LEVELS = {TABLE.crd_set_of(level): level for level in reversed(levels_where(lambda row: row["keda"]))}


@pytest.mark.parametrize("platform, mode", [(level, TABLE.row(level)["modes"]["raw"]["writes"])
                                            for level in KEDA_LEVELS.values()])
def test_every_level_accepts_its_own_keda_and_mode_names(namespace, platform, mode):
    client, ns = namespace(platform)
    client.install("my-vllm", ns, "--set", f"platform={platform}", "--set", f"deploymentMode={mode}",
                   "--set", "scaling.maxReplicas=3", "--set", "scaling.rawDeployment.autoscaler=keda",
                   "--set", "scaling.rawDeployment.keda.serverAddress=http://prometheus.monitoring:9090")
    isvc = client.get("inferenceservice", "my-vllm", ns)
    assert objects.predictor(isvc)["autoScaling"]["metrics"][0]["type"] == "External"
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == mode


def test_a_cluster_that_contradicts_the_level_is_refused(namespace):
    """On a live OpenShift AI 3.x cluster (here the API server of a CRD set only 3.x levels use,
    serving KServe and HardwareProfiles but no Knative), a 2.x level is refused before anything is
    created: Serverless for want of Knative, and any mode for the cluster's v1 HardwareProfiles,
    each message naming the way out; the level that fits installs."""
    from tests.harness.controlplane import REFERENCE_CRDS, hardware_profile_levels, knative_levels

    if not (REFERENCE_CRDS / "hardwareprofile").is_dir():
        pytest.skip("the shared reference data has no HardwareProfile CRD to serve")
    server = next(iter(sorted(hardware_profile_levels() - knative_levels())))
    fits = next(lv for lv in TABLE.levels if schemas.crd_set_for(lv) == server)
    older = a_level_where(lambda row: row["openShiftAI"] and row["modes"]["serverless"]
                          and row["keda"] and row["modes"]["default"] == "serverless")
    client, ns = namespace(fits)
    refused = client.install("my-vllm", ns, "--set", f"platform={older}", check=False)
    assert refused.returncode and "needs Knative Serving" in refused.stderr, refused.stderr
    assert "use deploymentMode=RawDeployment" in refused.stderr
    raw = client.install("my-vllm", ns, "--set", f"platform={older}", "--set", "deploymentMode=RawDeployment", check=False)
    assert raw.returncode and "serves infrastructure.opendatahub.io/v1 HardwareProfiles" in raw.stderr, raw.stderr
    assert f"{fits}" in raw.stderr
    assert client.get("inferenceservice", "my-vllm", ns) is None
    client.install("my-vllm", ns, "--set", f"platform={fits}")
    assert client.get("inferenceservice", "my-vllm", ns)
