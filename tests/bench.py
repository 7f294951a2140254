"""`make bench`: how fast the harness is, measured, never asserted by a timed test.

Prints a table and writes it to .cache/bench-report.md:
- helm template of the default values and of the largest scenario (median and spread of 20+ runs),
  beside the floor of starting helm at all (`helm version`);
- a second `tools/build` (everything up to date);
- the local control plane's first and warm start to ready, and KServe's controller on top;
- a fresh install of the vLLM environment and the start of a vLLM server;
- `make test-render` (the render suite: everything that needs neither the control plane nor vLLM),
  against its targets: <= 1.5 x the process floor (distinct renders x median `helm version` / cores)
  and <= 60 s; with what else costs time, per render: helm itself, parsing, schema validation;
- a warm `make test` (lint and every test), against its target of 4 minutes;
- with BENCH_COLD=1 also a fresh clone's first `make demo` and then `make test`, with empty Go and
  pip caches (slow: it builds every tool and downloads every module again).
"""

from __future__ import annotations

import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.harness.paths import BIN, CACHE, CHART, ROOT
from tests.harness.render import HELM_ENV, KUBE_VERSION, helm_template_args, run_helm_template
from tests.harness.scenarios import CI_VALUES, MATRIX

RUNS = int(os.environ.get("BENCH_RUNS", "25"))
COLD = os.environ.get("BENCH_COLD") == "1"
# the environment a timed make runs in: no render cache or cluster of an outer run leaks in
CLEAN_ENV = {k: v for k, v in os.environ.items()
             if k not in ("VLLM_KSERVE_RENDER_CACHE", "PYTEST_ARGS", "MAKEFLAGS", "MAKELEVEL")}


def timed(args, stdin=None, runs=RUNS, env=None) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(args, input=stdin, capture_output=True, text=True, env=env, check=True)
        samples.append(time.perf_counter() - started)
    return samples


def summary(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    return f"{statistics.median(ms):.0f} ms (min {ms[0]:.0f}, max {ms[-1]:.0f}, n={len(ms)})"


def largest_scenario() -> dict:
    candidates = [{"values_files": [p]} for p in CI_VALUES] + [{"values": c.values} for c in MATRIX]
    sizes = []
    for scenario in candidates:
        _, code, out, _ = run_helm_template(**scenario)
        if code == 0:
            sizes.append((len(out), scenario))
    return max(sizes, key=lambda item: item[0])[1]


def timed_make(target: str, cwd: Path = ROOT, env: dict | None = None) -> tuple[float, str]:
    """Wall time and output of `make <target>`; a failure stops the bench."""
    started = time.perf_counter()
    result = subprocess.run(["make", target], cwd=cwd, env=env or CLEAN_ENV, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"`make {target}` failed while being measured:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    return elapsed, result.stdout


def render_costs(samples: int = 40) -> dict[str, float]:
    """Median seconds per render of each part the harness pays for: the helm process, parsing its
    output, and validating the documents against their schemas, over a sample of the matrix."""
    from tests.harness import schemas
    from tests.harness.render import parse
    from tests.harness.scenarios import VALID

    parts: dict[str, list[float]] = {"helm": [], "parse": [], "validate": []}
    step = max(1, len(VALID) // samples)
    for combo in VALID[::step]:
        args, stdin = helm_template_args(combo.values, (), (), helm="helm", chart=CHART, release="my-vllm",
                                         namespace="default", kube_version=KUBE_VERSION, extra=[])
        started = time.perf_counter()
        out = subprocess.run(args, input=stdin, capture_output=True, text=True, env=HELM_ENV, check=True).stdout
        parsed = time.perf_counter()
        docs = parse(out)
        validated = time.perf_counter()
        schemas.validate_documents(docs, combo.platform)
        done = time.perf_counter()
        parts["helm"].append(parsed - started)
        parts["parse"].append(validated - parsed)
        parts["validate"].append(done - validated)
    return {name: statistics.median(values) for name, values in parts.items()}


def fresh_clone_times() -> tuple[float, float]:
    """A fresh clone's first `make demo`, then its `make test`, with empty Go module, Go build and
    pip caches of their own (so nothing built or downloaded before is reused)."""
    with tempfile.TemporaryDirectory(prefix="vllm-kserve-cold-") as folder:
        clone = Path(folder) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        env = {**CLEAN_ENV, "GOMODCACHE": f"{folder}/gomod", "GOCACHE": f"{folder}/gobuild",
               "PIP_CACHE_DIR": f"{folder}/pip", "VLLM_KSERVE_CLUSTER_DIR": f"{folder}/cluster"}
        demo, _ = timed_make("demo", cwd=clone, env=env)
        subprocess.run(["make", "cluster-down"], cwd=clone, env=env, check=False, capture_output=True)
        test, _ = timed_make("test", cwd=clone, env=env)
        subprocess.run(["chmod", "-R", "u+w", folder], check=False)  # the Go module cache is read-only
        return demo, test


def control_plane_starts() -> tuple[float, float, float]:
    """Seconds to ready of a separate control plane: first start, a restart with certificates kept,
    and KServe's controller and webhooks added to the warm one."""
    with tempfile.TemporaryDirectory(prefix="vllm-kserve-bench-") as folder:
        env = {**os.environ, "VLLM_KSERVE_CLUSTER_DIR": str(Path(folder) / "cluster")}
        times = []
        for with_kserve in (False, True):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "tests.harness.cluster", "up"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
            times.append(time.perf_counter() - started)
            if with_kserve:
                up = subprocess.run([sys.executable, "-m", "tests.harness.cluster", "up", "--with-kserve"], cwd=ROOT,
                                    env=env, check=True, capture_output=True, text=True).stdout
                times.append(float(re.search(r"KServe controller and webhooks ready in ([\d.]+)s", up)[1]))
            subprocess.run([sys.executable, "-m", "tests.harness.cluster", "down"], cwd=ROOT, env=env, check=True,
                           capture_output=True)
        return times[0], times[1], times[2]


def vllm_figures() -> tuple[float, str, float]:
    """(seconds to install the vLLM environment afresh, where torch came from, seconds from launch to
    /health for the tests' scenario)."""
    from tests.harness import vllm
    from tests.harness.render import render
    from tests.test_vllm import SCENARIO

    with tempfile.TemporaryDirectory(prefix="vllm-kserve-bench-") as folder:
        started = time.perf_counter()
        subprocess.run([str(ROOT / "tools" / "vllm-env")], cwd=ROOT, env={**os.environ, "VLLM_ENV_DIR": f"{folder}/venv"},
                       check=True, capture_output=True)
        install = time.perf_counter() - started
        source = (Path(folder) / "venv" / "torch-source").read_text().strip()
    launch = vllm.launch_for(render(SCENARIO))
    vllm.stop_owned(None, key=launch.key)  # one left running would be reused, its old start time reported
    server = vllm.ensure_server(launch, owner="bench")
    vllm.stop_owned("bench")
    return install, source, server.seconds_to_ready


def write_report(rows: list[tuple[str, str]]) -> None:
    table = "| measure | result |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"
    CACHE.mkdir(exist_ok=True)
    (CACHE / "bench-report.md").write_text(f"# vllm-kserve bench, {time.strftime('%Y-%m-%d %H:%M')}\n\n{table}")
    print()
    print(table)
    print(f"written to {(CACHE / 'bench-report.md').relative_to(ROOT)}", flush=True)


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"^model name\s*:\s*(.+)$", cpuinfo.read_text(), re.M)
        cpu = found[1] if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text())[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    return f"{os.cpu_count()} cores ({cpu}){memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> int:
    cores = os.cpu_count() or 1
    rows: list[tuple[str, str]] = [("machine", machine())]
    print("==> helm start floor and template renders", flush=True)
    floor_samples = timed([str(BIN / "helm"), "version"])
    default_args, _ = helm_template_args(None, (), (), helm="helm", chart=CHART, release="my-vllm",
                                         namespace="default", kube_version=KUBE_VERSION, extra=[])
    default = timed(default_args)
    big = largest_scenario()
    big_args, big_stdin = helm_template_args(big.get("values"), (), big.get("values_files", ()), helm="helm",
                                             chart=CHART, release="my-vllm", namespace="default",
                                             kube_version=KUBE_VERSION, extra=[])
    largest = timed(big_args, big_stdin)
    helm3 = timed([a.replace(str(BIN / "helm"), str(BIN / "helm3")) if i == 0 else a for i, a in enumerate(default_args)])
    # what the harness runs: the same command with the garbage collector off (see render.HELM_ENV)
    harness_renders = timed(default_args, env=HELM_ENV) + timed(big_args, big_stdin, env=HELM_ENV)
    rows += [
        ("`helm version` (process start floor)", summary(floor_samples)),
        ("`helm template`, default values", summary(default)),
        ("`helm template`, largest scenario", summary(largest)),
        ("`helm3 template`, default values", summary(helm3)),
        ("`helm template` as the harness runs it (GOGC=off), default and largest", summary(harness_renders)),
    ]

    print("==> second tools/build", flush=True)
    rebuild = timed([str(ROOT / "tools" / "build")], runs=3)
    rows.append(("second `make tools` (all up to date)", summary(rebuild)))

    # the suites run first, before the multi-gigabyte vLLM install and the servers disturb the machine
    print("==> make test-render (warm)", flush=True)
    timed_make("test-render")  # a first run builds what is missing; the second is the warm figure
    render_time, render_out = timed_make("test-render")
    tests = int(re.search(r"(\d+) passed", render_out)[1])
    unique = int(re.search(r"unique helm renders this run: (\d+)", render_out)[1])
    print("==> what one render costs: helm, parsing, validation", flush=True)
    costs = render_costs()

    print("==> local control plane: cold and warm start, then KServe's controller", flush=True)
    cold_start, warm_start, kserve_start = control_plane_starts()
    rows += [
        ("control plane start, first (certificates made)", f"{cold_start:.1f} s"),
        ("control plane start, warm (target <= 15 s)", f"{warm_start:.1f} s -> {'met' if warm_start <= 15 else 'NOT met'}"),
        ("KServe controller and webhooks on top (target < 60 s)",
         f"{kserve_start:.1f} s -> {'met' if kserve_start < 60 else 'NOT met'}"),
    ]

    print("==> vLLM: a fresh install of its environment, then a server start", flush=True)
    install, source, start = vllm_figures()
    rows += [
        ("vLLM environment install, fresh venv (no pip cache)", f"{install:.0f} s ({source})"),
        ("vLLM server start to /health (tests' scenario)", f"{start:.1f} s"),
    ]

    print("==> make test (warm)", flush=True)
    timed_make("test")  # the control plane and vLLM server left from a first run make the second warm
    test_time, test_out = timed_make("test")
    all_tests = int(re.search(r"(\d+) passed", test_out)[1])

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    floor = unique * statistics.median(floor_samples) / cores
    costs_line = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in costs.items())
    spent = unique * sum(costs.values()) / cores
    rows += [
        ("render suite: tests / distinct helm renders", f"{tests} tests / {unique} renders"),
        ("process floor: distinct renders x median `helm version` / cores", f"{floor:.1f} s"),
        ("`make test-render`, warm (targets: <= 1.5 x floor, <= 60 s)",
         (f"{render_time:.1f} s = {render_time / floor:.2f} x floor -> {verdict(render_time <= 1.5 * floor)}, "
          f"{verdict(render_time <= 60)}")),
        ("one render, median: helm process, parsing, validation", costs_line),
        ("renders x (helm + parse + validate) / cores; the rest is pytest and its workers",
         f"{spent:.1f} s of {render_time:.1f} s"),
        ("`make test`, warm (target <= 4 min)", f"{test_time / 60:.1f} min ({all_tests} tests) -> {verdict(test_time <= 240)}"),
    ]
    write_report(rows)
    if COLD:
        print("==> fresh clone with empty caches: make demo, then make test", flush=True)
        demo, test = fresh_clone_times()
        rows += [("fresh clone, empty Go and pip caches: first `make demo`", f"{demo / 60:.1f} min"),
                 ("the same clone's first `make test` after it", f"{test / 60:.1f} min")]

    write_report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
