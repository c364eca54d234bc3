"""``python -m bench [NAME ...]``: run every benchmark (or those named), one JSON line each."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from bench.harness import Benchmark


def discover() -> list[Benchmark]:
    found: list[Benchmark] = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("bench_"):
            found.extend(importlib.import_module(f"bench.{module.name}").BENCHMARKS)
    return found


def main(names: list[str]) -> int:
    for benchmark in discover():
        if names and benchmark.__name__ not in names:
            continue
        for result in benchmark():
            print(result.json_line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
