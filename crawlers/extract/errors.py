"""The one exception the attachment readers raise; the public function turns it into a value."""

from __future__ import annotations


class AttachmentError(Exception):
    """A file cannot be read as the format it claims; the message is a one-line reason."""
