"""Broken copies of the chart, for tests that prove a check fails when the chart goes wrong."""

import shutil
from pathlib import Path

from .paths import CHART


def broken_copy(folder: Path, edits: list[tuple[str, str, str]]) -> Path:
    """The chart copied into `folder` with each (template, old, new) edit applied once; a template that
    no longer holds `old` fails the test, so an edit never silently stops breaking anything."""
    chart = folder / CHART.name
    shutil.copytree(CHART, chart)
    for template, old, new in edits:
        path = chart / "templates" / template
        text = path.read_text()
        assert old in text, f"{old!r} is no longer in {template}; update this test"
        path.write_text(text.replace(old, new, 1))
    return chart
