"""Memory a big page leaves behind: handed back to the system once its trees are freed (glibc keeps the freed
heap as the process's own otherwise), and the extraction is the same with or without it."""
from __future__ import annotations

import ctypes.util
import sys

import pytest

from migrator import limits
from migrator.extract import extract
from migrator.extract.pool import ExtractionPool, _guarded
from migrator.mapping import load_config

GLIBC = sys.platform.startswith("linux") and limits._malloc_trim() is not None


def big_page(paragraphs: int) -> str:
    """A forum-sized generic page: one article of many paragraphs (a 4 MB vBulletin search page made the case)."""
    body = "".join(f"<p>Абзац {i}: учёные физики создали новый материал и испытают его в Томске.</p>"
                   for i in range(paragraphs))
    return (f"<html><head><title>Большая статья</title></head><body><div id='menu'><a href='/'>Главная</a></div>"
            f"<article><h1>Большая статья</h1>{body}</article></body></html>")


def test_a_small_page_is_not_worth_a_trim() -> None:
    assert limits.release(limits.RELEASE_FROM_CHARS - 1) is False


@pytest.mark.skipif(not GLIBC, reason="malloc_trim is glibc's")
def test_a_big_page_hands_its_freed_memory_back() -> None:
    assert ctypes.util.find_library("c")
    assert limits.release(limits.RELEASE_FROM_CHARS) is True


def test_a_big_page_extracts_the_same_in_a_worker_that_trims_after_it() -> None:
    html = big_page(7000)
    assert len(html) > limits.RELEASE_FROM_CHARS
    url = "http://old.test/news/big"
    config = load_config(None, start_url="http://old.test/")
    inline = extract(url, html, config)
    assert inline.article is not None
    guarded = _guarded(url, html, config, None)
    pool = ExtractionPool(config, 1)
    try:
        import asyncio

        in_worker = asyncio.run(pool.extract(url, html))
    finally:
        pool.close()
    for result in (guarded, in_worker):
        assert not isinstance(result, Exception) and result.article is not None
        assert result.article.body_text == inline.article.body_text
        assert result.article.title == inline.article.title
