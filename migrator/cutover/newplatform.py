"""Mapping to the new platform: the pattern of new URLs, old rubrics to new ones, field renames.

Read from the ``[new_platform]`` table of a mapping file (the rest of the file belongs to
:mod:`migrator.mapping`)::

    [new_platform]
    base_url = "https://new.example.ru"        # optional; `--new URL` overrides it
    url_pattern = "/{year}/{month}/{slug}/"     # placeholders: year, month, day, slug, source_id, node
    undated_pattern = "/{slug}/"                # optional; for records with no date (default: url_pattern
                                                # without its date-only segments)
    rubrics = { "Нанотехнологии" = "nano" }     # old tag -> new rubric (unmapped tags pass through)
    rename = { title = "headline" }             # record key -> exported key (jsonl, csv)

The table is validated once, when read; a bad key raises :class:`~migrator.errors.MappingError`
naming the file, the dotted key and what was expected. Each record's new URL is a pure function
of the record, so exports, redirect maps and link rewriting always agree.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from migrator.errors import MappingError
from migrator.mapping import read_toml
from migrator.record import EXPORT_KEYS
from migrator.slug import slugify

TABLE = "new_platform"
PLACEHOLDERS = ("year", "month", "day", "slug", "source_id", "node")
DATE_PLACEHOLDERS = ("year", "month", "day")
#: Keys a record may carry in an export; ``new_url`` is added when a new platform is given.
RENAMEABLE = (*EXPORT_KEYS, "new_url")
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_NODE = re.compile(r"node/(\d+)")


@dataclass(frozen=True)
class NewPlatform:
    """Where and how articles live on the new platform; never mutated."""

    base_url: str = ""
    url_pattern: str = "/{year}/{month}/{slug}/"
    rubrics: Mapping[str, str] = field(default_factory=dict)
    rename: Mapping[str, str] = field(default_factory=dict)
    #: The pattern of an undated record's new URL; empty means :func:`undated_pattern_of` the url_pattern.
    undated_pattern: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "rubrics", MappingProxyType(dict(self.rubrics)))
        object.__setattr__(self, "rename", MappingProxyType(dict(self.rename)))
        if not self.undated_pattern:
            object.__setattr__(self, "undated_pattern", undated_pattern_of(self.url_pattern))

    def path_for(self, record: Mapping[str, Any]) -> str:
        """The new path of a record (needs ``url``, ``source_id``, ``title``, ``published_at``).

        >>> NewPlatform().path_for({"url": "http://old.ru/news/2014/10/lazer-v-tomske", "source_id": "node/7",
        ...                         "title": "Лазер", "published_at": "2014-10-19T13:28:00+04:00"})
        '/2014/10/lazer-v-tomske/'

        An undated record takes the undated pattern, never a made-up date:

        >>> NewPlatform().path_for({"url": "http://old.ru/about-us", "source_id": "node/8", "title": "О нас"})
        '/about-us/'
        """
        published = record.get("published_at") or ""
        node = _NODE.fullmatch(record.get("source_id") or "")
        pattern = self.url_pattern if published[0:4].isdigit() else self.undated_pattern
        values = {
            "year": published[0:4], "month": published[5:7], "day": published[8:10],
            "slug": slug_for(record), "source_id": record.get("source_id") or "",
            "node": node.group(1) if node else (record.get("source_id") or "").replace("/", "-"),
        }
        return pattern.format(**values)

    def url_for(self, record: Mapping[str, Any]) -> str:
        """The new absolute URL (a path alone when no base URL is known)."""
        return self.base_url.rstrip("/") + self.path_for(record)

    def map_tags(self, tags: list[str]) -> list[str]:
        """Old terms through the rubric map, in order, without duplicates; unmapped terms pass through."""
        return list(dict.fromkeys(self.rubrics.get(tag, tag) for tag in tags))

    def with_base(self, base_url: str | None) -> NewPlatform:
        if not base_url:
            return self
        return NewPlatform(base_url.rstrip("/"), self.url_pattern, self.rubrics, self.rename, self.undated_pattern)


def _names(pattern: str) -> list[str]:
    return [name for _, name, _spec, _conv in string.Formatter().parse(pattern) if name is not None]


def undated_pattern_of(url_pattern: str) -> str:
    """The url_pattern without its date: segments made only of date placeholders go; when a date is still
    left (``/{year}-{slug}/``) or nothing names the record, ``/{slug}/``.

    >>> undated_pattern_of("/{year}/{month}/{slug}/"), undated_pattern_of("/news/{year}/{node}.html")
    ('/{slug}/', '/news/{node}.html')
    >>> undated_pattern_of("/{year}-{month}-{slug}/")
    '/{slug}/'
    """
    kept = [segment for segment in url_pattern.split("/")
            if not (_names(segment) and all(n in DATE_PLACEHOLDERS for n in _names(segment))
                    and not re.sub(r"\{\w+\}|[-_.]", "", segment))]
    pattern = "/".join(kept)
    names = _names(pattern)
    if not names or any(n in DATE_PLACEHOLDERS for n in names):
        return "/{slug}/"
    return pattern if pattern.startswith("/") else "/" + pattern


def slug_for(record: Mapping[str, Any]) -> str:
    """The last path segment of the old alias when it is a slug, else the transliterated title.

    >>> slug_for({"url": "http://old.ru/node/5", "title": "Физики создали лазер"})
    'fiziki-sozdali-lazer'
    """
    parts = urlsplit(record.get("url") or "")
    segment = unquote(parts.path.rstrip("/").rsplit("/", 1)[-1]).lower()
    segment = re.sub(r"\.html?$", "", segment)
    is_node = parts.path.rstrip("/").endswith(f"/node/{segment}") or "q=" in parts.query
    if segment and not segment.isdigit() and not is_node and _SLUG.fullmatch(segment):
        return segment
    return slugify(record.get("title") or "") or (record.get("source_id") or "article").replace("/", "-")


# -- reading and validating ----------------------------------------------------------------------

def _str_table(path: str, key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise MappingError(path, key, f"a table of string = string, got {value!r}")
    for name, item in value.items():
        if not isinstance(item, str) or not item:
            raise MappingError(path, f"{key}.{name}", f"a non-empty string, got {item!r}")
    return dict(value)


def _check_pattern(path: str, key: str, value: Any) -> str:
    expected = "a URL path pattern starting with '/' using only {" + "}, {".join(PLACEHOLDERS) + "}"
    if not isinstance(value, str) or not value.startswith("/"):
        raise MappingError(path, key, f"{expected}, got {value!r}")
    try:
        names = [name for _, name, spec, conv in string.Formatter().parse(value) if name is not None]
    except ValueError as exc:
        raise MappingError(path, key, f"{expected}, got {value!r} ({exc})") from None
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown or not names:
        raise MappingError(path, key, f"{expected}, got {value!r}")
    return value


def parse(path: str, table: Any) -> NewPlatform:
    """Validate one ``[new_platform]`` table."""
    if not isinstance(table, dict):
        raise MappingError(path, TABLE, "a table ([new_platform])")
    values: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{TABLE}.{key}"
        if key == "base_url":
            parts = urlsplit(value) if isinstance(value, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise MappingError(path, dotted, f"an absolute http(s) URL, got {value!r}")
            values[key] = value.rstrip("/")
        elif key == "url_pattern":
            values[key] = _check_pattern(path, dotted, value)
        elif key == "undated_pattern":
            values[key] = _check_pattern(path, dotted, value)
            dated = [n for n in _names(value) if n in DATE_PLACEHOLDERS]
            if dated:
                raise MappingError(path, dotted, f"a pattern without {{{dated[0]}}} (it serves records with no date)")
        elif key == "rubrics":
            values[key] = _str_table(path, dotted, value)
        elif key == "rename":
            renames = _str_table(path, dotted, value)
            for name in renames:
                if name not in RENAMEABLE:
                    raise MappingError(path, f"{dotted}.{name}", "a record key (one of: " + ", ".join(RENAMEABLE) + ")")
            values[key] = renames
        else:
            raise MappingError(path, dotted, "one of base_url, url_pattern, undated_pattern, rubrics, rename")
    return NewPlatform(**values)


def has_new_platform(path: str) -> bool:
    """Whether a mapping file (readable TOML) has a ``[new_platform]`` table."""
    try:
        return TABLE in read_toml(path)
    except MappingError:
        return False


def load_new_platform(path: str | None = None, base_url: str | None = None) -> NewPlatform:
    """The ``[new_platform]`` table of a mapping file (defaults when absent), then ``--new``."""
    platform = NewPlatform()
    if path:
        data = read_toml(path)
        if TABLE in data:
            platform = parse(path, data[TABLE])
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MappingError("<command line>", "--new", f"an absolute http(s) URL, got {base_url!r}")
    return platform.with_base(base_url)
