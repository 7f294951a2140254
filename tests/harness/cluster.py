"""A real Kubernetes control plane on 127.0.0.1, built from pinned Go modules: etcd, and one
kube-apiserver plus kube-controller-manager per KServe API level (each with that level's CRDs,
sharing etcd under its own key prefix), and on the upstream KServe 0.15 level KServe's own
controller and admission webhooks. No kubelet or scheduler: objects are stored, validated,
defaulted, reconciled, authorised and garbage-collected for real, but no pod ever runs.

    python3 -m tests.harness.cluster up [--with-kserve]
                                              start (or confirm it is running), print the kubeconfig;
                                              --with-kserve also starts KServe's controller
    python3 -m tests.harness.cluster down     stop every process and drop the cluster's data
    python3 -m tests.harness.cluster status   say what runs

Standard library only, plus the openssl command for certificates. All state lives in
.cache/cluster (certificates are kept between runs, data is not).
"""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import fcntl
import functools
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .paths import BIN, REFERENCE_CRDS, ROOT

# $VLLM_KSERVE_CLUSTER_DIR runs a second, separate control plane (the cluster tests' own).
STATE = Path(os.environ.get("VLLM_KSERVE_CLUSTER_DIR", ROOT / ".cache" / "cluster"))
PKI = STATE / "pki"
KUBECONFIG = STATE / "kubeconfig"
STATE_FILE = STATE / "cluster.json"
LOCK_FILE = STATE.parent / f"{STATE.name}.lock"
KSERVE_TOOLS = ROOT / "tools" / "kserve"
BINARIES = ["etcd", "kube-apiserver", "kube-controller-manager", "kubectl", "kserve-manager"]
# The level the KServe controller (built from KServe v0.15.2) reconciles.
KSERVE_LEVEL = "kserve-0.15"
# Knative Serving's own CRDs (services, configurations, revisions, routes, ...), as Knative installs them
KNATIVE_CRDS = "config/core/300-resources"
KEDA_SCALED_OBJECT_CRD = "config/crd/bases/keda.sh_scaledobjects.yaml"
KUBERNETES_VERSION = "v1.36.3"
CRD_FILES = ["serving.kserve.io_inferenceservices.yaml", "serving.kserve.io_servingruntimes.yaml"]
# Controllers that matter without nodes: tokens for legacy token Secrets, the default
# ServiceAccount and CA bundle of each namespace, garbage collection, namespace deletion,
# aggregated roles, and Deployments/ReplicaSets for what a KServe controller would create.
CONTROLLERS = ",".join([
    "serviceaccount-token-controller", "serviceaccount-controller", "root-ca-certificate-publisher-controller",
    "garbage-collector-controller", "namespace-controller", "clusterrole-aggregation-controller",
    "deployment-controller", "replicaset-controller",
])


class ClusterError(RuntimeError):
    pass


@dataclass
class Level:
    """One KServe API level served by its own kube-apiserver."""

    name: str  # also the kubeconfig context
    crd_dir: Path


# Upstream levels: context name -> KServe module version whose CRDs it serves.
UPSTREAM_LEVELS = {"kserve-0.15": "v0.15.2", "kserve-0.16": "v0.16.0"}
# Levels `up` starts; the others start on first use (ensure_level), keeping a cold start short.
BASE_LEVELS = ("rhoai-2.22", "kserve-0.15")


@functools.cache
def levels() -> list[Level]:
    """The KServe levels this machine can serve: upstream ones from the Go module, OpenShift AI 2.22
    from the shared reference folder when it is there."""
    found = []
    if (REFERENCE_CRDS / "rhoai-2.22").is_dir():
        found.append(Level("rhoai-2.22", REFERENCE_CRDS / "rhoai-2.22"))
    found += [Level(name, module_dir(f"github.com/kserve/kserve@{version}") / "config" / "crd" / "full")
              for name, version in UPSTREAM_LEVELS.items()]
    return found


def log(message: str) -> None:
    print(message, flush=True)


# --- certificates ---------------------------------------------------------------------------------

def openssl(*args: str) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if result.returncode:
        raise ClusterError(f"openssl {' '.join(args)} failed:\n{result.stderr}")


def make_pki() -> None:
    """A CA, the API server's serving certificate, client certificates and the token signing key."""
    if (PKI / "done").exists():
        return
    PKI.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", str(PKI / "ca.key"), "-out", str(PKI / "ca.crt"),
            "-days", "3650", "-subj", "/CN=vllm-kserve-local-ca")
    (PKI / "serving.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
        "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n"
        "extendedKeyUsage=serverAuth\n")
    (PKI / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name, subject, ext in [
        ("apiserver", "/CN=kube-apiserver", "serving.ext"),
        ("admin", "/O=system:masters/CN=vllm-kserve-admin", "client.ext"),
        ("controller-manager", "/CN=system:kube-controller-manager", "client.ext"),
    ]:
        openssl("req", *ec, "-keyout", str(PKI / f"{name}.key"), "-out", str(PKI / f"{name}.csr"), "-subj", subject)
        openssl("x509", "-req", "-in", str(PKI / f"{name}.csr"), "-CA", str(PKI / "ca.crt"), "-CAkey", str(PKI / "ca.key"),
                "-CAcreateserial", "-days", "3650", "-out", str(PKI / f"{name}.crt"), "-extfile", str(PKI / ext))
    openssl("genrsa", "-out", str(PKI / "sa.key"), "2048")
    openssl("rsa", "-in", str(PKI / "sa.key"), "-pubout", "-out", str(PKI / "sa.pub"))
    (PKI / "done").write_text("")


# --- processes ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(name: str, args: list[str], env: dict[str, str] | None = None) -> int:
    handle = open(STATE / f"{name}.log", "ab")  # noqa: SIM115 - the child keeps it
    process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               start_new_session=True, cwd=STATE, env=env)
    return process.pid


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(FileNotFoundError):
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return False
    return True


def stop_pids(pids: list[int], grace: float) -> None:
    """SIGTERM each process group, SIGKILL what is still there after `grace` seconds, and wait."""
    def signal_all(sig):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)

    signal_all(signal.SIGTERM)
    deadline = time.monotonic() + grace
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    signal_all(signal.SIGKILL)
    while any(alive(pid) for pid in pids):
        time.sleep(0.05)
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def listening_addresses(process_groups: list[int] = (), port: int | None = None) -> list[str]:
    """The local addresses of TCP listeners held by any process of these process groups (a server and
    the helpers it forked), or bound to `port`, as `ss` reports them."""
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) in process_groups:  # the process group id, after state and parent pid
                members.add(stat.parent.name)
    listening = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout.splitlines()
    found = []
    for line in listening:
        local = line.split()[3]
        if any(f"pid={pid}," in line for pid in members) or (port is not None and local.rsplit(":", 1)[1] == str(port)):
            found.append(local)
    return found


def tail(name: str, lines: int = 25) -> str:
    path = STATE / f"{name}.log"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


def wait_ready(url: str, name: str, pid: int, timeout: float = 60, context: ssl.SSLContext | None = None) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if not alive(pid):
            raise ClusterError(f"{name} exited while starting; last lines of {STATE / (name + '.log')}:\n{tail(name)}")
        try:
            with urllib.request.urlopen(url, timeout=2, context=context) as response:
                if response.status == 200:
                    return
        except OSError as error:
            last = str(error)
        time.sleep(0.2)
    raise ClusterError(f"{name} not ready at {url} after {timeout:.0f}s ({last}); see {STATE / (name + '.log')}:\n{tail(name)}")


def admin_context() -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(PKI / "ca.crt"))
    context.load_cert_chain(str(PKI / "admin.crt"), str(PKI / "admin.key"))
    return context


# --- kubeconfig -----------------------------------------------------------------------------------

def write_kubeconfig(path: Path, servers: dict[str, int], user: str, current: str) -> None:
    """A kubeconfig with one context per level, all for `user` (a client certificate in PKI)."""
    clusters = "".join(
        f"- name: {name}\n  cluster:\n    server: https://127.0.0.1:{port}\n"
        f"    certificate-authority: {PKI / 'ca.crt'}\n" for name, port in servers.items())
    contexts = "".join(f"- name: {name}\n  context:\n    cluster: {name}\n    user: {user}\n" for name in servers)
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n{clusters}contexts:\n{contexts}current-context: {current}\n"
        f"users:\n- name: {user}\n  user:\n    client-certificate: {PKI / (user + '.crt')}\n"
        f"    client-key: {PKI / (user + '.key')}\n")
    path.chmod(0o600)


# --- lifecycle ------------------------------------------------------------------------------------

def read_state() -> dict:
    return json.loads(STATE_FILE.read_text()) if STATE_FILE.exists() else {}


def running() -> bool:
    state = read_state()
    return bool(state) and all(alive(pid) for pid in state.get("pids", {}).values())


def check_binaries() -> None:
    missing = [b for b in BINARIES if not (BIN / b).is_file()]
    if missing:
        raise ClusterError(f"missing {', '.join('bin/' + m for m in missing)}: run `make tools` first")
    try:
        subprocess.run(["openssl", "version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise ClusterError("the openssl command is needed to make the cluster's certificates") from error


def kubectl(*args: str, context: str | None = None, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
    command = [str(BIN / "kubectl"), "--kubeconfig", str(KUBECONFIG), *(["--context", context] if context else []), *args]
    result = subprocess.run(command, capture_output=True, text=True, input=input, check=False)
    if check and result.returncode:
        raise ClusterError(f"{' '.join(command)} failed:\n{result.stderr}")
    return result


def up(owner: str = "manual") -> dict:
    """Start the control plane unless it already runs; return its state."""
    STATE.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if running():
            return read_state()
        _teardown()
        check_binaries()
        started = time.monotonic()
        STATE.mkdir(parents=True, exist_ok=True)
        make_pki()
        state: dict = {"owner": owner, "pids": {}, "ports": {}, "levels": [], "started": time.time()}
        try:
            _start(state)
        except BaseException:
            _stop(state)
            raise
        state["seconds_to_ready"] = round(time.monotonic() - started, 1)
        STATE_FILE.write_text(json.dumps(state, indent=2))
        return state


def _start(state: dict) -> None:
    etcd_client, etcd_peer = free_port(), free_port()
    state["pids"]["etcd"] = start("etcd", [
        str(BIN / "etcd"), "--name", "vllm-kserve", "--data-dir", str(STATE / "etcd"),
        "--listen-client-urls", f"http://127.0.0.1:{etcd_client}",
        "--advertise-client-urls", f"http://127.0.0.1:{etcd_client}",
        "--listen-peer-urls", f"http://127.0.0.1:{etcd_peer}",
        "--initial-advertise-peer-urls", f"http://127.0.0.1:{etcd_peer}",
        "--initial-cluster", f"vllm-kserve=http://127.0.0.1:{etcd_peer}",
        "--listen-metrics-urls", f"http://127.0.0.1:{free_port()}",
        "--unsafe-no-fsync", "--log-level", "warn",
    ])
    state["ports"]["etcd"] = etcd_client
    wait_ready(f"http://127.0.0.1:{etcd_client}/health", "etcd", state["pids"]["etcd"])
    start_levels(state, [level for level in levels() if level.name in BASE_LEVELS])


def start_levels(state: dict, wanted: list[Level]) -> None:
    """Add an API server and a controller manager for each level, with the level's CRDs."""
    for level in wanted:
        port = free_port()
        name = f"kube-apiserver-{level.name}"
        state["pids"][name] = start(name, [
            str(BIN / "kube-apiserver"),
            "--etcd-servers", f"http://127.0.0.1:{state['ports']['etcd']}", "--etcd-prefix", f"/registry-{level.name}",
            "--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", str(port),
            "--tls-cert-file", str(PKI / "apiserver.crt"), "--tls-private-key-file", str(PKI / "apiserver.key"),
            "--client-ca-file", str(PKI / "ca.crt"), "--authorization-mode", "RBAC",
            "--service-account-issuer", "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file", str(PKI / "sa.pub"),
            "--service-account-signing-key-file", str(PKI / "sa.key"),
            "--service-cluster-ip-range", "10.0.0.0/24", "--allow-privileged=false",
            "--endpoint-reconciler-type", "none", "--cert-dir", str(STATE / level.name),
            # request fairness and profiling matter to busy shared clusters, not to this one
            "--enable-priority-and-fairness=false", "--profiling=false",
        ])
        state["ports"][name] = port
        state["levels"].append(level.name)
    servers = {name: state["ports"][f"kube-apiserver-{name}"] for name in state["levels"]}

    context = admin_context()
    for level in wanted:
        name = f"kube-apiserver-{level.name}"
        wait_ready(f"https://127.0.0.1:{servers[level.name]}/readyz", name, state["pids"][name], context=context)
    write_kubeconfig(KUBECONFIG, servers, "admin", current=state["levels"][0])

    for level in wanted:
        name = f"kube-controller-manager-{level.name}"
        config = STATE / f"{name}.kubeconfig"
        write_kubeconfig(config, {level.name: servers[level.name]}, "controller-manager", current=level.name)
        state["pids"][name] = start(name, [
            str(BIN / "kube-controller-manager"),
            "--kubeconfig", str(config), "--authentication-kubeconfig", str(config),
            "--authorization-kubeconfig", str(config),
            "--bind-address", "127.0.0.1", "--secure-port", str(free_port()), "--leader-elect=false",
            "--controllers", CONTROLLERS, "--use-service-account-credentials=true",
            "--service-account-private-key-file", str(PKI / "sa.key"), "--root-ca-file", str(PKI / "ca.crt"),
            "--cert-dir", str(STATE / f"kcm-{level.name}"),
        ])

    # each level gets its CRDs at the same time
    with concurrent.futures.ThreadPoolExecutor(len(wanted)) as pool:
        for done in [pool.submit(prepare_level, level, state) for level in wanted]:
            done.result()


def ensure_level(name: str) -> dict:
    """Add the API server of a KServe level that the base control plane does not run."""
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state()
        if not state or not all(alive(pid) for pid in state["pids"].values()):
            raise ClusterError("the local control plane is not running (make cluster-up)")
        if name not in state["levels"]:
            [level] = [lv for lv in levels() if lv.name == name]
            started = time.monotonic()
            try:
                start_levels(state, [level])
            finally:
                STATE_FILE.write_text(json.dumps(state, indent=2))
            state.setdefault("level_seconds_to_ready", {})[name] = round(time.monotonic() - started, 1)
            STATE_FILE.write_text(json.dumps(state, indent=2))
        return state


def prepare_level(level: Level, state: dict) -> None:
    kubectl("create", "-f", ",".join(str(level.crd_dir / f) for f in CRD_FILES), context=level.name)
    for crd in (f"{f.removeprefix('serving.kserve.io_').removesuffix('.yaml')}.serving.kserve.io" for f in CRD_FILES):
        wait_established(crd, level.name)
    # the ServiceAccount controller must be live before tests lean on it
    name = f"kube-controller-manager-{level.name}"
    deadline = time.monotonic() + 30
    while api_get(level.name, "/api/v1/namespaces/default/serviceaccounts/default") is None:
        if not alive(state["pids"][name]) or time.monotonic() > deadline:
            raise ClusterError(f"{name} did not create the default ServiceAccount; see its log:\n{tail(name)}")
        time.sleep(0.2)


@functools.cache
def module_dir(module: str) -> Path:
    """Where the Go module cache holds `module` (at the version tools/kserve pins, unless `module@version`)."""
    result = subprocess.run(["go", "mod", "download", "-json", module], cwd=KSERVE_TOOLS,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise ClusterError(f"cannot fetch {module}:\n{result.stderr}")
    return Path(json.loads(result.stdout)["Dir"])


def webhook_configurations(port: int) -> str:
    """KServe's admission webhooks, called at https://127.0.0.1:<port> with our CA."""
    ca = base64.b64encode((PKI / "ca.crt").read_bytes()).decode()

    def hook(name, path, resources, group, version, operations, extra=""):
        return (f"  - name: {name}\n    admissionReviewVersions: [v1]\n    sideEffects: None\n    failurePolicy: Fail\n"
                f"    clientConfig:\n      url: https://127.0.0.1:{port}{path}\n      caBundle: {ca}\n"
                f"    rules:\n      - apiGroups: [\"{group}\"]\n        apiVersions: [{version}]\n"
                f"        operations: [{operations}]\n        resources: [{resources}]\n{extra}")

    pods_only = ("    objectSelector:\n      matchExpressions:\n"
                 "        - {key: serving.kserve.io/inferenceservice, operator: Exists}\n")
    return (
        "apiVersion: admissionregistration.k8s.io/v1\nkind: MutatingWebhookConfiguration\n"
        "metadata:\n  name: vllm-kserve-local-kserve\nwebhooks:\n"
        + hook("inferenceservice.kserve-webhook-server.defaulter", "/mutate-serving-kserve-io-v1beta1-inferenceservice",
               "inferenceservices", "serving.kserve.io", "v1beta1", "CREATE, UPDATE")
        + hook("inferenceservice.kserve-webhook-server.pod-mutator", "/mutate-pods", "pods", "", "v1", "CREATE", pods_only)
        + "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\n"
        "metadata:\n  name: vllm-kserve-local-kserve\nwebhooks:\n"
        + hook("inferenceservice.kserve-webhook-server.validator", "/validate-serving-kserve-io-v1beta1-inferenceservice",
               "inferenceservices", "serving.kserve.io", "v1beta1", "CREATE, UPDATE")
        + hook("servingruntime.kserve-webhook-server.validator", "/validate-serving-kserve-io-v1alpha1-servingruntime",
               "servingruntimes", "serving.kserve.io", "v1alpha1", "CREATE, UPDATE")
    )


def start_kserve(state: dict, servers: dict[str, int]) -> None:
    """KServe's controller and webhooks on the upstream level, with Knative Serving's CRDs beside them
    so Serverless InferenceServices reconcile into Knative Services, and KEDA's ScaledObject CRD so
    RawDeployments with the keda autoscaler get one (no Knative or KEDA controller runs)."""
    level = KSERVE_LEVEL
    kserve = module_dir("github.com/kserve/kserve") / "config"
    # the controller also reads ClusterStorageContainers and, when deleting, TrainedModels
    knative = sorted((module_dir("knative.dev/serving") / KNATIVE_CRDS).glob("*.yaml"))
    kubectl("create", *[arg for crd in knative for arg in ("-f", str(crd))],
            "-f", str(kserve / "crd" / "full" / "serving.kserve.io_clusterstoragecontainers.yaml"),
            "-f", str(kserve / "crd" / "full" / "serving.kserve.io_trainedmodels.yaml"),
            "-f", str(module_dir("github.com/kedacore/keda/v2") / KEDA_SCALED_OBJECT_CRD), context=level)
    for kind in ("services", "configurations", "revisions", "routes"):
        wait_established(f"{kind}.serving.knative.dev", level)
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
    certs = STATE / "kserve-webhook"
    certs.mkdir(exist_ok=True)
    (certs / "tls.crt").write_bytes((PKI / "apiserver.crt").read_bytes())  # its SANs include 127.0.0.1
    (certs / "tls.key").write_bytes((PKI / "apiserver.key").read_bytes())
    config = STATE / "kserve-manager.kubeconfig"
    write_kubeconfig(config, {level: servers[level]}, "admin", current=level)
    webhook_port, probe_port = free_port(), free_port()
    name = "kserve-manager"
    state["pids"][name] = start(name, [
        str(BIN / "kserve-manager"), "--kubeconfig", str(config), "--webhook-port", str(webhook_port),
        "--cert-dir", str(certs), "--health-probe-addr", f"127.0.0.1:{probe_port}",
    ], env={**os.environ, "POD_NAMESPACE": "kserve"})
    state["ports"][name] = webhook_port
    wait_ready(f"http://127.0.0.1:{probe_port}/readyz", name, state["pids"][name])
    kubectl("create", "-f", "-", input=webhook_configurations(webhook_port), context=level)


def api_get(context: str, path: str) -> dict | None:
    """GET from a level's API server as the admin (None for 404): cheaper than a kubectl process
    when polling while the machine's two cores are busy starting servers."""
    port = read_kubeconfig_ports()[context]
    try:
        with urllib.request.urlopen(f"https://127.0.0.1:{port}{path}", timeout=5, context=admin_context()) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def read_kubeconfig_ports() -> dict[str, int]:
    ports = {}
    current = None
    for line in KUBECONFIG.read_text().splitlines():
        if line.startswith("- name: "):
            current = line.removeprefix("- name: ")
        elif "server: https://127.0.0.1:" in line and current:
            ports[current] = int(line.rsplit(":", 1)[1])
    return ports


def wait_established(crd: str, context: str, timeout: float = 60) -> None:
    """Poll the CRD's Established condition (kubectl wait fails while a new CRD has no status yet)."""
    deadline = time.monotonic() + timeout
    while True:
        found = api_get(context, f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{crd}") or {}
        conditions = (found.get("status") or {}).get("conditions") or []
        if any(c["type"] == "Established" and c["status"] == "True" for c in conditions):
            return
        if time.monotonic() > deadline:
            raise ClusterError(f"the CRD {crd} was not established on {context} within {timeout:.0f}s")
        time.sleep(0.2)


def ensure_kserve() -> dict:
    """Start KServe's controller and webhooks on the running control plane unless they run already."""
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state()
        if not state or not all(alive(pid) for pid in state["pids"].values()):
            raise ClusterError("the local control plane is not running (make cluster-up)")
        if "kserve-manager" not in state["pids"]:
            started = time.monotonic()
            servers = {level: state["ports"][f"kube-apiserver-{level}"] for level in state["levels"]}
            try:
                start_kserve(state, servers)
            except BaseException:
                stop_pids([state["pids"].pop("kserve-manager")] if "kserve-manager" in state["pids"] else [], grace=1)
                raise
            state["kserve_seconds_to_ready"] = round(time.monotonic() - started, 1)
            STATE_FILE.write_text(json.dumps(state, indent=2))
        return state


def _stop(state: dict) -> None:
    """Stop the API servers and controllers together, then etcd; nothing here is worth a slow drain."""
    pids = state.get("pids", {})
    servers = [pid for name, pid in pids.items() if name != "etcd"]
    stop_pids(servers, grace=3)
    stop_pids([pid for name, pid in pids.items() if name == "etcd"], grace=3)


def _teardown() -> None:
    """Stop whatever a previous run left and drop its data (certificates stay)."""
    _stop(read_state())
    if STATE.exists():
        for path in STATE.iterdir():
            if path != PKI:
                subprocess.run(["rm", "-rf", str(path)], check=True)


def down() -> None:
    with open(LOCK_FILE, "w") if LOCK_FILE.parent.exists() else contextlib.nullcontext() as lock:
        if lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
        _teardown()


def status() -> str:
    if not running():
        return "the local control plane is not running (make cluster-up)"
    state = read_state()
    lines = [f"running since {time.strftime('%H:%M:%S', time.localtime(state['started']))}, "
             f"ready in {state['seconds_to_ready']}s, started by {state['owner']}"]
    lines += [f"  {name:40} pid {pid}" for name, pid in state["pids"].items()]
    lines += [f"  context {level}: https://127.0.0.1:{state['ports']['kube-apiserver-' + level]}" for level in state["levels"]]
    lines.append(f"  export KUBECONFIG={KUBECONFIG}")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    try:
        if command == "up":
            was_running = running()
            state = up()
            log("the local control plane was already running" if was_running
                else f"==> local control plane ready in {state['seconds_to_ready']}s")
            if "--with-kserve" in argv:
                had_kserve = "kserve-manager" in state["pids"]
                state = ensure_kserve()
                if not had_kserve:
                    log(f"==> KServe controller and webhooks ready in {state['kserve_seconds_to_ready']}s")
            log(status())
        elif command == "down":
            down()
            log("==> local control plane stopped; no process left")
        elif command == "status":
            log(status())
        else:
            log(__doc__)
            return 2
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (say, `| head`) has seen enough
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
