"""A crawl of a hostile site (tests/sites/hostile.py) ends on its own limits, with every good article exact.

The crawl runs as a user's would (``migrator crawl`` in a subprocess); its time is bounded by its own
settings (a short DOWNLOAD_TIMEOUT through the environment, the frontier's trap detection), its memory is
measured on the child process, and what it cut or skipped is in its counts.
"""
from __future__ import annotations

import json
import os
import sqlite3
from typing import Any, Iterator

import pytest

from tests.helpers import migrator, migrator_measured
from tests.sites.hostile import ARTICLES, HostileServer

#: Peak RSS of the crawl's largest process (Scrapy's, or its extraction worker's): about 150 MB on this
#: site; the 200 MB gzip bomb or the 60 MB page, held whole, would add hundreds.
MAX_RSS_MB = 500


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One crawl of the hostile site; what it printed, its exit code, its records and its errors."""
    db = tmp_path_factory.mktemp("hostile") / "site.db"
    with HostileServer("127.0.0.2") as other, HostileServer(offhost=other.url + "/secret") as site:
        env = {**os.environ, "MIGRATOR_DOWNLOAD_TIMEOUT": "2"}
        done, peak_mb = migrator_measured("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                                          env=env)
        exported = migrator("export", "--db", str(db), "--format", "jsonl")
        with sqlite3.connect(db) as conn:
            errors = {url: reason for url, reason in conn.execute("SELECT url, reason FROM errors")}
        yield {"done": done, "peak_mb": peak_mb, "site": site.url,
               "records": [json.loads(line) for line in exported.stdout.splitlines()], "errors": errors,
               "paths": list(site.paths), "other_paths": list(other.paths), "db": db}


def test_crawl_ends_without_traceback(crawl: dict[str, Any]) -> None:
    done = crawl["done"]
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert "must be XML compatible" not in done.stderr


def test_every_good_article_is_recorded_exactly(crawl: dict[str, Any]) -> None:
    # Nothing but the site's own articles: the off-host redirect (/offhost -> 127.0.0.2) is refused, and the
    # other host is never contacted at all (not even its robots.txt).
    assert crawl["other_paths"] == []
    assert all(r["url"].startswith(crawl["site"]) for r in crawl["records"])
    records = {r["url"].removeprefix(crawl["site"]): r for r in crawl["records"]}
    assert set(records) == set(ARTICLES)
    for path, (title, sentence) in ARTICLES.items():
        record, n = records[path], int(path.strip("/").rsplit("/", 1)[1])
        assert record["title"] == title, path
        if path.startswith("/node/"):
            assert (record["published_at"], record["author"]) == (f"2014-11-25T10:{10 + n}:00+03:00", "editor"), path
        else:
            assert record["published_at"] == f"2014-11-{n + 1:02d}T10:15:00+03:00", path
        assert sentence in record["body_text"], path
        assert "\ufffd" not in record["body_text"] and "\x00" not in record["body_html"], path


def test_control_characters_are_gone_and_words_kept(crawl: dict[str, Any]) -> None:
    record = next(r for r in crawl["records"] if r["url"].endswith("/node/6"))
    assert "Начало статьи с нулевым байтом." in record["body_text"]
    assert "Строка с управляющими символами и табуляцией." in record["body_text"]


def test_each_hostile_page_is_counted_with_its_reason(crawl: dict[str, Any]) -> None:
    errors = {url.removeprefix(crawl["site"]): reason for url, reason in crawl["errors"].items()}
    assert errors["/bomb"] == "too-large"       # 200 MB behind 200 KB of gzip: stopped while decompressing
    assert errors["/huge"] == "too-large"       # 60 MB without Content-Length: stopped as it arrived
    assert errors["/drip"] == "timeout"         # a byte every half second: DOWNLOAD_TIMEOUT=2 ends it
    assert errors["/node/8"] == "nesting-flattened"  # recorded as an article, the cut listed beside it
    assert "skipped" in crawl["done"].stderr and "binary" in crawl["done"].stderr


def test_the_blog_section_is_read_in_its_learned_content_region(crawl: dict[str, Any]) -> None:
    """Crawl-end learning (content regions, repeated blocks) ran over pages holding control characters."""
    with sqlite3.connect(crawl["db"]) as conn:
        regions = [xpath for (xpath,) in conn.execute("SELECT xpath FROM templates")]
    assert any("entry-content" in xpath for xpath in regions), regions
    for record in crawl["records"]:
        assert "Сделано на WordPress" not in record["body_text"]


def test_the_endless_chain_is_bounded_by_the_frontier(crawl: dict[str, Any]) -> None:
    chain = [path for path in crawl["paths"] if path.startswith("/deep/")]
    assert 1 <= len(chain) <= 100  # the trap detector closes the shape /deep/# (it would never end)
    assert not any("/deep/" in r["url"] for r in crawl["records"])


def test_memory_stays_bounded(crawl: dict[str, Any]) -> None:
    """Measured by the kernel (RUSAGE_CHILDREN: the largest process of the crawl's tree), not sampled."""
    assert crawl["peak_mb"] < MAX_RSS_MB, crawl["peak_mb"]


def test_reclean_of_the_hostile_pages_runs_through(crawl: dict[str, Any]) -> None:
    """The stored raw pages (NUL bytes, control characters, deep nesting) are re-extracted without a traceback."""
    done = migrator("reclean", "--db", str(crawl["db"]), "--dry-run")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "0 no longer articles" in done.stdout + done.stderr
