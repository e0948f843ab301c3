"""A real HTTP server on a loopback address for any test site: a route function (``path -> (status, headers,
body)``) served by the demo's own server (:class:`migrator.demo.server.DemoServer`), and a free port."""
from __future__ import annotations

import socket
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
