"""KServe's own controllers and admission webhooks, one per KServe module under tools/ (tools/kserve
builds v0.15.2, tools/kserve-<version> the later ones), each added to the running control plane on
the API server of the CRD set generated from its own version, with the CRDs and configuration it
reads (Knative Serving's and KEDA's CRDs among them, though no Knative or KEDA controller runs)."""

from __future__ import annotations

import base64
import functools
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from . import controlplane, processes
from .controlplane import PKI, STATE, kubectl, module_dir, wait_established

MANAGER = "kserve-manager"  # the first controller's process, log and state entries
KEDA_SCALED_OBJECT_CRD = "config/crd/bases/keda.sh_scaledobjects.yaml"
WEBHOOK_CONFIGURATION = "vllm-kserve-local-kserve"  # both configurations' name
# the pod mutator only sees the pods of InferenceServices, as KServe's own install arranges
KSERVE_PODS = {"matchExpressions": [{"key": "serving.kserve.io/inferenceservice", "operator": "Exists"}]}


@dataclass(frozen=True)
class Controller:
    """One KServe controller: the tools/ module it is built from, its binary (also its process and
    state name), the KServe version, and the CRD set (control-plane level) it reconciles."""

    binary: str
    version: str
    level: str


@functools.cache
def controllers() -> list[Controller]:
    from schema.generate import kserve_tool_version, kserve_tools

    from . import schemas  # the table needs PyYAML; `down` and `status` run without it

    found = []
    for tool in kserve_tools():
        version = kserve_tool_version(tool)
        level = next(name for name, spec in schemas.TABLE.crd_sets.items() if spec.get("module") == version)
        found.append(Controller(MANAGER + tool.name.removeprefix("kserve"), version, level))
    return found


def controller_for(level: str) -> Controller:
    return next(c for c in controllers() if c.level == level)


def controller_level() -> str:
    """The CRD set (and control-plane level) the first KServe controller, tools/kserve's, reconciles."""
    return controllers()[0].level


def webhook_configurations(port: int) -> dict:
    """KServe's admission webhooks, called at https://127.0.0.1:<port> with our CA: a v1 List of a
    MutatingWebhookConfiguration and a ValidatingWebhookConfiguration."""
    ca = base64.b64encode((PKI / "ca.crt").read_bytes()).decode()

    def hook(name: str, path: str, resource: str, group: str, version: str, operations: list[str], **extra) -> dict:
        return {
            "name": name, "admissionReviewVersions": ["v1"], "sideEffects": "None", "failurePolicy": "Fail",
            "clientConfig": {"url": f"https://127.0.0.1:{port}{path}", "caBundle": ca},
            "rules": [{"apiGroups": [group], "apiVersions": [version], "operations": operations, "resources": [resource]}],
            **extra,
        }

    def configuration(kind: str, webhooks: list[dict]) -> dict:
        return {"apiVersion": "admissionregistration.k8s.io/v1", "kind": kind,
                "metadata": {"name": WEBHOOK_CONFIGURATION}, "webhooks": webhooks}

    writes = ["CREATE", "UPDATE"]
    return {"apiVersion": "v1", "kind": "List", "items": [
        configuration("MutatingWebhookConfiguration", [
            hook("inferenceservice.kserve-webhook-server.defaulter", "/mutate-serving-kserve-io-v1beta1-inferenceservice",
                 "inferenceservices", "serving.kserve.io", "v1beta1", writes),
            hook("inferenceservice.kserve-webhook-server.pod-mutator", "/mutate-pods", "pods", "", "v1", ["CREATE"],
                 objectSelector=KSERVE_PODS),
        ]),
        configuration("ValidatingWebhookConfiguration", [
            hook("inferenceservice.kserve-webhook-server.validator", "/validate-serving-kserve-io-v1beta1-inferenceservice",
                 "inferenceservices", "serving.kserve.io", "v1beta1", writes),
            hook("servingruntime.kserve-webhook-server.validator", "/validate-serving-kserve-io-v1alpha1-servingruntime",
                 "servingruntimes", "serving.kserve.io", "v1alpha1", writes),
        ]),
    ]}


def install_dependencies(controller: Controller) -> None:
    """The CRDs and configuration the controller reads before it reconciles anything, from its own
    KServe version."""
    level = controller.level
    kserve = module_dir(f"github.com/kserve/kserve@{controller.version}") / "config"
    # Knative's CRDs come with the level (controlplane.prepare_level); the controller also reads
    # ClusterStorageContainers, watches ClusterServingRuntimes (0.17) and, when deleting, TrainedModels
    crds = ["clusterstoragecontainers", "clusterservingruntimes", "trainedmodels"]
    # each in config/crd/full or, from 0.17, a folder of its own there
    files = [next((kserve / "crd" / "full").rglob(f"serving.kserve.io_{crd}.yaml")) for crd in crds]
    kubectl("create", *[arg for path in files for arg in ("-f", str(path))],
            "-f", str(module_dir("github.com/kedacore/keda/v2") / KEDA_SCALED_OBJECT_CRD), context=level)
    wait_established("scaledobjects.keda.sh", level)
    for crd in crds:
        wait_established(f"{crd}.serving.kserve.io", level)
    # upstream's default storage initializer, which serves hf://, s3:// and friends
    kubectl("create", "-f", str(kserve / "storagecontainers" / "default.yaml"), context=level)
    # KServe reads Knative's autoscaler settings before it writes a Knative Service
    kubectl("create", "namespace", "knative-serving", context=level)
    kubectl("create", "-f", str(module_dir("knative.dev/serving") / "config" / "core" / "configmaps" / "autoscaler.yaml"),
            context=level)
    kubectl("create", "namespace", "kserve", context=level)
    kubectl("create", "-f", "-", input=json.dumps(inferenceservice_config(kserve, level)), context=level)


def inferenceservice_config(kserve: Path, level: str) -> dict:
    """KServe's inferenceservice-config as its release ships it, with the local model cache turned
    on where the level has the namespaced one, as an administrator does to use it (its controller
    does not run here: the InferenceService defaulter, which matches models to caches, does)."""
    import yaml  # `down` and `status` run without PyYAML

    config = yaml.safe_load((kserve / "configmap" / "inferenceservice.yaml").read_text())
    if level in controlplane.cache_levels():
        local = json.loads(config["data"]["localModel"])
        config["data"]["localModel"] = json.dumps({**local, "enabled": True})
    return config


def start_kserve(state: dict, servers: dict[str, int], controller: Controller) -> None:
    """A KServe controller and its webhooks on its level, with Knative Serving's CRDs beside them so
    Serverless InferenceServices reconcile into Knative Services, and KEDA's ScaledObject CRD so
    RawDeployments with the keda autoscaler get one (no Knative or KEDA controller runs)."""
    level = controller.level
    install_dependencies(controller)
    certs = STATE / "kserve-webhook"
    certs.mkdir(exist_ok=True)
    (certs / "tls.crt").write_bytes((PKI / "apiserver.crt").read_bytes())  # its SANs include 127.0.0.1
    (certs / "tls.key").write_bytes((PKI / "apiserver.key").read_bytes())
    config = STATE / f"{controller.binary}.kubeconfig"
    controlplane.write_kubeconfig(config, {level: servers[level]}, "admin", current=level)
    webhook_port, probe_port = processes.free_port(), processes.free_port()
    manager = processes.start(controller.binary, [
        str(controlplane.BIN / controller.binary), "--kubeconfig", str(config), "--webhook-port", str(webhook_port),
        "--cert-dir", str(certs), "--health-probe-addr", f"127.0.0.1:{probe_port}",
    ], STATE, env={**os.environ, "POD_NAMESPACE": "kserve"})
    state["pids"][controller.binary] = manager.pid
    state["ports"][controller.binary] = webhook_port
    controlplane.wait_ready(f"http://127.0.0.1:{probe_port}/readyz", controller.binary, manager)
    kubectl("create", "-f", "-", input=json.dumps(webhook_configurations(webhook_port)), context=level)


def ensure_kserve(level: str | None = None) -> dict:
    """Start the KServe controller and webhooks of `level` (the first controller's by default) on the
    running control plane, and its level's API server, unless they run already."""
    controller = controller_for(level or controller_level())
    controlplane.ensure_level(controller.level)
    with controlplane.locked_state(require_running=True) as state:
        if controller.binary not in state["pids"]:
            started = time.monotonic()
            try:
                start_kserve(state, controlplane.api_servers(state), controller)
            except BaseException:
                # the control plane stays up; only a half-started manager goes, and off the record
                if controller.binary in state["pids"]:
                    processes.stop_pids([state["pids"].pop(controller.binary)], grace=1)
                state["ports"].pop(controller.binary, None)
                raise
            seconds = round(time.monotonic() - started, 1)
            state.setdefault("controller_seconds_to_ready", {})[controller.binary] = seconds
            if controller.binary == MANAGER:
                state["kserve_seconds_to_ready"] = seconds
        return state
