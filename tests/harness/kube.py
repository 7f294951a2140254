"""Driving the local control plane from tests: helm and kubectl against a context, namespaces, and
comparisons between rendered and stored objects."""

from __future__ import annotations

import json
import os
import re
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from . import controlplane, schemas
from .paths import BIN, CHART


class CommandError(AssertionError):
    pass


@dataclass
class Kube:
    context: str

    def run(self, tool: str, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "KUBECONFIG": str(controlplane.KUBECONFIG),
               "HELM_CACHE_HOME": str(controlplane.STATE / "helm-cache"),
               "HELM_CONFIG_HOME": str(controlplane.STATE / "helm-config"),
               "HELM_DATA_HOME": str(controlplane.STATE / "helm-data")}
        context_flag = ["--kube-context", self.context] if tool.startswith("helm") else ["--context", self.context]
        command = [str(BIN / tool), *context_flag, *args]
        result = subprocess.run(command, input=input, capture_output=True, text=True, env=env, check=False)
        if check and result.returncode:
            raise CommandError(f"`{' '.join(command)}` exited {result.returncode}:\n{result.stderr}{result.stdout[-2000:]}")
        return result

    def helm(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run("helm", *args, **kwargs)

    def kubectl(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run("kubectl", *args, **kwargs)

    def get(self, kind: str, name: str, namespace: str) -> dict | None:
        result = self.kubectl("get", kind, name, "-n", namespace, "-o", "json", check=False)
        if result.returncode:
            if "NotFound" in result.stderr:
                return None
            raise CommandError(result.stderr)
        return json.loads(result.stdout)

    def install(
        self, release: str, namespace: str, *flags: str, chart: str = str(CHART), check: bool = True,
    ) -> subprocess.CompletedProcess:
        return self.helm("upgrade", "-i", release, chart, "-n", namespace, *flags, check=check)

    def ensure_namespace(self, name: str) -> None:
        if self.kubectl("get", "namespace", name, check=False).returncode:
            self.kubectl("create", "namespace", name)

    def create_namespace(self, prefix: str) -> str:
        # short: KServe and Knative build host names from the namespace and the InferenceService name
        cleaned = re.sub(r"[^a-z0-9-]+", "-", prefix.lower()).strip("-")[:24].rstrip("-")
        name = f"{cleaned}-{uuid.uuid4().hex[:6]}"
        self.kubectl("create", "namespace", name)
        return name

    def delete_namespace(self, name: str) -> None:
        self.kubectl("delete", "namespace", name, "--wait=false", "--ignore-not-found", check=False)


def clients(running_levels) -> Callable[[str], Kube]:
    """client(platform): a client of the API server of a platform's level; a level the control
    plane does not run yet (not among `running_levels`) is started on first use."""
    started = set(running_levels)

    def client(platform: str) -> Kube:
        context = context_for(platform)
        if context not in started:
            controlplane.ensure_level(context)
            started.add(context)
        return Kube(context)

    return client


def context_for(platform: str) -> str:
    """The API server of the platform's CRD set (its stand-in's while a reference set is absent)."""
    return schemas.crd_set_for(platform)


def is_subset(rendered, live, path="") -> list[str]:
    """Where `live` lost or changed something `rendered` set (extra fields in live are defaults)."""
    if isinstance(rendered, dict):
        if not isinstance(live, dict):
            return [f"{path}: {live!r} is not an object"]
        problems = []
        for key, value in rendered.items():
            if key not in live:
                problems.append(f"{path}/{key}: missing (pruned?)")
            else:
                problems += is_subset(value, live[key], f"{path}/{key}")
        return problems
    if isinstance(rendered, list):
        if not isinstance(live, list) or len(live) != len(rendered):
            return [f"{path}: {live!r} is not {rendered!r}"]
        return [p for i, (a, b) in enumerate(zip(rendered, live, strict=True)) for p in is_subset(a, b, f"{path}/{i}")]
    return [] if rendered == live else [f"{path}: {live!r} != {rendered!r}"]


def documents(manifest: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(manifest) if d]


def is_hook(doc: dict) -> bool:
    return "helm.sh/hook" in doc["metadata"].get("annotations", {})
