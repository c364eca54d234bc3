from __future__ import annotations

import ipaddress

import pytest

from zonewatch.crawlers.handler import replay_url_for
from zonewatch.crawlers.safety import UnsafeURLError, UrlGuard, has_fetchable_scheme, is_public

ADDRESSES = {
    "www.motir.go.kr": ["27.101.211.20"],
    "metadata.example": ["169.254.169.254"],
    "intranet.example": ["10.1.2.3"],
    "mixed.example": ["8.8.8.8", "192.168.0.10"],
    "v6-local.example": ["::1"],
    "localhost": ["127.0.0.1"],
}


def fake_resolver(host: str) -> list[str]:
    if host in ADDRESSES:
        return ADDRESSES[host]
    if host.replace(".", "").isdigit() or ":" in host:
        return [host]
    raise OSError("name not known")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "data:text/html,hello",
        "ftp://www.motir.go.kr/x",
        "http://metadata.example/latest/meta-data/",
        "http://169.254.169.254/",
        "http://intranet.example/",
        "http://mixed.example/",
        "http://v6-local.example/",
        "http://127.0.0.1:8765/",
        "http://localhost/",
        "http://[::1]/",
        "http://unknown.invalid/",
    ],
)
def test_unsafe_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeURLError):
        UrlGuard(resolver=fake_resolver).check(url)


def test_public_site_is_allowed() -> None:
    UrlGuard(resolver=fake_resolver).check("https://www.motir.go.kr/kor/article/ATCL3f49a5a8c")


def test_allowed_private_hosts_by_address_network_or_name() -> None:
    guard = UrlGuard(allowed_hosts=["127.0.0.1", "10.0.0.0/8", "localhost"], resolver=fake_resolver)
    guard.check("http://127.0.0.1:8765/www.motir.go.kr/")
    guard.check("http://intranet.example/")
    guard.check("http://localhost/")
    with pytest.raises(UnsafeURLError):
        guard.check("http://169.254.169.254/")


def test_replay_rewrites_site_names_only() -> None:
    replay = "http://127.0.0.1:8765"
    assert (
        replay_url_for("https://www.motir.go.kr/kor/article/X?pageIndex=2", replay)
        == "http://127.0.0.1:8765/www.motir.go.kr/kor/article/X?pageIndex=2"
    )
    assert replay_url_for("http://169.254.169.254/latest", replay) is None
    assert replay_url_for("http://localhost/x", replay) is None


@pytest.mark.parametrize(
    "address",
    [
        "100.64.0.1",  # shared address space (carrier-grade NAT)
        "100.100.100.200",  # Alibaba Cloud metadata, inside 100.64.0.0/10
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
        "::",
        "fe80::1",
        "fd00::1",
    ],
)
def test_non_global_addresses_are_refused(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeURLError):
        UrlGuard(resolver=fake_resolver).check(f"http://{host}/")


@pytest.mark.parametrize("address", ["27.101.211.20", "8.8.8.8", "2001:4860:4860::8888"])
def test_global_addresses_pass(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_check_returns_the_checked_addresses_to_connect_to() -> None:
    addresses = UrlGuard(resolver=fake_resolver).check("https://www.motir.go.kr/")
    assert [str(address) for address in addresses] == ["27.101.211.20"]


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "s3://bucket/key", "data:,x", "javascript:alert(1)", "ftp://x/"]
)
def test_only_http_schemes_are_fetchable(url: str) -> None:
    assert not has_fetchable_scheme(url)
    assert has_fetchable_scheme("HTTPS://www.motir.go.kr/")
