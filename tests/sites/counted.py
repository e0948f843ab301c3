"""A small generated blog whose every count is known: articles, a URL duplicate of some (an ``/amp`` view that
names its article with ``rel=canonical``), dead links, redirect loops, an off-site redirect, and links with no
text inside the bodies (trafilatura warns of each). ``python -m tests.sites.counted --port 8003`` serves it."""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from migrator.demo.server import DemoServer
from tests.sites.server import RouteSite

_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title} | Counted blog</title>
{head}</head><body><header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>
{main}<footer><p>Counted blog, a site whose counts are known.</p></footer></body></html>"""


@dataclass(frozen=True)
class CountedSite:
    """``posts`` articles (``/post/N``), ``duplicates`` of them also at ``/post/N/amp``, ``dead`` links answering
    404 (``/gone/N``), ``loops`` redirect loops (``/loop/N`` → ``/loop/N/again`` → ``/loop/N``), one off-site
    redirect (``/away``)."""

    posts: int = 30
    duplicates: int = 3
    dead: int = 4
    loops: int = 2
    sitemap: bool = False  # /sitemap.xml lists every post
    slow: float = 0.0  # seconds each post takes to answer

    def route(self, path: str) -> tuple[int, dict[str, str], str]:
        if path == "/":
            return 200, {}, self._index()
        if path == "/sitemap.xml" and self.sitemap:
            urls = "".join(f"<url><loc>/post/{n}</loc></url>" for n in range(1, self.posts + 1))
            return 200, {"Content-Type": "application/xml"}, (
                '<?xml version="1.0" encoding="UTF-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>')
        if path.startswith("/post/"):
            number, _, view = path[len("/post/"):].partition("/")
            if number.isdigit() and 1 <= int(number) <= self.posts and view in ("", "amp"):
                time.sleep(self.slow)
                return 200, {}, self._post(int(number), printed=bool(view))
        if path.startswith("/loop/"):
            number, _, again = path[len("/loop/"):].partition("/")
            target = f"/loop/{number}" if again else f"/loop/{number}/again"
            return 302, {"Location": target}, ""
        if path == "/away":
            return 302, {"Location": "http://127.0.0.9:9/elsewhere"}, ""
        if path == "/about":
            return 200, {}, _PAGE.format(title="About", head="", main="<p>About this blog.</p>")
        return 404, {}, _PAGE.format(title="Not found", head="", main="<p>Not found.</p>")

    def _index(self) -> str:
        links = [f'<li><a href="/post/{n}">Post number {n}</a></li>' for n in range(1, self.posts + 1)]
        links += [f'<li><a href="/post/{n}/amp">Post {n}, light</a></li>' for n in range(1, self.duplicates + 1)]
        links += [f'<li><a href="/gone/{n}">An old post {n}</a></li>' for n in range(1, self.dead + 1)]
        links += [f'<li><a href="/loop/{n}">A moved post {n}</a></li>' for n in range(1, self.loops + 1)]
        links.append('<li><a href="/away">Elsewhere</a></li>')
        return _PAGE.format(title="Home", head="", main="<ul>" + "".join(links) + "</ul>")

    def _post(self, n: int, printed: bool) -> str:
        title = f"Notes on the garden, part {n}"
        words = " ".join(f"word{(n * 7 + i) % 97}" for i in range(60))
        paragraphs = "".join(  # divs, not <p>s in an <article>: the generic extractor hands it to trafilatura
            f"<div>Paragraph {k} of post {n} tells how the garden changed in week {k}: {words}. "
            f'See <a href="/about"> </a>the about page, and the next post <a href="/post/{n % self.posts + 1}"></a>.</div>'
            for k in range(1, 5))
        day = time.strftime("%Y-%m-%d", time.gmtime(1_400_000_000 + n * 86_400))
        head = f'<link rel="canonical" href="/post/{n}">' if printed else ""
        main = (f'<div id="c"><div><b>{title}</b></div><div>Posted on <time datetime="{day}T10:00:00+00:00">{day}'
                f"</time> by Ann</div>{paragraphs}</div>")
        return _PAGE.format(title=title, head=head, main=main)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8003)
    args = parser.parse_args()
    site = CountedSite()
    with DemoServer(RouteSite(site.route), "127.0.0.1", args.port) as server:
        print(f"serving the counted blog on {server.url}/ (Ctrl-C stops)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
