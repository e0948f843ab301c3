"""One node, one record: the id a URL names, and the alias page that served the same node.

Drupal prints the node id on most pages (``<div id="node-N">``, print, forward and comment-reply
links), but not on all of them: bluemarine, pushbutton, chameleon and marvin print ``<div class="node">``
with no id, and a node with comments read-only and no print or forward module links nothing that
carries it. Then only the URL ``/node/N`` (``?q=node/N``) names the node; its path alias does not, and
the two pages would become two records. This module decides, before an article is saved and in the
page's own transaction, which record it is:

- a page whose id nothing named takes the id of the record already known at its URL, when one of that
  record's URLs names it (later runs and syncs: the alias is by then the record's ``url``);
- within one run, an article whose content equals that of a live record seen in the same run, the two
  differing only in URL and one of the URLs naming the node, is that record: the record keeps the
  alias as ``url``, gains the ``/node/N`` URL as an alias and ``node/N`` as its ``source_id``.

Sites whose mapping has no alias rules (nothing in a URL names an id) are never touched by that; on every site,
a directory and the page it serves (``/`` and ``/title-page.html``, ``/d/`` and ``/d/home.htm``: one title, one
text) are one record with the directory's id, the other URL an alias (:func:`index_twin`), whichever came first;
and two pages whose ids only their URLs give, with the same content, are one record (:func:`content_twin`); a
Joomla article's SEF page and its non-SEF route, with the same content, are one record "article/N"
(:func:`joomla_twin`).
"""
from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit, urlunsplit

from migrator.record import Article
from migrator.store import Store
from migrator.urls import derived_source_id, node_id

if TYPE_CHECKING:
    from migrator.extract import PageResult

logger = logging.getLogger(__name__)


def source_id_of(result: PageResult, url: str, alias_rules: Iterable[re.Pattern[str]]) -> str:
    """A page's record id before :func:`settle` looks further: the id the page reveals (a Drupal node's), else
    the one its URL names by the site's alias rules, else one derived from the URL.

    >>> from migrator.extract import PageResult
    >>> source_id_of(PageResult("other", "generic", None, None, None), "file:///tmp/a/page.html", ())
    'tmp/a/page'
    >>> source_id_of(PageResult("other", "generic", None, None, None), "http://d.test/?q=node/7",
    ...              [re.compile(r"[?&]q=node/(\\d+)")])
    'node/7'
    """
    return result.source_id or node_id(url, alias_rules) or derived_source_id(url)

def settle(store: Store, article: Article, run_id: int, alias_rules: Iterable[re.Pattern[str]]) -> str | None:
    """Give ``article`` (about to be saved by ``run_id``) the id of the record it is; returns how it was
    found ("redirect": a URL it was requested at names the node, "known": the record at its URL, "twin":
    a page of the same node this run, now one record), or None when it stands as it came."""
    rules = tuple(alias_rules)
    how = _settle(store, article, run_id, rules) if rules else None
    if how is not None:  # the raw pages it was read from belong to it: revisits ask them conditionally
        store.claim_pages(article.source_id, article.url)
    return how


def _settle(store: Store, article: Article, run_id: int, rules: tuple[re.Pattern[str], ...]) -> str | None:
    """A node-named page takes over the record its id-less alias page made; an id-less page finds its node."""
    how = None
    if node_id(article.url, rules) != article.source_id:  # not fetched at its /node/N URL
        if article.source_id != derived_source_id(article.url):
            return None  # the page named its id: it is no other page's twin
        how = _named_by_urls(article, rules)  # nothing on the page named it: did its other URLs?
        if how is None:
            return _known_or_twin(store, article, run_id, rules)
    twin = _unnamed_at(store, article) or _twin(store, article, run_id, rules, named=False)
    if twin is not None and store.rename_record(twin, article.source_id, run_id):
        logger.debug("%s and %s are one node: %s", article.url, twin, article.source_id)
        return "twin"
    return how


def _named_by_urls(article: Article, rules: tuple[re.Pattern[str], ...]) -> str | None:
    """The id an other URL of the page names: it was requested at ``?q=node/N`` and redirected to its
    alias (pathauto, globalredirect), or its ``rel=canonical`` says ``/node/N``; sets it, returns "redirect"."""
    named = sorted({found for url in article.aliases if (found := node_id(url, rules))})
    if len(named) != 1:
        return None  # none, or two nodes claimed: no guess
    article.source_id = named[0]
    return "redirect"


def _known_or_twin(store: Store, article: Article, run_id: int, rules: tuple[re.Pattern[str], ...]) -> str | None:
    """An id-less page: the record already known at its URL, or the ``/node/N`` page of this run with
    the same content."""
    known = _named_at(store, article.url, rules)
    if known is not None:
        article.source_id = known
        return "known"
    twin = _twin(store, article, run_id, rules, named=True)
    if twin is not None and store.rename_record(article.source_id, twin, run_id):
        logger.debug("%s is the alias of %s", article.url, twin)
        article.source_id = twin
        return "twin"
    return None


def _unnamed_at(store: Store, article: Article) -> str | None:
    """The record saved at the article's own URL under the id derived from it, before a redirect (or a
    later run) said which node it is."""
    derived = derived_source_id(article.url)
    if derived == article.source_id:
        return None
    return derived if store.has_record(derived, article.url) else None


def _named_at(store: Store, url: str, rules: tuple[re.Pattern[str], ...]) -> str | None:
    """The id of the record known at ``url`` (its ``url`` or an alias), when one of its URLs names it."""
    for source_id in store.ids_at(url):
        if any(node_id(u, rules) == source_id for u in store.urls_of(source_id)):
            return source_id
    return None


def _twin(store: Store, article: Article, run_id: int, rules: tuple[re.Pattern[str], ...], *, named: bool) -> str | None:
    """The live record of this run with ``article``'s content at another URL: one still at its ``/node/N``
    URL (``named``: the arriving page is an alias), or one whose id nothing named (the arriving page is
    ``/node/N``)."""
    digest = article.to_record()["content_hash"]
    for source_id, url in store.same_content(digest, run_id, article.source_id):
        if named and node_id(url, rules) == source_id:
            return source_id
        if not named and node_id(url, rules) is None and source_id == derived_source_id(url):
            return source_id
    return None


def _directory_of(url: str) -> str | None:
    """The directory URL a file URL sits right in (None for a directory, or a URL with a query).

    >>> _directory_of("http://d.test/title-page.html"), _directory_of("http://d.test/a/"), _directory_of("http://d.test/?p=1")
    ('http://d.test/', None, None)
    """
    parts = urlsplit(url)
    if parts.query or parts.path.endswith("/") or not parts.path:
        return None
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rsplit("/", 1)[0] + "/", "", ""))


def _is_directory(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.query and (parts.path.endswith("/") or not parts.path)


def index_twin(store: Store, article: Article, run_id: int) -> str | None:
    """A directory index and the page it serves are one record: the arriving page joins the live record of
    its directory (or of a file right in it, when it is the directory) that has its title and text; the record
    takes the directory's id. Returns "index" when it did, else None."""
    url = article.url
    directory = _directory_of(url)
    if directory is not None:
        candidates = store.texts_at(directory)
    elif _is_directory(url):
        candidates = store.texts_in(url if urlsplit(url).path else url + "/")
    else:
        return None
    for source_id, other, title, text in candidates:
        if source_id == article.source_id or title != article.title or text != article.body_text:
            continue
        if directory is not None:  # a page its directory serves: the directory's record
            article.source_id = source_id
        elif not store.rename_record(source_id, article.source_id, run_id):  # the directory, after its page
            continue
        article.aliases = sorted({*article.aliases, other} - {url})
        logger.debug("%s and %s are one page: %s", url, other, article.source_id)
        return "index"
    return None


def content_twin(store: Store, article: Article, run_id: int) -> str | None:
    """A page whose id only its URL gives, with the content (title, date, author, body, comments: the content
    hash) of a live record whose id only its URL gives too, is that record under another URL: the same text
    saved twice (a file catalogue's entry uploaded again under a new number), the arriving URL an alias. The
    record is the one this run saved at another URL, or the one that already holds this URL as an alias (a later
    run). Returns "content" when it joined one, else None; two records a platform named stay two."""
    url = article.url
    if article.source_id != derived_source_id(url):
        return None
    digest = article.to_record()["content_hash"]
    twins = [sid for sid, other in store.same_content(digest, run_id, article.source_id)
             if sid == derived_source_id(other)]
    twins += [sid for sid in store.ids_at(url) if sid != article.source_id and store.content_hash_of(sid) == digest]
    if not twins:
        return None
    article.source_id = twins[0]
    logger.debug("%s has the content of %s: one record", url, twins[0])
    return "content"


def joomla_twin(store: Store, article: Article, run_id: int) -> str | None:
    """A Joomla article under its SEF URL and under its non-SEF route is one record, "article/N": the number the
    SEF URL names (:func:`migrator.extract.joomla.sef_article_id`) is the record's, and the content (the content
    hash) is the same. The SEF page joins the "article/N" record; the record the SEF page made under its URL's id
    becomes "article/N" when the non-SEF page comes second. Returns "joomla" when one did, else None."""
    from migrator.extract.joomla import NAME, sef_article_id

    if article.profile != NAME:
        return None
    url, digest = article.url, article.to_record()["content_hash"]
    if article.source_id == derived_source_id(url):  # a SEF page (or one no route names)
        named = sef_article_id(url)
        if named is None or store.content_hash_of(named) != digest:
            return None
        article.source_id = named
        logger.debug("%s is Joomla's %s: one record", url, named)
        return "joomla"
    if not article.source_id.startswith("article/"):
        return None
    for source_id, other in store.same_content(digest, run_id, article.source_id):
        if source_id == derived_source_id(other) and sef_article_id(other) == article.source_id \
                and store.rename_record(source_id, article.source_id, run_id):
            logger.debug("%s is Joomla's %s: one record", other, article.source_id)
            return "joomla"
    return None


__all__ = ["content_twin", "index_twin", "joomla_twin", "settle", "source_id_of"]
