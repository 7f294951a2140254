"""Session plumbing: one render cache for all xdist workers, the local control plane started on
demand (and stopped at the end if this run started it), and a summary of what was covered."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

from schema import platforms
from tests.harness import controlplane
from tests.harness import render as render_module
from tests.harness.kserve_controller import ensure_kserve
from tests.harness.kube import clients

RUN_ID_ENV = "VLLM_KSERVE_TEST_RUN"
_OWN_CACHE: list[str] = []


def pytest_configure(config):
    # The controller (or a run without xdist) makes the render cache; workers inherit its path.
    if not hasattr(config, "workerinput") and not os.environ.get(render_module.CACHE_ENV):
        folder = tempfile.mkdtemp(prefix="vllm-kserve-renders-")
        os.environ[render_module.CACHE_ENV] = folder
        _OWN_CACHE.append(folder)
    if not hasattr(config, "workerinput"):
        os.environ.setdefault(RUN_ID_ENV, f"pytest-{uuid.uuid4().hex[:8]}")


def pytest_unconfigure(config):
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
    # a control plane this run started goes away with it; one started by hand (make demo) stays
    if not hasattr(config, "workerinput") and controlplane.read_state().get("owner") == os.environ.get(RUN_ID_ENV):
        controlplane.down()
    if not hasattr(config, "workerinput"):
        from tests.harness import vllm

        vllm.stop_owned(os.environ.get(RUN_ID_ENV, ""))


def pytest_collection_modifyitems(session, config, items):
    """Tests that wait on servers go first: the worker holding them (`--dist worksteal` hands each
    worker a run of the list) sits waiting on vLLM loading its model and on the control plane, and
    the others take its queued renders meanwhile, instead of those waits closing the run."""
    def waits(item) -> int:
        return 0 if item.get_closest_marker("vllm") else 1 if item.get_closest_marker("cluster") else 2

    items.sort(key=waits)  # stable: the collection order holds within each group


@pytest.fixture(scope="session")
def control_plane():
    """The local control plane's state; starts it if no one has."""
    try:
        return controlplane.up(owner=os.environ.get(RUN_ID_ENV, "pytest"))
    except controlplane.ClusterError as error:
        pytest.fail(f"the local control plane did not start: {error}")


@pytest.fixture(scope="session")
def kserve_controller(control_plane):
    """The control plane's state once KServe's controller and webhooks run on its upstream level."""
    try:
        return ensure_kserve()
    except controlplane.ClusterError as error:
        pytest.fail(f"KServe's controller did not start: {error}")


@pytest.fixture(scope="session")
def kube(control_plane):
    """A factory of clients for the API server of a platform: kube(level), the default level's
    without one. A level the control plane does not run yet is started on first use."""
    for_level, default = clients(control_plane["levels"]), platforms.default_level()

    def client(platform=default):
        return for_level(platform)

    return client


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.harness.bad_inputs import BAD_INPUTS
    from tests.harness.scenarios import INVALID, MATRIX, VALID

    folder = os.environ.get(render_module.CACHE_ENV)
    cached = list(Path(folder).glob("*.json")) if folder and Path(folder).is_dir() else []
    renders = len([p for p in cached if not p.name.endswith(render_module.VALIDATION_SUFFIX + ".json")])
    terminalreporter.write_sep("-", "coverage")
    terminalreporter.write_line(
        f"option matrix: {len(MATRIX)} combinations ({len(VALID)} render, {len(INVALID)} refused); "
        f"bad inputs: {len(BAD_INPUTS)}; unique helm renders this run: {renders}"
    )
