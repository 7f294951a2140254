"""kubeconform, an independent validator, agrees: the objects of every scenario (ci/ files, valid
matrix combinations and the seed README's commands) are valid, strictly and offline, against the
committed schemas, each against the CRD set of the level it targets."""

import json
import re
import subprocess

import pytest

from schema import generate
from tests.harness import schemas
from tests.harness.commands import as_template, seed_commands
from tests.harness.paths import BIN, CHART, SCHEMA
from tests.harness.render import effective_platform, render, run_helm_template
from tests.harness.scenarios import CI_VALUES, VALID


def documents(manifest: str) -> list[str]:
    """The documents of a rendered manifest, without helm's `# Source:` comments."""
    parts = re.split(r"^---[ \t]*$", manifest, flags=re.MULTILINE)
    bodies = ("\n".join(line for line in part.splitlines() if not line.startswith("# Source: ")).strip()
              for part in parts)
    return [body for body in bodies if body]


def scenario_manifests() -> dict[str, list[str]]:
    """The distinct documents of every ci/ scenario, valid matrix combination and seed command that
    renders (test_seed_commands holds the seed to rendering), by KServe schema set: an object that
    many scenarios render alike is checked once."""
    by_set: dict[str, dict[str, None]] = {}

    def add(platform, key, code, out, err):
        assert code == 0, err
        by_set.setdefault(schemas.crd_set_for(platform), {}).update(dict.fromkeys(documents(out)))

    for path in CI_VALUES:
        add(effective_platform([path]), *run_helm_template(values_files=[path]))
    for combo in VALID:
        add(combo.platform, *run_helm_template(combo.values))
    for command in seed_commands():
        release, flags = as_template(command.argv, CHART)
        rendered = run_helm_template(release=release, extra=flags)
        if rendered[1] == 0:
            add(effective_platform(extra=flags), *rendered)
    return {name: list(docs) for name, docs in by_set.items()}


def kubeconform(manifest: str, version: str, kserve_dir) -> dict:
    result = subprocess.run(
        [BIN / "kubeconform", "-n", "1", "-strict", "-summary", "-output", "json", "-kubernetes-version", version,
         "-schema-location",
         str(SCHEMA / "kubernetes" / "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
             / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
         "-schema-location", str(kserve_dir / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
         "-schema-location",
         str(SCHEMA / "prometheus-operator" / generate.MONITORING_VERSION / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
         "-"],
        input=manifest, capture_output=True, text=True, check=False,
    )
    report = json.loads(result.stdout)
    assert result.returncode == 0, json.dumps([r for r in report["resources"] if r["status"] != "statusValid"], indent=1)
    return report["summary"]


@pytest.fixture(scope="module")
def manifests():
    return scenario_manifests()


@pytest.mark.parametrize("crd_set", schemas.crd_set_names())
@pytest.mark.parametrize("version", schemas.KUBERNETES_VERSIONS)
def test_scenarios_of_each_crd_set_pass_kubeconform(manifests, version, crd_set, tmp_path):
    if not schemas.available(crd_set):
        pytest.skip(f"{schemas.unavailable_reason(crd_set)}; its levels' scenarios are checked against its stand-in")
    for name, schema in schemas.crd_set_schemas(crd_set).items():
        (tmp_path / name).write_text(json.dumps(schema))
    summary = kubeconform("\n---\n".join(manifests[crd_set]), version, tmp_path)
    assert summary["valid"] == len(manifests[crd_set]) and summary["invalid"] == summary["errors"] == summary["skipped"] == 0


def test_kubeconform_catches_an_unknown_field():
    manifest = render().manifest.replace("  predictor:\n", "  predictor:\n    minReplica: 1\n", 1)
    result = subprocess.run(
        [BIN / "kubeconform", "-strict", "-kubernetes-version", schemas.KUBERNETES_VERSIONS[0],
         "-schema-location",
         str(SCHEMA / "kserve" / schemas.TABLE.module_versions()[0] / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
         "-schema-location",
         str(SCHEMA / "kubernetes" / "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}"
             / "{{ .ResourceKind }}{{ .KindSuffix }}.json"),
         "-"], input=manifest, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 1 and "minReplica" in result.stdout, result.stdout
