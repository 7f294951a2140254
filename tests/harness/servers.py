"""Chart distribution servers on 127.0.0.1 for the tests: a classic chart repository (HTTP) and a
real OCI registry (the CNCF distribution registry, built from its Go module), plus a helm whose
configuration, cache and registry logins live in a folder of the test's own."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import ssl
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from schema import platforms

from . import kube
from .controlplane import KUBECONFIG
from .paths import BIN
from .processes import answers, free_port, poll, start, stop_pids, tail


@contextlib.contextmanager
def http_server(handler, tls: Path | None = None):
    """An HTTP server on 127.0.0.1 with this request handler, in a thread; yields its base URL.
    With `tls`, a folder holding server.crt and server.key, it speaks HTTPS."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    scheme = "http"
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(tls / "server.crt"), str(tls / "server.key"))
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextlib.contextmanager
def chart_repository(folder: Path):
    """Serve `folder` over HTTP on 127.0.0.1; yields the base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    with http_server(handler) as url:
        yield url


@contextlib.contextmanager
def oci_registry(state: Path):
    """A distribution registry on 127.0.0.1 (plain HTTP, filesystem storage); yields host:port."""
    port, debug = free_port(), free_port()
    state.mkdir(parents=True, exist_ok=True)
    config = state / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {state / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n  debug:\n    addr: 127.0.0.1:{debug}\n"
    )
    registry = start("registry", [str(BIN / "registry"), "serve", str(config)], state)
    try:
        poll(lambda: answers(f"http://127.0.0.1:{port}/v2/", timeout=1), 30, 0.1, what="the registry to answer /v2/",
             process=registry, retry_on=(OSError,), on_timeout=lambda: f"registry.log:\n{tail('registry', state, lines=200)}")
        yield f"127.0.0.1:{port}"
    finally:
        stop_pids([registry.pid], grace=10)


@dataclass
class IsolatedHelm:
    """helm 4 with its own repositories, cache and registry logins, pointed at the local cluster."""

    home: Path
    # OpenShift AI's level when its CRDs are at hand, else the upstream level standing in for it
    context: str = field(default_factory=lambda: kube.context_for(platforms.default_level()))

    def env(self) -> dict[str, str]:
        return {**os.environ, "KUBECONFIG": str(KUBECONFIG),
                "HELM_CONFIG_HOME": str(self.home / "config"), "HELM_CACHE_HOME": str(self.home / "cache"),
                "HELM_DATA_HOME": str(self.home / "data"),
                "HELM_REPOSITORY_CONFIG": str(self.home / "config" / "repositories.yaml"),
                "HELM_REGISTRY_CONFIG": str(self.home / "config" / "registry.json")}

    def __call__(self, *args: str, check: bool = True, cwd: Path | None = None) -> subprocess.CompletedProcess:
        command = [str(BIN / "helm"), *args]
        if args and args[0] in ("upgrade", "install", "uninstall", "test", "status", "get", "list"):
            command += ["--kube-context", self.context]
        result = subprocess.run(command, env=self.env(), cwd=cwd, capture_output=True, text=True, check=False)
        if check and result.returncode:
            raise AssertionError(f"`{' '.join(command)}` exited {result.returncode}:\n{result.stderr}{result.stdout}")
        return result


@contextlib.contextmanager
def gnupg_home(subfolder: str = ""):
    """A throwaway GnuPG home (`subfolder` of a new folder, as ~/.gnupg is of a home), removed with the
    gpg-agent it starts. gpg-agent's sockets live in it and a socket path may not exceed 107 bytes,
    which a folder deep in pytest's tmp tree can: it gets a short path of its own."""
    root = Path(tempfile.mkdtemp(prefix="gpg-"))
    home = root / subfolder
    home.mkdir(mode=0o700, exist_ok=True)
    try:
        yield home
    finally:
        subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "gpg-agent"], capture_output=True, check=False)
        shutil.rmtree(root, ignore_errors=True)


def signing_keyrings(folder: Path) -> tuple[Path, Path, str]:
    """A throwaway RSA key made with gpg, exported as the legacy keyrings helm reads:
    (secret keyring, public keyring, key name)."""
    # the README exports the maintainers' key by this user ID
    name = "vllm-kserve maintainers (throwaway test key) <signer@vllm-kserve.invalid>"
    with gnupg_home() as home:
        gpg = ["gpg", "--homedir", str(home), "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]

        def run(*args) -> bytes:
            result = subprocess.run([*gpg, *args], capture_output=True, check=False)
            if result.returncode:
                raise RuntimeError(f"gpg {args[0]} failed: {result.stderr.decode(errors='replace')}")
            return result.stdout

        run("--quick-gen-key", name, "rsa2048", "sign", "never")
        folder.mkdir(parents=True, exist_ok=True)
        secret, public = folder / "secring.gpg", folder / "pubring.gpg"
        secret.write_bytes(run("--export-secret-keys"))
        public.write_bytes(run("--export"))
    return secret, public, name
