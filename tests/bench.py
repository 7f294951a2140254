"""`make bench`: how fast the harness is, measured, never asserted by a timed test.

Prints a table and writes it to .cache/bench-report.md:
- helm template of the default values and of the largest scenario (median and spread of 20+ runs),
  beside the floor of starting helm at all (`helm version`);
- a second `tools/build` (everything up to date);
- the local control plane's first and warm start to ready, and KServe's controller on top;
- a fresh install of the vLLM environment and the start of a vLLM server;
- the render-based test suite with memoised renders, against the same suite run the naive way (one
  helm process and one validation per render call), and the targets of the project:
  suite <= 1.5 x (unique renders x median render / cores) and naive / memoised >= 5.
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
# the suite the render cache serves: everything that does not need the local cluster or vLLM
SUITE_SELECTION = ["-m", "not cluster and not vllm"]


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


def run_suite(naive: bool) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VLLM_KSERVE_RENDER_CACHE", "VLLM_KSERVE_NAIVE_RENDER")}
    if naive:
        env["VLLM_KSERVE_NAIVE_RENDER"] = "1"
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "pytest", "-n", "auto", "-q", *SUITE_SELECTION],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the suite failed while being measured:\n{result.stdout[-3000:]}")
    return elapsed, result.stdout


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
    floor = timed([str(BIN / "helm"), "version"])
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
        ("`helm version` (process start floor)", summary(floor)),
        ("`helm template`, default values", summary(default)),
        ("`helm template`, largest scenario", summary(largest)),
        ("`helm3 template`, default values", summary(helm3)),
        ("`helm template` as the harness runs it (GOGC=off), default and largest", summary(harness_renders)),
    ]

    print("==> second tools/build", flush=True)
    rebuild = timed([str(ROOT / "tools" / "build")], runs=3)
    rows.append(("second `make tools` (all up to date)", summary(rebuild)))

    # the suites run first, before the multi-gigabyte vLLM install and the servers disturb the machine
    print("==> test suite, memoised renders", flush=True)
    memo_time, memo_out = run_suite(naive=False)
    tests = int(re.search(r"(\d+) passed", memo_out)[1])
    unique = int(re.search(r"unique helm renders this run: (\d+)", memo_out)[1])
    print("==> test suite, the naive way (one helm process per render call)", flush=True)
    naive_time, _ = run_suite(naive=True)

    print("==> local control plane: cold and warm start, then KServe's controller", flush=True)
    cold_start, warm_start, kserve_start = control_plane_starts()
    rows += [
        ("control plane start, first (certificates made)", f"{cold_start:.1f} s"),
        ("control plane start, warm (target <= 15 s)", f"{warm_start:.1f} s -> {'met' if warm_start <= 15 else 'NOT met'}"),
        ("KServe controller and webhooks on top (target < 60 s)", f"{kserve_start:.1f} s -> {'met' if kserve_start < 60 else 'NOT met'}"),
    ]

    print("==> vLLM: a fresh install of its environment, then a server start", flush=True)
    install, source, start = vllm_figures()
    rows += [
        ("vLLM environment install, fresh venv (no pip cache)", f"{install:.0f} s ({source})"),
        ("vLLM server start to /health (tests' scenario)", f"{start:.1f} s"),
    ]

    median_render = statistics.median(harness_renders)
    budget = 1.5 * unique * median_render / cores
    rows += [
        ("render-based tests / unique helm renders", f"{tests} tests / {unique} renders"),
        ("suite wall time, memoised (pytest -n auto)", f"{memo_time:.1f} s"),
        ("target: 1.5 x unique renders x median render / cores", f"{budget:.1f} s -> {'met' if memo_time <= budget else 'NOT met'}"),
        ("suite wall time, naive", f"{naive_time:.1f} s"),
        ("naive / memoised (target >= 5)", f"{naive_time / memo_time:.1f}x -> {'met' if naive_time / memo_time >= 5 else 'NOT met'}"),
    ]

    table = "| measure | result |\n| --- | --- |\n" + "\n".join(f"| {k} | {v} |" for k, v in rows) + "\n"
    CACHE.mkdir(exist_ok=True)
    (CACHE / "bench-report.md").write_text(f"# vllm-kserve bench, {time.strftime('%Y-%m-%d %H:%M')}\n\n{table}")
    print()
    print(table)
    print(f"written to {(CACHE / 'bench-report.md').relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
