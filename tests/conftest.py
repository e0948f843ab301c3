"""Shared fixtures: the bundled demo old site (as an object and as a running HTTP server), a store in
``tmp_path``, and a factory that crawls a URL with the ``migrator`` command as a user would."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.store import Store
from tests.helpers import Crawled, migrator
from tests.sites.server import Route, serve
from tests.sites.wordpress import WordPress, missing_packages


@pytest.fixture(scope="session")
def demo_site() -> DemoSite:
    """The demo site of the default spec (300 articles, seed 7, Garland), never served."""
    return DemoSite(SiteSpec())


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The default demo site served on a free local port; its own DemoSite, so its transient 500s are fresh."""
    with DemoServer(DemoSite(SiteSpec())) as server:
        yield server


@pytest.fixture(scope="session")
def wordpress_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    """A real WordPress (Debian's packages: MariaDB on its own socket, ``php -S``, theme Twenty Twenty-One),
    installed once per session; skipped, with the reason, when a package is missing."""
    missing = missing_packages()
    if missing:
        pytest.skip("a real WordPress needs Debian's " + ", ".join(missing) + " (.ci/run installs them)")
    with WordPress(tmp_path_factory.mktemp("wordpress")) as site:
        yield site


@pytest.fixture
def wordpress(wordpress_site: WordPress) -> WordPress:
    """The session's WordPress as freshly installed (database and uploads restored before the test)."""
    wordpress_site.reset()
    return wordpress_site


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A new, empty store at ``tmp_path/site.db``, closed after the test."""
    opened = Store(tmp_path / "site.db")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def crawl(tmp_path: Path) -> Callable[..., Crawled]:
    """``crawl(url, *flags, db=None)``: ``migrator crawl URL --db DB --timezone Europe/Moscow FLAGS`` in its own
    process (``db`` defaults to ``tmp_path/site.db``; the same ``db`` again resumes or revisits)."""

    def run(url: str, *flags: str, db: Path | None = None, timeout: int = 600) -> Crawled:
        target = db or tmp_path / "site.db"
        proc = migrator("crawl", url, "--db", str(target), "--timezone", "Europe/Moscow", *flags, timeout=timeout)
        return Crawled(proc, target)

    return run


@pytest.fixture
def crawl_site(crawl: Callable[..., Crawled]) -> Callable[..., tuple[Crawled, dict[str, dict[str, Any]], str]]:
    """``crawl_site(route, *flags)``: a real local server for ``route`` (:func:`tests.sites.server.serve`) crawled
    from its front page as :func:`crawl` does, the crawl checked to end well; the crawl, its records by URL path and
    the server's base URL."""

    def run(route: Route, *flags: str) -> tuple[Crawled, dict[str, dict[str, Any]], str]:
        with serve("127.0.0.1", route) as server:
            crawled = crawl(server.url + "/", *flags)
        assert crawled.proc.returncode == 0, crawled.proc.stderr[-3000:]
        return crawled, {r["url"].removeprefix(server.url): r for r in crawled.records()}, server.url

    return run
