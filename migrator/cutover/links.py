"""Internal link rewriting: links inside a body to other old articles become their new URLs.

A link names an old article by its alias, ``/node/N`` or ``?q=node/N``, absolute or relative,
possibly with tracking parameters or a fragment. Each is resolved through the store (the
aliases table and the articles' canonical URLs), so memory stays flat whatever the site's size.
"""
from __future__ import annotations

import html
import re
from dataclasses import asdict
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit, urlunsplit

from migrator.cutover.newplatform import NewPlatform
from migrator.urls import normalize

if TYPE_CHECKING:
    from migrator.store import Store

_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
_NODE_PATH = re.compile(r"(?:.*/)?node/(\d+)/?")


def node_ref(url: str) -> str | None:
    """``node/N`` when the URL names a Drupal node by path or ``?q=``, else None.

    >>> node_ref("http://old.ru/?q=node/12&utm_source=x"), node_ref("http://old.ru/node/12"), node_ref("/news/a")
    ('node/12', 'node/12', None)
    """
    parts = urlsplit(url)
    q = dict(parse_qsl(parts.query)).get("q", "")
    for candidate in (q, parts.path):
        match = _NODE_PATH.fullmatch(candidate.lstrip("/")) if candidate else None
        if match:
            return f"node/{match.group(1)}"
    return None


class LinkRewriter:
    """Rewrites ``<a href>`` in sanitized body HTML; counts what it rewrote."""

    def __init__(self, store: Store, platform: NewPlatform) -> None:
        self.store = store
        self.platform = platform
        self.rewritten = 0
        self.new_url = lru_cache(maxsize=4096)(self._new_url)

    def _new_url(self, url: str) -> str | None:
        """The new URL of the old article an absolute URL names (fragment excluded), or None."""
        url = normalize(url)  # as the store keeps URLs: a raw /новости link names /%D0%BD%D0%BE...
        parts = urlsplit(url)
        bare = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        candidates = [url, bare, bare.rstrip("/") if parts.path != "/" else bare]
        source_id = next((sid for sid in map(self.store.find_article, dict.fromkeys(candidates)) if sid), None)
        if source_id is None and (ref := node_ref(url)):
            source_id = ref
        head = self.store.article_head(source_id) if source_id else None
        return self.platform.url_for(asdict(head)) if head else None

    def rewrite(self, body_html: str, base_url: str) -> str:
        """``body_html`` with every link to an old article pointing at its new URL."""
        old_host = urlsplit(base_url).netloc

        def replace(match: re.Match[str]) -> str:
            href = html.unescape(match.group(2))
            absolute, fragment = urldefrag(urljoin(base_url, href))
            if urlsplit(absolute).netloc != old_host and not self.store.find_article(absolute):
                return match.group(0)
            target = self.new_url(absolute)
            if target is None:
                return match.group(0)
            self.rewritten += 1
            new = target + (f"#{fragment}" if fragment else "")
            return match.group(1) + html.escape(new, quote=True) + match.group(3)

        return _HREF.sub(replace, body_html)
