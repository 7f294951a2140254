"""Results kept as JSON files, computed by one process while the others wait for them.

`once` shares a result among the xdist workers of one run (the render cache). `lasting` keeps a
result derived from files across runs, under .cache/derived, keyed by the content of every input,
so a changed input (or a changed converter) is a new key and never a stale answer.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .paths import CACHE

DERIVED = CACHE / "derived"


def once(path: Path, compute):
    """compute(), or the result another process already stored at `path` (JSON round-tripped)."""
    if path.exists():
        return json.loads(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return json.loads(path.read_text())
        result = compute()
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as handle:
            json.dump(result, handle)
        os.replace(handle.name, path)  # atomic: readers outside the lock never see half a file
    return result


def digest_of(paths) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path).encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:32]


def lasting(name: str, inputs, compute):
    """compute() of these input files, kept until one of them changes; older results of `name` go."""
    key = digest_of(inputs)
    path = DERIVED / f"{name}-{key}.json"
    if not path.exists():
        for old in DERIVED.glob(f"{name}-*.json"):
            old.unlink(missing_ok=True)
    return once(path, compute)
