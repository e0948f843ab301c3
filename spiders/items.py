"""What the spider hands to the pipeline: fetched pages, URLs known to be aliases, failures."""
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


@dataclass
class AliasItem:
    """A URL that names an article by its shape (``/print/N``) and is recorded, not fetched."""

    url: str
    source_id: str


@dataclass
class ErrorItem:
    """A request that failed for good (after retries), with the reason it is counted under."""

    url: str
    reason: str
    detail: str = ""
