"""How much validating the zone model costs over parsing its YAML."""

from __future__ import annotations

import yaml

from bench.harness import Result, best_time
from zonewatch.config.zones import default_zones_path, load_zone_model


def zone_model_load() -> list[Result]:
    path = default_zones_path()
    text = path.read_text(encoding="utf-8")
    full = best_time(lambda: load_zone_model(path))
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = best_time(lambda: yaml.load(text, Loader=loader))
    return [
        Result(
            name="zone_model_load",
            value=full * 1000,
            unit="ms",
            baseline=f"yaml.load ({loader.__name__}) of the same file",
            baseline_value=raw * 1000,
        )
    ]


BENCHMARKS = [zone_model_load]
