"""A crawl's database as Datasette (or plain sqlite3) reads it: full-text search on articles, kept in step with
every write, and ``pages_text``, the stored pages with their text (``pages.body`` is zlib-compressed bytes)."""
from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.store import Store
from tests.helpers import migrator

SEARCH = ("SELECT a.source_id FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
          "WHERE articles_fts MATCH ? ORDER BY a.source_id")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("browse") / "site.db"
    with DemoServer(DemoSite(SiteSpec(articles=20, seed=7, slow_seconds=0.1))) as server:
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return db


def tokens(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """source_id -> the words of its title and body, lower-case, as FTS5's unicode61 tokenizer splits them."""
    return {sid: set(re.findall(r"[^\W_]+", text.lower()))
            for sid, text in conn.execute("SELECT source_id, title || ' ' || body_text FROM articles")}


def own_words(conn: sqlite3.Connection) -> dict[str, str]:
    """source_id -> the longest word of its body (letters only), the one a reader would search it by."""
    return {sid: max(sorted(w for w in found if w.isalpha()), key=len) for sid, found in tokens(conn).items()}


def integrity(conn: sqlite3.Connection) -> None:
    """FTS5's own check that the index matches the articles table (raises when it does not)."""
    conn.execute("INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)")


def test_full_text_search_finds_an_article_by_a_word_of_its_body(crawled: Path) -> None:
    conn = sqlite3.connect(crawled)
    found, words = tokens(conn), own_words(conn)
    assert len(words) >= 15
    for source_id, word in words.items():
        hits = {sid for (sid,) in conn.execute(SEARCH, [word.upper()])}  # any case: unicode61 folds it
        assert source_id in hits and hits == {sid for sid, have in found.items() if word in have}, word
    integrity(conn)
    conn.close()


def test_search_follows_updates_and_deletions(crawled: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(crawled, db)
    conn = sqlite3.connect(db)
    found = tokens(conn)
    conn.close()
    only = {sid: sorted(w for w in have if w.isalpha() and sum(w in other for other in found.values()) == 1)
            for sid, have in found.items()}
    edited, removed, touched = [sid for sid in sorted(only) if only[sid]][:3]
    words = {sid: only[sid][0] for sid in (edited, removed, touched)}
    store = Store(db)
    with store.batch():
        store.rewrite_body(edited, "<p>Квазичастицы обнаружены.</p>", "Квазичастицы обнаружены.")
        store.demote(removed, run_id=1, reason="test", older=True)
        store.db.execute("UPDATE articles SET last_run = 9 WHERE source_id = ?", [touched])
    store.close()
    conn = sqlite3.connect(db)
    assert conn.execute(SEARCH, ["квазичастицы"]).fetchall() == [(edited,)]
    assert conn.execute(SEARCH, [words[edited]]).fetchall() == []
    assert conn.execute(SEARCH, [words[removed]]).fetchall() == []
    assert conn.execute(SEARCH, [words[touched]]).fetchall() == [(touched,)]
    integrity(conn)
    conn.close()


def test_pages_text_shows_each_stored_page_with_its_text(crawled: Path) -> None:
    conn = sqlite3.connect(f"{crawled.resolve().as_uri()}?mode=ro", uri=True)
    articles = dict(conn.execute("SELECT source_id, body_text FROM articles").fetchall())
    rows = conn.execute("SELECT url, status, kind, source_id, text FROM pages_text").fetchall()
    assert len(rows) == conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    shown = {source_id: text for _, status, kind, source_id, text in rows if kind == "article" and status == 200}
    assert set(shown) == set(articles) and all(shown[s] == articles[s] for s in articles)
    assert all(isinstance(text, str) for text in shown.values())
    conn.close()
    if shutil.which("sqlite3"):  # the sqlite3 shell reads it as well
        out = subprocess.run(["sqlite3", "-readonly", str(crawled), "SELECT text FROM pages_text WHERE text IS NOT NULL "
                              "LIMIT 1"], capture_output=True, text=True, timeout=60)
        assert out.returncode == 0 and out.stdout.strip() in {t.strip() for t in articles.values()}
