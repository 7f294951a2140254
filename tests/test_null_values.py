"""`--set x=null` on every value of values.yaml. Helm reads a null as "remove the chart's default",
so a null takes away what the chart relies on unless the schema requires the value: then the render
fails, naming it. The documented exceptions:

- a value whose default is null already (null is its default);
- inside the Kubernetes-typed values (securityContext, podSecurityContext, resources, tolerations,
  nodeSelector, affinity, topologySpreadConstraints, imagePullSecrets, podLabels, podAnnotations),
  where a null is Helm's way to drop a default entry (a user's `{}` merges with the defaults
  instead): the objects are rendered without it, or the render fails
  naming it where Kubernetes needs it.
"""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from tests.harness.paths import CHART
from tests.harness.render import render, render_error, run_helm_template

DEFAULTS = yaml.safe_load((CHART / "values.yaml").read_text())
KUBERNETES_TYPED = {"securityContext", "resources", "tolerations", "nodeSelector", "affinity", "imagePullSecrets",
                    "podAnnotations", "podLabels", "topologySpreadConstraints", "podSecurityContext"}


def value_paths(node: dict, path: tuple = ()) -> list[tuple[tuple, object]]:
    found = []
    for key, value in node.items():
        found.append(((*path, key), value))
        if isinstance(value, dict):
            found += value_paths(value, (*path, key))
    return found


PATHS = value_paths(DEFAULTS)


def set_null(path: tuple) -> list[str]:
    return [".".join(key.replace(".", "\\.") for key in path) + "=null"]


def missing(path: tuple) -> str:
    """How Helm's schema check names a value that a null removed."""
    parent = "/" + "/".join(path[:-1]) if len(path) > 1 else ""
    return f"at '{parent}': missing property '{path[-1]}'"


def test_every_value_is_audited():
    assert len(PATHS) > 80 and {path[0] for path, _ in PATHS} == set(DEFAULTS)


@pytest.mark.parametrize("path", [p for p, d in PATHS if d is not None and p[0] not in KUBERNETES_TYPED],
                         ids=lambda p: ".".join(p))
def test_a_null_on_a_value_the_chart_relies_on_is_refused_naming_it(path):
    assert missing(path) in render_error(sets=set_null(path))


@pytest.mark.parametrize("path", [p for p, d in PATHS if d is None], ids=lambda p: ".".join(p))
def test_a_null_on_a_value_whose_default_is_null_changes_nothing(path):
    assert run_helm_template(None, set_null(path))[1:] == run_helm_template(None)[1:]


@pytest.mark.parametrize("path", [p for p, _ in PATHS if p[0] in KUBERNETES_TYPED], ids=lambda p: ".".join(p))
def test_a_null_inside_a_kubernetes_typed_value_renders_valid_objects_without_it_or_is_refused_naming_it(path):
    _, code, out, err = run_helm_template(None, set_null(path))
    if code:  # what Kubernetes needs (a seccomp profile's type, a GPU's limit)
        assert missing(path) in err or ".".join(path) in err, err
    else:
        assert "<nil>" not in out
        render(sets=set_null(path))  # strictly validated against the level's schemas


def test_the_audit_finds_a_value_the_schema_stops_requiring(tmp_path):
    """Proof that the first audit can fail: without `uri` among model's required values, a null on it
    renders, as storageUri "<nil>"."""
    chart = tmp_path / CHART.name
    shutil.copytree(CHART, chart)
    schema = json.loads((chart / "values.schema.json").read_text())
    schema["properties"]["model"]["required"].remove("uri")
    (chart / "values.schema.json").write_text(json.dumps(schema))
    _, code, out, _ = run_helm_template(None, set_null(("model", "uri")), chart=chart)
    assert code == 0 and 'storageUri: "<nil>"' in out
