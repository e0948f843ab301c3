"""Crawl-end learning that scales with a site: what changed so that 5,000 heavy pages fit in bounded memory.

The heavy-page news site (:mod:`tests.sites.heavy`: five real CMS templates, inline scripts and styles) is
crawled once over real HTTP into a real SQLite file. Learning the templates from the pages streamed out of
the database (each template's sample read again when its turn comes) must learn what learning from every
page held in memory learns; grouping must keep pages of unrelated templates apart and give what comparing
every page with every group gives; the crawl-end re-extraction in a worker process must give each page
what it gets in the crawler's own process; excerpt listings must still be found among many articles.
"""
from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any, Iterator

import lxml.html
import pytest

from migrator.clean.repeated import listings_of_excerpts
from migrator.demo.server import DemoServer
from migrator.extract import extract
from migrator.extract.pool import CHUNK, ExtractionPool
from migrator.extract.region import (
    SAME_TEMPLATE,
    Regions,
    Sample,
    Template,
    jaccard,
    learn_template,
    learn_templates,
    parse_page,
    skeleton,
    template_groups,
)
from migrator.ingest import Counts, Ingest
from migrator.mapping import Config
from migrator.rulebook import Rulebook
from migrator.sitewide.regions import Extracted, apply_regions, learn_regions
from migrator.store import Store
from tests.helpers import migrator
from tests.sites.heavy import HeavySite, HeavySpec


@pytest.fixture(scope="module")
def heavy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """60 heavy articles (each of the five templates on several of them) crawled once with no mapping."""
    site = HeavySite(HeavySpec(articles=60, seed=5))
    with DemoServer(site) as server:  # type: ignore[arg-type]  # any object with respond() and delay()
        db = tmp_path_factory.mktemp("heavy") / "heavy.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "UTC")
        assert proc.returncode == 0, proc.stderr[-4000:]
        yield {"db": db, "site": site, "url": server.url}


def _stored(db: Path) -> list[dict[str, Any]]:
    store = Store(db)
    try:
        return [page for _, page in store.stored_pages("generic")]
    finally:
        store.close()


def test_templates_learned_from_pages_streamed_out_of_sqlite_are_those_learned_in_memory(heavy: dict[str, Any]) -> None:
    pages = _stored(heavy["db"])
    in_memory = learn_templates([p.text() for p in pages], urls=[p.url for p in pages])
    store = Store(heavy["db"])
    try:
        streamed = learn_regions(store)
        kept = Regions.from_rows(store.template_rows())  # what the crawl itself learned at its end
    finally:
        store.close()
    assert len(in_memory) >= 3  # several of the five templates have enough pages to learn from
    assert Regions(in_memory).rows() == streamed.rows()
    assert Regions(in_memory).shapes() == kept.shapes()


def _pairwise(shapes: list[frozenset[str]]) -> list[list[int]]:
    """The reference: every page compared with every group's first page."""
    groups: list[tuple[frozenset[str], list[int]]] = []
    for index, shape in enumerate(shapes):
        best = max(groups, key=lambda g: jaccard(g[0], shape), default=None)
        if best is not None and jaccard(best[0], shape) >= SAME_TEMPLATE:
            best[1].append(index)
        else:
            groups.append((shape, [index]))
    return [members for _, members in groups]


def test_a_template_learned_from_its_sample_parsed_again_on_every_pass_is_the_one_learned_from_held_trees(
        heavy: dict[str, Any]) -> None:
    """A sample too big to hold parsed (forum thread pages: 180 MB of trees for 100 pages) is parsed again on each
    pass of the learning: the template is the same, and none of the pages is held in between."""
    pages = _stored(heavy["db"])
    groups = [members for members in template_groups(skeleton(parse_page(p.text())) for p in pages)
              if len(members) >= 5]
    assert len(groups) >= 3
    for members in groups:
        htmls = [pages[i].text() for i in members]
        sections = [pages[i].url.split("/")[3] for i in members]
        held = learn_template([parse_page(h) for h in htmls], sections)
        sample = Sample(htmls, held_chars=0)
        assert not sample.held and len(sample) == len(htmls)
        assert learn_template(sample, [sections[i] for i in sample.kept]) == held
        half = Sample(htmls, held_chars=sum(map(len, htmls)) // 2)
        assert 0 < len(half.held) < len(half)
        assert learn_template(half, [sections[i] for i in half.kept]) == held


@pytest.mark.parametrize("seed", [1, 5, 11])
def test_grouping_keeps_unrelated_templates_apart_as_pairwise_comparison_does(seed: int) -> None:
    site = HeavySite(HeavySpec(articles=40, seed=seed))
    numbers = list(range(1, 41))
    random.Random(seed).shuffle(numbers)  # the templates interleaved, as a crawl meets them
    shapes = [skeleton(lxml.html.document_fromstring(site.article(n))) for n in numbers]
    listing = skeleton(lxml.html.document_fromstring(site.page("/") or ""))
    groups = template_groups([*shapes, listing])
    assert groups == _pairwise([*shapes, listing])
    assert template_groups([None, *shapes[:6]]) == [[i + 1 for i in g] for g in _pairwise(shapes[:6])]  # unparsed: in none
    templates = [site.story(n).template for n in numbers]
    for members in groups:
        assert len({templates[i] for i in members if i < len(numbers)}) <= 1, "two templates in one group"
    assert [len(numbers)] in groups  # the listing page is a template of its own
    assert len(groups) == 6  # five article templates and the listing


def test_crawl_end_reextraction_in_a_worker_gives_what_the_crawler_process_gives(heavy: dict[str, Any]) -> None:
    pages = _stored(heavy["db"])[:3 * CHUNK + 3]  # chunks for the worker and for this process, and a short one
    config = Config()
    store = Store(heavy["db"])
    try:
        regions = Regions.from_rows(store.template_rows())
    finally:
        store.close()
    pairs = [(p.url, p.text()) for p in pages] + [("http://heavy.test/empty", "")]
    pool = ExtractionPool(config, 1)
    try:
        assert pool.executor is not None
        results = list(pool.extract_many(iter(pairs), regions))
    finally:
        pool.close()
    assert len(results) == len(pairs)
    last = results[-1]
    assert not isinstance(last, Exception) and last.kind == "other"  # the empty page, in its place
    for (url, html), got in zip(pairs[:-1], results, strict=False):
        alone = extract(url, html, config, regions)
        assert not isinstance(got, Exception)
        assert got.kind == alone.kind == "article" and got.article is not None and alone.article is not None
        assert got.article.to_record() == alone.article.to_record()


def test_excerpt_listings_found_among_many_articles_and_no_article_taken_for_one() -> None:
    site = HeavySite(HeavySpec(articles=300, seed=3))
    bodies = {f"a{n}": site.story(n).body_text for n in range(1, 301)}
    # articles opening alike (a press release pasted as their first paragraph): none is an excerpt listing
    shared_lead = site.story(1).blocks[0][1]
    bodies.update({f"pr{n}": shared_lead + "\n\n" + site.story(n).body_text for n in range(2, 8)})
    for page in range(4):
        bodies[f"list{page}"] = "\n\n".join(" ".join(bodies[f"a{n}"].split()[:30])
                                            for n in range(1 + page * 20, 21 + page * 20))
    expected = [f"list{page}" for page in range(4)]
    assert listings_of_excerpts(bodies) == expected
    assert listings_of_excerpts(iter(bodies.items())) == expected  # streamed (id, text) rows: the same


def _two_passes(db: Path, first: Regions, second: Regions, extracted: Extracted | None) -> tuple[list[Any], int]:
    """Both passes of the crawl end's re-extraction over ``db``; the live records after, and how many pages the
    second pass extracted again (all of them without ``extracted``)."""
    store = Store(db)
    try:
        config = Config()
        run = store.begin_run("test", str(db), {})
        ingest = Ingest(store, config, Rulebook.for_run(config, str(db)), run, Counts(), frontier=False)
        with store.batch():
            apply_regions(ingest, first, None, extracted)
        asked: list[str] = []
        real = ExtractionPool.extract_many

        def counted(self: ExtractionPool, pages: Any, regions: Any, record: bool = False) -> Iterator[Any]:
            def listed() -> Iterator[tuple[str, str]]:
                for url, html in pages:
                    asked.append(url)
                    yield url, html
            return real(self, listed(), regions, record)

        ExtractionPool.extract_many = counted  # type: ignore[method-assign]
        try:
            with store.batch():
                apply_regions(ingest, second, None, extracted)
        finally:
            ExtractionPool.extract_many = real  # type: ignore[method-assign]
        rows = store.db.execute("SELECT source_id, title, published_at, author, body_html, content_hash FROM "
                                "articles WHERE state = 'live' ORDER BY source_id").fetchall()
        return rows, len(asked)
    finally:
        store.close()


def test_a_second_pass_extracts_again_only_the_pages_whose_template_changed(heavy: dict[str, Any],
                                                                            tmp_path: Path) -> None:
    """A later round of learning whose regions differ in a skeleton or the evidence alone takes the earlier
    round's results (the records as a full re-extraction makes them); a template whose region moved has its
    pages extracted again."""
    store = Store(heavy["db"])
    try:
        first = learn_regions(store)
    finally:
        store.close()
    assert len(first.templates) >= 3
    moved, *others = first.templates
    second = Regions([Template(moved.skeleton, "/html/body", moved.pages, moved.agreeing, moved.fields)]
                     + [Template(frozenset(sorted(t.skeleton)[1:]), t.xpath, t.pages + 1, t.agreeing, t.fields)
                        for t in others])  # skeletons a descriptor short, other page counts: the same extraction
    for name in ("kept", "full"):
        shutil.copy(heavy["db"], tmp_path / f"{name}.db")
    extracted = Extracted()
    try:
        kept, again = _two_passes(tmp_path / "kept.db", first, second, extracted)
    finally:
        extracted.close()
    full, everything = _two_passes(tmp_path / "full.db", first, second, None)
    assert kept == full  # the same records as extracting every page again
    store = Store(heavy["db"])
    try:
        pages = [page for _, page in store.stored_pages("generic")]
        moved_pages = sum(first.template_of(parse_page(p.text())) is moved for p in pages)  # type: ignore[arg-type]
    finally:
        store.close()
    assert everything == len(pages)
    assert 0 < moved_pages <= again < everything  # the moved template's pages, not the others'
