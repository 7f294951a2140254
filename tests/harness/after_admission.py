"""What refuses a model after the API server and the webhooks took its objects: the kubelet starting
the pods KServe makes from them, and KServe's multi-node validation on a level whose control plane
runs no KServe webhooks. The differential test asks these of every value set the API server takes,
so a rule the chart must encode (templates/validation/) is judged even where the dry run is silent.

Each check reads the objects as KServe turns them into pods: the InferenceService's predictor
container overrides the runtime's container, and a multi-node model's workers come from workerSpec.
"""

from __future__ import annotations

import functools
import json
import subprocess

from .paths import BIN, SCHEMA
from .schemas import KUBERNETES_VERSIONS

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
        for where, pod in (("predictor", predictor), ("worker", worker)):
            found += [(f"InferenceService {where} init container {c.get('name')}", c, pod)
                      for c in pod.get("initContainers") or []]
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


@functools.cache
def _fields(definition: str) -> frozenset[str]:
    """The fields of a Kubernetes type (PodSpec, Container): the part of a predictor, or of its
    model, that KServe hands to the pods as it is; the rest (replicas, scaling, the model's format
    and storage) is KServe's own."""
    pod = json.loads((SCHEMA / "kubernetes" / f"v{KUBERNETES_VERSIONS[-1]}-standalone-strict" / "pod-v1.json").read_text())
    return frozenset(pod["definitions"][f"io.k8s.api.core.v1.{definition}"]["properties"])


def _merged(runtime: dict, override: dict) -> dict:
    """A runtime container with the InferenceService's container fields over it, env and mounts
    merged by name, as KServe merges them."""
    override = {k: v for k, v in override.items() if k in _fields("Container")}
    merged = {**runtime, **{k: v for k, v in override.items() if k not in ("env", "volumeMounts", "args")}}
    for key, by in (("env", "name"), ("volumeMounts", "mountPath")):
        entries = {e.get(by): e for e in (runtime.get(key) or []) + (override.get(key) or [])}
        if entries:
            merged[key] = list(entries.values())
    if runtime.get("args") or override.get("args"):
        merged["args"] = (runtime.get("args") or []) + (override.get("args") or [])
    return merged


def pod_deployments(docs: list[dict]) -> list[dict]:
    """The Deployments KServe's controller would create for each InferenceService of `docs` in
    RawDeployment (the head's and, for multi-node, the workers'), for the API server to judge the
    pod templates: fields its CRD takes as written (an affinity term's weight, a topology key) are
    refused only there, after the InferenceService was taken."""
    runtimes = {d["metadata"]["name"]: d for d in docs if d.get("kind") == "ServingRuntime"}
    made = []
    for isvc in (d for d in docs if d.get("kind") == "InferenceService"):
        predictor = (isvc.get("spec") or {}).get("predictor") or {}
        model = predictor.get("model") or {}
        runtime = (runtimes.get(str(model.get("runtime"))) or {}).get("spec")
        if not runtime:
            continue  # an existing runtime: its containers are not the chart's
        pods = [("predictor", predictor, runtime, [_merged(c, model) if c.get("name") == "kserve-container" else c
                                                    for c in runtime.get("containers") or []])]
        if predictor.get("workerSpec") is not None and runtime.get("workerSpec"):
            worker, worker_runtime = predictor["workerSpec"], runtime["workerSpec"]
            overrides = {c.get("name"): c for c in worker.get("containers") or []}
            pods.append(("predictor-worker", worker, worker_runtime,
                         [_merged(c, overrides.get(c.get("name"), {})) for c in worker_runtime.get("containers") or []]))
        for suffix, source, pod_runtime, containers in pods:
            spec = {k: v for k, v in source.items() if k in _fields("PodSpec") and k != "containers"}
            spec["containers"] = containers
            volumes = (pod_runtime.get("volumes") or []) + (source.get("volumes") or [])
            if volumes:
                spec["volumes"] = volumes
            labels = {**{str(k): str(v) for k, v in (predictor.get("labels") or {}).items()}, "app": "isvc-check"}
            made.append({"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": {"name": f"{isvc['metadata']['name']}-{suffix}"[:63].rstrip("-"),
                                      "namespace": isvc["metadata"].get("namespace")},
                         "spec": {"selector": {"matchLabels": {"app": "isvc-check"}},
                                  "template": {"metadata": {"labels": labels,
                                                            "annotations": predictor.get("annotations") or {}},
                                               "spec": spec}}})
    return made


def refusals(docs: list[dict]) -> list[str]:
    """Why the model would not run although the API server took `docs` (the rendered objects,
    hooks included); empty when nothing after admission refuses it."""
    pulled = images(docs)
    bad = unparsable_images(sorted({ref for _, ref in pulled}))
    problems = [f"{where}: image {ref!r}: {bad[ref]} (kubelet InvalidImageName)" for where, ref in pulled if ref in bad]
    return problems + _run_as_root_with_non_root(docs) + _overcommitted(docs) + _unknown_gpu_types(docs)
