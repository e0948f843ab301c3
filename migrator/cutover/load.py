"""``migrator load``: every live record into a running WordPress over its REST API, idempotent and resumable.

For each record, in URL order: its images and attached files are fetched from the old site and uploaded once
(``/wp/v2/media``), and the body's ``src`` and ``href`` are rewritten to the uploaded files; its author becomes a
WordPress user (``[load.authors]``, else ``default_author``, else a user created for that name); its terms become
categories and tags (created once, then reused); then the post is created or updated, then its comments.

The ``loaded`` table remembers, per target, what each record, comment, file, term and user became there and
the hash of what was sent: a record whose post would be sent as it was last time costs no request at all, an
edited one is updated in place (``POST /posts/ID``), a record gone from the old site (``migrator sync``) has
its post moved to draft (or to the trash, as the mapping says). Each write is recorded as soon as WordPress
answers it; before creating anything the loader looks for what a run killed between a write and its record
may have left (a post or file by its slug, a comment by its date and author, a term or user by its name), so a
killed run resumes into the same content as an uninterrupted one. A record that WordPress refuses is recorded
with the reason and the load goes on; a wrong password, a site without the REST API or a missing permission
stop it (see :mod:`migrator.cutover.wordpress`).
"""
from __future__ import annotations

import hashlib
import html
import json
import logging
import mimetypes
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Mapping
from urllib.parse import unquote, urljoin, urlsplit

import urllib3
from lxml import html as lxml_html

from migrator import http
from migrator.clean.sanitize import sanitize
from migrator.cutover.media import Fetcher, MediaRefused, site_hosts
from migrator.cutover.newplatform import slug_for
from migrator.cutover.wordpress import RequestFailed, WordPressClient
from migrator.errors import MappingError, MigratorError
from migrator.mapping import read_toml
from migrator.slug import slugify

if TYPE_CHECKING:
    from migrator.store import Store

log = logging.getLogger(__name__)
TABLE = "load"
GONE = ("draft", "trash")
CATEGORIES = ("first", "all", "none")
#: Largest image or attachment carried over (bytes).
MAX_MEDIA_BYTES = 64 * 1024 * 1024
#: Statuses a post of ours may have on the site (a trashed post's slug is renamed: it is never looked up).
LOOKUP_STATUSES = "publish,draft,pending,private,future"


class MediaFailed(MigratorError):
    """An image or attachment could not be fetched from the old site."""


# -- the [load] table ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LoadMapping:
    """How records become WordPress content; read from a mapping's ``[load]`` table, never mutated."""

    #: old author name -> WordPress login
    authors: Mapping[str, str] = field(default_factory=dict)
    #: login for records without an author, and for every unmapped author when ``create_authors`` is false
    default_author: str = ""
    create_authors: bool = True
    #: what a post whose record is gone from the old site becomes: "draft" or "trash"
    gone: str = "draft"
    #: which of a record's terms become categories: the first one (the rest are tags), all, or none
    categories: str = "first"
    #: the comment author name of guests' comments
    anonymous: str = "Anonymous"

    def __post_init__(self) -> None:
        object.__setattr__(self, "authors", MappingProxyType(dict(self.authors)))


def parse_load(path: str, table: Any) -> LoadMapping:
    """Validate one ``[load]`` table (bad keys raise :class:`MappingError` with the file and the dotted key)."""
    if not isinstance(table, dict):
        raise MappingError(path, TABLE, "a table ([load])")
    values: dict[str, Any] = {}
    for key, value in table.items():
        dotted = f"{TABLE}.{key}"
        if key == "authors":
            if not isinstance(value, dict):
                raise MappingError(path, dotted, f"a table of old name = WordPress login, got {value!r}")
            for name, login in value.items():
                if not isinstance(login, str) or not login.strip():
                    raise MappingError(path, f"{dotted}.{name}", f"a WordPress login, got {login!r}")
            values[key] = dict(value)
        elif key in ("default_author", "anonymous"):
            if not isinstance(value, str) or not value.strip():
                raise MappingError(path, dotted, f"a non-empty string, got {value!r}")
            values[key] = value
        elif key == "create_authors":
            if not isinstance(value, bool):
                raise MappingError(path, dotted, f"true or false, got {value!r}")
            values[key] = value
        elif key in ("gone", "categories"):
            allowed = GONE if key == "gone" else CATEGORIES
            if value not in allowed:
                raise MappingError(path, dotted, "one of " + ", ".join(f'"{a}"' for a in allowed) + f", got {value!r}")
            values[key] = value
        else:
            raise MappingError(path, dotted, "one of authors, default_author, create_authors, gone, categories, anonymous")
    if values.get("create_authors") is False and not values.get("default_author"):
        raise MappingError(path, f"{TABLE}.default_author", "a login (create_authors = false needs a default author)")
    return LoadMapping(**values)


def load_mapping(path: str | None) -> LoadMapping:
    """The ``[load]`` table of a mapping file (defaults when absent or no file)."""
    if not path:
        return LoadMapping()
    data = read_toml(path)
    return parse_load(path, data[TABLE]) if TABLE in data else LoadMapping()


# -- what is sent ---------------------------------------------------------------------------------

def digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def wp_dates(value: str | None) -> dict[str, str]:
    """``date`` (with its offset: WordPress turns it into the site's own time) and ``date_gmt`` of a record date.

    >>> wp_dates("2014-10-19T13:28:00+04:00")
    {'date': '2014-10-19T13:28:00+04:00', 'date_gmt': '2014-10-19T09:28:00'}
    >>> wp_dates("2007-01-10"), wp_dates(None)
    ({'date': '2007-01-10T00:00:00', 'date_gmt': '2007-01-10T00:00:00'}, {})
    """
    if not value:
        return {}
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return {}
    if moment.tzinfo is None:  # a date alone, or a time with no zone: the site's own wall time
        plain = moment.strftime("%Y-%m-%dT%H:%M:%S")
        return {"date": plain, "date_gmt": plain}
    utc = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return {"date": moment.isoformat(), "date_gmt": utc}


def rewrite_media(body_html: str, base_url: str, uploaded: Mapping[str, str]) -> str:
    """The body with every ``img src`` and ``a href`` naming an uploaded file pointing at its new URL, sanitized.

    >>> rewrite_media('<p><img src="/f/a.jpg" alt="x"> <a href="http://old.ru/f/b.pdf">b</a></p>', "http://old.ru/n/1",
    ...               {"http://old.ru/f/a.jpg": "http://wp/up/a.jpg", "http://old.ru/f/b.pdf": "http://wp/up/b.pdf"})
    '<p><img src="http://wp/up/a.jpg" alt="x"> <a href="http://wp/up/b.pdf">b</a></p>'
    """
    if not body_html.strip():
        return ""
    if uploaded:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
        for element, attribute in [(e, "src") for e in root.iter("img")] + [(e, "href") for e in root.iter("a")]:
            value = element.get(attribute)
            new = uploaded.get(urljoin(base_url, value)) if value else None
            if new:
                element.set(attribute, new)
        body_html = (root.text or "") + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return sanitize(body_html)


def unique_slugs(store: Store) -> dict[str, str]:
    """Each live record's post slug: :func:`slug_for`, and where several records share one, all but the first
    by source id get a short hash of their source id after it (WordPress would add ``-2`` by arrival order,
    which a rerun could not find again)."""
    by_slug: dict[str, list[str]] = {}
    for _, source_id, kind in store.old_urls():
        if kind == "canonical":
            head = store.article_head(source_id)
            if head is not None:
                by_slug.setdefault(slug_for({"url": head.url, "title": head.title, "source_id": source_id}),
                                   []).append(source_id)
    slugs = {}
    for slug, owners in by_slug.items():
        first, *others = sorted(owners)
        slugs[first] = slug
        for source_id in others:
            slugs[source_id] = f"{slug[:52]}-{hashlib.sha1(source_id.encode()).hexdigest()[:6]}"
    return slugs


def _filename(url: str) -> str:
    name = unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]) or "file"
    return name[:120]


def media_slug(url: str) -> str:
    """The slug a file of ours gets in WordPress: a hash of its old URL, so a rerun finds it again."""
    return "migrated-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


# -- the run ----------------------------------------------------------------------------------------

@dataclass
class LoadSummary:
    """What one load did: counts by kind and outcome (created, updated, skipped, failed, drafted, trashed),
    the requests it sent by method, its failures, time; ``dry_run``: nothing was written."""

    target: str = ""
    dry_run: bool = False
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    requests: Counter[str] = field(default_factory=Counter)
    writes: int = 0
    records: int = 0
    seconds: float = 0.0
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    planned: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, kind: str, outcome: str) -> None:
        self.counts.setdefault(kind, Counter())[outcome] += 1

    @property
    def ok(self) -> bool:
        return not self.failures

    def as_dict(self) -> dict[str, Any]:
        return {"target": self.target, "dry_run": self.dry_run, "records": self.records,
                "counts": {k: dict(v) for k, v in self.counts.items()}, "requests": dict(self.requests),
                "writes": self.writes, "seconds": round(self.seconds, 2),
                "failures": [{"kind": k, "source_id": s, "error": e} for k, s, e in self.failures]}


class Loader:
    """One load of a store into one WordPress (see the module's docstring)."""

    def __init__(self, store: Store, client: WordPressClient, mapping: LoadMapping | None = None, *,
                 dry_run: bool = False, fetcher: Fetcher | None = None,
                 progress: Callable[[LoadSummary, int], None] | None = None, progress_every: float = 5.0) -> None:
        self.store, self.client, self.mapping, self.dry_run = store, client, mapping or LoadMapping(), dry_run
        self.fetcher = fetcher or Fetcher(site_hosts(store), max_bytes=MAX_MEDIA_BYTES)
        self.summary = LoadSummary(target=client.base, dry_run=dry_run)
        self.progress, self.progress_every = progress, progress_every
        self.target = client.base
        self.users: dict[str, int] = {}
        self.terms: dict[str, dict[str, int]] = {"categories": {}, "tags": {}}
        self.me: dict[str, Any] = {}
        self.done: dict[str, dict[str, dict[str, Any]]] = {}
        self.slugs: dict[str, str] = {}
        #: posts this run created (nothing of an earlier run can be on them)
        self.created: set[int] = set()
        #: source id -> the positions of its comments in the ledger
        self.comment_keys: dict[str, set[int]] = {}

    # -- set up ----------------------------------------------------------------------------

    def _prepare(self) -> None:
        self.me = self.client.connect()
        for user in self.client.every("/wp/v2/users", {"context": "edit"}):
            self.users[str(user.get("username") or user.get("slug")).lower()] = int(user["id"])
        for taxonomy in self.terms:
            for term in self.client.every(f"/wp/v2/{taxonomy}", {"hide_empty": "false", "context": "edit"}):
                self.terms[taxonomy][_term_key(term.get("name", ""))] = int(term["id"])
        self.done = {kind: self.store.loaded_rows(self.target, kind) for kind in ("post", "comment", "media", "user")}
        self.slugs = unique_slugs(self.store)
        for key in self.done["comment"]:
            owner, _, position = key.rpartition("#")
            if position.isdigit():
                self.comment_keys.setdefault(owner, set()).add(int(position))

    def run(self) -> LoadSummary:
        started = time.monotonic()
        self._prepare()
        total = self.store.article_count()
        last = time.monotonic()
        for record in self.store.records():
            self.summary.records += 1
            self._load_one(record)
            if self.progress and time.monotonic() - last >= self.progress_every:
                last = time.monotonic()
                self._finish_counts(started)
                self.progress(self.summary, total)
        self._withdraw_gone()
        self._finish_counts(started)
        return self.summary

    def _finish_counts(self, started: float) -> None:
        self.summary.requests = Counter(self.client.counts)
        self.summary.writes = self.client.writes
        self.summary.seconds = time.monotonic() - started

    def _plan(self, kind: str, what: str, key: str) -> None:
        """A dry run's line: what would be created or updated."""
        self.summary.planned.append((what, kind, key))

    # -- one record ----------------------------------------------------------------------------

    def _load_one(self, record: dict[str, Any]) -> None:
        source_id = record["source_id"]
        try:
            post_id = self._post(record)
            if post_id:
                self._comments(record, post_id, fresh=post_id in self.created)
        except (RequestFailed, MediaFailed) as exc:
            self.summary.add("post", "failed")
            self.summary.failures.append(("post", source_id, str(exc)))
            log.warning("load: %s: %s", record["url"], exc)
            if not self.dry_run:
                self.store.record_load_failure(self.target, "post", source_id, str(exc))

    def _post(self, record: dict[str, Any]) -> int | None:
        source_id = record["source_id"]
        uploaded = {url: self._media(url, kind) for url, kind in self._files(record)}
        payload = {
            "title": record["title"], "content": rewrite_media(record["body_html"] or "", record["url"], uploaded),
            "status": "publish", "slug": self.slugs.get(source_id) or slug_for(record), "author": self._author(record.get("author")),
            **wp_dates(record.get("published_at")), **self._term_ids(record.get("tags") or []),
            "comment_status": "open", "ping_status": "closed", "format": "standard",
        }
        content = digest(payload)
        row = self.done["post"].get(source_id)
        if row and row["remote_id"] and row["content_hash"] == content and row["status"] == "publish":
            self.summary.add("post", "skipped")
            return int(row["remote_id"])
        if self.dry_run:
            what = "update" if row and row["remote_id"] else "create"
            self._plan("post", what, record["url"])
            self.summary.add("post", f"would {what}")
            return int(row["remote_id"]) if row and row["remote_id"] else None
        post, outcome = None, "updated"
        if row and row["remote_id"]:
            try:
                post = self.client.post(f"/wp/v2/posts/{row['remote_id']}", payload)
                outcome = "updated"
            except RequestFailed as exc:
                if exc.status != 404:  # deleted on the site since: created again below
                    raise
        if post is None:
            found = self._find("/wp/v2/posts", payload["slug"], LOOKUP_STATUSES)
            if found and found in {int(r["remote_id"]) for r in self.done["post"].values() if r["remote_id"]}:
                found = None  # another record's post: this record has none yet
            if found:
                post, outcome = self.client.post(f"/wp/v2/posts/{found}", payload), "updated"
            else:
                post, outcome = self.client.post("/wp/v2/posts", payload, create=True), "created"
        self.store.record_loaded(self.target, "post", source_id, int(post["id"]), content, post.get("link"), "publish")
        self.done["post"][source_id] = {"remote_id": post["id"], "content_hash": content, "link": post.get("link"),
                                        "status": "publish", "error": None}
        self.summary.add("post", outcome)
        if outcome == "created":
            self.created.add(int(post["id"]))
        return int(post["id"])

    def _find(self, route: str, slug: str, status: str) -> int | None:
        """The id of an item of ours with this slug (one a killed run created and never recorded)."""
        found = self.client.get(route, {"slug": slug, "status": status, "context": "edit"})
        return int(found[0]["id"]) if isinstance(found, list) and found else None

    # -- media -----------------------------------------------------------------------------------

    def _files(self, record: dict[str, Any]) -> list[tuple[str, str]]:
        files = {url: "image" for url in record.get("images") or []}
        for url in self.store.attachments_of(record["source_id"]):
            files.setdefault(url, "attachment")
        return list(files.items())

    def _media(self, url: str, kind: str) -> str:
        """The uploaded URL of an old file: recorded, found by its slug, or fetched and uploaded now."""
        row = self.done["media"].get(url)
        if row and row["remote_id"] and row["link"]:
            return str(row["link"])
        if self.dry_run:
            self._plan(kind, "upload", url)
            self.summary.add("media", "would upload")
            return url
        slug = media_slug(url)
        found = self.client.get("/wp/v2/media", {"slug": slug, "context": "edit"})
        if isinstance(found, list) and found:
            item, outcome = found[0], "found"
        else:
            data, content_type = self._fetch(url)
            item = self.client.upload(_filename(url), content_type, data, {"slug": slug, "title": _filename(url)})
            outcome = "uploaded"
        link = str(item.get("source_url") or "")
        self.store.record_loaded(self.target, "media", url, int(item["id"]), None, link, kind)
        self.done["media"][url] = {"remote_id": item["id"], "content_hash": None, "link": link, "status": kind,
                                   "error": None}
        self.summary.add("media", outcome)
        return link

    def _fetch(self, url: str) -> tuple[bytes, str]:
        try:
            response = self.fetcher.open(url)
        except (MediaRefused, urllib3.exceptions.HTTPError, OSError) as exc:
            raise MediaFailed(f"{url}: {exc}") from exc
        try:
            if response.status != 200:
                raise MediaFailed(f"{url}: HTTP {response.status}")
            data = http.read_capped(response, MAX_MEDIA_BYTES)
        except urllib3.exceptions.HTTPError as exc:
            raise MediaFailed(f"{url}: {exc}") from exc
        finally:
            response.release_conn()
        if data is None:
            raise MediaFailed(f"{url}: larger than {MAX_MEDIA_BYTES} bytes")
        content_type = (response.headers.get("Content-Type") or "").split(";")[0].strip()
        if not content_type or content_type in ("application/octet-stream", "text/plain"):
            content_type = mimetypes.guess_type(_filename(url))[0] or content_type or "application/octet-stream"
        return data, content_type

    # -- authors and terms -------------------------------------------------------------------------

    def _author(self, name: str | None) -> int:
        """The WordPress user id of an old author (see the ``[load]`` keys)."""
        mapping = self.mapping
        login = mapping.authors.get(name) if name else None
        if not login and (not name or not mapping.create_authors):
            login = mapping.default_author or None
        if login:
            if login.lower() not in self.users:
                raise RequestFailed(f"no WordPress user {login!r} (named by the mapping's [load])")
            return self.users[login.lower()]
        if not name:
            return int(self.me.get("id") or 0)
        return self._user_for(name)

    def _user_for(self, name: str) -> int:
        """A user created for an old author's name (recorded, found by login, or created now)."""
        login = (slugify(name, limit=50) or hashlib.sha1(name.encode()).hexdigest()[:12]).replace("-", "_")
        row = self.done["user"].get(name)
        if row and row["remote_id"]:
            return int(row["remote_id"])
        if login in self.users:
            user_id = self.users[login]
        elif self.dry_run:
            self._plan("user", "create", name)
            return 0
        else:
            try:
                user = self.client.post("/wp/v2/users", {"username": login, "name": name, "nickname": name,
                                                         "email": f"{login}@example.invalid", "roles": ["author"],
                                                         "password": secrets.token_urlsafe(24)}, create=True)
            except RequestFailed as exc:
                if exc.code != "existing_user_login":
                    raise
                users = self.client.get("/wp/v2/users", {"search": login, "context": "edit"})
                user = next(u for u in users if str(u.get("username")).lower() == login)
            user_id = int(user["id"])
            self.users[login] = user_id
            self.summary.add("user", "created")
        if not self.dry_run:
            self.store.record_loaded(self.target, "user", name, user_id, None, None, "author")
            self.done["user"][name] = {"remote_id": user_id, "content_hash": None, "link": None, "status": "author",
                                       "error": None}
        return user_id

    def _term_ids(self, tags: list[str]) -> dict[str, list[int]]:
        """``categories`` and ``tags`` ids of a record's terms (as ``[load] categories`` splits them)."""
        terms = list(dict.fromkeys(t for t in tags if t.strip()))
        split = {"first": 1, "all": len(terms), "none": 0}[self.mapping.categories]
        ids = {"categories": [self._term("categories", t) for t in terms[:split]],
               "tags": [self._term("tags", t) for t in terms[split:]]}
        return {k: v for k, v in ids.items() if v}

    def _term(self, taxonomy: str, name: str) -> int:
        key = _term_key(name)
        known = self.terms[taxonomy].get(key)
        if known:
            return known
        if self.dry_run:
            self._plan(taxonomy, "create", name)
            return 0
        try:
            term = self.client.post(f"/wp/v2/{taxonomy}", {"name": name}, create=True)
            term_id = int(term["id"])
            self.summary.add("term", "created")
        except RequestFailed as exc:
            if exc.code != "term_exists":
                raise
            found = self.client.get(f"/wp/v2/{taxonomy}", {"search": name, "hide_empty": "false"})
            term_id = next(int(t["id"]) for t in found if _term_key(t.get("name", "")) == key)
        self.terms[taxonomy][key] = term_id
        return term_id

    # -- comments ----------------------------------------------------------------------------------

    def _comments(self, record: dict[str, Any], post_id: int, fresh: bool = False) -> None:
        """The record's comments on its post (``fresh``: created by this run, so no comment is there yet)."""
        source_id = record["source_id"]
        prefix = f"{source_id}#"
        existing: list[dict[str, Any]] | None = [] if fresh else None
        for position, comment in enumerate(record.get("comments") or []):
            key = f"{prefix}{position}"
            name = (comment.get("author") or "").strip() or self.mapping.anonymous
            payload = {"post": post_id, "author_name": name, "author_email": _email(name),
                       "content": comment.get("body_text") or "", "status": "approved",
                       **wp_dates(comment.get("published_at"))}
            content = digest(payload)
            row = self.done["comment"].get(key)
            if row and (row["remote_id"] or row["status"] == "duplicate") and row["content_hash"] == content:
                self.summary.add("comment", "skipped")
                continue
            if self.dry_run:
                self._plan("comment", "update" if row and row["remote_id"] else "create", key)
                continue
            if row and row["remote_id"]:
                made, outcome = self.client.post(f"/wp/v2/comments/{row['remote_id']}", payload), "updated"
            else:
                if existing is None:
                    existing = list(self.client.every("/wp/v2/comments", {"post": post_id, "context": "edit",
                                                                          "status": "any"}))
                owned = {int(self.done["comment"][f"{prefix}{p}"]["remote_id"] or 0)
                         for p in self.comment_keys.get(source_id, ())}
                match = _same_comment(existing, payload, owned)
                if match:
                    made, outcome = self.client.post(f"/wp/v2/comments/{match}", payload), "updated"
                else:
                    try:
                        made, outcome = self.client.post("/wp/v2/comments", payload, create=True), "created"
                    except RequestFailed as exc:
                        if exc.code != "comment_duplicate":
                            raise
                        self._duplicate(source_id, key, position, content)
                        continue
            self.store.record_loaded(self.target, "comment", key, int(made["id"]), content, made.get("link"), "approved")
            self.comment_keys.setdefault(source_id, set()).add(position)
            self.done["comment"][key] = {"remote_id": made["id"], "content_hash": content, "link": made.get("link"),
                                         "status": "approved", "error": None}
            self.summary.add("comment", outcome)
        self._drop_extra_comments(source_id, len(record.get("comments") or []))

    def _duplicate(self, source_id: str, key: str, position: int, content: str) -> None:
        """A comment WordPress refuses as a duplicate (the same author said the same thing on the post before,
        which WordPress never allows): recorded as such, not sent again while it stays the same."""
        log.info("load: comment %s repeats an earlier one word for word: WordPress keeps one", key)
        self.store.record_loaded(self.target, "comment", key, None, content, None, "duplicate")
        self.done["comment"][key] = {"remote_id": None, "content_hash": content, "link": None, "status": "duplicate",
                                     "error": None}
        self.comment_keys.setdefault(source_id, set()).add(position)
        self.summary.add("comment", "duplicate")

    def _drop_extra_comments(self, source_id: str, count: int) -> None:
        """Comments loaded earlier beyond the record's count now (removed on the old site) go to the trash."""
        for position in sorted(p for p in self.comment_keys.get(source_id, ()) if p >= count):
            key = f"{source_id}#{position}"
            row = self.done["comment"][key]
            if self.dry_run:
                self._plan("comment", "trash", key)
                continue
            if not row["remote_id"]:  # a duplicate WordPress never took
                self.store.forget_loaded(self.target, "comment", key)
                del self.done["comment"][key]
                self.comment_keys[source_id].discard(position)
                continue
            try:
                self.client.request("DELETE", f"/wp/v2/comments/{row['remote_id']}")
            except RequestFailed as exc:
                if exc.status not in (404, 410):
                    raise
            self.store.forget_loaded(self.target, "comment", key)
            del self.done["comment"][key]
            self.comment_keys[source_id].discard(position)
            self.summary.add("comment", "trashed")

    # -- gone records ------------------------------------------------------------------------------

    def _withdraw_gone(self) -> None:
        """Posts whose record is gone from the old site become drafts (or go to the trash)."""
        wanted = self.mapping.gone
        for source_id, remote_id, status in self.store.loaded_gone(self.target):
            if status == wanted:
                continue
            if self.dry_run:
                self._plan("post", wanted, source_id)
                continue
            try:
                if wanted == "trash":
                    self.client.request("DELETE", f"/wp/v2/posts/{remote_id}")
                else:
                    self.client.post(f"/wp/v2/posts/{remote_id}", {"status": "draft"})
            except RequestFailed as exc:
                if exc.status not in (404, 410):
                    self.summary.failures.append(("post", source_id, str(exc)))
                    self.store.record_load_failure(self.target, "post", source_id, str(exc))
                    continue
            row = self.done["post"].get(source_id) or {}
            self.store.record_loaded(self.target, "post", source_id, remote_id, row.get("content_hash"),
                                     row.get("link"), wanted)
            self.summary.add("post", "drafted" if wanted == "draft" else "trashed")


def _term_key(name: str) -> str:
    """Terms compare as WordPress compares their names (case and surrounding spaces aside); HTML entities
    WordPress writes into names (``&amp;``) are read back."""
    return html.unescape(name).strip().casefold()


def _email(name: str) -> str:
    """A placeholder address (WordPress requires one by default), under the reserved ``.invalid`` domain."""
    return (slugify(name, limit=40) or "guest") + "@example.invalid"


def _same_comment(existing: list[dict[str, Any]], payload: dict[str, Any], owned: set[int]) -> int | None:
    """A comment on the post with the same author and date that no recorded comment of ours (``owned``) is."""
    for item in existing:
        if int(item["id"]) in owned:
            continue
        same_date = not payload.get("date_gmt") or str(item.get("date_gmt", ""))[:19] == payload["date_gmt"]
        if item.get("author_name") == payload["author_name"] and same_date:
            return int(item["id"])
    return None


def load(store: Store, client: WordPressClient, mapping: LoadMapping | None = None, **options: Any) -> LoadSummary:
    """Load every live record of ``store`` into the WordPress ``client`` talks to (options: :class:`Loader`'s)."""
    return Loader(store, client, mapping, **options).run()
