"""``zonewatch eval`` (score the classifier on a gold set) and ``zonewatch reclassify``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TextIO

import click

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.progress import ProgressLine
from zonewatch.errors import NotFoundError


@click.command("eval")
@click.option(
    "--gold",
    "gold_path",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Gold set, JSON Lines (the format of the evaluation sets).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--verbose", "-v", is_flag=True, help="Also list misses and false hits per document.")
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Write what the classifier said, one JSON line per document.",
)
@click.option(
    "--catalogue",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="entities.tsv limiting the scored ids (default: reference/entities.tsv beside the "
    "gold set's folder, when there is one; otherwise every id counts).",
)
@pass_cli
def eval_command(
    cli_ctx: CliContext,
    gold_path: Path,
    as_json: bool,
    verbose: bool,
    predictions_path: Path | None,
    catalogue: Path | None,
) -> None:
    """Score the classifier on a gold set: entities, topics, facts."""
    from zonewatch.classify.classifier import Classifier
    from zonewatch.classify.evaluation import evaluate, read_catalogue, read_gold
    from zonewatch.classify.predict import predict_document
    from zonewatch.config.zones import load_zone_model

    model = load_zone_model(cli_ctx.settings.zones_file)
    classifier = Classifier.build(model=model)
    catalogue = catalogue or _catalogue_beside(gold_path)
    kinds = {entity.id: str(entity.kind) for entity in model.entities}
    scored_ids = None
    if catalogue is not None:
        listed = read_catalogue(catalogue)
        kinds.update(listed)
        scored_ids = frozenset(listed)
    documents = list(read_gold(gold_path))
    out: TextIO | None = (
        predictions_path.open("w", encoding="utf-8") if predictions_path is not None else None
    )
    try:
        report = evaluate(
            documents,
            lambda document: predict_document(classifier, document),
            kinds,
            scored_ids,
            (lambda p: print(json.dumps(p.as_json(), ensure_ascii=False), file=out))
            if out is not None
            else None,
        )
    finally:
        if out is not None:
            out.close()
    if as_json:
        data = report.as_json()
        if verbose:
            data["errors"] = [vars(errors) for errors in report.errors]
        print_json(data)
        return
    _print_report(report, verbose)


def _catalogue_beside(gold_path: Path) -> Path | None:
    candidate = gold_path.resolve().parent.parent / "reference" / "entities.tsv"
    return candidate if candidate.is_file() else None


def _print_report(report: object, verbose: bool) -> None:
    from zonewatch.classify.evaluation import Report

    assert isinstance(report, Report)
    click.echo(f"documents  {report.documents}")
    click.echo(f"{'':10} {'precision':>9} {'recall':>7} {'F1':>7}")
    for name, tally in (("entities", report.entities), ("topics", report.topics)):
        click.echo(f"{name:10} {tally.precision:9.3f} {tally.recall:7.3f} {tally.f1:7.3f}")
    click.echo(f"{'facts':10} {report.facts.precision:9.3f} {report.facts.recall:7.3f}")
    if not verbose:
        return
    for errors in report.errors:
        click.echo(f"\n{errors.id}")
        for family in ("entities", "topics", "facts"):
            missed, false = errors.missed.get(family, []), errors.false.get(family, [])
            if missed:
                click.echo(f"  missed {family}: {', '.join(missed)}")
            if false:
                click.echo(f"  false  {family}: {', '.join(false)}")


@click.command()
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Versions stored on or after.")
@click.option("--entity", "entity_id", help="Only versions that name or may name this entity.")
@click.option("--json", "as_json", is_flag=True)
@pass_cli
def reclassify(
    cli_ctx: CliContext, since: dt.datetime | None, entity_id: str | None, as_json: bool
) -> None:
    """Classify stored versions again after the zone model or the rules changed.

    Idempotent: versions whose findings do not change are left as they are.
    """
    from zonewatch.classify.reclassify import reclassify_versions

    app = cli_ctx.app
    progress = ProgressLine("reclassify")
    try:
        summary = reclassify_versions(
            app, since=since, entity_id=entity_id, on_progress=progress.step
        )
    except LookupError as error:
        raise NotFoundError(str(error)) from error
    finally:
        progress.done()
    if as_json:
        print_json(summary)
        return
    click.echo(
        f"versions examined {summary['examined']}, changed {summary['changed']}"
        + (
            f"; {entity_id}: gained {len(summary['gained'])}, lost {len(summary['lost'])}"
            if entity_id
            else ""
        )
    )


__all__ = ["eval_command", "reclassify"]
