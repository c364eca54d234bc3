"""The served sites by host, and robots.txt (the same shape everywhere, so it lives here)."""

from __future__ import annotations

from zonewatch.replay.content import Catalog
from zonewatch.replay.pages import Site
from zonewatch.replay.releases import ReleaseSource, SampleReleases
from zonewatch.replay.site_bjfez import Bjfez
from zonewatch.replay.site_busan import Busan
from zonewatch.replay.site_daegu import Daegu
from zonewatch.replay.site_dataapi import DataApi
from zonewatch.replay.site_dgfez import Dgfez
from zonewatch.replay.site_fez import Fez
from zonewatch.replay.site_gfez import Gfez
from zonewatch.replay.site_ifez import Ifez
from zonewatch.replay.site_incheon import Incheon
from zonewatch.replay.site_kicox import Kicox
from zonewatch.replay.site_korea import KoreaKr
from zonewatch.replay.site_koreanet import KoreaNet
from zonewatch.replay.site_motir import Motir
from zonewatch.replay.site_mss import Mss


def build_sites(catalog: Catalog, releases: ReleaseSource | None = None) -> dict[str, Site]:
    """Every site; korea.kr and the open API read ``releases`` (default: the samples)."""
    source = releases if releases is not None else SampleReleases(catalog.board(KoreaKr.host))
    portal = KoreaKr(source)
    sites: list[Site] = [
        Motir(catalog),
        Mss(catalog),
        portal,
        DataApi(source, portal),
        Fez(catalog),
        Ifez(catalog),
        Bjfez(catalog),
        Gfez(catalog),
        Dgfez(catalog),
        Kicox(catalog),
        Busan(catalog),
        Incheon(catalog),
        Daegu(catalog),
        KoreaNet(catalog),
    ]
    return {site.host: site for site in sites}


def robots_txt(site: Site, crawl_delay: float | None) -> str:
    """Allow everything except the site's own disallowed paths; BJFEZ adds a Crawl-delay."""
    lines = ["User-agent: *"]
    lines += [f"Disallow: {path}" for path in site.robots_disallow] or ["Disallow:"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    return "\n".join(lines) + "\n"
