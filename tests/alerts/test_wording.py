"""The words readers see for stored ids: kinds, metrics, periods, bands, sources."""

from __future__ import annotations

import pytest

from zonewatch.alerts.wording import (
    Level,
    action_phrase,
    kind_label,
    level_of,
    metric_label,
    period_words,
    source_label,
)
from zonewatch.changes.significance import BANDS, band_score


@pytest.mark.parametrize(
    ("band", "level"),
    [
        ("designation", Level.MAJOR),
        ("figure", Level.NOTABLE),
        ("routine", Level.ROUTINE),
        ("minor", Level.MINOR),
    ],
)
def test_every_score_of_a_band_reads_as_its_word(band: str, level: Level) -> None:
    low, high = BANDS[band]
    for strength in (0.0, 0.5, 1.0):
        assert level_of(band_score(band, strength)) is level
    assert level_of(low) is level
    assert level_of(high) is level


def test_a_score_between_bands_reads_as_the_lower_band() -> None:
    assert level_of(0.42) is Level.ROUTINE
    assert level_of(0.75) is Level.NOTABLE
    assert level_of(0.1) is Level.MINOR


@pytest.mark.parametrize(
    ("metric", "ko", "en"),
    [
        ("target_companies", "목표 입주기업", "target companies"),
        ("investment", "투자", "investment"),
        ("target_km2", "목표 면적", "target area"),
        ("amount", "금액", "amount"),
        ("new_metric_kind", "new metric kind", "new metric kind"),
    ],
)
def test_metric_labels(metric: str, ko: str, en: str) -> None:
    assert metric_label(metric, "ko") == ko
    assert metric_label(metric, "en") == en


@pytest.mark.parametrize(
    ("period", "scope", "ko", "en"),
    [
        ("half", "H1", ("상반기",), ("H1",)),
        ("quarter", "Q2", ("2분기",), ("Q2",)),
        ("month", "M3", ("3월",), ("Mar",)),
        ("plan", "until 2029", ("계획", "2029년까지"), ("planned", "by 2029")),
        ("cumulative", None, ("누적",), ("cumulative",)),
        ("unknown", None, (), ()),
    ],
)
def test_period_words(
    period: str, scope: str | None, ko: tuple[str, ...], en: tuple[str, ...]
) -> None:
    assert period_words(period, scope, "ko") == ko
    assert period_words(period, scope, "en") == en


@pytest.mark.parametrize(
    ("name", "ko", "en"),
    [
        (
            "산업통상부 보도·참고자료 (MOTIR press releases)",
            "산업통상부 보도·참고자료",
            "MOTIR press releases",
        ),
        ("KFEZ PR Center news (English)", "KFEZ PR Center news (English)", None),
        ("Test board", "Test board", None),
        ("부산광역시 (부산)", "부산광역시 (부산)", None),
    ],
)
def test_source_names_in_the_readers_language(name: str, ko: str, en: str | None) -> None:
    assert source_label(name, "ko") == ko
    assert source_label(name, "en") == (en or ko)


def test_an_id_without_words_is_an_error_not_a_label() -> None:
    with pytest.raises(ValueError, match="no reader's label for change kind 'bogus_kind'"):
        kind_label("bogus_kind", "ko")
    with pytest.raises(ValueError, match="no reader's words for model-change action 'teleport'"):
        action_phrase("teleport", "en")
