"""Strict validators for every kind the chart renders.

Kubernetes kinds are checked against schema/kubernetes (generated from the official schemas for
the oldest and newest Kubernetes the chart admits); KServe kinds against the CRD set that the
platform table (charts/vllm-kserve/files/platforms.yaml) names for the level the render targets;
Prometheus Operator kinds against schema/prometheus-operator/<version>.
A set is generated into schema/kserve/<version> from a pinned KServe Go module, or read from the
real CRDs in the shared reference folder and converted on the fly; a reference set that is absent
is replaced by its declared stand-in. Unknown fields are errors everywhere the API server would
prune them.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import jsonschema

from schema import generate, platforms
from schema.generate import crd_file_schemas, kind_file_name

from . import filecache
from .paths import REFERENCE_CRDS, SCHEMA

SOURCES = json.loads((SCHEMA / "sources.json").read_text())
KUBERNETES_VERSIONS: list[str] = SOURCES["kubernetes"]
TABLE = platforms.load()
KSERVE_GROUP = "serving.kserve.io"
MONITORING_GROUP = "monitoring.coreos.com"


class MissingSchema(LookupError):
    """No schema exists for a rendered kind: the generator's kind list must grow."""


class SchemaUnavailable(LookupError):
    """A reference CRD set is not present on this machine."""


def crd_set_names() -> list[str]:
    return list(TABLE.crd_sets)


def is_reference(name: str) -> bool:
    return "reference" in TABLE.crd_sets[name]


def crd_folder(name: str):
    """The shared reference folder of a reference set (None for a generated set, whose converted
    schemas are committed under schema/kserve/<version>)."""
    spec = TABLE.crd_sets[name]
    return REFERENCE_CRDS / spec["reference"] if "reference" in spec else None


def available(name: str) -> bool:
    """Whether the set can be checked against here: generated sets always, reference sets when their
    folder is in the shared reference data."""
    return not is_reference(name) or crd_folder(name).is_dir()


def unavailable_reason(name: str) -> str:
    return f"{crd_folder(name)} does not exist, so nothing can be checked against the CRD set {name}"


@functools.cache
def crd_set_schemas(name: str) -> dict[str, dict]:
    """The strict schemas of a CRD set, by kubeconform file name; SchemaUnavailable if it is absent."""
    spec = TABLE.crd_sets[name]
    if "module" in spec:
        folder = SCHEMA / "kserve" / spec["module"]
        return {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}
    if not available(name):
        raise SchemaUnavailable(unavailable_reason(name))
    paths = sorted(crd_folder(name).glob(f"{KSERVE_GROUP}_*.yaml"))
    # converting a reference set takes seconds (its CRDs are megabytes of YAML): done once per
    # machine and kept until a CRD, the converter or the Kubernetes definitions change
    inputs = [*paths, Path(generate.__file__), generate.definitions_file(KUBERNETES_VERSIONS[-1])]
    return filecache.lasting(f"crd-schemas-{name}", inputs,
                             lambda: crd_file_schemas(paths, KUBERNETES_VERSIONS[-1]))


@functools.cache
def _validator(kind: str, api_version: str, schema_set: str) -> jsonschema.protocols.Validator:
    file_name = kind_file_name(api_version, kind)
    if api_version.startswith(KSERVE_GROUP + "/"):
        schema = crd_set_schemas(schema_set).get(file_name)
        # the reference copies hold the workload's CRDs alone; other kinds come from the stand-in's
        # module, the upstream release the set is based on
        while schema is None and is_reference(schema_set):
            schema_set = TABLE.crd_sets[schema_set]["standIn"]
            schema = crd_set_schemas(schema_set).get(file_name)
    elif api_version.startswith(MONITORING_GROUP + "/"):
        path = SCHEMA / "prometheus-operator" / schema_set / file_name
        schema = json.loads(path.read_text()) if path.exists() else None
    else:
        path = SCHEMA / "kubernetes" / f"v{schema_set}-standalone-strict" / file_name
        schema = json.loads(path.read_text()) if path.exists() else None
    if schema is None:
        raise MissingSchema(f"no schema for {api_version} {kind} in set {schema_set} (add it to schema/generate.py)")
    # The schemas themselves are checked against their meta-schema once, in test_schemas.py.
    return jsonschema.validators.validator_for(schema)(schema)


def schema_sets_for(doc: dict, platform: str) -> list[str]:
    """The schema sets a rendered document must satisfy."""
    if doc.get("apiVersion", "").startswith(KSERVE_GROUP + "/"):
        return [crd_set_for(platform)]
    if doc.get("apiVersion", "").startswith(MONITORING_GROUP + "/"):
        return [generate.MONITORING_VERSION]
    return list(KUBERNETES_VERSIONS)


def effective_set(name: str) -> str:
    """The set itself, or, while a reference set is absent, its stand-in (a superset of its API)."""
    while not available(name):
        name = TABLE.crd_sets[name]["standIn"]
    return name


def crd_set_for(platform: str) -> str:
    return effective_set(TABLE.crd_set_of(platform))


def errors_of(doc: dict, schema_set: str) -> list[str]:
    validator = _validator(doc.get("kind", "?"), doc.get("apiVersion", "?"), schema_set)
    found = []
    for error in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
        where = "/".join(map(str, error.absolute_path)) or "(root)"
        found.append(f"{where}: {error.message}")
    return found


def validate_documents(docs: list[dict], platform: str) -> list[str]:
    """Every schema error of every document, as 'Kind/name [set] path: message' lines."""
    problems = []
    for doc in docs:
        label = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        for schema_set in schema_sets_for(doc, platform):
            problems += [f"{label} [{schema_set}] {e}" for e in errors_of(doc, schema_set)]
    return problems
