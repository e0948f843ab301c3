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


def search_page(posts: int) -> str:
    """A vBulletin-style "find all posts by user" page: one table row per post, 5 elements each (the real
    ones held 70,000 elements in 3.6 MB), a comment and a ``<base>`` early, an iframe and a next link late."""
    rows = "".join(f"<tr><td class='alt1'><div class='smallfont'><a href='/showthread.php?p={i}'>Тема {i}</a>"
                   f"</div><!-- post {i} --><span>12.05.2012</span> текст сообщения {i}</td></tr>\n"
                   for i in range(posts))
    return (f"<html><head><title>Поиск</title><base href='/forum/'><link rel='next' href='search.php?page=2'>"
            f"</head><body><div id='main'><table id='threadslist'>{rows}</table>\n</div>tail of main"
            f"<iframe src='/ad.html'></iframe><a href='last.html'>last</a></body></html>")


def test_a_big_page_is_parsed_without_holding_what_the_element_limit_cuts() -> None:
    from lxml import etree

    from migrator.extract import common

    html = search_page(12_000)
    assert len(html) > common.STREAM_FROM_CHARS
    doc, too_deep, seen = common._parse_streamed(html)
    assert not too_deep and seen > 60_000
    held = sum(1 for _ in doc.iter(etree.Element))
    assert held <= limits.MAX_ELEMENTS + 10  # the emptied elements past the limit, one per open level at most
    streamed_warnings: list[str] = []
    streamed = common.parse(html, streamed_warnings)
    whole, _, _ = common._parse_whole(html)
    total = limits.truncate_tree(whole)
    assert etree.tostring(streamed, encoding="unicode") == etree.tostring(whole, encoding="unicode")
    assert streamed_warnings == [f"page-truncated: {total:,} elements, the first {limits.MAX_ELEMENTS:,} kept"]
    assert "tail of main" in streamed.text_content()  # an ancestor's tail past the limit stays, as it did


def test_a_deep_big_page_is_parsed_whole_for_its_depth_limit() -> None:
    from migrator.extract import common

    html = "<html><body>" + "<div>" * 300 + "deep" + "</div>" * 300 + "<p>" + "x" * common.STREAM_FROM_CHARS + "</p>"
    assert common._parse_streamed(html)[2] is None  # read whole: only that parse reports libxml2's limit
    warnings: list[str] = []
    assert "deep" in common.parse(html, warnings).text_content()
    assert any(w.startswith("nesting-flattened") for w in warnings)


def test_a_big_pages_links_are_read_without_its_tree() -> None:
    from spiders import site

    html = search_page(12_000)
    assert len(html) > site.STREAM_FROM_CHARS
    bases, hrefs = site._hrefs_streamed(html.encode("utf-8"))
    doc = site.lxml.html.document_fromstring(html.encode("utf-8"), parser=site._PARSER)
    assert (bases, hrefs) == (site._BASE_XPATH(doc), site._LINK_XPATH(doc))
    assert hrefs[0] == "search.php?page=2" and hrefs[-2:] == ["/ad.html", "last.html"] and len(hrefs) == 12_003
    deep = "<html><body>" + "<div>" * 300 + "<a href='/deep'>d</a>" + "</div>" * 300 + "</body></html>"
    assert site._hrefs_streamed(deep.encode("utf-8")) is None  # parsed whole then, for its depth limit


def test_the_crawl_end_leaves_big_pages_to_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """The crawl end's passes: this process extracts a share of the chunks itself, never one holding a big page
    (its trees would stand beside a worker's of another big page), and the results keep the pages' order; the
    pages in flight are bounded by their characters too."""
    from migrator.extract import pool as pool_module

    config = load_config(None, start_url="http://old.test/")
    monkeypatch.setattr(limits, "RELEASE_FROM_CHARS", 20_000)  # big pages of 24,000 characters: a quick test
    big = big_page(300)
    assert len(big) > limits.RELEASE_FROM_CHARS
    bigs = {f"http://old.test/news/{i}" for i in (*range(8, 16), *range(24, 32))}  # whole chunks: 1 and 3 of 6
    pages = [(url, big if url in bigs else big_page(3).replace("Большая", f"Малая {i}"))
             for i in range(48) for url in [f"http://old.test/news/{i}"]]
    here: list[str] = []
    guarded = pool_module._guarded

    def recorded(url: str, html: str, config: object, regions: object) -> object:
        here.append(url)
        return guarded(url, html, config, regions)  # type: ignore[arg-type]

    monkeypatch.setattr(pool_module, "_guarded", recorded)
    pool = ExtractionPool(config, 1)
    try:
        results = list(pool.extract_many(pages, None))
    finally:
        pool.close()
    assert here and not bigs & set(here)  # chunks 2, 4 and 5 instead of 1, 3 and 5
    assert [len(c) for c in pool_module._chunks([("a", "x" * 600_000), ("b", "x" * 600_000), ("c", "x")] * 2)] == [
        1, 2, 1, 2]
    def titles(found: list) -> list:  # type: ignore[type-arg]
        return [r.article.title if r.article else r.reason for r in found]

    assert titles(results) == titles([extract(u, h, config) for u, h in pages])
