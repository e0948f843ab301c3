"""The ``migrator`` command: parses options and calls the library; errors become one clear line."""
from __future__ import annotations

import functools
import inspect
import json
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any, Callable, TextIO, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console
from rich.table import Table

from migrator import __version__, interrupt
from migrator.demo import THEME_NAMES as DEMO_THEMES
from migrator.errors import MigratorError, StoreError


def console(stderr: bool = False) -> Console:
    """A rich console that never wraps lines when its stream is no terminal (cron mail, log files, pipes).

    Rich falls back to 80 columns there, which would break one-line messages in two.
    """
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 10_000
    return Console(stderr=stderr, highlight=False, soft_wrap=True, width=width)


err = console(stderr=True)


def explain_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """The library raises, the CLI explains: a MigratorError is one line on stderr and its exit code (bad
    mapping or database file 2, locked 3, else 1); so is a database or file the system refuses (a locked
    SQLite file 3). With --verbose the traceback follows."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (MigratorError, sqlite3.Error, OSError) as exc:
            if kwargs.get("verbose"):
                logging.getLogger(__name__).exception("%s failed", func.__name__)
            raise _one_line(exc) from exc

    return wrapper


def _one_line(exc: BaseException) -> click.ClickException:
    if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
        error = click.ClickException(f"the database is locked by another process (a crawl or sync?): {exc}")
        error.exit_code = 3  # type: ignore[misc]  # click types it a ClassVar, yet reads it per instance
        return error
    if isinstance(exc, OSError) and exc.filename:
        error = click.ClickException(f"{exc.filename}: {exc.strerror}")
    else:
        error = click.ClickException(str(exc) if isinstance(exc, MigratorError) else f"{type(exc).__name__}: {exc}")
    error.exit_code = getattr(exc, "exit_code", 1)  # type: ignore[misc]  # as above
    return error


def diff_exit_codes(func: Callable[..., Any]) -> Callable[..., Any]:
    """``diff`` exits 2 on any trouble, so that 1 always means "differences found" (a cut-over check in CI)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except click.ClickException as exc:
            exc.exit_code = 2  # type: ignore[misc]  # click types it a ClassVar, yet reads it per instance
            raise

    return wrapper


def _not_locked(db: str) -> None:
    """Exit 3 at once when another run holds the database, before Scrapy is even imported (cron overlaps);
    the run itself takes the lock for good in ``run_crawl``."""
    from migrator.lock import RunLock

    RunLock(db).acquire().release()


def _db_dir(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--db of a command that may create the file: its directory must exist."""
    if value is not None and not Path(value).resolve().parent.is_dir():
        raise click.BadParameter(f"{value}: directory {Path(value).resolve().parent} does not exist")
    return value


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
        click.option("--timezone", callback=_timezone,
                     help="IANA zone of the site's dates, e.g. Europe/Moscow (default: the mapping's timezone, "
                          "else UTC: dates printed without an offset are read as UTC)."),
        click.option("--mapping", type=click.Path(dir_okay=False), help="Site mapping file (TOML)."),
        click.option("--max-pages", type=click.IntRange(min=1),
                     help="Fetch N pages (robots.txt, sitemaps, feeds and failed requests not counted), then stop."),
        click.option("--max-errors", type=click.IntRange(min=0), help="Fail the run at the error that passes N."),
        click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log lines too."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def force_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """crawl's and sync's --force."""
    return click.option("--force", is_flag=True,
                        help="Crawl into a database about another site all the same (it stays about the first).")(func)


#: Libraries whose INFO lines (enabled middlewares, versions...) are noise unless --verbose.
_CHATTY = ("scrapy", "twisted", "py.warnings", "asyncio", "trafilatura", "htmldate", "scrapy_redis")
#: ...and whose warnings too: trafilatura's and htmldate's are about the markup of one page ("empty link", on
#: hundreds of a real site's pages), none changes a record; only their errors pass.
NOISY = ("trafilatura", "htmldate")


def _quiet_libraries(record: logging.LogRecord) -> bool:
    """Libraries' warnings and errors pass as one line: their tracebacks (a refused connection's is 60 lines)
    only with --verbose; the crawl counts and reports each failure itself. Deprecation warnings (scrapy-redis
    calls Scrapy's old APIs) and the markup warnings of :data:`NOISY` only with --verbose."""
    if not record.name.startswith(_CHATTY):
        return True
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    if record.name.startswith(NOISY):
        return record.levelno >= logging.ERROR
    if record.name == "py.warnings" and "DeprecationWarning" in record.getMessage():
        return False
    return record.levelno >= logging.WARNING


def _configure_logging(verbose: bool) -> None:
    """Progress and summary lines on stderr; Scrapy's own lines only with --verbose.

    A handler filter, because Scrapy re-applies its logger levels when a crawl starts.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s: %(message)s",
                        datefmt="%H:%M:%S", stream=sys.stderr)
    for handler in logging.root.handlers:
        handler.setLevel(logging.DEBUG if verbose else logging.INFO)
        if not verbose:
            handler.addFilter(_quiet_libraries)


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
    if not config.start_urls:
        raise click.BadParameter(f"{target} names no start URL: set start_urls in it, or give the URL as TARGET "
                                 "and the file with --mapping", param_hint="TARGET")
    return config


#: Outcomes of a run's article pages that are not among its articles, as the summary names them.
_OTHER_OUTCOMES = {"merged": "merged (another URL of an article counted above)", "gone": "gone (404 or 410)",
                   "still-gone": "still gone", "not-due": "not due for a revisit", "missing": "missing"}


def print_summary(summary: Any, db: str) -> None:
    """The end-of-run table: pages, articles by outcome, skipped by reason, errors by reason. Every count is
    the database's (``migrator status`` shows the same); the README's "What the summary counts" explains each."""
    from migrator.crawl.run import NOT_FOLLOWED

    table = Table(title=f"run {summary.run_id}: {summary.status} in {summary.seconds:.1f}s", show_header=False)
    table.add_column("what", style="bold")
    table.add_column("count", justify="right")
    table.add_row("pages fetched", str(summary.pages))
    table.add_row("articles", str(summary.articles))
    for name in ("new", "updated", "unchanged"):
        if summary.outcomes.get(name):
            table.add_row(f"  {name}", str(summary.outcomes[name]))
    for name, count in summary.outcomes.items():
        if name not in ("new", "updated", "unchanged"):
            table.add_row(_OTHER_OUTCOMES.get(name, name), str(count))
    no_record = {k: n for k, n in summary.skipped.items() if k not in NOT_FOLLOWED}
    not_followed = {k: n for k, n in summary.skipped.items() if k in NOT_FOLLOWED}
    for title, counts in (("skipped: pages that are no article", no_record),
                          ("skipped: links not followed", not_followed)):
        table.add_row(title, str(sum(counts.values())))
        for name, count in counts.items():
            table.add_row(f"  {name}", str(count))
    table.add_row("errors", str(summary.error_count))
    for name, count in summary.errors.items():
        table.add_row(f"  {name}", str(count))
    if getattr(summary, "stages", None):  # a crawl's: where its time went
        from migrator.ingest.stats import STAGES

        table.add_row("seconds by stage", " · ".join(f"{STAGES[k]} {v:.1f}" for k, v in summary.stages.items()))
    err.print(table)
    err.print(f"database: {db}" + (f" — {summary.message}" if summary.message else ""))


class ExampleLast(click.Command):
    """A command whose ``--help`` ends with its examples: the docstring's lines from "Example" on are shown
    after the options, as written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        text = inspect.cleandoc(self.help or "")
        head, sep, examples = text.partition("\nExample")
        if sep:
            self.help, self.epilog = head.rstrip(), "\b\n" + ("Example" + examples).rstrip()


class Migrator(click.Group):
    """The command group: a Ctrl-C (or SIGTERM) that reaches a command as KeyboardInterrupt ends it with one line
    and 128 + the signal's number, instead of click's blank line, "Aborted!" and exit 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(f"{ctx.invoked_subcommand or 'migrator'}: {interrupt.stopped_by()}", err=True)
            sys.exit(interrupt.exit_code() or 130)


@click.group(cls=Migrator, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="migrator")
def cli() -> None:
    """Move a website off an old platform: crawl, extract, clean, load, export."""


cli.command_class = ExampleLast


@cli.command()
@click.argument("target", required=False)
@click.option("--db", required=True, type=click.Path(dir_okay=False), callback=_db_dir, help="SQLite file to write.")
@crawl_options
@force_option
@click.option("--redis", "redis_url", help="Share the crawl over Redis (scrapy-redis), e.g. redis://127.0.0.1:6379/0.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=0, max=64),
              help="With --redis: local worker processes to start (others may join with `migrator worker`).")
@explain_errors
def crawl(target: str | None, db: str, timezone: str | None, mapping: str | None, max_pages: int | None,
          max_errors: int | None, verbose: bool, force: bool, redis_url: str | None, workers: int) -> None:
    """Crawl TARGET (a start URL or a mapping file), extract, clean and load every article.

    The first crawl into --db records its target, mapping and time zone: later runs default to them
    (TARGET may be left out) and refuse another host unless --force.

    The summary counts pages fetched; articles (new, updated, unchanged); merged: pages that were another URL
    of an article already counted; skipped pages that became no record and links never followed, by reason;
    errors by reason. The README's "What the summary counts" says more.

    Example: migrator crawl http://old.example.ru/ --db site.db --timezone Europe/Moscow
    """
    _not_locked(db)
    from migrator.crawl import run_crawl

    site, chosen, config = _crawl_config(db, target, mapping, timezone, max_pages, force)
    _configure_logging(verbose)
    if redis_url:
        from migrator.crawl.distributed import run_distributed

        args = [chosen.target, *_crawl_flags(chosen.timezone, chosen.mapping, max_pages)]
        summary = run_distributed(config, db, redis_url, workers, args, max_errors=max_errors)
    else:
        summary = run_crawl(config, db, command="crawl", max_errors=max_errors, verbose=verbose,
                            flags=_run_flags(chosen, max_pages, max_errors), force=force)
    print_summary(summary, db)
    if not summary.ok:
        sys.exit(1)


def _remembered(db: str) -> dict[str, Any] | None:
    """The site a database file is about (None for a new file, or one that is not a migrator database: the
    command that writes it says so)."""
    from migrator.store import Store

    if not Path(db).is_file():
        return None
    try:
        store = Store(db, create=False, readonly=True)
    except StoreError:
        return None
    try:
        return store.site()
    finally:
        store.close()


def _say_notes(notes: list[str]) -> None:
    for note in notes:
        err.print(note, markup=False, highlight=False)


def _crawl_config(db: str, target: str | None, mapping: str | None, timezone: str | None, max_pages: int | None,
                  force: bool) -> tuple[Any, Any, Any]:
    """A crawl's or sync's (site remembered, flags with its defaults filled in, configuration); another host
    than the remembered one exits 2 unless --force."""
    from migrator.remembered import check_host, defaults

    site = _remembered(db)
    chosen = defaults(site, target, mapping, timezone, writing=True)
    if chosen.target is None:
        raise click.UsageError("give TARGET (a start URL or a mapping file): this database remembers no site yet")
    _say_notes(chosen.notes)
    config = load(chosen.target, chosen.mapping, chosen.timezone, max_pages)
    check_host(site, config, db, force)
    return site, chosen, config


def _run_flags(chosen: Any, max_pages: int | None, max_errors: int | None) -> dict[str, Any]:
    """The flags a first crawl records beside its site."""
    return {"timezone": chosen.timezone, "max_pages": max_pages, "max_errors": max_errors}


# -- cut-over: export, redirects, media ---------------------------------------------------

def new_platform_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options naming the new platform: its base URL and the mapping file's [new_platform]."""
    options = [
        click.option("--new", "new_url", help="Base URL of the new site, e.g. https://new.example.ru"),
        click.option("--mapping", type=click.Path(dir_okay=False),
                     help="Mapping file whose [new_platform] table gives url_pattern, rubrics, rename."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _platform(new_url: str | None, mapping: str | None, store: Any = None) -> Any:
    """The new platform from --new and --mapping; without --mapping, the remembered mapping's ``[new_platform]``
    table, if it has one."""
    from migrator.cutover.newplatform import has_new_platform, load_new_platform

    if mapping is None and store is not None:
        known = (store.site() or {}).get("mapping")
        mapping = known if known and has_new_platform(known) else None
    return load_new_platform(mapping, new_url) if (new_url or mapping) else None


def _say_undated(store: Any, platform: Any) -> None:
    """One line on stderr naming how many records had no date (and, with a new platform, where they go)."""
    undated = store.undated_count()
    if undated:
        where = f": new URLs from {platform.undated_pattern}" if platform is not None else ""
        err.print(f"{undated} articles had no date{where}", markup=False, highlight=False)


@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl.")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "markdown", "wxr", "hugo"]), default="jsonl",
              show_default=True)
@click.option("-o", "--output", type=click.Path(allow_dash=True), default="-",
              help="File to write (default: stdout); for markdown, the directory (default: ./articles); "
                   "for hugo, the site's directory (default: ./hugo-site).")
@new_platform_options
@click.option("--rewrite-links/--no-rewrite-links", default=None,
              help="Point links to old articles at their new URLs (default: on when --new is given).")
@click.option("--list-style", type=click.Choice(["json", "pipe"]), default="json", show_default=True,
              help="CSV: lists as JSON arrays or |-joined (comments are always JSON).")
@click.option("--type", "types", multiple=True, help="Only records of this content type (repeatable), e.g. news.")
@click.option("--media", "media_dir", type=click.Path(file_okay=False, exists=True),
              help="hugo: the directory `migrator media --download` filled; its files go to static/media.")
@explain_errors
def export(db: str, fmt: str, output: str, new_url: str | None, mapping: str | None,
           rewrite_links: bool | None, list_style: str, types: tuple[str, ...], media_dir: str | None) -> None:
    """Export the articles for the new platform: JSON Lines, CSV, Markdown files, WordPress WXR or a Hugo site.

    Example: migrator export --db site.db --format wxr --new https://new.example.ru -o site.xml
    """
    from migrator.cutover.export import export_store
    from migrator.store import Store

    store = Store(db, create=False, readonly=True)
    platform = _platform(new_url, mapping, store)
    rewrite = bool(new_url) if rewrite_links is None else rewrite_links
    if media_dir and fmt != "hugo":
        raise click.UsageError("--media is for --format hugo (the other exports keep the images' old URLs)")
    if fmt == "hugo":
        _export_hugo(store, "hugo-site" if output == "-" else output, platform, rewrite_links is not False,
                     types, media_dir)
        return
    if fmt == "markdown":
        target = "articles" if output == "-" else output
        count = export_store(store, fmt, target, platform=platform, rewrite_links=rewrite, types=types)
    else:
        target = output
        with click.open_file(output, "w", encoding="utf-8") as out:
            count = export_store(store, fmt, cast(TextIO, out), platform=platform, rewrite_links=rewrite, list_style=list_style,
                                 types=types)
    err.print(f"exported {count} articles" + ("" if target == "-" else f" to {target}"))
    _say_undated(store, platform)


def _export_hugo(store: Any, directory: str, platform: Any, rewrite: bool, types: tuple[str, ...],
                 media_dir: str | None) -> None:
    """``export --format hugo``: the site, then what it holds and what Hugo cannot serve, on stderr."""
    from migrator.cutover.hugo import export_hugo

    if platform is None or not platform.base_url:
        raise click.UsageError("--format hugo: give --new URL, or --mapping FILE whose [new_platform] sets base_url "
                               "(Hugo's baseURL)")
    counts = export_hugo(store, directory, platform, rewrite_links=rewrite, types=types, media_dir=media_dir)
    say = functools.partial(err.print, markup=False, highlight=False, soft_wrap=True)
    say(f"exported {counts.posts} articles to {directory} ({counts.aliases} old paths as Hugo aliases); "
        f"build it with: hugo --source {directory}")
    if counts.kept:
        say(f"kept your own {', '.join(counts.kept)} (delete them to get ours)")
    if counts.query_urls:
        say(f"{counts.query_urls} old URLs have a query string (/?q=node/N), which a Hugo alias cannot serve: "
            "map them on the web server (`migrator redirects --format nginx`)")
    if counts.media_copied or counts.media_missing:
        say(f"media: {counts.media_copied} files copied to {directory}/static/media"
            + (f", {counts.media_missing} missing on disk (left at their old URLs)" if counts.media_missing else ""))
    if counts.old_images:
        say(f"{counts.old_images} images still point at the old site: download them with `migrator media "
            "--download DIR` and export with --media DIR")
    _say_undated(store, platform)


@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl.")
@click.option("--new", "new_url",
              help="Base URL of the new site, e.g. https://new.example.ru (default: the mapping's base_url).")
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="Mapping file whose [new_platform] table gives the new URL pattern (and base_url).")
@click.option("--format", "fmt", type=click.Choice(["nginx", "apache", "csv"]), default="nginx", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: stdout).")
@click.option("--loaded", type=click.Choice(["wordpress"]),
              help="To the permalinks a `migrator load` into that platform recorded (--new picks the site when "
                   "several were loaded), not to the mapping's URL pattern.")
@explain_errors
def redirects(db: str, new_url: str, mapping: str | None, fmt: str, output: str, loaded: str | None) -> None:
    """Redirect map of every old URL and alias seen to its new URL.

    Example: migrator redirects --db site.db --new https://new.example.ru --format nginx -o redirects.conf
    """
    from migrator.cutover.redirects import collisions, write_redirects
    from migrator.store import Store

    if loaded:
        _loaded_redirects(db, new_url, fmt, output)
        return
    store = Store(db, create=False, readonly=True)
    platform = _platform(new_url, mapping, store)
    if platform is None or not platform.base_url:
        raise click.UsageError("give --new URL, or --mapping FILE whose [new_platform] table sets base_url")
    with click.open_file(output, "w", encoding="utf-8") as out:
        count = write_redirects(store, platform, fmt, cast(TextIO, out))
    err.print(f"{count} redirects" + ("" if output == "-" else f" written to {output}"))
    _say_undated(store, platform)
    shared = collisions(store, platform)
    if shared:
        err.print(f"[yellow]warning: {len(shared)} new URLs are shared by several articles (make url_pattern finer), "
                  "e.g. " + "; ".join(f"{url} <- {', '.join(ids)}" for url, ids in list(shared.items())[:3]))


def _loaded_redirects(db: str, new_url: str | None, fmt: str, output: str) -> None:
    """``redirects --loaded``: the old URLs to the permalinks of the one (or the --new) load target."""
    from migrator.cutover.newplatform import NewPlatform
    from migrator.cutover.redirects import write_redirects
    from migrator.store import Store

    store = Store(db, create=False, readonly=True)
    targets = store.load_targets()
    chosen = [t for t in targets if not new_url or t == new_url.rstrip("/")]
    if len(chosen) != 1:
        raise click.UsageError(f"{db}: " + ("no load recorded (run `migrator load` first)" if not targets else
                               "loaded into " + ", ".join(targets) + ": pick one with --new URL"))
    with click.open_file(output, "w", encoding="utf-8") as out:
        count = write_redirects(store, NewPlatform(chosen[0]), fmt, cast(TextIO, out), loaded=chosen[0])
    err.print(f"{count} redirects to {chosen[0]}" + ("" if output == "-" else f" written to {output}"))
    missing = store.article_count() - len(store.loaded_links(chosen[0]))
    if missing > 0:
        err.print(f"[yellow]warning: {missing} live articles are not loaded into {chosen[0]}: their URLs are not "
                  "in the map")


@cli.command("load")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl/sync.")
@click.option("--wordpress", "wordpress_url", required=True, help="Base URL of the WordPress, e.g. https://new.example.ru")
@click.option("--user", required=True, help="WordPress login whose Application Password is given.")
@click.option("--password-file", type=click.Path(dir_okay=False, exists=True),
              help="File holding the Application Password (default: $WORDPRESS_APP_PASSWORD).")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Mapping file whose [load] table maps authors, "
                                                                 "terms and gone records.")
@click.option("--dry-run", is_flag=True, help="Only say what would be created, updated or skipped; write nothing.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the summary (counts, requests by method, failures) as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="Tracebacks on errors.")
@explain_errors
def load_into(db: str, wordpress_url: str, user: str, password_file: str | None, mapping: str | None, dry_run: bool,
         json_path: str | None, verbose: bool) -> None:
    """Write every live record into a running WordPress over its REST API: posts, terms, authors, comments,
    images and attachments; idempotent and resumable; gone records become drafts.

    Example: WORDPRESS_APP_PASSWORD='abcd efgh ...' migrator load --db site.db --wordpress https://new.example.ru --user editor
    """
    import os

    from migrator.cutover.load import Loader, load_mapping
    from migrator.cutover.wordpress import WordPressClient
    from migrator.store import Store

    _configure_logging(verbose)
    password = (Path(password_file).read_text(encoding="utf-8").strip() if password_file
                else os.environ.get("WORDPRESS_APP_PASSWORD", "").strip())
    if not password:
        raise click.UsageError("no Application Password: set WORDPRESS_APP_PASSWORD or give --password-file FILE")
    rules = load_mapping(mapping)
    store = Store(db, create=False)
    client = WordPressClient(wordpress_url, user, password)

    def progress(summary: Any, total: int) -> None:
        posts = summary.counts.get("post", {})
        err.print(f"load: {summary.records}/{total} records, {summary.records / max(summary.seconds, 0.001):.1f}/s, "
                  + ", ".join(f"{k} {v}" for k, v in sorted(posts.items())) + f", {summary.writes} writes")

    summary = Loader(store, client, rules, dry_run=dry_run, progress=progress).run()
    _print_load(summary)
    if json_path:
        with click.open_file(json_path, "w", encoding="utf-8") as out:
            json.dump(summary.as_dict(), out, ensure_ascii=False, indent=2)
    if summary.failures:
        raise click.ClickException(f"{len(summary.failures)} records failed (see `loaded.error`), e.g. "
                                   f"{summary.failures[0][1]}: {summary.failures[0][2]}")


def _print_load(summary: Any) -> None:
    for what, kind, key in summary.planned:
        err.print(f"would {what} {kind}: {key}")
    table = Table(title=("dry run: " if summary.dry_run else "") + f"load into {summary.target}: "
                  f"{summary.records} records in {summary.seconds:.1f}s", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    for kind, counts in sorted(summary.counts.items()):
        table.add_row(kind, " · ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    table.add_row("requests", " · ".join(f"{k} {v}" for k, v in sorted(summary.requests.items())) or "0")
    table.add_row("writes", str(summary.writes))
    table.add_row("failed", str(len(summary.failures)))
    err.print(table)


@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl.")
@click.option("--download", "directory", required=True, type=click.Path(file_okay=False),
              help="Directory to download every image and attachment into (resumable).")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(min=1, max=64))
@click.option("--manifest", type=click.Path(dir_okay=False),
              help="Manifest to write (JSON Lines; default: DIR/manifest.jsonl).")
@click.option("--mapping", type=click.Path(dir_okay=False),
              help="Site mapping whose allowed_hosts and [media] hosts may be downloaded from too "
                   "(default: the last crawl's).")
@click.option("--per-host", type=click.IntRange(min=1), default=4, show_default=True,
              help="Connections open to one host at once.")
@click.option("--delay", type=click.FloatRange(min=0), default=0.0, show_default=True,
              help="Seconds between two requests to one host.")
@click.option("--max-bytes", type=click.IntRange(min=1), default=200 * 1024 * 1024, show_default=True,
              help="Largest file downloaded; a bigger one fails.")
@explain_errors
def media(db: str, directory: str, concurrency: int, manifest: str | None, mapping: str | None, per_host: int,
          delay: float, max_bytes: int) -> None:
    """Download every image and attachment (old URL, new path, kind, sha256 in a manifest); skips files
    already downloaded. Only http(s) URLs on the site's hosts or the mapping's [media] hosts are fetched.

    Example: migrator media --db site.db --download media/ --concurrency 8 --mapping site.toml
    """
    from migrator.cutover.media import download_media
    from migrator.store import Store

    _configure_logging(False)
    store = Store(db, create=False)
    config = _offline_config(store, mapping, None)
    counts = download_media(store, directory, concurrency, manifest, hosts=(*config.allowed_hosts, *config.media_hosts),
                            per_host=per_host, delay=delay, max_bytes=max_bytes)
    err.print("media: " + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) if counts
              else "media: no images or attachments")
    if counts.get("failed"):
        sys.exit(1)


@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl.")
@click.option("--new", "new_url", help="Base URL of the new site, e.g. https://new.example.ru")
@click.option("--new-mapping", "--mapping", "mapping", type=click.Path(dir_okay=False),
              help="Mapping file whose [new_platform] table gives the new URL pattern.")
@click.option("--old-base", help="Where the old URLs answer now (scheme and host), if not where they were crawled.")
@click.option("--against-run", type=click.IntRange(min=1),
              help="Instead of a new site: the old site's records as they were after run N, against now.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True), help="Write the report as JSON.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), help="Write the report as one HTML file.")
@click.option("--threshold", default=0.9, show_default=True, type=click.FloatRange(0, 1),
              help="Body similarity (shingle F1) under which an article counts as changed.")
@click.option("--max-pages", default=100_000, show_default=True, type=click.IntRange(min=1),
              help="Stop crawling the new site after N pages.")
@click.option("--concurrency", default=8, show_default=True, type=click.IntRange(min=1, max=64))
@diff_exit_codes
@explain_errors
def diff(db: str, new_url: str | None, mapping: str | None, old_base: str | None, against_run: int | None,
         json_path: str | None, html_path: str | None, threshold: float, max_pages: int, concurrency: int) -> None:
    """Old records against the new site (or an earlier run): missing, changed and mis-redirected articles;
    against a run, also the articles added since and the paragraphs added to an article.

    Broken redirects are counted by kind: not redirected (the old URL answers an error itself), wrong page,
    chain (more than one hop to the right page), loop or error.

    Exit 0: no differences; 1: differences (the reports list them); 2: trouble (bad arguments, no such
    database or run, a file that cannot be written).

    Example: migrator diff --db site.db --new https://new.example.ru --json parity.json --html parity.html
    """
    from migrator.parity.diff import diff_runs, diff_store
    from migrator.store import Store

    if (new_url is None) == (against_run is None):
        raise click.UsageError("give either --new URL (the new site) or --against-run N (an earlier crawl run)")
    store = Store(db, create=False, readonly=True)
    if against_run is not None:
        if not store.has_run(against_run):
            raise StoreError(f"{db}: no run {against_run} to compare with (see `migrator status --db {db}`)")
        report = diff_runs(store, against_run, threshold=threshold).as_dict()
        title = f"Changes: the old site after run {against_run} vs now"
    else:
        report = diff_store(store, _platform(new_url, mapping, store), old_base=old_base, threshold=threshold,
                            concurrency=concurrency, max_pages=max_pages).as_dict()
        title = "Parity: old site vs new"
    store.close()
    write_diff_report(report, json_path, html_path, title)
    if any(report.get(kind) for kind in ("missing", "changed", "broken_redirects", "added")):
        sys.exit(1)


def diff_summary_table(summary: dict[str, Any], title: str | None = None) -> Table:
    """A diff's summary counts, one row each; the broken redirects' kinds found indented below their count."""
    table = Table(title=title, show_header=False)
    for name, count in summary.items():
        if isinstance(count, dict):
            for kind, n in count.items():
                if n:
                    table.add_row(f"  {kind.replace('_', ' ')}", str(n))
        else:
            table.add_row(name, str(count))
    return table


def write_diff_report(report: dict[str, Any], json_path: str | None, html_path: str | None, title: str) -> None:
    """The report as JSON and HTML files, and its summary as a table on stderr."""
    if json_path:
        with click.open_file(json_path, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=1)
    if html_path:
        from migrator.parity.report import render

        Path(html_path).write_text(render(report, title), encoding="utf-8")
    err.print(diff_summary_table(report["summary"], title.lower()))
    if "old_urls" in report:
        err.print(f"old URLs {report['old_urls']['when']}: {report['old_urls']['why']}", soft_wrap=True)
    if html_path:
        err.print(f"HTML report: {Path(html_path).resolve()}", soft_wrap=True)


# -- end of cut-over commands ----------------------------------------------------------------------


@cli.command()
@click.option("--db", default="migrator-demo.db", show_default=True, type=click.Path(dir_okay=False),
              callback=_db_dir, help="SQLite file to write (recreated).")
@click.option("--articles", default=300, show_default=True, type=click.IntRange(min=1),
              help="Size of the generated demo site.")
@click.option("--seed", default=7, show_default=True, type=int, help="Seed of the generated site.")
@click.option("--theme", default="garland", show_default=True, type=click.Choice([*DEMO_THEMES, "random"]),
              help="The Drupal 6 theme the demo site wears; random: drawn from --seed.")
@click.option("--zoo", is_flag=True, help="Draw the site's markup (fields, labels, node ids, modules) from --seed.")
@click.option("--serve", is_flag=True, help="Only serve the demo site until Ctrl-C.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(min=0, max=65535),
              help="With --serve: the local port to serve on (0: any free one).")
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's own log lines too.")
@explain_errors
def demo(db: str, articles: int, seed: int, theme: str, zoo: bool, serve: bool, port: int, verbose: bool) -> None:
    """Run the whole migration against the bundled demo site and show the result.

    Examples: migrator demo --articles 100
              migrator demo --serve --port 8000    # just serve the demo site (then crawl it)
              migrator demo --zoo --theme random --seed 14   # another Drupal site of the zoo
    """
    from migrator.demo.run import run_demo, serve_forever

    if serve:
        serve_forever(articles=articles, seed=seed, theme=theme, zoo=zoo, port=port)
        return
    _configure_logging(verbose)
    report = run_demo(db, articles=articles, seed=seed, theme=theme, zoo=zoo)
    print_summary(report.summary, db)
    err.print_json(json.dumps({k: v for k, v in report.quality.items() if k != "mismatches"}, ensure_ascii=False))
    err.print("sample record:")
    err.print_json(json.dumps(report.sample, ensure_ascii=False))
    if report.parity:
        err.print("parity: the export vs its new-platform counterpart", soft_wrap=True)
        err.print(diff_summary_table(report.parity))
        err.print(f"HTML report: {report.parity_html}", soft_wrap=True)
    if not report.summary.ok:
        sys.exit(1)


# -- scheduled sync and status ----------------------------------------------------------


@cli.command()
@click.argument("target", required=False)
@click.option("--db", required=True, type=click.Path(dir_okay=False), callback=_db_dir,
              help="SQLite file of earlier crawls.")
@click.option("--report", type=click.Path(dir_okay=False),
              help='Write {"new": [urls], "updated": [urls], "gone": [urls], "unchanged": N} here (JSON).')
@crawl_options
@force_option
@explain_errors
def sync(target: str | None, db: str, report: str | None, timezone: str | None, mapping: str | None,
         max_pages: int | None, max_errors: int | None, verbose: bool, force: bool) -> None:
    """Re-crawl TARGET cheaply and record what was added, edited or removed since the last run.

    Known articles are asked with If-None-Match / If-Modified-Since; listings, feeds and sitemaps
    are fetched in full. TARGET, --mapping and --timezone default to what the first crawl recorded.
    Prints one summary line (warnings only, unless -v). Exit 0: the run finished; 1: it failed or
    passed --max-errors; 2: bad arguments, or another site than the database's (without --force);
    3: another run holds the lock.

    Example: migrator sync http://old.example.ru/ --db site.db --report changes.json
    """
    _not_locked(db)
    from migrator.crawl import run_crawl

    _, chosen, config = _crawl_config(db, target, mapping, timezone, max_pages, force)
    _configure_logging(verbose)
    if not verbose:  # cron mails whatever is printed: keep it to warnings and the summary line
        for handler in logging.root.handlers:
            handler.setLevel(logging.WARNING)
    summary = run_crawl(config, db, command="sync", mode="sync", max_errors=max_errors, verbose=verbose,
                        flags=_run_flags(chosen, max_pages, max_errors), force=force)
    if report:
        _write_report(Path(report), summary.report)
    click.echo(summary.line(), err=True)
    if not summary.ok:
        sys.exit(1)


def _write_report(path: Path, report: dict[str, Any]) -> None:
    """Exactly the four keys, written whole (a reader never sees half a file)."""
    data = {key: report.get(key, [] if key != "unchanged" else 0) for key in ("new", "updated", "gone", "unchanged")}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


@cli.command()
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl/sync.")
@click.option("--runs", "limit", default=10, show_default=True, type=click.IntRange(min=1), help="Runs to list.")
@click.option("--skipped", "reason", metavar="REASON",
              help="Only list the URLs of the stored pages skipped for REASON (as the skipped table shows it).")
@explain_errors
def status(db: str, limit: int, reason: str | None) -> None:
    """Articles by state, the last runs with their counts, errors of the last run by reason, the stored pages
    that became no record by reason.

    Example: migrator status --db site.db
    Example: migrator status --db site.db --skipped 'user or login page'
    """
    from migrator.store import Store

    store = Store(db, create=False, readonly=True)
    if reason is not None:
        urls = store.skipped_urls(reason)
        if not urls:
            known = ", ".join(repr(r) for _, r, _ in store.skipped_reasons()[:5]) or "none"
            raise click.ClickException(f"no stored page was skipped for {reason!r} (reasons: {known})")
        click.echo("\n".join(urls))
        return
    info = store.status(limit)
    out = console()
    states = Table(title="articles")
    states.add_column("state")
    states.add_column("count", justify="right")
    for state, count in info["articles"].items():
        states.add_row(state or "?", str(count))
    out.print(states)
    runs = Table(title=f"last {limit} runs")
    for name in ("run", "command", "status", "started (UTC)", "pages", "new", "upd", "gone", "err"):
        runs.add_column(name, justify="left" if name in ("command", "status", "started (UTC)") else "right",
                        no_wrap=True)
    for run in info["runs"]:
        changes = run["changes"]
        started = (run["started_at"] or "")[:16].replace("T", " ")
        runs.add_row(str(run["id"]), run["command"], run["status"], started, str(run["pages"] or 0),
                     str(changes.get("new", 0)), str(changes.get("updated", 0)), str(changes.get("gone", 0)),
                     str(run["errors"] or 0))
    out.print(runs)
    if info["validators"]:  # learned by syncs (spiders.revisit): which validators each site is asked with
        chosen = Table(title="validators a sync sends, by site")
        for name in ("site", "validators", "run", "why"):
            chosen.add_column(name, justify="right" if name == "run" else "left")
        for row in info["validators"]:
            chosen.add_row(row["host"], row["choice"], str(row["run_id"] or ""), row["reason"] or "")
        out.print(chosen)
    errors = Table(title="errors of the last run, by reason")
    for name in ("reason", "count", "urls"):
        errors.add_column(name, justify="left" if name == "reason" else "right")
    for reason, count, urls in info["errors"]:
        errors.add_row(reason, str(count), str(urls))
    out.print(errors)
    _status_types_and_withdrawals(out, info)


def _status_types_and_withdrawals(out: Any, info: dict[str, Any]) -> None:
    """Live records per content type with a sample URL; the latest withdrawals by reason, every URL listed."""
    types = Table(title="live records by type")
    for name in ("type", "count", "sample url"):
        types.add_column(name, justify="right" if name == "count" else "left")
    for kind, count, url in info["types"]:
        types.add_row(kind, str(count), url)
    out.print(types)
    withdrawn = Table(title="withdrawn by the last run that withdrew any (undo: \\[clean] keep)")
    for name in ("reason", "count", "urls"):
        withdrawn.add_column(name, justify="right" if name == "count" else "left")
    for reason, urls in info["withdrawn"].items():
        withdrawn.add_row(reason, str(len(urls)), "\n".join(urls))
    out.print(withdrawn)
    skipped = Table(title="skipped: stored pages that are no record, by reason (their URLs: --skipped REASON)")
    for name in ("kind", "reason", "pages"):
        skipped.add_column(name, justify="right" if name == "pages" else "left")
    for kind, why, count in info["skipped"]:
        skipped.add_row(kind, why, str(count))
    out.print(skipped)


# -- offline extraction, rulebook, re-cleaning ---------------------------------------------


@cli.command("extract")
@click.argument("pages", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--url", help="URL the pages were served at (default: each file's file:// URL).")
@click.option("--timezone", callback=_timezone, help="IANA zone of the pages' dates, e.g. Europe/Moscow.")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Site mapping file (TOML).")
@explain_errors
def extract_pages(pages: tuple[str, ...], url: str | None, timezone: str | None, mapping: str | None) -> None:
    """Extract saved pages (HTML, or gzipped HTML) without crawling: one JSON record per line.

    Each line has a `file` key, the record keys of the export, the page's `kind` and `warnings` (what the
    input limits cut); a page that is no article still prints, with its main text (if any) in `body_text`.
    A file that cannot be read (broken gzip, too large) prints with `kind` "error" and an `error` key;
    the others are extracted, and the exit code is 1.

    Example: migrator extract page.html.gz --url http://old.example.ru/node/8 --timezone Europe/Moscow
    """
    from migrator.mapping import load_config
    from migrator.offline.extract import extract_files

    config = load_config(mapping, timezone=timezone)
    failed = 0
    for record in extract_files((Path(p) for p in pages), config, url):
        failed += "error" in record
        click.echo(json.dumps(record, ensure_ascii=False))
    if failed:
        raise click.ClickException(f"{failed} of {len(pages)} files could not be read (see their 'error' key)")



def _offline_config(store: Any, mapping: str | None, timezone: str | None) -> Any:
    """The configuration the database remembers (the first crawl's mapping and zone), unless these flags say
    otherwise."""
    from migrator.mapping import load_config
    from migrator.remembered import defaults

    chosen = defaults(store.site(), None, mapping, timezone)
    _say_notes(chosen.notes)
    return load_config(chosen.mapping, timezone=chosen.timezone)


@cli.command("learn")
@click.argument("target", required=False)
@click.option("--db", required=True, type=click.Path(dir_okay=False), callback=_db_dir,
              help="SQLite file written by crawl (with TARGET: the file to crawl into first).")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False),
              help="Rulebook to write (default: <mapping>.rules.toml, else <db>.rules.toml).")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Site mapping file (default: the last crawl's).")
@click.option("--timezone", callback=_timezone, help="With TARGET: IANA zone of the site's dates.")
@explain_errors
def learn_rules(target: str | None, db: str, rules_file: str | None, mapping: str | None,
                timezone: str | None) -> None:
    """Write the boilerplate rules learned from a crawled corpus into a reviewable rulebook (TOML).

    Each rule gives the exact text, how many pages it stands in, their share, a sample URL and
    status = "proposed"; set "accepted" or "rejected" by hand. Statuses already in the file stay.
    With TARGET (a start URL or a mapping file), the site is crawled into --db first.

    Examples: migrator learn --db site.db --rules mappings/site.rules.toml
              migrator learn http://old.example.ru/ --db site.db
    """
    from migrator.rulebook import rules_path, update_rulebook
    from migrator.store import Store

    if target:
        from migrator.crawl import run_crawl

        _configure_logging(False)
        summary = run_crawl(load(target, mapping, timezone, None), db, command="crawl")
        print_summary(summary, db)
        if not summary.ok:
            sys.exit(1)
    store = Store(db, create=False)
    path = rules_path(_offline_config(store, mapping, None), db, rules_file)
    rules, new = update_rulebook(store, path)
    for template in store.template_rows():  # learned places the pages' own evidence contradicts
        for section, found in sorted((template.get("fields") or {}).items()):
            for name, reason in sorted((found or {}).get("dropped", {}).items()):
                err.print(f"warning: template {template['xpath']} ({section}): learned {name} dropped, {reason}; "
                          "its pages keep the single-page extractor's")
    by_status = {s: sum(1 for r in rules if r.status == s) for s in ("proposed", "accepted", "rejected")}
    err.print(f"{len(rules)} rules ({new} new; " + ", ".join(f"{n} {s}" for s, n in by_status.items())
              + f") written to {path}")


@cli.command("reclean")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="SQLite file written by crawl.")
@click.option("--rules", "rules_file", type=click.Path(dir_okay=False),
              help="Rulebook to apply (default: <mapping>.rules.toml, else <db>.rules.toml, if present).")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Site mapping file (default: the last crawl's).")
@click.option("--timezone", callback=_timezone, help="IANA zone of the site's dates (default: the last crawl's).")
@click.option("--dry-run", is_flag=True, help="Only report what would change; write nothing.")
@click.option("--samples", default=3, show_default=True, type=click.IntRange(min=0),
              help="How many before/after diffs to print.")
@explain_errors
def reclean_db(db: str, rules_file: str | None, mapping: str | None, timezone: str | None, dry_run: bool,
               samples: int) -> None:
    """Re-run extraction and cleaning over the stored raw pages, without fetching; update the records.

    Prints sample unified diffs of body_text (stdout) and how many records changed (stderr): the
    impact of a rule change across the whole corpus, before anyone accepts it (--dry-run).

    Exit 3 when a crawl or sync holds the database.

    Example: migrator reclean --db site.db --rules site.rules.toml --dry-run
    """
    from migrator.lock import RunLock
    from migrator.offline.reclean import reclean
    from migrator.rulebook import Rulebook
    from migrator.store import Store

    store = Store(db, create=False, readonly=dry_run)
    config = _offline_config(store, mapping, timezone)
    rulebook = Rulebook.for_run(config, db, rules_file)
    if dry_run:
        report = reclean(store, config, rulebook, dry_run=True, samples=samples)
    else:
        with RunLock(db):  # it rewrites records: not beside a crawl or sync of the same database (exit 3)
            report = reclean(store, config, rulebook, dry_run=False, samples=samples)
    for diff in report.diffs:
        click.echo(diff)
    err.print(report.line(), soft_wrap=True)


# -- end of offline commands ------------------------------------------------------------------------


# -- distributed crawl over Redis -----------------------------------------------------------

def _crawl_flags(timezone: str | None, mapping: str | None, max_pages: int | None) -> list[str]:
    """The crawl options a worker needs to read the site the same way."""
    flags = []
    for name, value in (("--timezone", timezone), ("--mapping", mapping), ("--max-pages", max_pages)):
        if value is not None:
            flags += [name, str(value)]
    return flags


@cli.command()
@click.argument("target")
@click.option("--redis", "redis_url", required=True, help="The Redis of the crawl, e.g. redis://host:6379/0.")
@click.option("--key", help="The crawl's Redis key prefix (default: derived from the target, as `crawl --redis` does).")
@click.option("--timezone", callback=_timezone, help="IANA zone of the site's dates, e.g. Europe/Moscow.")
@click.option("--mapping", type=click.Path(dir_okay=False), help="Site mapping file (TOML).")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop scheduling after N pages.")
@explain_errors
def worker(target: str, redis_url: str, key: str | None, timezone: str | None, mapping: str | None,
           max_pages: int | None) -> None:
    """Join a distributed crawl of TARGET: fetch from the shared Redis frontier, push items to its loader.

    Example: migrator worker http://old.example.ru/ --redis redis://10.0.0.5:6379/0
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from migrator.crawl.distributed import connect, namespace
    from spiders.distributed import worker_settings
    from spiders.site import SiteSpider

    config = load(target, mapping, timezone, max_pages)
    connect(redis_url).close()  # nothing there: one line and exit 1, before Scrapy starts
    _configure_logging(False)
    for name in ("scrapy", "py.warnings", "asyncio", "twisted", "scrapy_redis"):
        logging.getLogger(name).setLevel(logging.WARNING)
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.set("LOG_INSTALL_ROOT_HANDLER", False, priority="cmdline")
    settings.setdict(worker_settings(redis_url, key or namespace(config)), priority="cmdline")
    process = CrawlerProcess(settings)
    process.crawl(SiteSpider, config=config)
    process.start()


def main() -> None:
    """The command, with SIGINT and SIGTERM ending it within seconds (exit 130 / 143, see migrator.interrupt)."""
    interrupt.install()
    try:
        cli(prog_name="migrator")
    except SystemExit as exc:
        if interrupt.received() and exc.code not in (0, None):
            sys.exit(interrupt.exit_code())
        raise


if __name__ == "__main__":
    main()
