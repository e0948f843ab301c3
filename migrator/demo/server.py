"""Serve a ``DemoSite`` over real HTTP from a background thread (tests, ``migrator demo``, benchmarks).

    python -m migrator.demo.server --port 8000 --articles 300 --seed 7 --theme garland [--chrome-etags]
"""
from __future__ import annotations

import argparse
import socket
import sys
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Iterable, Protocol

from migrator.demo.site import DemoSite, SiteSpec

#: A response: status, headers, and the body (bytes, or chunks streamed until the connection closes).
Response = tuple[int, list[tuple[str, str]], "bytes | Iterable[bytes]"]


class Site(Protocol):
    """What the server needs of a site: the old demo site, its new-platform counterpart and the test sites."""

    def delay(self, path_and_query: str) -> float: ...

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response: ...


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 with keep-alive; every request goes to the site's ``respond``."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; Nagle would stall keep-alive
    server_version = "Apache/2.2.16"
    sys_version = ""
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def handle(self) -> None:
        """A client that goes away mid-answer (a crawl stopped, a size cap, a timeout) is no error of the site."""
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass

    def _answer(self, send_body: bool) -> None:
        site = self.server.site
        self.server.enter(self.headers.get("Host", ""), self.client_address)
        try:
            pause = site.delay(self.path)
            if pause:
                time.sleep(pause)
            status, headers, body = site.respond(self.command, self.path, dict(self.headers.items()))
        finally:
            # counted until the answer starts: past this point the client may already have its answer and have
            # moved on to a new connection before this thread runs again, which would count one request twice
            self.server.leave()
        self.server.record(self.path, status)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if isinstance(body, bytes):
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if send_body and body:
                self.wfile.write(body)
            return
        self.close_connection = True  # no length: the body ends when the connection does
        self.send_header("Connection", "close")
        self.end_headers()
        for chunk in body if send_body else ():
            self.wfile.write(chunk)
            self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base class)
        """Silence: a benchmark must not pay for a log line per request."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: Site) -> None:
        super().__init__(address, _Handler)
        self.site = site
        self.hits: Counter[tuple[str, int]] = Counter()
        self.hosts: Counter[str] = Counter()  # the Host header of every request
        self.connections: set[tuple[str, int]] = set()
        self.active = self.peak = 0
        self._lock = threading.Lock()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client gone before or after its answer (reset while the handler was set up or closed) is no error of
        the site; anything else is reported as socketserver does."""
        if isinstance(sys.exc_info()[1], (ConnectionError, socket.timeout)):
            return
        super().handle_error(request, client_address)

    def enter(self, host: str, client: tuple[str, int]) -> None:
        with self._lock:
            self.hosts[host] += 1
            self.connections.add(client)
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self._lock:
            self.active -= 1

    def record(self, path: str, status: int) -> None:
        with self._lock:
            self.hits[(path, status)] += 1


class DemoServer:
    """A running demo site (or counterpart): ``with DemoServer(site) as server: fetch(server.url + "/")``."""

    def __init__(self, site: Site | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.site = site or DemoSite()
        self._address = (host, port)
        self._server: _Server | None = None
        self._counted: _Server | None = None  # the latest server, running or stopped: its counts stay readable
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:40123`` (a stopped server's is still its
        last address: reports name it after the server is gone)."""
        if self._counted is None:
            raise RuntimeError("the demo server is not started")
        host, port = self._counted.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hits(self) -> Counter[tuple[str, int]]:
        """Requests answered so far, by (path and query, status)."""
        return self._counted.hits if self._counted else Counter()

    @property
    def paths(self) -> Counter[str]:
        """Requests answered so far, by path and query."""
        paths: Counter[str] = Counter()
        for (path, _), n in self.hits.items():
            paths[path] += n
        return paths

    @property
    def connections(self) -> set[tuple[str, int]]:
        """The client connections it served (address, port)."""
        return set(self._counted.connections) if self._counted else set()

    @property
    def peak(self) -> int:
        """The most requests waiting for their answer at once (read, its first byte not yet sent): what the
        clients held open at the same moment, which connection reuse cannot inflate."""
        return self._counted.peak if self._counted else 0

    def count_304(self) -> int:
        return sum(n for (_, status), n in self.hits.items() if status == 304)

    def start(self) -> DemoServer:
        if self._server is None:
            self._server = self._counted = _Server(self._address, self.site)
            self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                            name="demo-server", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(5)
            self._server = self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    """Serve the demo site in the foreground until interrupted."""
    parser = site_parser("Serve the bundled demo old site.", 8000)
    parser.add_argument("--articles", type=int, default=SiteSpec.articles)
    parser.add_argument("--seed", type=int, default=SiteSpec.seed)
    parser.add_argument("--theme", default=SiteSpec.theme, choices=["garland", "zen"])
    parser.add_argument("--version", type=int, default=0, help="site version: changes sidebars and counters")
    parser.add_argument("--chrome-etags", action="store_true",
                        help="ETags hash the page bytes and 'Популярное' lists the newest articles")
    args = parser.parse_args(argv)
    site = DemoSite(SiteSpec(seed=args.seed, articles=args.articles, theme=args.theme, version=args.version,
                             chrome_etags=args.chrome_etags))
    serve_forever(site, args.host, args.port, "the demo site")


def site_parser(description: str, port: int) -> argparse.ArgumentParser:
    """The command line of a test site's ``main``: ``--host`` and ``--port``, the site's own options to add."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    return parser


def serve_forever(site: Site, host: str, port: int, name: str) -> None:
    """Serve ``site`` (anything with ``delay`` and ``respond``) in the foreground until Ctrl-C."""
    server = _Server((host, port), site)
    print(f"serving {name} on http://{host}:{server.server_address[1]}/ (Ctrl-C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
