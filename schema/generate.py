"""Generate the JSON Schemas the harness validates rendered objects against.

    python -m schema.generate            write schema/ and the chart schema's `definitions`
    python -m schema.generate --check    exit 1 if anything committed differs from a fresh run

Sources, all pinned:
- Kubernetes kinds: the strict schemas bundled in the `kubernetes-validate` package (its version is
  pinned in requirements.txt), for the oldest Kubernetes the chart's `kubeVersion` admits and the
  newest the package carries. Each kind becomes one standalone file (its definitions inlined), named
  the way kubeconform looks files up, so kubeconform and pytest read the very same schemas.
- KServe kinds: the CRDs inside the `github.com/kserve/kserve` Go module at each version the
  platform table (charts/vllm-kserve/files/platforms.yaml) names as a CRD set, converted from
  `openAPIV3Schema` with unknown fields rejected wherever the CRD does not preserve them, as the
  API server prunes them.
- Prometheus Operator kinds (the ServiceMonitor and PodMonitor of `metrics`): the CRDs inside the
  `github.com/prometheus-operator/prometheus-operator` Go module at MONITORING_VERSION, converted
  the same way.
- values.schema.json `definitions`: the Kubernetes types its hand-written part refers to, from the
  newest Kubernetes schemas, so a bad toleration or env entry fails at `helm template` time.
- values.schema.json's `platform` enum, the support matrix in README.md.gotmpl and the Artifact Hub
  image list of Chart.yaml: the levels of the platform table.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import yaml

from schema import crd_fields, platforms

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_DIR = ROOT / "schema"
CHART_DIR = ROOT / "charts" / "vllm-kserve"
CHART_SCHEMA = CHART_DIR / "values.schema.json"
README_TEMPLATE = ROOT / "README.md.gotmpl"
KSERVE_TOOLS = ROOT / "tools" / "kserve"

# Draft-07, which every consumer here reads (kubeconform, Helm, Python's jsonschema) and which
# checks and validates several times faster than 2020-12 for schemas this large.
DRAFT = "http://json-schema.org/draft-07/schema#"

# Every Kubernetes kind the chart can render: (apiVersion, kind).
KUBERNETES_KINDS = [
    ("v1", "ConfigMap"),
    ("v1", "Pod"),
    ("v1", "Secret"),
    ("v1", "ServiceAccount"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("policy/v1", "PodDisruptionBudget"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
]

# The KServe CRDs the chart renders objects of; every CRD set (generated or reference) has them.
KSERVE_CRDS = ["serving.kserve.io_inferenceservices.yaml", "serving.kserve.io_servingruntimes.yaml"]
# The model cache the chart renders for model.cache, in the versions whose module has it (a
# folder of its own under config/crd/full from 0.17).
CACHE_CRD = "serving.kserve.io_localmodelnamespacecaches.yaml"
# The upstream versions the platform table validates against.
KSERVE_CRD_VERSIONS = platforms.load().module_versions()

# The Prometheus Operator CRDs of the monitors the chart renders, from this module version (the
# newest the Go module proxy serves), into schema/prometheus-operator/<version>/.
MONITORING_MODULE = "github.com/prometheus-operator/prometheus-operator"
MONITORING_VERSION = "v0.76.2"
MONITORING_CRDS = ["monitoring.coreos.com_podmonitors.yaml", "monitoring.coreos.com_servicemonitors.yaml"]

OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
DEFS_REF = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/(.+)$")


def kind_file_name(api_version: str, kind: str) -> str:
    """kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`, e.g. role-rbac-v1.json."""
    if "/" in api_version:
        group, version = api_version.split("/")
        return f"{kind.lower()}-{group.split('.')[0]}-{version}.json"
    return f"{kind.lower()}-{api_version}.json"


# --- Kubernetes -----------------------------------------------------------------------------------

def kubernetes_validate_dir() -> Path:
    import kubernetes_validate

    return Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"


def available_kubernetes_versions() -> list[tuple[int, int]]:
    versions = []
    for path in kubernetes_validate_dir().glob("v*-local-strict"):
        major, minor, _ = path.name[1:].split("-")[0].split(".")
        versions.append((int(major), int(minor)))
    return sorted(versions)


def chart_kubernetes_versions() -> list[str]:
    """Oldest Kubernetes the chart's kubeVersion admits, and the newest the schema source carries."""
    chart = yaml.safe_load((CHART_DIR / "Chart.yaml").read_text())
    match = re.fullmatch(r">=\s*(\d+)\.(\d+)\.\d+(-0)?", chart["kubeVersion"].strip())
    if not match:
        raise SystemExit(f"Chart.yaml kubeVersion {chart['kubeVersion']!r} is not of the form '>=X.Y.Z-0'")
    oldest = (int(match[1]), int(match[2]))
    admitted = [v for v in available_kubernetes_versions() if v >= oldest]
    if not admitted or admitted[0] != oldest:
        raise SystemExit(f"kubernetes-validate has no schemas for Kubernetes {oldest[0]}.{oldest[1]}")
    return [f"{major}.{minor}.0" for major, minor in (admitted[0], admitted[-1])]


def definitions_file(version: str) -> Path:
    return kubernetes_validate_dir() / f"v{version}-local-strict" / "_definitions.json"


def load_definitions(version: str) -> dict:
    return json.loads(definitions_file(version).read_text())["$defs"]


def rewrite_refs(node, target: str, seen: set[str] | None = None):
    """Point every Kubernetes definition reference at `target` + name, collecting the names."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                continue  # prose only: keeps the committed files small and diffs readable
            if key == "format":
                continue  # int32, byte, ...: not assertions the API server makes on these types
            if key == "$ref" and isinstance(value, str) and DEFS_REF.match(value):
                name = DEFS_REF.match(value)[1]
                if seen is not None:
                    seen.add(name)
                out[key] = target + name
            else:
                out[key] = rewrite_refs(value, target, seen)
        return out
    if isinstance(node, list):
        return [rewrite_refs(item, target, seen) for item in node]
    return node


def closure(names: set[str], definitions: dict, target: str) -> dict:
    """The named definitions and everything they refer to, rewritten for `target`."""
    result: dict = {}
    pending = sorted(names)
    while pending:
        name = pending.pop()
        if name in result:
            continue
        found: set[str] = set()
        result[name] = rewrite_refs(definitions[name], target, found)
        pending.extend(sorted(found - result.keys()))
    return dict(sorted(result.items()))


def standalone_kind_schema(version: str, api_version: str, kind: str) -> dict:
    path = kubernetes_validate_dir() / f"v{version}-local-strict" / kind_file_name(api_version, kind)
    raw = json.loads(path.read_text())
    raw.pop("$id", None)
    raw.pop("$schema", None)
    names: set[str] = set()
    schema = rewrite_refs(raw, "#/definitions/", names)
    schema["definitions"] = closure(names, load_definitions(version), "#/definitions/")
    return {"$schema": DRAFT, **schema}


# --- KServe ---------------------------------------------------------------------------------------

def kserve_tool_version(tool: Path = KSERVE_TOOLS) -> str:
    """The KServe version a tools/kserve* module builds the controller from (one of
    KSERVE_CRD_VERSIONS); tools/kserve, the first one, by default."""
    for line in (tool / "go.mod").read_text().splitlines():
        match = re.match(r"^(?:require\s+)?\s*github\.com/kserve/kserve\s+(v\S+)", line.strip())
        if match:
            return match[1]
    raise SystemExit(f"{tool.relative_to(ROOT)}/go.mod does not require github.com/kserve/kserve")


def kserve_tools() -> list[Path]:
    """The KServe controller modules: tools/kserve, then tools/kserve-<version> in version order."""
    others = sorted(KSERVE_TOOLS.parent.glob("kserve-*"), key=lambda p: [int(n) for n in p.name[7:].split(".")])
    return [KSERVE_TOOLS, *others]


def module_dir(module: str, version: str) -> Path:
    """Where the Go module cache holds module@version, downloaded (and checked against go.sum's
    database) first if need be."""
    result = subprocess.run(["go", "mod", "download", "-json", f"{module}@{version}"],
                            cwd=KSERVE_TOOLS, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"go mod download {module}@{version} failed:\n{result.stderr}")
    return Path(json.loads(result.stdout)["Dir"])


def kserve_module_dir(version: str) -> Path:
    return module_dir("github.com/kserve/kserve", version)


def monitoring_crd_paths() -> list[Path]:
    """The Prometheus Operator CRD files of the kinds the chart renders."""
    folder = module_dir(MONITORING_MODULE, MONITORING_VERSION) / "example" / "prometheus-operator-crd-full"
    return [folder / name for name in MONITORING_CRDS]


def _strict(node):
    """Reject unknown fields wherever the CRD lists properties and does not preserve unknown ones."""
    if isinstance(node, dict):
        node = {key: _strict(value) for key, value in node.items()}
        if node.pop("nullable", False) and "type" in node:
            node["type"] = [node["type"], "null"]
        if "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            node.setdefault("additionalProperties", False)
        return node
    if isinstance(node, list):
        return [_strict(item) for item in node]
    return node


def crd_schemas(crd: dict, definitions: dict) -> dict[str, dict]:
    """One strict JSON Schema per served version of a CRD, keyed by kubeconform file name."""
    group, kind = crd["spec"]["group"], crd["spec"]["names"]["kind"]
    out = {}
    for version in crd["spec"]["versions"]:
        if not version.get("served"):
            continue
        api_version = f"{group}/{version['name']}"
        schema = _strict(copy.deepcopy(version["schema"]["openAPIV3Schema"]))
        schema["properties"]["apiVersion"] = {"type": "string", "enum": [api_version]}
        schema["properties"]["kind"] = {"type": "string", "enum": [kind]}
        # The API server checks metadata as an ObjectMeta whatever the CRD says, so do the same.
        schema["properties"]["metadata"] = {"$ref": f"#/definitions/{OBJECT_META}"}
        schema["required"] = sorted(set(schema.get("required", [])) | {"apiVersion", "kind", "metadata"})
        schema["definitions"] = closure({OBJECT_META}, definitions, "#/definitions/")
        out[kind_file_name(api_version, kind)] = {"$schema": DRAFT, **schema}
    return out


def crd_file_schemas(paths: list[Path], kubernetes_version: str) -> dict[str, dict]:
    definitions = load_definitions(kubernetes_version)
    out: dict[str, dict] = {}
    for path in paths:
        crd = yaml.load(path.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        out.update(crd_schemas(crd, definitions))
    return out


# --- values.schema.json definitions ---------------------------------------------------------------

def api_server_kubernetes_version() -> str:
    """The Kubernetes release of the API server the harness runs (tools/kubernetes/go.mod)."""
    text = (ROOT / "tools" / "kubernetes" / "go.mod").read_text()
    match = re.search(r"^\s*k8s\.io/kubernetes v(\d+)\.(\d+)\.\d+", text, re.M)
    if not match:
        raise SystemExit("tools/kubernetes/go.mod names no k8s.io/kubernetes version")
    return f"{match[1]}.{match[2]}.0"


def chart_schema_with_definitions(chart_schema: dict, version: str, crd_sets: list[dict[str, dict]]) -> dict:
    """The chart schema with its `definitions` refreshed: its own entries kept, Kubernetes ones made
    anew, without the fields some CRD set lacks where the chart writes them (crd_fields)."""
    text = json.dumps(chart_schema)
    wanted = set(re.findall(r'"#/definitions/(io\.k8s\.[^"]+)"', text))
    own = {k: v for k, v in chart_schema.get("definitions", {}).items() if not k.startswith("io.k8s.")}
    vendored = closure(wanted, load_definitions(version), "#/definitions/")
    gaps: dict[str, set[str]] = {name: set(fields) for name, fields in crd_fields.REFERENCE_GAPS.items()}
    found = [crd_fields.gaps(crd_set, vendored) for crd_set in crd_sets]
    found.append(crd_fields.kubernetes_gaps(vendored, load_definitions(api_server_kubernetes_version())))
    for each in found:
        for name, fields in each.items():
            gaps.setdefault(name, set()).update(fields)
    vendored = with_pod_checks(non_null_items(crd_fields.without_gaps(vendored, gaps)))
    return {**chart_schema, "definitions": {**dict(sorted(own.items())), **vendored}}


# What the API server checks on the pods besides the types its OpenAPI schema gives: the pod
# templates KServe makes from the InferenceService are refused there, after the InferenceService
# was taken, so the chart's schema adds each check to the definition it concerns (kubernetes@v1.36.3
# pkg/apis/core/validation/validation.go, and apimachinery pkg/apis/meta/v1/validation/validation.go
# for label selectors).
_QUALIFIED = r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
_LABEL_VALUE = {"type": "string", "maxLength": 63, "pattern": r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"}
_LABEL_KEY = {"type": "string", "pattern": _QUALIFIED}
_WEIGHT = {"properties": {"weight": {"minimum": 1, "maximum": 100}}}
_KEY_SELECTOR = {"required": ["name", "key"], "properties": {
    "name": {"type": "string", "maxLength": 253, "pattern": r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"},
    "key": {"type": "string", "maxLength": 253, "pattern": r"^[-._a-zA-Z0-9]+$"}}}
_OPERATOR_VALUES = [  # In/NotIn need values, Exists/DoesNotExist take none
    {"if": {"required": ["operator"], "properties": {"operator": {"enum": ["In", "NotIn"]}}},
     "then": {"required": ["values"], "properties": {"values": {"type": "array", "minItems": 1}}}},  # a list, not null
    {"if": {"required": ["operator"], "properties": {"operator": {"enum": ["Exists", "DoesNotExist"]}}},
     "then": {"properties": {"values": {"maxItems": 0}}}},
]
POD_CHECKS = {
    # ValidatePreferredSchedulingTerms (:5142-5156), validateWeightedPodAffinityTerms (:5184-5195)
    "io.k8s.api.core.v1.PreferredSchedulingTerm": [_WEIGHT],
    "io.k8s.api.core.v1.WeightedPodAffinityTerm": [_WEIGHT],
    # validatePodAffinityTerm (:5158-5173): a topology key, a qualified name
    # and label keys in matchLabelKeys and mismatchLabelKeys (ValidateMatchLabelKeysAndMismatchLabelKeys :8973)
    "io.k8s.api.core.v1.PodAffinityTerm": [{"properties": {"topologyKey": {"type": "string", "pattern": _QUALIFIED},
                                                           "matchLabelKeys": {"items": _LABEL_KEY},
                                                           "mismatchLabelKeys": {"items": _LABEL_KEY}}}],
    # ValidateNodeSelector (:5040-5046): at least one term
    "io.k8s.api.core.v1.NodeSelector": [{"properties": {"nodeSelectorTerms": {"minItems": 1}}}],
    # ValidateNodeSelectorRequirement (:4962-4992)
    "io.k8s.api.core.v1.NodeSelectorRequirement": [
        {"properties": {"key": {"type": "string", "pattern": _QUALIFIED},
                        "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"]},
                        "values": {"items": _LABEL_VALUE}}},
        *_OPERATOR_VALUES,
        {"if": {"required": ["operator"], "properties": {"operator": {"enum": ["Gt", "Lt"]}}},
         "then": {"required": ["values"], "properties": {"values": {"minItems": 1, "maxItems": 1}}}}],
    # ValidateLabelSelectorRequirement (apimachinery v0.36.3 :76-101) and matchLabels values
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement": [
        {"properties": {"key": {"type": "string", "pattern": _QUALIFIED},
                        "operator": {"enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
                        "values": {"items": _LABEL_VALUE}}},
        *_OPERATOR_VALUES],
    "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector": [
        {"properties": {"matchLabels": {"propertyNames": {"pattern": _QUALIFIED}, "additionalProperties": _LABEL_VALUE}}}],
    # validateTopologySpreadConstraints (:8851-8880): a positive skew, a topology key, the two
    # policies, minDomains only with DoNotSchedule
    "io.k8s.api.core.v1.TopologySpreadConstraint": [
        {"properties": {"maxSkew": {"minimum": 1, "maximum": 2147483647},
                        "topologyKey": {"type": "string", "pattern": _QUALIFIED},
                        "whenUnsatisfiable": {"enum": ["DoNotSchedule", "ScheduleAnyway"]},
                        "nodeAffinityPolicy": {"enum": ["Honor", "Ignore", None]},
                        "nodeTaintsPolicy": {"enum": ["Honor", "Ignore", None]},
                        "minDomains": {"minimum": 1, "maximum": 2147483647},
                        "matchLabelKeys": {"items": _LABEL_KEY}}},
        {"if": {"required": ["minDomains"], "properties": {"minDomains": {"type": "integer"}}},
         "then": {"properties": {"whenUnsatisfiable": {"const": "DoNotSchedule"}}}},
        {"if": {"required": ["matchLabelKeys"], "properties": {"matchLabelKeys": {"type": "array", "minItems": 1}}},
         "then": {"required": ["labelSelector"], "properties": {"labelSelector": {"type": "object"}}}}],
    # validateFSGroupChangePolicy (:4117-4127), and the IDs a pod may run as (:4135-4160)
    "io.k8s.api.core.v1.PodSecurityContext": [
        {"properties": {"fsGroupChangePolicy": {"enum": ["OnRootMismatch", "Always", None]},
                        "supplementalGroupsPolicy": {"enum": ["Merge", "Strict", None]},
                        # Windows options: the model pods run Linux images, and the API server
                        # checks each option Windows reads (validateWindowsSecurityContextOptions :8558)
                        "windowsOptions": {"type": "null"},
                        "runAsUser": {"minimum": 0, "maximum": 2147483647},
                        "runAsGroup": {"minimum": 0, "maximum": 2147483647},
                        "fsGroup": {"minimum": 0, "maximum": 2147483647},
                        "supplementalGroups": {"items": {"minimum": 0, "maximum": 2147483647}}}}],
    "io.k8s.api.core.v1.SecurityContext": [
        {"properties": {"runAsUser": {"minimum": 0, "maximum": 2147483647},
                        "runAsGroup": {"minimum": 0, "maximum": 2147483647},
                        "windowsOptions": {"type": "null"}}}],
    # ValidateEnv (:2754-2770): a name the process environment can hold
    "io.k8s.api.core.v1.EnvVar": [{"properties": {"name": {"type": "string", "pattern": r"^[-._a-zA-Z][-._a-zA-Z0-9]*$"}}}],
    # validateEnvVarValueFrom (:2803-2850): exactly one source
    "io.k8s.api.core.v1.EnvVarSource": [{"minProperties": 1, "maxProperties": 1, "additionalProperties": {"type": "object"}}],
    # validateObjectFieldSelector (:2852-2882): a field env may read (validEnvDownwardAPIFieldPathExpressions
    # :2777-2787), or one label or annotation
    "io.k8s.api.core.v1.ObjectFieldSelector": [{"properties": {
        "apiVersion": {"enum": ["v1", None]},
        "fieldPath": {"type": "string", "pattern": r"^(metadata\.(name|namespace|uid)|spec\.(nodeName|serviceAccountName)"
                                                   r"|status\.(hostIP|hostIPs|podIP|podIPs)|metadata\.(labels|annotations)\['"
                                                   + _QUALIFIED[1:-1] + r"'\])$"}}}],
    # validateContainerResourceFieldSelector and validateContainerResourceDivisor (:2789-2796, :2985-3011):
    # a resource of the container itself, with a divisor its unit takes
    "io.k8s.api.core.v1.ResourceFieldSelector": [
        {"properties": {"resource": {"enum": ["limits.cpu", "limits.memory", "limits.ephemeral-storage",
                                              "requests.cpu", "requests.memory", "requests.ephemeral-storage"]},
                        "containerName": {"type": "null"}}},
        {"if": {"properties": {"resource": {"enum": ["limits.cpu", "requests.cpu"]}}},
         "then": {"properties": {"divisor": {"enum": ["1", "1m", 1, None]}}},
         "else": {"properties": {"divisor": {"enum": ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti",
                                                      "1Pi", "1Ei", 1, None]}}}}],
    # validateConfigMapKeySelector, validateSecretKeySelector (:3013-3046): a named object and a key
    "io.k8s.api.core.v1.ConfigMapKeySelector": [_KEY_SELECTOR],
    "io.k8s.api.core.v1.SecretKeySelector": [_KEY_SELECTOR],
    # validateSeccompProfileField (:5249-5270): a known type; a localhost profile exactly with Localhost
    "io.k8s.api.core.v1.SeccompProfile": [
        {"properties": {"type": {"enum": ["RuntimeDefault", "Unconfined", "Localhost"]}}},
        {"if": {"properties": {"type": {"const": "Localhost"}}},
         "then": {"required": ["localhostProfile"], "properties": {"localhostProfile": {"type": "string", "minLength": 1}}},
         "else": {"properties": {"localhostProfile": {"type": "null"}}}}],
    # validateAppArmorProfileField: the same rules as seccomp's
    "io.k8s.api.core.v1.AppArmorProfile": [
        {"required": ["type"], "properties": {"type": {"enum": ["RuntimeDefault", "Unconfined", "Localhost"]}}},
        {"if": {"properties": {"type": {"const": "Localhost"}}},
         "then": {"required": ["localhostProfile"], "properties": {"localhostProfile": {"type": "string", "minLength": 1}}},
         "else": {"properties": {"localhostProfile": {"type": "null"}}}}],
    # privileged containers: the API server allows none without --allow-privileged, nor does
    # OpenShift's restricted SCC (ValidateSecurityContext, "disallowed by cluster policy")
    "io.k8s.api.core.v1.SecurityContext#privileged": [{"properties": {"privileged": {"enum": [False, None]}}}],
    # ValidateProcMountType (:8837-8848); Unmasked also needs the pod's hostUsers false
    # (validateContainerSecurityContext :8496), which the chart never sets, and no SCC of OpenShift's allows it
    "io.k8s.api.core.v1.SecurityContext#procMount": [{"properties": {"procMount": {"enum": ["Default", None]}}}],
}


def with_pod_checks(definitions: dict) -> dict:
    """The definitions with POD_CHECKS added to each (as allOf next to their own schema)."""
    out = dict(definitions)
    for entry, checks in POD_CHECKS.items():
        name = entry.split("#")[0]  # name#topic: a second entry for the same definition
        if name in out:
            out[name] = {**out[name], "allOf": [*out[name].get("allOf", []), *checks]}
    return out


def non_null_items(definitions: dict) -> dict:
    """The definitions with every list entry, and every required field, that may not be null made
    non-null: Kubernetes' schemas let any object be null, but the API server cannot decode a null
    entry in a list (a toleration, a node selector term) and refuses a required field that is null
    (an affinity term's podAffinityTerm), so the chart refuses them first."""
    def non_null(schema: dict) -> dict:
        if set(schema) == {"$ref"}:
            target = definitions.get(schema["$ref"].rsplit("/", 1)[-1], {})
            return {"type": "object", "allOf": [schema]} if "object" in (target.get("type") or []) else schema
        if isinstance(schema.get("type"), list) and "null" in schema["type"]:
            kinds = [kind for kind in schema["type"] if kind != "null"]
            return {**schema, "type": kinds[0] if len(kinds) == 1 else kinds}
        return schema

    def objects_only(node):
        if isinstance(node, dict):
            out = {key: objects_only(value) for key, value in node.items()}
            items = out.get("items")
            if isinstance(items, dict):  # no list of Kubernetes' holds a null entry
                out["items"] = non_null(items)
            properties = out.get("properties")
            if isinstance(properties, dict) and isinstance(out.get("required"), list):
                out["properties"] = {name: non_null(value) if name in out["required"] and isinstance(value, dict) else value
                                     for name, value in properties.items()}
            return out
        if isinstance(node, list):
            return [objects_only(value) for value in node]
        return node

    return objects_only(definitions)


# --- driver ---------------------------------------------------------------------------------------

def dump(schema: dict) -> str:
    return json.dumps(schema, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def expected_files() -> dict[Path, str]:
    versions = chart_kubernetes_versions()
    files: dict[Path, str] = {}
    for version in versions:
        folder = SCHEMA_DIR / "kubernetes" / f"v{version}-standalone-strict"
        for api_version, kind in KUBERNETES_KINDS:
            files[folder / kind_file_name(api_version, kind)] = dump(standalone_kind_schema(version, api_version, kind))
    module_sets = []
    for kserve in KSERVE_CRD_VERSIONS:
        crd_dir = kserve_module_dir(kserve) / "config" / "crd" / "full"
        module_sets.append(crd_file_schemas([crd_dir / f for f in KSERVE_CRDS], versions[-1]))
        for name, schema in module_sets[-1].items():
            files[SCHEMA_DIR / "kserve" / kserve / name] = dump(schema)
        for name, schema in crd_file_schemas(sorted(crd_dir.rglob(CACHE_CRD)), versions[-1]).items():
            files[SCHEMA_DIR / "kserve" / kserve / name] = dump(schema)
    for name, schema in crd_file_schemas(monitoring_crd_paths(), versions[-1]).items():
        files[SCHEMA_DIR / "prometheus-operator" / MONITORING_VERSION / name] = dump(schema)
    sources = {
        "kubernetes-validate": metadata.version("kubernetes-validate"),
        "kubernetes": versions,
        "github.com/kserve/kserve": KSERVE_CRD_VERSIONS,
        "kserve-crds": [*KSERVE_CRDS, CACHE_CRD],
        MONITORING_MODULE: MONITORING_VERSION,
        "prometheus-operator-crds": MONITORING_CRDS,
    }
    files[SCHEMA_DIR / "sources.json"] = json.dumps(sources, indent=2) + "\n"
    table = platforms.load(CHART_DIR)
    chart_schema = with_platform_enum(json.loads(CHART_SCHEMA.read_text()), table)
    with_definitions = chart_schema_with_definitions(chart_schema, versions[-1], module_sets)
    files[CHART_SCHEMA] = json.dumps(with_definitions, indent=2, ensure_ascii=False) + "\n"
    files[README_TEMPLATE] = platforms.with_support_matrix(README_TEMPLATE.read_text(), table, platforms.default_level(CHART_DIR))
    files[CHART_DIR / "Chart.yaml"] = platforms.with_artifacthub_images((CHART_DIR / "Chart.yaml").read_text(), table,
                                                                        other_images())
    return files


def other_images() -> list[tuple[str, str]]:
    """The images the chart deploys besides vLLM's: the `helm test` pod's and the default modelcar."""
    values = yaml.safe_load((CHART_DIR / "values.yaml").read_text())
    test = values["test"]["image"]
    return [("default-modelcar", values["model"]["uri"].removeprefix("oci://")),
            ("helm-test", f"{test['repository']}:{test['tag']}@{test['digest']}")]


def with_platform_enum(chart_schema: dict, table: platforms.Table) -> dict:
    """The chart schema whose `platform` admits exactly the levels of the table, in its order."""
    schema = copy.deepcopy(chart_schema)
    schema["properties"]["platform"]["enum"] = list(table.levels)
    return schema


def generated_paths() -> set[Path]:
    """The files a previous run wrote (everything generated lives in these folders)."""
    return {p for folder in ("kubernetes", "kserve", "prometheus-operator") for p in (SCHEMA_DIR / folder).rglob("*.json")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="report drift instead of writing")
    args = parser.parse_args(argv)
    files = expected_files()
    stale = sorted(generated_paths() - files.keys())
    changed = sorted(p for p, text in files.items() if not p.exists() or p.read_text() != text)
    if args.check:
        for path in changed + stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        if changed or stale:
            print("run `make schemas` and commit the result", file=sys.stderr)
            return 1
        print(f"schemas up to date ({len(files)} files)")
        return 0
    for path in stale:
        path.unlink()
    for path in changed:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[path])
    print(f"wrote {len(changed)} of {len(files)} schema files, removed {len(stale)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
