"""Session plumbing: one render cache for all xdist workers, and a summary of what was covered."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from tests.harness import render as render_module

_OWN_CACHE: list[str] = []


def pytest_configure(config):
    # The controller (or a run without xdist) makes the render cache; workers inherit its path.
    if not hasattr(config, "workerinput") and not os.environ.get(render_module.CACHE_ENV):
        folder = tempfile.mkdtemp(prefix="vllm-kserve-renders-")
        os.environ[render_module.CACHE_ENV] = folder
        _OWN_CACHE.append(folder)


def pytest_unconfigure(config):
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    from tests.harness.scenarios import INVALID, MATRIX, VALID
    from tests.test_bad_inputs import BAD_INPUTS

    folder = os.environ.get(render_module.CACHE_ENV)
    renders = len(list(Path(folder).glob("*.json"))) if folder and Path(folder).is_dir() else 0
    terminalreporter.write_sep("-", "coverage")
    terminalreporter.write_line(
        f"option matrix: {len(MATRIX)} combinations ({len(VALID)} render, {len(INVALID)} refused); "
        f"bad inputs: {len(BAD_INPUTS)}; unique helm renders this run: {renders}"
    )
