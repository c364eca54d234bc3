"""How much a change deserves a person's attention, in [0, 1], with the signals behind it.

A base per kind, raised by the size of the edit, facts touched, topics that matter to zone
watchers, a correction, and the authority of the source; a minor edit is near zero. The
signals are stored with the record so that an analyst sees why it scored as it did.
"""

from __future__ import annotations

from collections.abc import Iterable

BASE = {
    "new_document": 0.45,
    "changed_document": 0.35,
    "removed_document": 0.55,
    "attachment_added": 0.3,
    "attachment_replaced": 0.4,
    "attachment_removed": 0.3,
    "correction": 0.6,
    "fact_change": 0.55,
    "model_change": 0.7,
}
WEIGHTY_TOPICS = {"designation": 0.15, "plan": 0.08, "reform": 0.08, "incentive": 0.05}
AUTHORITY = {"ministry": 0.1, "agency": 0.07, "fez": 0.05, "city": 0.03, "news": 0.0}
MINOR_SCORE = 0.05


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
) -> tuple[float, dict[str, object]]:
    topic_list = sorted(set(topics))
    signals: dict[str, object] = {"kind": kind, "base": BASE.get(kind, 0.3)}
    if minor:
        signals["minor"] = True
        return MINOR_SCORE, signals
    score = BASE.get(kind, 0.3)
    parts = {
        "edit_size": min(0.2, changed_share * 0.5),
        "facts": min(0.2, 0.08 * facts_touched),
        "topics": min(0.2, sum(WEIGHTY_TOPICS.get(t, 0.0) for t in topic_list)),
        "correction": 0.15 if correction else 0.0,
        "source": AUTHORITY.get(source_tier or "", 0.0),
        "zone_entities": 0.05 if entities else 0.0,
    }
    for name, value in parts.items():
        if value:
            signals[name] = round(value, 3)
            score += value
    if topic_list:
        signals["topic_list"] = topic_list
    return round(min(1.0, score), 3), signals


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
