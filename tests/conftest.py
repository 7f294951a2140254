"""Session plumbing: one render cache for all xdist workers, and a summary of what was covered."""

from __future__ import annotations

import os
import shutil
import tempfile

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
