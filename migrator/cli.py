"""The ``migrator`` command: parses options and calls the library; errors become one clear line."""
from __future__ import annotations

import functools
import json
import logging
import sys
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console
from rich.table import Table

from migrator import __version__
from migrator.errors import MigratorError

err = Console(stderr=True, highlight=False)


def explain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """The library raises, the CLI explains: a MigratorError is one line on stderr and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MigratorError as exc:
            raise click.ClickException(str(exc)) from exc

    return wrapper


def _timezone(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(f"unknown IANA timezone {value!r} (e.g. Europe/Moscow)") from None
    return value


def crawl_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every crawling command takes (crawl, sync, demo)."""
    options = [
        click.option("--timezone", callback=_timezone, help="IANA zone of the site's dates, e.g. Europe/Moscow."),
        click.option("--mapping", type=click.Path(dir_okay=False), help="Site mapping file (TOML)."),
        click.option("--max-pages", type=click.IntRange(min=1), help="Stop scheduling after N pages."),
        click.option("--max-errors", type=click.IntRange(min=0), help="Fail the run past N errors."),
        click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log lines too."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s",
                        datefmt="%H:%M:%S", stream=sys.stderr)
    for handler in logging.root.handlers:
        handler.setLevel(logging.DEBUG if verbose else logging.INFO)


def load(target: str | None, mapping: str | None, timezone: str | None, max_pages: int | None) -> Any:
    """Layered configuration: defaults, platform profile, mapping file, then these flags."""
    from migrator.mapping import load_config

    is_mapping = bool(target and target.endswith(".toml"))
    if target and not is_mapping and not target.startswith(("http://", "https://")):
        raise click.BadParameter(f"{target!r} is neither an http(s) URL nor a .toml mapping file",
                                 param_hint="TARGET")
    config = load_config(mapping or (target if is_mapping else None),
                         start_url=None if is_mapping else target, timezone=timezone)
    if max_pages:
        config = config.with_overrides(max_pages=max_pages)
    return config


def print_summary(summary: Any, db: str) -> None:
    """The end-of-run table: pages, articles by outcome, skipped by reason, errors by reason."""
    table = Table(title=f"run {summary.run_id}: {summary.status} in {summary.seconds:.1f}s", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    table.add_row("pages fetched", str(summary.pages))
    table.add_row("articles", str(summary.articles))
    for name, count in summary.outcomes.items():
        table.add_row(f"  {name}", str(count))
    table.add_row("skipped", str(sum(summary.skipped.values())))
    for name, count in summary.skipped.items():
        table.add_row(f"  {name}", str(count))
    table.add_row("errors", str(summary.error_count))
    for name, count in summary.errors.items():
        table.add_row(f"  {name}", str(count))
    err.print(table)
    err.print(f"database: {db}" + (f" — {summary.message}" if summary.message else ""))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="migrator")
def cli() -> None:
    """Move a website off an old platform: crawl, extract, clean, load, export."""


@cli.command()
@click.argument("target")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file to write.")
@crawl_options
@explain_errors
def crawl(target: str, db: str, timezone: str | None, mapping: str | None, max_pages: int | None,
          max_errors: int | None, verbose: bool) -> None:
    """Crawl TARGET (a start URL or a mapping file), extract, clean and load every article.

    Example: migrator crawl http://old.example.ru/ --db site.db --timezone Europe/Moscow
    """
    from migrator.crawl import run_crawl

    config = load(target, mapping, timezone, max_pages)
    _configure_logging(verbose)
    summary = run_crawl(config, db, command="crawl", max_errors=max_errors, verbose=verbose)
    print_summary(summary, db)
    if not summary.ok:
        sys.exit(1)


@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl.")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: stdout).")
@explain_errors
def export(db: str, fmt: str, output: str) -> None:
    """Export the articles for the new platform, one record per line.

    Example: migrator export --db site.db --format jsonl -o articles.jsonl
    """
    from migrator.export import EXPORTERS
    from migrator.store import Store

    store = Store(db, create=False)
    with click.open_file(output, "w", encoding="utf-8") as out:
        count = EXPORTERS[fmt](store.records(), out)
    err.print(f"exported {count} articles" + ("" if output == "-" else f" to {output}"))


@cli.command()
@click.option("--db", default="migrator-demo.db", show_default=True, type=click.Path(dir_okay=False),
              help="SQLite file to write.")
@click.option("--articles", default=300, show_default=True, type=click.IntRange(min=1),
              help="Size of the generated demo site.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the generated site.")
@click.option("--theme", default="garland", show_default=True, type=click.Choice(["garland", "zen"]))
@click.option("--serve", is_flag=True, help="Only serve the demo site until Ctrl-C.")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log lines too.")
@explain_errors
def demo(db: str, articles: int, seed: int, theme: str, serve: bool, verbose: bool) -> None:
    """Run the whole migration against the bundled demo site and show the result."""
    from migrator.demo.run import run_demo, serve_forever

    if serve:
        serve_forever(articles=articles, seed=seed, theme=theme)
        return
    _configure_logging(verbose)
    report = run_demo(db, articles=articles, seed=seed, theme=theme)
    print_summary(report.summary, db)
    err.print_json(json.dumps({k: v for k, v in report.quality.items() if k != "mismatches"}, ensure_ascii=False))
    err.print("sample record:")
    err.print_json(json.dumps(report.sample, ensure_ascii=False))
    if not report.summary.ok:
        sys.exit(1)


def main() -> None:
    cli(prog_name="migrator")


if __name__ == "__main__":
    main()
