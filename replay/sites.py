"""The served sites by host, and robots.txt (the same shape everywhere, so it lives here)."""

from __future__ import annotations

from zonewatch.replay import (
    site_bjfez,
    site_busan,
    site_daegu,
    site_dgfez,
    site_fez,
    site_gfez,
    site_gsfez,
    site_ifez,
    site_incheon,
    site_kicox,
    site_koreanet,
    site_motir,
    site_mss,
)
from zonewatch.replay.content import Catalog
from zonewatch.replay.pages import Site
from zonewatch.replay.releases import ReleaseSource, SampleReleases
from zonewatch.replay.site_dataapi import DataApi
from zonewatch.replay.site_korea import KoreaKr


def build_sites(
    catalog: Catalog, releases: ReleaseSource | None = None, *, strict: bool = True
) -> dict[str, Site]:
    """Every site; korea.kr and the open API read ``releases`` (default: the samples).

    ``strict`` (the default) keeps the real sites' refusals that stop a non-browser client:
    KICOX's 400 and korea.kr's dropped connection for a User-Agent not starting with
    ``Mozilla/5.0`` (checked by the server), and MOTIR's downloads that always redirect to
    ``/error/500``. ``strict=False`` turns them off, for crawlers that cannot yet cope.
    """
    source = releases if releases is not None else SampleReleases(catalog.board(KoreaKr.HOST))
    portal = KoreaKr(source, strict=strict)
    sites: list[Site] = [
        site_motir.build(catalog, strict=strict),
        site_mss.build(catalog),
        portal,
        DataApi(source, portal),
        site_fez.build(catalog),
        site_ifez.build(catalog),
        site_bjfez.build(catalog),
        site_gfez.build(catalog),
        site_dgfez.build(catalog),
        site_kicox.build(catalog),
        site_busan.build(catalog),
        site_incheon.build(catalog),
        site_daegu.build(catalog),
        site_koreanet.build(catalog),
        site_gsfez.build(),
    ]
    return {site.host: site for site in sites}


def robots_txt(site: Site, crawl_delay: float | None) -> str | None:
    """The site's robots.txt, or None where the site has none (a 404, as at DGFEZ).

    Everything is allowed except the site's own disallowed paths (all of it at GSFEZ);
    BJFEZ adds a Crawl-delay.
    """
    if site.robots == "missing":
        return None
    lines = ["User-agent: *"]
    disallow = ("/",) if site.robots == "deny-all" else site.robots_disallow
    lines += [f"Disallow: {path}" for path in disallow] or ["Disallow:"]
    if crawl_delay is not None:
        lines.append(f"Crawl-delay: {crawl_delay:g}")
    return "\n".join(lines) + "\n"
