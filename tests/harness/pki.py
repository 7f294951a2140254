"""The local control plane's certificates, made once with the openssl command and kept between runs:
a CA, the API servers' serving certificate, client certificates for the admin and the controller
managers, and the ServiceAccount token signing key."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

# the names the API servers, controllers and webhooks are reached by, all on this machine
SERVING_NAMES = ("IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,"
                 "DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local")


class CertificateError(RuntimeError):
    pass


def openssl(*args: str) -> None:
    result = subprocess.run(["openssl", *args], capture_output=True, text=True, check=False)
    if result.returncode:
        raise CertificateError(f"openssl {' '.join(args)} failed:\n{result.stderr}")


def make_pki(folder: Path) -> None:
    """Everything in `folder`, unless an earlier run finished it (the `done` marker)."""
    if (folder / "done").exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *ec, "-keyout", str(folder / "ca.key"), "-out", str(folder / "ca.crt"),
            "-days", "3650", "-subj", "/CN=vllm-kserve-local-ca")
    (folder / "serving.ext").write_text(f"subjectAltName={SERVING_NAMES}\nextendedKeyUsage=serverAuth\n")
    (folder / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name, subject, ext in [
        ("apiserver", "/CN=kube-apiserver", "serving.ext"),
        ("admin", "/O=system:masters/CN=vllm-kserve-admin", "client.ext"),
        ("controller-manager", "/CN=system:kube-controller-manager", "client.ext"),
    ]:
        openssl("req", *ec, "-keyout", str(folder / f"{name}.key"), "-out", str(folder / f"{name}.csr"), "-subj", subject)
        openssl("x509", "-req", "-in", str(folder / f"{name}.csr"), "-CA", str(folder / "ca.crt"),
                "-CAkey", str(folder / "ca.key"), "-CAcreateserial", "-days", "3650",
                "-out", str(folder / f"{name}.crt"), "-extfile", str(folder / ext))
    openssl("genrsa", "-out", str(folder / "sa.key"), "2048")
    openssl("rsa", "-in", str(folder / "sa.key"), "-pubout", "-out", str(folder / "sa.pub"))
    (folder / "done").write_text("")


def admin_context(folder: Path) -> ssl.SSLContext:
    """TLS as the cluster admin (system:masters), trusting only the local CA."""
    context = ssl.create_default_context(cafile=str(folder / "ca.crt"))
    context.load_cert_chain(str(folder / "admin.crt"), str(folder / "admin.key"))
    return context
