"""Platform rules of IBM Spyre: from OpenShift AI 3.0 each release ships a vLLM Spyre image and one
Spyre ServingRuntime template per node architecture (x86 and s390x; ppc64le from 3.3). A model that
requests a Spyre device gets that image and the settings of the template for its architecture:
its env, the setup script s390x sources before vLLM on 3.0 to 3.3, and the writable compiled-model
cache x86 mounts from 3.3. The expected values are read from the release branches (cited per case),
not from the platform table the chart renders from, so a wrong row fails here.

Sources: red-hat-data-services/odh-model-controller (MC) branches rhoai-3.0 a27ba4e7, 3.3
dc86dc52, 3.4 0a722eec, 3.5 8df08b9e: config/runtimes/vllm-spyre-{x86,s390x,ppc64le}-template.yaml
(config/runtimes/vllm/ on 3.5); red-hat-data-services/RHOAI-Build-Config (RBC) branches rhoai-3.0
e927780dce, 3.3 f5fd3889e7, 3.4 c5f043366b, 3.5 294d62e743: bundle/additional-images-patch.yaml,
whose RELATED_IMAGE_*_SPYRE_IMAGE the operator writes into those templates.
"""

from __future__ import annotations

import pytest

from tests.harness import objects
from tests.harness.broken import broken_copy
from tests.harness.render import render, render_error
from tests.harness.scenarios import accelerator_values, levels_where

SETUP = "source /etc/profile.d/ibm-aiu-setup.sh"
PF = {"FLEX_COMPUTE": "SENTIENT", "FLEX_DEVICE": "PF", "TOKENIZERS_PARALLELISM": "false", "DTLOG_LEVEL": "error",
      "TORCH_SENDNN_LOG": "CRITICAL", "VLLM_SPYRE_WARMUP_BATCH_SIZES": "4", "VLLM_SPYRE_WARMUP_PROMPT_LENS": "1024",
      "VLLM_SPYRE_WARMUP_NEW_TOKENS": "256"}
VF = {"FLEX_DEVICE": "VF", "TOKENIZERS_PARALLELISM": "false", "DTLOG_LEVEL": "error", "TORCH_SENDNN_LOG": "CRITICAL",
      "VLLM_SPYRE_USE_CB": "1", "VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS": "1", "TORCH_SENDNN_CACHE_ENABLE": "1"}
PF_33 = {**PF, "VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS": "0"}


def spyre(level: str, device: str, architecture: str | None = None, **more) -> dict:
    values = {**accelerator_values(f"ibm.com/spyre_{device}", toleration=False),
              "platform": level, "deploymentMode": "RawDeployment", "tolerations": None, **more}
    if architecture:
        values["nodeSelector"] = {"kubernetes.io/arch": architecture}
    return values


SHIPPED = [
    # level, device, node architecture (None: the device's own), image, runtime version, env,
    # sources the setup script, compiled-model cache, source
    ("rhoai-3.0", "pf", None,
     "registry.redhat.io/rhaiis/vllm-spyre-rhel9:3.2.5@sha256:80ae3e435a5be2c1f117f36599103ab05357917dd6e37f0df6613cb3ac2c13ea",
     "v0.11.0", PF, False, None,
     ("RBC@rhoai-3.0:bundle/additional-images-patch.yaml:30-31; "
     "MC@rhoai-3.0:config/runtimes/vllm-spyre-x86-template.yaml:26,41-60")),
    ("rhoai-3.0", "vf", None,
     "registry.redhat.io/rhaiis/vllm-spyre-rhel9:3.2.5@sha256:80ae3e435a5be2c1f117f36599103ab05357917dd6e37f0df6613cb3ac2c13ea",
     "v0.10.2.0", VF, True, None,
     ("RBC@rhoai-3.0:bundle/additional-images-patch.yaml:32-33; "
     "MC@rhoai-3.0:config/runtimes/vllm-spyre-s390x-template.yaml:26,37-40,46-63")),
    ("rhoai-3.3", "pf", "amd64",
     "registry.redhat.io/rhaiis/vllm-spyre-rhel9:3.3.5-1782352919@sha256:45e641b46b4e3413057220a410e7397faaa4755aa391c7a096906e8a08fd6e9c",
     "v0.12.0", PF_33, False, "/opt/ibm/spyre/models",
     ("RBC@rhoai-3.3:bundle/additional-images-patch.yaml:34-35; "
     "MC@rhoai-3.3:config/runtimes/vllm-spyre-x86-template.yaml:26,41-62,65-67")),
    ("rhoai-3.3", "pf", "ppc64le",
     "registry.redhat.io/rhaiis/vllm-spyre-rhel9:3.3.5-1782352919@sha256:45e641b46b4e3413057220a410e7397faaa4755aa391c7a096906e8a08fd6e9c",
     "v0.11.0", {}, False, None, "MC@rhoai-3.3:config/runtimes/vllm-spyre-ppc64le-template.yaml:26,41-44 (HF_HOME only)"),
    ("rhoai-3.3", "vf", "s390x",
     "registry.redhat.io/rhaiis/vllm-spyre-rhel9:3.3.5-1782352919@sha256:45e641b46b4e3413057220a410e7397faaa4755aa391c7a096906e8a08fd6e9c",
     "v0.12.0", VF, True, None, "MC@rhoai-3.3:config/runtimes/vllm-spyre-s390x-template.yaml:26,37-40,46-63"),
    ("rhoai-3.4", "vf", None,
     "registry.redhat.io/rhaii/vllm-spyre-rhel9:3.4@sha256:17df7c3c52508a990bc5bdc75ae78284e15d17d0e83a15dadf3ec2787cfc6ab2",
     "v0.18.0", VF, False, None,
     ("RBC@rhoai-3.4:bundle/additional-images-patch.yaml:44-45; "
     "MC@rhoai-3.4:config/runtimes/vllm-spyre-s390x-template.yaml:26,41-58 "
     "(no command)")),
    ("rhoai-3.5", "pf", None,
     "registry.redhat.io/rhaii/vllm-spyre-rhel9:3.5.0-1786473960@sha256:4bfee184fabace5020cfb2d9fa8c581ecf3d69e07583a0f333ea518604d5fc74",
     "v0.24.0", PF_33, False, "/opt/ibm/spyre/models",
     ("RBC@rhoai-3.5:bundle/additional-images-patch.yaml:53-54; "
     "MC@rhoai-3.5:config/runtimes/vllm/vllm-spyre-x86-template.yaml:26,41-62,65-67")),
]


@pytest.mark.parametrize("level, device, architecture, image, version, env, setup, cache, source", SHIPPED,
                         ids=[f"{c[0]}-{c[1]}-{c[2] or 'default'}" for c in SHIPPED])
def test_a_spyre_model_runs_what_the_release_ships_for_its_architecture(level, device, architecture, image,
                                                                       version, env, setup, cache, source):
    """The image, dashboard runtime version, env, command and volumes of the release's Spyre
    template for the device and architecture (source in the parameters). HF_HOME is left out: the
    chart points every cache at its own volume."""
    docs = render(spyre(level, device, architecture))
    container = objects.runtime_containers(docs)[0]
    runtime = objects.runtime(docs)
    assert container["image"] == image, source
    assert runtime["metadata"]["annotations"]["opendatahub.io/runtime-version"] == version, source
    assert runtime["metadata"]["annotations"]["opendatahub.io/recommended-accelerators"] == f'["ibm.com/spyre_{device}"]'
    given = objects.env_of(container)
    assert {k: given[k] for k in given if k in {**PF_33, **VF}} == env, source
    command = " ".join(container["command"])
    ending = 'vllm.entrypoints.openai.api_server "$@" --' if setup else "vllm.entrypoints.openai.api_server"
    assert (SETUP in command) == setup and command.endswith(ending), source
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts.get("spyre-cache") == cache, source
    if cache:
        assert {"name": "spyre-cache", "emptyDir": {}} in runtime["spec"]["volumes"]


def test_the_check_finds_a_row_that_drops_a_setting_or_the_setup_script(tmp_path):
    """The checks above read the chart's output against the release's templates: a table whose
    rows lose a Spyre setting or the s390x setup script renders what they reject."""
    chart = broken_copy(tmp_path, [
        ("../files/platforms.yaml", ', {name: VLLM_SPYRE_WARMUP_NEW_TOKENS, value: "256"}', ""),
        ("../files/platforms.yaml", "setupScript: /etc/profile.d/ibm-aiu-setup.sh", "setupScript: null"),
    ])
    pf = objects.env_of(objects.runtime_containers(render(spyre("rhoai-3.0", "pf"), chart=chart))[0])
    assert {k: pf[k] for k in pf if k in PF} != PF
    vf = objects.runtime_containers(render(spyre("rhoai-3.0", "vf"), chart=chart))[0]
    assert SETUP not in " ".join(vf["command"])


def test_the_users_env_overrides_a_spyre_setting_by_name():
    """KServe merges the InferenceService's env over the runtime's by name, the InferenceService
    winning; so model.env tunes a Spyre setting without the chart refusing or duplicating it."""
    docs = render(spyre("rhoai-3.5", "pf", model={"env": [{"name": "VLLM_SPYRE_WARMUP_BATCH_SIZES", "value": "8"}]}))
    assert objects.env_of(objects.runtime_containers(docs)[0])["VLLM_SPYRE_WARMUP_BATCH_SIZES"] == "4"
    assert objects.env_of(objects.model_spec(docs))["VLLM_SPYRE_WARMUP_BATCH_SIZES"] == "8"


@pytest.mark.parametrize("level", levels_where(lambda row: row["spyre"]))
def test_an_architecture_without_a_template_for_the_device_is_refused(level):
    """The PF device is served on x86 (and ppc64le from 3.3), the VF device on s390x: on s390x the
    release has no template for the PF device, so the chart would have no settings to give it."""
    error = render_error(spyre(level, "pf", "s390x"))
    assert "ibm.com/spyre_pf on s390x nodes" in error and "nodeSelector.kubernetes\\.io/arch" in error


@pytest.mark.parametrize("level", levels_where(lambda row: row["spyre"]))
def test_multi_node_spyre_is_refused(level):
    """No release ships a multi-node Spyre template (MC@rhoai-3.5:config/runtimes/vllm/: only
    vllm-multinode-template.yaml, for nvidia.com/gpu)."""
    values = spyre(level, "vf", servingTopology="multiNode", model={"uri": "pvc://models/granite"})
    assert "ships no multi-node runtime for IBM Spyre" in render_error(values)


@pytest.mark.parametrize("level", levels_where(lambda row: not row["spyre"]))
def test_a_level_without_spyre_asks_for_an_image(level):
    """Before OpenShift AI 3.0, and on upstream KServe, no vLLM Spyre image ships."""
    assert "ships no vLLM image for ibm.com/spyre_pf" in render_error(spyre(level, "pf"))
