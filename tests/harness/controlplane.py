"""The local control plane's lifecycle: etcd, and one kube-apiserver plus kube-controller-manager per
KServe API level (each with that level's CRDs, sharing etcd under its own key prefix); the state
file that records what runs, and the lock that lets one caller at a time change it; the
kubeconfigs; and the few calls the harness makes to the API servers.

All state lives in $VLLM_KSERVE_CLUSTER_DIR, else .cache/cluster (certificates are kept between
runs, data is not).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import functools
import json
import os
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import pki, processes
from .paths import BIN, REFERENCE_CRDS, ROOT

# $VLLM_KSERVE_CLUSTER_DIR runs a second, separate control plane (the cluster tests' own).
STATE = Path(os.environ.get("VLLM_KSERVE_CLUSTER_DIR", ROOT / ".cache" / "cluster"))
PKI = STATE / "pki"
KUBECONFIG = STATE / "kubeconfig"
STATE_FILE = STATE / "cluster.json"
LOCK_FILE = STATE.parent / f"{STATE.name}.lock"
KSERVE_TOOLS = ROOT / "tools" / "kserve"
# the tools/build group whose binaries the control plane runs (etcd, the Kubernetes servers, kubectl
# and every KServe controller)
BINARY_GROUP = "cluster"
KUBERNETES_VERSION = "v1.36.3"
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
    """One CRD set of the platform table, served by its own kube-apiserver."""

    name: str  # the CRD set's name, also the kubeconfig context
    crd_dir: Path


@functools.cache
def levels() -> list[Level]:
    """The CRD sets of the platform table that this machine can serve: generated ones from their
    KServe Go module, reference ones from the shared reference folder when it is there."""
    from . import schemas  # the table needs PyYAML; `down` and `status` run without it

    found = []
    for name in schemas.crd_set_names():
        if not schemas.available(name):
            continue
        if schemas.is_reference(name):
            folder = schemas.crd_folder(name)
        else:
            folder = module_dir(f"github.com/kserve/kserve@{schemas.TABLE.crd_sets[name]['module']}") / "config" / "crd" / "full"
        found.append(Level(name, folder))
    return found


def base_levels() -> set[str]:
    """The levels `up` starts: the default platform's and the one KServe's controller runs on; the
    others start on first use (ensure_level), keeping a cold start short."""
    from schema import platforms

    from . import kserve_controller, schemas

    return {schemas.crd_set_for(platforms.default_level()), kserve_controller.controller_level()}


@functools.cache
def module_dir(module: str) -> Path:
    """Where the Go module cache holds `module` (at the version tools/kserve pins, unless `module@version`)."""
    result = subprocess.run(["go", "mod", "download", "-json", module], cwd=KSERVE_TOOLS,
                            capture_output=True, text=True, check=False)
    if result.returncode:
        raise ClusterError(f"cannot fetch {module}:\n{result.stderr}")
    return Path(json.loads(result.stdout)["Dir"])


# --- state ----------------------------------------------------------------------------------------

def read_state() -> dict:
    return json.loads(STATE_FILE.read_text()) if STATE_FILE.exists() else {}


def _all_alive(state: dict) -> bool:
    return bool(state) and all(processes.alive(pid) for pid in state.get("pids", {}).values())


def running() -> bool:
    return _all_alive(read_state())


@contextlib.contextmanager
def locked_state(require_running: bool = False) -> Iterator[dict]:
    """Hold the lock (xdist workers, make and tools/demo share one control plane) and yield the
    recorded state, {} when there is none, to read and change in place. On the way out a changed
    state is written back, an emptied one leaves no file; that happens on an exception too, so
    processes started before a failure stay on record for `down` to stop."""
    STATE.parent.mkdir(parents=True, exist_ok=True)
    with open(LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state = read_state()
        if require_running and not _all_alive(state):
            raise ClusterError("the local control plane is not running (make cluster-up)")
        recorded = json.dumps(state)
        try:
            yield state
        finally:
            if json.dumps(state) != recorded:
                if state:
                    STATE_FILE.write_text(json.dumps(state, indent=2))
                else:
                    STATE_FILE.unlink(missing_ok=True)


# --- lifecycle ------------------------------------------------------------------------------------

def check_binaries() -> None:
    names = subprocess.run([str(ROOT / "tools" / "build"), "--list", BINARY_GROUP], capture_output=True, text=True,
                           check=True).stdout.split()
    missing = [b for b in names if not (BIN / b).is_file()]
    if missing:
        raise ClusterError(f"missing {', '.join('bin/' + m for m in missing)}: run `make tools` first")
    try:
        subprocess.run(["openssl", "version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise ClusterError("the openssl command is needed to make the cluster's certificates") from error


def up(owner: str = "manual") -> dict:
    """Start the control plane unless it already runs; return its state."""
    with locked_state() as state:
        if _all_alive(state):
            return state
        _teardown(state)
        state.clear()
        check_binaries()
        started = time.monotonic()
        STATE.mkdir(parents=True, exist_ok=True)
        try:
            pki.make_pki(PKI)
        except pki.CertificateError as error:
            raise ClusterError(str(error)) from error
        state.update({"owner": owner, "pids": {}, "ports": {}, "levels": [], "started": time.time()})
        try:
            _start(state)
        except BaseException:
            _stop(state)
            state.clear()  # nothing of it runs, so nothing is recorded
            raise
        state["seconds_to_ready"] = round(time.monotonic() - started, 1)
        return state


def _start(state: dict) -> None:
    etcd_client, etcd_peer = processes.free_port(), processes.free_port()
    etcd = processes.start("etcd", [
        str(BIN / "etcd"), "--name", "vllm-kserve", "--data-dir", str(STATE / "etcd"),
        "--listen-client-urls", f"http://127.0.0.1:{etcd_client}",
        "--advertise-client-urls", f"http://127.0.0.1:{etcd_client}",
        "--listen-peer-urls", f"http://127.0.0.1:{etcd_peer}",
        "--initial-advertise-peer-urls", f"http://127.0.0.1:{etcd_peer}",
        "--initial-cluster", f"vllm-kserve=http://127.0.0.1:{etcd_peer}",
        "--listen-metrics-urls", f"http://127.0.0.1:{processes.free_port()}",
        "--unsafe-no-fsync", "--log-level", "warn",
    ], STATE)
    state["pids"]["etcd"] = etcd.pid
    state["ports"]["etcd"] = etcd_client
    wait_ready(f"http://127.0.0.1:{etcd_client}/health", "etcd", etcd)
    start_levels(state, [level for level in levels() if level.name in base_levels()])


def start_levels(state: dict, wanted: list[Level]) -> None:
    """Add an API server and a controller manager for each level, with the level's CRDs."""
    apiservers = {}
    for level in wanted:
        port = processes.free_port()
        name = f"kube-apiserver-{level.name}"
        apiservers[level.name] = processes.start(name, [
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
        ], STATE)
        state["pids"][name] = apiservers[level.name].pid
        state["ports"][name] = port
        state["levels"].append(level.name)
    servers = api_servers(state)

    context = admin_context()
    for level in wanted:
        wait_ready(f"https://127.0.0.1:{servers[level.name]}/readyz", f"kube-apiserver-{level.name}",
                   apiservers[level.name], context=context)
    write_kubeconfig(KUBECONFIG, servers, "admin", current=state["levels"][0])

    for level in wanted:
        name = f"kube-controller-manager-{level.name}"
        config = STATE / f"{name}.kubeconfig"
        write_kubeconfig(config, {level.name: servers[level.name]}, "controller-manager", current=level.name)
        state["pids"][name] = processes.start(name, [
            str(BIN / "kube-controller-manager"),
            "--kubeconfig", str(config), "--authentication-kubeconfig", str(config),
            "--authorization-kubeconfig", str(config),
            "--bind-address", "127.0.0.1", "--secure-port", str(processes.free_port()), "--leader-elect=false",
            "--controllers", CONTROLLERS, "--use-service-account-credentials=true",
            "--service-account-private-key-file", str(PKI / "sa.key"), "--root-ca-file", str(PKI / "ca.crt"),
            "--cert-dir", str(STATE / f"kcm-{level.name}"),
        ], STATE).pid

    # each level gets its CRDs at the same time
    with concurrent.futures.ThreadPoolExecutor(len(wanted)) as pool:
        for done in [pool.submit(prepare_level, level, state) for level in wanted]:
            done.result()


def ensure_level(name: str) -> dict:
    """Add the API server of a KServe level that the base control plane does not run."""
    with locked_state(require_running=True) as state:
        if name not in state["levels"]:
            [level] = [lv for lv in levels() if lv.name == name]
            started = time.monotonic()
            start_levels(state, [level])
            state.setdefault("level_seconds_to_ready", {})[name] = round(time.monotonic() - started, 1)
        return state


# Knative Serving's own CRDs (services, configurations, revisions, routes, ...), as Knative installs them
KNATIVE_CRDS = "config/core/300-resources"


def knative_levels() -> set[str]:
    """The API servers that stand for clusters with Knative Serving: those of the CRD sets that a
    level offering Serverless is validated against. The others (OpenShift AI 3.x's) serve none, as
    those clusters do, so the chart's discovery check has a cluster without Knative to refuse on."""
    from . import schemas

    return {schemas.crd_set_for(name) for name, row in schemas.TABLE.levels.items() if row["modes"]["serverless"]}


def hardware_profile_levels() -> set[str]:
    """The API servers that stand for OpenShift AI 3.x clusters, which serve HardwareProfiles: those
    of the CRD sets that only levels applying hardware profiles are validated against."""
    from . import schemas

    sets = {schemas.crd_set_for(name): [] for name in schemas.TABLE.levels}
    for name, row in schemas.TABLE.levels.items():
        sets[schemas.crd_set_for(name)].append(bool(row["hardwareProfiles"]))
    return {name for name, profiles in sets.items() if all(profiles)}


def cache_levels() -> set[str]:
    """The API servers that stand for clusters with KServe's namespaced model cache: those of the
    CRD sets of the levels the platform table gives one."""
    from . import schemas

    return {schemas.crd_set_for(name) for name, row in schemas.TABLE.levels.items() if row["localModelNamespaceCache"]}


def kserve_module_of(crd_set: str) -> Path:
    """The KServe module a CRD set is, or, for a reference set, the one its stand-in is."""
    from . import schemas

    module = schemas.TABLE.crd_sets[schemas.TABLE.module_set_of(crd_set)]["module"]
    return module_dir(f"github.com/kserve/kserve@{module}")


CACHE_CRDS = ("localmodelcaches", "localmodelnamespacecaches")


def crd_name(path: Path) -> str:
    """The name of the CRD in a file named as controller-gen names them, <group>_<plural>.yaml."""
    group, plural = path.stem.split("_", 1)
    return f"{plural}.{group}"


def prepare_level(level: Level, state: dict) -> None:
    from schema.generate import KSERVE_CRDS, monitoring_crd_paths  # the CRDs of the kinds the chart renders

    # the kinds the chart renders: on every set KServe's, and the Prometheus Operator's monitors,
    # which OpenShift's monitoring stack installs too; where the level has it, the model cache's
    # (both kinds, which KServe's defaulter lists when the cache is on)
    rendered = [level.crd_dir / f for f in KSERVE_CRDS] + monitoring_crd_paths()
    if level.name in cache_levels():
        full = kserve_module_of(level.name) / "config" / "crd" / "full"
        rendered += [next(full.rglob(f"serving.kserve.io_{kind}.yaml")) for kind in CACHE_CRDS]
    crds = [str(p) for p in rendered]
    profiles = REFERENCE_CRDS / "hardwareprofile"
    if level.name in hardware_profile_levels() and profiles.is_dir():
        crds += [str(p) for p in sorted(profiles.glob("*.yaml"))]
    if level.name in knative_levels():
        crds += [str(p) for p in sorted((module_dir("knative.dev/serving") / KNATIVE_CRDS).glob("*.yaml"))]
    kubectl("create", "-f", ",".join(crds), context=level.name)
    for path in rendered:
        wait_established(crd_name(path), level.name)
    if level.name in knative_levels():
        for kind in ("services", "configurations", "revisions", "routes"):
            wait_established(f"{kind}.serving.knative.dev", level.name)
    # the ServiceAccount controller must be live before tests lean on it
    name = f"kube-controller-manager-{level.name}"
    processes.poll(lambda: api_get(level.name, "/api/v1/namespaces/default/serviceaccounts/default") is not None,
                   30, what=f"{name} to create the default ServiceAccount", process=state["pids"][name],
                   on_timeout=lambda: log_excerpt(name), error=ClusterError)


def _stop(state: dict) -> None:
    """Stop the API servers and controllers together, then etcd; nothing here is worth a slow drain."""
    pids = state.get("pids", {})
    processes.stop_pids([pid for name, pid in pids.items() if name != "etcd"], grace=3)
    processes.stop_pids([pid for name, pid in pids.items() if name == "etcd"], grace=3)


def _teardown(state: dict) -> None:
    """Stop what `state` records (what a previous run left) and drop its data (certificates stay)."""
    _stop(state)
    if STATE.exists():
        for path in STATE.iterdir():
            if path != PKI:
                subprocess.run(["rm", "-rf", str(path)], check=True)


def down() -> None:
    if not STATE.parent.exists():
        return  # nothing ever ran here
    with locked_state() as state:
        _teardown(state)
        state.clear()


def status() -> str:
    if not running():
        return "the local control plane is not running (make cluster-up)"
    state = read_state()
    lines = [(f"running since {time.strftime('%H:%M:%S', time.localtime(state['started']))}, "
              f"ready in {state['seconds_to_ready']}s, started by {state['owner']}")]
    lines += [f"  {name:40} pid {pid}" for name, pid in state["pids"].items()]
    lines += [f"  context {level}: https://127.0.0.1:{state['ports']['kube-apiserver-' + level]}" for level in state["levels"]]
    lines.append(f"  export KUBECONFIG={KUBECONFIG}")
    return "\n".join(lines)


# --- waiting for what was started -----------------------------------------------------------------

def tail(name: str, lines: int = 25) -> str:
    """The end of the log of the control-plane process `name` (etcd, kserve-manager, ...)."""
    return processes.tail(name, STATE, lines)


def log_excerpt(name: str) -> str:
    return f"last lines of {processes.log_file(name, STATE)}:\n{tail(name)}"


def wait_ready(url: str, name: str, process: subprocess.Popen | int, timeout: float = 60,
               context: ssl.SSLContext | None = None) -> None:
    """Until the server `name` answers 200 at `url`; fails early if its process exits."""
    processes.poll(lambda: processes.answers(url, context=context), timeout, what=f"{name} to be ready at {url}",
                   process=process, retry_on=(OSError,), on_timeout=lambda: log_excerpt(name), error=ClusterError)


def wait_established(crd: str, context: str, timeout: float = 60) -> None:
    """Poll the CRD's Established condition (kubectl wait fails while a new CRD has no status yet)."""
    def established() -> bool:
        found = api_get(context, f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{crd}") or {}
        conditions = (found.get("status") or {}).get("conditions") or []
        return any(c["type"] == "Established" and c["status"] == "True" for c in conditions)

    processes.poll(established, timeout, what=f"the CRD {crd} to be established on {context}", error=ClusterError)


# --- talking to the API servers -------------------------------------------------------------------

def admin_context() -> ssl.SSLContext:
    return pki.admin_context(PKI)


def api_servers(state: dict) -> dict[str, int]:
    """Each running level's API server port, by level (context) name."""
    return {level: state["ports"][f"kube-apiserver-{level}"] for level in state["levels"]}


def write_kubeconfig(path: Path, servers: dict[str, int], user: str, current: str) -> None:
    """A kubeconfig with one context per level, all for `user` (a client certificate in PKI)."""
    clusters = "".join(
        f"- name: {name}\n  cluster:\n    server: https://127.0.0.1:{port}\n"
        f"    certificate-authority: {PKI / 'ca.crt'}\n" for name, port in servers.items())
    contexts = "".join(f"- name: {name}\n  context:\n    cluster: {name}\n    user: {user}\n" for name in servers)
    # written aside and renamed over: a helm or kubectl reading it while a level is added (tests
    # run in parallel) must see the old file or the new one, never half of one
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    staged.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n{clusters}contexts:\n{contexts}current-context: {current}\n"
        f"users:\n- name: {user}\n  user:\n    client-certificate: {PKI / (user + '.crt')}\n"
        f"    client-key: {PKI / (user + '.key')}\n")
    staged.chmod(0o600)
    os.replace(staged, path)


def read_kubeconfig_ports() -> dict[str, int]:
    ports = {}
    current = None
    for line in KUBECONFIG.read_text().splitlines():
        if line.startswith("- name: "):
            current = line.removeprefix("- name: ")
        elif "server: https://127.0.0.1:" in line and current:
            ports[current] = int(line.rsplit(":", 1)[1])
    return ports


def kubectl(*args: str, context: str | None = None, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess:
    command = [str(BIN / "kubectl"), "--kubeconfig", str(KUBECONFIG), *(["--context", context] if context else []), *args]
    result = subprocess.run(command, capture_output=True, text=True, input=input, check=False)
    if check and result.returncode:
        raise ClusterError(f"{' '.join(command)} failed:\n{result.stderr}")
    return result


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
