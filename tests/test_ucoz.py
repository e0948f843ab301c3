"""The second generated legacy platform: a uCoz-era Russian community site, crawled with no mapping.

Nothing tells the crawler where this site keeps its fields: the title, the date (in the details line, or only
in ``<title>`` with the time floated beside the title), the author after "Добавил:"/"Автор:" and the category
are learned at crawl end by comparing the pages of each template (:mod:`migrator.extract.fields`). Several
seeds draw several of the real variants; the crawls are real HTTP against a local server and real SQLite files.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import lxml.html
import pytest

from migrator.demo.server import DemoServer
from migrator.extract import extract
from migrator.extract.fields import apply_fields, learn_fields, read_date
from migrator.extract.region import Regions, learn_templates, stable_names, xpath_of
from migrator.mapping import load_config
from migrator.record import Article
from migrator.store import Store
from tests.helpers import migrator
from tests.sites.ucoz import TEMPLATE_PHRASES, TIMEZONE, UcozSite, UcozSpec, Variant

FIELDS = ("title", "published_at", "author", "tags")


def page(site: UcozSite, path: str) -> str:
    status, _, body = site.respond("GET", path, {"Host": "orion.test"})
    assert status == 200
    return body.decode("cp1251")


def exact_share(records: dict[str, dict[str, Any]], truth: list[dict[str, Any]], key: str) -> float:
    """The share of entries of every type (forum topics too) whose record has the field exactly right."""
    entries = truth
    return sum(1 for t in entries if (records.get(t["url"]) or {}).get(key) == t[key]) / len(entries)


# -- field learning without a server ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [4, 6, 7, 9])
def test_fields_are_learned_from_the_pages_of_each_template(seed: int) -> None:
    """Learned over every entry page of one seed, applied by the extractor: every field of every entry."""
    site = UcozSite(UcozSpec(seed=seed))
    base = "http://orion.test"
    regions = Regions(learn_templates([page(site, e.path) for e in site.entries],
                                      urls=[base + e.path for e in site.entries]))
    config = load_config(None, timezone=TIMEZONE)
    truth = {t["url"]: t for t in site.truth(base)}
    records = {}
    for entry in site.entries:
        result = extract(base + entry.path, page(site, entry.path), config, regions)
        assert result.kind == "article", (entry.path, result.reason)  # one-line briefs too
        records[base + entry.path] = {**result.article.to_record(), "published_at": result.article.published_at}
    for key in FIELDS:
        assert exact_share(records, list(truth.values()), key) == 1.0, (key, site.variant)
    assert {r["type"] for r in records.values()} == {"news", "publ", "load", "forum"}


def test_the_seeds_draw_different_variants() -> None:
    variants = {UcozSite(UcozSpec(seed=s, news=5, publ=0, files=0, topics=0)).variant for s in range(1, 13)}
    assert {v.layout for v in variants} == {"table", "div"}
    assert {v.time_place for v in variants} == {"title", "details"}
    assert {v.date_shown for v in variants} == {True, False} and {v.details for v in variants} == {"one", "split"}


def test_a_date_only_in_title_takes_the_time_floated_beside_the_title() -> None:
    variant = Variant("div", "title", "one", False, "Добавил")
    site = UcozSite(UcozSpec(seed=5))
    site.variant = variant  # the same entries, rendered with this variant
    news = [e for e in site.entries if e.module == "news"][:8]
    docs = [lxml.html.document_fromstring(page(site, e.path)) for e in news]
    stable = stable_names(docs)
    fields = learn_fields(docs, lambda e: xpath_of(e, stable))
    assert fields["date"]["from"] == "title" and "time" in fields["date"]
    found = read_date(docs[3], fields["date"])
    assert found is not None and found[0] == (news[3].published.year, news[3].published.month, news[3].published.day,
                                              news[3].published.hour, news[3].published.minute)
    assert fields["author"]["label"] == "Добавил:"
    article = Article(url="http://orion.test" + news[3].path, source_id="x", title="", author="Добавил: x")
    apply_fields(docs[3], article, fields, TIMEZONE)
    assert article.author == news[3].author and article.title == news[3].title  # the value, not its label


@pytest.mark.parametrize("place", ["top", "info"])
def test_a_forum_topic_is_its_starters_with_the_first_posts_date(place: str) -> None:
    """No label names a forum topic's author: the poster of its first post (uCoz's ``postUser``) is, and its date
    is the first post's, though every reply prints a poster and a date in the same markup."""
    site = UcozSite(UcozSpec(seed=8, news=0, publ=0, files=0, topics=10))
    site.variant = dataclasses.replace(site.variant, poster_place=place)
    docs = [lxml.html.document_fromstring(page(site, e.path)) for e in site.entries]
    stable = stable_names(docs)
    fields = learn_fields(docs, lambda e: xpath_of(e, stable))
    assert "label" not in fields["author"]
    assert any(e.replies[0][0] != e.author for e in site.entries)  # a reply's poster would show as wrong
    zone = ZoneInfo(TIMEZONE)
    for doc, entry in zip(docs, site.entries, strict=False):
        article = Article(url="http://orion.test" + entry.path, source_id="x", title="")
        apply_fields(doc, article, fields, TIMEZONE)
        assert (article.author, article.published_at) == (entry.author, entry.published.replace(tzinfo=zone).isoformat())


def test_a_commenters_name_under_an_article_is_no_author() -> None:
    """``span.username`` (as Drupal 7 and phpBB print user names) under the article, in its comments, is not
    in one post block with the article's date: no author is learned from it."""
    pages = [lxml.html.document_fromstring(
        f"<html><head><title>Запись {i} - Сайт</title></head><body><h1>Запись {i}</h1>"
        f"<div class='date'>0{i + 1}.03.2011</div><p>Текст записи номер {i}.</p>"
        + "".join(f"<div class='comment'><span class='username'>user{(i + k) % 3}</span> Согласен.</div>"
                  for k in range(2)) + "</body></html>") for i in range(6)]
    fields = learn_fields(pages, lambda e: e.getroottree().getpath(e))
    assert "date" in fields and "author" not in fields


def test_a_breadcrumb_year_month_day_is_a_date() -> None:
    """A template that prints its date only as "2010 » Ноябрь » 4" (month in the nominative)."""
    pages = [lxml.html.document_fromstring(
        f"<html><head><title>Запись {i} - Сайт</title></head><body><div class='crumbs'><a href='/'>Главная</a> » "
        f"<a href='/y'>201{i % 3}</a> » <a href='/m'>{m}</a> » <a href='/d'>{i + 3}</a></div>"
        f"<h1>Запись {i}</h1><p>Текст записи номер {i}.</p></body></html>")
        for i, m in enumerate(["Ноябрь", "Март", "Июль", "Декабрь", "Май", "Январь"])]
    fields = learn_fields(pages, lambda e: e.getroottree().getpath(e))
    assert fields["date"]["from"] == "breadcrumb"
    assert read_date(pages[1], fields["date"])[0] == (2011, 3, 4, 0, 0)  # type: ignore[index]


# -- the site crawled with no mapping -----------------------------------------------------------------

def export(db: Path, *options: str) -> dict[str, dict[str, Any]]:
    proc = migrator("export", "--db", str(db), "--format", "jsonl", *options)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return {r["url"]: r for r in map(json.loads, proc.stdout.splitlines())}


@pytest.fixture(scope="module", params=[11, 12, 19])  # 19: one details line per entry, as listings show it
def crawled(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    site = UcozSite(UcozSpec(seed=request.param))
    with DemoServer(site) as server:  # type: ignore[arg-type]
        db = tmp_path_factory.mktemp("ucoz") / "ucoz.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", TIMEZONE)
        assert proc.returncode == 0, proc.stderr[-4000:]
        yield {"db": db, "site": site, "server": server, "records": export(db), "truth": site.truth(server.url),
               "stderr": proc.stderr}


def test_every_entry_is_a_record_with_its_type(crawled: dict[str, Any]) -> None:
    records, truth = crawled["records"], crawled["truth"]
    missing = [t["url"] for t in truth if t["url"] not in records]
    assert missing == []  # one-line news briefs included
    assert sorted(set(records) - {t["url"] for t in truth}) == []  # listings, whatever their details lines
    assert [(t["url"], records[t["url"]]["type"]) for t in truth if records[t["url"]]["type"] != t["type"]] == []
    assert "Traceback" not in crawled["stderr"]


def test_title_date_to_the_minute_and_author_from_the_crawls_own_learning(crawled: dict[str, Any]) -> None:
    shares = {key: exact_share(crawled["records"], crawled["truth"], key) for key in FIELDS}
    assert min(shares.values()) >= 0.95, (shares, crawled["site"].variant)


def test_comments_and_replies_are_read_as_comments(crawled: dict[str, Any]) -> None:
    """Each entry's comments (dozens under some) and each topic's replies: author, date to the minute and text,
    in order; none of their text in the entry's body."""
    records = crawled["records"]
    for truth in crawled["truth"]:
        record = records[truth["url"]]
        got = [(c["author"], c["published_at"], c["body_text"]) for c in record["comments"]]
        assert got == truth["comments"], truth["url"]
        assert not [t for _, _, t in truth["comments"] if t in (record["body_text"] or "")], truth["url"]


def test_no_label_or_site_furniture_in_any_body(crawled: dict[str, Any]) -> None:
    bodies = [r["body_text"] or "" for r in crawled["records"].values()]
    for phrase in (*TEMPLATE_PHRASES, "Добавил:", "Просмотров:", "Категория:"):
        assert not [b for b in bodies if phrase in b], phrase


def test_listings_are_skipped_or_withdrawn_with_their_reason_and_listed(crawled: dict[str, Any]) -> None:
    base = crawled["server"].url
    store = Store(crawled["db"], create=False)
    listed = set(store.page_urls("listing"))
    for path in ("/news/", "/publ/", "/load/"):  # uCoz's list markup: skipped as they load
        assert base + path in listed and base + path not in crawled["records"], path
    withdrawn = {row["url"]: row["reason"] for row in store.withdrawals()}
    assert withdrawn and set(withdrawn.values()) == {"site shell and links only"}  # the date archives
    proc = migrator("status", "--db", str(crawled["db"]))
    assert proc.returncode == 0 and "site shell and links only" in proc.stdout
    assert all(url in proc.stdout for url in withdrawn)
    assert "forum" in proc.stdout and "live records by type" in proc.stdout


def test_export_filters_by_type(crawled: dict[str, Any]) -> None:
    forum = export(crawled["db"], "--type", "forum")
    assert forum and {r["type"] for r in forum.values()} == {"forum"}
    assert len(forum) == sum(1 for t in crawled["truth"] if t["type"] == "forum")


def test_learned_fields_are_kept_shown_and_reclean_leaves_the_records(crawled: dict[str, Any], tmp_path: Path) -> None:
    rows = Store(crawled["db"], create=False).template_rows()
    assert any("title" in found and "date" in found for row in rows for found in row["fields"].values())
    rules = tmp_path / "site.rules.toml"
    proc = migrator("learn", "--db", str(crawled["db"]), "--rules", str(rules))
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = rules.read_text(encoding="utf-8")
    assert "[[fields]]" in text and ("Добавил:" in text or "Автор:" in text)
    proc = migrator("reclean", "--db", str(crawled["db"]), "--dry-run")
    assert proc.returncode == 0 and " 0 would change" in proc.stderr, proc.stderr[-2000:]


def test_the_mapping_keeps_a_withdrawn_page_and_leaves_out_a_type(tmp_path: Path) -> None:
    site = UcozSite(UcozSpec(seed=13, news=12, publ=6, files=5, topics=5))
    mapping = tmp_path / "site.toml"
    mapping.write_text('timezone = "Europe/Moscow"\n[crawl]\nexclude_types = ["forum"]\n'
                       "[clean]\nkeep = ['^/publ/$']\n", encoding="utf-8")
    with DemoServer(site) as server:  # type: ignore[arg-type]
        db = tmp_path / "u.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--mapping", str(mapping))
        assert proc.returncode == 0, proc.stderr[-3000:]
        records, base = export(db), server.url
        assert base + "/publ/" in records  # kept: a listing, but the mapping says keep it
        assert not [r for r in records.values() if r["type"] == "forum"]
        assert [t["url"] for t in site.truth(base) if t["type"] != "forum" and t["url"] not in records] == []
        # reclean runs the crawl's end again: without the keep, the listing goes, with its reason; no entry does
        unkept = tmp_path / "unkept.toml"
        unkept.write_text('timezone = "Europe/Moscow"\n[crawl]\nexclude_types = ["forum"]\n', encoding="utf-8")
        proc = migrator("reclean", "--db", str(db), "--mapping", str(unkept))
        assert proc.returncode == 0 and "1 withdrawn" in proc.stderr, proc.stderr[-3000:]
        after = export(db)
        assert set(records) - set(after) == {base + "/publ/"}
        status = migrator("status", "--db", str(db)).stdout
        assert "excerpts of other articles" in status and base + "/publ/" in status
        # ...and the keep undoes it, from the stored page
        proc = migrator("reclean", "--db", str(db), "--mapping", str(mapping))
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert set(export(db)) == set(records)


def test_extract_of_saved_pages_learns_the_fields_too(tmp_path: Path) -> None:
    site = UcozSite(UcozSpec(seed=14))
    news = [e for e in site.entries if e.module == "news"][:12]
    paths = []
    for i, entry in enumerate(news):
        path = tmp_path / f"news{i:02d}.html"
        path.write_bytes(site.respond("GET", entry.path, {"Host": "orion.test"})[2])
        paths.append(str(path))
    proc = migrator("extract", *paths, "--timezone", TIMEZONE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    zone_truth = {t["title"]: t for t in site.truth("http://orion.test")}
    assert [r["title"] for r in records] == [e.title for e in news]
    assert [r["published_at"] for r in records] == [zone_truth[e.title]["published_at"] for e in news]
    assert [r["author"] for r in records] == [e.author for e in news]


def test_extract_of_a_mixed_sites_saved_pages_learns_and_withdraws_as_the_crawl_does(tmp_path: Path) -> None:
    """Saved pages of every section, with no URLs to tell the sections by: news print their date only in
    ``<title>``, the catalogues in their details line; the same crawl-end learning (SiteModel) as a crawl's
    finds both, keeps the one-line briefs and withdraws the listings, with their reason."""
    site = UcozSite(UcozSpec(seed=20))
    assert not site.variant.date_shown  # the news' date stands only in <title> and the breadcrumb
    files = {}
    for i, entry in enumerate(site.entries):
        files[tmp_path / f"{i:02d}-{entry.module}.html"] = entry.path
    for i, listing in enumerate(("/news/", "/news/?page2", "/publ/", "/load/")):
        files[tmp_path / f"list{i}.html"] = listing
    for path, url_path in files.items():
        path.write_bytes(site.respond("GET", url_path, {"Host": "orion.test"})[2])
    proc = migrator("extract", *map(str, files), "--timezone", TIMEZONE)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = {Path(r["file"]).name: r for r in map(json.loads, proc.stdout.splitlines())}
    truth = {t["url"][len("http://orion.test"):]: t for t in site.truth("http://orion.test")}
    listings = {p.name for p, u in files.items() if u not in truth}
    # uCoz's own list markup (div#entryIDn blocks) says they are listings, before any crawl-end heuristic
    reasons = {name: r["reason"] for name, r in records.items() if r["kind"] != "article"}
    assert set(reasons) == listings and all(re.fullmatch(r"listing: uCoz list of \d+ entries", r)
                                            for r in reasons.values()), reasons
    wrong = [(p.name, key, records[p.name][key]) for p, u in files.items() if u in truth
             for key in FIELDS if records[p.name][key] != truth[u][key]]  # the type: the URL section, none here
    assert wrong == []
