"""Distributed crawl over a real Redis: workers share one frontier and dupefilter, one loader stores,
and the database ends exactly as a single-process crawl's, even when a worker is killed mid-crawl."""
from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Iterator

import psutil
import pytest
import redis
from scrapy import Request
from scrapy.settings import Settings
from scrapy.statscollectors import MemoryStatsCollector

import spiders.distributed
from migrator.crawl.distributed import decode_items
from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.ingest.items import ErrorItem, PageItem
from spiders.distributed import JsonPriorityQueue, PushItems
from tests.sites.server import free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(not Path(REDIS_SERVER).exists(), reason="redis-server is not installed")



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
    # the demo's one slow article answers in 0.1 s, not 2: a Ctrl-C that finds a worker fetching it does not wait for
    # it (a worker's graceful stop waits for its requests in flight, and the stop has GRACE seconds before it is forced)
    with DemoServer(DemoSite(SiteSpec(articles=120, slow_seconds=0.1))) as server:
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
    # scrapy-redis calls Scrapy APIs Scrapy deprecates: its workers' warnings are shown under -v only
    assert "DeprecationWarning" not in proc.stderr and "py.warnings" not in proc.stderr, proc.stderr[-3000:]
    # no worker left: nothing is handed back (the seeds before a worker joined, redirect hops the shared
    # dupefilter dropped were taken for URLs a dead worker had in flight)
    assert "handing" not in proc.stderr and "never answered" not in proc.stderr, proc.stderr[-3000:]
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


def _mid_crawl(loader: subprocess.Popen[str], db: Path, server: redis.Redis, deadline: float) -> list[psutil.Process]:
    """Wait until the crawl is mid-way: both local workers have joined (their heartbeat is in Redis, so no signal
    finds one still importing), 20 pages are stored and requests are still queued; returns the loader's
    descendants (the workers and the extraction processes) as they are then."""
    while time.monotonic() < deadline:
        assert loader.poll() is None, "the crawl ended before it could be interrupted"
        workers = [p for p in psutil.Process(loader.pid).children() if "worker" in p.cmdline()]
        joined = {key.decode().rsplit("-", 1)[-1] for key in server.scan_iter("migrator:*:alive:*")}
        try:
            pages = sqlite3.connect(db).execute("SELECT count(*) FROM pages").fetchone()[0] if db.exists() else 0
        except sqlite3.Error:
            pages = 0
        queued = sum(server.zcard(key) for key in server.scan_iter("migrator:*:requests"))
        if len(workers) == 2 and {str(w.pid) for w in workers} <= joined and pages >= 20 and queued:
            return psutil.Process(loader.pid).children(recursive=True)
        time.sleep(0.2)
    raise AssertionError("the crawl did not reach 20 pages with both workers in it")


@pytest.mark.parametrize("to_group", [True, False], ids=["ctrl-c-to-group", "sigint-to-loader"])
def test_ctrl_c_stores_what_was_pushed_and_ends_the_run_interrupted(site: DemoServer, redis_url: str,
                                                                  tmp_path: Path, to_group: bool) -> None:
    db = tmp_path / "site.db"
    loader = subprocess.Popen(migrator("crawl", site.url + "/", "--db", str(db), "--timezone", "Europe/Moscow",
                                       "--redis", redis_url, "--workers", "2"),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        descendants = _mid_crawl(loader, db, redis.Redis.from_url(redis_url), time.monotonic() + 300)
        pages = sqlite3.connect(db).execute("SELECT count(*) FROM pages").fetchone()[0]
        (os.killpg if to_group else os.kill)(loader.pid, signal.SIGINT)
        _, stderr = loader.communicate(timeout=300)  # a guard against a hang, not a measure
    finally:
        if loader.poll() is None:
            os.killpg(loader.pid, signal.SIGKILL)
            loader.wait()
    assert loader.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr and "exiting now" not in stderr, stderr[-3000:]  # stopped, not forced
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0] == "interrupted"
    stored = conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    assert stored >= pages
    # every process the crawl started ends with it: waited for (they may outlive the loader by a moment)
    _, alive = psutil.wait_procs(descendants, timeout=60)
    assert not alive, [p.cmdline() for p in alive]


# -- nothing from Redis is unpickled ---------------------------------------------------------------

class _Payload:
    """What an attacker who can write to Redis would plant: unpickling it runs a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (subprocess.call, (["touch", str(self.marker)],))


class _Spider:
    name = "site"

    def __init__(self) -> None:
        self.crawler = SimpleNamespace(stats=MemoryStatsCollector(SimpleNamespace(settings=Settings())))

    def parse(self, response: Any) -> None: ...

    def failed(self, failure: Any) -> None: ...


def test_a_planted_pickle_in_the_request_queue_is_rejected_not_run(redis_url: str, tmp_path: Path,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    marker = tmp_path / "pwned"
    server = redis.Redis.from_url(redis_url)
    spider = _Spider()
    queue = JsonPriorityQueue(server, spider, "test:planted:requests", serializer=spiders.distributed)
    request = Request("http://old.test/новости?q=%CD%EE", callback=spider.parse, errback=spider.failed, priority=5,
                      headers={"Referer": "http://old.test/"}, meta={"role": "page", "frontier_url": "http://old.test/a"})
    queue.push(request)
    server.execute_command("ZADD", queue.key, -10, pickle.dumps(_Payload(marker)))  # ahead of the real one
    with caplog.at_level(logging.WARNING, logger="spiders.distributed"):
        assert queue.pop() is None
    back = queue.pop()
    assert not marker.exists()
    assert spider.crawler.stats.get_value("migrator/errors/rejected-request") == 1
    assert "not a JSON request" in caplog.text
    assert (back.url, back.priority, back.meta, back.headers[b"Referer"], back.callback) == (
        request.url, 5, request.meta, b"http://old.test/", spider.parse)
    server.delete(queue.key)


def test_a_planted_pickle_among_the_items_is_rejected_not_run(redis_url: str, tmp_path: Path,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    marker = tmp_path / "pwned"
    server, key = redis.Redis.from_url(redis_url), "test:planted:items"
    page = PageItem(url="http://old.test/a", status=200, headers={"Content-Type": "text/html"},
                    body=b"\xcf\xf0\x00", text="Привет", encoding="windows-1251", encoding_source="http",
                    encoding_evidence={"meta": None}, fetched_at="2026-12-01T00:00:00Z",
                    discovered=[("http://old.test/b", "page", 0)], visit="http://old.test/a")
    error = ErrorItem(url="http://old.test/x", reason="offsite-redirect", detail="http://evil/", skip=True)
    pipeline = PushItems(server, "test:planted")
    pipeline.process_item(page)
    server.rpush(key, pickle.dumps(_Payload(marker)), b"\x80garbage", b'{"type": "os.system", "fields": {}}')
    pipeline.process_item(error)
    stats = MemoryStatsCollector(SimpleNamespace(settings=Settings()))
    with caplog.at_level(logging.WARNING, logger="migrator.crawl.distributed"):
        items = decode_items(server.lpop(key, 10), stats, key)
    assert not marker.exists()
    assert items == [page, error]
    assert stats.get_value("migrator/errors/rejected-item") == 3
    assert caplog.text.count("rejected an entry of test:planted:items") == 3
