"""The one way tests render the chart: `helm template` in, parsed and schema-checked documents out.

    docs = render({"deploymentMode": "RawDeployment"})
    isvc = docs.get("InferenceService", "my-vllm")

Values come as a dict, as `--set` strings, as values files, or all three (applied in that order of
precedence: files, then the dict, then `--set`, like helm's own flags). A failed render raises
HelmError carrying helm's stderr. Every rendered document is validated strictly against the schema
of its kind for the KServe level and Kubernetes versions the chart supports, so a misplaced or
misspelled field fails whatever test rendered it.

Identical renders are made once per pytest run: results are kept in a folder shared by all xdist
workers, keyed by the helm binary, the chart's files and the arguments.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import filecache, schemas
from .paths import BIN, CHART

RELEASE = "my-vllm"
NAMESPACE = "default"
# --kube-version for renders: the oldest Kubernetes the chart admits (renders do not depend on the
# Kubernetes a Helm binary assumes offline).
KUBE_VERSION = schemas.KUBERNETES_VERSIONS[0]
CACHE_ENV = "VLLM_KSERVE_RENDER_CACHE"
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A render is a short-lived helm process: Go's garbage collector only costs it CPU there (about a
# quarter of it, measured), and on two cores every test run pays that twice over. Output is unchanged.
HELM_ENV = {**os.environ, "GOGC": "off"}



class HelmError(Exception):
    def __init__(self, args: list[str], returncode: int, stderr: str):
        self.args_ = args
        self.returncode = returncode
        self.stderr = stderr
        super().__init__(f"`{' '.join(args)}` exited {returncode}:\n{stderr}")


class SchemaError(AssertionError):
    pass


@dataclass
class Docs:
    """Rendered documents, looked up by identity rather than position."""

    items: list[dict]
    manifest: str = field(repr=False, default="")

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)

    def kinds(self) -> list[tuple[str, str]]:
        return sorted((d["kind"], d["metadata"]["name"]) for d in self.items)

    def all(self, kind: str) -> list[dict]:
        return [d for d in self.items if d["kind"] == kind]

    def get(self, kind: str, name: str | None = None, namespace: str | None = None) -> dict:
        """The one document of `kind` (with that name and namespace); fails on none or several."""
        found = [
            d for d in self.all(kind)
            if (name is None or d["metadata"]["name"] == name)
            and (namespace is None or d["metadata"].get("namespace") == namespace)
        ]
        if len(found) != 1:
            raise LookupError(f"expected one {kind} {name or ''} {namespace or ''}, found {len(found)}: {self.kinds()}")
        return found[0]

    def has(self, kind: str, name: str | None = None) -> bool:
        return any(name is None or d["metadata"]["name"] == name for d in self.all(kind))


def _chart_fingerprint(chart: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in chart.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(chart)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _binary_fingerprint(path: Path) -> str:
    stat = path.stat()
    return f"{path}:{stat.st_size}:{stat.st_mtime_ns}"


@functools.cache
def _default_platform() -> str:
    return yaml.load((CHART / "values.yaml").read_text(), Loader=LOADER)["platform"]


def effective_platform(values_files=(), values: dict | None = None, sets=(), extra=()) -> str:
    """The `platform` value helm will see, for choosing the KServe schema set: the last one given, in
    the order helm_template_args passes them (values files, values, the -f files among `extra`, then
    --set items and the --set flags among `extra`)."""
    def in_file(path):
        return (yaml.load(Path(path).read_text(), Loader=LOADER) or {}).get("platform")

    flagged = list(itertools.pairwise(extra))
    given = [in_file(path) for path in values_files] + [(values or {}).get("platform")]
    given += [in_file(value) for flag, value in flagged if flag in ("-f", "--values")]
    for item in [*sets, *(value for flag, value in flagged if flag in ("--set", "--set-string"))]:
        key, _, value = item.partition("=")
        if key.strip() == "platform":
            given.append(value.strip())
    return next((platform for platform in reversed(given) if platform), _default_platform())


def helm_template_args(values: dict | None, sets, values_files, *, helm: str, chart: Path, release: str,
                       namespace: str, kube_version: str, extra: list[str]) -> tuple[list[str], str | None]:
    args = [str(BIN / helm), "template", release, str(chart), "--namespace", namespace, "--kube-version", kube_version]
    for path in values_files:
        args += ["--values", str(path)]
    values_text = None
    if values:
        values_text = json.dumps(values, sort_keys=True)  # JSON is YAML, and much faster to write
        args += ["--values", "-"]
    for item in sets:
        args += ["--set", item]
    return args + list(extra), values_text


def _run_helm(args: list[str], stdin: str | None) -> tuple[int, str, str]:
    result = subprocess.run(args, input=stdin, capture_output=True, text=True, env=HELM_ENV, check=False)
    return result.returncode, result.stdout, result.stderr


def _cached(name: str, compute):
    """compute(), or what it returned earlier in this run in any worker (JSON round-tripped)."""
    folder = os.environ.get(CACHE_ENV)
    if not folder:
        return json.loads(json.dumps(compute()))
    return filecache.once(Path(folder) / f"{name}.json", compute)


_FINGERPRINTS: dict[str, str] = {}


def _fingerprint(path: Path) -> str:
    if str(path) not in _FINGERPRINTS:
        if path.is_dir():
            _FINGERPRINTS[str(path)] = _chart_fingerprint(path)
        elif path.parent == BIN:
            _FINGERPRINTS[str(path)] = _binary_fingerprint(path)
        else:
            _FINGERPRINTS[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _FINGERPRINTS[str(path)]


def run_helm_template(values=None, sets=(), values_files=(), *, helm="helm", chart: Path = CHART,
                      release=RELEASE, namespace=NAMESPACE, kube_version=KUBE_VERSION, extra=()) -> tuple[str, int, str, str]:
    """(key, returncode, stdout, stderr) of one `helm template`, memoised for the run."""
    args, stdin = helm_template_args(values, sets, values_files, helm=helm, chart=chart, release=release,
                                     namespace=namespace, kube_version=kube_version, extra=list(extra))
    inputs = [chart, BIN / helm, *map(Path, values_files)]
    # files named inside `extra` (-f x.yaml, --set-file k=x) count by content, not by name
    referenced = [Path(value.split("=", 1)[-1]) for flag, value in itertools.pairwise(extra)
                  if flag in ("-f", "--values", "--set-file")]
    contents = [hashlib.sha256(p.read_bytes()).hexdigest() for p in referenced if p.is_file()]
    key = hashlib.sha256(json.dumps([args, stdin, [_fingerprint(p) for p in inputs], contents]).encode()).hexdigest()
    return (key, *_cached(key, lambda: _run_helm(args, stdin)))


VALIDATION_SUFFIX = ".problems"


def parse(manifest: str) -> list[dict]:
    return [doc for doc in yaml.load_all(manifest, Loader=LOADER) if doc]


def render(values: dict | None = None, sets=(), values_files=(), *, helm="helm", chart: Path = CHART,
           release=RELEASE, namespace=NAMESPACE, kube_version=KUBE_VERSION, extra=(), validate=True) -> Docs:
    """Render the chart; raise HelmError on failure and SchemaError if any document breaks its schema."""
    key, code, out, err = run_helm_template(values, sets, values_files, helm=helm, chart=chart, release=release,
                                            namespace=namespace, kube_version=kube_version, extra=extra)
    if code:
        args, _ = helm_template_args(values, sets, values_files, helm=helm, chart=chart, release=release,
                                     namespace=namespace, kube_version=kube_version, extra=list(extra))
        raise HelmError(args, code, err)
    if key not in _PARSED:
        docs = parse(out)
        platform = effective_platform(values_files, values, sets, extra)
        problems = _cached(key + VALIDATION_SUFFIX, lambda: schemas.validate_documents(docs, platform))
        _PARSED[key] = (json.dumps(docs), problems)
    docs_json, problems = _PARSED[key]
    if validate and problems:
        raise SchemaError("rendered objects break their schemas:\n  " + "\n  ".join(problems))
    return Docs(json.loads(docs_json), out)  # a fresh copy: tests may change what they get


# Parsed documents (as JSON, cheap to copy) and their schema problems, per render key, for this process.
_PARSED: dict[str, tuple[str, list[str]]] = {}


def render_error(values: dict | None = None, sets=(), values_files=(), **kwargs) -> str:
    """helm's stderr for values that must not render; fails if they do."""
    try:
        render(values, sets, values_files, validate=False, **kwargs)
    except HelmError as error:
        return error.stderr
    raise AssertionError(f"expected the render to fail: values={values} sets={list(sets)} files={list(values_files)}")


def notes(values: dict | None = None, sets=(), *, release=RELEASE, namespace=NAMESPACE, chart: Path = CHART) -> str:
    """The install notes, from an offline `helm install --dry-run=client` (no cluster is contacted)."""
    args = [str(BIN / "helm"), "install", release, str(chart), "--dry-run=client", "--namespace", namespace,
            "--values", "-"]
    for item in sets:
        args += ["--set", item]
    env = {**os.environ, "KUBECONFIG": os.devnull}
    result = subprocess.run(args, input=yaml.safe_dump(values or {}), capture_output=True, text=True, env=env, check=False)
    if result.returncode:
        raise HelmError(args, result.returncode, result.stderr)
    return result.stdout.split("\nNOTES:\n", 1)[1]
