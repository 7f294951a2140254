"""Platform rules of images: each level's default vLLM image is the one that release's own
ServingRuntime templates ship, pinned by digest, and the dashboard shows the runtime version of
that template. The digests are read from each release branch (path:line below), independently of
the platform table the chart renders from, so a wrong row fails here.

Sources: red-hat-data-services/odh-model-controller (MC) branches rhoai-2.22 474276fe9a, 2.23
0ce24d7c1f, 2.24 1e715cdd2f, 3.3 dc86dc52f4, 3.5 8df08b9e43: config/base/params-*.env (2.22 to
2.24, no operator override: rhods-operator@rhoai-2.22:
internal/controller/components/modelcontroller/modelcontroller_support.go:22-23)
and config/runtimes/vllm-*-template.yaml (runtime-version); red-hat-data-services/RHOAI-Build-Config
(RBC) branches rhoai-2.25 f40503d79e, 3.0 e927780dce, 3.3 f5fd3889e7, 3.4 c5f043366b, 3.5 294d62e743:
bundle/manifests/rhods-operator.clusterserviceversion.yaml (CSV) and bundle/additional-images-patch.yaml,
whose RELATED_IMAGE_* values the operator writes into the templates
(rhods-operator@rhoai-3.0:internal/controller/components/modelcontroller/modelcontroller_support.go:26-31;
red-hat-data-services/kserve@rhoai-3.5:kserve-module/pkg/kservemodule/images.go:45-88).
"""

from __future__ import annotations

import pytest

from tests.harness import objects
from tests.harness.render import render, render_error
from tests.harness.scenarios import ACCELERATORS, TABLE, deep_merge

SHIPPED = [
    # level, accelerator, image, runtime version, source
    ("rhoai-2.22", "nvidia", "quay.io/modh/vllm@sha256:d75db59ecfe38287f51b8342851005cdbd879c5c6e8ec75a961a257adf66f9f2",
     "v0.9.1.0", "MC@rhoai-2.22:config/base/params-cuda.env:5; config/runtimes/vllm-cuda-template.yaml:25"),
    ("rhoai-2.22", "amd", "quay.io/modh/vllm@sha256:7b9bd716efd34fae634e2f986bca2841ea240b113104cf73f68223e16c9ac3ff",
     "v0.8.4.3", "MC@rhoai-2.22:config/base/params-vllm-rocm.env:1; config/runtimes/vllm-rocm-template.yaml:25"),
    ("rhoai-2.23", "gaudi", "quay.io/modh/vllm@sha256:3934334c8270789a08f0b40a7a54cc712864fff0838ac2990a3b5711e175eef5",
     "v0.7.2", "MC@rhoai-2.23:config/base/params-vllm-gaudi.env:1; config/runtimes/vllm-gaudi-template.yaml:25"),
    ("rhoai-2.24", "cpu", "quay.io/modh/vllm@sha256:231bc22116598c9cef36a2c8d530a4147c264a77c0f242b040ea435fbfb208cd",
     "v0.10.0.2", "MC@rhoai-2.24:config/base/params-vllm-cpu.env:1; config/runtimes/vllm-cpu-template.yaml:24"),
    ("rhoai-2.25", "nvidia",
     "registry.redhat.io/rhoai/odh-vllm-cuda-rhel9@sha256:293c6eb7571bd239516a175b1ebbd4e4bc3b1076022d7aaf6b7f16264227aebf",
     "v0.10.1.1", "RBC@rhoai-2.25:CSV:1761-1762; MC@rhoai-2.25:config/runtimes/vllm-cuda-template.yaml:26"),
    ("rhoai-3.0", "nvidia",
     "registry.redhat.io/rhaiis/vllm-cuda-rhel9:3.2.5@sha256:094db84a1da5e8a575d0c9eade114fa30f4a2061064a338e3e032f3578f8082a",
     "v0.9.1.0", ("RBC@rhoai-3.0:bundle/additional-images-patch.yaml:27-28; "
                 "MC@rhoai-3.0:config/runtimes/vllm-cuda-template.yaml:26")),
    ("rhoai-3.3", "cpu",
     "registry.redhat.io/rhaiis/vllm-cpu-rhel9:3.3.0-1771459339@sha256:f05e773647dddd37ec6c2215cb14bec87e4ab5a7d37f2e110d16cd92355427d3",
     "v0.13.0", ("RBC@rhoai-3.3:bundle/additional-images-patch.yaml:41-42; "
                 "MC@rhoai-3.3:config/runtimes/vllm-cpu-x86-template.yaml:25")),
    ("rhoai-3.4", "gaudi",
     "registry.redhat.io/rhaii/vllm-gaudi-rhel9:3.4@sha256:71008b2151586551ec0969ffc5b175f726ed6f6bebee29cdc289549e216609bc",
     "v0.17.1", ("RBC@rhoai-3.4:bundle/additional-images-patch.yaml:39-40; "
                 "MC@rhoai-3.4:config/runtimes/vllm-gaudi-template.yaml:26")),
    ("rhoai-3.5", "amd",
     "registry.redhat.io/rhaii/vllm-rocm-rhel9:3.5.0-1786491157@sha256:3c5d2ead2ec5002060eca315b69fc2970214208e9dfbc8eb4aa3a03ef875f706",
     "v0.24.0", ("RBC@rhoai-3.5:bundle/additional-images-patch.yaml:48-49; "
                 "MC@rhoai-3.5:config/runtimes/vllm/vllm-rocm-template.yaml:26")),
]


@pytest.mark.parametrize("level, accelerator, image, version, source", SHIPPED, ids=lambda v: str(v)[:24])
def test_the_default_image_is_the_one_the_release_ships(level, accelerator, image, version, source):
    """The model's image and runtime version are those of the level's own template for its
    accelerator (source in the parameters)."""
    docs = render(deep_merge({"platform": level, "deploymentMode": "RawDeployment"}, ACCELERATORS[accelerator].values))
    assert objects.runtime_containers(docs)[0]["image"] == image, source
    assert objects.runtime(docs)["metadata"]["annotations"]["opendatahub.io/runtime-version"] == version, source


@pytest.mark.parametrize("level", list(TABLE.levels))
def test_every_default_image_is_pinned_by_digest(level):
    """A floating tag would let one chart version deploy different vLLM builds over time."""
    for accelerator in ACCELERATORS.values():
        docs = render(deep_merge({"platform": level, "deploymentMode": "RawDeployment"}, accelerator.values))
        assert "@sha256:" in objects.runtime_containers(docs)[0]["image"]


def test_multi_node_shows_the_multi_node_templates_runtime_version():
    """The multi-node template has its own runtime version, behind the CUDA one on 3.3.
    Source: MC@rhoai-3.3:config/runtimes/vllm-multinode-template.yaml:26 (v0.9.1.0), vllm-cuda-template.yaml:26 (v0.13.0)."""
    docs = render({"platform": "rhoai-3.3", "servingTopology": "multiNode", "model": {"uri": "pvc://models/m"}})
    assert objects.runtime(docs)["metadata"]["annotations"]["opendatahub.io/runtime-version"] == "v0.9.1.0"


def test_an_accelerator_without_an_image_needs_one_named():
    """No release ships a vLLM image for Intel GPUs, so the chart asks for one rather than running
    the CUDA image on them."""
    intel = {"resources": {"requests": {"nvidia.com/gpu": None, "intel.com/gpu": "1"},
                           "limits": {"nvidia.com/gpu": None, "intel.com/gpu": "1"}}}
    assert "ships no vLLM image for intel.com/gpu" in render_error(intel)
    named = deep_merge(intel, {"image": {"repository": "example.com/vllm-xpu", "tag": "v1"}})
    assert objects.runtime_containers(render(named))[0]["image"] == "example.com/vllm-xpu:v1"
