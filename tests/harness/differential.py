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

# Refusals of values the platform itself would take, on purpose: (a name, a pattern of the chart's
# message, as Helm 4 words schema errors, and why the chart refuses anyway). A refusal the
# platform accepts that matches none is a finding.
DELIBERATE = [
    ("unknown value", r"additional properties '[^']*' not allowed",
     "a misspelt or unknown value would be ignored without a word"),
    ("wrong type", r"got \w+, want \w+",
     ("a value of the wrong type, or a null from --set x=null, would render as text the platform reads "
     "otherwise, or remove what the chart relies on")),
    ("not in its list", r"value must be one of", "a value outside its list would be taken for another choice, or ignored"),
    ("null on a needed value", r"missing propert(y|ies) '",
     ("a null (--set x=null) removes a value the chart relies on: it would render <nil>, an empty image "
      "reference, a zero, or silently another choice (tests/test_null_values.py)")),
    ("wrong form", r"does not match pattern",
     "a value of the wrong form would reach vLLM, KServe or the kubelet, which fail later"),
    ("out of range", r"(minimum|maximum|minLength|maxLength|minItems|maxItems|minProperties|maxProperties): got",
     "a number or length out of range cannot run (no replica, no accelerator, an empty name)"),
]

# The chart's topic rules (templates/validation/_<topic>.tpl), each refusing for its own reason:
# every line of a "cannot render these values" message is matched to the rule format that wrote it,
# and so to its topic. A line no rule wrote is a finding.
TOPIC_REASONS = {
    "characters": "a string Helm's YAML writer cannot carry: the object would lose the value or hold another",
    "names": "a name KServe or Knative derives (Deployments, Services, Routes) would exceed 63 characters, which "
             "they refuse only when they build those objects, after the InferenceService was taken",
    "metadata": "a label or annotation the chart sets itself, given again, would be silently overridden by one side",
    "serviceaccount": "settings of the model pods' account that would be lost, or an account shared with the callers",
    "placement": "pod placement the API server refuses as a whole list, in the InferenceService and in its pods",
    "env": "an environment variable named twice, which the API server refuses in the runtime or the pods",
    "upgrade": "KServe's webhooks refuse this change of an existing object; refused before anything is sent, so "
               "nothing is left half-applied",
    "modes": "the level has no such deployment mode: KServe takes the object and never runs the model",
    "storage": "a model location or credential the level's storage initializer cannot use: the pods fail after the "
               "objects were taken",
    "resources": "requests of extended resources and hugepages must equal their limits, and no request may exceed its "
                 "limit: the API server refuses the pods KServe makes, not the InferenceService",
    "images": "an image the level does not ship for the accelerator, or one the kubelet cannot parse: the pods never start",
    "runtime": "values an existing ServingRuntime would make meaningless would be silently ignored",
    "topology": "multi-node settings KServe's controller, its webhooks or vLLM refuse, or that form no working vLLM",
    "args": "vLLM flags the chart manages, given again in model.args, would silently override one another",
    "scaling": "replica counts and autoscaler settings KServe, Knative or KEDA refuse or ignore after taking the object",
    "serverless": "what Knative refuses when it builds the revision, after KServe took the InferenceService",
    "auth": "auth the level's proxy cannot give would leave the endpoint open, or shut for every caller",
    "hardware": "the hardware profile's webhook would overwrite or wipe what the chart renders",
    "spyre": "an IBM Spyre setup the level ships no runtime template for",
    "extras": "a volume, mount or container that clashes with what the chart, KServe or OpenShift AI put in the same "
              "pod, or that Knative refuses when it builds the revision: the API server refuses the pods, or the "
              "platform's own part is silently replaced",
    "network": "a NetworkPolicy that would shut out the gateway that serves the endpoint, or settings no policy would use",
    "metrics": "a monitor that would scrape vLLM a second time beside the platform's own, or one the Prometheus "
               "Operator skips (a timeout beyond its interval), or that would select no target",
    "adapters": "LoRA adapters vLLM would serve under a clashing name, limits it ignores without adapters, or claims "
                "Knative refuses to mount in Serverless",
    "cache": "a model cache the level lacks, or one KServe would never match to the model (no URI it downloads), "
             "or settings no cache uses",
    "security": "a security context the kubelet refuses when it starts the container, or OpenShift's restricted SCC "
                "in a container the user adds",
    "cluster": "the cluster contradicts the chosen level: KServe would take the objects and never run the model",
    "migration": "a value of the chart's 0.x line, named with its new name instead of being dropped",
}

_GO_STRING = r'"((?:[^"\\]|\\.)*)"'


@functools.cache
def rule_formats() -> dict[str, list[re.Pattern]]:
    """For each topic, a pattern of each message its rules append (the format string of the
    template's printf, each verb matching any text)."""
    found: dict[str, list[re.Pattern]] = {}
    for path in sorted((CHART / "templates" / "validation").glob("_*.tpl")):
        for match in re.finditer(r"append \$errors (?:\(printf )?" + _GO_STRING, path.read_text()):
            literal = json.loads(f'"{match.group(1)}"')
            parts = re.split(r"%[-+# 0-9.]*[svdqT]", literal)
            found.setdefault(path.stem.lstrip("_"), []).append(re.compile(".*?".join(map(re.escape, parts)) + "$", re.S))
    return found


def rule_topics(message: str) -> list[str] | None:
    """The topic of each rule that refused, from a "cannot render these values" message; None when a
    line matches no rule, or several."""
    lines = re.findall(r"(?m)^  - (.*)$", message.split("cannot render these values:", 1)[-1])
    topics = []
    for line in lines:
        hits = {topic for topic, patterns in rule_formats().items() if any(p.match(line) for p in patterns)}
        if len(hits) != 1:
            return None
        topics.append(hits.pop())
    return topics or None


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


def refusal_classes(message: str) -> list[str]:
    """Which rows of the tables a refusal falls under: "rule: <topic>" for each topic rule that
    refused, or the name of the schema row; empty when none explains it."""
    if "cannot render these values" in message:
        return [f"rule: {topic}" for topic in dict.fromkeys(rule_topics(message) or [])]
    return next(([name] for name, pattern, _ in DELIBERATE if re.search(pattern, message)), [])


# every row's reason, by the class refusal_classes names it with
REASONS = {name: reason for name, _, reason in DELIBERATE} | {f"rule: {t}": r for t, r in TOPIC_REASONS.items()}


def deliberate_reason(message: str) -> str | None:
    return "; ".join(REASONS[c] for c in refusal_classes(message)) or None


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
    docs = documents(manifest)
    objects = [d for d in docs if not is_hook(d)]
    for namespace in sorted({d["metadata"].get("namespace") for d in objects} - {None}):
        client.ensure_namespace(namespace)
    # with them, the Deployments KServe would make: their pod templates are judged only there
    payload = {"apiVersion": "v1", "kind": "List", "items": objects + after_admission.pod_deployments(objects)}
    result = client.kubectl("create", "--dry-run=server", "--validate=strict", "-f", "-",
                            input=json.dumps(payload), check=False)
    if result.returncode:
        return False, (result.stderr or "").strip()
    # what the kubelet and KServe's controller refuse after admission, hooks (the test pod) included
    later = after_admission.refusals(docs)
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
