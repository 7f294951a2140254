"""The way over from the 0.x line of this chart (redhat-ai-services/helm-charts, charts/vllm-kserve
0.5.0 to 0.7.0): the README's table of its values holds, every old value is refused with a message
naming what replaced it, and an upgrade that sets the README's name values keeps the model's
InferenceService (the same object) and its served model name.

The 0.x line named its objects `<release>-vllm-kserve` (its fullname helper, charts/vllm-kserve/
templates/_helpers.tpl:13-24 at commits a5cf996 to 1b66619), unless the release name already
contained the chart name or fullnameOverride was set; this chart names them after the release.
"""

from __future__ import annotations

import json
import re

import pytest
import yaml

from tests.harness.paths import CHART, ROOT
from tests.harness.render import render, render_error

README = (ROOT / "README.md.gotmpl").read_text()


def migration_table() -> list[tuple[str, str]]:
    """(old value, what the README says replaces it) for every row of the README's table."""
    section = README[README.index("### Values of the 0.x chart"):]
    section = section[:section.index("\n## ")]
    rows = re.findall(r"^\| `([\w.]+)` \| (.+?) \|$", section, flags=re.M)
    assert rows, "the README has no table of the 0.x chart's values"
    return rows


def example(path: str):
    """A value a 0.x user could have set at `path`."""
    leaf = path.rsplit(".", 1)[-1]
    return {"args": ["--max-model-len=4096"], "command": ["python", "-m", "vllm.entrypoints.openai.api_server"],
            "env": [{"name": "A", "value": "b"}], "visibleInDashboard": True}.get(leaf, "x")


def nested(path: str, value) -> dict:
    out: dict = value
    for key in reversed(path.split(".")):
        out = {key: out}
    return out


@pytest.mark.parametrize("old, replacement", migration_table(), ids=lambda v: v.split()[0][:40])
def test_every_old_value_is_refused_naming_its_replacement(old, replacement):
    """Never a bare "additional property": the schema knows each old name, and the chart refuses it
    with the new name (or says why none is needed)."""
    message = render_error(nested(old, example(old)))
    assert old in message and "additional propert" not in message.lower(), message
    for new in re.findall(r"`([\w.]+)`", replacement):
        assert new in message, (new, message)


def test_the_table_lists_every_old_value_the_schema_knows():
    schema = json.loads((CHART / "values.schema.json").read_text())

    def deprecated(node, prefix=""):
        for key, child in node.get("properties", {}).items():
            path = f"{prefix}{key}"
            if child.get("deprecated"):
                yield path
            yield from deprecated(child, f"{path}.")

    assert set(deprecated(schema)) == {old for old, _ in migration_table()}


def test_the_name_values_keep_the_old_names():
    """What the README tells a 0.x user to set gives the object names that release had."""
    docs = render({"fullnameOverride": "my-vllm-vllm-kserve"}, release="my-vllm")
    assert docs.get("InferenceService")["metadata"]["name"] == "my-vllm-vllm-kserve"
    assert docs.get("ServingRuntime")["metadata"]["name"] == "my-vllm-vllm-kserve"


OLD_CHART = """apiVersion: v2
name: vllm-kserve
version: 0.7.0
"""

# What a 0.x release holds of the model, as that chart named it: an InferenceService and its
# runtime called <release>-vllm-kserve, serving the InferenceService's name as the model name.
OLD_OBJECTS = """apiVersion: serving.kserve.io/v1alpha1
kind: ServingRuntime
metadata:
  name: {{ .Release.Name }}-vllm-kserve
spec:
  supportedModelFormats:
    - name: vLLM
  containers:
    - name: kserve-container
      image: quay.io/modh/vllm:rhoai-2.22-cuda
      args: ["--port=8080", "--model=/mnt/models", "--served-model-name={{ "{{.Name}}" }}"]
---
apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: {{ .Release.Name }}-vllm-kserve
  annotations:
    serving.kserve.io/deploymentMode: RawDeployment
spec:
  predictor:
    model:
      modelFormat:
        name: vLLM
      runtime: {{ .Release.Name }}-vllm-kserve
      storageUri: oci://quay.io/redhat-ai-services/modelcar-catalog:granite-3.3-2b-instruct
"""


@pytest.mark.cluster
def test_an_upgrade_from_the_old_chart_keeps_the_inference_service(kube, tmp_path):
    """A release installed with a stand-in of the 0.x chart's naming, then upgraded to this chart
    with the README's values: Helm takes the same InferenceService over (same uid) and the model is
    still served under the old name."""
    old = tmp_path / "vllm-kserve"
    (old / "templates").mkdir(parents=True)
    (old / "Chart.yaml").write_text(OLD_CHART)
    (old / "templates" / "model.yaml").write_text(OLD_OBJECTS)
    client = kube()
    ns = client.create_namespace("migration")
    try:
        client.install("my-vllm", ns, chart=str(old))
        before = client.get("inferenceservice", "my-vllm-vllm-kserve", ns)
        client.install("my-vllm", ns, "--set", "fullnameOverride=my-vllm-vllm-kserve",
                       "--set", "deploymentMode=RawDeployment")
        after = client.get("inferenceservice", "my-vllm-vllm-kserve", ns)
        assert after["metadata"]["uid"] == before["metadata"]["uid"]
        runtime = client.get("servingruntime", after["spec"]["predictor"]["model"]["runtime"], ns)
        assert runtime["metadata"]["name"] == "my-vllm-vllm-kserve"
        assert "--served-model-name={{.Name}}" in runtime["spec"]["containers"][0]["args"]
        version = yaml.safe_load((CHART / "Chart.yaml").read_text())["version"]
        listed = yaml.safe_load(client.helm("list", "-n", ns, "-o", "yaml").stdout)
        assert [(r["name"], r["chart"]) for r in listed] == [("my-vllm", f"vllm-kserve-{version}")]
    finally:
        client.delete_namespace(ns)
