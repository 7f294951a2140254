"""The `helm test` pod's script, run on this machine with the pod's environment, and stand-ins for
what it calls."""

from __future__ import annotations

import contextlib
import http.server
import subprocess

from . import objects
from .servers import http_server


def run_hook_script(docs, url, token_file=None, path="/usr/bin:/bin") -> subprocess.CompletedProcess:
    """The rendered test pod's script, with the pod's environment and URL aimed at `url`."""
    pod = docs.get("Pod")
    [container] = pod["spec"]["containers"]
    env = objects.env_of(container)
    env.update(URL=url, PATH=path)
    if token_file:
        env["TOKEN_FILE"] = str(token_file)
    return subprocess.run(container["command"], env=env, capture_output=True, text=True, timeout=300, check=False)


@contextlib.contextmanager
def answering(status: int):
    """An HTTP server on 127.0.0.1 that answers every request with `status`, as an auth proxy in
    front of the model would; yields its URL."""
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

    with http_server(Handler) as url:
        yield url
