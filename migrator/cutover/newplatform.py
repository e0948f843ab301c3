"""Mapping to the new platform: the pattern of new URLs, old rubrics to new ones, field renames.

Read from the ``[new_platform]`` table of a mapping file (the rest of the file belongs to
:mod:`migrator.mapping`)::

    [new_platform]
    base_url = "https://new.example.ru"        # optional; `--new URL` overrides it
    url_pattern = "/{year}/{month}/{slug}/"     # placeholders: year, month, day, slug, source_id, node
    rubrics = { "Нанотехнологии" = "nano" }     # old tag -> new rubric (unmapped tags pass through)
    rename = { title = "headline" }             # record key -> exported key (jsonl, csv)

The table is validated once, when read; a bad key raises :class:`~migrator.errors.MappingError`
naming the file, the dotted key and what was expected. Each record's new URL is a pure function
of the record, so exports, redirect maps and link rewriting always agree.
"""
from __future__ import annotations

import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from migrator.errors import MappingError
from migrator.record import EXPORT_KEYS
from migrator.slug import slugify

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = "new_platform"
PLACEHOLDERS = ("year", "month", "day", "slug", "source_id", "node")
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "rubrics", MappingProxyType(dict(self.rubrics)))
        object.__setattr__(self, "rename", MappingProxyType(dict(self.rename)))

    def path_for(self, record: Mapping[str, Any]) -> str:
        """The new path of a record (needs ``url``, ``source_id``, ``title``, ``published_at``).

        >>> NewPlatform().path_for({"url": "http://old.ru/news/2014/10/lazer-v-tomske", "source_id": "node/7",
        ...                         "title": "Лазер", "published_at": "2014-10-19T13:28:00+04:00"})
        '/2014/10/lazer-v-tomske/'
        """
        published = record.get("published_at") or ""
        node = _NODE.fullmatch(record.get("source_id") or "")
        values = {
            "year": published[0:4] or "0000", "month": published[5:7] or "00", "day": published[8:10] or "00",
            "slug": slug_for(record), "source_id": record.get("source_id") or "",
            "node": node.group(1) if node else (record.get("source_id") or "").replace("/", "-"),
        }
        return self.url_pattern.format(**values)

    def url_for(self, record: Mapping[str, Any]) -> str:
        """The new absolute URL (a path alone when no base URL is known)."""
        return self.base_url.rstrip("/") + self.path_for(record)

    def map_tags(self, tags: list[str]) -> list[str]:
        """Old terms through the rubric map, in order, without duplicates; unmapped terms pass through."""
        return list(dict.fromkeys(self.rubrics.get(tag, tag) for tag in tags))

    def with_base(self, base_url: str | None) -> NewPlatform:
        if not base_url:
            return self
        return NewPlatform(base_url.rstrip("/"), self.url_pattern, self.rubrics, self.rename)


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
        elif key == "rubrics":
            values[key] = _str_table(path, dotted, value)
        elif key == "rename":
            renames = _str_table(path, dotted, value)
            for name in renames:
                if name not in RENAMEABLE:
                    raise MappingError(path, f"{dotted}.{name}", "a record key (one of: " + ", ".join(RENAMEABLE) + ")")
            values[key] = renames
        else:
            raise MappingError(path, dotted, "one of base_url, url_pattern, rubrics, rename")
    return NewPlatform(**values)


def load_new_platform(path: str | None = None, base_url: str | None = None) -> NewPlatform:
    """The ``[new_platform]`` table of a mapping file (defaults when absent), then ``--new``."""
    platform = NewPlatform()
    if path:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MappingError(path, "(file)", "an existing mapping file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MappingError(path, "(file)", f"a readable UTF-8 file ({exc})") from None
        except tomllib.TOMLDecodeError as exc:
            raise MappingError(path, "(syntax)", f"valid TOML ({exc})") from None
        if TABLE in data:
            platform = parse(path, data[TABLE])
    if base_url is not None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise MappingError("<command line>", "--new", f"an absolute http(s) URL, got {base_url!r}")
    return platform.with_base(base_url)
