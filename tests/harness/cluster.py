"""A real Kubernetes control plane on 127.0.0.1, built from pinned Go modules: etcd, and one
kube-apiserver plus kube-controller-manager per CRD set of the chart's platform table (each with
that set's CRDs, sharing etcd under its own key prefix), and on the set generated from the KServe
version tools/kserve builds, KServe's own controller and admission webhooks. No kubelet or
scheduler: objects are stored, validated, defaulted, reconciled, authorised and garbage-collected
for real, but no pod ever runs.

    .venv/bin/python -m tests.harness.cluster up [--with-kserve]
                                              start (or confirm it is running), print the kubeconfig;
                                              --with-kserve also starts KServe's controller
    python3 -m tests.harness.cluster down     stop every process and drop the cluster's data
    python3 -m tests.harness.cluster status   say what runs

`up` reads the platform table, so it needs the harness's virtualenv (PyYAML); `down` and `status`
need only the standard library. The openssl command makes the certificates. All state lives in
.cache/cluster (certificates are kept between runs, data is not).
"""

from __future__ import annotations

import sys

# The command line, and the names test modules take from here; the work is done in controlplane
# (lifecycle, state, kubeconfig), kserve_controller, pki and processes.
from .controlplane import KUBECONFIG, ClusterError, down, ensure_level, read_state, running, status, tail, up
from .kserve_controller import controller_for, ensure_kserve
from .processes import listening_addresses

__all__ = ["KUBECONFIG", "ClusterError", "controller_for", "down", "ensure_kserve", "ensure_level", "listening_addresses", "main",
           "read_state", "running", "status", "tail", "up"]


def log(message: str) -> None:
    print(message, flush=True)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "status"
    try:
        if command == "up":
            was_running = running()
            state = up()
            log("the local control plane was already running" if was_running
                else f"==> local control plane ready in {state['seconds_to_ready']}s")
            if "--with-kserve" in argv:
                had_kserve = "kserve-manager" in state["pids"]
                state = ensure_kserve()
                if not had_kserve:
                    log(f"==> KServe controller and webhooks ready in {state['kserve_seconds_to_ready']}s")
            log(status())
        elif command == "down":
            down()
            log("==> local control plane stopped; no process left")
        elif command == "status":
            log(status())
        else:
            log(__doc__)
            return 2
    except ClusterError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader (say, `| head`) has seen enough
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
