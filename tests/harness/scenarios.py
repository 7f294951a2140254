"""Scenarios: the chart's ci/*-values.yaml files and the generated option matrix.

The matrix crosses storage x accelerator x topology/mode x auth x platform. Each combination knows,
independently of the chart's templates, whether the chart must accept it and, if not, which rule
must refuse it, so the tests can assert both directions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .paths import CHART
from .render import HelmError, render

CI_VALUES = sorted((CHART / "ci").glob("*-values.yaml"))

OCI_MODEL = "oci://quay.io/redhat-ai-services/modelcar-catalog:granite-3.3-2b-instruct"
PVC_MODEL = "pvc://models/granite-3.3-2b-instruct"

STORAGE = {
    "oci": {"model": {"mode": "uri", "uri": OCI_MODEL}},
    "pvc": {"model": {"mode": "uri", "uri": PVC_MODEL}},
    "s3": {"model": {"mode": "s3", "s3": {"key": "my-s3-connection", "path": "models/granite"}}},
}


def _accelerator(tag: str, resource: str | None, toleration: bool = True) -> dict:
    gpus = {"nvidia.com/gpu": None, **({resource: "1"} if resource else {})}
    values = {"image": {"tag": tag}, "resources": {"requests": dict(gpus), "limits": dict(gpus)}}
    if resource and toleration:
        values["tolerations"] = [{"key": resource, "operator": "Exists", "effect": "NoSchedule"}]
    if not resource:
        values["tolerations"] = None
    return values


# accelerator -> (values, resource name or None, image tag)
ACCELERATORS = {
    "nvidia": ({}, "nvidia.com/gpu", "rhoai-2.22-cuda"),
    "amd": (_accelerator("rhoai-2.22-rocm", "amd.com/gpu"), "amd.com/gpu", "rhoai-2.22-rocm"),
    "gaudi": (_accelerator("rhoai-2.22-gaudi", "habana.ai/gaudi"), "habana.ai/gaudi", "rhoai-2.22-gaudi"),
    "cpu": (_accelerator("rhoai-2.22-cpu", None), None, "rhoai-2.22-cpu"),
}

TOPOLOGIES = {
    "serverless": {"deploymentMode": "Serverless"},
    "raw": {"deploymentMode": "RawDeployment"},
    "raw-multinode": {"deploymentMode": "RawDeployment", "servingTopology": "multiNode",
                      "multiNode": {"pipelineParallelSize": 3, "tensorParallelSize": 2}},
}

# auth -> (values, ServiceAccounts the chart must create as (namespace, name), token Secrets, RoleBindings)
AUTH = {
    "off": ({}, [], [], 0),
    "created": (
        {"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "client"}]}}},
        [("default", "client")], [("default", "client")], 1,
    ),
    "mixed": (
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

PLATFORMS = ["rhoai-2.22", "rhoai-2.25", "kserve-0.15", "kserve-0.16"]


def deep_merge(*layers: dict) -> dict:
    out: dict = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, dict) and isinstance(out.get(key), dict):
                out[key] = deep_merge(out[key], value)
            else:
                out[key] = value
    return out


# A ci/ scenario as upstream KServe 0.15 would take it: the level KServe's controller reconciles here,
# without authentication (an OpenShift AI feature the chart refuses upstream).
UPSTREAM = {"platform": "kserve-0.15", "endpoint": {"auth": {"enabled": False, "serviceAccounts": []}}}


def upstream_values(path: Path) -> dict:
    return deep_merge(yaml.safe_load(path.read_text()) or {}, UPSTREAM)


def accepted_upstream(path: Path) -> bool:
    """Whether the chart renders the scenario at the upstream level (it refuses what KServe would)."""
    try:
        render(upstream_values(path))
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
        return ACCELERATORS[self.accelerator][1]

    @property
    def image_tag(self) -> str:
        return ACCELERATORS[self.accelerator][2]

    def refusals(self) -> list[str]:
        """Text the chart's error must contain for each rule this combination breaks."""
        found = []
        if self.multi_node and self.storage == "s3":
            found.append("servingTopology=multiNode cannot load a model from S3")
        if self.multi_node and self.platform == "kserve-0.15" and self.storage == "oci":
            found.append("upstream KServe 0.15 (platform=kserve-0.15) serves multi-node models only from a PVC")
        if self.multi_node and self.accelerator == "cpu":
            found.append("servingTopology=multiNode needs an accelerator")
        if self.auth != "off" and not self.platform.startswith("rhoai-"):
            found.append("endpoint.auth.enabled=true needs OpenShift AI")
        return found


def matrix() -> list[Combo]:
    combos = []
    for storage, accelerator, topology, auth, platform in itertools.product(
        STORAGE, ACCELERATORS, TOPOLOGIES, AUTH, PLATFORMS
    ):
        values = deep_merge(
            {"platform": platform}, STORAGE[storage], ACCELERATORS[accelerator][0], TOPOLOGIES[topology], AUTH[auth][0]
        )
        combos.append(Combo(storage, accelerator, topology, auth, platform, values))
    return combos


MATRIX = matrix()
VALID = [c for c in MATRIX if not c.refusals()]
INVALID = [c for c in MATRIX if c.refusals()]

