"""Parity diff: old records against the new site — what is missing, changed or mis-redirected.

For every live article the counterpart is its new URL (:mod:`migrator.newplatform`). The new page
is fetched and read (title: ``og:title``, ``<h1>`` or ``<title>``; body: ``<article>``, the
``articleBody``, ``<main>``), then compared field by field. Every old URL of the article (canonical
and aliases, requested at ``old_base`` when the old host moved) must redirect, hop by hop, to the
counterpart. The report has three lists of objects, each with ``old_url``:

- ``missing``: the counterpart does not answer 200;
- ``changed``: the title differs, or body similarity (4-gram shingle F1) is under the threshold;
  ``problems`` names truncation, lost paragraphs and mojibake;
- ``broken_redirects``: an old URL that does not land on its counterpart (``suggested`` is the right target).
"""
from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml import html as lxml_html

from migrator.encoding import decode_html
from migrator.evaluate import page_counts
from migrator.newplatform import NewPlatform

if TYPE_CHECKING:
    from migrator.store import Store

log = logging.getLogger(__name__)
USER_AGENT = "migrator-diff/1"
MAX_HOPS = 5
#: UTF-8 Cyrillic read as cp1252/latin-1 ("ÐŸÑ€Ð¸") or as cp1251 ("РџСЂРё"): letter pairs real text never has.
_MOJIBAKE = re.compile("[\u00d0\u00d1][\u0080-\u00bf\u0152-\u2122]"
                       "|[\u0420\u0421][\u0402-\u040f\u0452-\u045f\u0490\u0491\u2018-\u2122\u00a0-\u00bf]")
_SPACE = re.compile(r"\s+")
_BLOCKS = ".//p | .//li | .//blockquote | .//h2 | .//h3 | .//h4 | .//pre"


@dataclass
class Page:
    """One new page as read for comparison."""

    url: str
    status: int
    title: str = ""
    body_text: str = ""
    #: All the body's text in one line, to look paragraphs up in whatever markup holds them.
    flat_text: str = ""


@dataclass
class Report:
    missing: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    broken_redirects: list[dict[str, Any]] = field(default_factory=list)
    checked: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {"missing": self.missing, "changed": self.changed, "broken_redirects": self.broken_redirects,
                "summary": {"articles": self.checked, "missing": len(self.missing), "changed": len(self.changed),
                            "broken_redirects": len(self.broken_redirects)}}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def request(url: str, timeout: float = 15.0) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) of one GET, redirects not followed; status 0 when unreachable."""
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with _OPENER.open(req, timeout=timeout) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), b""
    except (urllib.error.URLError, OSError, ValueError) as exc:
        log.debug("diff: %s unreachable: %s", url, exc)
        return 0, {}, b""


def land(url: str) -> tuple[str, list[int]]:
    """Follow redirects from ``url`` without fetching the last page's body twice: (final URL, statuses)."""
    statuses = []
    for _ in range(MAX_HOPS):
        status, headers, _ = request(url)
        statuses.append(status)
        location = headers.get("Location") or headers.get("location")
        if status not in (301, 302, 303, 307, 308) or not location:
            return url, statuses
        url = urljoin(url, location)
    return url, statuses


def read_page(url: str, status: int, body: bytes, content_type: str | None) -> Page:
    """Title and body text of a new page, by the markup most platforms write."""
    if status != 200 or not body:
        return Page(url, status)
    doc = lxml_html.document_fromstring(decode_html(body, content_type).text)
    title = (doc.xpath("string(//meta[@property='og:title']/@content)") or doc.xpath("string(//h1)")
             or doc.xpath("string(//title)"))
    for path in ("//*[@itemprop='articleBody']", "//article//*[contains(@class, 'content')]", "//article",
                 "//main", "//body"):
        found = doc.xpath(path)
        if found:
            node = found[0]
            for br in node.iter("br"):
                br.tail = "\n" + (br.tail or "")
            for drop in node.xpath(".//h1 | .//script | .//style | .//nav | .//header | .//footer"):
                drop.drop_tree()
            paragraphs = [_SPACE.sub(" ", p.text_content()).strip() for p in node.xpath(".//p | .//li | .//blockquote")]
            text = "\n\n".join(p for p in paragraphs if p) or _SPACE.sub(" ", node.text_content()).strip()
            flat = _SPACE.sub(" ", " ".join(node.itertext())).strip()
            return Page(url, status, _SPACE.sub(" ", title).strip(), text, flat)
    return Page(url, status, _SPACE.sub(" ", title).strip(), "")


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
    new_norm = _SPACE.sub(" ", new)
    # markup decides where whitespace falls (<br>, cells, inline blocks): look paragraphs up without it
    haystack = _SPACE.sub("", new_flat if new_flat is not None else new)
    lost = [p for p in old_paras if _SPACE.sub("", p) not in haystack]
    if len(_MOJIBAKE.findall(new)) >= 3 > len(_MOJIBAKE.findall(old)):
        problems.append("mojibake")
    elif new and len(new) < 0.9 * len(old) and _SPACE.sub(" ", old).startswith(new_norm.rstrip(" .…")[:200]):
        problems.append("truncated")
    if lost and "mojibake" not in problems:
        problems.append(f"lost paragraphs: {len(lost)} of {len(old_paras)}")
    return problems


def _same(a: str, b: str) -> bool:
    """Two URLs name the same page (trailing slash and default port aside)."""
    def norm(u: str) -> str:
        p = urlsplit(u)
        return urlunsplit((p.scheme, p.netloc.lower(), p.path.rstrip("/") or "/", p.query, ""))
    return norm(a) == norm(b)


def rebase(url: str, old_base: str | None) -> str:
    """The old URL on the host it is requested at now (``old_base``: scheme and host only)."""
    if not old_base:
        return url
    base, parts = urlsplit(old_base), urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))


def compare(record: dict[str, Any], page: Page, threshold: float) -> dict[str, Any] | None:
    """A ``changed`` entry for one article, or None when title and body agree."""
    fields: dict[str, Any] = {}
    if _SPACE.sub(" ", record["title"]).strip() != page.title:
        fields["title"] = {"old": record["title"], "new": page.title}
    score = similarity(record["body_text"], page.flat_text or page.body_text)  # tokens: markup-blind
    problems = body_problems(record["body_text"], page.body_text, page.flat_text)
    if score < threshold or problems:
        fields["body"] = {"similarity": round(score, 3), "problems": problems,
                          "old": record["body_text"], "new": page.body_text}
    if not fields:
        return None
    return {"old_url": record["url"], "new_url": page.url, "fields": sorted(fields), **fields}


def check_article(record: dict[str, Any], platform: NewPlatform, old_base: str | None,
                  threshold: float) -> tuple[Page, dict[str, Any] | None, list[dict[str, Any]]]:
    """(new page, changed entry, broken redirects) of one article."""
    expected = platform.url_for(record)
    status, headers, body = request(expected)
    page = read_page(expected, status, body, headers.get("Content-Type"))
    broken = []
    for old_url in [record["url"], *record["aliases"]]:
        landed, statuses = land(rebase(old_url, old_base))
        if not _same(landed, expected):
            broken.append({"old_url": old_url, "landed": landed, "statuses": statuses, "suggested": expected})
    changed = compare(record, page, threshold) if page.status == 200 else None
    return page, changed, broken


def diff(records: Iterable[dict[str, Any]], platform: NewPlatform, *, old_base: str | None = None,
         threshold: float = 0.9, concurrency: int = 8) -> Report:
    """Compare every record with its counterpart on the new site; requests run concurrently."""
    report = Report()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for record, (page, changed, broken) in _ordered(pool, records, platform, old_base, threshold, concurrency):
            report.checked += 1
            if page.status != 200:
                report.missing.append({"old_url": record["url"], "expected_url": page.url, "status": page.status,
                                       "title": record["title"]})
            elif changed:
                report.changed.append(changed)
            # a missing counterpart's old URLs may well land on its (missing) new URL: that is not a second fault
            report.broken_redirects.extend(broken)
    return report


def _ordered(pool: ThreadPoolExecutor, records: Iterable[dict[str, Any]], platform: NewPlatform,
             old_base: str | None, threshold: float, concurrency: int) -> Iterator[tuple[dict[str, Any], Any]]:
    """Results in record order with a bounded look-ahead (memory stays flat)."""
    window: list[tuple[dict[str, Any], Any]] = []
    for record in records:
        window.append((record, pool.submit(check_article, record, platform, old_base, threshold)))
        if len(window) >= 4 * concurrency:
            record, future = window.pop(0)
            yield record, future.result()
    for record, future in window:
        yield record, future.result()


def diff_store(store: Store, platform: NewPlatform, **options: Any) -> Report:
    return diff(store.records(), platform, **options)
