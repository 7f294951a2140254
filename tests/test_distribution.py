"""Distribution, end to end on 127.0.0.1: the packaged chart, a classic chart repository, an OCI
registry, umbrella charts that depend on it from each, signed packages, and release hygiene."""

import io
import os
import re
import shlex
import shutil
import subprocess
import tarfile

import pytest
import yaml

from tests.harness import objects
from tests.harness.cluster import listening_addresses
from tests.harness.paths import BIN, CHART, ROOT
from tests.harness.servers import IsolatedHelm, chart_repository, gnupg_home, oci_registry, signing_keyrings

CHART_META = yaml.safe_load((CHART / "Chart.yaml").read_text())
VERSION = CHART_META["version"]
PACKAGE = f"vllm-kserve-{VERSION}.tgz"
PUBLIC_REPOSITORY = "https://redhat-ai-services.github.io/helm-charts/"
PUBLIC_OCI = "oci://ghcr.io/redhat-ai-services/helm-charts"


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("distribution")


@pytest.fixture(scope="module")
def keys(work):
    return signing_keyrings(work / "keys")


@pytest.fixture(scope="module")
def repository_folder(work, keys):
    """The chart packaged and signed, with the index a chart repository serves."""
    secret, _, name = keys
    folder = work / "repository"
    folder.mkdir()
    helm = IsolatedHelm(work / "packager")
    assert "vllm-kserve maintainers" in name  # the user ID the release workflow signs with
    helm("package", str(CHART), "--destination", str(folder), "--sign", "--key", "vllm-kserve maintainers",
         "--keyring", str(secret))
    return folder


@pytest.fixture(scope="module")
def repository(repository_folder):
    with chart_repository(repository_folder) as url:
        helm = IsolatedHelm(repository_folder.parent / "indexer")
        helm("repo", "index", str(repository_folder), "--url", url)
        yield url


@pytest.fixture(scope="module")
def registry(work, repository_folder):
    with oci_registry(work / "registry") as host:
        IsolatedHelm(work / "pusher")("push", str(repository_folder / PACKAGE), f"oci://{host}/charts", "--plain-http")
        yield host


def members(package) -> list[str]:
    with tarfile.open(package) as archive:
        return archive.getnames()


def test_make_package_holds_the_chart_and_nothing_else(tmp_path):
    made = subprocess.run(["make", "-s", "package", f"DIST={tmp_path}"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stdout + made.stderr
    names = members(tmp_path / PACKAGE)
    for needed in ("Chart.yaml", "values.yaml", "values.schema.json", "README.md", "templates/NOTES.txt",
                   "templates/validate.yaml", "templates/inferenceservice/inferenceservice.yaml",
                   "templates/tests/test-endpoint.yaml", "files/endpoint-check.sh"):
        assert f"vllm-kserve/{needed}" in names, needed
    assert not [n for n in names
                if "/ci/" in n or n.endswith((".orig", ".swp", "~")) or ("/tests/" in n and "templates" not in n)]
    assert sorted(n.removeprefix("vllm-kserve/") for n in names if "/templates/" in n) == sorted(
        str(p.relative_to(CHART)) for p in (CHART / "templates").rglob("*") if p.is_file())


def test_chart_metadata_is_complete():
    for key in ("kubeVersion", "home", "sources", "keywords", "maintainers", "icon"):
        assert CHART_META[key], key
    annotations = CHART_META["annotations"]
    assert annotations["artifacthub.io/license"] == "Apache-2.0"
    changes = yaml.safe_load(annotations["artifacthub.io/changes"])
    assert changes and all(c["kind"] in ("added", "changed", "deprecated", "removed", "fixed", "security") and c["description"]
                           for c in changes)
    assert yaml.safe_load(annotations["artifacthub.io/images"])


def readme_install_lines(program: str) -> list[str]:
    """The command lines of the README's install section that run `program`, in order."""
    readme = (CHART / "README.md").read_text()
    section = readme.split("## Installing the chart", 1)[1].split("\n## ", 1)[0]
    return [line for block in re.findall(r"^```sh\n(.*?)^```", section, re.S | re.M)
            for line in re.sub(r"\\\n\s*", " ", block).splitlines() if line.startswith(program + " ")]


def readme_install_commands(repository: str, registry: str) -> list[list[str]]:
    """Every helm command of the README's install section, in order, aimed at the local repository
    and registry instead of the public ones (and over plain HTTP, which the local registry speaks)."""
    commands = []
    for line in readme_install_lines("helm"):
        argv = [a.replace(PUBLIC_REPOSITORY, repository + "/").replace(PUBLIC_OCI, f"oci://{registry}/charts")
                for a in shlex.split(line)]
        if any(a.startswith("oci://") for a in argv):
            argv.append("--plain-http")
        commands.append(argv)
    return commands


@pytest.mark.cluster
def test_readme_install_commands_work_against_a_local_repository_and_registry(repository, registry, kube, work, keys):
    client = kube()
    namespace = client.create_namespace("readme-install")
    helm = IsolatedHelm(work / "readme-user")
    try:
        # a user whose GnuPG, in ~/.gnupg of a home of its own, has the signer's public key
        with gnupg_home(".gnupg") as gnupg:
            home = gnupg.parent
            user_env = {k: v for k, v in os.environ.items() if k != "GNUPGHOME"} | {"HOME": str(home)}
            subprocess.run(["gpg", "--batch", "--import", str(keys[1])], env=user_env, capture_output=True, check=True)
            for line in readme_install_lines("gpg"):
                subprocess.run(["sh", "-c", line], env=user_env, capture_output=True, check=True)
            commands = readme_install_commands(repository, registry)
            kinds = {tuple(c[1:3]) for c in commands}
            assert {("repo", "add"), ("repo", "update"), ("show", "values")} <= kinds
            assert any(c[1] == "upgrade" and any(a.startswith("oci://") for a in c) for c in commands)
            assert any(c[1] == "upgrade" and "redhat-ai-services/vllm-kserve" in c for c in commands)
            for argv in commands:
                if argv[1] in ("upgrade", "install"):
                    argv = [a.replace("~/", f"{home}/") for a in argv]  # what the shell does with ~
                    argv += ["--namespace", namespace]
                helm(*argv[1:])
        assert "deployed" in helm("status", "my-vllm", "--namespace", namespace).stdout
        assert any("--verify" in c for c in commands)
    finally:
        client.delete_namespace(namespace)


@pytest.mark.cluster
def test_classic_repository(repository, repository_folder, kube, work, tmp_path):
    helm = IsolatedHelm(work / "classic-user")
    helm("repo", "add", "local", repository)
    found = helm("search", "repo", "local/vllm-kserve", "--output", "yaml").stdout
    assert yaml.safe_load(found) == [{"name": "local/vllm-kserve", "version": VERSION, "app_version": CHART_META["appVersion"],
                                      "description": CHART_META["description"]}]
    helm("pull", "local/vllm-kserve", "--version", VERSION, "--destination", str(tmp_path))
    assert (tmp_path / PACKAGE).read_bytes() == (repository_folder / PACKAGE).read_bytes()
    client = kube()
    namespace = client.create_namespace("classic-repo")
    try:
        helm("upgrade", "-i", "my-vllm", "local/vllm-kserve", "--version", VERSION, "--namespace", namespace)
        assert client.get("inferenceservice", "my-vllm", namespace)
    finally:
        client.delete_namespace(namespace)


@pytest.mark.cluster
def test_the_repository_and_registry_listen_on_loopback_only(repository, registry):
    for port in (repository.rsplit(":", 1)[1].strip("/"), registry.rsplit(":", 1)[1]):
        addresses = listening_addresses(port=int(port))
        assert addresses and all(a.startswith("127.0.0.1:") for a in addresses), (port, addresses)


@pytest.mark.cluster
def test_oci_registry(registry, repository_folder, kube, work, tmp_path):
    helm = IsolatedHelm(work / "oci-user")
    reference = f"oci://{registry}/charts/vllm-kserve"
    helm("pull", reference, "--version", VERSION, "--destination", str(tmp_path), "--plain-http")
    assert (tmp_path / PACKAGE).read_bytes() == (repository_folder / PACKAGE).read_bytes()
    shown = helm("show", "values", reference, "--version", VERSION, "--plain-http").stdout
    assert shown.rstrip("\n") == (CHART / "values.yaml").read_text().rstrip("\n")
    client = kube()
    namespace = client.create_namespace("oci-registry")
    try:
        helm("upgrade", "-i", "my-vllm", reference, "--version", VERSION, "--plain-http", "--namespace", namespace)
        assert client.get("servingruntime", "my-vllm", namespace)
    finally:
        client.delete_namespace(namespace)


def umbrella(folder, repository_url, alias=None, values=None):
    """A parent chart that depends on vllm-kserve from `repository_url`, optionally under an alias."""
    folder.mkdir(parents=True)
    dependency = {"name": "vllm-kserve", "version": VERSION, "repository": repository_url}
    if alias:
        dependency["alias"] = alias
    (folder / "Chart.yaml").write_text(yaml.safe_dump({
        "apiVersion": "v2", "name": "my-llm-app", "version": "1.0.0", "type": "application",
        "dependencies": [dependency]}))
    (folder / "values.yaml").write_text(yaml.safe_dump(values or {}))
    return folder


SOURCES = ["file", "http", "oci"]


@pytest.mark.cluster
@pytest.mark.parametrize("alias", [None, "granite"], ids=["no-alias", "alias"])
@pytest.mark.parametrize("source", SOURCES)
def test_umbrella_chart(source, alias, repository, registry, kube, work, tmp_path):
    helm = IsolatedHelm(work / f"umbrella-{source}-{alias}")
    url = {"file": f"file://{CHART}", "http": repository, "oci": f"oci://{registry}/charts"}[source]
    if source == "http":
        helm("repo", "add", "local", repository)
    key = alias or "vllm-kserve"
    values = {key: {"deploymentMode": "RawDeployment", "inferenceService": {"name": "granite-chat"}},
              "global": {"imageRegistry": "mirror.example.com"}}
    parent = umbrella(tmp_path / "my-llm-app", url, alias, values)
    helm("dependency", "build", str(parent), *(["--plain-http"] if source == "oci" else []))
    assert (parent / "charts" / PACKAGE).exists()

    manifest = helm("template", "app", str(parent), "--namespace", "team").stdout
    docs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(manifest) if d}
    isvc = docs[("InferenceService", "granite-chat")]
    assert isvc["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] == "RawDeployment"
    runtime = docs[("ServingRuntime", "granite-chat")]
    assert objects.runtime_containers(runtime)[0]["image"].startswith("mirror.example.com/modh/vllm@sha256:")

    bad = helm("template", "app", str(parent), "--set", f"{key}.deploymentMode=Rawdeployment", check=False)
    assert bad.returncode != 0 and "/deploymentMode" in bad.stderr
    # the parent set RawDeployment, so the subchart's cross-field rules refuse scale to zero
    refused = helm("template", "app", str(parent), "--set", f"{key}.scaling.minReplicas=0", check=False)
    assert "scaling.minReplicas=0 (scale to zero) needs deploymentMode=Serverless" in refused.stderr

    client = kube()
    namespace = client.create_namespace(f"umbrella-{source}")
    try:
        helm("upgrade", "-i", "app", str(parent), "--namespace", namespace)
        assert client.get("inferenceservice", "granite-chat", namespace)
    finally:
        client.delete_namespace(namespace)


def test_two_models_in_one_umbrella(tmp_path, work):
    """Aliases let one parent chart serve two models; each needs its own name."""
    parent = tmp_path / "two-models"
    parent.mkdir()
    (parent / "Chart.yaml").write_text(yaml.safe_dump({"apiVersion": "v2", "name": "two-models", "version": "1.0.0",
        "dependencies": [{"name": "vllm-kserve", "version": VERSION, "repository": f"file://{CHART}", "alias": a}
                         for a in ("chat", "embeddings")]}))
    (parent / "values.yaml").write_text(yaml.safe_dump({
        "chat": {"inferenceService": {"name": "chat"}},
        "embeddings": {"inferenceService": {"name": "embeddings"}, "model": {"uri": "pvc://models/embeddings"}}}))
    helm = IsolatedHelm(work / "two-models")
    helm("dependency", "build", str(parent))
    docs = [d for d in yaml.safe_load_all(helm("template", "app", str(parent)).stdout) if d]
    assert sorted(d["metadata"]["name"] for d in docs if d["kind"] == "InferenceService") == ["chat", "embeddings"]


def test_signed_package_verifies_and_tampering_is_caught(repository_folder, keys, tmp_path, work):
    _, public, _ = keys
    helm = IsolatedHelm(work / "verifier")
    package = repository_folder / PACKAGE
    assert (repository_folder / f"{PACKAGE}.prov").exists()
    verified = helm("verify", str(package), "--keyring", str(public))
    assert "Signed by: vllm-kserve maintainers (throwaway test key)" in verified.stdout
    tampered = tmp_path / PACKAGE
    shutil.copy(repository_folder / f"{PACKAGE}.prov", tmp_path / f"{PACKAGE}.prov")
    with tarfile.open(package) as source, tarfile.open(tampered, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read() if member.isfile() else None
            if member.name.endswith("values.yaml"):
                data = data.replace(b"enabled: false", b"enabled: true", 1)
                member.size = len(data)
            target.addfile(member, io.BytesIO(data) if data is not None else None)
    result = helm("verify", str(tampered), "--keyring", str(public), check=False)
    assert result.returncode != 0 and "sha256 sum does not match" in result.stderr
    other_keys = signing_keyrings(tmp_path / "stranger")
    result = helm("verify", str(package), "--keyring", str(other_keys[1]), check=False)
    assert result.returncode != 0


@pytest.mark.cluster
def test_install_verifies_the_signature(repository, keys, kube, work):
    _, public, _ = keys
    helm = IsolatedHelm(work / "verified-install")
    helm("repo", "add", "local", repository)
    client = kube()
    namespace = client.create_namespace("verified-install")
    try:
        helm("upgrade", "-i", "my-vllm", "local/vllm-kserve", "--version", VERSION, "--verify",
             "--keyring", str(public), "--namespace", namespace)
        assert client.get("inferenceservice", "my-vllm", namespace)
    finally:
        client.delete_namespace(namespace)


def git(*args, cwd):
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)


def test_ct_lint_demands_a_version_bump_for_changed_charts(tmp_path):
    """In CI `ct lint` compares against main: a changed chart with an unchanged version fails."""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    # the commit under test plays main: a pull-request checkout has a detached HEAD and no local main
    git("update-ref", "refs/remotes/origin/main", "HEAD", cwd=clone)
    git("config", "user.email", "ci@vllm-kserve.invalid", cwd=clone)
    git("config", "user.name", "ci", cwd=clone)
    shutil.copy(ROOT / "ct.yaml", clone / "ct.yaml")  # the configuration under test, even if uncommitted
    values = clone / "charts" / "vllm-kserve" / "values.yaml"
    values.write_text(values.read_text().replace("startupMinutes: 30", "startupMinutes: 31"))
    schema = clone / "charts" / "vllm-kserve" / "values.schema.json"
    schema.write_text(schema.read_text().replace('"default": 30,', '"default": 31,'))
    git("commit", "-qam", "raise the startup budget", cwd=clone)
    env = {"PATH": f"{BIN}:{ROOT / '.venv' / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path)}
    lint = ["ct", "lint", "--config", "ct.yaml", "--target-branch", "main", "--remote", "origin"]
    result = subprocess.run(lint, cwd=clone, env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0 and "chart version not ok. Needs a version bump!" in result.stdout + result.stderr
    chart = clone / "charts" / "vllm-kserve" / "Chart.yaml"
    major, minor, patch = map(int, VERSION.split("."))
    chart.write_text(chart.read_text().replace(f"version: {VERSION}", f"version: {major}.{minor}.{patch + 1}", 1))
    git("commit", "-qam", "bump the chart version", cwd=clone)
    result = subprocess.run(lint, cwd=clone, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_pass_actionlint():
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yaml"))
    assert {w.name for w in workflows} >= {"lint-test.yaml", "release.yaml"}
    result = subprocess.run([BIN / "actionlint", "-no-color", *map(str, workflows)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflows_run_what_the_makefile_runs():
    lint_test = yaml.safe_load((ROOT / ".github" / "workflows" / "lint-test.yaml").read_text())
    steps = " ".join(step.get("run", "") for job in lint_test["jobs"].values() for step in job["steps"])
    for command in ("make lint", "make test", "ct lint --config ct.yaml --target-branch"):
        assert command in steps, command
    release = (ROOT / ".github" / "workflows" / "release.yaml").read_text()
    for command in ("helm package", "--sign", "helm repo index", "helm push", "oci://ghcr.io/"):
        assert command in release, command


def release_steps():
    return yaml.safe_load((ROOT / ".github" / "workflows" / "release.yaml").read_text())["jobs"]["release"]["steps"]


@pytest.mark.parametrize("released", [True, False], ids=["already-released", "new-version"])
def test_release_workflow_publishes_a_version_once(tmp_path, released):
    """The guard step, run as the workflow runs it, against a gh-pages branch with or without this
    version; every step after it (gh-pages and OCI alike) depends on its answer."""
    steps = release_steps()
    guard = next(i for i, step in enumerate(steps) if step.get("id") == "released")
    assert all(step.get("if") == "steps.released.outputs.already == 'false'" for step in steps[guard + 1:])

    origin, work = tmp_path / "origin", tmp_path / "work"
    git("init", "-q", "-b", "gh-pages", str(origin), cwd=tmp_path)
    (origin / f"vllm-kserve-{VERSION if released else '0.0.1'}.tgz").write_bytes(b"package")
    git("add", ".", cwd=origin)
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "pages", cwd=origin)
    git("clone", "-q", str(origin), str(work), cwd=tmp_path)
    (work / "charts" / "vllm-kserve").mkdir(parents=True)
    shutil.copy(CHART / "Chart.yaml", work / "charts" / "vllm-kserve" / "Chart.yaml")
    output = tmp_path / "github-output"
    subprocess.run(["bash", "-e", "-c", steps[guard]["run"]], cwd=work,
                   env={"GITHUB_OUTPUT": str(output), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, check=True)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    assert outputs == {"version": VERSION, "already": "true" if released else "false"}
