"""Shared fixtures: the bundled demo old site, as an object and as a running HTTP server."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterator

import pytest

# `pytest tests/...` from a checkout that is not pip-installed: make the repository importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from migrator.demo.server import DemoServer  # noqa: E402
from migrator.demo.site import DemoSite, SiteSpec  # noqa: E402


@pytest.fixture(scope="session")
def demo_site() -> DemoSite:
    """The demo site of the default spec (300 articles, seed 7, Garland), never served."""
    return DemoSite(SiteSpec())


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    """The default demo site served on a free local port; its own DemoSite, so its transient 500s are fresh."""
    with DemoServer(DemoSite(SiteSpec())) as server:
        yield server
