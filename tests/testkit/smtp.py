"""A real SMTP server on loopback (aiosmtpd) that keeps every message it accepts.

Tests send through ``smtplib`` exactly as production does; the server can be stopped and
started again on the same port (SMTP down, then back), can refuse chosen recipients for good
(550) or for now (451), can ask for a login, and can hold its answer to DATA after keeping the
message, so that a test can kill the sender between "the server has it" and "the sender knows".
"""

from __future__ import annotations

import asyncio
import email
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.testkit.servers import free_port


@dataclass(frozen=True)
class Received:
    """One accepted message: the envelope and the bytes as they came over the wire."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    authenticated: bool = False

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=default_policy)

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class _Handler:
    server: SmtpServer

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address in self.server.reject:
            return "550 5.1.1 mailbox unavailable"
        if address in self.server.defer:
            return "451 4.3.0 try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        received = Received(
            mail_from=str(envelope.mail_from),
            rcpt_tos=tuple(envelope.rcpt_tos),
            data=bytes(envelope.original_content or envelope.content),
            authenticated=bool(session.authenticated),
        )
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        with self.server.lock:
            self.server.messages.append(received)
        self.server.received.set()
        while self.server.hold.is_set():
            await asyncio.sleep(0.02)
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    """The server and what it received; change ``reject``, ``defer`` or ``delay`` (seconds
    before each DATA answer) to change how it answers."""

    port: int = field(default_factory=free_port)
    host: str = "127.0.0.1"
    reject: set[str] = field(default_factory=set)
    defer: set[str] = field(default_factory=set)
    credentials: tuple[str, str] | None = None
    delay: float = 0.0
    messages: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    hold: threading.Event = field(default_factory=threading.Event, repr=False)
    received: threading.Event = field(default_factory=threading.Event, repr=False)
    _controller: Controller | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        login = f"{self.credentials[0]}:{self.credentials[1]}@" if self.credentials else ""
        return f"smtp://{login}{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        """Listen (again) on the same port."""
        if self._controller is not None:
            return
        kwargs: dict[str, Any] = {"enable_SMTPUTF8": True, "decode_data": False}
        if self.credentials:
            kwargs.update(authenticator=self._authenticate, auth_require_tls=False)
        controller = Controller(_Handler(self), hostname=self.host, port=self.port, **kwargs)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Close the port: connections are refused until :meth:`start`."""
        if self._controller is not None:
            self.hold.clear()
            self._controller.stop()
            self._controller = None

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
        self.received.clear()

    def message_ids(self) -> list[str]:
        with self.lock:
            return [received.message_id for received in self.messages]

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [received for received in self.messages if address in received.rcpt_tos]

    def _authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and self.credentials is not None
            and (auth_data.login.decode(), auth_data.password.decode()) == self.credentials
        )
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on a free loopback port, stopped after the test."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
