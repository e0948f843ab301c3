"""Helpers shared by the benchmarks: a demo server in its own process, peak-RSS sampling."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the test sites: tests/sites/
from tests.sites.server import free_port  # noqa: E402


@contextmanager
def demo_server(articles: int, seed: int = 7, module: str = "migrator.demo.server") -> Iterator[str]:
    """Serve a generated site from another process (so it does not share the crawler's core): the demo
    site, or with ``module="tests.sites.heavy"`` the news site of heavy generic pages."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", module, "--port", str(port),
                             "--articles", str(articles), "--seed", str(seed)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=1).read()
                break
            except OSError:
                time.sleep(0.05)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


def run_measured(cmd: list[str]) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run a command; return it, its wall seconds and the peak RSS (bytes) of it and its children."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        ps = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, errs = proc.communicate()
    done.set()
    thread.join()
    return subprocess.CompletedProcess(cmd, proc.returncode, out, errs), time.monotonic() - started, peak
