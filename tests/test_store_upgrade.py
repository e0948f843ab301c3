"""A database written before the schema ledger opens, is upgraded in place, and exports exactly what it did.

``tests/data/pre-ledger/`` holds a crawl of a small generated demo site made by the release before the store
kept a migrations ledger, with the exports that release wrote from it.
"""
from __future__ import annotations

import gzip
import shutil
import sqlite3
from pathlib import Path

import pytest

from migrator.store import Store
from migrator.store.schema import migrations
from tests.helpers import migrator

DATA = Path(__file__).parent / "data" / "pre-ledger"


@pytest.fixture
def old_db(tmp_path: Path) -> Path:
    db = tmp_path / "site.db"
    with gzip.open(DATA / "site.db.gz") as src, db.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return db


def test_an_old_database_is_upgraded_in_place_and_keeps_its_rows(old_db: Path) -> None:
    with sqlite3.connect(old_db) as conn:
        before = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "pages", "aliases")}
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("1",)
    store = Store(old_db)
    assert migrations.pending(store.db) == []
    assert store.migrations()[0] == "first-schema" and "media" in store.db.table_names()
    store.close()
    with sqlite3.connect(old_db) as conn:
        after = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("articles", "pages", "aliases")}
        assert conn.execute("SELECT count(*) FROM meta WHERE key = 'schema_version'").fetchone() == (0,)
    assert after == before and before["articles"] == 5


def test_a_second_open_applies_nothing(old_db: Path) -> None:
    Store(old_db).close()
    store = Store(old_db)
    assert migrations.pending(store.db) == []
    assert len(store.migrations()) == len(set(store.migrations()))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_upgraded_database_exports_what_the_old_release_exported(old_db: Path, tmp_path: Path, fmt: str) -> None:
    Store(old_db).close()  # upgraded by a writer first, as the next crawl would
    out = tmp_path / f"export.{fmt}"
    assert migrator("export", "--db", str(old_db), "--format", fmt, "-o", str(out)).returncode == 0
    assert out.read_bytes() == gzip.decompress((DATA / f"export.{fmt}.gz").read_bytes())


def test_an_upgraded_database_gives_the_old_redirect_map(old_db: Path, tmp_path: Path) -> None:
    Store(old_db).close()
    out = tmp_path / "redirects.csv"
    assert migrator("redirects", "--db", str(old_db), "--new", "https://new.example", "--format", "csv",
                    "-o", str(out)).returncode == 0
    # the old map sent undated articles to a made-up /0000/00/; now they take the pattern without the date
    old_map = gzip.decompress((DATA / "redirects.csv.gz").read_bytes())
    assert b"/0000/00/" in old_map
    assert out.read_bytes() == old_map.replace(b"/0000/00/", b"/")


def test_an_upgraded_database_gives_the_old_wxr_but_for_its_date(old_db: Path, tmp_path: Path) -> None:
    Store(old_db).close()
    out = tmp_path / "export.wxr"
    assert migrator("export", "--db", str(old_db), "--format", "wxr", "-o", str(out)).returncode == 0
    undated = [line for line in out.read_text().splitlines() if not line.strip().startswith("<pubDate>")]
    expected = gzip.decompress((DATA / "export.wxr.gz").read_bytes()).decode().splitlines()
    assert undated == [line for line in expected if not line.strip().startswith("<pubDate>")]
