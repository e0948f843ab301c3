"""The demo's new-platform counterpart: the old site's articles at their new URLs, with planted faults.

``NewSite(records, platform, seed=…)`` publishes exported records (as `migrator export` writes them)
at ``platform.path_for(record)`` in a plain HTML5 layout (``og:title``, ``<time datetime>``, tags with
``rel="tag"``), lists them on a paginated home page and in its own sitemap, and answers every old URL
(canonical and aliases, path and query) with a 301 to the article's new URL. A seed chooses, once,
the articles that carry planted differences; :meth:`NewSite.truth` is what a parity diff must report,
exactly. Its articles link back to their old URLs on the old host, as imported pages do. Served by
:class:`migrator.demo.server.DemoServer` like the old demo site; after cut-over it is served on the old host
too, its redirects pointing at ``public_base``.
"""
from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass, field
from html import escape
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qs, urlsplit

from migrator.cutover.newplatform import NewPlatform

Response = tuple[int, list[tuple[str, str]], bytes]

#: What can be planted on a changed article, and the field a diff must name for it.
CHANGES = {"title": "title", "date": "date", "tags": "tags", "truncated": "body", "lost_paragraph": "body",
           "mojibake": "body"}
#: How an old URL can be mis-redirected: to another article, to the home page, or not at all (404).
REDIRECT_FAULTS = ("wrong_article", "home", "not_found")
#: How a body gets garbled: (encoding the bytes were written in, encoding they were read as).
MOJIBAKE = (("utf-8", "cp1251"), ("utf-8", "latin-1"), ("cp1251", "latin-1"))
PAGE_SIZE = 20
_P_END = "</p>"


@dataclass(frozen=True)
class Plan:
    """The planted differences: which article (source id) or old URL carries which fault."""

    missing: tuple[str, ...] = ()
    changed: Mapping[str, str] = field(default_factory=dict)  # source id -> a key of CHANGES
    redirects: Mapping[str, str] = field(default_factory=dict)  # old URL -> one of REDIRECT_FAULTS


def _paragraphs(body_html: str) -> list[str]:
    """Top-level ``<p>`` pieces of a sanitized body, each ending in ``</p>`` (a trailing rest stays apart)."""
    return [piece + _P_END for piece in body_html.split(_P_END)[:-1]]


def _has_text(piece: str) -> bool:
    """A paragraph of prose (not an image's or a quote's wrapper), so losing it shows in the text."""
    return piece.lstrip().startswith("<p>") and len(re.sub(r"<[^>]+>", "", piece).strip()) >= 40


def _editable(record: Mapping[str, Any]) -> bool:
    """Body faults need a few real paragraphs, so that one lost or cut off is visible and unambiguous."""
    return sum(map(_has_text, _paragraphs(record["body_html"]))) >= 4 and record["body_text"].count("\n\n") >= 3


def choose_plan(records: list[Mapping[str, Any]], seed: int, per_kind: int = 1, missing: int = 2) -> Plan:
    """Pick disjoint articles for every fault, deterministically from ``seed``."""
    rng = random.Random(seed)
    order = sorted(records, key=lambda r: r["source_id"])
    rng.shuffle(order)
    taken: set[str] = set()

    def pick(fits: Callable[[Mapping[str, Any]], bool], count: int) -> list[Mapping[str, Any]]:
        chosen = [r for r in order if r["source_id"] not in taken and fits(r)][:count]
        taken.update(r["source_id"] for r in chosen)
        return chosen

    gone = tuple(r["source_id"] for r in pick(lambda r: True, missing))
    # a date the old page printed without a time has no wall-clock moment an import could mislabel
    fits = {"tags": lambda r: bool(r["tags"]), "title": lambda r: True,
            "date": lambda r: len(r["published_at"] or "") > 10}
    changed: dict[str, str] = {}
    for kind in CHANGES:
        for record in pick(fits.get(kind, _editable), per_kind):
            changed[record["source_id"]] = kind
    redirects: dict[str, str] = {}
    for fault in REDIRECT_FAULTS:
        for record in pick(lambda r: True, per_kind):
            urls = [record["url"], *record["aliases"]]
            redirects[urls[rng.randrange(len(urls))]] = fault
    return Plan(gone, changed, redirects)


def old_key(url: str) -> str:
    """An old URL as the counterpart is asked for it: path and query, whatever host it was crawled on."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class NewSite:
    """Routing, pages and ground truth of one counterpart; records are exported old-site records."""

    def __init__(self, records: Iterable[Mapping[str, Any]], platform: NewPlatform | None = None, *, seed: int = 1,
                 per_kind: int = 1, missing: int = 2, public_base: str | None = None) -> None:
        self.platform = (platform or NewPlatform()).with_base(None)
        #: Where the redirects point (the new site's own URL): served on the old host too after cut-over, the
        #: counterpart still sends visitors to the new host. None: the host each request names.
        self.public_base = public_base
        self.records = sorted(records, key=lambda r: (r["published_at"] or "", r["source_id"]), reverse=True)
        self.plan = choose_plan(self.records, seed, per_kind, missing)
        self.path = self._unique_paths()
        self.published = [r for r in self.records if r["source_id"] not in self.plan.missing]
        self._by_path = {self.path[r["source_id"]]: r for r in self.published}
        self._position = {r["source_id"]: n for n, r in enumerate(self.published)}
        self._redirects = self._redirect_map()

    def _unique_paths(self) -> dict[str, str]:
        """Each article's new path; a path the pattern gives twice gets a counter, as platforms do with slugs."""
        paths: dict[str, str] = {}
        taken: set[str] = set()
        for record in reversed(self.records):  # oldest first keeps the plain path
            path = plain = self.platform.path_for(record)
            stem, suffix = re.fullmatch(r"(.*?)((?:\.html?)?/?)", plain).groups()  # type: ignore[union-attr]
            n = 1
            while path in taken:
                n += 1
                path = f"{stem}-{n}{suffix}"
            taken.add(path)
            paths[record["source_id"]] = path
        return paths

    # ---- ground truth --------------------------------------------------------------------------

    def truth(self, base: str) -> dict[str, Any]:
        """What a diff must report, with the counterpart served at ``base``: missing and changed old URLs
        (with the field each change shows in), broken redirects (old URL -> the right target)."""
        by_id = {r["source_id"]: r for r in self.records}
        return {
            "missing": {by_id[s]["url"] for s in self.plan.missing},
            "changed": {by_id[s]["url"]: [CHANGES[kind]] for s, kind in self.plan.changed.items()},
            "broken_redirects": {u: base + self.path[self._owner(u)] for u in self.plan.redirects},
        }

    def _owner(self, old_url: str) -> str:
        return next(r["source_id"] for r in self.records if old_url in (r["url"], *r["aliases"]))

    # ---- planting ------------------------------------------------------------------------------

    def _redirect_map(self) -> dict[str, str]:
        """Old path-and-query -> new path, with the planted redirect faults applied."""
        redirects = {}
        for record in self.records:
            for url in (record["url"], *record["aliases"]):
                redirects[old_key(url)] = self.path[record["source_id"]]
        others = [self.path[r["source_id"]] for r in self.published]
        for url, fault in self.plan.redirects.items():
            key, own = old_key(url), self.path[self._owner(url)]
            if fault == "not_found":
                del redirects[key]
            elif fault == "home":
                redirects[key] = "/"
            else:
                redirects[key] = next(p for p in others if p != own)
        return redirects

    def shown(self, record: Mapping[str, Any]) -> dict[str, Any]:
        """The article as the new platform shows it: title, date, tags and body after any planted change."""
        kind = self.plan.changed.get(record["source_id"])
        title, published = record["title"], record["published_at"] or ""
        tags, body = self.platform.map_tags(list(record["tags"])), record["body_html"]
        if kind == "title":
            title = title.rstrip(".") + " (обновлено)"
        elif kind == "date":  # the classic import bug: Moscow wall-clock time labelled as UTC
            published = published[:19] + "+00:00"
        elif kind == "tags":
            tags = tags[:-1]
        elif kind == "truncated":
            paras = _paragraphs(body)
            body = "".join(paras[: max(1, len(paras) // 3)])
        elif kind == "lost_paragraph":  # the second paragraph of prose
            paras = _paragraphs(body)
            lost = [n for n, piece in enumerate(paras) if _has_text(piece)][1]
            body = "".join(paras[:lost] + paras[lost + 1:]) + body.rsplit(_P_END, 1)[1]
        elif kind == "mojibake":  # bytes read back in the wrong encoding, then stored as UTF-8
            wrote, read = MOJIBAKE[zlib.crc32(record["source_id"].encode()) % len(MOJIBAKE)]
            body = body.encode(wrote, "replace").decode(read, "replace")
        return {"title": title, "published_at": published, "tags": tags, "body_html": body}

    # ---- HTTP ----------------------------------------------------------------------------------

    def delay(self, path_and_query: str) -> float:
        """The counterpart is never slow (DemoServer asks every site)."""
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        """One request: an old URL's redirect, an article, the home page, a tag page or the sitemap."""
        base = f"http://{headers.get('Host', 'localhost')}"
        parts = urlsplit(path_and_query)
        if path_and_query in self._redirects:
            return 301, [("Location", (self.public_base or base) + self._redirects[path_and_query])], b""
        if parts.path in self._by_path:
            return self._html(self._article(self._by_path[parts.path]))
        if parts.path == "/":
            page = parse_qs(parts.query).get("page", ["0"])[0]
            return self._html(self._home(int(page) if page.isdigit() else 0))
        if parts.path == "/sitemap.xml":
            return 200, [("Content-Type", "application/xml; charset=utf-8")], self._sitemap(base)
        if parts.path == "/robots.txt":
            return 200, [("Content-Type", "text/plain")], f"User-agent: *\nSitemap: {base}/sitemap.xml\n".encode()
        return 404, [("Content-Type", "text/html; charset=utf-8")], _layout("Страница не найдена", "<p>404</p>")

    @staticmethod
    def _html(body: bytes) -> Response:
        return 200, [("Content-Type", "text/html; charset=utf-8")], body

    def _article(self, record: Mapping[str, Any]) -> bytes:
        shown = self.shown(record)
        tags = "".join(f"<li>{escape(t)}</li>" for t in shown["tags"])
        when = escape(shown["published_at"])
        i = self._position[record["source_id"]]
        near = [self.path[r["source_id"]] for r in self.published[max(0, i - 1): i + 2] if r is not record]
        # as imported pages do, it still links to the old site: the original and its print version (its body's
        # links were absolute old URLs already)
        old = "".join(f'<li><a href="{escape(u)}">{escape(u)}</a></li>' for u in (record["url"], *record["aliases"]))
        content = (f'<article><h1>{escape(shown["title"])}</h1><time datetime="{when}">{when[:10]}</time>'
                   f'<div class="content" itemprop="articleBody">{shown["body_html"]}</div>'
                   f'<ul class="tags">{tags}</ul></article>'
                   f'<aside><h2>Читайте также</h2>{"".join(f"<a href={p!r}>{p}</a> " for p in near)}'
                   f'<h2>На старом сайте</h2><ul>{old}</ul></aside>')
        meta = (f'<meta property="og:title" content="{escape(shown["title"])}"><meta property="og:type" '
                f'content="article"><meta property="article:published_time" content="{when}">'
                + "".join(f'<meta property="article:tag" content="{escape(t)}">' for t in shown["tags"]))
        return _layout(shown["title"], content, meta)

    def _home(self, page: int) -> bytes:
        items = self.published[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        rows = "".join(f'<li><a href="{self.path[r["source_id"]]}">{escape(self.shown(r)["title"])}</a></li>'
                       for r in items)
        more = f'<a rel="next" href="/?page={page + 1}">дальше</a>' if len(self.published) > (page + 1) * PAGE_SIZE else ""
        return _layout("Новости", f"<h1>Новости</h1><ul class='list'>{rows}</ul>{more}")

    def _sitemap(self, base: str) -> bytes:
        """Like most sitemaps, not quite complete: every seventh article is found through links only."""
        urls = "".join(f"<url><loc>{escape(base + self.path[r['source_id']])}</loc></url>"
                       for n, r in enumerate(self.published) if n % 7 != 3)
        return ('<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()


def _layout(title: str, content: str, meta: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>{escape(title)} — Новый сайт</title>'
            f'{meta}</head><body><header><nav><a href="/">Главная</a></nav></header><main>{content}</main>'
            "<footer>© Новый сайт</footer></body></html>").encode("utf-8")
