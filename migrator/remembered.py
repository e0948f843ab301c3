"""What a database remembers about its site, and how every later command defaults to it.

The first crawl into a file records its target (start URL, or the mapping naming several), the host it is about,
the mapping file (its absolute path and the SHA-256 of its text), the time zone the dates were read in and the
crawl flags given (``site`` table, :class:`migrator.store.Site`). Later commands take from it what their own
flags do not say: ``sync --db site.db`` re-crawls the remembered target with the remembered mapping and zone,
``reclean``, ``learn`` and ``media`` read the pages with them, ``export``, ``redirects`` and ``diff`` take the
remembered mapping's ``[new_platform]`` table. Limits (``--max-pages``, ``--max-errors``) are recorded but each
run sets its own.

A crawl or sync of another host (scheme-less ``host:port``) into the file is refused (exit 2) unless forced;
the file keeps the first site as what it is about. A mapping whose text changed since it was recorded is read
as it is now, and the command says so in one line; a crawl or sync with another ``--mapping`` makes the file
remember that one from then on.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from migrator.errors import MigratorError
from migrator.mapping import Config


class OtherSiteError(MigratorError):
    """A crawl or sync names another site than the one the database is about."""

    exit_code = 2


def host_of(url: str) -> str:
    """The site a start URL names: its lower-cased ``host[:port]``.

    >>> host_of("http://Old.Example.ru:8080/node/1")
    'old.example.ru:8080'
    """
    return (urlsplit(url).netloc or "").lower()


def mapping_sha256(path: str | None) -> str | None:
    """SHA-256 of a mapping file's bytes (None without a mapping or when the file is gone)."""
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def site_of(config: Config, flags: dict[str, Any]) -> dict[str, Any]:
    """The ``site`` row a crawl of ``config`` records: ``flags`` are the command-line flags it was given."""
    mapping = str(Path(config.source).resolve()) if config.source else None
    single = len(config.start_urls) == 1 or not mapping
    return {"target": config.start_urls[0] if single else mapping, "host": host_of(config.start_urls[0]),
            "mapping": mapping, "mapping_sha256": mapping_sha256(mapping), "timezone": config.timezone,
            "options": {k: v for k, v in flags.items() if v is not None}}


@dataclass
class Defaults:
    """A command's target, mapping and zone flag once the remembered site filled in what it left out, and the
    one-line notes to print about it."""

    target: str | None
    mapping: str | None
    timezone: str | None
    notes: list[str] = field(default_factory=list)


def defaults(site: dict[str, Any] | None, target: str | None = None, mapping: str | None = None,
             timezone: str | None = None, *, writing: bool = False) -> Defaults:
    """Fill ``target``, ``mapping`` and ``timezone`` from the remembered ``site`` where they are None.

    The zone is taken only when the first crawl was given it as a flag (a mapping's own zone comes back with
    the mapping). ``writing``: a crawl or sync, after which the file remembers an explicitly given mapping.
    """
    if site is None:
        return Defaults(target, mapping, timezone)
    chosen = Defaults(target if target is not None else site["target"], mapping, timezone)
    if chosen.timezone is None:
        chosen.timezone = site["options"].get("timezone")
    known = site.get("mapping")
    if mapping is None and known:
        if not Path(known).is_file():
            raise OtherSiteError(f"{known}: the mapping this database was crawled with is gone; "
                                 "give --mapping FILE")
        chosen.mapping = known
        if site.get("mapping_sha256") and mapping_sha256(known) != site["mapping_sha256"]:
            chosen.notes.append(f"note: {known} changed since this database recorded it; "
                                "reading the site with it as it is now")
    elif mapping is not None and known and writing and str(Path(mapping).resolve()) != known:
        chosen.notes.append(f"note: this database remembers mapping {mapping} from now on (it was {known})")
    return chosen


def check_host(site: dict[str, Any] | None, config: Config, db: str, force: bool) -> None:
    """Refuse (exit 2) a crawl of another site into a database about one, unless ``force``."""
    if site is None or force or not site.get("host"):
        return
    hosts = {host_of(url) for url in config.start_urls}
    if hosts != {site["host"]}:
        raise OtherSiteError(f"{db} holds {site['host']} (first crawled by run {site['first_run']}), not "
                             f"{', '.join(sorted(hosts))}: give another --db, or --force to add that site to it")
