"""Site configuration: built-in defaults, platform profile, site mapping file, command-line flags.

Every layer is a TOML file of the same format (``mappings/drupal6.toml`` documents it with
comments). Each file is validated when it is read — unknown keys, wrong types, bad regexes,
unknown time zones and bad CSS selectors raise :class:`~migrator.errors.MappingError` naming the
file, the dotted key and what was expected — and the merged result is one frozen :class:`Config`.

Merging: scalars of a later layer replace earlier ones; lists are appended (a site adds deny
rules to its profile's); tables (``selectors``, ``urls.budgets``) are merged key by key.
"""
from __future__ import annotations

import dataclasses
import re
import sys
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from migrator.errors import MappingError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROFILES = ("auto", "drupal6", "drupal7", "wordpress", "joomla", "blogger", "generic")
#: Fields an extractor knows; ``[selectors]`` may override any of them with a CSS selector.
SELECTOR_FIELDS = (
    "title", "date", "author", "tags", "sources", "body", "comments", "comment_author",
    "comment_date", "comment_body", "images",
)
COMMAND_LINE = "<command line>"


# -- the validated result ----------------------------------------------------------------------

@dataclass(frozen=True)
class Config:
    """One site's configuration, merged from every layer and validated; never mutated."""

    name: str = "site"
    start_urls: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    timezone: str = "UTC"
    #: Whether a mapping or ``--timezone`` named the zone (else dates printed without an offset are read as UTC).
    zone_given: bool = False
    profile: str = "auto"
    # URL rules (matched against ``/path?query``)
    deny: tuple[str, ...] = ()
    budgets: Mapping[str, int] = field(default_factory=dict)
    strip_query: tuple[str, ...] = ()
    alias_rules: tuple[str, ...] = ()
    max_pages: int | None = None
    max_depth: int | None = None
    download_delay: float = 0.0
    concurrency: int = 8
    #: Sync revisit policy (off while both are None): articles published within this many days are asked
    #: every run; older ones only when last checked longer ago than ``revisit_expire_days`` (None: never),
    #: or when a sitemap's <lastmod> says they changed since.
    revisit_fresh_days: int | None = None
    revisit_expire_days: int | None = None
    #: Hosts besides the site's own that ``migrator media`` may download from (a CDN, an old static host).
    media_hosts: tuple[str, ...] = ()
    # extraction and cleaning
    selectors: Mapping[str, str] = field(default_factory=dict)
    drop_selectors: tuple[str, ...] = ()
    drop_patterns: tuple[str, ...] = ()
    drop_texts: tuple[str, ...] = ()
    #: Remove blocks learned automatically from the corpus (else only the rulebook's accepted rules).
    learn: bool = True
    #: The rulebook file (see :mod:`migrator.rulebook`); None: ``<mapping>.rules.toml`` or ``<db>.rules.toml``.
    rules: str | None = None
    #: URL regexes (over ``/path?query``) of pages no crawl-end heuristic may withdraw: undoes a withdrawal.
    keep: tuple[str, ...] = ()
    #: Content types to load (empty: all) and types never to load (``news``, ``forum``, ``load``, ``story``...).
    types: tuple[str, ...] = ()
    exclude_types: tuple[str, ...] = ()
    #: Selectors the site mapping itself sets: the generic extractor honours only these, as the
    #: profile's selectors describe the profile's markup.
    site_selectors: Mapping[str, str] = field(default_factory=dict)
    #: The site mapping file this config came from (None: a bare start URL).
    source: str | None = None
    #: Every file merged, in order (profile first).
    layers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "budgets", MappingProxyType(dict(self.budgets)))
        object.__setattr__(self, "selectors", MappingProxyType(dict(self.selectors)))
        object.__setattr__(self, "site_selectors", MappingProxyType(dict(self.site_selectors)))

    __hash__ = object.__hash__  # identity: compiled rules are cached per Config object

    def wants_type(self, kind: str) -> bool:
        """Whether records of this content type are loaded (``[crawl] types`` / ``exclude_types``).

        >>> Config(exclude_types=("forum",)).wants_type("forum"), Config(types=("news",)).wants_type("load")
        (False, False)
        """
        return kind not in self.exclude_types and (not self.types or kind in self.types)

    def alias_patterns(self) -> tuple[re.Pattern[str], ...]:
        """``[urls] alias_rules`` compiled: URL shapes that name a node id (``/node/8``, ``?q=node/8``)."""
        return tuple(re.compile(p) for p in self.alias_rules)

    def keeps(self, url: str) -> bool:
        """Whether ``[clean] keep`` protects this URL from every crawl-end withdrawal.

        >>> Config(keep=("^/news/",)).keeps("http://a.test/news/x/2010-11-04-1")
        True
        """
        path = urlsplit(url)
        target = (path.path or "/") + (f"?{path.query}" if path.query else "")
        return any(re.search(pattern, target) for pattern in self.keep)

    def with_overrides(self, **flags: Any) -> Config:
        """The command-line layer: a copy with the given non-None fields replaced (and validated).

        >>> Config(start_urls=("http://a.test/",)).with_overrides(timezone="Europe/Moscow", max_pages=None).timezone
        'Europe/Moscow'
        """
        changes = {k: v for k, v in flags.items() if v is not None}
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise MappingError(COMMAND_LINE, sorted(unknown)[0], "a Config field")
        if "timezone" in changes:
            _check_timezone(COMMAND_LINE, "--timezone", changes["timezone"])
            changes["zone_given"] = True
        if "max_pages" in changes:
            changes["max_pages"] = int(changes["max_pages"])
        return dataclasses.replace(self, **changes)


# -- the file format ----------------------------------------------------------------------------

def _is_str(v: Any) -> bool:
    return isinstance(v, str)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0


def _is_str_list(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


#: dotted key -> (check, what was expected, Config field)
SCHEMA: dict[str, tuple[Callable[[Any], bool], str, str]] = {
    "name": (_is_str, "a string", "name"),
    "profile": (lambda v: v in PROFILES, "one of " + ", ".join(map(repr, PROFILES)), "profile"),
    "start_urls": (_is_str_list, "a list of http(s) URLs", "start_urls"),
    "allowed_hosts": (_is_str_list, "a list of host names", "allowed_hosts"),
    "timezone": (_is_str, "an IANA time zone name such as 'Europe/Moscow'", "timezone"),
    "urls.deny": (_is_str_list, "a list of regular expressions", "deny"),
    "urls.strip_query": (_is_str_list, "a list of query parameter names (globs like 'utm_*')", "strip_query"),
    "urls.alias_rules": (_is_str_list, "a list of regular expressions with one group (the node id)",
                         "alias_rules"),
    "urls.budgets": (lambda v: isinstance(v, dict), "a table of regex = max pages", "budgets"),
    "crawl.max_pages": (_is_int, "a non-negative integer", "max_pages"),
    "crawl.max_depth": (_is_int, "a non-negative integer", "max_depth"),
    "crawl.download_delay": (_is_num, "a non-negative number of seconds", "download_delay"),
    "crawl.concurrency": (lambda v: _is_int(v) and v > 0, "a positive integer", "concurrency"),
    "crawl.revisit_fresh_days": (_is_int, "a non-negative number of days", "revisit_fresh_days"),
    "crawl.revisit_expire_days": (_is_int, "a non-negative number of days", "revisit_expire_days"),
    "selectors": (lambda v: isinstance(v, dict), "a table of field = CSS selector", "selectors"),
    "clean.drop_selectors": (_is_str_list, "a list of CSS selectors", "drop_selectors"),
    "clean.drop_patterns": (_is_str_list, "a list of regular expressions", "drop_patterns"),
    "clean.drop_texts": (_is_str_list, "a list of strings", "drop_texts"),
    "clean.learn": (lambda v: isinstance(v, bool), "true or false", "learn"),
    "clean.rules": (_is_str, "a rules file path (relative to the mapping)", "rules"),
    "media.hosts": (_is_str_list, "a list of host names", "media_hosts"),
    "clean.keep": (_is_str_list, "a list of regular expressions over /path?query", "keep"),
    "crawl.types": (_is_str_list, "a list of content types to load, e.g. ['news', 'publ']", "types"),
    "crawl.exclude_types": (_is_str_list, "a list of content types never to load, e.g. ['forum']", "exclude_types"),
}
_TABLES = {"urls", "crawl", "clean", "media"}
#: Tables of the same file that other modules validate: the new platform's field and URL mapping
#: (migrator.cutover.newplatform) and how records are loaded into it (migrator.cutover.load).
_OTHER_TABLES = {"new_platform", "load"}
_REGEX_LISTS = {"urls.deny", "urls.alias_rules", "clean.drop_patterns", "clean.keep"}


def _flatten(path: str, data: dict[str, Any]) -> dict[str, Any]:
    """``{"urls": {"deny": [...]}}`` -> ``{"urls.deny": [...]}``, rejecting unknown keys."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key in _OTHER_TABLES:  # read by its own module
            continue
        if key in _TABLES:
            if not isinstance(value, dict):
                raise MappingError(path, key, "a table ([" + key + "])")
            for sub, item in value.items():
                flat[f"{key}.{sub}"] = item
        else:
            flat[key] = value
    for key in flat:
        if key not in SCHEMA:
            known = ", ".join(sorted(SCHEMA))
            raise MappingError(path, key, f"a known key (one of: {known})")
    return flat


def _check_timezone(path: str, key: str, value: str) -> None:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise MappingError(path, key, f"an IANA time zone name such as 'Europe/Moscow', got {value!r}") from None


def _check_regex(path: str, key: str, value: str) -> None:
    try:
        re.compile(value)
    except re.error as exc:
        raise MappingError(path, key, f"a valid regular expression, got {value!r} ({exc})") from None


def _check_css(path: str, key: str, value: str) -> None:
    from cssselect import SelectorError
    from lxml.cssselect import CSSSelector

    try:
        CSSSelector(value)
    except (SelectorError, ValueError) as exc:
        raise MappingError(path, key, f"a valid CSS selector, got {value!r} ({exc})") from None


def _check_url(path: str, key: str, value: str) -> None:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MappingError(path, key, f"an absolute http(s) URL, got {value!r}")


def validate(path: str, data: dict[str, Any]) -> dict[str, Any]:
    """One file's TOML, checked key by key; returns ``{Config field: value}``."""
    values: dict[str, Any] = {}
    for key, value in _flatten(path, data).items():
        check, expected, name = SCHEMA[key]
        if not check(value):
            raise MappingError(path, key, f"{expected}, got {value!r}")
        if key == "timezone":
            _check_timezone(path, key, value)
        elif key in _REGEX_LISTS:
            for i, item in enumerate(value):
                _check_regex(path, f"{key}[{i}]", item)
        elif key == "start_urls":
            for i, item in enumerate(value):
                _check_url(path, f"{key}[{i}]", item)
        elif key == "urls.budgets":
            for pattern, limit in value.items():
                _check_regex(path, f"{key}.{pattern!r}", pattern)
                if not _is_int(limit):
                    raise MappingError(path, f"{key}.{pattern!r}", f"a non-negative integer, got {limit!r}")
        elif key == "selectors":
            for fname, selector in value.items():
                if fname not in SELECTOR_FIELDS:
                    raise MappingError(path, f"selectors.{fname}", "one of " + ", ".join(SELECTOR_FIELDS))
                if not isinstance(selector, str):
                    raise MappingError(path, f"selectors.{fname}", f"a CSS selector string, got {selector!r}")
                _check_css(path, f"selectors.{fname}", selector)
        elif key == "clean.drop_selectors":
            for i, item in enumerate(value):
                _check_css(path, f"{key}[{i}]", item)
        values[name] = value
    return values


def read_toml(path: str, text: str | None = None) -> dict[str, Any]:
    """One mapping file's TOML, unvalidated (``text`` given: its content, for packaged files); a missing,
    unreadable or malformed file raises :class:`MappingError` naming it. The other readers of a mapping's tables
    ([new_platform], [load]) read the file through this too."""
    try:
        if text is None:
            text = Path(path).read_text(encoding="utf-8")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise MappingError(path, "(file)", "an existing mapping file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MappingError(path, "(file)", f"a readable UTF-8 file ({exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(path, "(syntax)", f"valid TOML ({exc})") from None


def read_layer(path: str, text: str | None = None) -> dict[str, Any]:
    """Read and validate one TOML file (``text`` given: its content, for packaged files)."""
    return validate(path, read_toml(path, text))


def profile_layer(profile: str) -> tuple[str, dict[str, Any]]:
    """The built-in platform profile ``mappings/<profile>.toml``, shipped inside the package."""
    resource = files("mappings") / f"{profile}.toml"
    name = f"mappings/{profile}.toml"
    return name, read_layer(name, resource.read_text(encoding="utf-8"))


def merge(base: dict[str, Any], layer: dict[str, Any]) -> dict[str, Any]:
    """A later layer over an earlier one: scalars replace, lists append (deduplicated), tables merge."""
    out = dict(base)
    for key, value in layer.items():
        old = out.get(key)
        if isinstance(value, list) and isinstance(old, (list, tuple)):
            out[key] = list(dict.fromkeys([*old, *value]))
        elif isinstance(value, dict) and isinstance(old, Mapping):
            out[key] = {**old, **value}
        else:
            out[key] = value
    return out


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def load_config(mapping_path: str | None = None, *, start_url: str | None = None,
                timezone: str | None = None, profile: str | None = None) -> Config:
    """Defaults, then the platform profile, then the site mapping, then these command-line flags.

    The profile is the site file's ``profile`` (or the ``profile`` flag); ``auto`` and
    ``drupal6`` load ``mappings/drupal6.toml``, whose URL and cleaning rules are harmless
    elsewhere, and the page's markup decides which extractor runs.
    """
    site: dict[str, Any] = read_layer(mapping_path) if mapping_path else {}
    if profile is not None and profile not in PROFILES:
        raise MappingError(COMMAND_LINE, "--profile", "one of " + ", ".join(PROFILES))
    chosen = profile or site.get("profile", "auto")
    values: dict[str, Any] = {}
    layers: list[str] = []
    if chosen in ("auto", "drupal6"):
        name, layer = profile_layer("drupal6")
        values = merge(values, layer)
        layers.append(name)
    values = merge(values, site)
    if mapping_path:
        layers.append(mapping_path)
    values["profile"] = chosen
    if start_url is not None:
        _check_url(COMMAND_LINE, "TARGET", start_url)
        values["start_urls"] = [start_url]
    if timezone is not None:
        _check_timezone(COMMAND_LINE, "--timezone", timezone)
        values["timezone"] = timezone
    values["zone_given"] = "timezone" in values
    starts = values.get("start_urls", [])
    values["allowed_hosts"] = list(dict.fromkeys([*values.get("allowed_hosts", []), *map(_host, starts)]))
    for key, value in values.items():
        if isinstance(value, list):
            values[key] = tuple(value)
    return Config(**values, site_selectors=site.get("selectors", {}), source=mapping_path, layers=tuple(layers))
