"""A local SMTP server that writes every message it receives as an .eml file.

The demo sends real mail over SMTP, so what lands in the folder is exactly what a mail client
would get (headers, MIME parts, encodings).
"""

from __future__ import annotations

import socket
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _SaveHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        self.recipients: Counter[str] = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.lock:
            self.count += 1
            number = self.count
            self.recipients.update(envelope.rcpt_tos or ["unknown"])
        recipient = (envelope.rcpt_tos or ["unknown"])[0].replace("@", "_at_")
        path = self.folder / f"{number:04d}-{recipient}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


class MailSink:
    """``with MailSink(folder) as sink:`` — ``sink.url`` is the smtp:// URL to send to."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.port = free_port()
        self.handler = _SaveHandler(folder)
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> int:
        return self.handler.count

    def per_recipient(self) -> Counter[str]:
        with self.handler.lock:
            return Counter(self.handler.recipients)

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
