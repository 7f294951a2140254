"""KServe's own controller (built from the KServe version tools/kserve pins) and its admission
webhooks, added to the running control plane on the API server of the CRD set generated from that
same version, with the CRDs and configuration it reads (Knative Serving's and KEDA's CRDs among
them, though no Knative or KEDA controller runs)."""

from __future__ import annotations

import base64
import json
import os
import time

from . import controlplane, processes
from .controlplane import PKI, STATE, kubectl, module_dir, wait_established

MANAGER = "kserve-manager"  # its process, log and state entries
KEDA_SCALED_OBJECT_CRD = "config/crd/bases/keda.sh_scaledobjects.yaml"
WEBHOOK_CONFIGURATION = "vllm-kserve-local-kserve"  # both configurations' name
# the pod mutator only sees the pods of InferenceServices, as KServe's own install arranges
KSERVE_PODS = {"matchExpressions": [{"key": "serving.kserve.io/inferenceservice", "operator": "Exists"}]}


def controller_level() -> str:
    """The CRD set (and control-plane level) KServe's controller reconciles."""
    from . import schemas  # the table needs PyYAML; `down` and `status` run without it

    return schemas.controller_crd_set()


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


def install_dependencies(level: str) -> None:
    """The CRDs and configuration the controller reads before it reconciles anything."""
    kserve = module_dir("github.com/kserve/kserve") / "config"
    # Knative's CRDs come with the level (controlplane.prepare_level); the controller also reads
    # ClusterStorageContainers and, when deleting, TrainedModels
    kubectl("create", "-f", str(kserve / "crd" / "full" / "serving.kserve.io_clusterstoragecontainers.yaml"),
            "-f", str(kserve / "crd" / "full" / "serving.kserve.io_trainedmodels.yaml"),
            "-f", str(module_dir("github.com/kedacore/keda/v2") / KEDA_SCALED_OBJECT_CRD), context=level)
    wait_established("scaledobjects.keda.sh", level)
    wait_established("clusterstoragecontainers.serving.kserve.io", level)
    wait_established("trainedmodels.serving.kserve.io", level)
    # upstream's default storage initializer, which serves hf://, s3:// and friends
    kubectl("create", "-f", str(kserve / "storagecontainers" / "default.yaml"), context=level)
    # KServe reads Knative's autoscaler settings before it writes a Knative Service
    kubectl("create", "namespace", "knative-serving", context=level)
    kubectl("create", "-f", str(module_dir("knative.dev/serving") / "config" / "core" / "configmaps" / "autoscaler.yaml"),
            context=level)
    kubectl("create", "namespace", "kserve", context=level)
    kubectl("create", "-f", str(kserve / "configmap" / "inferenceservice.yaml"), context=level)


def start_kserve(state: dict, servers: dict[str, int]) -> None:
    """KServe's controller and webhooks on the upstream level, with Knative Serving's CRDs beside them
    so Serverless InferenceServices reconcile into Knative Services, and KEDA's ScaledObject CRD so
    RawDeployments with the keda autoscaler get one (no Knative or KEDA controller runs)."""
    level = controller_level()
    install_dependencies(level)
    certs = STATE / "kserve-webhook"
    certs.mkdir(exist_ok=True)
    (certs / "tls.crt").write_bytes((PKI / "apiserver.crt").read_bytes())  # its SANs include 127.0.0.1
    (certs / "tls.key").write_bytes((PKI / "apiserver.key").read_bytes())
    config = STATE / f"{MANAGER}.kubeconfig"
    controlplane.write_kubeconfig(config, {level: servers[level]}, "admin", current=level)
    webhook_port, probe_port = processes.free_port(), processes.free_port()
    manager = processes.start(MANAGER, [
        str(controlplane.BIN / "kserve-manager"), "--kubeconfig", str(config), "--webhook-port", str(webhook_port),
        "--cert-dir", str(certs), "--health-probe-addr", f"127.0.0.1:{probe_port}",
    ], STATE, env={**os.environ, "POD_NAMESPACE": "kserve"})
    state["pids"][MANAGER] = manager.pid
    state["ports"][MANAGER] = webhook_port
    controlplane.wait_ready(f"http://127.0.0.1:{probe_port}/readyz", MANAGER, manager)
    kubectl("create", "-f", "-", input=json.dumps(webhook_configurations(webhook_port)), context=level)


def ensure_kserve() -> dict:
    """Start KServe's controller and webhooks on the running control plane unless they run already."""
    with controlplane.locked_state(require_running=True) as state:
        if MANAGER not in state["pids"]:
            started = time.monotonic()
            try:
                start_kserve(state, controlplane.api_servers(state))
            except BaseException:
                # the control plane stays up; only a half-started manager goes, and off the record
                if MANAGER in state["pids"]:
                    processes.stop_pids([state["pids"].pop(MANAGER)], grace=1)
                state["ports"].pop(MANAGER, None)
                raise
            state["kserve_seconds_to_ready"] = round(time.monotonic() - started, 1)
        return state

