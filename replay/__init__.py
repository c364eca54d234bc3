"""A local stand-in for the real press rooms: same URL patterns, markup, encodings, over time.

``ReplayServer`` serves every watched site on one loopback port (addressed by a path prefix
``/www.motir.go.kr/…`` or by the Host header), in one of the timeline's states 0-3
(:mod:`.timeline` says exactly what changes), with faults on demand (:mod:`.faults`) and a
control API for other processes (:mod:`.control`). Each site module ``site_*.py`` documents
its URLs and markup, which the spiders' selectors target. ``serve()`` runs it in the
foreground for the CLI; ``ReplayServer(corpus=…)`` serves a real corpus through korea.kr.
"""

from zonewatch.replay.runner import main
from zonewatch.replay.server import LoggedRequest, ReplayServer, serve
from zonewatch.replay.timeline import Change, ChangeKind, expected_changes

__all__ = [
    "Change",
    "ChangeKind",
    "LoggedRequest",
    "ReplayServer",
    "expected_changes",
    "main",
    "serve",
]
