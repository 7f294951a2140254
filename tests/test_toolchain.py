"""The pinned tools are the ones built, and report the versions pinned in tools/*/go.mod."""

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
