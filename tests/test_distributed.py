"""Distributed crawl over a real Redis: workers share one frontier and dupefilter, one loader stores,
and the database ends exactly as a single-process crawl's, even when a worker is killed mid-crawl."""
from __future__ import annotations

import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import psutil
import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not Path(REDIS_SERVER).exists(), reason="redis-server is not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on a free loopback port, persisting nothing."""
    port, workdir = free_port(), tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture(scope="module")
def site() -> Iterator[DemoServer]:
    with DemoServer(DemoSite(SiteSpec(articles=120))) as server:
        yield server


def migrator(*args: str) -> list[str]:
    return [sys.executable, "-m", "migrator", *args]


def export(db: Path) -> list[dict[str, Any]]:
    proc = subprocess.run(migrator("export", "--db", str(db), "--format", "jsonl"),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    for record in records:
        record.pop("fetched_at")
    return records


@pytest.fixture(scope="module")
def single(site: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    db = tmp_path_factory.mktemp("single") / "site.db"
    proc = subprocess.run(migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow"),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return export(db)


def test_two_workers_give_the_single_process_export(site: DemoServer, redis_url: str, single: list[dict[str, Any]],
                                                    tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    proc = subprocess.run(migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                                   "--redis", redis_url, "--workers", "2"), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = export(db)
    assert len(records) >= 100
    assert records == single


def test_a_worker_killed_mid_crawl_loses_nothing(site: DemoServer, redis_url: str, single: list[dict[str, Any]],
                                                 tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    loader = subprocess.Popen(migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                                       "--redis", redis_url, "--workers", "2"),
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and time.monotonic() < deadline and loader.poll() is None:
        time.sleep(0.2)
        pages = 0
        if db.exists():
            try:
                pages = sqlite3.connect(db).execute("SELECT count(*) FROM pages").fetchone()[0]
            except sqlite3.Error:
                pass
        workers = [p for p in psutil.Process(loader.pid).children() if "worker" in p.cmdline()]
        if pages >= 80 and workers:
            workers[0].send_signal(signal.SIGKILL)
            killed = workers[0].pid
    _, stderr = loader.communicate(timeout=300)
    assert killed is not None, "the crawl ended before a worker could be killed"
    assert loader.returncode == 0, stderr[-3000:]
    assert export(db) == single
