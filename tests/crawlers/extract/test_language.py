from __future__ import annotations

import pytest

from zonewatch.crawlers.extract import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("인천경제자유구역청은 송도에 바이오 클러스터를 조성한다.", "ko"),
        ("산업통상부, ICT R&D 5G AI 반도체 IFEZ KFEZ 투자 확대 발표", "ko"),
        ("과기정통부는 AI·SW 분야 R&D 예산 1조 원을 확정했다.", "ko"),
        ("The Incheon Free Economic Zone opened a new biotech campus.", "en"),
        ("Incheon Free Economic Zone Authority (인천경제자유구역청) announced a plan.", "en"),
        ("Minister Kim (김정관) met investors in Songdo on Monday to discuss incentives.", "en"),
        (
            "문화재청은 유네스코와 협정을 체결하였다. 양 기관은 무형유산 보호에 협력한다.\n\n"
            "The Cultural Heritage Administration signed an agreement with UNESCO on "
            "intangible heritage.",
            "ko",
        ),
        ("", "und"),
        ("   \n\t", "und"),
        ("2026-03-02 1,234 (044) 203-5114", "und"),
        ("经济特区", "und"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected


def test_long_text_is_fast_enough() -> None:
    assert detect_language("경제자유구역 " * 200_000) == "ko"
