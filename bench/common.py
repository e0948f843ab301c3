"""Helpers shared by the benchmarks: a demo server or a saved real site in its own process, peak-RSS sampling."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
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


#: The real-site server of ../shared (standard library only): serves a fetched mirror at the site's own paths.
SERVE_MIRROR = Path(__file__).resolve().parent.parent / ".." / "shared" / "tools" / "serve_mirror.py"
#: Where `fetch` puts the mirrors of real-sites.md: ../.mirror/<owner>+<name>/repo (a bare git dir).
MIRRORS = Path(__file__).resolve().parent.parent / ".." / ".mirror"


def mirror_dir(name: str) -> Path:
    """A mirror given as a path (a bare git dir, the folder holding it as ``repo``, or a plain folder of saved
    files) or as a name under ../.mirror (``ex-animo+ex-animo.github.io``)."""
    for place in (Path(name), MIRRORS / name):
        if (place / "repo").is_dir():
            return (place / "repo").resolve()
        if place.is_dir():
            return place.resolve()
    raise SystemExit(f"no mirror {name!r} (neither a directory nor {MIRRORS.resolve()}/{name}/repo)")


@contextmanager
def mirror_server(mirror: Path, timeout: float = 120.0, port: int | None = None) -> Iterator[str]:
    """Serve a saved real site (``serve_mirror.py``) from another process; yields its root URL once it answers
    (listing a 30k-file tree takes a few seconds). ``port``: that one, else any free one."""
    port = port or free_port()
    log = tempfile.TemporaryFile("w+")  # a file, not a pipe: a traceback per bad request never blocks the server
    proc = subprocess.Popen([sys.executable, str(SERVE_MIRROR), str(mirror), "--port", str(port), "--quiet"],
                            stdout=subprocess.DEVNULL, stderr=log, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=2).read()
                break
            except urllib.error.HTTPError:  # a 404 for robots.txt: the server answers
                break
            except OSError as exc:
                if proc.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"serve_mirror.py {mirror} ended: {log.read()[-2000:]}") from exc
                if time.monotonic() > deadline:
                    raise SystemExit(f"serve_mirror.py {mirror} did not answer in {timeout:.0f}s") from exc
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


def run_measured(cmd: list[str]) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """Run a command; return it, its wall seconds and the peak RSS (bytes) of it and its children."""
    proc, wall, peak, _ = run_measured_cpu(cmd)
    return proc, wall, peak


def run_measured_cpu(cmd: list[str], env: dict[str, str] | None = None
                     ) -> tuple[subprocess.CompletedProcess[str], float, int, float]:
    """:func:`run_measured` and the CPU seconds (user + sys) of the command and every child it waited for
    (the extraction workers): on a shared machine CPU time says more than wall time. ``env``: added to ours."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env} if env else None)
    peak = 0
    done = threading.Event()
    trace_path = os.environ.get("BENCH_RSS_TRACE")
    trace = open(trace_path, "a", encoding="utf-8") if trace_path else None  # noqa: SIM115
    lock = threading.Lock()

    def note(line: str) -> None:
        if trace is not None:
            with lock:
                trace.write(f"{time.monotonic() - started:9.2f} {line}\n")
                trace.flush()

    def sample() -> None:
        nonlocal peak
        ps = psutil.Process(proc.pid)
        shown: dict[int, int] = {}
        while not done.is_set():
            try:
                each = {p.pid: p.memory_info().rss for p in [ps, *ps.children(recursive=True)]}
                rss = sum(each.values())
                if trace is not None and (rss > peak or any(abs(v - shown.get(k, 0)) > 4 << 20
                                                            for k, v in each.items())):
                    shown = each
                    note("rss " + " ".join(f"{k}:{v >> 20}" for k, v in each.items()) + f" sum:{rss >> 20}")
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.05)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    if trace is None:
        out, errs = proc.communicate()
    else:  # BENCH_RSS_TRACE=FILE: each process's RSS (MB) as it changes and the stderr lines, timed, in FILE
        lines: list[str] = []

        def read_errors() -> None:
            for line in proc.stderr:  # type: ignore[union-attr]
                lines.append(line)
                note("err " + line.rstrip()[:300])

        reader = threading.Thread(target=read_errors, daemon=True)
        reader.start()
        out = proc.stdout.read()  # type: ignore[union-attr]
        proc.wait()
        reader.join()
        errs = "".join(lines)
    done.set()
    thread.join()
    if trace is not None:
        trace.close()
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return subprocess.CompletedProcess(cmd, proc.returncode, out, errs), wall, peak, cpu
