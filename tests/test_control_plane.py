"""The local control plane itself: what it runs, that starting it twice is harmless, that stopping
it leaves no process, and that it says what is wrong when it cannot start."""

import json
import os
import subprocess
import sys

import pytest

from tests.harness import controlplane, processes
from tests.harness.paths import ROOT

pytestmark = pytest.mark.cluster


def cli(state_dir, *args):
    env = {**os.environ, "VLLM_KSERVE_CLUSTER_DIR": str(state_dir)}
    return subprocess.run([sys.executable, "-m", "tests.harness.cluster", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)


def test_up_is_idempotent_and_down_leaves_no_process(tmp_path):
    state_dir = tmp_path / "cluster"
    try:
        first = cli(state_dir, "up")
        assert first.returncode == 0, first.stderr
        state = json.loads((state_dir / "cluster.json").read_text())
        pids = state["pids"]
        assert {"etcd"} | {f"kube-apiserver-{lv}" for lv in state["levels"]} <= set(pids)
        assert all(processes.alive(pid) for pid in pids.values())
        second = cli(state_dir, "up")
        assert "already running" in second.stdout
        assert json.loads((state_dir / "cluster.json").read_text())["pids"] == pids
        kubeconfig = (state_dir / "kubeconfig").read_text()
        assert "127.0.0.1" in kubeconfig and "0.0.0.0" not in kubeconfig
    finally:
        down = cli(state_dir, "down")
    assert down.returncode == 0 and "no process left" in down.stdout
    assert not [pid for pid in pids.values() if processes.alive(pid)]
    assert "not running" in cli(state_dir, "status").stdout


def test_servers_listen_on_loopback_only(control_plane):
    addresses = processes.listening_addresses(list(control_plane["pids"].values()))
    assert addresses and all(a.startswith("127.0.0.1:") for a in addresses), addresses


def test_the_api_server_reports_the_pinned_kubernetes_version(kube):
    server = json.loads(kube().kubectl("version", "-o", "json").stdout)["serverVersion"]
    assert server["gitVersion"] == controlplane.KUBERNETES_VERSION


def test_every_kserve_level_has_its_crds_established(control_plane, kube):
    for level in control_plane["levels"]:
        client = kube(level)  # each level's context is named like the platform it serves
        assert client.context == level
        crds = json.loads(client.kubectl("get", "crd", "-o", "json").stdout)["items"]
        established = {c["metadata"]["name"] for c in crds
                       if any(x["type"] == "Established" and x["status"] == "True" for x in c["status"]["conditions"])}
        assert {"inferenceservices.serving.kserve.io", "servingruntimes.serving.kserve.io"} <= established


def test_a_missing_binary_is_named(tmp_path, monkeypatch):
    monkeypatch.setattr(controlplane, "BIN", tmp_path / "bin")
    with pytest.raises(controlplane.ClusterError, match=r"missing bin/etcd.*run `make tools` first"):
        controlplane.check_binaries()


def test_make_demo_installs_the_defaults_and_shows_what_kserve_builds(kserve_controller):
    """`make demo`'s script, against the run's control plane (it starts one only when none runs)."""
    env = {**os.environ, "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ['PATH']}"}
    result = subprocess.run([str(ROOT / "tools" / "demo")], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert "helm upgrade -i my-vllm charts/vllm-kserve --namespace demo" in result.stdout
    assert "deployment.apps/my-vllm-predictor" in result.stdout  # KServe built the RawDeployment's Deployment
    assert '"--served-model-name=my-vllm"' in result.stdout
