"""What refuses a model after the API server took its objects (tests/harness/after_admission.py):
the kubelet, through its own image reference parser (bin/imageref, built from the
distribution/reference module the kubelet links), and KServe's multi-node validation. The chart
must never render what these refuse, and each check of the harness must be able to fail."""

from __future__ import annotations

import pytest

from tests.harness import after_admission, objects
from tests.harness.bad_inputs import BAD_INPUTS
from tests.harness.broken import broken_copy
from tests.harness.differential import unguarded_chart
from tests.harness.render import parse, render, run_helm_template
from tests.harness.scenarios import CI_VALUES, VALID

IMAGE_CASES = [b for b in BAD_INPUTS if b.id in {
    "image-repository-path-too-long", "modelcar-path-too-long", "modelcar-empty-path-component",
    "image-repository-trailing-separator", "test-image-repository-double-slash"}]


def test_every_image_the_chart_renders_parses_with_the_kubelets_parser():
    """The kubelet fails a container whose image it cannot parse with InvalidImageName, after the
    API server took the pod (kubernetes@v1.36.3 pkg/kubelet/images/image_manager.go:175-181,
    applyDefaultImageTag, through pkg/util/parsers/parsers.go:32-36, ParseImageName)."""
    pulled = set()
    for combo in VALID:
        pulled |= {ref for _, ref in after_admission.images(list(render(combo.values)))}
    for path in CI_VALUES:
        pulled |= {ref for _, ref in after_admission.images(list(render(values_files=[path])))}
    assert len(pulled) > 10 and after_admission.unparsable_images(sorted(pulled)) == {}


@pytest.mark.parametrize("bad", IMAGE_CASES, ids=lambda b: b.id)
def test_each_image_the_chart_refuses_is_one_the_kubelet_cannot_parse(bad):
    """The other direction: unguarded (no schema, no rules), the chart renders each refused value
    into a reference that the kubelet's parser refuses too, so no refusal is stricter than needed."""
    _, code, out, _ = run_helm_template(bad.values, bad.sets, chart=unguarded_chart())
    assert code == 0
    pulled = {ref for _, ref in after_admission.images(parse(out))}
    assert after_admission.unparsable_images(sorted(pulled)), pulled


def test_a_mirror_keeps_the_namespace_of_a_docker_hub_image():
    """The kubelet reads the first part of an image as its registry only where it has a dot or a
    port, or is localhost (distribution/reference@v0.6.0 normalize.go:126-160, splitDockerDomain):
    vllm/vllm-openai is Docker Hub's vllm namespace, so a mirror keeps the namespace."""
    mirrored = {"imageRegistry": "mirror.example.com:5000", "image": {"tag": "v0.11.0"}}
    hub = render({**mirrored, "image": {"repository": "vllm/vllm-openai", "tag": "v0.11.0"}})
    assert objects.runtime_containers(hub)[0]["image"] == "mirror.example.com:5000/vllm/vllm-openai:v0.11.0"
    hosted = render({**mirrored, "image": {"repository": "quay.io/vllm/vllm-openai", "tag": "v0.11.0"}})
    assert objects.runtime_containers(hosted)[0]["image"] == "mirror.example.com:5000/vllm/vllm-openai:v0.11.0"
    local = render({**mirrored, "image": {"repository": "localhost/vllm", "tag": "v0.11.0"}})
    assert objects.runtime_containers(local)[0]["image"] == "mirror.example.com:5000/vllm:v0.11.0"


CLEAN_POD = {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [
    {"name": "c", "image": "quay.io/org/vllm:1", "securityContext": {"runAsNonRoot": True, "runAsUser": 1000},
     "resources": {"requests": {"nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "1"}}}]}}


def with_container(**changes) -> dict:
    container = {**CLEAN_POD["spec"]["containers"][0], **changes}
    return {**CLEAN_POD, "spec": {"containers": [container]}}


@pytest.mark.parametrize(("pod", "finds"), [
    (with_container(image="quay.io/org//vllm:1"), "kubelet InvalidImageName"),
    (with_container(image="quay.io/Org/vllm:1"), "must be lowercase"),
    (with_container(securityContext={"runAsNonRoot": True, "runAsUser": 0}), "runAsNonRoot with runAsUser 0"),
    (with_container(resources={"requests": {"nvidia.com/gpu": "1"}, "limits": {"nvidia.com/gpu": "2"}}), "is not its limit"),
    (with_container(resources={"requests": {"hugepages-2Mi": "1Gi"}}), "is not its limit"),
    (with_container(resources={"requests": {0: "1", "example.com/x": "1"}, "limits": {0: "1"}}), "is not its limit"),
], ids=["empty-path-component", "capitals", "root-uid", "gpu-limit-differs", "hugepages-without-limit",
        "numeric-resource-name"])
def test_each_check_after_admission_can_fail(pod, finds):
    assert after_admission.refusals([CLEAN_POD]) == []
    assert any(finds in problem for problem in after_admission.refusals([pod])), after_admission.refusals([pod])


def test_the_multi_node_resource_check_follows_kserve_and_its_annotation():
    docs = list(render(next(c for c in VALID if c.multi_node).values))
    assert after_admission.refusals(docs) == []
    isvc = next(d for d in docs if d["kind"] == "InferenceService")
    isvc["spec"]["predictor"]["model"]["resources"]["limits"]["example.com/fpga"] = "1"
    assert any("no GPU type KServe knows" in p for p in after_admission.refusals(docs))
    isvc["metadata"].setdefault("annotations", {})[after_admission.GPU_TYPES_ANNOTATION] = '["example.com/fpga"]'
    assert after_admission.refusals(docs) == []
    # a resource name YAML reads as a number is still a name KServe does not know
    isvc["spec"]["predictor"]["model"]["resources"]["limits"][1] = "1"
    assert any("['1']" in p for p in after_admission.refusals(docs))


def test_the_image_check_fails_on_a_chart_that_renders_a_reference_the_kubelet_cannot_parse(tmp_path):
    chart = broken_copy(tmp_path, [("_helpers.tpl", "{{- with $tag }}:{{ . }}{{ end -}}", "{{- with $tag }}/:{{ . }}{{ end -}}")])
    values = {"image": {"repository": "quay.io/org/vllm", "tag": "1"}}
    pulled = sorted({ref for _, ref in after_admission.images(list(render(values, chart=chart)))})
    assert list(after_admission.unparsable_images(pulled)) == ["quay.io/org/vllm/:1"]


def test_the_pods_kserve_would_make_carry_the_predictors_pod_fields_and_the_models_container():
    """after_admission.pod_deployments: the Deployments the differential test has the API server
    judge, one per pod KServe makes (head, workers), with the pod fields and the merged container."""
    combo = next(c for c in VALID if c.multi_node)
    values = {**combo.values, "affinity": {"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "podAffinityTerm": {"topologyKey": "zone"}}]}}}
    docs = list(render(values))
    head, worker = after_admission.pod_deployments(docs)
    isvc = next(d for d in docs if d["kind"] == "InferenceService")
    model = isvc["spec"]["predictor"]["model"]
    for deployment in (head, worker):
        pod = deployment["spec"]["template"]["spec"]
        assert pod["affinity"] == values["affinity"] and pod["tolerations"]
    container = head["spec"]["template"]["spec"]["containers"][0]
    assert container["name"] == "kserve-container" and container["resources"] == model["resources"]
    assert "modelFormat" not in container and "storageUri" not in container
    assert worker["metadata"]["name"].endswith("-predictor-worker")
