"""What the store hands back: small frozen records instead of dict rows, so a reader knows what a read gives."""
from __future__ import annotations

import json
import zlib
from dataclasses import dataclass, field
from typing import Any

from migrator.encoding import decode_html, xml_safe


@dataclass
class RawPage:
    """One fetched page as the server sent it, with the evidence behind its decoding (what a crawl stores)."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: str
    encoding: str | None = None
    encoding_source: str | None = None
    encoding_evidence: dict[str, Any] | None = None
    kind: str | None = None
    source_id: str | None = None
    request_url: str | None = None
    reason: str | None = None  # why a listing or other page became no record (the extractor's PageResult.reason)


@dataclass(frozen=True)
class StoredPage:
    """A stored raw page read back: ``body`` decompressed, ``headers`` parsed."""

    url: str
    status: int
    headers: dict[str, str] = field(hash=False)
    body: bytes
    fetched_at: str | None
    encoding: str | None

    #: the columns :meth:`from_row` reads, in order
    COLUMNS = "url, status, headers, body, fetched_at, encoding"

    @classmethod
    def from_row(cls, row: tuple[Any, ...]) -> StoredPage:
        url, status, headers, body, fetched_at, encoding = row
        return cls(url, status, json.loads(headers or "{}"), zlib.decompress(body), fetched_at, encoding)

    def header(self, name: str) -> str | None:
        """A response header, by its name in any case."""
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def text(self) -> str:
        """The page's text, decoded with the encoding the crawl chose (detected again if that fails)."""
        if self.encoding:
            try:
                return xml_safe(self.body.decode(self.encoding))
            except (UnicodeDecodeError, LookupError):
                pass
        return decode_html(self.body, self.header("content-type")).text


@dataclass(frozen=True)
class ArticleHead:
    """What names a live article: enough for its new URL, a listing's titles, a withdrawal's log line."""

    url: str
    source_id: str
    title: str | None
    published_at: str | None

    COLUMNS = "url, source_id, title, published_at"


@dataclass(frozen=True)
class StoredArticle:
    """A live article's row as the offline passes need it: its identity and what it stood as."""

    source_id: str
    url: str
    fetched_at: str | None
    content_hash: str
    body_text: str

    COLUMNS = "source_id, url, fetched_at, content_hash, body_text"
