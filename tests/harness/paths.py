"""Where things are. Tests never write inside the repository except under .cache/."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "vllm-kserve"
BIN = ROOT / "bin"
SCHEMA = ROOT / "schema"
CACHE = ROOT / ".cache"


def _shared_folder() -> Path:
    """Reference data shared by every checkout (the seed README, the real CRDs of each KServe level):
    $VLLM_KSERVE_SHARED, else `shared` beside the checkout, else beside the local repository this
    checkout was cloned from."""
    if os.environ.get("VLLM_KSERVE_SHARED"):
        return Path(os.environ["VLLM_KSERVE_SHARED"])
    candidates = [ROOT.parent / "shared"]
    origin = subprocess.run(["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
                            capture_output=True, text=True, check=False).stdout.strip()
    if origin and "://" not in origin and Path(origin).is_dir():
        candidates.append(Path(origin).resolve().parent / "shared")
    return next((c for c in candidates if c.is_dir()), candidates[0])


SHARED = _shared_folder()
SEED_README = SHARED / "seed" / "README.md.gotmpl"
REFERENCE_CRDS = SHARED / "reference" / "crds"
