"""Where things are. Tests never write inside the repository except under .cache/."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "charts" / "vllm-kserve"
BIN = ROOT / "bin"
SCHEMA = ROOT / "schema"
CACHE = ROOT / ".cache"
# Reference data shared by every checkout: the seed README and the real CRDs of each KServe level.
SHARED = ROOT.parent / "shared"
SEED_README = SHARED / "seed" / "README.md.gotmpl"
REFERENCE_CRDS = SHARED / "reference" / "crds"
