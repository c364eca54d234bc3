"""``python -m bench [NAME ...] [--limit N] [--scale]``: run every benchmark (or those named),
one JSON line each.

``--scale`` runs the large cases instead (each module's ``SCALE_BENCHMARKS``: minutes to
build a million rows), which a plain run leaves out; naming one runs it too. ``--limit``
goes to the benchmarks that take a number of documents (the pipeline and end-to-end runs).
"""

from __future__ import annotations

import argparse
import functools
import importlib
import inspect
import pkgutil
import sys
from pathlib import Path

from bench.harness import Benchmark


def discover() -> tuple[list[Benchmark], list[Benchmark]]:
    """(the everyday benchmarks, the large-scale ones), in module order."""
    everyday: list[Benchmark] = []
    scale: list[Benchmark] = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("bench_"):
            loaded = importlib.import_module(f"bench.{module.name}")
            everyday.extend(loaded.BENCHMARKS)
            scale.extend(getattr(loaded, "SCALE_BENCHMARKS", []))
    return everyday, scale


def selected(names: list[str], scale: bool) -> list[Benchmark]:
    """The named benchmarks (ValueError for an unknown name), or all of the everyday or the
    large-scale set."""
    everyday, large = discover()
    if not names:
        return large if scale else everyday
    chosen = [b for b in everyday + large if b.__name__ in names]
    unknown = set(names) - {b.__name__ for b in chosen}
    if unknown:
        known = ", ".join(b.__name__ for b in everyday + large)
        raise ValueError(f"no benchmark named {', '.join(sorted(unknown))} (known: {known})")
    return chosen


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--limit", type=int, help="documents for the pipeline and end-to-end runs")
    parser.add_argument("--scale", action="store_true", help="run the large cases")
    args = parser.parse_args(argv)
    if args.limit is not None and args.limit < 1:
        parser.error("--limit must be 1 or more")
    try:
        benchmarks = selected(args.names, args.scale)
    except ValueError as exc:
        parser.error(str(exc))
    for benchmark in benchmarks:
        run = benchmark
        if args.limit is not None and "limit" in inspect.signature(benchmark).parameters:
            run = functools.partial(benchmark, limit=args.limit)
        for result in run():
            print(result.json_line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
