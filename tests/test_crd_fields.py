"""The chart's schema holds no Kubernetes field that a level's CRD lacks where the chart writes it
(schema/crd_fields.py): OpenShift AI 2.22's CRD, built on older Kubernetes types, has no
PodSecurityContext.seLinuxChangePolicy, and the API server's strict field validation would refuse
the InferenceService there. The generated sets are checked always, the reference sets where their
CRDs are present."""

from __future__ import annotations

import copy
import json

import pytest

from schema import crd_fields, generate
from tests.harness import schemas
from tests.harness.paths import CHART

DEFINITIONS = json.loads((CHART / "values.schema.json").read_text())["definitions"]
SETS = list(schemas.TABLE.crd_sets)
GENERATED = [name for name in SETS if not schemas.is_reference(name)]
REFERENCE = [name for name in SETS if schemas.is_reference(name)]


@pytest.mark.parametrize("name", SETS)
def test_no_field_the_chart_takes_is_missing_from_a_crd_set(name):
    if not schemas.available(name):
        pytest.skip(schemas.unavailable_reason(name))
    assert crd_fields.gaps(schemas.crd_set_schemas(name), DEFINITIONS) == {}


def test_the_check_finds_a_field_a_crd_set_lacks():
    crd = copy.deepcopy(schemas.crd_set_schemas(GENERATED[0]))
    pod = crd[crd_fields.IS]["properties"]["spec"]["properties"]["predictor"]["properties"]["securityContext"]
    del pod["properties"]["fsGroup"]
    assert crd_fields.gaps(crd, DEFINITIONS) == {"io.k8s.api.core.v1.PodSecurityContext": {"fsGroup"}}


def test_the_recorded_reference_gaps_are_what_the_reference_sets_lack_beyond_the_generated_ones():
    absent = [name for name in REFERENCE if not schemas.available(name)]
    if absent:
        pytest.skip("; ".join(schemas.unavailable_reason(name) for name in absent))
    vendored = generate.closure(set(DEFINITIONS) & {k for k in DEFINITIONS if k.startswith("io.k8s.")},
                                generate.load_definitions(generate.chart_kubernetes_versions()[-1]), "#/definitions/")

    def union(names):
        found: dict[str, set[str]] = {}
        for name in names:
            for definition, fields in crd_fields.gaps(schemas.crd_set_schemas(name), vendored).items():
                found.setdefault(definition, set()).update(fields)
        return found

    generated, reference = union(GENERATED), union(REFERENCE)
    beyond = {d: sorted(f - generated.get(d, set())) for d, f in reference.items() if f - generated.get(d, set())}
    assert beyond == crd_fields.REFERENCE_GAPS


def test_no_field_the_chart_takes_is_unknown_to_the_api_server_the_project_runs():
    known = generate.load_definitions(generate.api_server_kubernetes_version())
    assert crd_fields.kubernetes_gaps(DEFINITIONS, known) == {}
    newer = copy.deepcopy(known)
    del newer["io.k8s.api.core.v1.VolumeMount"]["properties"]["subPath"]
    assert crd_fields.kubernetes_gaps(DEFINITIONS, newer) == {"io.k8s.api.core.v1.VolumeMount": {"subPath"}}
