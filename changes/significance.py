"""How much a change deserves a person's attention, in [0, 1], with the signals behind it.

A change first falls into a *band* by what it is; the signals (edit size, facts touched,
topics, source authority, zone entities) then only place it *within* its band. Adding signals
to one sum used to let a festival notice from a ministry outscore a city's 2,000억 investment,
and put both between 0.53 and 0.68; bands keep the kinds of change apart whatever the signals:

==============  ===========  ============================================================
band            score        what lands there
==============  ===========  ============================================================
minor           0.05         spacing, punctuation, particles, analysts' noise: alerts nobody
routine         0.20 – 0.35  notices, events, meetings; attachments; edits without figures
figure          0.50 – 0.70  figures changed; corrections; new releases on investment,
                             incentives, plans, reforms or designations not yet made
designation     0.80 – 1.00  a zone designated, expanded, reduced, renamed or lifted; a
                             model change; a release withdrawn by its publisher
==============  ===========  ============================================================

The gaps between bands (0.15 – 0.20, 0.35 – 0.50, 0.70 – 0.80) are empty on purpose, so a
subscription's ``min_significance`` (compared in ``alerts.matching``) picks whole bands:
0.2 for everything that is not minor, 0.5 for figures and up, 0.8 for designations only.
The signals are stored with the record so that an analyst sees why it scored as it did.
"""

from __future__ import annotations

from collections.abc import Iterable

from zonewatch.models.enums import ChangeKind, ModelAction

MINOR_SCORE = 0.05
BANDS: dict[str, tuple[float, float]] = {
    "minor": (MINOR_SCORE, MINOR_SCORE),
    "routine": (0.2, 0.35),
    "figure": (0.5, 0.7),
    "designation": (0.8, 1.0),
}
# Subscription thresholds that select whole bands (the lower edge of each band).
THRESHOLDS = {name: low for name, (low, _) in BANDS.items()}

# What an event reported in a designation release is: every one of them changes the map.
ZONE_EVENTS = frozenset(
    {
        ModelAction.DESIGNATE,
        ModelAction.EXPAND,
        ModelAction.REDUCE,
        ModelAction.LIFT,
        ModelAction.RENAME,
    }
)
# Topics that make a new release substantive even before a figure changes.
SUBSTANTIVE_TOPICS = frozenset({"designation", "plan", "reform", "incentive", "investment"})
KIND_BANDS = {
    "model_change": "designation",
    "removed_document": "designation",
    "fact_change": "figure",
    "correction": "figure",
    "attachment_added": "routine",
    "attachment_replaced": "routine",
    "attachment_removed": "routine",
}
WEIGHTY_TOPICS = {
    "designation": 0.3,
    "investment": 0.2,
    "plan": 0.15,
    "reform": 0.15,
    "incentive": 0.15,
}
AUTHORITY = {"ministry": 0.2, "agency": 0.15, "fez": 0.1, "city": 0.05, "news": 0.0}
# The sum of signal parts that places a change at the top of its band.
FULL_STRENGTH = 1.0


def band_of(
    kind: str,
    *,
    facts_touched: int = 0,
    topics: Iterable[str] = (),
    event: str | None = None,
    minor: bool = False,
) -> str:
    """The band of a change: what it is, before how much of it there is."""
    if minor:
        return "minor"
    if kind in KIND_BANDS:
        return KIND_BANDS[kind]
    if event in ZONE_EVENTS:
        return "designation"
    if facts_touched:
        return "figure"
    if kind == ChangeKind.NEW_DOCUMENT and SUBSTANTIVE_TOPICS & set(topics):
        return "figure"
    return "routine"


def band_score(band: str, strength: float = 0.0) -> float:
    """A score inside ``band``: its lower edge at strength 0, its upper edge at 1."""
    low, high = BANDS[band]
    return round(low + (high - low) * max(0.0, min(1.0, strength)), 3)


def significance(
    kind: str,
    *,
    changed_share: float = 0.0,
    facts_touched: int = 0,
    topics: Iterable[str] = (),
    correction: bool = False,
    source_tier: str | None = None,
    entities: int = 0,
    minor: bool = False,
    event: str | None = None,
) -> tuple[float, dict[str, object]]:
    """The score of a change and the signals behind it (``event``: the zone event reported)."""
    topic_list = sorted(set(topics))
    band = band_of(kind, facts_touched=facts_touched, topics=topic_list, event=event, minor=minor)
    signals: dict[str, object] = {"kind": kind, "band": band}
    if minor:
        signals["minor"] = True
        return MINOR_SCORE, signals
    parts = {
        "edit_size": min(0.3, changed_share * 0.6),
        "facts": min(0.3, 0.1 * facts_touched),
        "topics": min(0.3, sum(WEIGHTY_TOPICS.get(t, 0.0) for t in topic_list)),
        "correction": 0.2 if correction else 0.0,
        "event_lift": 0.2
        if event == ModelAction.LIFT or kind == ChangeKind.REMOVED_DOCUMENT
        else 0.0,
        "source": AUTHORITY.get(source_tier or "", 0.0),
        "zone_entities": 0.1 if entities else 0.0,
    }
    strength = 0.0
    for name, value in parts.items():
        if value:
            signals[name] = round(value, 3)
            strength += value
    if event:
        signals["event"] = event
    if topic_list:
        signals["topic_list"] = topic_list
    return band_score(band, strength / FULL_STRENGTH), signals


def source_tier(source_id: str | None) -> str | None:
    """The kind of publisher, from the source id's conventional prefix."""
    if not source_id:
        return None
    prefix = source_id.split("-", 1)[0]
    if prefix in ("motir", "motie", "mss", "korea"):
        return "ministry"
    if prefix in ("kfez", "kicox"):
        return "agency"
    if prefix.endswith("fez"):
        return "fez"
    if prefix in ("busan", "incheon", "daegu"):
        return "city"
    return "news"
