"""The `helm test` pod's script, run on this machine with the pod's environment, and stand-ins for
what it calls."""

from __future__ import annotations

import contextlib
import http.server
import subprocess
import tempfile
from pathlib import Path

from . import objects
from .pki import openssl
from .servers import http_server


def run_hook_script(docs, url, token_file=None, path="/usr/bin:/bin", ca_file=None) -> subprocess.CompletedProcess:
    """The rendered test pod's script, with the pod's environment and URL aimed at `url`. The pod
    reads the service CA from a mounted ConfigMap: `ca_file` stands for it here (the stand-ins that
    serve plain HTTP need none, and the script would wait for the missing file)."""
    pod = docs.get("Pod")
    [container] = pod["spec"]["containers"]
    env = objects.env_of(container)
    env.update(URL=url, PATH=path)
    env.pop("CA_FILE", None)
    if ca_file:
        env["CA_FILE"] = str(ca_file)
    if token_file:
        env["TOKEN_FILE"] = str(token_file)
    # a pod has a /tmp of its own; here the hooks of tests running side by side would share one
    with tempfile.TemporaryDirectory(prefix="vllm-kserve-hook-") as scratch:
        env["TMPDIR"] = scratch
        return subprocess.run(container["command"], env=env, capture_output=True, text=True, timeout=300, check=False)


@contextlib.contextmanager
def answering(status: int, tls: Path | None = None):
    """An HTTP server on 127.0.0.1 that answers every request with `status`, as an auth proxy in
    front of the model would; yields its URL. With `tls`, a folder holding server.crt and
    server.key (see tls_folder), it serves HTTPS."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "https://oauth-openshift.apps.example.com/oauth/authorize")
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = answer

        def log_message(self, *args):  # quiet: the test reads the script's output, not the server's
            pass

    with http_server(Handler, tls) as url:
        yield url


def tls_folder(folder: Path) -> Path:
    """A CA (ca.crt) and a serving certificate it signed for 127.0.0.1 (server.crt, server.key),
    standing for the cluster's service CA and a service-CA certificate of the platform's proxy."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", str(folder / "ca.key"), "-out", str(folder / "ca.crt"),
            "-days", "1", "-subj", "/CN=service-ca")
    (folder / "server.ext").write_text("subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n")
    openssl("req", *ec, "-keyout", str(folder / "server.key"), "-out", str(folder / "server.csr"), "-subj", "/CN=proxy")
    openssl("x509", "-req", "-in", str(folder / "server.csr"), "-CA", str(folder / "ca.crt"), "-CAkey",
            str(folder / "ca.key"), "-CAcreateserial", "-days", "1", "-out", str(folder / "server.crt"),
            "-extfile", str(folder / "server.ext"))
    return folder
