"""The schemas themselves: the chart's values schema is strict, complete and agrees with values.yaml;
the generated object schemas are current, well-formed and as strict as the API server."""

import copy
import json
import subprocess
import sys

import jsonschema
import pytest
import yaml

from schema.generate import crd_file_schemas
from tests.harness import objects, schemas
from tests.harness.paths import CHART, REFERENCE_CRDS, ROOT, SCHEMA

VALUES = yaml.safe_load((CHART / "values.yaml").read_text())
CHART_SCHEMA = json.loads((CHART / "values.schema.json").read_text())
OWN_DEFINITIONS = {k for k in CHART_SCHEMA["definitions"] if not k.startswith("io.k8s.")}


def chart_owned_nodes(node=CHART_SCHEMA, path="#"):
    """(path, schema) of every schema node the chart wrote itself (not the vendored Kubernetes types)."""
    yield path, node
    for key in ("properties", "definitions"):
        for name, child in node.get(key, {}).items():
            if key == "definitions" and name not in OWN_DEFINITIONS:
                continue
            yield from chart_owned_nodes(child, f"{path}/{key}/{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            yield from chart_owned_nodes(node[key], f"{path}/{key}")
    for key in ("oneOf", "anyOf"):
        for i, child in enumerate(node.get(key, [])):
            yield from chart_owned_nodes(child, f"{path}/{key}/{i}")


def test_values_yaml_satisfies_the_schema_and_sets_every_top_level_key():
    schema = copy.deepcopy(CHART_SCHEMA)
    # the 0.x line's values, which the schema knows only to refuse them by name, stay out of values.yaml
    schema["required"] = sorted(k for k, v in schema["properties"].items() if k != "global" and not v.get("deprecated"))
    jsonschema.Draft7Validator(schema).validate(VALUES)


def test_schema_defaults_equal_values_yaml():
    def walk(node, value, path):
        if "default" in node:
            assert node["default"] == value, f"{path}: schema default {node['default']!r} != values.yaml {value!r}"
        for name, child in node.get("properties", {}).items():
            if isinstance(value, dict) and name in value:
                walk(child, value[name], f"{path}.{name}")
            elif name != "global":
                assert "default" not in child or isinstance(value, dict), f"{path}.{name} missing from values.yaml"

    walk(CHART_SCHEMA, VALUES, "values")
    leaves_with_default = [p for p, n in chart_owned_nodes() if "default" in n]
    assert len(leaves_with_default) > 40


def test_every_object_decides_on_additional_properties():
    undecided = [
        path for path, node in chart_owned_nodes()
        if "object" in (node.get("type") if isinstance(node.get("type"), list) else [node.get("type")])
        and "additionalProperties" not in node and path != "#/properties/global"
        and not node.get("allOf")  # decided by the definition it refers to
    ]
    assert not undecided, undecided


def test_every_value_has_a_description():
    missing = [
        path for path, node in chart_owned_nodes()
        if path.split("/")[-2:-1] == ["properties"] and "description" not in node
    ]
    assert not missing, missing


def test_schema_rejects_unknown_keys_at_every_level():
    for path, node in chart_owned_nodes():
        if node.get("additionalProperties") is False and "/definitions/" not in path:
            probe = {"an-unknown-key": 1}
            assert list(jsonschema.Draft7Validator(node).iter_errors(probe)), path


def test_generated_schemas_are_current():
    result = subprocess.run([sys.executable, "-m", "schema.generate", "--check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", sorted(SCHEMA.rglob("*.json")), ids=lambda p: str(p.relative_to(SCHEMA)))
def test_generated_schema_is_a_valid_schema(path):
    schema = json.loads(path.read_text())
    if "$schema" in schema:
        jsonschema.validators.validator_for(schema).check_schema(schema)


def test_chart_schema_is_a_valid_draft7_schema():
    jsonschema.Draft7Validator.check_schema(CHART_SCHEMA)


@pytest.mark.parametrize("version", schemas.TABLE.module_versions())
def test_go_module_crds_match_the_reference_copy(version):
    """schema/kserve comes from the Go module; the reference folder, where it has the version, holds
    the same CRDs taken from git."""
    reference_dir = REFERENCE_CRDS / f"kserve-{version}"
    if not reference_dir.is_dir():
        pytest.skip(f"{reference_dir} does not exist: no reference copy of the KServe {version} CRDs to compare with")
    ours = {p.name: json.loads(p.read_text()) for p in (SCHEMA / "kserve" / version).glob("*.json")}
    reference = crd_file_schemas(sorted(reference_dir.glob("serving.kserve.io_[is]*.yaml")), schemas.KUBERNETES_VERSIONS[-1])
    assert {k: v for k, v in reference.items() if k in ours} == ours


STRICTNESS_PROBES = [
    ("typo-in-spec", lambda d: objects.predictor(d).update(minReplica=1)),
    ("node-selector-in-model-container", lambda d: objects.model_spec(d).update(nodeSelector={"a": "b"})),
    ("metadata-typo", lambda d: d["metadata"].update(label={"a": "b"})),
    ("wrong-type", lambda d: objects.predictor(d).update(minReplicas="one")),
]


@pytest.mark.parametrize("schema_set", schemas.crd_set_names())
@pytest.mark.parametrize("probe_id, mutate", STRICTNESS_PROBES, ids=[p[0] for p in STRICTNESS_PROBES])
def test_kserve_schemas_reject_what_the_api_server_would_prune(schema_set, probe_id, mutate):
    if not schemas.available(schema_set):
        pytest.skip(schemas.unavailable_reason(schema_set))
    isvc = {"apiVersion": "serving.kserve.io/v1beta1", "kind": "InferenceService", "metadata": {"name": "x"},
            "spec": {"predictor": {"model": {"modelFormat": {"name": "vLLM"}, "storageUri": "pvc://a/b"}}}}
    assert not schemas.errors_of(isvc, schema_set)
    mutate(isvc)
    assert schemas.errors_of(isvc, schema_set)


@pytest.mark.parametrize("version", schemas.KUBERNETES_VERSIONS)
def test_kubernetes_schemas_reject_unknown_fields(version):
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "type": "Opaque"}
    assert not schemas.errors_of(secret, version)
    secret["strinData"] = {"a": "b"}
    assert schemas.errors_of(secret, version)


def test_kubernetes_versions_are_the_oldest_admitted_and_the_newest_known():
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    oldest = chart["kubeVersion"].removeprefix(">=").removesuffix("-0")
    assert schemas.KUBERNETES_VERSIONS[0] == oldest
    as_tuple = lambda v: tuple(map(int, v.split(".")))  # noqa: E731
    assert as_tuple(schemas.KUBERNETES_VERSIONS[-1]) > as_tuple(oldest)
