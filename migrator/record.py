"""The article record: one typed object, serialized with exactly the keys of design.md."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

#: Keys of the exported record, in the order of design.md.  Other tools depend on these.
EXPORT_KEYS = (
    "url", "aliases", "source_id", "title", "published_at", "updated_at", "author", "tags",
    "sources", "images", "body_html", "body_text", "comments", "type", "content_hash", "fetched_at",
)

#: Fields whose change is an edit of the article (not view counters, sidebars, fetch time).
CONTENT_KEYS = (
    "title", "published_at", "updated_at", "author", "tags", "sources", "images", "body_text",
    "comments",
)


@dataclass
class Comment:
    """One reader comment; ``author`` is None for guests."""

    author: str | None
    published_at: str | None
    body_text: str
    #: the date as the page printed it, so that it can be read again in the site's day/month order once that
    #: is learned; kept by the store, not a key of the exported comment
    published_raw: str | None = field(default=None, compare=False)


#: Keys of an exported comment (design.md).
COMMENT_KEYS = ("author", "published_at", "body_text")


@dataclass
class Article:
    """An article as extracted from one page of the old site.

    ``published_raw`` keeps the date exactly as the page wrote it, beside the normalized
    ISO 8601 ``published_at`` (with the UTC offset in force on that date in the site's zone).
    ``attachments`` (absolute URLs of attached and inline-linked files) is kept by the store for
    ``migrator media`` but is not a key of the exported record, whose contract design.md fixes; nor is ``claim``,
    the page's claim to be its content's own copy (:func:`migrator.urls.copy_key`): the engine version its generator
    meta names ("" for none), or None when its ``rel=canonical`` names another URL.
    """

    url: str
    source_id: str
    title: str
    published_at: str | None = None
    updated_at: str | None = None
    author: str | None = None
    tags: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    body_html: str = ""
    body_text: str = ""
    comments: list[Comment] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    fetched_at: str | None = None
    published_raw: str | None = None
    profile: str = ""
    type: str = ""
    attachments: list[str] = field(default_factory=list)
    claim: str | None = None

    @property
    def content_hash(self) -> str:
        return content_hash(self.to_record())

    def to_record(self) -> dict[str, Any]:
        """The exported record: exactly ``EXPORT_KEYS``."""
        data = asdict(self)
        data["comments"] = [{k: c[k] for k in COMMENT_KEYS} for c in data["comments"]]
        data["content_hash"] = content_hash(data)
        return {key: data[key] for key in EXPORT_KEYS}


def content_hash(record: dict[str, Any]) -> str:
    """SHA-256 over the content fields only, so counters and fetch times never look like edits."""
    payload = json.dumps({k: record.get(k) for k in CONTENT_KEYS}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
