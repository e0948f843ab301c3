"""Scheduled sync end to end: conditional re-crawls, the change report, tombstones, the lock, and
crash safety (SIGKILL at seeded-random points, then a rerun that resumes the frontier).

Every crawl runs as a subprocess (``python -m migrator …``): Scrapy's reactor starts once per process.
Each test serves its own demo site, so its server-side hit counts are its own.
"""
from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timezone
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from tests.helpers import migrator


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "migrator", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def export(db: Path) -> list[dict[str, Any]]:
    proc = migrator("export", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return [{k: v for k, v in json.loads(line).items() if k != "fetched_at"} for line in proc.stdout.splitlines()]


def pick_mutations(site: DemoSite, seed: int) -> tuple[tuple[int, ...], int]:
    """Three edited articles and one removed one, away from the site's deliberate faults and from hidden
    articles (removing an article next to a hidden one moves the link to it, an edit of a neighbour)."""
    special = {*site.specials.transient, site.specials.slow, site.specials.loop_linker, *site.specials.dead_linkers}
    calm = [i for i in range(2, site.n - 2)
            if i not in special and not site.hidden(i) and not site.hidden(i - 1) and not site.hidden(i + 1)]
    rng = random.Random(seed)
    chosen = rng.sample(calm, 4)
    return tuple(site.nid(i) for i in chosen[:3]), site.nid(chosen[3])


def live_articles(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM articles WHERE state = 'live'").fetchone()[0]


@pytest.mark.parametrize("spec", [
    SiteSpec(slow_seconds=0.2),  # the demo site as bundled: 300 articles, seed 7, Garland
    SiteSpec(seed=23, articles=150, theme="zen", archive_items=10, slow_seconds=0.2),  # a differently generated site
], ids=["demo", "other-site"])
def test_sync_reports_exactly_what_changed(spec: SiteSpec, tmp_path: Path) -> None:
    db, report = tmp_path / "site.db", tmp_path / "report.json"
    first = DemoSite(spec)
    edited, removed = pick_mutations(first, spec.seed)
    with DemoServer(first) as server:
        base, port = server.url, int(server.url.rsplit(":", 1)[1])
        proc = migrator("crawl", base + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        assert proc.returncode == 0, proc.stderr[-3000:]
    before = live_articles(db)

    later = SiteSpec(**{**spec.__dict__, "edited": edited, "added": 2, "removed": (removed,), "version": 1})
    site = DemoSite(later)
    with DemoServer(site, port=port) as server:
        proc = migrator("sync", base + "/", "--db", str(db), "--timezone", "Europe/Moscow", "--report", str(report))
        hits = server.hits
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(report.read_text())
    assert list(got) == ["new", "updated", "gone", "unchanged"]
    url = lambda nid: base + site.alias(site.index_of(nid))  # noqa: E731
    assert got["new"] == sorted(base + site.alias(i) for i in (site.n, site.n + 1))
    assert got["updated"] == sorted(map(url, edited))
    assert got["gone"] == [url(removed)]
    assert got["unchanged"] == before - len(edited) - 1
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith("sync run 2 finished: 2 new, 3 updated, 1 gone,"), proc.stderr[-2000:]

    # Unchanged articles are answered 304, counted on the server.
    changed = {*edited, removed}
    paths = {site.alias(i) for i in range(site.n) if site.live(i) and site.nid(i) not in changed}
    statuses = [status for (path, status), n in hits.items() if path in paths for _ in range(n)]
    share = statuses.count(304) / len(statuses)
    assert share >= 0.9, share

    # The tombstone keeps its evidence; nothing was deleted.
    with sqlite3.connect(db) as conn:
        state, gone_at, reason = conn.execute("SELECT state, gone_at, gone_reason FROM articles WHERE url = ?",
                                              [url(removed)]).fetchone()
        changes = conn.execute("SELECT change, count(*) FROM changes WHERE run_id = 2 GROUP BY change").fetchall()
    assert state == "gone" and gone_at and "http-404" in reason
    assert dict(changes) == {"new": 2, "updated": 3, "gone": 1}


def test_counters_and_sidebars_are_not_edits_and_gone_comes_back(tmp_path: Path) -> None:
    """Full re-fetches (validators wiped) of a site whose view counters and sidebars changed: no edits.
    An article removed, then restored: gone, then live again and counted as updated."""
    db, report = tmp_path / "site.db", tmp_path / "report.json"
    spec = SiteSpec(articles=60, slow_seconds=0.1)
    _, removed = pick_mutations(DemoSite(spec), 5)
    with DemoServer(DemoSite(spec)) as server:
        base, port = server.url, int(server.url.rsplit(":", 1)[1])
        assert migrator("crawl", base + "/", "--db", str(db)).returncode == 0
    with DemoServer(DemoSite(SiteSpec(articles=60, slow_seconds=0.1, version=1, removed=(removed,))), port=port):
        assert migrator("sync", base + "/", "--db", str(db), "--report", str(report)).returncode == 0
    assert len(json.loads(report.read_text())["gone"]) == 1
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE pages SET headers = '{}'")  # no validators: every article comes back in full
    with DemoServer(DemoSite(SiteSpec(articles=60, slow_seconds=0.1, version=2)), port=port) as server:
        proc = migrator("sync", base + "/", "--db", str(db), "--report", str(report))
        assert server.count_304() == 0
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(report.read_text())
    assert got["new"] == [] and got["gone"] == [] and len(got["updated"]) == 1, got
    assert got["unchanged"] == live_articles(db) - 1


def test_status_shows_states_runs_and_errors(tmp_path: Path) -> None:
    """A whole small site (its dead links and redirect loop included), not the first pages of a big one:
    which pages come first depends on timing."""
    db = tmp_path / "site.db"
    with DemoServer(DemoSite(SiteSpec(articles=30, archive_items=4, slow_seconds=0.2))) as server:
        assert migrator("crawl", server.url + "/", "--db", str(db)).returncode == 0
    proc = migrator("status", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    assert "articles" in proc.stdout and "live" in proc.stdout
    assert "crawl" in proc.stdout and "finished" in proc.stdout
    assert "http-404" in proc.stdout and "redirect-loop" in proc.stdout
    assert migrator("status", "--db", str(tmp_path / "none.db")).returncode == 2


def test_second_run_on_a_locked_database_exits_at_once(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    with DemoServer(DemoSite(SiteSpec(articles=40, slow_seconds=4.0))) as server:
        first = spawn("sync", server.url + "/", "--db", str(db))
        lock = Path(f"{db}.lock")
        deadline = time.monotonic() + 30
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        second = migrator("sync", server.url + "/", "--db", str(db))
        first_still_running = first.poll() is None  # the second gave up at once instead of waiting for the lock
        _, first_err = first.communicate(timeout=120)
    assert second.returncode == 3
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and "another crawl or sync is running" in lines[0] and str(first.pid) in lines[0]
    assert first_still_running
    assert first.returncode == 0, first_err[-3000:]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, status FROM runs").fetchall() == [(1, "finished")]


def test_sigkill_at_five_points_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    spec = SiteSpec(articles=40, archive_items=8, slow_seconds=0.2)
    with DemoServer(DemoSite(spec)) as server:
        target = server.url + "/"
        reference = tmp_path / "reference.db"
        assert migrator("crawl", target, "--db", str(reference)).returncode == 0
        expected = export(reference)
        with sqlite3.connect(reference) as conn:
            total_pages = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
        rng = random.Random(20240611)
        points = sorted(rng.sample(range(1, int(total_pages * 0.9)), 5))
        for point in points:
            db = tmp_path / f"killed-{point}.db"
            proc = spawn("crawl", target, "--db", str(db))
            stored = wait_for_pages(db, point, proc)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            assert stored >= point, f"the crawl ended before page {point}"
            again = migrator("crawl", target, "--db", str(db))
            assert again.returncode == 0, again.stderr[-3000:]
            assert export(db) == expected, f"killed after {point} pages"
            with sqlite3.connect(db) as conn:
                assert conn.execute("SELECT status FROM runs").fetchall() == [("finished",)]
                assert conn.execute("SELECT count(*) FROM frontier").fetchone()[0] == 0


def wait_for_pages(db: Path, count: int, proc: subprocess.Popen[str], sql: str = "SELECT count(*) FROM pages") -> int:
    """Poll the database (as another reader) until ``sql`` counts ``count`` pages or the run ends."""
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
                stored = conn.execute(sql).fetchone()[0]
        except sqlite3.OperationalError:  # not created yet
            stored = 0
        if stored >= count:
            return stored
        time.sleep(0.01)
    return stored


def snapshot(db: Path, run_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Articles, comments, aliases and one run's change set, without the columns that hold wall-clock time."""
    with sqlite3.connect(db) as conn:
        article_columns = [row[1] for row in conn.execute("PRAGMA table_info(articles)")
                           if row[1] not in ("fetched_at", "gone_at")]
        return {
            "articles": conn.execute(f"SELECT {', '.join(article_columns)} FROM articles ORDER BY source_id").fetchall(),
            "comments": conn.execute("SELECT * FROM comments ORDER BY source_id, position").fetchall(),
            "aliases": conn.execute("SELECT * FROM aliases ORDER BY url").fetchall(),
            "changes": conn.execute("SELECT source_id, url, change FROM changes WHERE run_id = ? ORDER BY source_id",
                                    [run_id]).fetchall(),
            "runs": conn.execute("SELECT id, command, status FROM runs ORDER BY id").fetchall(),
            "frontier": conn.execute("SELECT count(*) FROM frontier").fetchall(),
        }


def test_sync_killed_mid_run_or_wrapping_up_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    """A sync of a changed site (edits, additions, a removal) killed mid-run, then run again, leaves the
    same records and the same change set as a sync that was never interrupted."""
    spec = SiteSpec(articles=40, archive_items=8, slow_seconds=0.2)
    first = tmp_path / "first.db"
    with DemoServer(DemoSite(spec)) as server:
        target, port = server.url + "/", int(server.url.rsplit(":", 1)[1])
        assert migrator("crawl", target, "--db", str(first)).returncode == 0
    edited, removed = pick_mutations(DemoSite(spec), 11)
    later = SiteSpec(**{**spec.__dict__, "edited": edited, "added": 2, "removed": (removed,), "version": 1})

    def sync(db: Path) -> subprocess.CompletedProcess[str]:
        with DemoServer(DemoSite(later), port=port):  # a fresh site each run: its transient 500s start over
            return migrator("sync", target, "--db", str(db))

    reference = tmp_path / "reference.db"
    reference.write_bytes(first.read_bytes())
    assert sync(reference).returncode == 0
    expected = snapshot(reference, 2)
    assert {change for _, _, change in expected["changes"]} == {"new", "updated", "gone"}
    with sqlite3.connect(reference) as conn:
        touched = conn.execute("SELECT count(*) FROM pages WHERE run_id = 2").fetchone()[0]
    # Two seeded-random points mid-run, and the last page: killed while the run wraps up.
    points = sorted(random.Random(20241127).sample(range(1, int(touched * 0.9)), 2)) + [touched]
    for point in points:
        db = tmp_path / f"killed-{point}.db"
        db.write_bytes(first.read_bytes())
        with DemoServer(DemoSite(later), port=port):
            proc = spawn("sync", target, "--db", str(db))
            stored = wait_for_pages(db, point, proc, "SELECT count(*) FROM pages WHERE run_id = 2")
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        assert proc.returncode == -signal.SIGKILL, f"the sync ended by itself before page {point} ({stored} stored)"
        again = sync(db)
        assert again.returncode == 0, again.stderr[-3000:]
        assert "(resumed)" in again.stderr.strip().splitlines()[-1], again.stderr[-2000:]
        assert snapshot(db, 2) == expected, f"killed after {point} pages"


def full_bodies(site: DemoSite, hits: dict[tuple[str, int], int], indexes: set[int]) -> int:
    """How many of ``indexes`` (articles) the server sent a full page for, under their alias or /node/N."""
    paths = {path: i for i in indexes for path in (site.alias(i), f"/node/{site.nid(i)}")}
    return len({paths[path] for (path, status), n in hits.items() if path in paths and status == 200})


def chrome_site(spec: SiteSpec, tmp_path: Path) -> tuple[Path, str, int, DemoSite]:
    """A site whose ETags hash the page bytes (its "Популярное" block lists the newest articles), crawled."""
    db = tmp_path / "site.db"
    first = DemoSite(spec)
    with DemoServer(first) as server:
        base, port = server.url, int(server.url.rsplit(":", 1)[1])
        proc = migrator("crawl", base + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        assert proc.returncode == 0, proc.stderr[-3000:]
    return db, base, port, first


@pytest.mark.parametrize("seed, theme", [(31, "garland"), (8, "zen")])
def test_sync_learns_that_etags_follow_the_chrome(seed: int, theme: str, tmp_path: Path) -> None:
    """Every new article changes every page's ETag, Last-Modified stays the node's own change time: the sync
    learns to ask with If-Modified-Since alone, reports exactly the edits, the removal and the new articles
    (a one-paragraph brief among them), and at least 90% of the unchanged articles cost no full body."""
    spec = SiteSpec(seed=seed, articles=150, theme=theme, archive_items=6, slow_seconds=0.2, chrome_etags=True)
    db, base, port, first = chrome_site(spec, tmp_path)
    edited, removed = pick_mutations(first, seed)
    later = SiteSpec(**{**spec.__dict__, "edited": edited, "added": 2, "briefs": 1, "removed": (removed,),
                        "version": 1})
    site = DemoSite(later)
    brief = site.article(site.n)  # the first added article (it stays a brief as more are added)
    assert "\n\n" not in brief.body_text and brief.body_html.count("<p>") == 1  # the brief is one paragraph
    report = tmp_path / "report.json"
    with DemoServer(site, port=port) as server:
        proc = migrator("sync", base + "/", "--db", str(db), "--timezone", "Europe/Moscow", "--report", str(report))
        hits = dict(server.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(report.read_text())
    url = lambda nid: base + site.alias(site.index_of(nid))  # noqa: E731
    assert got["new"] == sorted(base + site.alias(i) for i in (site.n, site.n + 1))
    assert got["updated"] == sorted(map(url, edited))
    assert got["gone"] == [url(removed)]
    unchanged = {i for i in range(site.n) if site.reachable(i) and site.nid(i) not in {*edited, removed}}
    full = full_bodies(site, hits, unchanged)
    assert 1 - full / len(unchanged) >= 0.9, (full, len(unchanged))

    with sqlite3.connect(db) as conn:
        choice, reason = conn.execute("SELECT choice, reason FROM site_validators").fetchone()
    assert choice == "last-modified" and "follows the page chrome" in reason
    status = migrator("status", "--db", str(db))
    assert "last-modified" in status.stdout and base.split("//")[1] in status.stdout, status.stdout

    # The next sync asks with If-Modified-Since from the start: almost nothing comes back in full.
    again = DemoSite(SiteSpec(**{**later.__dict__, "added": 3, "version": 2}))
    with DemoServer(again, port=port) as server:
        proc = migrator("sync", base + "/", "--db", str(db), "--timezone", "Europe/Moscow", "--report", str(report))
        hits = dict(server.hits)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(report.read_text())
    assert got["new"] == [base + again.alias(again.total - 1)] and got["updated"] == [] and got["gone"] == []
    full = full_bodies(again, hits, unchanged)
    assert 1 - full / len(unchanged) >= 0.93, (full, len(unchanged))  # audits and /node/N links only


class StaleLastModified:
    """The demo site behind a CMS whose Last-Modified is the publication time, edits or not (ETags still hash
    the page): a site that If-Modified-Since alone would let hide an edit behind a 304."""

    def __init__(self, site: DemoSite) -> None:
        self.site = site
        self.index = {path: i for i in range(site.total) for path in (site.alias(i), f"/node/{site.nid(i)}")}

    def delay(self, path_and_query: str) -> float:
        return self.site.delay(path_and_query)

    def respond(self, method: str, path: str, headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        i = self.index.get(path)
        if i is None:
            return self.site.respond(method, path, headers)
        since = {k.lower(): v for k, v in headers.items()}.get("if-modified-since")
        asked = {k: v for k, v in headers.items() if k.lower() != "if-modified-since"}
        status, sent, body = self.site.respond(method, path, asked)
        published = format_datetime(self.site.published(i).astimezone(timezone.utc), usegmt=True)
        sent = [(k, published if k == "Last-Modified" else v) for k, v in sent]
        if status == 200 and since and "if-none-match" not in {k.lower() for k in headers}:
            if self.site.published(i) <= parsedate_to_datetime(since):
                return 304, [(k, v) for k, v in sent if k in ("ETag", "Last-Modified")], b""
        return status, sent, body


def test_a_last_modified_that_misses_an_edit_falls_back_at_once(tmp_path: Path) -> None:
    """A site learned as "If-Modified-Since alone" whose Last-Modified then stands still on edits: the sitemap's
    <lastmod> shows one, the host falls back to both validators in that run, and every edit is reported."""
    spec = SiteSpec(seed=13, articles=120, archive_items=4, slow_seconds=0.2, chrome_etags=True)
    db = tmp_path / "site.db"
    with DemoServer(StaleLastModified(DemoSite(spec))) as server:  # type: ignore[arg-type]
        base, port = server.url, int(server.url.rsplit(":", 1)[1])
        assert migrator("crawl", base + "/", "--db", str(db), "--timezone", "Europe/Moscow").returncode == 0
    report = tmp_path / "report.json"
    added = SiteSpec(**{**spec.__dict__, "added": 1, "version": 1})
    with DemoServer(StaleLastModified(DemoSite(added)), port=port):  # type: ignore[arg-type]
        assert migrator("sync", base + "/", "--db", str(db), "--timezone", "Europe/Moscow").returncode == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT choice FROM site_validators").fetchone() == ("last-modified",)

    first = DemoSite(added)
    calm = [i for i in range(2, first.n - 2) if not any(first.hidden(j) for j in (i - 1, i, i + 1))
            and i not in {*first.specials.transient, first.specials.slow, first.specials.loop_linker,
                          *first.specials.dead_linkers}]
    listed = [i for i in calm if first.in_sitemap(i)]
    unlisted = [i for i in calm if not first.in_sitemap(i)]  # only a 304 to If-Modified-Since would tell of it
    rng = random.Random(13)
    edited = tuple(first.nid(i) for i in [*rng.sample(listed, 3), rng.choice(unlisted)])
    site = DemoSite(SiteSpec(**{**added.__dict__, "edited": edited, "version": 2}))
    with DemoServer(StaleLastModified(site), port=port):  # type: ignore[arg-type]
        proc = migrator("sync", base + "/", "--db", str(db), "--timezone", "Europe/Moscow", "--report", str(report))
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(report.read_text())
    assert got["updated"] == sorted(base + site.alias(site.index_of(nid)) for nid in edited), got
    with sqlite3.connect(db) as conn:
        choice, reason, evidence = conn.execute("SELECT choice, reason, evidence FROM site_validators").fetchone()
    assert choice == "etag+last-modified" and "stood still on an edited article" in reason
    assert json.loads(evidence)["lm-missed"] >= 1
