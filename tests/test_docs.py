"""Documentation is tested like code: the chart README is generated and current, every value is
described, and every command and YAML example in it works."""

import itertools
import re
import shutil
import subprocess

import pytest
import yaml

from tests.harness import schemas
from tests.harness.commands import as_template, helm_commands
from tests.harness.paths import BIN, CHART, ROOT
from tests.harness.render import render

README = CHART / "README.md"
TEXT = README.read_text()


def test_readme_is_what_helm_docs_generates(tmp_path):
    """helm-docs exits 0 even when it fails, so compare its output instead of trusting it."""
    shutil.copytree(CHART, tmp_path / "charts" / CHART.name)
    shutil.copy(ROOT / "README.md.gotmpl", tmp_path / "README.md.gotmpl")
    (tmp_path / "charts" / CHART.name / "README.md").unlink()
    subprocess.run(
        [BIN / "helm-docs", "--chart-search-root=charts", "--template-files=../README.md.gotmpl",
         "--sort-values-order=file", "--log-level=warning"],
        cwd=tmp_path, check=True, capture_output=True,
    )
    fresh = (tmp_path / "charts" / CHART.name / "README.md").read_text()
    assert fresh == TEXT, "charts/vllm-kserve/README.md is stale: run `make docs`"


def test_readme_comes_from_the_project_template():
    # helm-docs silently falls back to its default template when it cannot find ours
    assert "## Where the model comes from" in TEXT and "## Values" in TEXT


def values_table() -> dict[str, str]:
    rows = re.findall(r"^\| (\S+) \| \S+ \| .*? \| (.*) \|$", TEXT.split("## Values", 1)[1], re.M)
    return {key: description for key, description in rows if key != "Key"}


def leaf_paths(node, prefix=""):
    if isinstance(node, dict) and node:
        for key, value in node.items():
            yield from leaf_paths(value, f"{prefix}.{key}" if prefix else key)
    else:
        yield prefix


def test_every_value_is_in_the_table_with_a_description():
    table = values_table()
    assert all(description.strip() for description in table.values()), table
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    for path in leaf_paths(values):
        documented = [key for key in table if path == key or path.startswith(key + ".")]
        assert documented, f"{path} has no `# --` description in values.yaml"


def test_every_top_level_value_has_its_own_comment_block():
    lines = (CHART / "values.yaml").read_text().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^[A-Za-z]\w*:", line):
            block = []
            j = i - 1
            while j >= 0 and lines[j].startswith("#"):
                block.insert(0, lines[j])
                j -= 1
            nested = i + 1 < len(lines) and lines[i + 1].startswith("  ")
            assert nested or any(c.startswith("# --") for c in block), f"values.yaml line {i + 1}: {line}"


COMMANDS = helm_commands(TEXT)


def topics_under(*parents: str) -> dict[str, str]:
    """The README's ### sections (title -> text) that stand under these ## headings."""
    found, parent = {}, None
    for heading, title, body in re.findall(r"^(##|###) ([^\n]+)\n(.*?)(?=^##|\Z)", TEXT, re.S | re.M):
        if heading == "##":
            parent = title
        elif parent in parents:
            found[title] = body
    return found


def test_readme_shows_commands_for_every_section():
    """Each accelerator, security and production-default section carries a worked example that the
    next test executes."""
    topics = topics_under("Accelerators", "Security", "Production defaults")
    assert {"Pod security", "Start-up that survives big models", "Checking a release"} <= set(topics)
    without = [title for title, body in topics.items() if not helm_commands(body)]
    assert not without, f"sections without a helm command: {without}"


def named_files() -> dict[str, str]:
    """Files the README shows in full: fenced blocks whose info string names them (```yaml x.yaml)."""
    return dict(re.findall(r"^```yaml ([\w.-]+)\n(.*?)^```", TEXT, re.S | re.M))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: f"line{c.line}")
def test_readme_helm_command_renders(command, tmp_path, monkeypatch):
    for name, content in named_files().items():
        (tmp_path / name).write_text(content)
    monkeypatch.chdir(tmp_path)  # commands refer to those files by relative path
    release, flags = as_template(command.argv, CHART)
    docs = render(release=release, extra=flags)
    # named after the release, or what a command names it (the 0.x migration keeps an old name)
    named = [value.split("=", 1)[1] for flag, value in itertools.pairwise(flags)
             if flag == "--set" and value.startswith(("fullnameOverride=", "inferenceService.name="))]
    assert docs.has("InferenceService", named[-1] if named else release)


def test_files_the_commands_use_are_shown_in_the_readme():
    used = {arg for c in COMMANDS for flag, arg in itertools.pairwise(c.argv) if flag in ("-f", "--values")}
    assert used and used <= set(named_files())


def yaml_examples():
    return [yaml.safe_load(block) for block in re.findall(r"^```yaml(?: [\w.-]+)?\n(.*?)^```", TEXT, re.S | re.M)]


def test_secret_example_is_a_valid_data_connection():
    [secret] = [doc for doc in yaml_examples() if isinstance(doc, dict) and doc.get("kind") == "Secret"]
    for version in schemas.KUBERNETES_VERSIONS:
        assert not schemas.errors_of(secret, version)
    assert secret["metadata"]["labels"] == {"opendatahub.io/dashboard": "true", "opendatahub.io/managed": "true"}
    assert secret["metadata"]["annotations"]["opendatahub.io/connection-type"] == "s3"
    assert set(secret["stringData"]) >= {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_S3_ENDPOINT", "AWS_S3_BUCKET"}


def test_values_examples_render():
    examples = [doc for doc in yaml_examples() if isinstance(doc, dict) and ("model" in doc or "endpoint" in doc)]
    assert len(examples) >= 2
    for values in examples:
        render(values)


def test_umbrella_values_example_renders_under_the_dependency_key():
    [umbrella] = [doc for doc in yaml_examples() if isinstance(doc, dict) and CHART.name in doc]
    render(umbrella[CHART.name])


# --- the project README -----------------------------------------------------------------------------

PROJECT_README = (ROOT / "README.md").read_text()


def test_project_readme_counts_are_the_suites():
    """The figures the README states are the ones the suite prints in its coverage line."""
    from tests.harness.bad_inputs import BAD_INPUTS
    from tests.harness.scenarios import INVALID, MATRIX, VALID

    stated = re.search(r"(\d+) combinations, (\d+) rendered and (\d+) refused, and (\d+) bad inputs", PROJECT_README)
    assert stated, "the README no longer states the matrix and bad-input counts"
    assert tuple(map(int, stated.groups())) == (len(MATRIX), len(VALID), len(INVALID), len(BAD_INPUTS))


def test_project_readme_lists_every_harness_module():
    listed = set(re.findall(r"^\s+harness/(\w+\.py)", PROJECT_README, re.M))
    modules = {p.name for p in (ROOT / "tests" / "harness").glob("*.py") if p.name != "__init__.py"}
    assert listed == modules, f"README 'Where things live': missing {sorted(modules - listed)}, gone {sorted(listed - modules)}"


def test_project_readme_names_every_make_target():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):.*## ", makefile, re.M))
    documented = set(re.findall(r"`make ([a-z][a-z-]*)", PROJECT_README))
    assert targets <= documented, f"targets the README does not name: {sorted(targets - documented)}"


def test_install_commands_name_the_chart_version():
    """The chart repository also serves an earlier 0.x line under the same name, so an install
    from the repository or the registry that names no version would install that one."""
    version = yaml.safe_load((CHART / "Chart.yaml").read_text())["version"]
    install = TEXT.split("## Installing the chart", 1)[1].split("\n## ", 1)[0]
    for text in (install, PROJECT_README.split("## Development", 1)[0]):
        commands = re.findall(r"helm upgrade -i my-vllm (?:redhat-ai-services/|oci://)[^\n`]*(?:\\\n[^\n`]*)*", text)
        assert commands and all(f"--version {version}" in c for c in commands), commands
