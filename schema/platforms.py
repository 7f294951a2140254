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


@dataclass(frozen=True)
class Table:
    levels: dict[str, dict]
    crd_sets: dict[str, dict]

    def row(self, level: str) -> dict:
        return self.levels[level]

    def crd_set_of(self, level: str) -> str:
        return self.levels[level]["crdSet"]

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


def with_support_matrix(text: str, table: Table, default: str) -> str:
    """`text` with the block between the README markers replaced by the current support matrix."""
    head, found, rest = text.partition(README_BEGIN)
    _, found_end, tail = rest.partition(README_END)
    if not (found and found_end):
        raise ValueError(f"the README template has no {README_BEGIN!r} ... {README_END!r} block")
    return f"{head}{README_BEGIN}\n{support_matrix(table, default)}\n{README_END}{tail}"
