"""Raw page bytes, kept apart from what was extracted: content-addressed, gzip-compressed.

Each distinct body is one file (its sha256 names it), however many snapshot rows show it;
:func:`snapshot_body` is how every reader gets the bytes back, and the only place that knows
that a body can be missing or removed by retention (``zonewatch prune``).
"""

from __future__ import annotations

import gzip
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from zonewatch.errors import NotFoundError

if TYPE_CHECKING:
    from zonewatch.models import Snapshot

SNAPSHOT_DIR = "snapshots"


def store_snapshot(data_dir: Path, body: bytes) -> tuple[str, str]:
    """Write ``body`` once under the data directory; returns (sha256, relative path).

    A body already stored is touched instead: its file time is its last use, which retention
    reads so that it never removes a file a crawl has just reused."""
    digest = hashlib.sha256(body).hexdigest()
    relative = f"{SNAPSHOT_DIR}/{digest[:2]}/{digest}.gz"
    path = data_dir / relative
    if path.exists():
        path.touch()
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".tmp{os.getpid()}")
        temporary.write_bytes(gzip.compress(body, compresslevel=6))
        temporary.replace(path)
    return digest, relative


def load_snapshot(data_dir: Path, relative: str) -> bytes:
    return gzip.decompress((data_dir / relative).read_bytes())


def stored_path(data_dir: Path, relative: str) -> Path | None:
    """The file a row names, None unless it lies in the snapshot store: a corrupted or
    hand-edited row must not make the console read (or prune delete) any other file."""
    root = (data_dir / SNAPSHOT_DIR).resolve()
    target = (data_dir / relative).resolve()
    return target if target.is_relative_to(root) else None


def snapshot_body(data_dir: Path, snapshot: Snapshot) -> bytes:
    """The page's bytes as fetched; NotFoundError when retention removed them or the file is
    missing (a data directory restored without its snapshots)."""
    if snapshot.pruned_at is not None:
        removed = snapshot.pruned_at.date().isoformat()
        raise NotFoundError(
            f"the stored page of snapshot {snapshot.id} was removed by retention on {removed}"
        )
    target = stored_path(data_dir, snapshot.path)
    if target is None or not target.is_file():
        raise NotFoundError(f"the stored page {snapshot.path!r} is missing from the data directory")
    return gzip.decompress(target.read_bytes())
