"""Signals: SIGINT and SIGTERM end a crawl within 10 s with the run `interrupted`; a second signal ends it at
once; no child process (the extraction worker, multiprocessing's resource tracker) outlives the command,
even when the command itself is killed with SIGKILL. Real crawls of the demo site, in their own sessions."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

DEADLINE = 10.0


def _start_crawl(url: str, db: Path) -> subprocess.Popen[str]:
    """`migrator crawl` in a session of its own (its process group is the command and its children)."""
    return subprocess.Popen([sys.executable, "-m", "migrator", "crawl", url + "/", "--db", str(db),
                             "--timezone", "Europe/Moscow"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _group(pgid: int) -> list[tuple[int, str]]:
    """Live (not zombie) processes of a process group, as (pid, command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
        if int(fields[2]) == pgid and fields[0] != "Z":
            found.append((int(entry.name), cmdline))
    return found


def _wait_for(what: Callable[[], Any], timeout: float, message: str, every: float = 0.1) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(message)


def _pages(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return conn.execute("SELECT count(*) FROM pages").fetchone()[0]
    except sqlite3.Error:
        return 0


def _status(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()[0]


def _crawling(demo_server: Any, db: Path) -> subprocess.Popen[str]:
    """A crawl that has stored pages and started its extraction worker."""
    proc = _start_crawl(demo_server.url, db)
    _wait_for(lambda: _pages(db) >= 5 or proc.poll() is not None, 120, "the crawl stored no page")
    assert proc.poll() is None, proc.communicate()[1][-2000:]
    _wait_for(lambda: any("spawn_main" in cmd for _, cmd in _group(proc.pid)), 60, "no extraction worker started")
    return proc


def _assert_group_gone(pgid: int) -> None:
    _wait_for(lambda: not _group(pgid), 5, f"processes outlived the command: {_group(pgid)}")


@pytest.mark.parametrize("signum, to_group", [(signal.SIGINT, True), (signal.SIGTERM, False), (signal.SIGTERM, True)],
                         ids=["ctrl-c-to-group", "sigterm-to-command", "sigterm-to-group"])
def test_signal_ends_crawl_within_deadline_as_interrupted(demo_server: Any, tmp_path: Path, signum: int,
                                                         to_group: bool) -> None:
    db = tmp_path / "site.db"
    proc = _crawling(demo_server, db)
    (os.killpg if to_group else os.kill)(proc.pid, signum)
    # the deadline is interrupt.GRACE's timer (tests/test_interrupt.py); here a generous guard against a hang
    _, stderr = proc.communicate(timeout=DEADLINE + 50)
    assert proc.returncode == 128 + signum, stderr[-2000:]
    assert _status(db) == "interrupted"
    assert "Traceback" not in stderr
    _assert_group_gone(proc.pid)


def test_second_signal_ends_crawl_at_once(demo_server: Any, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    proc = _crawling(demo_server, db)
    os.killpg(proc.pid, signal.SIGINT)
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr[-2000:]
    assert "SIGINT (a second signal); exiting now" in stderr, stderr[-2000:]  # not the first one's grace timer
    assert _status(db) == "interrupted", stderr[-3000:]
    _assert_group_gone(proc.pid)


def test_sigkill_of_the_command_leaves_no_child(demo_server: Any, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    proc = _crawling(demo_server, db)
    children = [pid for pid, _ in _group(proc.pid) if pid != proc.pid]
    assert children  # the worker and the resource tracker
    proc.kill()
    proc.communicate(timeout=30)  # returns once nothing holds the command's stdout and stderr open
    _assert_group_gone(proc.pid)
    assert _status(db) == "running"  # the kernel gave it no chance: the next run says so


def test_run_after_sigkill_says_the_last_one_did_not_finish(demo_server: Any, tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    proc = _crawling(demo_server, db)
    proc.kill()
    proc.communicate(timeout=30)
    resumed = subprocess.run([sys.executable, "-m", "migrator", "crawl", demo_server.url + "/", "--db", str(db),
                              "--timezone", "Europe/Moscow", "--max-pages", "30"],
                             capture_output=True, text=True, timeout=600)
    assert "did not finish" in resumed.stderr and "was interrupted" not in resumed.stderr, resumed.stderr[-2000:]


def test_sigint_ends_a_diff_stuck_on_a_silent_site(tmp_path: Path) -> None:
    """Not only crawls: `diff`'s thread pool waiting on a new site that accepts and never answers."""
    import socket
    import threading

    from migrator.record import Article
    from migrator.store import Store

    db = tmp_path / "site.db"
    store = Store(db)
    run = store.begin_run("crawl", "http://old.example.ru/", {})
    with store.batch():
        store.save_article(Article(source_id="node/1", url="http://old.example.ru/node/1", title="Лазер",
                                   published_at="2014-10-01T10:00:00+04:00", body_html="<p>Текст.</p>",
                                   body_text="Текст."), run)
    store.finish_run(run, "finished", {})
    store.close()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: [accepted.append(silent.accept()[0]) for _ in iter(int, 1)], daemon=True).start()
    port = silent.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "migrator", "diff", "--db", str(db), "--new",
                             f"http://127.0.0.1:{port}/"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        _wait_for(lambda: accepted, 60, "diff never asked the new site")
        os.killpg(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=DEADLINE + 50)  # a guard against a hang, not a measurement
        assert proc.returncode == 130, stderr[-2000:]
        _assert_group_gone(proc.pid)
    finally:
        silent.close()


# -- Ctrl-C at any moment: the first second, the crawl end, reclean, sync --------------------------------------


@pytest.fixture(scope="module")
def small_site() -> Any:
    """A small demo site (a whole crawl in seconds): the crawl-end steps, reclean and sync have a corpus."""
    from migrator.demo.server import DemoServer
    from migrator.demo.site import DemoSite, SiteSpec

    with DemoServer(DemoSite(SiteSpec(articles=40, archive_items=4, slow_seconds=0.2))) as server:
        yield server


class _Command:
    """`migrator ARGS` in a session of its own, its stderr read line by line as it comes."""

    def __init__(self, *args: str) -> None:
        import threading

        self.proc = subprocess.Popen([sys.executable, "-m", "migrator", *args], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.lines: list[str] = []
        assert self.proc.stderr is not None
        stream = self.proc.stderr
        self.reader = threading.Thread(target=lambda: self.lines.extend(stream), daemon=True)
        self.reader.start()

    def said(self, text: str) -> bool:
        return any(text in line for line in self.lines) or self.proc.poll() is not None

    def interrupt(self) -> str:
        """Ctrl-C to the whole group (as a terminal sends it); the command's stderr once it ended."""
        os.killpg(self.proc.pid, signal.SIGINT)
        self.proc.wait(timeout=DEADLINE + 50)  # a guard against a hang, not a measurement
        self.reader.join(10)
        return "".join(self.lines)


def _runs(db: Path) -> list[tuple[int, str, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, command, status FROM runs ORDER BY id").fetchall()


def _assert_stopped_clean(command: _Command, stderr: str) -> None:
    assert command.proc.returncode == 130, stderr[-3000:]
    assert "Traceback" not in stderr and "worker died" not in stderr, stderr[-3000:]
    assert "Aborted!" not in stderr and "stopped by SIGINT" in stderr, stderr[-3000:]  # one line says why
    _assert_group_gone(command.proc.pid)


def test_ctrl_c_as_the_extraction_worker_starts(small_site: Any, tmp_path: Path) -> None:
    """The first second: a worker still importing Python when the group gets the signal must not die of it."""
    db = tmp_path / "site.db"
    command = _Command("crawl", small_site.url + "/", "--db", str(db))
    _wait_for(lambda: command.proc.poll() is not None or any("spawn_main" in cmd for _, cmd in _group(command.proc.pid)),
              120, "no extraction worker started")
    stderr = command.interrupt()
    _assert_stopped_clean(command, stderr)
    assert _runs(db) == [(1, "crawl", "interrupted")]
    resumed = subprocess.run([sys.executable, "-m", "migrator", "crawl", small_site.url + "/", "--db", str(db)],
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0 and "resuming run 1, which was interrupted" in resumed.stderr, resumed.stderr[-3000:]


def test_ctrl_c_during_the_crawl_end_interrupts_the_run_and_the_next_one_does_it(small_site: Any,
                                                                                    tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    command = _Command("crawl", small_site.url + "/", "--db", str(db))
    # the signal follows the first crawl-end step's line at once (polled every 10 ms): the steps after it take
    # most of a second even on this small site (0.7 s measured), longer on a loaded machine
    _wait_for(lambda: command.said("crawl end: "), 300, "the crawl never reached its end", every=0.01)
    stderr = command.interrupt()
    _assert_stopped_clean(command, stderr)
    assert _runs(db) == [(1, "crawl", "interrupted")]
    assert "stopped by SIGINT" in stderr
    resumed = subprocess.run([sys.executable, "-m", "migrator", "crawl", small_site.url + "/", "--db", str(db)],
                             capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming run 1" in resumed.stderr and "crawl end: short entries" in resumed.stderr  # the whole end
    assert _runs(db) == [(1, "crawl", "finished")]


@pytest.fixture(scope="module")
def crawled(small_site: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished crawl of the small site (copied by each test that writes into it)."""
    db = tmp_path_factory.mktemp("crawled") / "site.db"
    done = subprocess.run([sys.executable, "-m", "migrator", "crawl", small_site.url + "/", "--db", str(db)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return db


def _copy(db: Path, to: Path) -> Path:
    """A copy of a database through SQLite's backup (its WAL included)."""
    with sqlite3.connect(db) as source, sqlite3.connect(to) as target:
        source.backup(target)
    return to


def _latest(db: Path, command: str) -> str | None:
    """The status of the latest run of ``command``, None before there is one."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute("SELECT status FROM runs WHERE command = ? ORDER BY id DESC LIMIT 1",
                               [command]).fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _sync_pages(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            row = conn.execute("SELECT pages FROM runs WHERE command = 'sync' ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return 0
    return int(row[0] or 0) if row else 0


def test_ctrl_c_during_reclean_interrupts_its_run(crawled: Path, tmp_path: Path) -> None:
    db = _copy(crawled, tmp_path / "site.db")
    command = _Command("reclean", "--db", str(db))
    _wait_for(lambda: command.proc.poll() is not None or _latest(db, "reclean"), 300, "reclean began no run",
              every=0.01)  # its run begins once every page is read again; its crawl-end steps follow
    stderr = command.interrupt()
    _assert_stopped_clean(command, stderr)
    assert _latest(db, "reclean") == "interrupted"
    again = subprocess.run([sys.executable, "-m", "migrator", "reclean", "--db", str(db)], capture_output=True,
                           text=True, timeout=600)
    assert again.returncode == 0, again.stderr[-3000:]
    assert _latest(db, "reclean") == "finished"


def test_ctrl_c_during_sync_interrupts_its_run_and_the_next_sync_resumes_it(small_site: Any, crawled: Path,
                                                                           tmp_path: Path) -> None:
    db = _copy(crawled, tmp_path / "site.db")
    command = _Command("sync", small_site.url + "/", "--db", str(db))
    _wait_for(lambda: command.proc.poll() is not None or _sync_pages(db) >= 5, 300, "the sync fetched no page")
    stderr = command.interrupt()
    _assert_stopped_clean(command, stderr)
    assert _latest(db, "sync") == "interrupted"
    again = subprocess.run([sys.executable, "-m", "migrator", "sync", small_site.url + "/", "--db", str(db)],
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and "(resumed) finished" in again.stderr, again.stderr[-3000:]
