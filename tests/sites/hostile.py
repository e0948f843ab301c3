"""A hostile old site, served over real HTTP for the hardening tests: a handful of good Drupal 6 articles
(Garland's node markup, as in ``tests/pages/drupal6_article.html``) beside everything a crawler must
survive: a gzip bomb, a 60 MB page, binary bytes under text/html, a drip-feed page, 5,000-deep nesting,
NUL bytes and control characters, mixed encodings, an endless ``/deep/N`` chain and an off-host redirect.

Some of those pages are hostile *and* articles (NUL bytes, mixed encodings, deep nesting): a crawl must
keep them. :data:`ARTICLES` is the ground truth: path -> (title, a sentence the body must hold).
"""
from __future__ import annotations

import gzip
import io
import threading
import time
from functools import lru_cache
from html import escape
from typing import Iterator

from tests.sites.server import RouteServer

NESTING = 5000
#: The drip page sends one byte this often, for ever (until the client gives up).
DRIP_INTERVAL = 0.5

_PARAGRAPHS = (
    "Учёные Томского университета получили новый композит на основе графена и керамики.",
    "Материал выдерживает нагрев до тысячи градусов и остаётся прочным при резком охлаждении.",
    "Первые образцы передадут предприятиям авиационной отрасли уже в следующем году.",
)

#: Path -> (title, a sentence of its body), for every page that is an article.
ARTICLES: dict[str, tuple[str, str]] = {
    f"/node/{nid}": (f"Новость науки номер {nid}", f"Это {nid}-я новость о материалах для авиации.")
    for nid in range(1, 6)
}
ARTICLES["/node/6"] = ("Статья с управляющими символами", "Текст после комментария сохраняется целиком.")
ARTICLES["/node/7"] = ("Статья в двух кодировках", "Этот абзац вставлен из старой базы в кодировке windows-1251.")
ARTICLES["/node/8"] = ("Статья с глубокой вложенностью", "Текст лежит на глубине пяти тысяч элементов.")
ARTICLES["/node/9"] = ("Статья, на которую ведёт только глубокая", "На эту статью ссылается лишь глубокая страница.")

#: Posts of a blog section without platform markup (the generic extractor and crawl-end region learning
#: read them), each holding control characters after a comment and NUL bytes.
BLOG_POSTS = 6
for _n in range(BLOG_POSTS):
    ARTICLES[f"/blog/{_n}/"] = (f"Как ухаживать за яблонями, запись {_n}", f"Вставка номер {_n} со старой базы.")

#: Pages that are no article and must not become records (each hostile in its own way).
HOSTILE = ("/bomb", "/huge", "/binary", "/drip", "/deep/1", "/offhost")


def node_page(nid: int, title: str, body_html: str) -> str:
    """A full Drupal 6 node page in Garland's markup (page.tpl.php's ``<h2>`` title, node.tpl.php's node)."""
    return (
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" lang="ru"><head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        f"<title>{escape(title)} | Наука и техника</title>\n"
        '<meta name="generator" content="Drupal 6 (http://drupal.org)" />\n</head>\n<body class="sidebars">\n'
        '<div id="wrapper"><div id="container" class="clear-block">\n'
        '  <div id="header"><ul class="links primary-links"><li class="menu-1 first"><a href="/">Главная</a></li></ul></div>\n'
        '  <div id="center"><div id="squeeze"><div class="right-corner"><div class="left-corner">\n'
        '    <div class="breadcrumb"><a href="/">Главная</a></div>\n'
        f"    <h2>{escape(title)}</h2>\n"
        f'    <div class="clear-block">\n<div id="node-{nid}" class="node">\n  <div class="meta">\n'
        f'    <span class="submitted">Опубликовано 25 ноября 2014, 10:{10 + nid} пользователем '
        '<a href="/users/editor" title="Информация о пользователе.">editor</a></span>\n  </div>\n'
        f'  <div class="content">\n{body_html}\n  </div>\n</div>\n    </div>\n'
        "  </div></div></div></div>\n</div></div>\n</body>\n</html>\n"
    )


def _paragraphs(nid: int) -> str:
    """Three paragraphs of text of article ``nid``'s own (blocks that repeat across pages are boilerplate)."""
    return "".join(f"<p>{escape(p)} Подробности в выпуске {nid}, раздел {k}.</p>" for k, p in enumerate(_PARAGRAPHS, 1))


def _body(nid: int) -> str:
    return f"<p>{escape(ARTICLES[f'/node/{nid}'][1])}</p>" + _paragraphs(nid)


def wordpress_post(n: int, inside: str = "") -> str:
    """A post in the markup of WordPress's default themes (``hentry``, ``entry-title``, ``entry-content``,
    ``<time class="entry-date">``): a site with no platform profile, so the generic extractor and region
    learning read it."""
    return (f'<!DOCTYPE html><html lang="ru"><head><meta charset="UTF-8"><title>Как ухаживать за яблонями, запись {n} – Блог о садах</title>'
            '</head><body class="single"><div id="page" class="hfeed site"><header id="masthead" class="site-header">'
            '<h1 class="site-title"><a href="/">Блог о садах</a></h1><nav class="main-navigation"><ul><li><a href="/">Главная'
            '</a></li></ul></nav></header><div id="content" class="site-content">'
            f'<article id="post-{n}" class="post-{n} post type-post status-publish hentry">'
            f'<header class="entry-header"><h1 class="entry-title">Как ухаживать за яблонями, запись {n}</h1><div class="entry-meta">'
            f'<time class="entry-date published" datetime="2014-11-{n + 1:02d}T10:15:00+03:00">{n + 1} ноября 2014</time>'
            '</div></header><div class="entry-content">'
            f"<p>Яблони сорта номер {n} цветут в мае, если весна тёплая и ранняя.</p>{inside}"
            f"<p>Обрезку деревьев номер {n} лучше делать ранней весной, до начала сокодвижения.</p>"
            f"<p>Подкормка номер {n} нужна осенью: калий и фосфор помогают корням перезимовать.</p>"
            f"<p>Молодые саженцы номер {n} поливают раз в неделю, а взрослые деревья только в засуху, "
            "зато обильно, чтобы вода дошла до глубоких корней.</p>"
            "</div></article></div><footer class=\"site-footer\"><p>Сделано на WordPress. Все права защищены, "
            "копирование запрещено без ссылки.</p></footer></div></body></html>")


def _home() -> bytes:
    links = [*(path for path in ARTICLES if path != "/node/9"), *HOSTILE]
    items = "".join(f'<li><a href="{path}">{escape(path)}</a></li>' for path in links)
    return (f'<html><head><meta name="generator" content="Drupal 6 (http://drupal.org)" /><title>Наука и техника'
            f'</title></head><body><h1>Наука и техника</h1><ul class="menu">{items}</ul></body></html>').encode()


def _plain_article(nid: int) -> bytes:
    return node_page(nid, ARTICLES[f"/node/{nid}"][0], _body(nid)).encode()


def _control_characters() -> bytes:
    """NUL bytes and C0 controls where real dumps have them, among them ``<!-- c -->\\x0b`` in the body."""
    body = ("<p>Начало статьи\x00 с нулевым байтом.</p><!-- c -->\x0b<p>Текст после комментария сохраняется"
            " целиком.</p><p>Строка\x01 с\x08 управляющими\x1f символами\x0c и\x0b табуляцией.</p>"
            + _paragraphs(6))
    return node_page(6, ARTICLES["/node/6"][0], body).encode("utf-8")


def _mixed_encodings() -> bytes:
    """A UTF-8 page with one paragraph pasted from an old windows-1251 database."""
    title, sentence = ARTICLES["/node/7"]
    page = node_page(7, title, "<p>@@OLD@@</p>" + _paragraphs(7))
    before, after = page.split("@@OLD@@")
    return before.encode("utf-8") + sentence.encode("cp1251") + after.encode("utf-8")


def _deep_nesting() -> bytes:
    """The article's text inside 5,000 nested ``<div>``s (libxml2 drops everything past depth 256), and after
    them the only link to ``/node/9``."""
    body = "<div>" * NESTING + _body(8) + "</div>" * NESTING + '<p>См. также <a href="/node/9">статью 9</a>.</p>'
    return node_page(8, ARTICLES["/node/8"][0], body).encode()


@lru_cache(maxsize=1)
def gzip_bomb() -> bytes:
    """About 200 KB of gzip that expands to 200 MB of HTML."""
    out = io.BytesIO()
    chunk = b"<p>" + b"a" * (1024 * 1024 - 7) + b"</p>"
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as zipped:
        zipped.write(b"<html><body>")
        for _ in range(200):
            zipped.write(chunk)
    return out.getvalue()


def _deep_chain(n: int) -> bytes:
    """``/deep/N`` links to ``/deep/N+1``: an endless chain of unique URLs (a crawler trap)."""
    return (f"<html><head><title>Уровень {n}</title></head><body><p>Уровень {n}.</p>"
            f'<a href="/deep/{n + 1}">дальше</a></body></html>').encode()


class HostileSite:
    """The hostile site's pages, by path; ``offhost``: where ``/offhost`` redirects (another host's URL); without
    it ``/offhost`` is a 404."""

    def __init__(self, offhost: str | None = None) -> None:
        self.offhost = offhost
        self.stopping = threading.Event()  # ends the drip feed when the server stops

    def route(self, path_and_query: str) -> tuple[int, dict[str, str], bytes | Iterator[bytes]]:
        path = path_and_query.split("?")[0]
        pages = {"/node/6": _control_characters, "/node/7": _mixed_encodings, "/node/8": _deep_nesting}
        if path == "/robots.txt":
            return 404, {"Content-Type": "text/plain"}, b""
        if path == "/":
            return 200, {}, _home()
        if path == "/offhost" and self.offhost:
            return 302, {"Location": self.offhost}, b""
        if path == "/secret":
            return 200, {}, node_page(99, "Страница другого сайта", _body(1)).encode()
        if path == "/bomb":
            return 200, {"Content-Encoding": "gzip"}, gzip_bomb()
        if path == "/huge":  # no Content-Length, ended by closing the connection: only a running count can stop it
            return 200, {}, _huge(60 * 1024 * 1024)
        if path == "/binary":
            return 200, {}, bytes(range(256)) * 2048
        if path == "/drip":
            return 200, {}, self._drip()
        if path.startswith("/deep/") and path[6:].isdigit():
            return 200, {}, _deep_chain(int(path[6:]))
        if path in pages:
            return 200, {}, pages[path]()
        if path.startswith("/blog/") and path in ARTICLES:
            n = int(path.split("/")[2])
            inside = f"<!-- c -->\x0b<p>Вставка\x00 номер {n} со\x01 старой\x08 базы.</p>"
            return 200, {}, wordpress_post(n, inside).encode()
        if path in ARTICLES:
            return 200, {}, _plain_article(int(path.rsplit("/", 1)[1]))
        return 404, {}, b"<html><body>Not found</body></html>"

    def _drip(self) -> Iterator[bytes]:
        """Headers at once (no length: the body ends when the connection does), then one byte every
        DRIP_INTERVAL seconds, for ever."""
        while not self.stopping.is_set():
            yield b" "
            time.sleep(DRIP_INTERVAL)


def _huge(size: int) -> Iterator[bytes]:
    chunk = b"<p>" + "Бесконечная страница. ".encode() * 2000 + b"</p>\n"
    for _ in range(0, size, len(chunk)):
        yield chunk


class HostileServer(RouteServer):
    """The hostile site on ``host`` (a free port)."""

    def __init__(self, host: str = "127.0.0.1", offhost: str | None = None) -> None:
        self.hostile = HostileSite(offhost)
        super().__init__(host, self.hostile.route)

    def start(self) -> HostileServer:
        gzip_bomb()  # built before the crawl starts, not while it waits
        super().start()
        return self

    def stop(self) -> None:
        self.hostile.stopping.set()
        super().stop()
