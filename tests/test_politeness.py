"""The mapping's `[crawl] concurrency` and `download_delay` reach the crawler: a real crawl of a slow local
site never has more requests in flight on its host than the mapping allows."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.helpers import migrator
from tests.sites.server import serve

PAGES = 12


def _route(path: str) -> tuple[int, dict[str, str], str]:
    if path == "/robots.txt":
        return 404, {}, ""
    if path == "/":
        links = "".join(f'<li><a href="/p/{i}">Статья {i}</a></li>' for i in range(PAGES))
        return 200, {}, f"<html><head><title>Главная</title></head><body><ul>{links}</ul></body></html>"
    time.sleep(0.15)  # slow pages: requests pile up unless the crawler holds them back
    words = " ".join(f"наблюдение{path[3:]}x{i}" for i in range(120))  # each page its own text: an article
    return 200, {}, (f"<html><head><title>Статья {path}</title></head><body><article><h1>Статья {path}</h1>"
                     f"<p>{words}.</p></article></body></html>")


@pytest.mark.parametrize("concurrency, allowed", [(1, 1), (3, 3), (None, 8)], ids=["1", "3", "default"])
def test_crawl_keeps_to_the_mappings_concurrency(tmp_path: Path, concurrency: int | None, allowed: int) -> None:
    mapping = tmp_path / "site.toml"
    mapping.write_text(f"[crawl]\nconcurrency = {concurrency}\n" if concurrency else "", encoding="utf-8")
    with serve("127.0.0.1", _route) as site:
        proc = migrator("crawl", site.url + "/", "--db", str(tmp_path / "site.db"), "--mapping", str(mapping))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sum(n for p, n in site.paths.items() if p.startswith("/p/")) == PAGES
    articles = sqlite3.connect(tmp_path / "site.db").execute("SELECT count(*) FROM articles").fetchone()[0]
    assert articles == PAGES
    assert site.peak <= allowed
    if allowed > 1:
        assert site.peak > 1  # the limit is the mapping's, not a crawl that never overlaps
