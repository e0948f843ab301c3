"""Faults: a disk that fills up, a read-only filesystem, a site that dies mid-crawl, --max-errors.

Real crawls of a small demo site into real SQLite files; the full and the read-only disks are real
tmpfs mounts (the tests need root to mount them, as .ci/run has; they are skipped otherwise).
"""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from migrator.demo.run import absolute_truth
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.parity.evaluate import compare
from tests.helpers import Crawled, migrator

SMALL = SiteSpec(articles=60, slow_seconds=0.2)


def last_run(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = dict(conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone())
    conn.close()
    return {**row, "stats": json.loads(row["stats"] or "{}")}


@contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    """A real filesystem of ``size`` bytes at ``path`` (root only)."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def remount(path: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(path)], check=True)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoServer]:
    with DemoServer(DemoSite(SMALL)) as server:
        yield server


@pytest.fixture(scope="module")
def uninterrupted(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The runs row of one crawl of the small site that nothing disturbed."""
    db = tmp_path_factory.mktemp("whole") / "site.db"
    proc = migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow", timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return last_run(db)


def test_disk_full_stops_at_the_first_failed_write_and_resumes_when_space_is_back(
        site: DemoServer, uninterrupted: dict[str, Any], tmp_path: Path, crawl: Callable[..., Crawled]) -> None:
    with tmpfs(tmp_path / "disk", "640k") as disk:  # the schema, a few pages and the run lock's reserve
        db = disk / "site.db"
        full = crawl(site.url + "/", db=db).proc
        assert full.returncode == 1
        assert f"cannot write {db}: database or disk is full" in full.stderr
        assert "Traceback" not in full.stderr
        assert full.stderr.count("database or disk is full") <= 3  # the stop line and the summary, not one per page
        assert last_run(db)["status"] == "interrupted"  # not left `running`; its frontier resumes it
        remount(disk, "size=64m")
        resumed = crawl(site.url + "/", db=db)
        assert resumed.proc.returncode == 0, resumed.proc.stderr[-3000:]
        run = last_run(db)
        assert run["id"] == 1 and run["status"] == "finished"
        quality = compare(resumed.records(), absolute_truth(site.site, site.url))
        assert [m["url"] for m in quality["mismatches"] if m["field"] == "missing"] == []
        assert quality["duplicates"] == 0
        # the resumed run's row counts the whole run, as the uninterrupted one does
        assert run["pages"] == uninterrupted["pages"]
        assert run["articles"] == uninterrupted["articles"]
        assert run["stats"]["outcomes"]["new"] == uninterrupted["stats"]["outcomes"]["new"]
        # errors of both parts (the demo's redirect loop is met once or twice, by crawl order, in any run)
        with sqlite3.connect(db) as conn:
            recorded = conn.execute("SELECT sum(count) FROM errors WHERE run_id = 1").fetchone()[0]
        conn.close()
        assert run["errors"] == recorded
        assert set(run["stats"]["errors_by_reason"]) == set(uninterrupted["stats"]["errors_by_reason"])


def test_read_only_filesystem_reading_works_writing_is_one_line(site: DemoServer, tmp_path: Path,
                                                                crawl: Callable[..., Crawled]) -> None:
    with tmpfs(tmp_path / "disk", "64m") as disk:
        db = disk / "site.db"
        crawled = crawl(site.url + "/", "--max-pages", "30", db=db)
        assert crawled.proc.returncode == 0
        count = len(crawled.records())
        remount(disk, "ro")
        exported = migrator("export", "--db", str(db))
        assert exported.returncode == 0, exported.stderr
        assert len(exported.stdout.splitlines()) == count > 0
        assert migrator("status", "--db", str(db)).returncode == 0
        for command in ("crawl", "sync"):
            proc = migrator(command, site.url + "/", "--db", str(db))
            assert proc.returncode == 1, proc.stderr
            assert "Read-only file system" in proc.stderr and "Traceback" not in proc.stderr
            assert len(proc.stderr.strip().splitlines()) == 1


class DyingSite:
    """The demo site for its first ``answers`` requests; then it dies: every later request on a kept-alive
    connection is dropped, and the server, stopped from a thread of its own, refuses new connections. It dies
    by its own count, not by the test's clock, so a crawl that lags on a busy machine meets the same site."""

    def __init__(self, site: DemoSite, answers: int) -> None:
        self.site, self.answers, self.dead = site, answers, False
        self.server: DemoServer | None = None
        self._lock = threading.Lock()

    def delay(self, path_and_query: str) -> float:
        return self.site.delay(path_and_query)

    def respond(self, method: str, path_and_query: str,
                headers: dict[str, str]) -> tuple[int, list[tuple[str, str]], bytes]:
        with self._lock:
            if not self.dead and self.answers <= 0:
                self.dead = True
                if self.server is not None:
                    threading.Thread(target=self.server.stop, daemon=True).start()
            self.answers -= 1
        if self.dead:
            raise ConnectionAbortedError("the site went away")
        return self.site.respond(method, path_and_query, headers)


def test_site_that_dies_mid_crawl_fails_the_run(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    site = DyingSite(DemoSite(SMALL), answers=20)  # the small site has about 230 pages
    server = site.server = DemoServer(site).start()
    try:
        proc = subprocess.run([sys.executable, "-m", "migrator", "crawl", server.url + "/", "--db", str(db),
                               "--timezone", "Europe/Moscow"], capture_output=True, text=True, timeout=600)
    finally:
        server.stop()
    assert site.dead
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "the site stopped answering" in proc.stderr and "connection-refused" in proc.stderr
    assert last_run(db)["status"] == "failed"


def test_max_errors_stops_the_crawl_when_passed(site: DemoServer, uninterrupted: dict[str, Any],
                                                crawl: Callable[..., Crawled]) -> None:
    assert uninterrupted["errors"] > 1  # the small site has dead links and a redirect loop
    stopped = crawl(site.url + "/", "--max-errors", "0")
    assert stopped.proc.returncode == 1
    assert "more than the allowed 0" in stopped.proc.stderr
    run = last_run(stopped.db)
    assert run["status"] == "failed"
    assert run["pages"] < uninterrupted["pages"]  # it stopped there, not after fetching the whole site
