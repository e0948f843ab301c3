"""Parity diff: old records against the new site — what is missing, changed or mis-redirected.

The new site is crawled first (:mod:`migrator.parity.newsite`: sitemaps, home page, links). Each old article
is paired with its counterpart among the new pages: where its old URLs land (redirects followed), its
new URL by the mapping (:mod:`migrator.cutover.newplatform`), and, when neither holds it, the crawled page that
shares most of its text (an inverted index of word shingles names the candidates, shingle F1 decides).
Where the old URLs are asked depends on when the diff runs (:func:`locate_old_urls`): before cut-over the old
host still serves the old pages, so their paths are checked on the new site (as it will answer them once DNS
moves); after cut-over they are checked where they are. ``old_base`` overrides, and the report says which it
did and why. The new site's crawl and every page read stay on the new site's host: its leftover links to the
old site are normal and not followed.

The report has three lists of objects, each with ``old_url``:

- ``missing``: no new page carries the article;
- ``changed``: title, date (as an instant), tags (after the rubric map), the number of comments (where the
  new site shows comments) or body differ; a body differs
  when its similarity (4-gram shingle F1) is under the threshold or ``problems`` names truncation,
  lost paragraphs or mojibake;
- ``broken_redirects``: an old URL that does not land on the counterpart in one hop (``suggested`` is the right
  target), grouped by ``kind`` (:data:`REDIRECT_KINDS`): no redirect at all, a redirect to a wrong page, a chain
  of redirects to the right page, a loop or a redirect to an error.

Against a site ``migrator load`` wrote (the ``loaded`` table names it), the comments the platform refused as
duplicates are expected to be absent from their post: they are not a change, and ``refused_duplicates`` lists
them per article (``summary.comments_refused_as_duplicates`` counts them), so nothing goes unsaid.
"""
from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import chain, islice
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

from migrator.clean.text import shingles, words
from migrator.cutover.newplatform import NewPlatform
from migrator.parity.evaluate import page_counts
from migrator.parity.newsite import REDIRECTS, Client, Page, crawl, fetch, land, on_hosts
from migrator.urls import netloc_of, page_key

if TYPE_CHECKING:
    from migrator.store import Store

log = logging.getLogger(__name__)
#: UTF-8 Cyrillic read as cp1252/latin-1 ("ÐŸÑ€Ð¸") or as cp1251 ("РџСЂРё"): letter pairs real text never has;
#: windows-1251 (or KOI8-R) bytes read as latin-1 ("Ïðèâåò"): whole words of the letters those bytes become.
_MOJIBAKE = re.compile("[\u00d0\u00d1][\u0080-\u00bf\u0152-\u2122]"
                       "|[\u0420\u0421][\u0402-\u040f\u0452-\u045f\u0490\u0491\u2018-\u2122\u00a0-\u00bf]"
                       "|[\u00a8\u00b8\u00c0-\u00ff]{4,}")
_SPACE = re.compile(r"\s+")
#: A crawled page whose body shares this much with an article is its counterpart, wherever it lives.
SAME_ARTICLE = 0.4


#: What can be wrong with an old URL's redirect, in the order the report groups them, and what each means.
REDIRECT_KINDS = {
    "not_redirected": "no redirect: the old URL answers an error status itself (an alias the new site never "
                      "redirected)",
    "wrong_page": "redirected to a wrong page (another article, the home page, another host), or the old URL "
                  "serves a wrong page itself",
    "chain": "a redirect chain: more than one HTTP redirect to the right page",
    "loop_or_error": "a redirect loop, too many hops, or a redirect to an error status",
}


def redirect_kind(landed: str, statuses: list[int], target: str, hosts: Iterable[str]) -> str | None:
    """Which of :data:`REDIRECT_KINDS` an old URL's landing is, None when it reaches ``target`` through at most one
    HTTP redirect (a meta refresh page, such as a static site's alias, is followed like a redirect).

    >>> redirect_kind("http://n/a", [301, 301, 200], "http://n/a/", {"n"})
    'chain'
    >>> redirect_kind("http://o/print/3", [404], "http://n/a", {"n", "o"})
    'not_redirected'
    """
    final = statuses[-1] if statuses else 0
    if page_key(landed) == page_key(target) and final == 200:
        # HTTP redirects only: a slash redirect to a static site's alias page (its meta refresh) is one move
        return "chain" if sum(status in REDIRECTS for status in statuses) > 1 else None
    if len(statuses) < 2 and final not in REDIRECTS:  # answered where it was asked: no redirect of any kind
        return "wrong_page" if final == 200 else "not_redirected"
    if final == 200 or not on_hosts(landed, hosts):
        return "wrong_page"
    return "loop_or_error"  # still redirecting when it stopped, or ended in an error


def by_kind(broken: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many broken redirects of each kind (every kind, zero too)."""
    counts = Counter(entry.get("kind", "wrong_page") for entry in broken)
    return {kind: counts[kind] for kind in REDIRECT_KINDS}


@dataclass
class Report:
    """The three lists of the design's contract, plus how many articles were compared and new pages crawled."""

    missing: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    broken_redirects: list[dict[str, Any]] = field(default_factory=list)
    checked: int = 0
    crawled: int = 0
    old_urls: OldUrls | None = None
    #: against an earlier run only: the articles live now that were not then (``url``, ``title``)
    added: list[dict[str, Any]] | None = None
    #: per article, the comments the loaded target refused as duplicates; None: not a target a load wrote
    refused_duplicates: list[dict[str, Any]] | None = None

    def as_dict(self) -> dict[str, Any]:
        order = list(REDIRECT_KINDS)
        broken = sorted(self.broken_redirects, key=lambda entry: order.index(entry["kind"]))  # grouped, stable
        report: dict[str, Any] = {"missing": self.missing, "changed": self.changed, "broken_redirects": broken,
                  "summary": {"articles": self.checked, "new_pages": self.crawled, "missing": len(self.missing),
                              "changed": len(self.changed), "broken_redirects": len(broken),
                              "broken_redirects_by_kind": by_kind(broken)}}
        if self.added is not None:
            report["added"] = self.added
            report["summary"]["added"] = len(self.added)
        if self.refused_duplicates is not None:
            report["refused_duplicates"] = self.refused_duplicates
            report["summary"]["comments_refused_as_duplicates"] = sum(r["comments"] for r in self.refused_duplicates)
        if self.old_urls is not None:
            report["summary"]["old_urls"] = self.old_urls.when
            report["old_urls"] = {"checked_on": self.old_urls.base or "where they were crawled",
                                  "when": self.old_urls.when, "why": self.old_urls.why}
        return report


#: Old URLs asked to tell before cut-over (the old host still serves them) from after (it redirects).
SAMPLE = 5


@dataclass(frozen=True)
class OldUrls:
    """Where a diff asks the old URLs: ``base`` (scheme and host) to move their paths to, or None for where
    they were crawled; ``when`` is "before cut-over", "after cut-over", "old site gone" or "given"."""

    base: str | None
    when: str
    why: str


def locate_old_urls(sample: list[str], new_base: str, client: Client | None = None) -> OldUrls:
    """Before cut-over the old host still serves the old pages: their paths are checked on the new site; after
    it (DNS moved, the old host answers with the new platform's redirects) they are checked where they are."""
    new_hosts = {netloc_of(new_base)}
    parts = urlsplit(new_base)
    origin = f"{parts.scheme}://{parts.netloc}"
    if not sample or {netloc_of(u) for u in sample} <= new_hosts:
        return OldUrls(None, "after cut-over", "the old URLs are on the new site's host")
    landings = [land(u, new_hosts | {netloc_of(u)}, client) for u in sample]
    moved = sum(netloc_of(url) in new_hosts for url, _ in landings)
    served = sum(bool(hops) and hops[-1] == 200 and netloc_of(url) not in new_hosts for url, hops in landings)
    if moved > served:
        return OldUrls(None, "after cut-over", f"{moved} of {len(sample)} old URLs tried redirect to the new site: "
                                               "the old URLs are checked where they were crawled")
    if served:
        return OldUrls(origin, "before cut-over", f"{served} of {len(sample)} old URLs tried still serve pages on "
                                                  f"the old host: their paths are checked on {origin}")
    statuses = sorted({hops[-1] if hops else 0 for _, hops in landings})
    return OldUrls(origin, "old site gone", f"the old host served none of {len(sample)} old URLs tried "
                                                   f"(statuses {statuses}): their paths are checked on {origin}")


def similarity(old: str, new: str) -> float:
    """4-gram shingle F1 of two texts (1.0 for two empty texts)."""
    tp, fp, fn = page_counts(old, new)
    if tp == fp == fn == 0:
        return 1.0 if not old.strip() and not new.strip() else 0.0
    return 2 * tp / (2 * tp + fp + fn)


def body_problems(old: str, new: str, new_flat: str | None = None) -> list[str]:
    """What happened to a body: truncation, lost paragraphs, mojibake."""
    problems = []
    old_paras = [p.strip() for p in old.split("\n\n") if p.strip()]
    # markup decides where whitespace falls (<br>, cells, inline blocks): look paragraphs up without it
    haystack = _SPACE.sub("", new_flat if new_flat is not None else new)
    lost = [p for p in old_paras if _SPACE.sub("", p) not in haystack]
    if len(_MOJIBAKE.findall(new)) >= 3 > len(_MOJIBAKE.findall(old)):
        problems.append("mojibake")
    elif new and len(new) < 0.9 * len(old) and _SPACE.sub("", old).startswith(_SPACE.sub("", new).rstrip(".…")):
        problems.append("truncated")
    if lost and "mojibake" not in problems:
        problems.append(f"lost paragraphs: {len(lost)} of {len(old_paras)}")
    return problems


def added_paragraphs(old: str, new: str) -> list[str]:
    r"""Paragraphs of ``new`` that ``old`` does not hold (whitespace aside): what an edit added.

    >>> added_paragraphs("Один.\n\nДва.", "Один.\n\nДва.\n\nТри.")
    ['Три.']
    """
    haystack = _SPACE.sub("", old)
    return [p.strip() for p in new.split("\n\n") if p.strip() and _SPACE.sub("", p) not in haystack]


def rebase(url: str, old_base: str | None) -> str:
    """The old URL on the host it is requested at now (``old_base``: scheme and host only)."""
    if not old_base:
        return url
    base, parts = urlsplit(old_base), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def _line(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def same_instant(old: str, new: str) -> bool:
    """Two ISO 8601 dates name the same moment (offsets may differ); a date without time compares by day."""
    if len(new) == 10 or len(old) == 10:
        return old[:10] == new[:10]
    try:
        a, b = datetime.fromisoformat(old.replace("Z", "+00:00")), datetime.fromisoformat(new.replace("Z", "+00:00"))
    except ValueError:
        return old == new
    if (a.tzinfo is None) != (b.tzinfo is None):
        return a.replace(tzinfo=None) == b.replace(tzinfo=None)
    return a == b


def compare(record: dict[str, Any], page: Page, threshold: float,
            map_tags: Callable[[list[str]], list[str]] = list, refused: int = 0) -> dict[str, Any] | None:
    """A ``changed`` entry for one article, or None when everything the page shows agrees.

    Date, tags and comments are compared only when the new page shows them; old tags go through the rubric map
    first; ``refused`` comments (the platform refused them as duplicates when they were loaded) are not expected.
    """
    fields: dict[str, Any] = {}
    if _line(record["title"]) != _line(page.title):
        fields["title"] = {"old": record["title"], "new": page.title}
    if record.get("published_at") and page.published is not None \
            and not same_instant(record["published_at"], page.published):
        fields["date"] = {"old": record["published_at"], "new": page.published}
    if page.tags is not None:
        old_tags = map_tags(list(record.get("tags") or []))
        if set(old_tags) != set(page.tags) and not _default_filing(old_tags, page):
            fields["tags"] = {"old": old_tags, "new": page.tags, "lost": [t for t in old_tags if t not in page.tags],
                              "added": [t for t in page.tags if t not in old_tags]}
    old_comments = len(record.get("comments") or ())
    if page.comments is not None and page.comments != old_comments - refused:
        fields["comments"] = {"old": old_comments, "new": page.comments,
                              **({"refused_as_duplicates": refused} if refused else {})}
    score = similarity(record["body_text"], page.flat_text or page.body_text)  # tokens: markup-blind
    problems = body_problems(record["body_text"], page.body_text, page.flat_text)
    if score < threshold or problems:
        fields["body"] = {"similarity": round(score, 3), "problems": problems,
                          "old": record["body_text"], "new": page.body_text}
    if not fields:
        return None
    return {"old_url": record["url"], "new_url": page.url, "fields": sorted(fields), **fields}


def _default_filing(old_tags: list[str], page: Page) -> bool:
    """An article without terms shown under one category alone: where a platform that files every post in a
    category puts a post with none (WordPress's default category), not a term the migration added."""
    return not old_tags and len(page.tags or []) == 1 and page.categories == page.tags


def _keys(title: str, text: str) -> set[str]:
    """What the index files a page under: its title words and the word trigrams of its first 400 words."""
    return {"t:" + w for w in words(title)} | {" ".join(gram) for gram in shingles(words(text)[:400], 3)}


class CrawledSite:
    """The crawled new site: its pages by URL, and an inverted index to find an article's page by its text."""

    def __init__(self, pages: dict[str, Page], hosts: Iterable[str] | None = None, client: Client | None = None) -> None:
        self.pages = pages
        #: the new site's hosts: a page elsewhere (the old site's) is never read as one of its pages
        self.hosts = set(hosts) if hosts is not None else {netloc_of(u) for u in (p.url for p in pages.values())}
        self.client = client
        self._indexed = [p for p in pages.values() if p.status == 200 and p.flat_text]
        self._postings: dict[str, list[int]] = defaultdict(list)
        for n, page in enumerate(self._indexed):
            for key in _keys(page.title, page.flat_text):
                self._postings[key].append(n)
        #: keys on more pages than this (site chrome, stock phrases) name no particular page
        self._common = max(3, len(self._indexed) // 50)
        #: a site that shows dates or tags on its articles shows them on every article: a page without is a loss
        self.shows_dates = any(p.published for p in self._indexed)
        self.shows_tags = any(p.tags for p in self._indexed)
        self.shows_comments = any(p.comments for p in self._indexed)

    def as_shown(self, page: Page) -> Page:
        """The page with "shows none" read as "lost them" when the site shows dates, tags or comments elsewhere."""
        tags = page.tags if page.tags is not None or not self.shows_tags else []
        published = page.published or ("" if self.shows_dates else None)
        comments = page.comments if page.comments is not None or not self.shows_comments else 0
        return replace(page, tags=tags, published=published, comments=comments)

    def page(self, url: str) -> Page:
        """A crawled page, or fetched now when the crawl did not reach it; status 0 off the new site."""
        if not on_hosts(url, self.hosts):
            return Page(url, 0)
        key = page_key(url)
        if key not in self.pages:
            self.pages[key] = fetch(url, self.client)[0]
        return self.pages[key]

    def similar(self, record: dict[str, Any], count: int = 3) -> list[Page]:
        """The crawled pages sharing the most rare keys with an article, best first."""
        votes: Counter[int] = Counter()
        for key in _keys(record["title"], record["body_text"]):
            posting = self._postings.get(key, ())
            if len(posting) <= self._common:
                votes.update(posting)
        return [self._indexed[n] for n, _ in votes.most_common(count)]


def find_counterpart(record: dict[str, Any], own_urls: list[str], site: CrawledSite) -> Page | None:
    """The new page carrying an article: the best body match among the pages its own URLs lead to and the
    pages the index names; failing that, an own page with the same title (a body too garbled to match)."""
    own = [p for p in map(site.page, dict.fromkeys(own_urls)) if p.status == 200]
    scored = [(similarity(record["body_text"], p.flat_text or p.body_text), p) for p in own]
    if max((s for s, _ in scored), default=0.0) < 0.9:
        scored += [(similarity(record["body_text"], p.flat_text), p) for p in site.similar(record)]
    best = max(scored, key=lambda pair: pair[0], default=None)
    if best is not None and best[0] >= SAME_ARTICLE:
        return best[1]
    return next((p for p in own if _line(p.title) == _line(record["title"])), None)


@dataclass
class ArticleCheck:
    """What the diff found for one article."""

    missing: dict[str, Any] | None = None
    changed: dict[str, Any] | None = None
    broken: list[dict[str, Any]] = field(default_factory=list)
    refused: dict[str, Any] | None = None


def check_article(record: dict[str, Any], platform: NewPlatform, site: CrawledSite, old_base: str | None,
                  threshold: float, refused: int = 0) -> ArticleCheck:
    """Pair one article with its new page, compare them, and check where each of its old URLs lands."""
    expected = platform.url_for(record)
    landings, hosts = {}, {}
    for url in [record["url"], *record["aliases"]]:
        asked = rebase(url, old_base)
        hosts[url] = site.hosts | {netloc_of(asked)}
        landings[url] = land(asked, hosts[url], site.client)  # never to a third host
    page = find_counterpart(record, [url for url, hops in landings.values() if hops[-1] == 200] + [expected], site)
    if page is None:
        # with no counterpart there is no right target: its redirects are not a second fault
        return ArticleCheck(missing={"old_url": record["url"], "expected_url": expected,
                                "status": site.page(expected).status, "title": record["title"]})
    broken = []
    for url, (landed, hops) in landings.items():
        kind = redirect_kind(landed, hops, page.url, hosts[url])
        if kind is not None:
            broken.append({"old_url": url, "kind": kind, "landed": landed, "statuses": hops, "suggested": page.url})
    noted = {"old_url": record["url"], "new_url": page.url, "comments": refused} if refused else None
    return ArticleCheck(changed=compare(record, site.as_shown(page), threshold, platform.map_tags, refused),
                        broken=broken, refused=noted)


def diff(records: Iterable[dict[str, Any]], platform: NewPlatform, *, old_base: str | None = None,
         threshold: float = 0.9, concurrency: int = 8, max_pages: int = 100_000,
         refused: dict[str, int] | None = None) -> Report:
    """Crawl the new site, find out where the old URLs answer (``old_base`` says it outright), then compare
    every record with its counterpart; requests run concurrently through one pooled client. ``refused``: by
    source id, the comments the site refused as duplicates when they were loaded into it."""
    client = Client(concurrency)
    hosts = {netloc_of(platform.base_url)}
    site = CrawledSite(crawl(platform.base_url, max_pages=max_pages, concurrency=concurrency, hosts=hosts,
                             client=client), hosts, client)
    records = iter(records)
    head = list(islice(records, SAMPLE))
    where = (OldUrls(old_base, "given", f"--old-base: the old URLs' paths are checked on {old_base}") if old_base
             else locate_old_urls([r["url"] for r in head], platform.base_url, client))
    log.info("diff: old URLs %s: %s", where.when, where.why)
    report = Report(crawled=len(site.pages), old_urls=where, refused_duplicates=None if refused is None else [])
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for outcome in _ordered(pool, chain(head, records), platform, site, where.base, threshold, concurrency,
                                refused or {}):
            report.checked += 1
            if outcome.missing:
                report.missing.append(outcome.missing)
            if outcome.changed:
                report.changed.append(outcome.changed)
            report.broken_redirects.extend(outcome.broken)
            if outcome.refused and report.refused_duplicates is not None:
                report.refused_duplicates.append(outcome.refused)
    return report


def _ordered(pool: ThreadPoolExecutor, records: Iterable[dict[str, Any]], platform: NewPlatform, site: CrawledSite,
             old_base: str | None, threshold: float, concurrency: int,
             refused: dict[str, int]) -> Iterator[ArticleCheck]:
    """Results in record order with a bounded look-ahead (memory stays flat)."""
    window = []
    for record in records:
        window.append(pool.submit(check_article, record, platform, site, old_base, threshold,
                                  refused.get(record["source_id"], 0)))
        if len(window) >= 4 * concurrency:
            yield window.pop(0).result()
    for future in window:
        yield future.result()


def diff_store(store: Store, platform: NewPlatform, **options: Any) -> Report:
    """The store's records against the new site; against a site a load wrote, what it refused is known."""
    refused = store.refused_duplicates(platform.base_url.rstrip("/"))
    return diff(store.records(), platform, refused=refused, **options)


def as_page(record: dict[str, Any]) -> Page:
    """A record read as if it were a page, so two runs compare by the same rules as two sites."""
    return Page(record["url"], 200, record["title"], record["body_text"], record["body_text"],
                record["published_at"], list(record["tags"]), comments=len(record.get("comments") or ()))


def diff_runs(store: Store, run_id: int, *, threshold: float = 0.9) -> Report:
    """The old site against itself: its records as they were after run ``run_id`` against now.

    ``missing``: gone since; ``changed``: compared field by field as against a new site, and a body that
    gained paragraphs (however similar the rest); ``broken_redirects``: an old URL of the article that now
    serves another article (``suggested``: the article's URL now); ``added``: the articles new since.
    """
    report = Report(added=[])
    then: set[str] = set()
    for before in store.records_at(run_id):
        report.checked += 1
        then.add(before["source_id"])
        now = store.record(before["source_id"])
        if now is None:
            report.missing.append({"old_url": before["url"], "expected_url": None, "status": None,
                                   "title": before["title"]})
            continue
        changed = _with_added(compare(before, as_page(now), threshold), before, now)
        if changed:
            report.changed.append(changed)
        for url in [before["url"], *before["aliases"]]:
            owner = store.find_article(url)
            if owner is not None and owner != before["source_id"]:
                report.broken_redirects.append({"old_url": url, "kind": "wrong_page", "landed": url, "statuses": [],
                                                "suggested": now["url"]})
    report.added = [{"old_url": r["url"], "url": r["url"], "title": r["title"], "published_at": r["published_at"]}
                    for r in store.records() if r["source_id"] not in then]
    return report


def _with_added(changed: dict[str, Any] | None, before: dict[str, Any], now: dict[str, Any]) -> dict[str, Any] | None:
    """The ``changed`` entry of a record whose body gained paragraphs: a body change however similar the rest."""
    added = added_paragraphs(before["body_text"], now["body_text"])
    if not added:
        return changed
    paragraphs = [p for p in now["body_text"].split("\n\n") if p.strip()]
    problem = f"added paragraphs: {len(added)} of {len(paragraphs)}"
    if changed is None:
        changed = {"old_url": before["url"], "new_url": now["url"], "fields": []}
    if "body" not in changed:
        changed["body"] = {"similarity": round(similarity(before["body_text"], now["body_text"]), 3), "problems": [],
                           "old": before["body_text"], "new": now["body_text"]}
        changed["fields"] = sorted([*changed["fields"], "body"])
    changed["body"]["problems"].append(problem)
    return changed


__all__ = ["REDIRECT_KINDS", "OldUrls", "Page", "Report", "by_kind", "redirect_kind", "added_paragraphs", "body_problems", "compare", "diff", "diff_runs", "diff_store", "locate_old_urls",
           "rebase", "similarity"]
