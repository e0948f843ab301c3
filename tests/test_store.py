"""The SQLite loader: idempotent upserts, alias merging, errors, the runs ledger (real files)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from migrator.errors import StoreError
from migrator.record import EXPORT_KEYS, Article, Comment
from migrator.store import RawPage, Store, mark_run

RULES = (re.compile(r"^/node/(\d+)$"), re.compile(r"[?&]q=node/(\d+)"))


def _article(url: str, body: str = "Текст статьи.") -> Article:
    return Article(url=url, source_id="node/5", title="Заголовок", published_at="2014-11-25T10:15:00+03:00",
                   author="ivanov", tags=["Физика"], body_html=f"<p>{body}</p>", body_text=body,
                   comments=[Comment(author=None, published_at="2014-11-26T09:05:00+03:00", body_text="Да.")],
                   fetched_at="2026-01-01T00:00:00+00:00")


def test_same_article_under_two_urls_is_one_record_with_alias(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "http://d.test/", {})
    assert store.save_article(_article("http://d.test/node/5"), run, RULES) == "new"
    assert store.save_article(_article("http://d.test/news/slug"), run, RULES) == "merged"
    [record] = list(store.records())
    assert tuple(record) == EXPORT_KEYS
    assert record["url"] == "http://d.test/news/slug"
    assert record["aliases"] == ["http://d.test/node/5"]
    assert record["comments"] == [{"author": None, "published_at": "2014-11-26T09:05:00+03:00", "body_text": "Да."}]


def test_second_run_unchanged_then_updated(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    first = store.begin_run("crawl", "x", {})
    store.save_article(_article("http://d.test/news/slug"), first, RULES)
    second = store.begin_run("crawl", "x", {})
    assert store.save_article(_article("http://d.test/news/slug"), second, RULES) == "unchanged"
    third = store.begin_run("crawl", "x", {})
    assert store.save_article(_article("http://d.test/news/slug", "Новый текст."), third, RULES) == "updated"
    assert store.article_count() == 1
    assert store.db["comments"].count == 1


def test_errors_count_up_per_run_url_reason(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "x", {})
    for _ in range(3):
        store.record_error(run, "http://d.test/broken", "http-500", "Internal Server Error")
    [row] = store.errors(run)
    assert (row["reason"], row["count"]) == ("http-500", 3)


def test_raw_page_round_trip_is_compressed(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    body = ("<p>Привет</p>" * 500).encode("cp1251")
    page = RawPage(url="http://d.test/a", status=200, headers={"Content-Type": "text/html"}, body=body,
                   fetched_at="2026-01-01T00:00:00+00:00", encoding="cp1251", encoding_source="detected",
                   encoding_evidence={"http-header": None})
    store.save_page(page, store.begin_run("crawl", "x", {}))
    assert store.page_body("http://d.test/a") == body
    stored = store.db.execute("SELECT length(body) FROM pages").fetchone()[0]
    assert stored < len(body) / 10


def test_batch_rolls_back_whole_page_on_failure(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "x", {})
    with pytest.raises(RuntimeError):
        with store.batch():
            store.save_article(_article("http://d.test/news/slug"), run, RULES)
            raise RuntimeError("killed half way")
    assert store.article_count() == 0 and store.db["comments"].count == 0


def test_forced_exit_in_the_middle_of_an_item_still_marks_the_run(tmp_path: Path) -> None:
    """A second Ctrl-C lands between two statements of the pipeline's transaction (seen in CI: the run stayed
    `running`, "database is locked"): marking the run gives up that transaction instead of waiting on it."""
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "x", {})
    with pytest.raises(SystemExit), store.batch():
        store.save_article(_article("http://d.test/news/slug"), run, RULES)
        mark_run(tmp_path / "m.db", run, "interrupted")  # what interrupt.exit_now's cleanup does
        raise SystemExit(130)  # where os._exit ends the process
    reader = Store(tmp_path / "m.db", readonly=True)
    assert reader.runs(1)[0]["status"] == "interrupted"
    assert reader.article_count() == 0  # the half-stored item is fetched again when the run resumes


def test_missing_or_foreign_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.db", create=False)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        Store(junk)
