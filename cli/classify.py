"""``zonewatch eval`` (score the classifier on a gold set) and ``zonewatch reclassify``."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar

import click

from zonewatch.cli.context import CliContext, pass_cli, print_json
from zonewatch.cli.progress import ProgressLine
from zonewatch.errors import NotFoundError
from zonewatch.models.names import resolve_entity_id

FC = TypeVar("FC", bound=Callable[..., Any])

GOLD_FILES = ("train.jsonl", "dev.jsonl")
"""The labelled files ``eval --cv`` and ``train`` use when no --gold is given."""

OWN_LABELS_DIR = "labels"
"""The project's own labelled documents (repo root, beside config/): training-only data that
``train`` and ``eval --cv`` add to the training side when no --gold or --train-only is given."""


def _gold_option(help_text: str) -> Callable[[FC], FC]:
    return click.option(
        "--gold",
        "gold_paths",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help=help_text,
    )


def _eval_dir_option() -> Callable[[FC], FC]:
    return click.option(
        "--eval-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="Folder holding train.jsonl and dev.jsonl, used when no --gold is given "
        "(default: ../shared/eval from the current directory, when it exists).",
    )


def _train_only_options(func: FC) -> FC:
    func = click.option(
        "--no-own-labels",
        is_flag=True,
        help="Do not add the project's own labels/*.jsonl as training-only documents.",
    )(func)
    return click.option(
        "--train-only",
        "train_only_paths",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="Labelled file (JSON Lines) added to the training side only: part of the model, "
        "never scored, in every cross-validation fold. Repeatable. Default when neither --gold "
        "nor --train-only is given: the repository's labels/*.jsonl (see --no-own-labels).",
    )(func)


def _catalogue_option() -> Callable[[FC], FC]:
    return click.option(
        "--catalogue",
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="entities.tsv limiting the scored ids (default: reference/entities.tsv beside the "
        "gold set's folder, when there is one; otherwise every id counts).",
    )


@click.command("eval")
@_gold_option(
    "Gold set, JSON Lines (the format of the evaluation sets); repeat to pool several. "
    "Needed unless --cv finds train.jsonl and dev.jsonl (see --eval-dir)."
)
@_eval_dir_option()
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(min=2),
    help="K-fold cross-validation over the gold documents: the learnt parts (the topic model) "
    "are trained on K-1 folds and score the K-th; rule parts are fixed, not retrained. "
    "Prints ALL, EN and KO.",
)
@_train_only_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--verbose", "-v", is_flag=True, help="Also list misses and false hits per document.")
@click.option(
    "--predictions",
    "predictions_path",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Write what the classifier said, one JSON line per document.",
)
@_catalogue_option()
@pass_cli
def eval_command(
    cli_ctx: CliContext,
    gold_paths: tuple[Path, ...],
    eval_dir: Path | None,
    folds: int | None,
    train_only_paths: tuple[Path, ...],
    no_own_labels: bool,
    as_json: bool,
    verbose: bool,
    predictions_path: Path | None,
    catalogue: Path | None,
) -> None:
    """Score the classifier on a gold set: entities, topics, facts."""
    from zonewatch.classify.classifier import Classifier
    from zonewatch.classify.evaluation import evaluate
    from zonewatch.classify.predict import predict_document

    if not gold_paths and folds is None:
        raise click.UsageError("give --gold FILE (or --cv K to cross-validate train + dev)")
    train_only_paths = _train_only_paths(gold_paths, train_only_paths, no_own_labels)
    if train_only_paths and folds is None:
        raise click.UsageError("--train-only needs --cv (without it nothing is trained)")
    gold_paths = gold_paths or _default_gold(eval_dir)
    documents, kinds, scored_ids = _load_gold(cli_ctx, gold_paths, catalogue)
    classifier = Classifier.build(zones_file=cli_ctx.settings.zones_file)
    if folds is not None:
        extra = _read_train_only(train_only_paths)
        _cross_validate(classifier, documents, folds, kinds, scored_ids, as_json, extra)
        return
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


@click.command("train")
@_gold_option("Labelled file, JSON Lines; repeat for several (default: train.jsonl + dev.jsonl).")
@_eval_dir_option()
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False, writable=True),
    help="Where to write the model (default: the packaged config/topic_model.json).",
)
@click.option(
    "--cv",
    "folds",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Also print K-fold cross-validated figures of the training recipe (0: skip).",
)
@_train_only_options
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@_catalogue_option()
@pass_cli
def train_command(
    cli_ctx: CliContext,
    gold_paths: tuple[Path, ...],
    eval_dir: Path | None,
    output: Path | None,
    folds: int,
    train_only_paths: tuple[Path, ...],
    no_own_labels: bool,
    as_json: bool,
    catalogue: Path | None,
) -> None:
    """Train the topic model on all labelled documents and write it.

    Reproducible: the same files give the same bytes (sorted documents, fixed seeds). Rule
    parts (entities, facts, topic cues) are configuration and are not trained. Training-only
    documents (--train-only, by default the repository's labels/*.jsonl) join the model's
    training data; the printed cross-validation scores the gold files only.
    """
    from zonewatch.classify.classifier import Classifier
    from zonewatch.classify.topic_model import default_model_path, dump_model
    from zonewatch.classify.topic_training import train_topic_model
    from zonewatch.config.topics import load_topics

    train_only_paths = _train_only_paths(gold_paths, train_only_paths, no_own_labels)
    gold_paths = gold_paths or _default_gold(eval_dir)
    documents, kinds, scored_ids = _load_gold(cli_ctx, gold_paths, catalogue)
    extra = _read_train_only(train_only_paths)
    classifier = Classifier.build(zones_file=cli_ctx.settings.zones_file).with_topic_model(None)
    topics = [topic.id for topic in load_topics()]
    model = train_topic_model([*documents, *extra], classifier.topic_classifier, topics)
    target = output or default_model_path()
    target.write_bytes(dump_model(model.as_json()))
    if not as_json:
        click.echo(
            f"wrote {target} ({len(documents)} documents + {len(extra)} training-only, "
            f"{len(model.features)} features)"
        )
    if folds:
        _cross_validate(classifier, documents, folds, kinds, scored_ids, as_json, extra)


def _default_gold(eval_dir: Path | None) -> tuple[Path, ...]:
    folder = eval_dir or Path.cwd().resolve().parent / "shared" / "eval"
    paths = tuple(folder / name for name in GOLD_FILES)
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise click.UsageError(f"no labelled file {', '.join(missing)}: give --gold or --eval-dir")
    return paths


def own_labels_dir() -> Path:
    """``labels/`` at the repository root (beside config/); absent from an installed wheel."""
    from importlib import resources

    return Path(str(resources.files("zonewatch.config"))).parent / OWN_LABELS_DIR


def _train_only_paths(
    gold_paths: tuple[Path, ...], train_only_paths: tuple[Path, ...], no_own_labels: bool
) -> tuple[Path, ...]:
    """The explicit --train-only files, else (default recipe only) the own labels, if any."""
    if train_only_paths or gold_paths or no_own_labels:
        return train_only_paths
    folder = own_labels_dir()
    return tuple(sorted(folder.glob("*.jsonl"))) if folder.is_dir() else ()


def _read_train_only(paths: tuple[Path, ...]) -> list[Any]:
    from zonewatch.classify.evaluation import read_gold

    return [document for path in paths for document in read_gold(path)]


def _load_gold(
    cli_ctx: CliContext, gold_paths: tuple[Path, ...], catalogue: Path | None
) -> tuple[list[Any], dict[str, str], frozenset[str] | None]:
    """Documents of every gold file (in order), entity kinds, and the scored ids."""
    from zonewatch.classify.evaluation import read_catalogue, read_gold
    from zonewatch.config.zones import load_zone_model

    model = load_zone_model(cli_ctx.settings.zones_file)
    catalogue = catalogue or _catalogue_beside(gold_paths[0])
    kinds = {entity.id: str(entity.kind) for entity in model.entities}
    scored_ids = None
    if catalogue is not None:
        listed = read_catalogue(catalogue)
        kinds.update(listed)
        scored_ids = frozenset(listed)
    documents = [document for path in gold_paths for document in read_gold(path)]
    return documents, kinds, scored_ids


def _cross_validate(
    classifier: Any,
    documents: list[Any],
    folds: int,
    kinds: dict[str, str],
    scored_ids: frozenset[str] | None,
    as_json: bool,
    train_only: list[Any] | None = None,
) -> None:
    from zonewatch.classify.evaluation import CV_NOTE, cross_validate
    from zonewatch.classify.topic_training import topic_learner
    from zonewatch.config.topics import load_topics

    topics = [topic.id for topic in load_topics()]
    extra = train_only or []
    learner = topic_learner(classifier, topics)
    result = cross_validate(documents, folds, learner, kinds, scored_ids, train_only=extra)
    if as_json:
        print_json({**result.as_json(), "train_only_documents": len(extra)})
        return
    click.echo(f"{folds}-fold cross-validation ({CV_NOTE})")
    if extra:
        click.echo(f"training side of every fold also has {len(extra)} training-only documents")
    for name, report in result.reports.items():
        click.echo(f"\n[{name.upper()}]")
        _print_report(report, verbose=False)


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
@click.option(
    "--entity",
    "entity_id",
    help="Only versions that name or may name this entity (id or any name).",
)
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
    if entity_id is not None:
        with app.session() as session:
            entity_id = resolve_entity_id(session, entity_id)
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


__all__ = ["eval_command", "reclassify", "train_command"]
