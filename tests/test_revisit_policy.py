"""Revisit policy by article age (opt-in ``[crawl]`` keys): a sync asks fresh articles every run, old ones
only when their last check expired or the sitemap's <lastmod> moved past it; the ones it skips still count
as seen and unchanged. Requests are counted on the demo server."""
from __future__ import annotations

import json
import math
import os
import random
import signal
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from tests.helpers import migrator
from tests.test_sync import snapshot, spawn, wait_for_pages

MSK = ("--timezone", "Europe/Moscow")



def article_hits(site: DemoSite, hits: dict[tuple[str, int], int]) -> set[int]:
    """Indexes of the articles whose page was requested under any of its URLs."""
    urls = {}
    for i in range(site.total):
        for path in (site.alias(i), f"/node/{site.nid(i)}", f"/print/{site.nid(i)}"):
            urls[path] = i
    return {urls[path] for path, _ in hits if path in urls}


def policy_mapping(site: DemoSite, path: Path, fresh: int = 5) -> tuple[Path, set[int]]:
    """A mapping whose revisit policy makes the newest ``fresh`` articles fresh; those indexes."""
    now = datetime.now(timezone.utc)
    days = math.ceil((now - site.published(site.n - fresh)).total_seconds() / 86400)
    path.write_text(f"[crawl]\nrevisit_fresh_days = {days}\nrevisit_expire_days = 30\n")
    return path, {i for i in range(site.n) if now - site.published(i) <= timedelta(days=days)}


def test_policy_asks_fresh_expired_and_sitemap_changed_articles_only(tmp_path: Path) -> None:
    db, report, mapping = tmp_path / "site.db", tmp_path / "report.json", tmp_path / "site.toml"
    spec = SiteSpec(articles=60, slow_seconds=0.1)
    site = DemoSite(spec)
    now = datetime.now(timezone.utc)
    mapping, fresh = policy_mapping(site, mapping)
    assert 5 <= len(fresh) < 10
    calm = [i for i in range(5, site.n - 10) if site.in_sitemap(i) and not site.hidden(i + 1)
            and i not in {*site.specials.transient, site.specials.slow, *site.specials.dead_linkers}]
    expired, edited = calm[0], calm[len(calm) // 2]
    url = lambda i: base + site.alias(i)  # noqa: E731

    with DemoServer(site) as server:
        base, port = server.url, int(server.url.rsplit(":", 1)[1])
        assert migrator("crawl", base + "/", "--db", str(db), *MSK).returncode == 0
    with sqlite3.connect(db) as conn:  # as if one old article was last checked two months ago
        conn.execute("UPDATE pages SET checked_at = ? WHERE url = ?",
                     [(now - timedelta(days=60)).isoformat(timespec="seconds"), url(expired)])
        live = conn.execute("SELECT count(*) FROM articles WHERE state = 'live'").fetchone()[0]

    # No change on the site: only the fresh articles and the expired one are asked.
    with DemoServer(DemoSite(SiteSpec(**{**spec.__dict__, "version": 1})), port=port) as server:
        proc = migrator("sync", base + "/", "--db", str(db), "--mapping", str(mapping), "--report", str(report), *MSK)
        hits = server.hits
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert article_hits(site, hits) == fresh | {expired}
    assert hits[("/", 200)] == 1 and hits[("/sitemap.xml", 200)] == 1 and hits[("/rss.xml", 200)] == 1
    assert json.loads(report.read_text()) == {"new": [], "updated": [], "gone": [], "unchanged": live}
    assert f"0 new, 0 updated, 0 gone, {live} unchanged" in proc.stderr.strip().splitlines()[-1]

    # An old article edited today: its sitemap <lastmod> moved past its last check, so it is asked and updated.
    later = SiteSpec(**{**spec.__dict__, "version": 2, "edited": (site.nid(edited),), "edited_on": now.date()})
    with DemoServer(DemoSite(later), port=port) as server:
        proc = migrator("sync", base + "/", "--db", str(db), "--mapping", str(mapping), "--report", str(report), *MSK)
        hits = server.hits
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert article_hits(site, hits) == fresh | {edited}
    assert json.loads(report.read_text()) == {"new": [], "updated": [url(edited)], "gone": [], "unchanged": live - 1}
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles WHERE state = 'live' AND last_run = 3").fetchone()[0] == live
        assert conn.execute("SELECT count(*) FROM frontier").fetchone()[0] == 0


def test_without_policy_keys_every_known_article_is_asked(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    spec = SiteSpec(articles=30, archive_items=4, slow_seconds=0.1)
    site = DemoSite(spec)
    with DemoServer(site) as server:
        base, port = server.url, int(server.url.rsplit(":", 1)[1])
        assert migrator("crawl", base + "/", "--db", str(db)).returncode == 0
    with DemoServer(DemoSite(SiteSpec(**{**spec.__dict__, "version": 1})), port=port) as server:
        assert migrator("sync", base + "/", "--db", str(db)).returncode == 0
        asked = article_hits(site, server.hits)
    assert asked == {i for i in range(site.n) if site.reachable(i)}


def test_policy_sync_killed_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    """The policy's skipped articles live in the run's frontier: a killed sync resumes with the same choices."""
    spec = SiteSpec(articles=60, slow_seconds=0.1)
    site, first = DemoSite(spec), tmp_path / "first.db"
    mapping, fresh = policy_mapping(site, tmp_path / "site.toml")
    with DemoServer(site) as server:
        target, port = server.url + "/", int(server.url.rsplit(":", 1)[1])
        assert migrator("crawl", target, "--db", str(first), *MSK).returncode == 0
    old = next(i for i in range(10, site.n) if site.in_sitemap(i) and not site.hidden(i + 1))
    later = SiteSpec(**{**spec.__dict__, "version": 1, "added": 1, "removed": (site.nid(max(fresh)),),
                        "edited": (site.nid(old),), "edited_on": datetime.now(timezone.utc).date()})
    args = ("--mapping", str(mapping), *MSK)

    reference = tmp_path / "reference.db"
    reference.write_bytes(first.read_bytes())
    with DemoServer(DemoSite(later), port=port):
        assert migrator("sync", target, "--db", str(reference), *args).returncode == 0
    expected = snapshot(reference, 2)
    assert sorted(change for _, _, change in expected["changes"]) == ["gone", "new", "updated"]
    with sqlite3.connect(reference) as conn:
        touched = conn.execute("SELECT count(*) FROM pages WHERE run_id = 2").fetchone()[0]
    for point in sorted(random.Random(20241127).sample(range(1, int(touched * 0.9)), 2)):
        db = tmp_path / f"killed-{point}.db"
        db.write_bytes(first.read_bytes())
        with DemoServer(DemoSite(later), port=port):
            proc = spawn("sync", target, "--db", str(db), *args)
            wait_for_pages(db, point, proc, "SELECT count(*) FROM pages WHERE run_id = 2")
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
            assert proc.returncode == -signal.SIGKILL, f"the sync ended by itself before page {point}"
            again = migrator("sync", target, "--db", str(db), *args)
        assert again.returncode == 0 and "(resumed)" in again.stderr, again.stderr[-3000:]
        assert snapshot(db, 2) == expected, f"killed after {point} pages"
