"""`python -m tests.harness.fuzz [--examples N] [--seconds S]`: the long differential campaign
(tests/harness/differential.py) against the local control plane, with progress; prints how many
value sets were tried, how fast, and the disagreements in each direction, with the first findings.
Exit status 1 when it finds a defect or an unexplained refusal."""

from __future__ import annotations

import argparse
import os
import sys
import time

from hypothesis import HealthCheck, given, seed, settings

from . import controlplane, differential
from .kserve_controller import controllers, ensure_kserve
from .kube import clients


def main() -> int:
    parser = argparse.ArgumentParser(prog="make fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10_000, help="value sets to try (default 10000)")
    parser.add_argument("--seconds", type=float, default=None, help="stop generating after this long")
    parser.add_argument("--seed", type=int, default=None, help="a seed, to repeat a campaign")
    args = parser.parse_args()

    os.environ.setdefault("VLLM_KSERVE_RENDER_CACHE", "")  # each value set is new: no shared cache
    ours = not controlplane.running()  # a control plane started here goes when the campaign ends
    state = controlplane.up(owner="fuzz")
    for controller in controllers():
        ensure_kserve(controller.level)
    kube = clients(state["levels"])

    judgements: list[differential.Judgement] = []
    findings: list[differential.Judgement] = []
    start = time.monotonic()

    @settings(max_examples=args.examples, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(values=differential.values_strategy())
    def one(values):
        if args.seconds is not None and time.monotonic() - start > args.seconds:
            return
        judgement = differential.judge(values, kube)
        judgements.append(judgement)
        if judgement.direction in ("defect", "unexplained"):
            findings.append(judgement)
            print(f"  finding: {judgement.direction} at {judgement.level}: {values}\n"
                  f"    chart: {differential.short(judgement.chart_message) or 'renders'}\n"
                  f"    platform: {differential.short(judgement.platform_message) or 'takes it'}", flush=True)
        if len(judgements) % 25 == 0:
            rate = len(judgements) / (time.monotonic() - start)
            print(f"  {len(judgements)} tried, {rate:.1f}/s, {len(findings)} findings", flush=True)

    if args.seed is not None:
        one = seed(args.seed)(one)
    try:
        one()
    finally:
        if ours:
            controlplane.down()
    elapsed = time.monotonic() - start
    counts = differential.summary(judgements)
    print(f"tried {counts.pop('tried')} value sets in {elapsed:.0f} s ({len(judgements) / elapsed:.2f}/s on "
          f"{os.cpu_count()} cores)")
    for direction in ("agree", "refused-on-purpose", "defect", "unexplained"):
        print(f"  {direction}: {counts.get(direction, 0)}")
    by_class: dict[str, int] = {}
    for judgement in judgements:
        if judgement.direction == "refused-on-purpose":
            for name in differential.refusal_classes(judgement.chart_message):
                by_class[name] = by_class.get(name, 0) + 1
    for name, count in sorted(by_class.items(), key=lambda item: -item[1]):
        print(f"    {name}: {count}")
    for judgement in findings[:10]:
        print(f"- {judgement.direction} at {judgement.level}: values {differential.short(str(judgement.values), 300)}\n"
              f"  chart: {differential.short(judgement.chart_message) or 'renders'}\n"
              f"  platform: {differential.short(judgement.platform_message) or 'takes it'}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
