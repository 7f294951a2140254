"""What refuses a model after the API server and the webhooks took its objects: the kubelet starting
the pods KServe makes from them, and KServe's multi-node validation on a level whose control plane
runs no KServe webhooks. The differential test asks these of every value set the API server takes,
so a rule the chart must encode (templates/validation/) is judged even where the dry run is silent.

Each check reads the objects as KServe turns them into pods: the InferenceService's predictor
container overrides the runtime's container, and a multi-node model's workers come from workerSpec.
"""

from __future__ import annotations

import json
import subprocess

from .paths import BIN

# KServe's multi-node validation: resources other than these and the GPU types are refused
# (pkg/utils/utils.go HasUnknownGpuResourceType, pkg/constants/constants.go DefaultGPUResourceTypeList)
BASIC_RESOURCES = {"cpu", "memory", "storage", "ephemeral-storage"}
GPU_RESOURCES = {"nvidia.com/gpu", "amd.com/gpu", "intel.com/gpu", "habana.ai/gaudi"}
GPU_TYPES_ANNOTATION = "serving.kserve.io/gpu-resource-types"


def unparsable_images(references: list[str]) -> dict[str, str]:
    """The references the kubelet's own parser (bin/imageref) refuses, with its error."""
    if not references:
        return {}
    answers = subprocess.run([str(BIN / "imageref")], input="\n".join(references) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
    return {ref: answer for ref, answer in zip(references, answers, strict=True) if answer != "ok"}


def _containers(doc: dict) -> list[tuple[str, dict, dict]]:
    """(where, container, pod-level spec) of every container the object's pods would run."""
    kind, spec = doc.get("kind"), doc.get("spec") or {}
    found = []
    if kind == "ServingRuntime":
        found += [(f"ServingRuntime container {c.get('name')}", c, spec) for c in spec.get("containers") or []]
        worker = spec.get("workerSpec") or {}
        found += [(f"ServingRuntime worker {c.get('name')}", c, worker) for c in worker.get("containers") or []]
    elif kind == "InferenceService":
        predictor = spec.get("predictor") or {}
        if predictor.get("model"):
            found.append(("InferenceService predictor model", predictor["model"], predictor))
        worker = predictor.get("workerSpec") or {}
        found += [(f"InferenceService worker {c.get('name')}", c, worker) for c in worker.get("containers") or []]
    elif kind == "Pod":
        found += [(f"Pod {c.get('name')}", c, spec) for c in spec.get("containers") or []]
    return found


def images(docs: list[dict]) -> list[tuple[str, str]]:
    """(where, reference) of every image the objects' pods would pull, an oci:// modelcar's among them."""
    found = [(where, c["image"]) for doc in docs for where, c, _ in _containers(doc) if c.get("image")]
    for doc in docs:
        if doc.get("kind") == "InferenceService":
            uri = str(((doc.get("spec") or {}).get("predictor") or {}).get("model", {}).get("storageUri") or "")
            if uri.startswith("oci://"):  # KServe runs the modelcar as a container of this image
                found.append(("InferenceService modelcar", uri.removeprefix("oci://")))
    return found


def _run_as_root_with_non_root(docs: list[dict]) -> list[str]:
    problems = []
    for doc in docs:
        for where, container, pod in _containers(doc):
            own, shared = container.get("securityContext") or {}, pod.get("securityContext") or {}
            non_root = own.get("runAsNonRoot", shared.get("runAsNonRoot"))
            user = own.get("runAsUser", shared.get("runAsUser"))
            if non_root and user == 0:
                problems.append(f"{where}: runAsNonRoot with runAsUser 0 (kubelet verifyRunAsNonRoot)")
    return problems


def _overcommitted(docs: list[dict]) -> list[str]:
    """Extended resources and hugepages whose request is not their limit (API server, on the pods)."""
    problems = []
    for doc in docs:
        for where, container, _ in _containers(doc):
            resources = container.get("resources") or {}
            requests = {str(k): v for k, v in (resources.get("requests") or {}).items()}
            limits = {str(k): v for k, v in (resources.get("limits") or {}).items()}
            for name, request in requests.items():  # keys as text: YAML reads a bare 0 as a number
                fixed = ("/" in name and "kubernetes.io/" not in name) or name.startswith("hugepages-")
                if fixed and str(limits.get(name)) != str(request):
                    problems.append(f"{where}: {name} request {request} is not its limit {limits.get(name)}")
    return problems


def _unknown_gpu_types(docs: list[dict]) -> list[str]:
    problems = []
    for doc in docs:
        if doc.get("kind") != "InferenceService":
            continue
        predictor = (doc.get("spec") or {}).get("predictor") or {}
        if predictor.get("workerSpec") is None:
            continue
        extra = (doc["metadata"].get("annotations") or {}).get(GPU_TYPES_ANNOTATION)
        allowed = BASIC_RESOURCES | GPU_RESOURCES | set(json.loads(extra) if extra else [])
        for where, container, _ in _containers(doc):
            resources = container.get("resources") or {}
            names = {str(n) for n in (*(resources.get("requests") or {}), *(resources.get("limits") or {}))}
            if unknown := sorted(names - allowed):
                problems.append(f"{where}: multi-node resources {unknown} are no GPU type KServe knows")
    return problems


def refusals(docs: list[dict]) -> list[str]:
    """Why the model would not run although the API server took `docs` (the rendered objects,
    hooks included); empty when nothing after admission refuses it."""
    pulled = images(docs)
    bad = unparsable_images(sorted({ref for _, ref in pulled}))
    problems = [f"{where}: image {ref!r}: {bad[ref]} (kubelet InvalidImageName)" for where, ref in pulled if ref in bad]
    return problems + _run_as_root_with_non_root(docs) + _overcommitted(docs) + _unknown_gpu_types(docs)
