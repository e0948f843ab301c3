"""What a crawl hands to the ingest: fetched pages, URLs known to be aliases, failures, visits (plain data: the
spiders make them, the Scrapy pipeline and the distributed loader pass them on)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """A fetched response, decoded once; the pipeline extracts, cleans and stores it."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes = field(repr=False)
    text: str | None = field(repr=False)
    encoding: str | None
    encoding_source: str | None
    encoding_evidence: dict[str, str | None]
    fetched_at: str
    redirect_urls: list[str] = field(default_factory=list)
    role: str = "page"
    visit: str | None = None  # the frontier URL this response answers (before redirects)
    discovered: list[tuple[str, str, int]] = field(default_factory=list)  # (url, role, priority) queued from it


@dataclass
class AliasItem:
    """A URL that names an article by its shape (``/print/N``) and is recorded, not fetched."""

    url: str
    source_id: str


@dataclass
class ErrorItem:
    """A request that failed for good (after retries), with the reason it is counted under; ``skip``:
    refused by policy (an off-site redirect), listed like an error but counted among the skips."""

    url: str
    reason: str
    detail: str = ""
    visit: str | None = None
    skip: bool = False
    discovered: list[tuple[str, str, int]] = field(default_factory=list)  # a URL let in in its place (max_pages)


@dataclass
class VisitItem:
    """A fetched URL that yields no page record (robots.txt, a sitemap, a feed, a skip): the frontier
    marks it done and queues what it linked to, in one transaction."""

    visit: str | None
    discovered: list[tuple[str, str, int]] = field(default_factory=list)


@dataclass
class NotModifiedItem:
    """An article page answered 304 to a conditional request: seen this run, not re-extracted."""

    url: str
    source_id: str
    visit: str | None = None
    discovered: list[tuple[str, str, int]] = field(default_factory=list)
