"""Extraction: one page in, one :class:`PageResult` out. The orchestrator runs numbered stages:

1. parse the markup (lxml; never raises on malformed pages or bad bytes; held to :mod:`migrator.limits`);
2. detect the platform profile from the markup (or take the one the mapping forces);
3. read the canonical URL;
4. classify the page (article, listing, other) and read its fields with the profile's extractor —
   Drupal 6 (:mod:`migrator.extract.drupal6`), Drupal 7, WordPress, Joomla, Blogger (:mod:`migrator.extract.platform`
   and one module each), or generic (:mod:`migrator.extract.generic`);
5. clean the body in place (:mod:`migrator.clean`), counting every removal by rule;
6. sanitize ``body_html`` and derive ``body_text``;
7. repair text stored in the wrong encoding (:mod:`migrator.clean.repair`), counted per page;
8. a date the page wrote without a time becomes a date (``YYYY-MM-DD``), not midnight with an offset.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lxml import etree
from lxml.html import HtmlElement

from migrator.clean.repair import cloudflare_emails, repair
from migrator.extract import blogger, drupal6, drupal7, generic, joomla, wordpress
from migrator.extract.common import amphtml_url, canonical_url, is_amp, parse
from migrator.extract.dates import day_only
from migrator.extract.platform import engine_version
from migrator.record import Article
from migrator.urls import section_of

if TYPE_CHECKING:
    from migrator.extract.region import Regions
    from migrator.mapping import Config

__all__ = ["PageResult", "extract", "detect_profile"]


@dataclass
class PageResult:
    """What one page is, and the article on it when it is one."""

    kind: str                 # "article" | "listing" | "other"
    profile: str              # "drupal6" | "drupal7" | "wordpress" | "joomla" | "blogger" | "generic"
    article: Article | None   # only for kind == "article"
    source_id: str | None     # "node/8123" when the page reveals a node id; else None
    canonical: str | None     # rel=canonical / og:url if present, absolute
    removed: Counter[str] = field(default_factory=Counter)  # cleaning rule -> nodes/blocks removed
    reason: str = ""          # why kind is not article (e.g. "listing: 10 teasers", "no node")
    text: str = ""            # a non-article's cleaned main text, when one was found (for debugging, scoring)
    warnings: list[str] = field(default_factory=list)  # what the input limits cut ("reason: detail", migrator.limits)
    repaired: int = 0         # fields and comments whose mojibake was repaired (migrator.clean.repair)
    emails: int = 0           # Cloudflare-protected e-mail addresses decoded (migrator.clean.repair)
    engine: str = ""          # the engine and version the generator meta names (platform.engine_version)
    amp: bool = False         # an AMP document (``<html amp>``): with a canonical elsewhere, a copy of that page
    amphtml: str | None = None  # the page's AMP copy (rel=amphtml), absolute: another URL of its article


#: Markup only Drupal writes: one is enough.
_DRUPAL_STRONG = etree.XPath(
    "boolean(//meta[@name='generator'][starts-with(@content, 'Drupal')]"
    " | //script[contains(@src, '/misc/drupal.js')] | //script[contains(., 'Drupal.settings')]"
    " | //div[starts-with(@id, 'node-')][contains(concat(' ', normalize-space(@class), ' '), ' node ')])"
)
#: Paths a Drupal site serves, but that copied pages keep too: two are needed.
#: (Attribute steps, not ``//*[contains(@src, …) or contains(@href, …)]``: the same answer at half the cost.)
_DRUPAL_WEAK = (
    etree.XPath("boolean(//@src[contains(., '/sites/default/files/')] | //@href[contains(., '/sites/default/files/')])"),
    etree.XPath("boolean(//link[contains(@href, '/modules/') or contains(@href, '/sites/all/')])"),
    etree.XPath("boolean(//@src[contains(., '/misc/')] | //@href[contains(., '/misc/')])"),
)


#: The profiles read through :mod:`migrator.extract.platform`, tried in this order on a page no Drupal marks.
_PLATFORMS = {module.NAME: module for module in (wordpress, joomla, blogger)}
_READERS = {**_PLATFORMS, drupal7.NAME: drupal7}
#: Reasons of a platform page that holds none of the platform's entries (a hand-made page in its theme).
NO_ENTRY = frozenset({"no post", "no node", "no article"})


def detect_profile(doc: HtmlElement, profile: str = "auto") -> str:
    """The platform the page's own marks name: "drupal6" / "drupal7" when the markup says Drupal (generator
    meta, drupal.js, node divs, files paths; Field API markup or the generator's version tells 7), "wordpress",
    "joomla", "blogger" by their generator meta and template markup; else "generic".

    The mapping's profile "generic" forces the generic extractor; "drupal6" only lowers the bar
    (one Drupal path is enough), since a Drupal site's legacy sections carry no Drupal markup.
    """
    if profile == "generic":
        return "generic"
    if profile in _READERS:  # the mapping names the platform
        return profile
    if _DRUPAL_STRONG(doc):
        return "drupal7" if profile != "drupal6" and drupal7.detect(doc) else "drupal6"
    for name, module in _PLATFORMS.items():
        if module.detect(doc):
            return name
    need, weak = (1 if profile == "drupal6" else 2), 0
    for marker in _DRUPAL_WEAK:  # stop as soon as enough are found
        weak += bool(marker(doc))
        if weak >= need:
            return "drupal6"
    return "generic"


def repair_article(article: Article) -> int:
    """Repair mojibake in the article's texts and its comments' (:mod:`migrator.clean.repair`); returns how many
    texts changed."""
    changed = 0
    for name in ("title", "author", "body_text", "body_html"):
        value = getattr(article, name)
        if value:
            fixed, done = repair(value)
            if done:
                setattr(article, name, fixed)
                changed += 1
    for comment in article.comments:
        for name in ("author", "body_text"):
            value = getattr(comment, name)
            if value:
                fixed, done = repair(value)
                if done:
                    setattr(comment, name, fixed)
                    changed += 1
    return changed


def extract(url: str, html: str, config: Config, regions: Regions | None = None) -> PageResult:
    """Classify one decoded page and, for an article, extract and clean all its fields.

    ``regions``: the content regions learned for this site's templates (generic pages only).
    """
    warnings: list[str] = []
    doc = parse(html, warnings)                                    # 1. parse, within the input limits
    if doc is None:
        return PageResult("other", "generic", None, None, None, Counter(), "empty page", warnings=warnings)
    emails = cloudflare_emails(doc)                                # the addresses a saved copy hides, decoded
    profile = detect_profile(doc, config.profile)                  # 2. platform
    if profile == "generic" and config.profile != "generic" and drupal6.is_print_page(doc, url):
        profile = "drupal6"  # the print module strips the theme, not the page's identity
    canonical = canonical_url(doc, url)                            # 3. canonical URL
    if profile == "drupal6":
        result = _drupal6(doc, url, config)                        # 4-6. fields, cleaning, sanitizing
        if result.reason == "no node" and config.profile == "auto":
            result = _generic_instead(doc, url, config, result, regions)
    elif profile in _READERS:
        result = _READERS[profile].read(doc, url, config, warnings)
        if result.reason in NO_ENTRY and config.profile == "auto":  # the platform's markup, but no entry it knows
            result = _generic_instead(doc, url, config, result, regions)
    else:
        result = generic.extract(doc, url, config, regions)
    result.canonical, result.amp, result.amphtml = canonical, is_amp(doc), amphtml_url(doc, url)
    result.engine = engine_version(doc)
    if result.article is not None:
        result.repaired = repair_article(result.article)                # 7. mojibake repaired, counted
        article = result.article                                        # 8. a date without a time is a date
        article.published_at = day_only(article.published_at, article.published_raw)
    if result.article is not None and not result.article.type:  # the platform named none: the URL's section
        result.article.type = section_of(url)
    result.warnings, result.emails = warnings, emails
    return result


def _generic_instead(doc: HtmlElement, url: str, config: Config, drupal: PageResult,
                     regions: Regions | None = None) -> PageResult:
    """Drupal markup without a Drupal 6 node (a later Drupal, a copied theme): an article the generic
    extractor finds wins; otherwise the page stays what the Drupal 6 profile said, with the text found."""
    result = generic.extract(doc, url, config, regions)
    if result.kind == "article":
        return result
    drupal.text = result.text
    return drupal


def _drupal6(doc: HtmlElement, url: str, config: Config) -> PageResult:
    kind, reason, nodes = drupal6.classify(doc, url)
    node = nodes[0] if nodes else None
    sid = drupal6.source_id(doc, node, url, config.alias_rules) if kind != "listing" else None
    removed: Counter[str] = Counter()
    if kind != "article" or node is None:
        return PageResult(kind, "drupal6", None, sid, None, removed, reason)
    article = drupal6.article_of(doc, node, url, config, removed)
    article.source_id = sid or ""
    return PageResult("article", "drupal6", article, sid, None, removed, "")
