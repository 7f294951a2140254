"""The Kubernetes fields each KServe CRD set can hold where the chart renders a Kubernetes-typed value.

KServe's CRDs embed the pod types of the Kubernetes version each KServe release was built with, so
an older level lacks fields the vendored Kubernetes definitions have (OpenShift AI 2.22's CRD has no
PodSecurityContext.seLinuxChangePolicy), and the API server's strict field validation refuses them
there. The chart's schema drops from each vendored definition the fields some CRD set lacks where
the chart writes it: the generated sets' gaps are found here from their schemas; the reference
sets' (which may be absent) are recorded in REFERENCE_GAPS and checked against their CRDs by
tests/test_crd_fields.py whenever they are present. The same goes for fields newer than the
Kubernetes API server the project runs, which refuses them in the pods KServe makes.
"""

from __future__ import annotations

import re

IS = "inferenceservice-serving-v1beta1.json"
SR = "servingruntime-serving-v1alpha1.json"
K8S = "io.k8s.api.core.v1."

# Where the chart writes a Kubernetes-typed value: (CRD schema file, path of properties/items, type).
RENDERED_AT = [
    (IS, ("spec", "predictor", "securityContext"), K8S + "PodSecurityContext"),
    (IS, ("spec", "predictor", "affinity"), K8S + "Affinity"),
    (IS, ("spec", "predictor", "tolerations", []), K8S + "Toleration"),
    (IS, ("spec", "predictor", "topologySpreadConstraints", []), K8S + "TopologySpreadConstraint"),
    (IS, ("spec", "predictor", "volumes", []), K8S + "Volume"),
    (IS, ("spec", "predictor", "initContainers", []), K8S + "Container"),
    (IS, ("spec", "predictor", "model", "env", []), K8S + "EnvVar"),
    (IS, ("spec", "predictor", "model", "envFrom", []), K8S + "EnvFromSource"),
    (IS, ("spec", "predictor", "model", "volumeMounts", []), K8S + "VolumeMount"),
    (IS, ("spec", "predictor", "workerSpec", "securityContext"), K8S + "PodSecurityContext"),
    (IS, ("spec", "predictor", "workerSpec", "volumes", []), K8S + "Volume"),
    (IS, ("spec", "predictor", "workerSpec", "initContainers", []), K8S + "Container"),
    (IS, ("spec", "predictor", "deploymentStrategy", "rollingUpdate"), "io.k8s.api.apps.v1.RollingUpdateDeployment"),
    (SR, ("spec", "containers", []), K8S + "Container"),
    (SR, ("spec", "workerSpec", "containers", []), K8S + "Container"),
]

# What the reference sets lack beyond the generated ones, by definition (see tests/test_schemas.py).
REFERENCE_GAPS: dict[str, list[str]] = {
    # OpenShift AI 2.22 (a KServe 0.14 fork, built on older Kubernetes types)
    "io.k8s.api.core.v1.PodSecurityContext": ["seLinuxChangePolicy"],
}

_REF = re.compile(r"^#/definitions/(io\.k8s\..+)$")


def _at(schema: dict, path: tuple) -> dict | None:
    node = schema
    for step in path:
        node = node.get("items") if step == [] else (node.get("properties") or {}).get(step)
        if node is None:
            return None
    return node


def _refs(node) -> list[str]:
    """The vendored definitions a property's schema refers to, directly or through its items."""
    found = []
    if isinstance(node, dict):
        match = _REF.match(str(node.get("$ref", "")))
        if match:
            found.append(match[1])
        for key in ("items", "additionalProperties"):
            found += _refs(node.get(key))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key) or []:
                found += _refs(sub)
    return found


def _sub(crd_node: dict, property_schema: dict) -> dict:
    """The CRD's node for a property: its items when the property is a list."""
    if crd_node.get("type") == "array" or ("items" in crd_node and "properties" not in crd_node):
        return crd_node.get("items") or {}
    return crd_node


def gaps(crd_schemas: dict[str, dict], definitions: dict) -> dict[str, set[str]]:
    """For each vendored definition, the fields a CRD set's schemas lack where the chart writes it."""
    missing: dict[str, set[str]] = {}

    def walk(name: str, crd_node: dict, seen: frozenset):
        if name in seen or name not in definitions or "properties" not in crd_node:
            return
        crd_properties = crd_node["properties"]
        for field, schema in (definitions[name].get("properties") or {}).items():
            if field not in crd_properties:
                missing.setdefault(name, set()).add(field)
                continue
            for ref in _refs(schema):
                walk(ref, _sub(crd_properties[field], schema), seen | {name})

    for file_name, path, name in RENDERED_AT:
        node = _at(crd_schemas.get(file_name) or {}, path)
        if node is not None:
            walk(name, node, frozenset())
    return missing


def kubernetes_gaps(definitions: dict, api_server_definitions: dict) -> dict[str, set[str]]:
    """The fields of each definition that the Kubernetes API server in the loop does not know (the
    vendored definitions can be a newer release's): it refuses them in the pods KServe makes."""
    found = {}
    for name, definition in definitions.items():
        if name in api_server_definitions:
            known = set(api_server_definitions[name].get("properties") or {})
            extra = set(definition.get("properties") or {}) - known
            if extra:
                found[name] = extra
    return found


def without_gaps(definitions: dict, found: dict[str, set[str]]) -> dict:
    """The definitions without the fields some CRD set lacks (strict, so such a field is refused)."""
    out = dict(definitions)
    for name, fields in found.items():
        if name in out and fields:
            properties = {k: v for k, v in out[name].get("properties", {}).items() if k not in fields}
            required = [r for r in out[name].get("required", []) if r not in fields]
            out[name] = {**out[name], "properties": properties, **({"required": required} if "required" in out[name] else {})}
    return out
