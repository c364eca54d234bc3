"""Every main page of the console at desktop and phone widths, for docs/screenshots/ (``make
screenshots``): each is a real PNG of that width, not blank, and none scrolls sideways."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.testkit.console import (
    STORED_CHANGE,
    WIDTHS,
    ConsoleBrowser,
    LiveConsole,
    mailed_preferences_link,
)
from zonewatch.models import Role

pytestmark = pytest.mark.browser


def _png_width(path: Path) -> int:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    width: int = struct.unpack(">I", header[16:20])[0]
    return width


def _shoot(browser: ConsoleBrowser, name: str, path: str) -> None:
    browser.open(path)
    for width in WIDTHS:
        with browser.emulated(width):
            assert browser.wider_than(width) == [], f"{path} at {width} px"
        shot = browser.screenshot(name, width)
        assert _png_width(shot) == width, shot
        assert shot.stat().st_size > 5_000, f"{shot} looks blank"


def test_screenshots_of_every_main_page(
    browser: ConsoleBrowser, console_server: LiveConsole
) -> None:
    _shoot(browser, "login", "/login")
    _shoot(browser, "preferences", mailed_preferences_link(console_server))
    browser.sign_in(Role.ADMIN)
    pages = {
        "changes": "/changes",
        "change": f"/changes/{console_server.seeded.changes[STORED_CHANGE]}",
        "entity": "/entities/ifez",
        "proposals": "/proposals?status=proposed",
        "sources": "/sources",
        "source": "/sources/ifez-press",
        "account": "/account",
        "tokens": "/tokens",
        "users": "/admin/users",
    }
    for name, path in pages.items():
        _shoot(browser, name, path)
