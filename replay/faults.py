"""Faults on demand: a table of rules, each for a host (or ``*``) and a path regex.

Kinds and their options (every kind also takes ``fraction``, default 1: the rule fires on
a deterministic share of the requests it matches — with ``fraction=0.5`` the 2nd, 4th, … —
counted per rule, so tests can predict exactly which request fails):

=================  ==============================================================
``status``         answer ``status`` (default 503; 500 also usual) with an error page;
                   ``retry_after`` seconds adds a Retry-After header
``slow``           wait ``seconds`` (default 2) before answering normally
``reset``          close the connection with SO_LINGER 0 (a TCP RST), no response
``truncate``       declare the full Content-Length, send ``keep`` (default 0.5) of the
                   body, then close
``malformed_feed`` feeds and API XML come back cut off, with an unescaped ``&``
``wrong_charset``  declare UTF-8 (header and meta) while sending the page in CP949
``huge``           a streamed HTML body of ``mb`` MB (default 30); ``chunked=True``
                   sends it without Content-Length
``gzip_bomb``      ``Content-Encoding: gzip`` whose body inflates to ``mb`` MB
                   (default 256) from a few hundred KB
``redirect_private`` 302 to ``target`` (default ``http://169.254.169.254/latest/meta-data/``;
                   ``http://10.0.0.1/`` is the other classic)
``empty_list``     list pages keep their chrome but lose every row, and their list
                   classes get renamed (``board-list`` → ``board-list_renewal``), as
                   after a site redesign
``redesign``       every ``class`` and ``id`` of an HTML page gets a new name
                   (``detail-tit`` → ``detail-tit_renewal``): what a site redesign does
                   to the selectors of a list or an article page (use ``path_regex``)
``frozen``         the page is served as it was in state ``state`` (default 0), validators
                   included: a CMS that replaces a file in place (same name, same link)
                   without touching the article page, which keeps answering 304
``quirks``         the site's own known misbehaviour; MOTIR: every second request is
                   reset, and one attachment in four is 302 → ``/error/500`` the first
                   time it is asked for
=================  ==============================================================
"""

from __future__ import annotations

import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from functools import lru_cache
from typing import Any


class FaultKind(StrEnum):
    STATUS = "status"
    SLOW = "slow"
    RESET = "reset"
    TRUNCATE = "truncate"
    MALFORMED_FEED = "malformed_feed"
    WRONG_CHARSET = "wrong_charset"
    HUGE = "huge"
    GZIP_BOMB = "gzip_bomb"
    REDIRECT_PRIVATE = "redirect_private"
    EMPTY_LIST = "empty_list"
    REDESIGN = "redesign"
    FROZEN = "frozen"
    QUIRKS = "quirks"


DEFAULTS: dict[FaultKind, dict[str, Any]] = {
    FaultKind.STATUS: {"status": 503, "retry_after": None},
    FaultKind.SLOW: {"seconds": 2.0},
    FaultKind.RESET: {},
    FaultKind.TRUNCATE: {"keep": 0.5},
    FaultKind.MALFORMED_FEED: {},
    FaultKind.WRONG_CHARSET: {},
    FaultKind.HUGE: {"mb": 30.0, "chunked": False},
    FaultKind.GZIP_BOMB: {"mb": 256},
    FaultKind.REDIRECT_PRIVATE: {"target": "http://169.254.169.254/latest/meta-data/"},
    FaultKind.EMPTY_LIST: {},
    FaultKind.REDESIGN: {},
    FaultKind.FROZEN: {"state": 0},
    FaultKind.QUIRKS: {},
}


@dataclass
class FaultRule:
    host: str
    kind: FaultKind
    path_regex: str
    options: dict[str, Any]
    fraction: Fraction = Fraction(1)
    matched: int = 0
    fired: int = 0
    _pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pattern = re.compile(self.path_regex)

    def matches(self, host: str, target: str) -> bool:
        return self.host in ("*", host) and self._pattern.search(target) is not None

    def step(self) -> int | None:
        """Count one matching request; its number if the rule fires for it, else None."""
        number = self.matched
        self.matched += 1
        if int((number + 1) * self.fraction) > int(number * self.fraction):
            self.fired += 1
            return number
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "fault": self.kind.value,
            "path_regex": self.path_regex,
            "fraction": float(self.fraction),
            "options": self.options,
            "matched": self.matched,
            "fired": self.fired,
        }


@dataclass(frozen=True)
class Firing:
    """A rule that fires for the current request, with the request's number under it."""

    kind: FaultKind
    options: dict[str, Any]
    number: int


def make_rule(host: str, fault: str, path_regex: str = ".*", **options: Any) -> FaultRule:
    """Validate a rule: unknown kinds, unknown options and bad regexes are ValueErrors."""
    try:
        kind = FaultKind(fault)
    except ValueError:
        known = ", ".join(kind.value for kind in FaultKind)
        raise ValueError(f"unknown fault {fault!r}; known: {known}") from None
    fraction = Fraction(str(options.pop("fraction", 1))).limit_denominator(1000)
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be in (0, 1]")
    unknown = set(options) - set(DEFAULTS[kind])
    if unknown:
        raise ValueError(f"fault {kind.value!r} has no option(s) {sorted(unknown)}")
    try:
        re.compile(path_regex)
    except re.error as exc:
        raise ValueError(f"bad path_regex {path_regex!r}: {exc}") from None
    return FaultRule(
        host=host,
        kind=kind,
        path_regex=path_regex,
        options={**DEFAULTS[kind], **options},
        fraction=fraction,
    )


class FaultTable:
    """The rules in force; safe to change from any thread while requests are served."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, rule: FaultRule) -> FaultRule:
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self, host: str | None = None) -> None:
        with self._lock:
            self._rules = [rule for rule in self._rules if host is not None and rule.host != host]

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def firing(self, host: str, target: str) -> list[Firing]:
        """The rules that fire for this request (each matching rule counts it)."""
        with self._lock:
            fired = []
            for rule in self._rules:
                if rule.matches(host, target):
                    number = rule.step()
                    if number is not None:
                        fired.append(Firing(rule.kind, rule.options, number))
            return fired


def huge_body(megabytes: float) -> tuple[int, Iterator[bytes]]:
    """The length and the chunks of a big, valid-looking HTML page, never held in memory."""
    head = b"<!DOCTYPE html><html><head><title>big</title></head><body>\n"
    tail = b"</body></html>\n"
    line = b"<p>" + "가나다라마바사아자차카타파하 ".encode() * 16 + b"</p>\n"
    chunk = line * (65536 // len(line))
    total = max(len(head) + len(tail), int(megabytes * 1024 * 1024))
    middle = total - len(head) - len(tail)

    def chunks() -> Iterator[bytes]:
        yield head
        left = middle
        while left > 0:
            piece = chunk[: min(left, len(chunk))]
            left -= len(piece)
            yield piece
        yield tail

    return total, chunks()


@lru_cache(maxsize=4)
def gzip_bomb(megabytes: int) -> bytes:
    """A gzip member inflating to ``megabytes`` MB of zeros, built without compressing them all.

    After a full flush a raw deflate stream restarts from scratch, so the compressed form of
    one megabyte of zeros can simply be repeated; the gzip trailer needs the real CRC-32.
    """
    block = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    compressor.compress(block)
    piece = compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(block, crc)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    size = (megabytes * 1024 * 1024) & 0xFFFFFFFF
    return (
        header + piece * megabytes + final + crc.to_bytes(4, "little") + size.to_bytes(4, "little")
    )
