"""The benchmark harness: timing helpers and the JSON line every benchmark prints.

Targets are ratios against a baseline measured in the same run on the same machine, so that
numbers stay comparable across machines; no test depends on them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Result:
    name: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    detail: dict[str, float] = field(default_factory=dict)
    """Extra figures behind the value (e.g. megabytes per table), left out when empty."""

    @property
    def ratio(self) -> float:
        return self.value / self.baseline_value if self.baseline_value else float("inf")

    def json_line(self) -> str:
        data = asdict(self)
        data["value"] = round(self.value, 6)
        data["baseline_value"] = round(self.baseline_value, 6)
        data["ratio"] = round(self.ratio, 4)
        if not self.detail:
            del data["detail"]
        return json.dumps(data, ensure_ascii=False)


def best_time(function: Callable[[], object], repeat: int = 5) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by other load."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


Benchmark = Callable[..., list[Result]]
"""A benchmark: called with no arguments (or a `limit`, when it declares one)."""
