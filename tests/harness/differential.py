"""Differential testing: the chart judged by the platform that would receive what it renders.

Values come from values.schema.json (Hypothesis with hypothesis-jsonschema), biased toward what
users really give: a rendering combination of the option matrix, with one to three top-level
values replaced by generated ones (nulls and each enum member among them). Each value set is
judged twice:

- the chart: `helm template` renders it, or refuses it with a message;
- the platform: the API server of the targeted level takes the objects in a server-side dry run
  with strict field validation, behind KServe's admission webhooks where a controller runs there,
  and then what the kubelet and KServe's controller refuse after admission (after_admission.py).
  For values the chart refuses, the platform judges what an unguarded copy of the chart (no schema,
  no validation rules) renders from them.

Chart renders, platform refuses: a defect, to be fixed in the chart. Chart refuses, platform
accepts: allowed only for a refusal of DELIBERATE, each with its reason.
"""

from __future__ import annotations

import atexit
import functools
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema

from schema import platforms

from . import after_admission, schemas
from .kube import Kube, documents, is_hook
from .paths import CHART
from .render import run_helm_template
from .scenarios import VALID

SCHEMA = json.loads((CHART / "values.schema.json").read_text())
NAMESPACE = "differential"

# Refusals of values the platform itself would take, on purpose: (a pattern of the chart's
# message, as Helm 4 words schema errors, and why the chart refuses anyway). A refusal the
# platform accepts that matches none is a finding.
DELIBERATE = [
    (r"additional properties '[^']*' not allowed",
     "a misspelt or unknown value would be ignored without a word"),
    (r"got \w+, want \w+",
     ("a value of the wrong type, or a null from --set x=null, would render as text the platform reads "
     "otherwise, or remove what the chart relies on")),
    (r"value must be one of", "a value outside its list would be taken for another choice, or ignored"),
    (r"missing property '", ("a null (--set x=null) removes a value the chart relies on: it would render <nil>, an "
     "empty image reference, a zero, or silently another choice (tests/test_null_values.py)")),
    (r"does not match pattern", "a value of the wrong form would reach vLLM, KServe or the kubelet, which fail later"),
    (r"(minimum|maximum|minLength|maxLength|minItems|maxItems): got",
     "a number or length out of range cannot run (no replica, no accelerator, an empty name)"),
    (r"cannot render these values",
     ("a topic rule (templates/validation/): what KServe's controller, vLLM or the kubelet would fail on "
     "after the API server took it, or a choice the level would overwrite, refused with its fix")),
]


@dataclass(frozen=True)
class Judgement:
    values: dict
    level: str
    chart_renders: bool
    chart_message: str
    platform_accepts: bool | None  # None: nothing to judge (even the unguarded chart cannot render)
    platform_message: str

    @property
    def direction(self) -> str:
        """agree | defect (the chart renders what the platform refuses) | refused-on-purpose (a
        DELIBERATE refusal of what the platform takes) | unexplained (any other such refusal)."""
        if self.platform_accepts is None or self.chart_renders == self.platform_accepts:
            return "agree"
        if self.chart_renders:
            return "defect"
        return "refused-on-purpose" if deliberate_reason(self.chart_message) else "unexplained"


def deliberate_reason(message: str) -> str | None:
    return next((reason for pattern, reason in DELIBERATE if re.search(pattern, message)), None)


# --- values ---------------------------------------------------------------------------------------

def _property_strategy(name: str):
    sub = {**SCHEMA["properties"][name], "definitions": SCHEMA.get("definitions", {})}
    return st.one_of(st.none(), from_schema(sub))


@functools.cache
def _property_strategies() -> dict:
    return {name: _property_strategy(name) for name in sorted(SCHEMA["properties"])}


def values_strategy(bases=None):
    """A rendering matrix combination with one to three top-level values replaced."""
    bases = bases or [c.values for c in VALID]
    strategies = _property_strategies()
    names = st.lists(st.sampled_from(sorted(strategies)), min_size=1, max_size=3, unique=True)
    changes = names.flatmap(lambda chosen: st.fixed_dictionaries({name: strategies[name] for name in chosen}))
    return st.tuples(st.sampled_from(bases), changes).map(lambda pair: {**pair[0], **pair[1]})


# --- judging --------------------------------------------------------------------------------------

@functools.cache
def unguarded_chart() -> Path:
    """The chart without its schema and its validation rules: what it would render unchecked."""
    folder = Path(tempfile.mkdtemp(prefix="vllm-kserve-unguarded-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    chart = folder / CHART.name
    shutil.copytree(CHART, chart)
    (chart / "values.schema.json").unlink()
    (chart / "templates" / "validate.yaml").write_text("")
    return chart


def level_of(values: dict) -> str:
    """The level the values target (the default one where `platform` is left out or not a level)."""
    platform = values.get("platform")
    return platform if isinstance(platform, str) and platform in schemas.TABLE.levels else platforms.default_level()


def _platform_verdict(client: Kube, manifest: str) -> tuple[bool, str]:
    objects = [d for d in documents(manifest) if not is_hook(d)]
    for namespace in sorted({d["metadata"].get("namespace") for d in objects} - {None}):
        client.ensure_namespace(namespace)
    payload = {"apiVersion": "v1", "kind": "List", "items": objects}
    result = client.kubectl("create", "--dry-run=server", "--validate=strict", "-f", "-",
                            input=json.dumps(payload), check=False)
    if result.returncode:
        return False, (result.stderr or "").strip()
    # what the kubelet and KServe's controller refuse after admission, hooks (the test pod) included
    later = after_admission.refusals(documents(manifest))
    return not later, "; ".join(later)


def judge(values: dict, kube) -> Judgement:
    """The chart's and the platform's verdicts on one value set; `kube(level)` is the client of a
    level's API server (conftest's `kube` fixture)."""
    level = level_of(values)
    client = kube(level)
    _, code, out, err = run_helm_template(values, namespace=NAMESPACE)
    if code == 0:
        accepts, message = _platform_verdict(client, out)
        return Judgement(values, level, True, "", accepts, message)
    chart_message = err[max(err.find("Error"), 0):].strip()  # from helm's own "Error:" on
    _, code, out, _ = run_helm_template(values, namespace=NAMESPACE, chart=unguarded_chart())
    if code:
        return Judgement(values, level, False, chart_message, None, "")
    accepts, message = _platform_verdict(client, out)
    return Judgement(values, level, False, chart_message, accepts, message)


def summary(judgements: list[Judgement]) -> dict[str, int]:
    counts = {"tried": len(judgements)}
    for j in judgements:
        counts[j.direction] = counts.get(j.direction, 0) + 1
    return counts


def short(text: str, limit: int = 400) -> str:
    return re.sub(r"\s+", " ", text)[:limit]
