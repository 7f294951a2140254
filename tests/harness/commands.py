"""Helm commands written in Markdown (the seed README, the generated chart README), made runnable.

A command is taken from a fenced code block, continuation lines joined, and split the way a POSIX
shell would split it. `as_template` turns `helm upgrade -i NAME CHART FLAGS...` (or
`helm template ...`) into the arguments of an offline `helm template` of the local chart with the
same flags, which is how documentation is executed here.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from .paths import SEED_README

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
HELM_COMMAND = re.compile(r"^\s*helm (upgrade|template|install)\b")


@dataclass
class Command:
    text: str
    line: int

    @property
    def argv(self) -> list[str]:
        return shlex.split(self.text)


def helm_commands(markdown: str) -> list[Command]:
    """Every `helm upgrade|install|template` command in the fenced blocks, continuations joined."""
    found = []
    for block in FENCE.finditer(markdown):
        start_line = markdown.count("\n", 0, block.start()) + 2
        lines = block.group(1).splitlines()
        i = 0
        while i < len(lines):
            if HELM_COMMAND.match(lines[i]):
                first = i
                text = lines[i]
                while text.rstrip().endswith("\\") and i + 1 < len(lines):
                    i += 1
                    text = text.rstrip()[:-1] + " " + lines[i].strip()
                found.append(Command(text.rstrip().rstrip("\\").strip(), start_line + first))
            i += 1
    return found


def as_template(argv: list[str], chart: Path) -> tuple[str, list[str]]:
    """(release, flags) of a documented helm command, with its chart reference replaced by `chart`."""
    if argv[:2] not in (["helm", "upgrade"], ["helm", "template"], ["helm", "install"]):
        raise ValueError(f"not a helm install command: {argv}")
    rest = [a for a in argv[2:] if a not in ("-i", "--install")]
    positional = []
    flags = []
    i = 0
    while i < len(rest):
        arg = rest[i]
        if arg.startswith("-"):
            flags.append(arg)
            if "=" not in arg and arg in ("--set", "--set-string", "--set-file", "--values", "-f", "--namespace", "-n",
                                          "--version", "--keyring"):
                flags.append(rest[i + 1])
                i += 1
        else:
            positional.append(arg)
        i += 1
    if len(positional) != 2:
        raise ValueError(f"expected a release name and a chart in {argv}, got {positional}")
    release, _chart_reference = positional
    # Flags about fetching a chart (its version, signature, transport) do not apply to the local chart.
    cleaned = []
    skip = False
    for flag in flags:
        if skip:
            skip = False
            continue
        if flag in ("--version", "--keyring"):
            skip = True
            continue
        if flag in ("--verify", "--plain-http"):
            continue
        cleaned.append(flag)
    return release, cleaned


PLACEHOLDERS = {
    '{{ template "chart.name" . }}': "vllm-kserve",
    "[release-name]": "my-vllm",
    "{pvc-name}": "my-pvc",
    "{model-folder}": "granite",
}


def seed_commands() -> list[Command]:
    """The seed README's helm commands, its placeholders filled with example names (none without it)."""
    text = SEED_README.read_text() if SEED_README.exists() else ""
    for placeholder, example in PLACEHOLDERS.items():
        text = text.replace(placeholder, example)
    return helm_commands(text)
