"""``parse-page``/``parse-feed`` input: redirects obey the URL policy, reads stop at the cap."""

from __future__ import annotations

import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.testkit.hostile import StaticServer
from zonewatch.config.settings import Settings
from zonewatch.crawlers.inspect import MAX_INPUT_BYTES, read_input
from zonewatch.errors import InputError

SECRET = b"<html><body><h1>internal admin page SECRET-7f3a</h1></body></html>"


@pytest.fixture
def internal() -> Iterator[StaticServer]:
    """A service only reachable on loopback (127.0.0.2 is loopback, but not allowed)."""
    with StaticServer("127.0.0.2") as server:
        server.route("/admin", SECRET)
        yield server


@pytest.fixture
def hostile() -> Iterator[StaticServer]:
    with StaticServer("127.0.0.1") as server:
        yield server


def settings() -> Settings:
    return Settings(allowed_private_hosts=("127.0.0.1",))


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.2:{port}/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://10.0.0.1/",
        "http://[::ffff:127.0.0.2]:{port}/admin",
        "file:///etc/passwd",
    ],
)
def test_a_redirect_into_a_private_address_is_refused(
    hostile: StaticServer, internal: StaticServer, target: str
) -> None:
    hostile.redirect("/page", target.format(port=internal.port))
    with pytest.raises(InputError, match="refused"):
        read_input(f"{hostile.url}/page", settings())
    assert internal.hits == []


def test_allowed_redirects_are_followed_and_counted(hostile: StaticServer) -> None:
    hostile.route("/final", b"<html><body>hello</body></html>")
    hostile.redirect("/one", "/two")
    hostile.redirect("/two", f"{hostile.url}/final")
    body, _, url = read_input(f"{hostile.url}/one", settings())
    assert b"hello" in body
    assert url == f"{hostile.url}/final"
    for hop in range(7):
        hostile.redirect(f"/loop{hop}", f"/loop{hop + 1}")
    with pytest.raises(InputError, match="redirects"):
        read_input(f"{hostile.url}/loop0", settings())


def test_a_huge_local_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with huge.open("wb") as stream:
        stream.write(b"<rss>")
        stream.truncate(MAX_INPUT_BYTES * 5)  # sparse: 100 MB on paper, nothing on disk
    tracemalloc.start()
    try:
        with pytest.raises(InputError, match="larger than 20 MB"):
            read_input(str(huge), settings())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < MAX_INPUT_BYTES * 1.5
