"""What several test modules share: the `migrator` command as a subprocess (with its peak memory), the shared
F1 scorer, and a small real HTTP server answering from a route function."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
from collections import Counter
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterator

SHARED = Path(__file__).resolve().parents[2] / "shared"


def migrator(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python -m migrator ARGS``: each run starts its own Twisted reactor, as a user's would."""
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=timeout)


#: ``python -m migrator ARGS`` in a fresh process that then prints the peak RSS of its largest child.
_MEASURED = ("import resource, subprocess, sys; "
             "code = subprocess.call([sys.executable, '-m', 'migrator', *sys.argv[1:]]); "
             "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
             "sys.exit(code)")


def migrator_measured(*args: str, env: dict[str, str] | None = None,
                      timeout: int = 600) -> tuple[subprocess.CompletedProcess[str], int]:
    """:func:`migrator`, and the peak RSS in MB of its largest process (the command or a worker it started),
    as the kernel counted it: the command's own figure, whatever ran before in the test process."""
    done = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)
    head, _, peak = done.stderr.rpartition("peak-rss-kb ")
    done.stderr = head
    return done, int(peak) // 1024


def textscore() -> ModuleType:
    """../shared/tools/textscore.py, the project's body-text F1 (standard library only)."""
    spec = importlib.util.spec_from_file_location("textscore", SHARED / "tools" / "textscore.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


Route = Callable[[str], "tuple[int, dict[str, str], bytes | str]"]


class _RouteHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    server: RouteServer

    def do_GET(self) -> None:  # noqa: N802 (http.server naming)
        self.server.enter(self.path, self.client_address)
        try:
            status, headers, body = self.server.route(self.path)
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(status)
            for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                self.send_header(name, value)
            if "Content-Length" not in headers and "Transfer-Encoding" not in headers:  # a route may chunk itself
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            self.server.leave()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base class)
        """Quiet."""


class RouteServer(ThreadingHTTPServer):
    """A real HTTP server on ``host`` (any loopback address: 127.0.0.2 is "another host") answering each
    path with ``route(path) -> (status, headers, body)``; it counts the paths asked, the client connections
    and the most requests it served at once."""

    daemon_threads = True

    def __init__(self, host: str, route: Route) -> None:
        super().__init__((host, 0), _RouteHandler)
        self.route = route
        self.url = f"http://{host}:{self.server_address[1]}"
        self.paths: Counter[str] = Counter()
        self.connections: set[tuple[str, int]] = set()
        self.active = self.peak = 0
        self._lock = threading.Lock()

    def enter(self, path: str, client: tuple[str, int]) -> None:
        with self._lock:
            self.paths[path] += 1
            self.connections.add(client)
            self.active += 1
            self.peak = max(self.peak, self.active)

    def leave(self) -> None:
        with self._lock:
            self.active -= 1


@contextmanager
def serve(host: str, route: Route) -> Iterator[RouteServer]:
    """``with serve("127.0.0.2", route) as server:`` a RouteServer running in a background thread."""
    server = RouteServer(host, route)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
