"""A client of WordPress's REST API (``/wp/v2/``) for :mod:`migrator.cutover.load`.

Authentication is an Application Password over HTTP basic auth (WordPress 5.6+). Routes are asked at
``/wp-json/ROUTE`` when the site has pretty permalinks and at ``/?rest_route=ROUTE`` when it has not (found out
once, at :meth:`WordPressClient.connect`). Requests go through :func:`migrator.http.pool`: keep-alive, a few
connections, retries with backoff on connection errors, 429 and 5xx. Updates (``POST /posts/ID``) are retried
like reads, as sending one twice changes nothing more; a create is retried only on 429 and when the connection
failed before it was sent, since a 5xx may come after WordPress stored it: such a create fails, and the next
run finds what it may have created (the loader looks before it creates). Every request is counted by method,
so a caller can say how many writes a run sent.

Errors: a wrong user or password (401), no REST API at the URL (404 on the index), a permission the user
lacks (403) stop the run, each with its own exit code; any other refusal of one request is a
:class:`RequestFailed` the loader records against the one record it was for.
"""
from __future__ import annotations

import base64
import json
import logging
from collections import Counter
from typing import Any, Iterator
from urllib.parse import quote, urlencode, urlsplit

import urllib3

from migrator import http
from migrator.errors import MigratorError

log = logging.getLogger(__name__)
USER_AGENT = "migrator-load/1"
#: Methods that change something on the site.
WRITES = ("POST", "PUT", "PATCH", "DELETE")
MAX_BYTES = 64 * 1024 * 1024


class WordPressError(MigratorError):
    """The WordPress site cannot be loaded at all (unreachable, broken answers, a server error past retries)."""


class WrongPassword(WordPressError):
    """401: the user or the Application Password is wrong (or Application Passwords are off: http without
    ``WP_ENVIRONMENT_TYPE`` local)."""

    exit_code = 4


class NoRestApi(WordPressError):
    """404: no REST API at the URL (not a WordPress, or the API is switched off)."""

    exit_code = 5


class Forbidden(WordPressError):
    """403: the user lacks a capability the load needs (an Editor cannot create users, an Author cannot publish
    others' posts...)."""

    exit_code = 6


class RequestFailed(MigratorError):
    """WordPress refused one request (400 invalid data, 409 duplicate comment, 404 on an item gone...):
    recorded against its record; the load goes on."""

    def __init__(self, message: str, status: int = 0, code: str = "") -> None:
        super().__init__(message)
        self.status, self.code = status, code


def _message(status: int, body: bytes) -> tuple[str, str]:
    """(code, message) of a WordPress error answer, or of any other body."""
    try:
        data = json.loads(body)
    except ValueError:
        return "", body[:200].decode("utf-8", "replace").strip() or f"HTTP {status}"
    if isinstance(data, dict):
        return str(data.get("code") or ""), str(data.get("message") or data)[:300]
    return "", str(data)[:300]


class WordPressClient:
    """One WordPress site, one user; ``counts`` holds the requests sent by method (``writes``: their total)."""

    def __init__(self, base_url: str, user: str, password: str, *, timeout: float = 120.0, retries: int = 4,
                 backoff: float = 0.5, per_host: int = 4) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WordPressError(f"--wordpress: an absolute http(s) URL, got {base_url!r}")
        self.base = base_url.rstrip("/")
        self.user = user
        token = base64.b64encode(f"{user}:{password.replace(' ', '')}".encode()).decode("ascii")
        self.headers = {"Authorization": f"Basic {token}", "Accept": "application/json"}
        self.pool = http.pool(per_host=per_host, timeout=timeout, user_agent=USER_AGENT, retries=retries,
                              backoff=backoff)
        retry = self.pool.connection_pool_kw["retries"]
        self.pool.connection_pool_kw["retries"] = self.retry = retry.new(allowed_methods=None)
        self.create_retry = retry.new(allowed_methods=None, read=0, status_forcelist=(429,))
        self.counts: Counter[str] = Counter()
        self.pretty: bool | None = None

    @property
    def writes(self) -> int:
        return sum(self.counts[m] for m in WRITES)

    # -- routes -------------------------------------------------------------------------------

    def url(self, route: str, params: dict[str, Any] | None = None) -> str:
        """The URL of a route (``/wp/v2/posts``) as this site serves it.

        >>> c = WordPressClient("http://wp.test", "u", "p"); c.pretty = False
        >>> c.url("/wp/v2/posts", {"slug": "a b"})
        'http://wp.test/?rest_route=%2Fwp%2Fv2%2Fposts&slug=a+b'
        >>> c.pretty = True; c.url("/wp/v2/posts", {"per_page": 100})
        'http://wp.test/wp-json/wp/v2/posts?per_page=100'
        """
        query = urlencode(params or {}, doseq=True)
        if self.pretty is False:
            return f"{self.base}/?rest_route={quote(route, safe='')}" + (f"&{query}" if query else "")
        return f"{self.base}/wp-json{route}" + (f"?{query}" if query else "")

    def connect(self) -> dict[str, Any]:
        """Find the REST API (pretty URLs, else ``?rest_route=``) and check the credentials: the user as
        WordPress sees it (``context=edit``: with roles and capabilities)."""
        for pretty in (True, False):
            self.pretty = pretty
            status, _, body = self._send("GET", self.url("/"), auth=False)
            if status == 200 and body.lstrip().startswith(b"{"):
                try:
                    index = json.loads(body)
                except ValueError:
                    continue
                if isinstance(index, dict) and "wp/v2" in (index.get("namespaces") or []):
                    break
        else:
            raise NoRestApi(f"{self.base}: no WordPress REST API (neither /wp-json/ nor /?rest_route=/ answers "
                            "with wp/v2)")
        me = self.get("/wp/v2/users/me", {"context": "edit"})
        return me if isinstance(me, dict) else {}

    # -- requests -------------------------------------------------------------------------------

    def _send(self, method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None,
              auth: bool = True, create: bool = False) -> tuple[int, dict[str, str], bytes]:
        self.counts[method] += 1
        sent = {**(self.headers if auth else {"Accept": "application/json"}), **(headers or {})}
        try:
            response = self.pool.request(method, url, body=body, headers=sent, redirect=False,
                                         preload_content=False, retries=self.create_retry if create else self.retry)
            data = http.read_capped(response, MAX_BYTES)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise WordPressError(f"{self.base}: {method} {urlsplit(url).path}: {exc}") from exc
        if data is None:
            raise WordPressError(f"{self.base}: {method} {url}: answer larger than {MAX_BYTES} bytes")
        return response.status, dict(response.headers.items()), data

    def request(self, method: str, route: str, params: dict[str, Any] | None = None, *, json_body: Any = None,
                data: bytes | None = None, headers: dict[str, str] | None = None,
                create: bool = False) -> tuple[Any, dict[str, str]]:
        """(decoded JSON, headers) of one request (``create``: it makes something new); the errors of the
        module's docstring."""
        body = data
        sent = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            sent["Content-Type"] = "application/json; charset=utf-8"
        status, got, raw = self._send(method, self.url(route, params), body=body, headers=sent, create=create)
        if 200 <= status < 300:
            try:
                return json.loads(raw), got
            except ValueError:
                raise WordPressError(f"{self.base}: {method} {route}: not JSON: {raw[:120]!r}") from None
        code, message = _message(status, raw)
        where = f"{self.base}: {method} {route}"
        if status == 401:
            raise WrongPassword(f"{where}: 401 {code}: wrong user or Application Password for {self.user!r} "
                                f"({message})")
        if status == 403:
            raise Forbidden(f"{where}: 403 {code}: user {self.user!r} may not do this ({message})")
        if status == 404 and code in ("rest_no_route", ""):
            raise NoRestApi(f"{where}: 404: no such REST route ({message})")
        if status >= 500 or status == 429:
            raise WordPressError(f"{where}: {status} {code} after retries: {message}")
        raise RequestFailed(f"{status} {code}: {message}", status, code)

    def get(self, route: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", route, params)[0]

    def post(self, route: str, body: dict[str, Any], *, create: bool = False) -> Any:
        return self.request("POST", route, json_body=body, create=create)[0]

    def every(self, route: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        """Every item of a collection, page by page (100 a page, ``X-WP-TotalPages`` says how many)."""
        page = 1
        while True:
            items, headers = self.request("GET", route, {**(params or {}), "per_page": 100, "page": page})
            yield from items
            total = int(headers.get("X-WP-TotalPages") or headers.get("x-wp-totalpages") or 1)
            if page >= total or not items:
                return
            page += 1

    def upload(self, filename: str, content_type: str, data: bytes, fields: dict[str, Any]) -> dict[str, Any]:
        """``POST /wp/v2/media`` with the file as the body, then its fields (title, slug...) in the same call."""
        ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
        headers = {"Content-Type": content_type or "application/octet-stream",
                   "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}
        item, _ = self.request("POST", "/wp/v2/media", fields, data=data, headers=headers, create=True)
        return item if isinstance(item, dict) else {}
