"""Strict validators for every kind the chart renders.

Kubernetes kinds are checked against schema/kubernetes (generated from the official schemas for
the oldest and newest Kubernetes the chart admits); KServe kinds against the CRD of the KServe
level the render targets: upstream v0.15.2 from schema/kserve, OpenShift AI 2.22 converted on the
fly from the real CRD in the shared reference folder. Unknown fields are errors everywhere the API
server would prune them.
"""

from __future__ import annotations

import functools
import json

import jsonschema

from schema.generate import crd_file_schemas, kind_file_name
from .paths import REFERENCE_CRDS, SCHEMA

SOURCES = json.loads((SCHEMA / "sources.json").read_text())
KUBERNETES_VERSIONS: list[str] = SOURCES["kubernetes"]
KSERVE_UPSTREAM, KSERVE_016 = SOURCES["github.com/kserve/kserve"]

# KServe level of each `platform` value -> the CRD set that describes it.
RHOAI_222 = "rhoai-2.22"
CRD_SET_OF_PLATFORM = {
    "rhoai-2.22": RHOAI_222,
    "rhoai-2.23": KSERVE_UPSTREAM,
    "rhoai-2.24": KSERVE_UPSTREAM,
    "rhoai-2.25": KSERVE_UPSTREAM,
    "kserve-0.15": KSERVE_UPSTREAM,
    "kserve-0.16": KSERVE_016,
}
KSERVE_GROUP = "serving.kserve.io"


class MissingSchema(LookupError):
    """No schema exists for a rendered kind: the generator's kind list must grow."""


class SchemaUnavailable(LookupError):
    """A reference CRD set is not present on this machine."""


def rhoai_222_available() -> bool:
    return (REFERENCE_CRDS / RHOAI_222).is_dir()


@functools.cache
def _crd_set(name: str) -> dict[str, dict]:
    if name != RHOAI_222:
        folder = SCHEMA / "kserve" / name
        return {p.name: json.loads(p.read_text()) for p in folder.glob("*.json")}
    folder = REFERENCE_CRDS / name
    if not folder.is_dir():
        raise SchemaUnavailable(f"{folder} does not exist, so renders for {name} cannot be checked against its CRDs")
    return crd_file_schemas(sorted(folder.glob("serving.kserve.io_*.yaml")), KUBERNETES_VERSIONS[-1])


@functools.cache
def _validator(kind: str, api_version: str, schema_set: str) -> jsonschema.protocols.Validator:
    file_name = kind_file_name(api_version, kind)
    if api_version.startswith(KSERVE_GROUP + "/"):
        schema = _crd_set(schema_set).get(file_name)
    else:
        path = SCHEMA / "kubernetes" / f"v{schema_set}-standalone-strict" / file_name
        schema = json.loads(path.read_text()) if path.exists() else None
    if schema is None:
        raise MissingSchema(f"no schema for {api_version} {kind} in set {schema_set} (add it to schema/generate.py)")
    # The schemas themselves are checked against their meta-schema once, in test_schemas.py.
    return jsonschema.validators.validator_for(schema)(schema)


def schema_sets_for(doc: dict, platform: str) -> list[str]:
    """The schema sets a rendered document must satisfy. Without the OpenShift AI 2.22 CRDs on this
    machine, its renders are held to upstream 0.15.2, whose API is a superset of 2.22's."""
    if doc.get("apiVersion", "").startswith(KSERVE_GROUP + "/"):
        return [crd_set_for(platform)]
    return list(KUBERNETES_VERSIONS)


def crd_set_for(platform: str) -> str:
    schema_set = CRD_SET_OF_PLATFORM[platform]
    return KSERVE_UPSTREAM if schema_set == RHOAI_222 and not rhoai_222_available() else schema_set


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
