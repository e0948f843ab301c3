"""Counts people read agree: the crawl summary, the `runs` row, `migrator status` and the `errors` table, over a
generated site whose counts are known (dead links, redirect loops, an off-site redirect); every row of the
summary is explained in the README; `--max-pages N` fetches N pages, `--max-errors N` stops at error N+1;
libraries' markup warnings stay out of the default output."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from tests.sites.counted import CountedSite
from tests.sites.server import serve

README = Path(__file__).resolve().parents[1] / "README.md"
SITE = CountedSite(posts=30, duplicates=3, dead=4, loops=2)


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    with serve("127.0.0.1", SITE.route) as running:
        yield running


def _crawl(url: str, db: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    # extraction in the crawl process itself: its libraries' warnings reach the command's own log handler
    env = {**os.environ, "MIGRATOR_EXTRACT_WORKERS": "0"}
    return subprocess.run([sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), *flags],
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def crawled(server: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    db = tmp_path_factory.mktemp("counted") / "site.db"
    done = _crawl(server.url, db)
    assert done.returncode == 0, done.stderr[-3000:]
    return done, db


def summary_rows(stderr: str) -> list[tuple[str, int | None]]:
    """The summary table's rows as (label, count), sub-rows with their two leading spaces."""
    rows = []
    for line in stderr.splitlines():
        cells = [c for c in line.split("│")]
        if len(cells) == 4:
            count = cells[2].strip()
            rows.append((cells[1].rstrip()[1:], int(count) if count.isdigit() else None))
    return rows


def _sections(rows: list[tuple[str, int | None]]) -> dict[str, dict[str, int]]:
    """Top-level label -> its sub-rows (reason -> count); the top-level count under the key ``""``."""
    found: dict[str, dict[str, int]] = {}
    current: dict[str, int] = {}
    for label, count in rows:
        if label.startswith("  "):
            current[label.strip()] = count or 0
        else:
            current = found.setdefault(label, {"": count or 0})
    return found


def test_summary_runs_row_status_and_errors_table_agree(crawled: tuple[subprocess.CompletedProcess[str], Path]
                                                        ) -> None:
    done, db = crawled
    summary = _sections(summary_rows(done.stderr))
    errors = {k: v for k, v in summary["errors"].items() if k}
    # the truth of the site: every dead link once, each loop once (at the URL that closes it)
    assert errors == {"http-404": SITE.dead, "redirect-loop": SITE.loops}, done.stderr[-3000:]
    assert summary["errors"][""] == sum(errors.values())
    assert summary["pages fetched"][""] == SITE.posts + SITE.duplicates + SITE.dead + 2  # and / and /about
    assert summary["skipped: links not followed"]["offsite-redirect"] == 1
    for section in summary.values():  # every total is the sum of its reasons
        if len(section) > 1:
            assert section[""] == sum(v for k, v in section.items() if k), summary

    with sqlite3.connect(db) as conn:
        pages, articles, err, stats = conn.execute("SELECT pages, articles, errors, stats FROM runs").fetchone()
        table = dict(conn.execute("SELECT reason, sum(count) FROM errors WHERE reason != 'offsite-redirect' "
                                  "GROUP BY reason").fetchall())
    assert (pages, articles, err) == (summary["pages fetched"][""], summary["articles"][""], summary["errors"][""])
    assert json.loads(stats)["errors_by_reason"] == errors == table

    status = subprocess.run([sys.executable, "-m", "migrator", "status", "--db", str(db)], capture_output=True,
                            text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    run_row = next(line for line in status.stdout.splitlines() if re.search(r"│\s+1 │ crawl", line))
    cells = [c.strip() for c in run_row.split("│")[1:-1]]
    assert (int(cells[4]), int(cells[8])) == (pages, err)  # pages, err
    by_reason = {cells[0]: int(cells[1]) for line in status.stdout.splitlines()
                 if len(cells := [c.strip() for c in line.split("│")[1:-1]]) == 3 and cells[1].isdigit()
                 and cells[0] in errors}
    assert by_reason == errors


def test_every_row_of_the_summary_is_explained_in_the_readme(crawled: tuple[subprocess.CompletedProcess[str], Path]
                                                           ) -> None:
    text = README.read_text(encoding="utf-8")
    explained = text[text.index("## What the summary counts"):]
    explained = explained[:explained.index("\n## ", 3)]
    labels = [label.split(" (")[0] for label, _ in summary_rows(crawled[0].stderr) if not label.startswith("  ")]
    assert labels and all(f"| {label}" in explained or f", {label} |" in explained for label in labels), labels


def test_max_pages_fetches_exactly_n_pages(server: Any, tmp_path: Path) -> None:
    """The index links to the dead links and the loops first (in URL order): each failure gives its place."""
    done = _crawl(server.url, tmp_path / "site.db", "--max-pages", "12")
    assert done.returncode == 0, done.stderr[-3000:]
    summary = _sections(summary_rows(done.stderr))
    assert summary["pages fetched"][""] == 12, done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "site.db") as conn:
        assert conn.execute("SELECT pages FROM runs").fetchone()[0] == 12
        assert conn.execute("SELECT count(*) FROM pages").fetchone()[0] == 12


def test_max_errors_stops_at_the_error_that_passes_it(tmp_path: Path) -> None:
    many = CountedSite(posts=10, duplicates=0, dead=60, loops=0)  # dead links first: many in flight at once
    with serve("127.0.0.1", many.route) as running:
        done = _crawl(running.url, tmp_path / "site.db", "--max-errors", "3")
    assert done.returncode == 1, done.stderr[-3000:]
    assert "stopped after 4 errors, more than the allowed 3" in done.stderr, done.stderr[-3000:]
    with sqlite3.connect(tmp_path / "site.db") as conn:
        assert conn.execute("SELECT errors, status FROM runs").fetchone() == (4, "failed")
        assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 4


def test_library_markup_warnings_only_with_verbose(server: Any, crawled: tuple[subprocess.CompletedProcess[str], Path],
                                                   tmp_path: Path) -> None:
    """trafilatura warns of every link with no text ("empty link"), on hundreds of a real site's pages."""
    assert "empty link" not in crawled[0].stderr and "trafilatura" not in crawled[0].stderr
    verbose = _crawl(server.url, tmp_path / "site.db", "-v")
    assert verbose.returncode == 0, verbose.stderr[-3000:]
    assert "empty link" in verbose.stderr


def test_progress_line_shows_the_queue_and_the_time_left_and_a_log_file_stays_plain(tmp_path: Path) -> None:
    """Output to a file, COLUMNS unset: one plain line per progress report (no control codes), the sitemap's
    total and the time left at the rate so far."""
    slow = CountedSite(posts=30, duplicates=0, dead=0, loops=0, sitemap=True, slow=2.0)
    log = tmp_path / "crawl.log"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    with serve("127.0.0.1", slow.route) as running, log.open("w") as out:
        code = subprocess.call([sys.executable, "-m", "migrator", "crawl", running.url + "/", "--db",
                                str(tmp_path / "site.db")], stdout=out, stderr=subprocess.STDOUT, env=env, timeout=600)
    text = log.read_text(encoding="utf-8")
    assert code == 0, text[-3000:]
    assert "\x1b" not in text and "\r" not in text
    lines = [line for line in text.splitlines() if "migrator.progress INFO: " in line and " pages (" in line]
    assert lines, text[-3000:]  # posts take two seconds each: the crawl outlasts the first progress report
    assert all(re.search(r"\d+ queued, \d+ articles, \d+ errors$", line) for line in lines), lines
    with_total = [line for line in lines if re.search(r"\d+ of ~3\d pages \(\d+/s, about \d+:\d\d left\)", line)]
    assert with_total, lines


_PROGRESS = re.compile(r"migrator\.progress INFO: (-?\d+) (?:of ~\d+ )?pages \(.*?\), (-?\d+) queued, (-?\d+) articles, "
                       r"(-?\d+) errors$")


def _killed_then_resumed(url: str, db: Path, log: Path, until: Callable[[str], bool]) -> subprocess.CompletedProcess[str]:
    """A crawl killed (SIGKILL) once its log satisfies ``until``, then the same command again: the resumed run."""
    env = {**os.environ, "MIGRATOR_EXTRACT_WORKERS": "0", "MIGRATOR_PROGRESS_INTERVAL": "0.5"}
    command = [sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db), "--timezone", "Europe/Moscow"]
    with log.open("w") as out:
        first = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + 300
            while not until(log.read_text(encoding="utf-8")):
                assert first.poll() is None and time.monotonic() < deadline, log.read_text(encoding="utf-8")[-3000:]
                time.sleep(0.05)
        finally:
            first.kill()
            first.wait()
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env)


def _progress(stderr: str) -> list[tuple[int, int, int, int]]:
    return [tuple(map(int, m.groups())) for m in map(_PROGRESS.search, stderr.splitlines()) if m]  # type: ignore[misc]


def test_a_resumed_runs_progress_counts_the_whole_run(tmp_path: Path) -> None:
    """Killed as its crawl end starts, the run resumes into a crawl end that withdraws the archive listings the first
    part stored as records: its progress lines count the whole run (the summary's pages, articles and errors), never
    a negative number (they counted only the resumed part: "0 pages, -3 articles")."""
    site = DemoSite(SiteSpec(articles=40, archive_items=2, slow_seconds=0.1))
    with DemoServer(site) as server:
        resumed = _killed_then_resumed(server.url, tmp_path / "site.db", tmp_path / "first.log",
                                       lambda text: "crawl end: listings" in text)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming run 1" in resumed.stderr, resumed.stderr[-3000:]
    withdrawn = sqlite3.connect(tmp_path / "site.db").execute("SELECT source_id FROM withdrawals").fetchall()
    assert any(sid.startswith("archive") for (sid,) in withdrawn), withdrawn  # whichever crawl-end step took them
    lines = _progress(resumed.stderr)
    assert lines, resumed.stderr[-3000:]
    assert all(n >= 0 for line in lines for n in line), lines
    summary = _sections(summary_rows(resumed.stderr))
    pages, _, articles, errors = lines[-1]
    assert pages == summary["pages fetched"][""] and errors == summary["errors"][""], (lines, summary)
    assert articles >= summary["articles"][""], (lines, summary)  # the last line may come before the withdrawals


def test_a_resumed_runs_queue_counts_the_frontier_it_takes_back(tmp_path: Path) -> None:
    """Scrapy takes a spider's start requests lazily: the URLs a resumed run takes back from its frontier wait
    outside the scheduler, and the queue showed 0 while hundreds were still to fetch."""
    slow = CountedSite(posts=60, duplicates=0, dead=0, loops=0, slow=0.5)
    with serve("127.0.0.1", slow.route) as running:
        resumed = _killed_then_resumed(running.url, tmp_path / "site.db", tmp_path / "first.log",
                                       lambda text: any(line[0] >= 10 for line in _progress(text)))
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    still = re.search(r"resumed frontier: \d+ URLs known, (\d+) still to fetch", resumed.stderr)
    assert still and int(still.group(1)) > 20, resumed.stderr[-3000:]
    lines = _progress(resumed.stderr)
    assert lines and all(n >= 0 for line in lines for n in line), resumed.stderr[-3000:]
    earlier = re.search(r"resuming run 1, which .* after (\d+) pages", resumed.stderr)
    assert earlier, resumed.stderr[-3000:]
    pages, queued = lines[0][:2]
    # what was still to fetch is queued but for what the resumed part fetched and what is in flight (16 requests
    # at most, and responses waiting for the pipeline)
    assert queued >= int(still.group(1)) - (pages - int(earlier.group(1))) - 32, (lines[0], still.group(0))
