"""One node, one record when nothing on the page names the node id (migrator.ingest.identity).

bluemarine, pushbutton, chameleon and marvin print ``<div class="node">`` with no ``node-N`` id; with
comments read-only (no "login to post comments" link) and no print or forward module, only the URL
``/node/N`` (or the ``?q=node/N`` a body link was redirected from) names the node. The crawl must
still make one record per node: ``url`` the alias, the ``/node/N`` URL in ``aliases``, ``source_id``
``node/N``, and a sync must find nothing new or gone. Real local servers, real SQLite files.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from migrator.demo.layout import THEMES
from migrator.demo.run import absolute_truth
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.extract import extract
from migrator.ingest import identity
from migrator.mapping import load_config
from migrator.parity.evaluate import compare
from migrator.record import Article
from migrator.store import Store
from migrator.urls import derived_source_id, node_id
from tests.helpers import migrator

#: What leaves a page nothing that names its node: no node id in the markup, comments read-only, no
#: print or forward links.
NOTHING_NAMES_THE_NODE = (("node_ids", False), ("comments", "closed"), ("print_link", False),
                          ("forward_link", False))
#: (seed, theme): two id-less core themes and garland with the id dropped by the site's template.
SITES = ((14, "bluemarine"), (5, "chameleon"), (8, "garland"))
RULES = (re.compile(r"^/node/(\d+)/?$"), re.compile(r"[?&]q=node/(\d+)"))


def _site(seed: int, theme: str) -> DemoSite:
    return DemoSite(SiteSpec(seed=seed, articles=60, theme=theme, zoo=True, archive_items=4, slow_seconds=0.1,
                             markup=NOTHING_NAMES_THE_NODE))


def _export(db: Path) -> list[dict[str, Any]]:
    exported = migrator("export", "--db", str(db), "--format", "jsonl")
    assert exported.returncode == 0, exported.stderr
    return [json.loads(line) for line in exported.stdout.splitlines()]


@pytest.fixture(scope="module", params=SITES, ids=[f"{theme}-{seed}" for seed, theme in SITES])
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Crawl one site with no mapping, then sync it unchanged."""
    seed, theme = request.param
    site = _site(seed, theme)
    workdir = tmp_path_factory.mktemp("identity")
    db, report = workdir / "site.db", workdir / "sync.json"
    with DemoServer(site) as server:
        crawl = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        records = _export(db)
        sync = migrator("sync", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                        "--report", str(report))
        assert sync.returncode == 0, sync.stderr[-3000:]
        base, truth = server.url, absolute_truth(site, server.url)
    return {"site": site, "base": base, "records": records, "truth": truth, "after_sync": _export(db),
            "report": json.loads(report.read_text())}


def test_the_alias_page_names_no_node(crawled: dict[str, Any]) -> None:
    """The premise: the Drupal profile reads every article at its alias, but finds no node id on it."""
    site, config = crawled["site"], load_config(start_url="http://demo.test/")
    nodes = [t for t in site.truth() if t.get("kind") == "node"][:10]
    for node in nodes:
        status, _, body = site.respond("GET", node["url"], {"Host": "demo.test"})
        result = extract("http://demo.test" + node["url"], body.decode("utf-8"), config)
        assert status == 200 and result.kind == "article" and result.profile == "drupal6"
        assert result.source_id is None, node["url"]


def test_one_record_per_node_at_its_alias(crawled: dict[str, Any]) -> None:
    quality = compare(crawled["records"], crawled["truth"])
    missing = [m["url"] for m in quality["mismatches"] if m["field"] == "missing"]
    assert missing == [] and quality["duplicates"] == 0 and quality["not_in_truth"] == 0
    urls = [r["url"] for r in crawled["records"]]
    assert len(urls) == len(set(urls)) == len(crawled["truth"])
    assert quality["canonical_url"] == 1.0  # every record's url is the alias, never /node/N


def test_every_node_url_the_crawl_saw_names_its_record(crawled: dict[str, Any]) -> None:
    """A record that any /node/N or ?q=node/N URL served has that node's id; listed nodes (teasers link
    "read more" to /node/N) all do, with /node/N among their aliases."""
    base = crawled["base"]
    by_url = {r["url"]: r for r in crawled["records"]}
    for record in crawled["records"]:
        named = {node_id(u.removeprefix(base), RULES) for u in record["aliases"]} - {None}
        assert named <= {record["source_id"]}, record["url"]
        if not named:  # reached only through its alias: nothing the crawl saw named it
            assert record["source_id"] == derived_source_id(record["url"])
    listed = [t for t in crawled["truth"] if t.get("kind") == "node" and "listing" in t["discovery"]]
    assert len(listed) >= 40
    for item in listed:
        record = by_url[item["url"]]
        assert record["source_id"] == item["source_id"]
        assert f"{base}/{item['source_id']}" in record["aliases"]


def test_sync_of_the_unchanged_site_finds_nothing_new_or_gone(crawled: dict[str, Any]) -> None:
    report = crawled["report"]
    assert report["new"] == [] and report["gone"] == [] and report["updated"] == []
    assert report["unchanged"] == len(crawled["records"])
    before = {r["url"]: (r["source_id"], r["aliases"]) for r in crawled["records"]}
    after = {r["url"]: (r["source_id"], r["aliases"]) for r in crawled["after_sync"]}
    assert after == before


@pytest.mark.parametrize("theme", sorted(THEMES))
def test_closed_comments_are_shown_without_reply_links(theme: str) -> None:
    """Drupal's read-only comments: the node and its comments print no "login to post comments" link."""
    for comments in ("open", "closed"):
        site = DemoSite(SiteSpec(seed=3, articles=30, theme=theme, archive_items=2, markup=(("comments", comments),)))
        node = next(t for t in site.truth() if t.get("kind") == "node" and t["comments"])
        status, _, body = site.respond("GET", node["url"], {"Host": "demo.test"})
        page = body.decode("utf-8")
        assert status == 200 and all(c["body_text"].split("\n")[0] in page for c in node["comments"])
        assert ("comment%2Freply" in page) == (comments == "open"), (theme, comments)


def test_an_unknown_markup_choice_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown markup choices \\['comment_mode'\\]"):
        DemoSite(SiteSpec(markup=(("comment_mode", "closed"),)))


# -- the merge itself, on a real SQLite file ----------------------------------------------------------

def _article(url: str, source_id: str | None = None, body: str = "Текст новости о физике.") -> Article:
    return Article(url=url, source_id=source_id or node_id(url, RULES) or derived_source_id(url), title="Заголовок",
                   published_at="2014-11-25T10:15:00+03:00", author="ivanov", tags=["Физика"],
                   body_html=f"<p>{body}</p>", body_text=body, fetched_at="2026-01-01T00:00:00+00:00")


def _save(store: Store, article: Article, run: int) -> tuple[str | None, str]:
    """What the pipeline does with an article: settle its identity, then save it, in one transaction."""
    with store.batch():
        how = identity.settle(store, article, run, RULES)
        return how, store.save_article(article, run, RULES)


@pytest.mark.parametrize("order", [("alias", "node"), ("node", "alias")])
def test_alias_and_node_page_become_one_record_in_either_order(tmp_path: Path, order: tuple[str, str]) -> None:
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "http://d.test/", {})
    urls = {"alias": "http://d.test/news/2014/11/slug", "node": "http://d.test/node/5"}
    first, second = (_save(store, _article(urls[kind]), run) for kind in order)
    assert first == (None, "new") and second == ("twin", "merged")
    [record] = list(store.records())
    assert (record["url"], record["aliases"], record["source_id"]) == (urls["alias"], [urls["node"]], "node/5")
    assert store.run_report(run)["new"] == [urls["alias"]]
    assert store.db.execute("SELECT count(*) FROM aliases WHERE source_id != 'node/5'").fetchone()[0] == 0


def test_next_run_knows_the_alias_page_by_its_url(tmp_path: Path) -> None:
    store = Store(tmp_path / "m.db")
    first = store.begin_run("crawl", "x", {})
    _save(store, _article("http://d.test/node/5"), first)
    _save(store, _article("http://d.test/news/slug"), first)
    second = store.begin_run("sync", "x", {})
    assert _save(store, _article("http://d.test/news/slug"), second) == ("known", "unchanged")
    assert _save(store, _article("http://d.test/node/5"), second) == (None, "merged")
    assert store.article_count() == 1 and store.run_report(second)["new"] == []


def test_a_redirect_from_q_node_names_the_node(tmp_path: Path) -> None:
    """Requested at ?q=node/5, answered at the alias: the alias page is node/5, and the record saved at
    that alias earlier under its derived id becomes node/5 too."""
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "x", {})
    _save(store, _article("http://d.test/news/slug"), run)
    redirected = _article("http://d.test/news/slug")
    redirected.aliases = ["http://d.test/?q=node/5"]
    assert _save(store, redirected, run) == ("twin", "merged")
    [record] = list(store.records())
    assert (record["source_id"], record["aliases"]) == ("node/5", ["http://d.test/?q=node/5"])


@pytest.mark.parametrize("case", ["other content", "page named its id", "no alias rules", "both unnamed"])
def test_no_merge_without_the_evidence(tmp_path: Path, case: str) -> None:
    store = Store(tmp_path / "m.db")
    run = store.begin_run("crawl", "x", {})
    rules = () if case == "no alias rules" else RULES
    node_url = "http://d.test/other/page" if case == "both unnamed" else "http://d.test/node/5"
    alias = _article("http://d.test/news/slug", "node/9" if case == "page named its id" else None)
    node = _article(node_url, body="Другой текст." if case == "other content" else "Текст новости о физике.")
    for article in (alias, node):
        with store.batch():
            assert identity.settle(store, article, run, rules) is None
            store.save_article(article, run, rules)
    assert store.article_count() == 2


def test_demo_command_offers_every_zoo_theme_and_the_zoo() -> None:
    """`migrator demo --theme` takes each theme the generator can draw, and `--zoo`."""
    from migrator.demo import THEME_NAMES
    from migrator.demo.layout import THEMES

    assert THEME_NAMES == tuple(THEMES)
    shown = migrator("demo", "--help")
    assert shown.returncode == 0
    assert "--zoo" in shown.stdout and all(name in shown.stdout for name in (*THEMES, "random"))
    bad = migrator("demo", "--theme", "bartik", "--db", "unused.db")
    assert bad.returncode == 2 and "bartik" in bad.stderr
