"""The pinned tools are the ones built, and report the versions pinned in tools/*/go.mod."""

import os
import re
import subprocess

import pytest

from tests.harness.paths import BIN, ROOT


def pinned_versions() -> dict[str, str]:
    out = subprocess.run([ROOT / "tools" / "build", "--versions"], capture_output=True, text=True, check=True).stdout
    return {line.split()[0]: line.split()[1] for line in out.splitlines()}


VERSION_COMMANDS = {
    "helm": ["version", "--template", "{{ .Version }}"],
    "helm3": ["version", "--template", "{{ .Version }}"],
    "kubeconform": ["-v"],
    "helm-docs": ["--version"],
    "ct": ["version"],
}


@pytest.mark.parametrize("tool", sorted(VERSION_COMMANDS))
def test_tool_reports_its_pinned_version(tool):
    pinned = pinned_versions()[tool]
    out = subprocess.run([BIN / tool, *VERSION_COMMANDS[tool]], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"(^|[^0-9.]){re.escape(pinned.removeprefix('v'))}($|[^0-9.])", out), out


def test_helm_majors_are_the_ones_the_issue_names():
    pinned = pinned_versions()
    assert pinned["helm"].startswith("v4.") and pinned["helm3"].startswith("v3.")


def test_second_build_is_a_no_op():
    out = subprocess.run([ROOT / "tools" / "build", *VERSION_COMMANDS], capture_output=True, text=True, check=True).stdout
    assert "building" not in out and out.count("is up to date") == len(VERSION_COMMANDS), out


@pytest.mark.parametrize("helm, module", [("helm", "helm4"), ("helm3", "helm3")])
def test_offline_helm_assumes_the_kubernetes_of_its_release(helm, module, tmp_path):
    """Released Helm binaries assume, without a cluster, the Kubernetes their client-go belongs to
    (client-go v0.N is Kubernetes 1.N); ours must too, or `helm template` with no --kube-version
    refuses the chart's kubeVersion where users' binaries accept it."""
    go_mod = (ROOT / "tools" / module / "go.mod").read_text()
    minor = re.search(r"k8s\.io/client-go v0\.(\d+)\.", go_mod)[1]
    chart = tmp_path / "probe"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: probe\nversion: 0.1.0\n")
    (chart / "templates" / "kube.yaml").write_text("kube: {{ .Capabilities.KubeVersion.Version }}\n")
    out = subprocess.run([BIN / helm, "template", chart], capture_output=True, text=True, check=True).stdout
    assert f"kube: v1.{minor}.0" in out
    # ... so the plain install renders exactly as the README writes it
    subprocess.run([BIN / helm, "template", "my-vllm", ROOT / "charts" / "vllm-kserve"],
                   capture_output=True, text=True, check=True)


def test_vllm_env_refuses_to_start_without_the_disk_it_needs(tmp_path):
    """The vLLM environment is several GB; running out of disk half-way leaves a broken install and
    pip's bare OSError. The installer checks the space first and says what to do."""
    venv = tmp_path / "venv"
    result = subprocess.run([str(ROOT / "tools" / "vllm-env")], capture_output=True, text=True,
                            env={**os.environ, "VLLM_ENV_DIR": str(venv), "VLLM_ENV_NEED_GIB": "1000000"})
    assert result.returncode == 1
    assert "needs about 1000000 GiB free" in result.stderr and "make vllm-env" in result.stderr
    assert not venv.exists(), "nothing may be installed when the space check fails"


def make_plan(target: str) -> str:
    """What `make -n <target>` would run (nothing is run)."""
    return subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def built_by(plan: str) -> set[str]:
    """The tools the plan's tools/build lines name (all of them for a bare tools/build)."""
    names: set[str] = set()
    for line in plan.splitlines():
        words = line.strip().lstrip("@").split()
        if words and words[0] == "tools/build" and "--versions" not in words and "--list" not in words:
            names |= set(words[1:]) or set(pinned_versions())
    return names


def test_make_test_render_needs_no_vllm_environment():
    plan = make_plan("test-render")
    assert ".venv-vllm" not in plan and "vllm-env" not in plan, plan
    assert "not cluster and not vllm" in plan
    assert not built_by(plan) & {"etcd", "kube-apiserver", "kube-controller-manager", "kserve-manager", "registry"}


def test_make_demo_builds_only_the_tools_the_demo_uses():
    cluster = set(subprocess.run([ROOT / "tools" / "build", "--list", "cluster"], capture_output=True, text=True,
                                 check=True).stdout.split())
    assert built_by(make_plan("demo")) == {"helm", *cluster}


def test_make_test_lints_first():
    plan = make_plan("test")
    assert "ruff check" in plan and "ct lint" in plan
    assert plan.index("ct lint") < plan.index("pytest")
