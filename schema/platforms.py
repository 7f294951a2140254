"""The chart's platform table (charts/vllm-kserve/files/platforms.yaml), read once for everything
that is made from it: the `platform` enum of values.schema.json, the README's support matrix, the
KServe versions whose CRDs `make schemas` converts, and the test harness's levels."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

CHART_DIR = Path(__file__).resolve().parent.parent / "charts" / "vllm-kserve"
TABLE = Path("files") / "platforms.yaml"
README_BEGIN = "<!-- support matrix: made by `make schemas` from files/platforms.yaml -->"
README_END = "<!-- end of support matrix -->"
README_IMAGES_BEGIN = "<!-- images: made by `make schemas` from files/platforms.yaml -->"
README_IMAGES_END = "<!-- end of images -->"
IMAGES_BEGIN = "  # every image the chart can deploy, for mirroring: made by `make schemas` from files/platforms.yaml"


@dataclass(frozen=True)
class Table:
    levels: dict[str, dict]
    crd_sets: dict[str, dict]

    def row(self, level: str) -> dict:
        return self.levels[level]

    def crd_set_of(self, level: str) -> str:
        return self.levels[level]["crdSet"]

    def module_set_of(self, crd_set: str) -> str:
        """The generated set a CRD set is, or a reference set's stand-in: the set of the upstream
        KServe module the level is based on."""
        spec = self.crd_sets[crd_set]
        return crd_set if "module" in spec else spec["standIn"]

    def module_versions(self) -> list[str]:
        """KServe Go module versions whose CRDs are converted into schema/kserve/<version>/."""
        return sorted({s["module"] for s in self.crd_sets.values() if "module" in s})


def load(chart: Path = CHART_DIR) -> Table:
    data = yaml.safe_load((chart / TABLE).read_text())
    return Table(levels=data["levels"], crd_sets=data["crdSets"])


def default_level(chart: Path = CHART_DIR) -> str:
    return yaml.safe_load((chart / "values.yaml").read_text())["platform"]


def _yes(value) -> str:
    return "yes" if value else "no"


def support_matrix(table: Table, default: str) -> str:
    """The README's support matrix: one row per level, in the table's order."""
    lines = [
        ("| `platform` | level | KServe | mode names written | Serverless | auth proxy | auth proxy waits the timeout "
         "| `hf://` | KEDA | multi-node storage | multi-node autoscaler |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, row in table.levels.items():
        modes = row["modes"]
        written = ", ".join(m["writes"] for m in (modes.get("serverless"), modes["raw"]) if m)
        multi = row["multiNode"]
        schemes = ", ".join(f"`{s}://`" for s in multi["schemes"])
        label = f"`{name}`" + (" (default)" if name == default else "")
        waits = "n/a" if row["authProxyTimeout"] is None else _yes(row["authProxyTimeout"])
        lines.append(
            f"| {label} | {row['title']} | {row['kserve']} | {written} | {_yes(modes.get('serverless'))} "
            f"| {row['authProxy']} | {waits} | {_yes(row['storage']['hf'])} | {_yes(row['keda'])} | {schemes} "
            f"| `{multi['autoscalerClass']}` |")
    return "\n".join(lines)


def image_matrix(table: Table) -> str:
    """The README's image table: each level's image and runtime version per accelerator."""
    lines = ["| `platform` | NVIDIA GPU | AMD GPU | Intel Gaudi | CPU | IBM Spyre |", "| --- | --- | --- | --- | --- | --- |"]

    def cell(image: dict, versions: str) -> str:
        tag = f":{image['tag']}" if image.get("tag") else ""
        return f"`{image['repository']}{tag}@{image['digest'][:19]}…` ({versions})"

    for name, row in table.levels.items():
        cells = [cell(row["images"][key], row["images"][key]["runtimeVersion"]) for key in ("cuda", "rocm", "gaudi", "cpu")]
        if spyre := row.get("spyre"):
            versions = ", ".join(f"{a['runtimeVersion']} {arch}" for arch, a in spyre["architectures"].items())
            cells.append(cell(spyre["image"], versions))
        else:
            cells.append("none")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _with_block(text: str, begin: str, end: str, body: str) -> str:
    head, found, rest = text.partition(begin)
    _, found_end, tail = rest.partition(end)
    if not (found and found_end):
        raise ValueError(f"the README template has no {begin!r} ... {end!r} block")
    return f"{head}{begin}\n{body}\n{end}{tail}"


def with_support_matrix(text: str, table: Table, default: str) -> str:
    """`text` with the README's generated blocks (the support matrix, the image table) made anew."""
    text = _with_block(text, README_BEGIN, README_END, support_matrix(table, default))
    return _with_block(text, README_IMAGES_BEGIN, README_IMAGES_END, image_matrix(table))


def image_reference(image: dict) -> str:
    """repository[:tag]@digest of an image entry of the table."""
    tag = f":{image['tag']}" if image.get("tag") else ""
    return f"{image['repository']}{tag}@{image['digest']}"


def vllm_images(table: Table) -> list[tuple[str, str]]:
    """(name, reference) of every vLLM image the table names, once each, in the table's order."""
    seen: dict[str, str] = {}
    for level, row in table.levels.items():
        for accelerator, image in row["images"].items():
            if isinstance(image, dict):
                seen.setdefault(image_reference(image), f"vllm-{accelerator}-{level}")
        if row.get("spyre"):
            seen.setdefault(image_reference(row["spyre"]["image"]), f"vllm-spyre-{level}")
    return [(name, reference) for reference, name in seen.items()]


def with_artifacthub_images(chart_yaml: str, table: Table, extra: list[tuple[str, str]]) -> str:
    """Chart.yaml with its artifacthub.io/images annotation listing the table's vLLM images and
    `extra` (the test image, the default modelcar), replacing the block after IMAGES_BEGIN."""
    head, found, rest = chart_yaml.partition(IMAGES_BEGIN)
    if not found:
        raise ValueError(f"Chart.yaml has no {IMAGES_BEGIN.strip()!r} line")
    lines = rest.splitlines(keepends=True)
    # lines[0] ends the marker line, lines[1] is the annotation key, its entries follow indented
    end = 2
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    entries = "".join(f"    - name: {name}\n      image: {reference}\n" for name, reference in vllm_images(table) + extra)
    return f"{head}{IMAGES_BEGIN}\n  artifacthub.io/images: |\n{entries}{''.join(lines[end:])}"
