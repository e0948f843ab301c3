"""Shared fixtures: the bundled demo old site, as an object and as a running HTTP server."""
from __future__ import annotations

from typing import Iterator

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec


@pytest.fixture(scope="session")
def demo_site() -> DemoSite:
    """The demo site of the default spec (300 articles, seed 7, Garland), never served."""
    return DemoSite(SiteSpec())


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The default demo site served on a free local port; its own DemoSite, so its transient 500s are fresh."""
    with DemoServer(DemoSite(SiteSpec())) as server:
        yield server
