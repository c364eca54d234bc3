"""`zonewatch eval` and `zonewatch reclassify` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cli.conftest import Run as Zonewatch

GOLD: list[dict[str, Any]] = [
    {
        "id": "ko-1",
        "lang": "ko",
        "title": "인천경제청, 송도에 바이오 기업 유치",
        "text": "인천경제자유구역청은 송도국제도시에 5,000억 원 규모 투자를 유치했다고 밝혔다.",
        "labels": {
            "entities": ["ifez", "ifez-songdo"],
            "topics": ["investment"],
            "facts": [{"entity": "ifez", "metric": "investment", "value": 5e11, "unit": "KRW"}],
        },
    },
    {
        "id": "en-1",
        "lang": "en",
        "title": "Exports rose in May",
        "text": "Exports of chips rose 12 percent from a year earlier.",
        "labels": {"entities": [], "topics": [], "facts": [{"value": 12, "unit": "percent"}]},
    },
]


def write_gold(tmp_path: Path, documents: list[dict[str, Any]]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text(
        "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents), encoding="utf-8"
    )
    return path


def test_eval_prints_one_json_object_and_writes_predictions(
    tmp_path: Path, zonewatch: Zonewatch
) -> None:
    gold = write_gold(tmp_path, GOLD)
    out = tmp_path / "predictions.jsonl"
    result = zonewatch("eval", "--gold", str(gold), "--json", "--predictions", str(out))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 2
    assert set(report["entities"]) == {"precision", "recall", "f1"}
    assert set(report["facts"]) == {"precision", "recall"}
    assert report["entities"]["recall"] > 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["ko-1", "en-1"]
    assert "ifez" in lines[0]["entities"]
    assert {"entity", "metric", "value", "unit"} <= set(lines[0]["facts"][0])


def test_eval_verbose_lists_misses_per_document(tmp_path: Path, zonewatch: Zonewatch) -> None:
    wrong = [{**GOLD[1], "labels": {**GOLD[1]["labels"], "entities": ["kfez"]}}]
    result = zonewatch("eval", "--gold", str(write_gold(tmp_path, wrong)), "--verbose")
    assert result.returncode == 0, result.stderr
    assert "en-1" in result.stdout
    assert "missed entities: kfez" in result.stdout


def test_eval_rejects_a_bad_gold_file_in_one_line(tmp_path: Path, zonewatch: Zonewatch) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text("not json\n", encoding="utf-8")
    result = zonewatch("eval", "--gold", str(path), check=False)
    assert result.returncode == 2
    assert "gold.jsonl:1: not a gold document" in result.stderr
    assert "Traceback" not in result.stderr


def test_reclassify_on_an_empty_database_examines_nothing(zonewatch: Zonewatch) -> None:
    assert zonewatch("init").returncode == 0
    result = zonewatch("reclassify", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["examined"] == 0
    unknown = zonewatch("reclassify", "--entity", "atlantis", check=False)
    assert unknown.returncode != 0
    assert "unknown entity 'atlantis'" in unknown.stderr
