"""The platform table is the one place levels are defined: the schema enum, the README's support
matrix, the option matrix, the schema sets and the control-plane levels are all made from it, the
templates ask it for capabilities, and no level name appears anywhere else."""

from __future__ import annotations

import copy
import itertools
import json
import re
import shutil

import pytest
import yaml

from schema import generate, platforms
from tests.harness.paths import CHART, REFERENCE_CRDS, ROOT, SCHEMA
from tests.harness.render import parse, run_helm_template
from tests.harness.scenarios import TABLE, behaviour, distinct_levels, matrix

ROW_FIELDS = {"title", "kserve", "crdSet", "openShiftAI", "modes", "authProxy", "authProxyTimeout", "storage", "keda",
              "multiNode", "images", "nameLength", "authProxySelector", "hardwareProfiles", "spyre",
              "metricsScrapedByPlatform", "localModelNamespaceCache"}
IMAGE_KEYS = {"cuda", "rocm", "gaudi", "cpu", "multiNodeRuntimeVersion"}
MULTI_NODE_FIELDS = {"schemes", "backend", "backends", "rayTLS", "runtimeName", "autoscalerClass"}


@pytest.mark.parametrize("level", list(TABLE.levels))
def test_every_row_holds_every_field(level):
    row = TABLE.row(level)
    assert set(row) == ROW_FIELDS
    assert set(row["multiNode"]) == MULTI_NODE_FIELDS
    assert row["multiNode"]["backend"] in row["multiNode"]["backends"] and set(row["multiNode"]["backends"]) <= {"ray", "mp"}
    assert row["crdSet"] in TABLE.crd_sets
    assert isinstance(row["metricsScrapedByPlatform"], bool)
    assert row["modes"]["raw"]["writes"] in row["modes"]["raw"]["names"]
    assert row["modes"]["update"] in ("exact", "annotationOnly", "normalized")
    if row["modes"]["serverless"]:
        assert row["modes"]["serverless"]["writes"] in row["modes"]["serverless"]["names"]
    assert row["authProxy"] in ("none", "oauth-proxy", "kube-rbac-proxy", "selectable")
    assert (row["authProxyTimeout"] is None) == (row["authProxy"] == "none")
    assert set(row["multiNode"]["schemes"]) <= {"oci", "pvc"}
    assert 0 < row["nameLength"]["multiNode"] <= row["nameLength"]["singleNode"] <= 63
    assert row["modes"]["default"] in ("serverless", "raw") and row["modes"][row["modes"]["default"]]
    assert set(row["images"]) == IMAGE_KEYS
    for key in IMAGE_KEYS - {"multiNodeRuntimeVersion"}:
        image = row["images"][key]
        assert set(image) <= {"repository", "tag", "digest", "runtimeVersion"}
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", image["digest"]) and image["runtimeVersion"]
    if row["spyre"]:
        assert set(row["spyre"]) == {"image", "architectures"}
        assert set(row["spyre"]["image"]) <= {"repository", "tag", "digest"}
        assert re.fullmatch(r"sha256:[0-9a-f]{64}", row["spyre"]["image"]["digest"])
        assert set(row["spyre"]["architectures"]) <= {"amd64", "s390x", "ppc64le"}
        for architecture in row["spyre"]["architectures"].values():
            assert set(architecture) == {"resource", "runtimeVersion", "setupScript", "cacheDir", "env"}
            assert architecture["resource"] in ("ibm.com/spyre_pf", "ibm.com/spyre_vf") and architecture["runtimeVersion"]
            assert all(set(e) == {"name", "value"} and isinstance(e["value"], str) for e in architecture["env"])


@pytest.mark.parametrize("name", list(TABLE.crd_sets))
def test_every_crd_set_has_a_source(name):
    spec = TABLE.crd_sets[name]
    assert ("module" in spec) != ("reference" in spec), spec
    if "module" in spec:
        assert (SCHEMA / "kserve" / spec["module"]).is_dir(), "run `make schemas`"
    else:
        # an absent reference folder must leave a set to check the level against
        assert spec["standIn"] in TABLE.crd_sets and "module" in TABLE.crd_sets[spec["standIn"]]


def test_schema_enum_is_the_table():
    schema = json.loads((CHART / "values.schema.json").read_text())
    assert schema["properties"]["platform"]["enum"] == list(TABLE.levels)
    assert platforms.default_level() in TABLE.levels


def test_readme_support_matrix_is_made_from_the_table():
    matrix_text = platforms.support_matrix(TABLE, platforms.default_level())
    for readme in (ROOT / "README.md.gotmpl", CHART / "README.md"):
        text = readme.read_text()
        assert f"{platforms.README_BEGIN}\n{matrix_text}\n{platforms.README_END}" in text, (
            f"{readme.name} is stale: run `make schemas docs`")


def test_the_matrix_covers_one_level_of_each_distinct_row():
    covered = {c.platform for c in matrix()}
    assert covered == set(distinct_levels(TABLE))
    assert len(covered) == len({behaviour(row) for row in TABLE.levels.values()})


SAMPLES = [
    {},
    {"deploymentMode": "RawDeployment", "endpoint": {"auth": {"enabled": True}}},
    {"deploymentMode": "RawDeployment", "servingTopology": "multiNode", "model": {"uri": "pvc://models/granite"}},
]


LEFT_OUT = [lv for lv in TABLE.levels if lv not in distinct_levels(TABLE)]


@pytest.mark.parametrize("level", LEFT_OUT or [None], ids=lambda lv: lv or "none-left-out")
@pytest.mark.parametrize("sample", range(len(SAMPLES)))
def test_levels_left_out_of_the_matrix_render_like_the_one_in_it(level, sample):
    """The matrix takes one level per distinct row, on the promise that rows differing only in their
    title render alike: this holds the promise (and, while every row is distinct, that the matrix
    holds every level itself)."""
    if level is None:
        assert distinct_levels(TABLE) == list(TABLE.levels)
        return
    twin = next(lv for lv in distinct_levels(TABLE) if behaviour(TABLE.row(lv)) == behaviour(TABLE.row(level)))

    def rendered(platform):
        _, code, out, err = run_helm_template({**SAMPLES[sample], "platform": platform})
        images = TABLE.row(platform)["images"]
        for key, image in images.items():
            if isinstance(image, dict):
                out = out.replace(platforms.image_reference(image), f"IMAGE-{key}")
        out = re.sub(r"(opendatahub.io/runtime-version:) .*", r"\1 VERSION", out)
        return code, out, err.replace(TABLE.row(platform)["title"], "LEVEL").replace(platform, "LEVEL")

    assert rendered(level) == rendered(twin)


# --- a level added as one row -----------------------------------------------------------------------

NEW_LEVEL = "kserve-9.9"


@pytest.fixture(scope="module")
def chart_with_a_new_row(tmp_path_factory):
    """A copy of the chart whose table has one more row: a level without Knative, otherwise like the
    last upstream one, and whose schema and README are made from that table as `make schemas` does."""
    folder = tmp_path_factory.mktemp("new-row")
    chart = folder / CHART.name
    shutil.copytree(CHART, chart)
    data = yaml.safe_load((CHART / platforms.TABLE).read_text())
    upstream = next(name for name, row in reversed(data["levels"].items()) if not row["openShiftAI"])
    row = copy.deepcopy(data["levels"][upstream])
    row["title"] = "KServe 9.9"
    row["modes"]["serverless"] = None
    data["levels"][NEW_LEVEL] = row
    (chart / platforms.TABLE).write_text(yaml.safe_dump(data, sort_keys=False))
    table = platforms.load(chart)
    schema = generate.with_platform_enum(json.loads((chart / "values.schema.json").read_text()), table)
    (chart / "values.schema.json").write_text(json.dumps(schema, indent=2))
    return chart, table


def test_an_added_row_reaches_the_schema_enum(chart_with_a_new_row):
    chart, _ = chart_with_a_new_row
    assert NEW_LEVEL in json.loads((chart / "values.schema.json").read_text())["properties"]["platform"]["enum"]
    # and the real chart's schema refuses the level, so the enum is what admits it
    _, code, _, err = run_helm_template({"platform": NEW_LEVEL})
    assert code and "/platform" in err


def test_an_added_row_reaches_the_matrix(chart_with_a_new_row):
    _, table = chart_with_a_new_row
    combos = [c for c in matrix(table) if c.platform == NEW_LEVEL]
    assert combos
    assert all(any("has no Knative" in r for r in c.refusals()) for c in combos if c.serverless)
    assert any(not c.refusals() for c in combos)


def test_an_added_row_reaches_the_readme(chart_with_a_new_row):
    _, table = chart_with_a_new_row
    text = platforms.with_support_matrix((ROOT / "README.md.gotmpl").read_text(), table, platforms.default_level())
    assert f"| `{NEW_LEVEL}` | KServe 9.9 |" in text
    assert f"| `{NEW_LEVEL}` |" not in (ROOT / "README.md.gotmpl").read_text()


def test_an_added_row_is_read_by_the_templates(chart_with_a_new_row):
    chart, _ = chart_with_a_new_row
    _, code, out, err = run_helm_template({"platform": NEW_LEVEL, "deploymentMode": "RawDeployment"}, chart=chart)
    assert code == 0, err
    isvc = next(d for d in parse(out) if d["kind"] == "InferenceService")
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "Standard"
    _, code, _, err = run_helm_template({"platform": NEW_LEVEL, "deploymentMode": "Serverless"}, chart=chart)
    assert code and f"KServe 9.9 (platform={NEW_LEVEL}) has no Knative" in err and "deploymentMode=Standard" in err


# --- no level name outside the table ---------------------------------------------------------------

# Files that may name levels: scenario data and the platform rules, which record facts per level.
NAMING_ALLOWED = {"tests/harness/scenarios.py", "tests/harness/bad_inputs.py", "tests/test_platform_rules.py",
                  "tests/test_platform_rules_3x.py", "tests/test_platform_rules_images.py",
                  "tests/test_platform_rules_spyre.py"}


def level_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(level) + r"(?![\d.])" for level in TABLE.levels))


def test_no_level_name_in_the_templates():
    named = [f"{p.relative_to(CHART)}: {m[0]}" for p in (CHART / "templates").rglob("*")
             if p.is_file() for m in [level_pattern().search(p.read_text())] if m]
    assert not named, "templates must ask the platform row, not name levels"


def test_no_level_name_in_the_tests_outside_scenario_data():
    named = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative in NAMING_ALLOWED:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # image tags such as rhoai-2.22-cuda name an image, not a level
            if level_pattern().search(re.sub(r"rhoai-[\d.]+-(cuda|rocm|gaudi|cpu)", "", line)):
                named.append(f"{relative}:{number}: {line.strip()}")
    assert not named, "\n".join(named)


def test_the_level_check_finds_a_level_name(tmp_path):
    """The two checks above can fail: the pattern finds a level written in a template."""
    level = next(iter(TABLE.levels))
    assert level_pattern().search(f'{{{{ if eq .Values.platform "{level}" }}}}')
    assert not level_pattern().search(f"{level}9")


def test_reference_sets_are_named_where_the_shared_data_keeps_them():
    for spec in TABLE.crd_sets.values():
        if "reference" in spec and REFERENCE_CRDS.parent.is_dir():
            assert (REFERENCE_CRDS / spec["reference"]).is_dir(), spec



# --- the matrix: the default level in full, the others a covering subset ---------------------------

def covers(rows: set[tuple], strength: int) -> bool:
    """Whether `rows` hold every choice of one value on each of any `strength` axes."""
    from tests.harness.scenarios import AXES

    for axes in itertools.combinations(range(len(AXES)), strength):
        wanted = set(itertools.product(*(list(AXES.values())[i] for i in axes)))
        if wanted - {tuple(row[i] for i in axes) for row in rows}:
            return False
    return True


def test_every_level_gets_the_axes_in_full_or_covered_three_ways():
    from tests.harness.scenarios import AXES, COVERING_STRENGTH, DEFAULT_LEVEL

    full = set(itertools.product(*AXES.values()))
    by_level: dict[str, set] = {}
    for c in matrix():
        by_level.setdefault(c.platform, set()).add((c.storage, c.accelerator, c.topology, c.auth))
    assert by_level[DEFAULT_LEVEL] == full
    assert COVERING_STRENGTH >= 3
    for level, rows in by_level.items():
        assert covers(rows, COVERING_STRENGTH), level


def test_the_covering_check_finds_a_gap():
    from tests.harness.scenarios import AXES

    full = set(itertools.product(*AXES.values()))
    gap = {row for row in full if not (row[0] == "s3" and row[2] == "raw" and row[3] == "mixed")}
    assert covers(full, 3) and covers(gap, 2) and not covers(gap, 3)


def test_api_discovery_cannot_tell_every_level_apart():
    """Why `platform` has no `auto` (README, The KServe level): some levels that behave differently
    validate against one CRD set, so the APIs a cluster serves cannot choose between them."""
    from tests.harness.scenarios import behaviour

    by_set: dict[str, set[str]] = {}
    for row in TABLE.levels.values():
        by_set.setdefault(row["crdSet"], set()).add(behaviour(row))
    assert any(len(behaviours) > 1 for behaviours in by_set.values())
