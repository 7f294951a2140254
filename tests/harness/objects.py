"""Named ways into the objects the chart renders, so tests say what they read rather than its path.

    from tests.harness import objects

    docs = render({"deploymentMode": "RawDeployment"})
    objects.predictor(docs)["deploymentStrategy"]            # the workload's predictor
    objects.model_spec(docs, "my-vllm")["args"]              # its model container (a workload of that name)
    objects.runtime_containers(docs)[0]["image"]             # the ServingRuntime's first container
    objects.env_of(objects.container(pod, "kserve-container"))  # a container's environment, by name

Accessors of the workload and of the runtime take either the rendered documents (`Docs`, which must
then hold exactly one such object, or exactly one of `name`) or the object itself, as a dict: one
rendered, edited or read back from an API server (given a `name`, it must carry that name). Missing
fields raise KeyError, as the paths they replace did, unless an accessor says otherwise.
"""

from __future__ import annotations

from .render import Docs

# The kind of the object that serves the model.
WORKLOAD_KIND = "InferenceService"
RUNTIME_KIND = "ServingRuntime"
POD_CONTAINER_LISTS = ("containers", "initContainers")


def workload(docs: Docs, name: str | None = None) -> dict:
    """The one workload (the InferenceService) of the documents; with `name`, the one of that name."""
    return docs.get(WORKLOAD_KIND, name)


def _named(doc: dict, name: str | None) -> dict:
    if name is not None and doc["metadata"]["name"] != name:
        raise LookupError(f"expected {doc['kind']} {name}, got {doc['metadata']['name']}")
    return doc


def _workload_of(source: Docs | dict, name: str | None) -> dict:
    return workload(source, name) if isinstance(source, Docs) else _named(source, name)


def predictor(source: Docs | dict, name: str | None = None) -> dict:
    """The workload's predictor: spec.predictor."""
    return _workload_of(source, name)["spec"]["predictor"]


def model_spec(source: Docs | dict, name: str | None = None) -> dict:
    """The model container spec of the workload's predictor: spec.predictor.model."""
    return predictor(source, name)["model"]


def runtime(docs: Docs, name: str | None = None) -> dict:
    """The one ServingRuntime of the documents; with `name`, the one of that name."""
    return docs.get(RUNTIME_KIND, name)


def _runtime_of(source: Docs | dict, name: str | None) -> dict:
    return runtime(source, name) if isinstance(source, Docs) else _named(source, name)


def runtime_containers(source: Docs | dict, name: str | None = None) -> list[dict]:
    """The ServingRuntime's containers (the head's, for multi-node): spec.containers."""
    return _runtime_of(source, name)["spec"]["containers"]


def worker_containers(source: Docs | dict, name: str | None = None) -> list[dict]:
    """The containers of the ServingRuntime's multi-node workers: spec.workerSpec.containers
    (KeyError when the runtime has no workerSpec)."""
    return _runtime_of(source, name)["spec"]["workerSpec"]["containers"]


def all_runtime_containers(source: Docs | dict, name: str | None = None) -> list[dict]:
    """The runtime's containers followed by its workers' containers, if it has workers."""
    spec = _runtime_of(source, name)["spec"]
    return spec["containers"] + spec.get("workerSpec", {}).get("containers", [])


def env_entries(container_spec: dict) -> list[dict]:
    """A container's env entries as given ([] when it has none)."""
    return container_spec.get("env", [])


def env_of(container_spec: dict) -> dict[str, str | None]:
    """A container's environment as name -> literal value (None for an entry without `value`, such
    as one read from a Secret or a field)."""
    return {entry["name"]: entry.get("value") for entry in env_entries(container_spec)}


def container(pod_spec: dict, name: str, kind: str | None = None) -> dict:
    """The one container called `name` in a pod spec (or a ServingRuntime's spec): among its
    containers and initContainers, or only among `kind` ("containers" or "initContainers")."""
    lists = POD_CONTAINER_LISTS if kind is None else (kind,)
    found = [c for key in lists for c in pod_spec.get(key, []) if c["name"] == name]
    if len(found) != 1:
        names = {key: [c["name"] for c in pod_spec.get(key, [])] for key in lists}
        raise LookupError(f"expected one container {name!r}, found {len(found)}: {names}")
    return found[0]


def selects(selector: dict, labels: dict) -> bool:
    """Whether a Kubernetes label selector (matchLabels and matchExpressions) selects these labels."""
    if not selector.get("matchLabels", {}).items() <= labels.items():
        return False
    tests = {"In": lambda key, values: labels.get(key) in values, "NotIn": lambda key, values: labels.get(key) not in values,
             "Exists": lambda key, _: key in labels, "DoesNotExist": lambda key, _: key not in labels}
    return all(tests[e["operator"]](e["key"], e.get("values", [])) for e in selector.get("matchExpressions", []))
