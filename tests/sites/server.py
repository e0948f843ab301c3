"""A real HTTP server on a loopback address for any test site: a route function (``path -> (status, headers,
body)``) served by the demo's own server (:class:`migrator.demo.server.DemoServer`), and a free port."""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from migrator.demo.server import DemoServer, Response

Route = Callable[[str], "tuple[int, dict[str, str], bytes | str | Iterable[bytes]]"]


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class RouteSite:
    """A site made of one function: ``route(path) -> (status, headers, body)``; HTML in UTF-8 unless the headers
    say otherwise, a ``str`` body encoded so, an iterable body streamed until the connection closes."""

    def __init__(self, route: Route) -> None:
        self.route = route

    def delay(self, path_and_query: str) -> float:
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        status, extra, body = self.route(path_and_query)
        data = body.encode("utf-8") if isinstance(body, str) else body
        return status, list({"Content-Type": "text/html; charset=utf-8", **extra}.items()), data


class RouteServer(DemoServer):
    """A running :class:`RouteSite` on ``host`` (any loopback address: 127.0.0.2 is "another host"); it counts
    the paths asked (``paths``), the client connections and the most requests it served at once (``peak``)."""

    def __init__(self, host: str, route: Route) -> None:
        super().__init__(RouteSite(route), host)


@contextmanager
def serve(host: str, route: Route) -> Iterator[RouteServer]:
    """``with serve("127.0.0.2", route) as server:`` a RouteServer running in a background thread."""
    with RouteServer(host, route) as server:
        yield server


class PairInOrder:
    """Fixed pages, two of which (``pair``) come in an order the test sets: ``last`` is answered only once the other
    was asked (the order a crawl meets two copies in is then the server's, not the site's)."""

    def __init__(self, pages: dict[str, str], pair: tuple[str, str]) -> None:
        self.pages, self.pair, self.last = pages, pair, pair[0]
        self.served = {path: threading.Event() for path in pair}

    def delay(self, path_and_query: str) -> float:
        if path_and_query == self.last:
            other = self.pair[1] if self.last == self.pair[0] else self.pair[0]
            assert self.served[other].wait(30), "the other copy was never asked"
        return 0.0

    def respond(self, method: str, path_and_query: str, headers: dict[str, str]) -> Response:
        html = self.pages.get(path_and_query)
        if html is None:
            return 404, [("Content-Type", "text/html")], b"<html><body>Not found</body></html>"
        if path_and_query in self.served:
            self.served[path_and_query].set()
        return 200, [("Content-Type", "text/html; charset=utf-8")], html.encode()
