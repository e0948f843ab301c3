"""What a crawl writes into: another application's SQLite file is refused by crawl and sync as by the readers."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable

from migrator.demo.server import DemoServer
from tests.helpers import Crawled, migrator


def test_crawl_and_sync_refuse_another_applications_sqlite_file(
        demo_server: DemoServer, crawl: Callable[..., Crawled], tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices (total) VALUES (12.5)")
    conn.close()
    before = foreign.read_bytes()
    crawled = crawl(demo_server.url + "/", "--max-pages", "3", db=foreign)
    assert crawled.proc.returncode == 2, crawled.proc.stderr[-2000:]
    assert "not a migrator database (tables invoices)" in crawled.proc.stderr
    assert len(crawled.proc.stderr.strip().splitlines()) == 1
    sync = migrator("sync", demo_server.url + "/", "--db", str(foreign), "--timezone", "Europe/Moscow")
    assert sync.returncode == 2 and "not a migrator database" in sync.stderr, sync.stderr[-2000:]
    with sqlite3.connect(foreign) as conn:
        assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["invoices"]
    conn.close()
    assert foreign.read_bytes() == before

    fresh = tmp_path / "empty.db"
    fresh.touch()  # an empty file is a new database: crawl fills it
    assert crawl(demo_server.url + "/", "--max-pages", "3", db=fresh).proc.returncode == 0


def test_crawl_help_states_the_default_time_zone() -> None:
    proc = migrator("crawl", "--help")
    assert proc.returncode == 0
    line = " ".join(proc.stdout.split())
    assert "Europe/Moscow (default: the mapping's timezone, else UTC" in line
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    assert "default the mapping's, else UTC" in " ".join(readme.split())
