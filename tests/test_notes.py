"""The install notes tell the user how to reach the model, with names that match what was created."""

import re

from tests.harness.render import notes
from tests.harness.scenarios import a_level_where, upstream


def curl_lines(text):
    return [line.strip() for line in text.splitlines() if "curl" in line or line.strip().startswith("-d ")]


def test_default_notes_find_the_url_warn_about_auth_and_serverless():
    text = notes(namespace="demo")
    assert "URL=$(oc get inferenceservice my-vllm -n demo -o jsonpath='{.status.url}')" in text
    assert "anyone who can reach the endpoint can use the model" in text
    assert "Serverless mode is deprecated from OpenShift AI 2.25" in text
    assert "port-forward -n demo" in text  # cluster-local by default
    assert '"model": "my-vllm"' in text
    assert "Authorization" not in text


def test_notes_use_the_served_model_name_override():
    assert '"model": "granite"' in notes({"model": {"servedModelName": "granite"}})


def test_notes_read_the_token_the_chart_created():
    text = notes({"deploymentMode": "RawDeployment", "endpoint": {"externalRoute": {"enabled": True}, "auth": {
        "enabled": True, "serviceAccounts": [{"name": "caller"}, {"name": "other", "namespace": "b", "create": False}]}}},
        namespace="team")
    assert "TOKEN=$(oc get secret caller -n team -o jsonpath='{.data.token}' | base64 -d)" in text
    assert "system:serviceaccount:team:caller (long-lived token in Secret team/caller)" in text
    assert "system:serviceaccount:b:other" in text
    assert all('-H "Authorization: Bearer $TOKEN"' in line for line in curl_lines(text) if line.startswith("curl"))
    assert "anyone who can reach" not in text and "Serverless mode is deprecated" not in text
    assert "It is exposed outside the cluster" in text and "port-forward" not in text


def test_notes_mint_a_short_lived_token_when_no_legacy_token_exists():
    text = notes({"endpoint": {"auth": {"enabled": True, "serviceAccounts": [{"name": "caller", "createLegacyToken": False}]}}})
    assert "TOKEN=$(oc create token caller -n default --duration=24h)" in text


def test_upstream_notes_use_kubectl_and_multi_node_notes_count_pods():
    text = notes({"platform": a_level_where(lambda row: upstream(row) and "pvc" in row["multiNode"]["schemes"]),
                  "deploymentMode": "RawDeployment", "servingTopology": "multiNode",
                  "model": {"uri": "pvc://models/llama"}, "multiNode": {"pipelineParallelSize": 3, "tensorParallelSize": 4}})
    assert "kubectl get inferenceservice my-vllm" in text and not re.search(r"\boc ", text)
    assert "one head pod and 2 worker pod(s), 4 accelerator(s) each, joined by Ray" in text


def test_scale_to_zero_is_explained():
    assert "scales to zero when idle" in notes({"scaling": {"minReplicas": 0}})
