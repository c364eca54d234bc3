"""Raw page bytes, kept apart from what was extracted: content-addressed, gzip-compressed."""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path

SNAPSHOT_DIR = "snapshots"


def store_snapshot(data_dir: Path, body: bytes) -> tuple[str, str]:
    """Write ``body`` once under the data directory; returns (sha256, relative path)."""
    digest = hashlib.sha256(body).hexdigest()
    relative = f"{SNAPSHOT_DIR}/{digest[:2]}/{digest}.gz"
    path = data_dir / relative
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".tmp{os.getpid()}")
        temporary.write_bytes(gzip.compress(body, compresslevel=6))
        temporary.replace(path)
    return digest, relative


def load_snapshot(data_dir: Path, relative: str) -> bytes:
    return gzip.decompress((data_dir / relative).read_bytes())
