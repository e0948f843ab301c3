"""A saved uCoz paper archive (tests/sites/ucozload.py): one record per paper, the paper uploaded twice one record
with an alias, uCoz's lists skipped as they load with their reason, copies of the home page saved in other pages'
places withdrawn with theirs; the same after a second crawl."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from migrator.store import Store
from tests.helpers import migrator
from tests.sites import ucozload
from tests.sites.server import RouteServer, serve


@pytest.fixture(scope="module")
def server() -> Iterator[RouteServer]:
    with serve("127.0.0.1", ucozload.route) as running:
        yield running


def _records(db: Path) -> dict[str, dict]:
    proc = migrator("export", "--db", str(db))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {r["url"]: r for r in map(json.loads, proc.stdout.splitlines())}


def test_papers_are_records_lists_and_home_copies_are_not(server: RouteServer, tmp_path: Path) -> None:
    base, db = server.url, tmp_path / "archive.db"
    for run in (1, 2):  # a second crawl of the same site leaves the records as the first made them
        proc = migrator("crawl", base + "/", "--db", str(db), "--timezone", "Asia/Novosibirsk")
        assert proc.returncode == 0, proc.stderr[-3000:]
        records = _records(db)
        twice = base + "/load/21-1-0-92.html", base + "/load/21-1-0-93.html"
        assert set(records) - set(twice) == {base + p for p in ucozload.PAPERS} - set(twice), (run, sorted(records))
        [one] = [r for r in records.values() if r["url"] in twice]  # the paper uploaded twice: one record
        assert {one["url"], *one["aliases"]} == set(twice), run
        store = Store(db, create=False)
        listed = set(store.page_urls("listing"))
        assert {base + p for p in (*ucozload.LISTINGS, *ucozload.HOME_COPIES, "/")} <= listed, run
        withdrawn = {row["url"][len(base):]: row["reason"] for row in store.withdrawals()}
        assert withdrawn == {p: "the home page's text" for p in ucozload.HOME_COPIES}, run
        stats = json.loads(store.db.execute("SELECT stats FROM runs WHERE id = ?", [run]).fetchone()[0])
        # the home page, its three copies, three lists: seven listings, each counted once
        assert stats["skipped"] == {"listing": 7} and stats["articles"] == len(records) and not stats["errors"], stats
    status = migrator("status", "--db", str(db)).stdout
    assert "the home page's text" in status and base + "/load/0-0-0-3-20.html" in status


def test_the_lists_say_why_they_are_no_record(server: RouteServer, tmp_path: Path) -> None:
    files = []
    for path in ucozload.LISTINGS:
        target = tmp_path / path.strip("/").replace("/", "-")
        target.write_text(ucozload.route(path)[2], encoding="utf-8")
        files.append(str(target))
    proc = migrator("extract", *files, "--timezone", "Asia/Novosibirsk")
    assert proc.returncode == 0, proc.stderr[-2000:]
    reasons = {Path(r["file"]).name: (r["kind"], r["reason"]) for r in map(json.loads, proc.stdout.splitlines())}
    assert reasons == {"load-27.html": ("listing", "listing: uCoz list of 1 entries"),
                       "load-page2.html": ("listing", "listing: uCoz list of 2 entries"),
                       "faq.html": ("listing", "listing: uCoz list of 3 entries")}
