"""Scenarios: the chart's ci/*-values.yaml files and the generated option matrix.

The matrix crosses storage x accelerator x topology/mode x auth x platform, the platform axis taken
from the chart's platform table (one level per distinct row). Each combination knows,
independently of the chart's templates, whether the chart must accept it and, if not, which rule
must refuse it, so the tests can assert both directions.
"""

from __future__ import annotations

import functools
import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from schema import platforms

from .paths import CHART
from .render import LOADER, HelmError, render

CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))

# Cluster-scoped objects the ci/ scenarios name, which a platform team makes once per cluster: the
# API server refuses pods of a PriorityClass or RuntimeClass that does not exist.
CLUSTER_PREREQUISITES = [
    {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "gpu-serving"},
     "value": 100000, "description": "Model servers on GPU nodes"},
    {"apiVersion": "node.k8s.io/v1", "kind": "RuntimeClass", "metadata": {"name": "nvidia"}, "handler": "nvidia"},
]

OCI_MODEL = "oci://quay.io/redhat-ai-services/modelcar-catalog:granite-3.3-2b-instruct"
PVC_MODEL = "pvc://models/granite-3.3-2b-instruct"

STORAGE = {
    "oci": {"model": {"mode": "uri", "uri": OCI_MODEL}},
    "pvc": {"model": {"mode": "uri", "uri": PVC_MODEL}},
    "s3": {"model": {"mode": "s3", "s3": {"key": "my-s3-connection", "path": "models/granite"}}},
}


def accelerator_values(resource: str | None, toleration: bool = True) -> dict:
    """Values that move the model from the default NVIDIA GPU to `resource` (None: CPU only). The
    image follows the accelerator: the level's own for it, as the README's presets rely on."""
    gpus = {"nvidia.com/gpu": None, **({resource: "1"} if resource else {})}
    values = {"resources": {"requests": dict(gpus), "limits": dict(gpus)}}
    if resource and toleration:
        values["tolerations"] = [{"key": resource, "operator": "Exists", "effect": "NoSchedule"}]
    if not resource:
        values["tolerations"] = None
    return values


@dataclass(frozen=True)
class Accelerator:
    values: dict
    resource: str | None  # the extended resource requested, None for CPU only
    image: str  # the key of the level's images the model gets


ACCELERATORS = {
    "nvidia": Accelerator({}, "nvidia.com/gpu", "cuda"),
    "amd": Accelerator(accelerator_values("amd.com/gpu"), "amd.com/gpu", "rocm"),
    "gaudi": Accelerator(accelerator_values("habana.ai/gaudi"), "habana.ai/gaudi", "gaudi"),
    "cpu": Accelerator(accelerator_values(None), None, "cpu"),
}

TOPOLOGIES = {
    "serverless": {"deploymentMode": "Serverless"},
    "raw": {"deploymentMode": "RawDeployment"},
    "raw-multinode": {"deploymentMode": "RawDeployment", "servingTopology": "multiNode",
                      "multiNode": {"pipelineParallelSize": 3, "tensorParallelSize": 2}},
}


@dataclass(frozen=True)
class Auth:
    values: dict
    created_accounts: list[tuple[str, str]]  # ServiceAccounts the chart must create, as (namespace, name)
    token_secrets: list[tuple[str, str]]  # their legacy token Secrets, as (namespace, name)
    role_bindings: int


AUTH = {
    "off": Auth({}, [], [], 0),
    "created": Auth(
        {"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "client"}]}}},
        [("default", "client")], [("default", "client")], 1,
    ),
    "mixed": Auth(
        {"endpoint": {"auth": {"enabled": True, "serviceAccounts": [
            {"name": "client"},
            {"name": "existing", "create": False},
            {"name": "elsewhere", "namespace": "team-b", "create": False},
            {"name": "made-elsewhere", "namespace": "team-c"},
            {"name": "no-token", "createLegacyToken": False},
        ]}}},
        [("default", "client"), ("team-c", "made-elsewhere"), ("default", "no-token")],
        [("default", "client"), ("team-c", "made-elsewhere")],
        5,
    ),
}


# Row fields that change what is rendered but not how: the name, and the images with their runtime
# versions, which tests of their own check on every level (test_platform_rules_images.py).
NOT_BEHAVIOUR = {"title", "images"}


def behaviour(row: dict) -> str:
    """What a row says about the level, without its title and images: rows alike in this render
    alike but for those."""
    return json.dumps({k: v for k, v in row.items() if k not in NOT_BEHAVIOUR}, sort_keys=True)


def distinct_levels(table: platforms.Table) -> list[str]:
    """One level for each distinct row of the platform table (rows that differ only in their title
    render alike, which test_platforms checks), the newest of each: the matrix's platform axis."""
    chosen = {behaviour(row): name for name, row in table.levels.items()}
    return [name for name in table.levels if name in chosen.values()]


TABLE = platforms.load()
PLATFORMS = distinct_levels(TABLE)
DEFAULT_LEVEL = platforms.default_level()


def levels_where(test) -> list[str]:
    """The levels of the platform table whose row passes `test`, in the table's order: how tests
    choose levels, by what the level can do rather than by name."""
    return [name for name, row in TABLE.levels.items() if test(row)]


def a_level_where(test) -> str:
    found = levels_where(test)
    assert found, "no level of the platform table has this capability"
    return found[0]


def openshift_ai(row: dict) -> bool:
    return row["openShiftAI"]


def upstream(row: dict) -> bool:
    return not row["openShiftAI"]


def deep_merge(*layers: dict) -> dict:
    out: dict = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = deep_merge(out[key], value)
            else:
                out[key] = value
    return out


def controller_level() -> str:
    """The upstream level on the CRD set that the first KServe controller in the loop reconciles."""
    return controller_levels()[0]


def controller_levels() -> list[str]:
    """The upstream levels whose CRD sets KServe controllers in the loop reconcile, one per
    controller (tools/kserve first)."""
    from .kserve_controller import controllers

    return [next(name for name, row in TABLE.levels.items() if row["crdSet"] == c.level and not row["openShiftAI"])
            for c in controllers()]


def upstream_at(level: str) -> dict:
    """A ci/ scenario as a KServe controller in the loop takes it: at its upstream level, without
    authentication (which the chart refuses where the level has no auth proxy)."""
    return {"platform": level, "endpoint": {"auth": {"enabled": False, "serviceAccounts": []}}}


UPSTREAM = upstream_at(controller_level())


@functools.cache
def _scenario_text(path: Path) -> str:
    return json.dumps(yaml.load(path.read_text(), Loader=LOADER) or {})


def upstream_values(path: Path, level: str | None = None) -> dict:
    return deep_merge(json.loads(_scenario_text(path)), upstream_at(level or controller_level()))


def accepted_upstream(path: Path, level: str | None = None) -> bool:
    """Whether the chart renders the scenario at the upstream level (it refuses what KServe would)."""
    try:
        render(upstream_values(path, level))
    except HelmError:
        return False
    return True


@dataclass(frozen=True)
class Combo:
    storage: str
    accelerator: str
    topology: str
    auth: str
    platform: str
    row: dict = field(compare=False, hash=False, repr=False)  # the platform's row of the table
    values: dict = field(compare=False, hash=False, repr=False)

    @property
    def id(self) -> str:
        return f"{self.storage}-{self.accelerator}-{self.topology}-auth_{self.auth}-{self.platform}"

    @property
    def multi_node(self) -> bool:
        return self.topology == "raw-multinode"

    @property
    def serverless(self) -> bool:
        return self.topology == "serverless"

    @property
    def accelerator_resource(self) -> str | None:
        return ACCELERATORS[self.accelerator].resource

    @property
    def image(self) -> str:
        """The image reference the level's row gives this accelerator."""
        return platforms.image_reference(self.row["images"][ACCELERATORS[self.accelerator].image])

    def refusals(self) -> list[str]:
        """Text the chart's error must contain for each rule this combination breaks."""
        found = []
        level = f"{self.row['title']} (platform={self.platform})"
        if self.serverless and not self.row["modes"]["serverless"]:
            found.append(f"{level} has no Knative")
        if self.multi_node and self.storage == "s3":
            found.append("servingTopology=multiNode cannot load a model from S3")
        elif self.multi_node and self.storage not in self.row["multiNode"]["schemes"]:
            found.append(f"{level} serves multi-node models only from")
        if self.multi_node and self.accelerator == "cpu":
            found.append("servingTopology=multiNode needs an accelerator")
        if self.auth != "off" and self.row["authProxy"] == "none":
            found.append("endpoint.auth.enabled=true needs OpenShift AI")
        return found


# The option axes the matrix crosses at each level.
AXES = {"storage": list(STORAGE), "accelerator": list(ACCELERATORS), "topology": list(TOPOLOGIES), "auth": list(AUTH)}
# Every level other than the default gets a covering subset of the axes' product: every choice of
# one value on each of any COVERING_STRENGTH axes appears in it. Interactions of more axes than that
# are crossed in full at the default level.
COVERING_STRENGTH = 3


def tuples_of(choice: tuple, strength: int, names: tuple = tuple(AXES)) -> set[tuple]:
    """The (axis, value) combinations of `strength` axes that one choice of every axis covers."""
    named = list(zip(names, choice, strict=True))
    return set(itertools.combinations(named, strength))


def greedy_cover(choices: list[tuple], strength: int, names: tuple = tuple(AXES)) -> list[tuple]:
    """A deterministic subset of `choices` holding every combination of `strength` axes that they
    hold: greedily the choice that covers the most combinations not yet covered, the first such in
    the given order on a tie; returned in that order."""
    uncovered = set().union(*(tuples_of(choice, strength, names) for choice in choices))
    chosen = []
    while uncovered:
        best = max(choices, key=lambda choice: len(tuples_of(choice, strength, names) & uncovered))
        chosen.append(best)
        uncovered -= tuples_of(best, strength, names)
    return sorted(chosen, key=choices.index)


def covering(strength: int = COVERING_STRENGTH) -> list[tuple]:
    """A deterministic covering subset of the axes' product (every choice of one value on each of
    any `strength` axes)."""
    return greedy_cover(list(itertools.product(*AXES.values())), strength)


def matrix(table: platforms.Table = TABLE, default: str | None = None) -> list[Combo]:
    """The default level crossed with the axes' full product, every other distinct level with
    their covering subset."""
    default = default or DEFAULT_LEVEL
    full, covered = list(itertools.product(*AXES.values())), covering()
    combos = []
    for platform in distinct_levels(table):
        for storage, accelerator, topology, auth in (full if platform == default else covered):
            values = deep_merge(
                {"platform": platform}, STORAGE[storage], ACCELERATORS[accelerator].values, TOPOLOGIES[topology],
                AUTH[auth].values,
            )
            combos.append(Combo(storage, accelerator, topology, auth, platform, table.row(platform), values))
    return combos


MATRIX = matrix()
VALID = [c for c in MATRIX if not c.refusals()]
INVALID = [c for c in MATRIX if c.refusals()]

# Helm 3 and Helm 4 differ in their template engine and schema validator, not in what a level or an
# option means: the parity check takes every combination of two choices, the level among the axes,
# from the matrix, rendered and refused alike, and every refusal it holds.
PAIR_AXES = (*AXES, "platform")


def pair_key(combo: Combo) -> tuple:
    return tuple(getattr(combo, axis) for axis in PAIR_AXES)


def pairwise(combos: list[Combo]) -> list[Combo]:
    """Every two choices of `combos`, and for each refusal reached only by more (a level's own
    multi-node schemes, say) the first combination that breaks it, in the matrix's order."""
    by_key = {pair_key(c): c for c in combos}
    chosen = [by_key[key] for key in greedy_cover(list(by_key), 2, PAIR_AXES)]
    reached = {reason for c in chosen for reason in c.refusals()}
    for combo in combos:
        if set(combo.refusals()) - reached:
            chosen.append(combo)
            reached |= set(combo.refusals())
    return sorted(chosen, key=combos.index)


PARITY = pairwise(MATRIX)


# Shrunk findings of the differential campaign (make fuzz), each once a defect the API server
# refused after the chart had rendered it; tests/test_differential.py tries them on every run.
DIFFERENTIAL_FINDINGS = [
    # a numeric hardware profile name, or nameOverride, rendered as a YAML number where
    # Kubernetes takes only strings (annotations, labels)
    {"platform": "rhoai-3.3", "deploymentMode": "RawDeployment", "hardwareProfile": {"name": "6"}},
    {"platform": "rhoai-2.22", "nameOverride": "1"},
    # a numeric runtime name, which KServe's webhook cannot decode as the model's runtime
    {"platform": "rhoai-3.4", "deploymentMode": "RawDeployment", "servingRuntime": {"name": "0"}},
    # null entries in the tolerations or in a node affinity's terms, which the API server cannot decode
    {"platform": "rhoai-3.0", "deploymentMode": "RawDeployment", "tolerations": [None, None]},
    {"platform": "kserve-0.17", "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
        "nodeSelectorTerms": [{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}, None]}}}},
    # a number beyond the int32 the API server decodes the field into
    {"platform": "rhoai-3.3", "deploymentMode": "RawDeployment", "scaling": {"minReplicas": 2, "maxReplicas": 2},
     "podDisruptionBudget": {"enabled": True, "maxUnavailable": 376129883209806460}},
    # what the API server refuses only in the pod templates KServe makes (after_admission.pod_deployments)
    {"platform": "rhoai-3.2", "deploymentMode": "RawDeployment", "affinity": {"podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [{"podAffinityTerm": None, "weight": 21}]}}},
    {"platform": "rhoai-3.2", "deploymentMode": "RawDeployment", "affinity": {"podAffinity": {
        "preferredDuringSchedulingIgnoredDuringExecution": [{"podAffinityTerm": {"topologyKey": "zone"}, "weight": -8071}]}}},
    {"platform": "kserve-0.15", "model": {"uri": "pvc://models/granite"}, "deploymentMode": "RawDeployment",
     "tolerations": [{}, {"operator": None}]},
    {"platform": "rhoai-3.0", "deploymentMode": "RawDeployment", "resources": {"requests": {"i": 0.0}}},
    {"platform": "rhoai-2.22", "deploymentMode": "RawDeployment", "topologySpreadConstraints": [
        {"maxSkew": 1, "topologyKey": "0", "whenUnsatisfiable": "DoNotSchedule"},
        {"maxSkew": 1, "topologyKey": "0", "whenUnsatisfiable": "DoNotSchedule"}]},
    {"platform": "rhoai-2.22", "deploymentMode": "RawDeployment", "topologySpreadConstraints": [
        {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule", "matchLabelKeys": [None]}]},
    {"platform": "kserve-0.15", "model": {"uri": "pvc://models/granite"}, "deploymentMode": "RawDeployment",
     "resources": {"limits": {"example.com/q": 1.6666617929963218e-303}, "requests": None}},
    {"platform": "rhoai-2.22", "deploymentMode": "RawDeployment", "securityContext": {"appArmorProfile": {"type": ""}}},
    {"platform": "rhoai-3.5", "deploymentMode": "RawDeployment", "securityContext": {"privileged": True}},
    # image references the kubelet cannot parse, judged after admission (after_admission.py)
    {"platform": "kserve-0.20", "model": {"uri": "oci://quay.io/org//model:1"}},
    {"platform": "rhoai-2.25", "image": {"repository": "quay.io/" + "v" * 256, "tag": "1"}},
    # a multi-node model asking for a resource KServe's multi-node validation does not take
    {"platform": "kserve-0.17", "deploymentMode": "RawDeployment", "servingTopology": "multiNode",
     "model": {"uri": "pvc://models/granite"}, "endpoint": {"auth": {"enabled": False, "serviceAccounts": []}},
     "resources": {"limits": {"nvidia.com/gpu": "1", "example.com/fpga": "1"}, "requests": {"example.com/fpga": "1"}}},
]
