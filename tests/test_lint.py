"""helm lint --strict (Helm 4 and 3) and chart-testing accept the chart with its defaults and
with every ci/*-values.yaml scenario."""

import os
import subprocess

import pytest
import yaml

from tests.harness.paths import BIN, CHART, ROOT
from tests.harness.render import KUBE_VERSION
from tests.harness.scenarios import CI_VALUES

SCENARIOS = [None, *CI_VALUES]


@pytest.mark.parametrize("helm", ["helm", "helm3"])
@pytest.mark.parametrize("values", SCENARIOS, ids=lambda p: p.name if p else "defaults")
def test_helm_lint_strict(helm, values):
    args = [BIN / helm, "lint", "--strict", CHART, "--kube-version", KUBE_VERSION]
    if values:
        args += ["--values", values]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 chart(s) failed" in result.stdout


def test_ct_lint_lints_every_scenario():
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{ROOT / '.venv' / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run([BIN / "ct", "lint", "--config", "ct.yaml", "--all"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    for path in CI_VALUES:
        assert f'Linting chart with values file "{path.relative_to(ROOT)}"' in output
    assert "All charts linted successfully" in output


def test_ct_configuration_points_at_files_that_exist():
    config = yaml.safe_load((ROOT / "ct.yaml").read_text())
    for folder in config["chart-dirs"]:
        assert (ROOT / folder).is_dir()
    for key in ("lint-conf", "chart-yaml-schema"):
        assert (ROOT / config[key]).is_file()


