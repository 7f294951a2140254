"""Local server processes for the tests: start one with a log of its own, wait for it with `poll`,
see what it listens on, and stop it with everything it forked. Everything binds 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# after SIGKILL only a process stuck in the kernel lingers; waiting longer would not help
KILL_TIMEOUT = 30


class PollError(RuntimeError):
    """What `poll` raises, unless the caller names its own error class."""


def poll(predicate: Callable[[], T], timeout: float, interval: float = 0.2, *, what: str,
         process: subprocess.Popen | int | None = None, retry_on: tuple[type[BaseException], ...] = (),
         on_timeout: Callable[[], str] | None = None, error: type[Exception] = PollError) -> T:
    """Call `predicate` every `interval` seconds until it returns something truthy, and return that.

    what:       the awaited condition, for the error ("etcd to answer http://127.0.0.1:2379/health")
    process:    a Popen or pid that must stay alive meanwhile; when it exits the wait fails at once
                rather than sitting out the timeout
    retry_on:   exceptions of `predicate` that only mean "not yet"; the last one is reported
    on_timeout: more detail for the error (say, the end of a log), read only when the wait fails
    error:      the exception class to raise, so callers keep their own (ClusterError, LaunchError)
    """
    deadline = time.monotonic() + timeout
    last: BaseException | None = None
    while True:
        exited = _exit_status(process)
        if exited:
            raise error(_failure(f"gave up waiting for {what}: {exited}", on_timeout))
        try:
            result = predicate()
        except retry_on as problem:
            last, result = problem, None
        if result:
            return result
        if time.monotonic() >= deadline:
            reason = f" (last error: {last})" if last else ""
            raise error(_failure(f"timed out after {timeout:g}s waiting for {what}{reason}", on_timeout))
        time.sleep(interval)


def _exit_status(process: subprocess.Popen | int | None) -> str:
    """How the watched process ended, or "" while it runs."""
    if isinstance(process, subprocess.Popen):
        code = process.poll()
        return "" if code is None else f"process {process.pid} exited with status {code}"
    if process is not None and not alive(process):
        return f"process {process} exited"
    return ""


def _failure(message: str, on_timeout: Callable[[], str] | None) -> str:
    return f"{message}\n{on_timeout()}" if on_timeout else message


def answers(url: str, context: ssl.SSLContext | None = None, timeout: float = 2) -> bool:
    """Whether `url` answers 200; raises OSError while nothing listens (for poll's retry_on)."""
    with urllib.request.urlopen(url, timeout=timeout, context=context) as response:
        return response.status == 200


# --- starting and stopping ------------------------------------------------------------------------

def log_file(name: str, folder: Path) -> Path:
    return folder / f"{name}.log"


def start(name: str, args: list[str], folder: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `args` in `folder`, output to `folder`/<name>.log, in a process group of its own (so
    stop_pids reaches what it forks) and detached from the terminal's signals and input."""
    with open(log_file(name, folder), "wb") as log:  # the child has its own copy of the descriptor
        return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, cwd=folder, env=env)


def tail(name: str, folder: Path, lines: int = 25) -> str:
    path = log_file(name, folder)
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie, exited but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(FileNotFoundError):
        if Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z":
            return False
    return True


def stop_pids(pids: Iterable[int], grace: float) -> None:
    """SIGTERM each process group, SIGKILL what is still there after `grace` seconds, and wait."""
    pids = list(pids)

    def signal_all(sig: signal.Signals) -> None:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, sig)

    def all_gone() -> bool:
        return not any(alive(pid) for pid in pids)

    signal_all(signal.SIGTERM)
    with contextlib.suppress(PollError):  # past the grace period, SIGKILL settles it
        poll(all_gone, grace, 0.05, what=f"processes {pids} to end on SIGTERM")
    signal_all(signal.SIGKILL)
    poll(all_gone, KILL_TIMEOUT, 0.05, what=f"processes {pids} to end on SIGKILL")
    for pid in pids:  # our own children stay zombies until reaped
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


# --- ports ----------------------------------------------------------------------------------------

def free_port() -> int:
    """A port no one listens on now (the kernel's pick; a server started soon after gets it)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Whether a server could listen on 127.0.0.1:`port` now. Servers bind with SO_REUSEADDR, as this
    check does, so connections of an earlier server that linger in TIME_WAIT do not count."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def listening_addresses(process_groups: Iterable[int] = (), port: int | None = None) -> list[str]:
    """The local addresses of TCP listeners held by any process of these process groups (a server and
    the helpers it forked), or bound to `port`, as `ss` reports them."""
    process_groups = set(process_groups)
    members = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) in process_groups:  # the process group id, after state and parent pid
                members.add(stat.parent.name)
    listening = subprocess.run(["ss", "-Hltnp"], capture_output=True, text=True, check=True).stdout.splitlines()
    found = []
    for line in listening:
        local = line.split()[3]
        if any(f"pid={pid}," in line for pid in members) or (port is not None and local.rsplit(":", 1)[1] == str(port)):
            found.append(local)
    return found
