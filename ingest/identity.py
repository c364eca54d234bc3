"""What makes two attachments "the same file": one notion for ingest and change records.

A file re-saved by the publisher (new PDF producer, new HWP timestamp) has new bytes but says
the same thing, so the identity is the hash of its normalised extracted text; only a file
whose text could not be read falls back to the hash of its bytes. Ingest's content hash and
the ``attachment_replaced`` record both use :func:`attachment_identity`, so a file never counts
as replaced in one place and unchanged in the other.
"""

from __future__ import annotations

import hashlib

from zonewatch.crawlers.extract.text import normalize_text


def attachment_identity(text: str | None, sha256: str | None) -> str | None:
    """Hash of the normalised extracted text, or the file hash when there is no text.

    ``normalize_text`` is idempotent and extraction already applies it, so stored hashes of
    already-normalised text are unchanged by it.
    """
    if text:
        normalised = normalize_text(text)
        if normalised:
            return hashlib.sha256(normalised.encode()).hexdigest()
    return sha256
