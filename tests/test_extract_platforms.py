"""The WordPress, Drupal 7, Joomla and Blogger profiles and DataLife Engine's full stories: generated sites in the markup of those platforms' own
templates (:mod:`tests.sites.platforms`), crawled with no mapping through real local servers, and pages read
one by one. Every entry is one record however short, no listing is, API and action endpoints are never asked,
and a meta refresh to another host is never followed."""
from __future__ import annotations

from typing import Any, Callable, Iterator, Sequence

import pytest

from migrator.extract import detect_profile, dle, extract
from migrator.extract.common import parse
from migrator.extract.platform import dated, drop_injected
from migrator.mapping import load_config
from tests.helpers import Crawled
from tests.sites.platforms import (
    SPAM,
    DleSite,
    Drupal7Site,
    Entry,
    JoomlaSite,
    WordPressBlog,
    blogger_listing,
    blogger_post,
)
from tests.sites.server import RouteServer, serve

CONFIG = load_config(timezone="Europe/Moscow")


def urls(record: dict[str, Any], base: str) -> set[str]:
    """Every URL of one record: the one it was first read at and its aliases."""
    return {u.removeprefix(base) for u in [record["url"], *record["aliases"]]}


def one_per_entry(records: list[dict[str, Any]], entries: Sequence[Entry], base: str) -> dict[str, dict[str, Any]]:
    """Each entry's record, found by any of its URLs; every record is one entry's and holds all its URLs."""
    found = {}
    for entry in entries:
        (record,) = [r for r in records if entry.path in urls(r, base)]
        assert urls(record, base) == {entry.path, *entry.aliases}
        found[entry.path] = record
    assert len(records) == len(entries), sorted(r["url"] for r in records)
    return found


# -- WordPress ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crawled, RouteServer, RouteServer]]:
    """The blog crawled once; its meta-refresh stub points at a server on another host that counts requests."""
    from tests.helpers import migrator

    with serve("127.0.0.2", lambda path: (200, {}, "<html><body>elsewhere</body></html>")) as other:
        blog = WordPressBlog(elsewhere=other.url + "/")
        with serve("127.0.0.1", blog.route) as server:
            db = tmp_path_factory.mktemp("wp") / "site.db"
            proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow")
            yield Crawled(proc, db), server, other


def test_wordpress_every_post_one_record_however_short_and_no_listing(wordpress: Any) -> None:
    crawled, server, _ = wordpress
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    # no home, paged, date, category, tag or author page; the short post once, with and without its slash
    one_per_entry(crawled.records(), WordPressBlog().entries, server.url)
    assert "listing" in crawled.proc.stderr


def test_wordpress_fields_from_the_theme_markup(wordpress: Any) -> None:
    crawled, server, _ = wordpress
    records = one_per_entry(crawled.records(), WordPressBlog().entries, server.url)
    for entry in WordPressBlog().entries:
        record = records[entry.path]
        assert record["title"] == entry.title
        assert record["author"] == entry.author  # the printed "by <name>", rel=author
        assert record["tags"] == entry.tags  # rel="category tag" first, then rel=tag
        assert record["body_text"] == "\n\n".join(entry.paragraphs)  # no share bar, no meta line
        assert [(c["author"], c["body_text"]) for c in record["comments"]] == [(a, t) for a, _, t in entry.comments]
    assert records["/2013/02/03/long-post/"]["published_at"] == "2013-02-03T18:40:00+00:00"  # as printed
    assert records["/2013/02/03/long-post/"]["comments"][0]["published_at"].startswith("2013-02-04")
    assert records["/2013/03/02/no-year/"]["published_at"].startswith("2013-03-02")  # the year from the URL


def test_wordpress_endpoints_and_offsite_refresh_never_fetched(wordpress: Any) -> None:
    crawled, server, other = wordpress
    asked = " ".join(server.paths)
    for endpoint in ("/wp-json/", "xmlrpc.php", "wp-login.php", "replytocom=", "share=", "ical="):
        assert endpoint not in asked, endpoint
    assert not list(other.paths)  # the stub's target on the other host: never contacted
    assert "offsite" in crawled.proc.stderr


# -- Drupal 7 -----------------------------------------------------------------------------------------

def test_drupal7_nodes_under_two_urls_one_record_each_with_byline_terms_and_no_spam(crawl: Callable[..., Crawled]
                                                                                   ) -> None:
    site = Drupal7Site()
    with serve("127.0.0.1", site.route) as server:
        crawled = crawl(server.url + "/")
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    records = one_per_entry(crawled.records(), site.entries, server.url)  # the front page of teasers is no record
    for entry in site.entries:
        record = records[entry.path]
        assert (record["title"], record["author"], record["tags"]) == (entry.title, entry.author, entry.tags)
        assert record["published_at"] == entry.published
        assert record["body_text"] == "\n\n".join(entry.paragraphs)  # the injected shoe links are gone
        assert record["type"] == "writeup"


def test_injected_block_needs_the_packed_script_and_offsite_links() -> None:
    kept = parse(f"<html><body><div><p>Text.</p><span><a href='/node/2'>Our page</a></span>{SPAM[-160:]}</div>"
                 "</body></html>")
    assert kept is not None
    body = kept.xpath("//div")[0]
    assert drop_injected(body, "http://site.test/node/1") == 1 and "Our page" in body.text_content()  # script only
    plain = parse(f"<html><body><div><p>Text.</p>{SPAM.split('<script>')[0]}</div></body></html>")
    assert plain is not None and drop_injected(plain.xpath("//div")[0], "http://site.test/node/1") == 0


# -- Joomla 1.5 ---------------------------------------------------------------------------------------

def test_joomla_articles_one_record_per_article_with_printed_byline(crawl: Callable[..., Crawled]) -> None:
    site = JoomlaSite()
    with serve("127.0.0.1", site.route) as server:
        crawled = crawl(server.url + "/")
        asked = " ".join(server.paths)
        again = crawl(server.url + "/")
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    records = one_per_entry(crawled.records(), site.entries, server.url)  # the Joomla 1.0 URL too; no listing
    first, short, sef, routed, lookalike = (records[e.path] for e in site.entries)
    assert first["url"] == server.url + site.entries[0].path  # the 1.5 route the site builds, the 1.0 one an alias
    # SEF page and non-SEF route: one record, Joomla's article id, at the SEF URL whichever page came first
    assert (sef["source_id"], routed["source_id"]) == ("article/14", "article/15")
    assert sef["url"] == server.url + site.entries[2].path and routed["url"] == server.url + site.entries[3].aliases[0]
    assert lookalike["source_id"] != "article/14"  # "14-years-on" names no id its content confirms
    assert again.proc.returncode == 0, again.proc.stderr[-3000:]  # each SEF page now finds its article's record
    assert one_per_entry(again.records(), site.entries, server.url)[site.entries[2].path]["source_id"] == "article/14"
    assert first["author"] == "Olena"  # "Written by", not <meta name="author">
    assert first["published_at"] == "2006-03-20T10:46:00+03:00" and first["updated_at"].startswith("2007-04-13")
    assert "protected from spambots" not in first["body_text"]
    assert short["body_text"] == site.entries[1].paragraphs[0]  # one sentence, kept
    assert short["published_at"] is None  # "20 March", no year anywhere: left unread, with a warning
    assert "partial-date" in crawled.proc.stderr
    assert "task=emailform" not in asked and "com_mailto" not in asked and "print=1" not in asked


# -- Blogger ------------------------------------------------------------------------------------------

POST = Entry("/2010/07/bienvenidos.html", "Bienvenidos", ["Hola, soy Jorge.", "Gracias."],
             "2010-07-25T13:46:00+02:00", "Jorge", ["fotos", "familia"],
             [("Laura", "25 July 2010 18:24", "Me encanta tu blog.")])


def test_blogger_item_page_and_listing() -> None:
    page = extract("http://b.test" + POST.path, blogger_post(POST, "3425"), CONFIG)
    assert (page.kind, page.profile, page.source_id) == ("article", "blogger", "post/3425")
    article = page.article
    assert article is not None
    assert (article.title, article.author, article.tags) == ("Bienvenidos", "Jorge", ["fotos", "familia"])
    assert article.published_at == "2010-07-25T13:46:00+02:00"  # the printed offset, not re-zoned
    assert article.body_text == "Hola, soy Jorge.\nGracias."
    assert [(c.author, c.body_text) for c in article.comments] == [("Laura", "Me encanta tu blog.")]
    listing = extract("http://b.test/", blogger_listing([(POST, "3425"), (POST, "3426")]), CONFIG)
    assert (listing.kind, listing.profile) == ("listing", "blogger")


# -- DataLife Engine ----------------------------------------------------------------------------------

def test_dle_every_full_story_one_record_however_short_and_no_listing(crawl: Callable[..., Crawled]) -> None:
    """The student cards hold images alone (or one caption line): the engine's marks make them full stories, read
    in the region the other stories' template keeps, with their title, date, author, category and images."""
    site = DleSite()
    with serve("127.0.0.1", site.route) as server:
        crawled = crawl(server.url + "/")
    assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
    records = one_per_entry(crawled.records(), site.entries, server.url)  # no front page, category or page 2
    for entry in site.entries:
        record = records[entry.path]
        assert (record["title"], record["author"], record["tags"]) == (entry.title, entry.author, entry.tags)
        assert record["published_at"] == entry.published
        assert record["body_text"] == "\n\n".join(entry.paragraphs)
        assert len(record["comments"]) == len(entry.comments)
    card, graduate = records["/7-student-card.html"], records["/8-graduate-card.html"]
    assert [i.removeprefix(server.url) for i in card["images"]] == [
        "/uploads/posts/medium/2023-04/1.jpg", "/uploads/posts/medium/2023-04/2.jpg"]
    assert card["body_text"] == "" and graduate["body_text"] == "Выпускник учебного центра SENSORIKA EDUCATION"


@pytest.mark.parametrize(("path", "story"), [
    ("/7-student-card.html", "7"),   # the comment form's post_id and the read counter
    (DleSite().entries[3].path, "4"),  # comments closed: the read counter alone
    ("/mystudents.html", None),      # a category listing
    ("/mystudents/page/2/", None),
    ("/", None),
])
def test_dle_full_story_by_the_engines_marks(path: str, story: str | None) -> None:
    doc = parse(DleSite().route(path)[2])
    assert doc is not None and dle.full_story(doc, "http://s.test" + path) == story


def test_dle_old_story_wrapper_names_a_story_only_with_its_url() -> None:
    """Before DLE 10 ``{full-story}`` and every ``{short-story}`` were wrapped in ``div#news-id-N``: once, on the
    page the URL names, it is that story; on a listing (one teaser or several) it is none."""
    head = "<html><head><meta name='generator' content='DataLife Engine (http://dle-news.ru)'></head><body>"
    one = parse(head + "<div id='news-id-5' style='display:inline;'><img src='a.jpg'></div></body></html>")
    assert one is not None
    assert dle.full_story(one, "http://s.test/news/5-a-story.html") == "5"
    assert dle.full_story(one, "http://s.test/index.php?newsid=5") == "5"
    assert dle.full_story(one, "http://s.test/news/") is None  # a category with one teaser
    assert dle.full_story(one, "http://s.test/6-other.html") is None


# -- detection and dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("html", "profile"), [
    (WordPressBlog().route("/2013/02/01/805/")[2], "wordpress"),
    (Drupal7Site().route("/writeup/7")[2], "drupal7"),
    (JoomlaSite().route("/")[2], "joomla"),
    (blogger_post(POST, "1"), "blogger"),
    ("<html><body><div id='node-3' class='node'><h2>T</h2></div><script src='/misc/drupal.js'></script></body></html>",
     "drupal6"),
    ("<html><body><h1>Plain</h1><p>Text.</p></body></html>", "generic"),
])
def test_detection_from_the_pages_own_marks(html: str, profile: str) -> None:
    doc = parse(html)
    assert doc is not None and detect_profile(doc) == profile


@pytest.mark.parametrize(("raw", "url", "want"), [
    ("20.03 10:15", "http://b.test/2013/03/20/post/", "2013-03-20T10:15:00+04:00"),
    ("2 March", "http://b.test/2013/03/02/x/", "2013-03-02"),
    ("2 March", "http://b.test/x/", None),
    ("17.03.2014 12:23", "http://b.test/x/", "2014-03-17T12:23:00+04:00"),
    ("2015-02-02T17:15:20+03:00", "http://b.test/x/", "2015-02-02T17:15:20+03:00"),
])
def test_dates_as_printed(raw: str, url: str, want: str | None) -> None:
    warnings: list[str] = []
    got = dated(raw, url, "Europe/Moscow", warnings)
    assert (got or "")[:len(want or "")] == (want or "") and (got is None) == (want is None)
    assert bool(warnings) == (want is None)
