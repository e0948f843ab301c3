"""Comments and forum posts read as what they are, crawled with no mapping through real local servers.

The markup is modeled on what the platforms' own templates print (and what saved real sites show): phpBB 3
prosilver's ``div#pN.post`` (``dl.postprofile`` with its "Joined:" date, ``p.author`` "by <a class=username>
» date", ``div.content``, ``h2.topic-title``), vBulletin 3's ``table#postN`` (``td.thead`` "02-03-2004, 15:02",
``a.bigusername``, ``div#post_message_N``), uCoz's comment entries (``div.comEnt > table[itemscope]
[itemtype=…/Review].cBlock1`` with ``itemprop`` author/name, ``datePublished``, ``reviewBody``), and a Russian
comment stored as windows-1251 read as Latin-1 (``&#202;&#224;…``).
"""
from __future__ import annotations

import json
import random
import sqlite3
from pathlib import Path
from typing import Any, Iterator

import lxml.html
import pytest

from migrator.extract import extract
from migrator.extract.fields import check_fields
from migrator.mapping import Config
from tests.helpers import Crawled, migrator
from tests.sites.server import serve

WORDS = ("server", "village", "castle", "dragon", "river", "farm", "market", "tower", "mine", "bridge", "forest",
         "wheat", "stone", "guard", "horse", "trade", "road", "lamp")


def _sentence(rng: random.Random, n: int = 12) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def _phpbb_topic(number: int, rng: random.Random) -> tuple[str, dict[str, Any]]:
    title = f"Topic {number}: " + " ".join(rng.choice(WORDS) for _ in range(3))
    posts = []
    for i in range(rng.randint(1, 4)):
        day, hour = rng.randint(1, 27), rng.randint(1, 11)
        posts.append({"who": f"user{rng.randint(1, 9)}", "day": day + i, "hour": hour, "pm": i % 2 == 1,
                      "text": " ".join(_sentence(rng) for _ in range(rng.randint(1, 5)))})
    blocks = "".join(
        f'<div id="p{number * 10 + i}" class="post bg{i % 2 + 1}"><div class="inner">'
        f'<dl class="postprofile"><dt><a href="/memberlist.php?u=3" class="username">{p["who"]}</a></dt>'
        f'<dd><strong>Joined:</strong> Mon Jan 01, 2018 9:00 am</dd></dl>'
        f'<div class="postbody"><h3 class="first"><a href="#p{number * 10 + i}">'
        f'{"Re: " if i else ""}{title}</a></h3>'
        f'<p class="author"><a href="#p{number * 10 + i}"><img src="/i.gif" alt="Post"></a>by <strong>'
        f'<a href="/memberlist.php?u=3" class="username">{p["who"]}</a></strong> &raquo; '
        f'Fri Apr {p["day"]:02d}, 2018 {p["hour"]}:15 {"pm" if p["pm"] else "am"}</p>'
        f'<div class="content">{p["text"]}</div></div></div></div>'
        for i, p in enumerate(posts))
    html = (f'<html><head><title>{title} - Guild Board</title></head><body id="phpbb">'
            f'<div id="wrap"><div class="headerbar"><h1>Guild Board</h1><p>Forum of the guild</p></div>'
            f'<ul class="navlinks"><li><span class="crumb"><a href="/index.php">Board index</a></span> &lsaquo; '
            f'<span class="crumb" data-forum-id="{number % 3}"><a href="/viewforum.php?f={number % 3}">'
            f'Forum {number % 3}</a></span></li></ul>'
            f'<h2 class="topic-title"><a href="/viewtopic.php?t={number}">{title}</a></h2>'
            f'<div class="pagination">{len(posts)} posts</div>{blocks}'
            f'<div class="navbar"><a href="/">Board index</a> <a href="/faq.php">FAQ</a> '
            f'<a href="/search.php?search_id=newposts">New posts</a> <a href="/posting.php?mode=reply&amp;t={number}">'
            f'Reply</a> <a href="/ucp.php?mode=login">Login</a></div></div></body></html>')
    first = posts[0]
    hour = first["hour"] + (12 if first["pm"] else 0)
    return html, {"forum": f"Forum {number % 3}", "title": title, "author": first["who"], "published": f"2018-04-{first['day']:02d}T{hour:02d}:15",
                  "body": first["text"], "comments": [(p["who"], p["text"]) for p in posts[1:]]}


def _vbulletin_thread(number: int, rng: random.Random) -> tuple[str, dict[str, Any]]:
    title = "Thread " + " ".join(rng.choice(WORDS) for _ in range(3))
    posts = [{"who": f"member{rng.randint(1, 9)}", "day": rng.randint(13, 28), "text": _sentence(rng, 20)}
             for _ in range(rng.randint(1, 4))]
    rows = "".join(
        f'<table id="post{number * 10 + i}" class="tborder" width="100%"><tr>'
        f'<td class="thead"><!-- status icon and date --><img src="/s.gif"> {p["day"]:02d}-03-2004, 15:0{i}'
        f'<!-- / status icon and date --></td><td class="thead" align="right">#{i + 1}</td></tr>'
        f'<tr><td class="alt2" width="175"><div id="postmenu_{number * 10 + i}">'
        + (f'<a class="bigusername" href="/member.php?u=5">{p["who"]}</a>' if i != 1 else p["who"])  # no profile
        + '</div>'
        f'<div class="smallfont">Join Date: Mar 2004</div></td><td class="alt1">'
        f'<!-- icon and title --><div class="smallfont"><strong>Re: {title}</strong></div>'
        f'<!-- message --><div id="post_message_{number * 10 + i}">{p["text"]}</div><!-- / message -->'
        f'<!-- sig --><div>__________________<br>my signature line</div></td></tr></table>'
        for i, p in enumerate(posts))
    html = (f'<html><head><meta name="generator" content="vBulletin 3.6.8"><title>{title} - ClubBB</title></head>'
            f'<body><table class="tborder"><tr><td class="navbar"><a href="/index.php">ClubBB</a> '
            f'<span class="navbar">&gt; <a href="/forumdisplay.php?f={number % 3}">Forum {number % 3}</a></span> &gt; '
            f'<strong>{title}</strong></td></tr></table>{rows}'
            f'<div class="smallfont"><a href="/index.php">Forum home</a> <a href="/search.php">Search</a> '
            f'<a href="/search.php?do=finduser&amp;u=5">Find all posts by member5</a> '
            f'<a href="/newreply.php?do=newreply&amp;noquote=1&amp;p={number * 10}">Reply</a> '
            f'<a href="/private.php?do=newpm&amp;u=5">Send a private message</a></div>'
            f'</body></html>')
    first = posts[0]
    return html, {"forum": f"Forum {number % 3}", "title": title, "author": first["who"], "published": f"2004-03-{first['day']:02d}T15:00",
                  "body": first["text"], "comments": [(p["who"], p["text"]) for p in posts[1:]]}


def _index(paths: list[str]) -> str:
    links = "".join(f'<li><a href="{p}">{p}</a></li>' for p in paths)
    return f"<html><head><title>Index</title></head><body><ul>{links}</ul></body></html>"


def _site(kind: str) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    rng = random.Random(kind)
    pages, truth = {}, {}
    for number in range(1, 9):
        path = f"/viewtopic.php?t={number}" if kind == "phpbb" else f"/showthread.php?t={number}"
        html, expected = (_phpbb_topic if kind == "phpbb" else _vbulletin_thread)(number, rng)
        pages[path], truth[path] = html, expected
    pages["/"] = _index(list(pages))
    return pages, truth


def _crawled(tmp_path: Path, pages: dict[str, str]) -> tuple[Crawled, dict[str, dict[str, Any]], list[str], dict[str, Any]]:
    """``pages`` (path -> HTML, the rest 404) served by a real local server and crawled with no mapping: the crawl, its
    records by URL path, the paths the server was asked for and the run's stats."""
    with serve("127.0.0.1", lambda path: (200, {}, pages[path]) if path in pages else (404, {}, b"")) as server:
        db = tmp_path / "site.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "UTC", timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        base, asked = server.url, list(server.paths)
    crawled = Crawled(proc, db)
    records = {r["url"].removeprefix(base): r for r in crawled.records()}
    stats = json.loads(sqlite3.connect(db).execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()[0])
    return crawled, records, asked, stats


@pytest.fixture(scope="module", params=["phpbb", "vbulletin"])
def forum(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[tuple[Crawled, dict[str, dict[str, Any]], str, list[str]]]:
    pages, truth = _site(request.param)
    results = _index(list(truth))  # what a search, reply or login script would answer: other pages' links

    def route(path: str) -> tuple[int, dict[str, str], str | bytes]:
        if path in pages:
            return 200, {}, pages[path]
        return (200, {}, results) if path.split("?")[0] in ENGINE_SCRIPTS else (404, {}, b"")

    with serve("127.0.0.1", route) as server:
        db = tmp_path_factory.mktemp(request.param) / "site.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "UTC", timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield Crawled(proc, db), truth, server.url, list(server.paths)


#: The engines' search, post, message and login scripts the pages link to (phpBB 3, vBulletin 3).
ENGINE_SCRIPTS = ("/search.php", "/posting.php", "/ucp.php", "/newreply.php", "/private.php")


def test_the_engines_search_post_and_login_scripts_are_never_fetched(forum: Any) -> None:
    _, _, _, asked = forum
    markup = "".join(_site("phpbb")[0].values()) + "".join(_site("vbulletin")[0].values())
    assert all(f'href="{script}' in markup for script in ENGINE_SCRIPTS)  # the pages do link to each
    assert "/viewtopic.php?t=1" in asked or "/showthread.php?t=1" in asked
    assert not [p for p in asked if p.split("?")[0] in ENGINE_SCRIPTS], asked


def test_a_topic_is_one_forum_record_whose_later_posts_are_its_comments(forum: Any) -> None:
    crawled, truth, base, _ = forum
    records = {r["url"].removeprefix(base): r for r in crawled.records()}
    assert set(records) == set(truth)  # every topic, and the index is no record
    for path, expected in truth.items():
        record = records[path]
        assert record["type"] == "forum"
        assert record["title"] == expected["title"], path  # not a reply's "Re: …" subject, not the board's name
        assert record["author"] == expected["author"], path
        assert record["tags"] == [expected["forum"]], path  # the forum it was posted in
        assert record["published_at"].startswith(expected["published"]), path  # not the poster's "Joined:" date
        assert record["body_text"].strip() == expected["body"], path  # the first post only, no signature
        assert [(c["author"], c["body_text"]) for c in record["comments"]] == expected["comments"], path


def _canonical(html: str, href: str) -> str:
    """phpBB 3.1+'s overall_header.html: ``<link rel="canonical" href="{U_CANONICAL}">``, the topic's
    ``viewtopic.php?t=N`` (``&start=S`` past its first page) on every URL that shows it."""
    return html.replace("</title>", f'</title><link rel="canonical" href="{href}">', 1)


@pytest.fixture(scope="module")
def topic_urls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Crawled, dict[str, dict[str, Any]], str, list[str]]]:
    """Each topic under the URLs phpBB links it by (``?t=``, ``?f=&t=``, a post's ``?p=``), one with a second page."""
    rng = random.Random("topic-urls")
    pages, truth = {}, {}
    for number in range(1, 6):
        html, expected = _phpbb_topic(number, rng)
        html = _canonical(html, f"/viewtopic.php?t={number}")
        for path in (f"/viewtopic.php?t={number}", f"/viewtopic.php?f={number % 3}&t={number}",
                     f"/viewtopic.php?p={number * 10}"):
            pages[path] = html
        truth[f"/viewtopic.php?t={number}"] = expected
    later, _ = _phpbb_topic(1, random.Random("page two"))  # topic 1's second page: other posts
    pages["/viewtopic.php?t=1&start=10"] = _canonical(later, "/viewtopic.php?t=1&start=10")
    # the board's other scripts (overall_header.html: body#phpbb.section-{SCRIPT_NAME}): however much text
    # they hold (forum descriptions, the FAQ's answers), no topic
    for script in ("index", "viewforum", "faq"):
        text = "".join(f"<dl><dt><a href='/viewtopic.php?t={n}'>Question {n}</a></dt><dd>{_sentence(rng, 30)} "
                       f"{_sentence(rng, 30)}</dd></dl>" for n in range(1, 6))
        pages[f"/{script}.php"] = (f'<html><head><title>{script} - Guild Board</title></head><body id="phpbb" '
                                   f'class="nojs notouch section-{script} ltr"><div id="wrap"><h2>Guild Board</h2>'
                                   f'<div class="panel">{text}</div></div></body></html>')
    pages["/"] = _index(list(pages))
    with serve("127.0.0.1", lambda path: (200, {}, pages[path]) if path in pages else (404, {}, b"")) as server:
        db = tmp_path_factory.mktemp("topic-urls") / "site.db"
        proc = migrator("crawl", server.url + "/", "--db", str(db), "--timezone", "UTC", timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
        yield Crawled(proc, db), truth, server.url


def test_every_url_of_a_topic_is_one_record(topic_urls: Any) -> None:
    crawled, truth, base = topic_urls
    records = crawled.records()
    assert len(records) == len(truth)  # one per topic: its ?f=&t= and ?p= URLs and its second page are aliases,
    stats = json.loads(sqlite3.connect(crawled.db).execute("SELECT stats FROM runs ORDER BY id DESC").fetchone()[0])
    assert stats["skipped"]["listing"] >= 2  # the board index and the forum view: listings, counted
    for record in records:
        urls = {u.removeprefix(base) for u in [record["url"], *record["aliases"]]}
        path = next(p for p in truth if p in urls)
        number = path.rsplit("=", 1)[1]
        expected = truth[path]
        assert {f"/viewtopic.php?f={int(number) % 3}&t={number}", f"/viewtopic.php?p={number}0"} <= urls
        assert (record["title"], record["author"]) == (expected["title"], expected["author"])  # the first page's
        assert [(c["author"], c["body_text"]) for c in record["comments"]] == expected["comments"]
    first = next(r for r in records if "/viewtopic.php?t=1" in {u.removeprefix(base) for u in [r["url"], *r["aliases"]]})
    assert base + "/viewtopic.php?t=1&start=10" in first["aliases"]


def _board_script(script: str, title: str, inner: str) -> str:
    """A page of a board's own script beside phpBB's (a portal's ``forum.php``, ``about.php``): the style's
    overall_header.html still names it, ``<body id="phpbb" class="nojs section-{SCRIPT_NAME}">``."""
    return (f'<html><head><title>Guild Board - {title}</title></head><body id="phpbb" class="nojs section-{script}">'
            f'<div id="wrap"><ul class="menu"><li><a href="/">Home</a></li><li><a href="/forum.php">Forums</a></li>'
            f'<li><a href="/about.php">About</a></li></ul><main id="page-body"><div class="main-title"><h1>{title}</h1>'
            f'</div>{inner}</main><div class="copyright">Powered by phpBB</div></div></body></html>')


def test_a_board_index_at_its_own_script_is_a_listing_and_the_boards_own_pages_are_records(tmp_path: Path) -> None:
    """A board whose index is ``forum.php`` (the front page a portal) prints phpBB's forum list there
    (forumlist_body.html: an ``a.forumtitle`` per forum, its description, last post and counts): a listing
    however long its descriptions; an "about" page of the same style, its own text, is a record."""
    rng = random.Random("board-scripts")
    rows = "".join(
        f'<tr><td class="forumicon"><img src="/forum_read.gif" alt="No unread posts"></td><td class="forumdetails">'
        f'<a href="/viewforum.php?f={n}" class="forumtitle">Forum {n} {rng.choice(WORDS)}</a><br>'
        f'<span class="forum-descriptions">{_sentence(rng, 16)} {_sentence(rng, 12)}</span></td>'
        f'<td class="forumlastpost">Last post by <span class="username-coloured">user{n}</span> '
        f'<a href="/viewtopic.php?f={n}&amp;p={n * 10}#p{n * 10}"><img src="/latest.gif" alt="View the latest post"></a>'
        f'<br><span class="fade">Tue Jul 26, 2022 4:54 pm</span></td><td class="forumtopics"><span>{n * 7}</span> '
        f'Topics</td><td class="forumposts"><span>{n * 19}</span> Posts</td></tr>' for n in range(1, 7))
    about = "".join(f"<p>{_sentence(rng, 20)} {_sentence(rng, 14)}</p>" for _ in range(4))
    pages = {"/forum.php": _board_script("forum", "Forums", f'<div class="forumlist"><table class="cat">{rows}</table></div>'),
             "/about.php": _board_script("about", "About", f'<div class="page-content">{about}</div>')}
    truth = {}
    for number in (1, 2):
        pages[f"/viewtopic.php?t={number}"], truth[f"/viewtopic.php?t={number}"] = _phpbb_topic(number, rng)
    pages["/"] = _index(list(pages))
    _, records, _, stats = _crawled(tmp_path, pages)
    assert set(records) == {*truth, "/about.php"}  # no record for the forum list
    assert records["/about.php"]["body_text"].startswith(about[3:20])
    assert stats["skipped"]["listing"] >= 1


# -- uCoz comments and mojibake ------------------------------------------------------------------------

def _ucoz_entry(number: int, rng: random.Random, comments: int) -> tuple[str, dict[str, Any]]:
    title = f"Новость {number}: " + " ".join(rng.choice(("встреча", "клуба", "школа", "праздник", "урок")) for _ in range(3))
    text = " ".join(_sentence(rng, 15) for _ in range(3))
    notes = [(f"гость{i}", f"{10 + i:02d}.05.2012 1{i % 10}:3{i % 6}", _sentence(rng, 8)) for i in range(comments)]
    notes.append(("Ivan", "11.06.2012 10:00", "&#202;&#224;&#235;&#227;&#238;&#237; &#239;&#240;&#232;&#226;&#229;&#242;"))
    items = "".join(
        f'<div class="comEnt report-spam-target" id="comEnt{number * 100 + i}">'
        f'<table itemscope itemtype="https://schema.org/Review" class="cBlock{i % 2 + 1}" width="100%"><tr><td>'
        f'<div itemprop="itemReviewed" itemscope itemtype="http://schema.org/Product"><meta itemprop="name" '
        f'content="{title}"></div><div class="cTop"><a href="#ent{i}"><b>{i + 1}</b></a> <span itemprop="author" '
        f'itemscope itemtype="https://schema.org/Person"><b itemprop="name">{who}</b></span> '
        f'<span itemprop="datePublished" content="{when}">({when})</span></div>'
        f'<div itemprop="reviewBody" class="cMessage">{body}</div></td></tr></table></div>'
        for i, (who, when, body) in enumerate(notes))
    html = (f'<html><head><title>{title} - Школа №3</title><link rel="stylesheet" href="/.s/src/base.min.css">'
            f'</head><body><div id="header">Четверг, 01.03.2018, 05:33 Приветствую Вас Гость</div>'
            f'<table class="eBlock"><tr><td class="eTitle">{title}</td></tr>'
            f'<tr><td class="eMessage">{text}</td></tr>'
            f'<tr><td class="eDetails">Просмотров: {rng.randint(5, 99)} | Добавил: RADO | Рейтинг: 0.0/0</td></tr></table>'
            f'<table><tr><td>Всего комментариев: <b>{len(notes)}</b></td></tr></table>'
            f'<div id="allEntries">{items}</div></body></html>')
    return html, {"title": title, "body": text, "comments": len(notes)}


def test_ucoz_comments_are_comments_and_the_entry_keeps_its_text(tmp_path: Path) -> None:
    """Entries with dozens of comments: the learned region is the entry's text, not the comments list; the
    author is the printed "Добавил:", not a commenter's itemprop=author; the header clock is no date (the URL's
    day is); the
    windows-1251 comment read as Latin-1 is repaired and counted."""
    rng = random.Random(7)
    pages, truth = {}, {}
    for number in range(1, 9):
        path = f"/news/2012-05-0{number}-{number}"
        pages[path], truth[path] = _ucoz_entry(number, rng, rng.choice((12, 25, 40)))
    pages["/"] = _index(list(pages))
    with serve("127.0.0.1", lambda path: (200, {}, pages[path]) if path in pages else (404, {}, b"")) as server:
        db, base = tmp_path / "site.db", server.url
        proc = migrator("crawl", base + "/", "--db", str(db), "--timezone", "Asia/Krasnoyarsk")
        assert proc.returncode == 0, proc.stderr[-2000:]
    records = {r["url"].removeprefix(base): r for r in Crawled(proc, db).records()}
    assert set(records) == set(truth)
    for path, expected in truth.items():
        record = records[path]
        assert record["body_text"].strip() == expected["body"], path
        assert record["title"] == expected["title"]
        assert record["author"] == "RADO"
        # the header's clock is the save time, not the entry's; uCoz's news URL names the entry's day
        assert record["published_at"] == path.split("/")[-1].rsplit("-", 1)[0]
        assert len(record["comments"]) == expected["comments"]
        first, last = record["comments"][0], record["comments"][-1]
        assert first["author"] == "гость0" and first["published_at"].startswith("2012-05-10T10:30")
        assert last["body_text"] == "Калгон привет"
    from migrator.store import Store

    stats = Store(db, create=False).last_run()["stats"]
    assert stats["repaired"]["mojibake"] == len(truth), stats  # one comment's text on each entry


# -- learned places checked against the evidence ----------------------------------------------------------

def test_a_learned_title_or_date_place_the_evidence_contradicts_is_dropped() -> None:
    """The site's name standing where titles do, and a header clock that changes on every page, are no title
    and no date: the places go, with their reasons; the entry's own heading and date line stay."""
    docs = []
    for n in range(8):
        docs.append(lxml.html.document_fromstring(
            f"<html><head><title>Entry number {n} - Orion</title></head><body>"
            f"<div id='top'><span>0{n % 9 + 1}.03.2018, 05:3{n}</span><h2>Orion</h2></div>"
            f"<div id='main'><h1>Entry number {n}</h1><p class='date'>1{n}.05.2012</p>"
            f"<div class='text'>{'word ' * 50}{n}</div></div></body></html>"))
    region = "//div[@class='text']"
    found = check_fields(docs, region, {
        "title": {"xpath": "//div[@id='top']/h2", "text": "all", "pages": 8},
        "date": {"from": "element", "xpath": "//p[@class='date']", "pages": 8}})
    assert "title" not in found and set(found["dropped"]) == {"title"}
    found = check_fields(docs, region, {
        "title": {"xpath": "//div[@id='main']/h1", "text": "all", "pages": 8},
        "date": {"from": "element", "xpath": "//div[@id='top']/span", "pages": 8}})
    assert found["title"]["xpath"] == "//div[@id='main']/h1" and "date" not in found
    assert set(found["dropped"]) == {"date"}
    found = check_fields(docs, region, {
        "title": {"xpath": "//div[@id='main']/h1", "text": "all", "pages": 8},
        "date": {"from": "element", "xpath": "//p[@class='date']", "pages": 8}})
    assert "date" in found and "dropped" not in found


def test_a_printed_byline_beats_the_meta_author_and_leaves_the_body() -> None:
    html = ("<html><head><title>Заметка о походе</title><meta name='author' content='Администратор'></head><body>"
            "<div id='content'><h1>Заметка о походе</h1><div class='text'><p>Автор: <i>Иван Петров</i></p>"
            + "<p>" + "Мы шли через лес к реке и дальше в горы. " * 8 + "</p></div></div></body></html>")
    article = extract("http://site.test/n/1", html, Config(timezone="Europe/Moscow")).article
    assert article is not None
    assert article.author == "Иван Петров"
    assert "Автор" not in article.body_text and "Иван Петров" not in article.body_text


@pytest.mark.parametrize("name", ["Jane Doe", "Mary Marsh", "June Carter", "Augustin Dec"])
def test_a_date_and_author_line_is_read_in_minified_markup_whatever_the_name(name: str) -> None:
    """"Nov. 20, 2014 · Jane Doe" right after the title, with no whitespace between the tags (a minified page): the
    date is the line's, not lost to "titleNov."; the author is the name, though it starts like a month's
    ("Jane", "Mary", "June", "Aug")."""
    html = ("<html><head><title>A walk in the hills | Blog</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>A walk in the hills</h1><p class='meta'>Nov. 20, 2014 · {name}</p>"
            + "<p>" + "We walked through the wood to the river and on into the hills. " * 8 + "</p></article></body></html>")
    article = extract("http://blog.test/p/walk/", html, Config(timezone="UTC")).article
    assert article is not None
    assert (article.published_at, article.author) == ("2014-11-20", name)


def test_a_code_listing_set_as_a_figure_stays_in_the_body() -> None:
    """Documentation generators (mdBook, Sphinx) and books set listings as ``<figure><pre>…</pre><figcaption>``:
    the listing is the chapter's text, not an illustration's caption."""
    html = ("<html><head><title>Chapter 3 - The Book</title></head><body><nav><a href='/a'>A</a></nav><main>"
            "<h1>Chapter 3</h1><p>" + "Some words of the chapter here. " * 20 + "</p><figure><pre><code>"
            "fn main() { println!(\"hi\"); }</code></pre><figcaption>Listing 3-1</figcaption></figure><p>"
            + "More words after the listing. " * 10 + "</p></main></body></html>")
    article = extract("http://book.test/ch3.html", html, Config()).article
    assert article is not None and 'fn main() { println!("hi"); }' in article.body_text


# -- vBulletin's scripts that show no thread ----------------------------------------------------------------

def _vbulletin_page(title: str, inner: str) -> str:
    return (f'<html><head><meta name="generator" content="vBulletin" /><title>ClubBB - {title}</title></head>'
            f'<body><table class="tborder"><tr><td class="navbar"><a href="/index.php">ClubBB</a></td></tr></table>'
            f'{inner}<div class="smallfont" align="center">ClubBB - Copyright &copy; 2002-2009</div></body></html>')


def _vbulletin_member(number: int, rng: random.Random) -> str:
    """A member's profile as vBulletin 3's MEMBERINFO template prints it (a saved KLNet profile's shape)."""
    name = f"member{number}"
    return _vbulletin_page(f"View Profile: {name}", (
        f'<table class="tborder"><tr><td class="tcat">{name}</td></tr><tr><td class="panelsurround"><div class="panel">'
        f'<fieldset class="fieldset"><legend>Statistics</legend><ul class="list_no_decoration">'
        f'<li>Total Posts: {rng.randint(1, 900)}</li><li>Join Date: 03-{rng.randint(10, 28)}-2004</li></ul></fieldset>'
        f'<div class="fieldset"><div>{_sentence(rng, 18)} {_sentence(rng, 14)}</div></div>'
        f'<strong>{name} has no contact information.</strong></div></td></tr>'
        f'<tr><td class="tcat">Additional Information</td></tr><tr><td><dl id="additionalinfo_list">'
        f'<dt class="smallfont"><strong>Date of Birth</strong>:</dt><dd class="smallfont">November 30</dd>'
        f'<dt><strong>Biography</strong>:</dt><dd>{_sentence(rng, 24)} {_sentence(rng, 20)}</dd></dl>'
        f'<div class="smallfont"><strong>{name} is not a member of any public groups</strong></div></td></tr></table>'))


def test_vbulletins_profiles_forum_views_and_dialogs_are_no_records(tmp_path: Path) -> None:
    """On a vBulletin board (saved with ``?`` as ``-``) only ``showthread.php`` shows an entry: a member's profile
    (``member.php``: its biography is text enough to pass for an article), the forum views and the forum home,
    the FAQ and poll results are no records, each counted among the skipped pages; the site's own page beside the
    board (no vBulletin script) stays a record."""
    rng = random.Random("vbulletin-scripts")
    pages: dict[str, str] = {}
    truth = {}
    for number in (1, 2, 3):
        pages[f"/showthread.php-t={number}.html"], truth[f"/showthread.php-t={number}.html"] = _vbulletin_thread(number, rng)
    for number in range(1, 6):
        pages[f"/member.php-u={number}.html"] = _vbulletin_member(number, rng)
    threads = "".join(f'<tr><td class="alt1"><a href="{p}">Thread {p}</a> {_sentence(rng, 10)}</td></tr>' for p in truth)
    pages["/forumdisplay.php-f=1.html"] = _vbulletin_page("Forum 1", f'<table class="tborder">{threads}</table>')
    pages["/index.php"] = _vbulletin_page("Forums", f'<table class="tborder"><tr><td><a href="/forumdisplay.php-f=1.html">'
                                                    f'Forum 1</a> {_sentence(rng, 16)}</td></tr></table>')
    pages["/faq.php"] = _vbulletin_page("FAQ", "".join(f"<p>{_sentence(rng, 22)}</p>" for _ in range(4)))
    rules = "".join(f"<p>{_sentence(rng, 20)} {_sentence(rng, 16)}</p>" for _ in range(4))
    pages["/rules.html"] = _vbulletin_page("Rules", f'<div class="page">{rules}</div>')
    pages["/"] = _index(list(pages))
    _, records, asked, stats = _crawled(tmp_path, pages)
    assert {"/member.php-u=3.html", "/faq.php", "/forumdisplay.php-f=1.html"} <= set(asked)  # fetched, then classified
    assert set(records) == {*truth, "/rules.html"}
    assert stats["skipped"]["other"] >= 6 and stats["skipped"]["listing"] >= 3, stats["skipped"]


# -- Cloudflare's e-mail protection ------------------------------------------------------------------------

def test_an_address_cloudflare_hid_is_the_address_and_its_page_is_never_fetched(tmp_path: Path) -> None:
    """A page saved from behind Cloudflare shows ``[email protected]`` where the visitor saw an address (its
    ``data-cfemail`` holds it XOR-ed with its first byte) and links ``/cdn-cgi/l/email-protection#HEX``: the
    record carries the addresses, the repair is counted, and Cloudflare's own page is never asked for."""
    def hidden(address: str, key: int = 0x5A) -> str:
        return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in address)

    rng = random.Random("cloudflare")
    pages = {}
    for number in (1, 2):
        text = [_sentence(rng, 18) for _ in range(4)]
        pages[f"/news/{number}/"] = (
            f'<html><head><title>News {number}</title></head><body><div id="menu"><a href="/">Home</a></div>'
            f'<article><h1>News {number}</h1><p>{text[0]}</p><p>{text[1]} For business inquiries use: '
            f'<a class="__cf_email__" href="/cdn-cgi/l/email-protection" data-cfemail="{hidden(f"team{number}@club.test")}">'
            f'[email&#160;protected]</a><script data-cfhash="f9e31" type="text/javascript">/* decoder */</script></p>'
            f'<p>{text[2]} Write to <a href="/cdn-cgi/l/email-protection#{hidden("press@club.test")}">the press '
            f'office</a>.</p><p>{text[3]}</p></article></body></html>')
    pages["/"] = _index(list(pages))
    _, records, asked, stats = _crawled(tmp_path, pages)
    assert not [path for path in asked if path.startswith("/cdn-cgi/")]
    assert set(records) == {"/news/1/", "/news/2/"}
    for number in (1, 2):
        body = records[f"/news/{number}/"]
        assert f"For business inquiries use: team{number}@club.test" in body["body_text"]
        assert "protected]" not in body["body_text"] and "decoder" not in body["body_text"]
        assert 'href="mailto:press@club.test"' in body["body_html"]
    assert stats["repaired"]["cloudflare-email"] == 4, stats["repaired"]
