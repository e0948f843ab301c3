"""Scrapyd deployment: the egg ``scrapyd-deploy --build-egg`` makes from the project is uploaded to a real
``scrapyd`` on a loopback port, and its spider crawls a local demo site into SQLite with the project's settings.

The project is copied to a temporary directory first: building an egg writes ``build/`` and ``*.egg-info``
beside ``setup.py``. Scrapyd runs in its own temporary directory, so the spider's code comes from the egg.
"""
from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from migrator.demo.server import DemoServer
from migrator.demo.site import DemoSite, SiteSpec
from migrator.lock import RunLock
from tests.sites.server import free_port

requests = pytest.importorskip("requests", reason="requests comes with scrapyd-client (the test extra)")
pytest.importorskip("scrapyd", reason="scrapyd is not installed: pip install -e '.[test]'")
pytest.importorskip("scrapyd_client", reason="scrapyd-client is not installed: pip install -e '.[test]'")

ROOT = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("migrator", "spiders", "mappings", "pyproject.toml", "setup.py", "scrapy.cfg", "README.md")


def build_egg(tmp: Path) -> Path:
    """``scrapyd-deploy --build-egg`` on a copy of the project, as a deployer runs it."""
    project = tmp / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    egg = tmp / "migrator.egg"
    deploy = Path(sys.executable).with_name("scrapyd-deploy")
    proc = subprocess.run([str(deploy), "--build-egg", str(egg)], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and egg.exists(), proc.stderr[-3000:]
    return egg


#: How long scrapyd may take to answer on its port: it imports Twisted and Scrapy, which takes seconds on a loaded
#: 2-core machine; a scrapyd that does not answer by then is broken, and the test fails saying so.
START_DEADLINE = 180.0


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    """A real scrapyd on a free loopback port, its eggs, logs and queue in a temporary directory.

    The extra is installed here (the module skips without it), so a scrapyd that cannot start or does not answer
    fails the test with its output: a skip would hide a broken scrapyd in CI. Only a port another process took
    between :func:`free_port` and scrapyd's bind is retried, on another port."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    for _ in range(3):
        port = free_port()
        proc, output = start_scrapyd(home, port)
        try:
            trouble = wait_answering(proc, port, output)
            if trouble is None:
                yield f"http://127.0.0.1:{port}"
                return
        finally:
            stop(proc)
        if "Address already in use" not in trouble:
            break
    pytest.fail(f"scrapyd is installed but {trouble}", pytrace=False)


def start_scrapyd(home: Path, port: int) -> tuple[subprocess.Popen[bytes], Path]:
    """``python -m scrapyd`` with a config in ``home``; its output goes to a file (a pipe nobody reads would
    fill with its access log and block it)."""
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\nitems_dir =\nmax_proc = 1\npoll_interval = 0.5\n")
    output = home / f"scrapyd-{port}.out"
    with output.open("wb") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "scrapyd"], cwd=home, stdout=sink, stderr=subprocess.STDOUT)
    return proc, output


def wait_answering(proc: subprocess.Popen[bytes], port: int, output: Path) -> str | None:
    """Wait until scrapyd listens on ``port`` and its daemonstatus.json says "ok"; None then, else what went wrong
    (with the end of its output)."""
    deadline = time.monotonic() + START_DEADLINE
    status: Any = "no answer"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"scrapyd exited with {proc.returncode} before answering: {_tail(output)}"
        if _listening(port):
            try:
                status = requests.get(f"http://127.0.0.1:{port}/daemonstatus.json", timeout=30).json()
                if status.get("status") == "ok":
                    return None
            except (requests.RequestException, ValueError) as exc:  # listening, not answering yet
                status = repr(exc)
        time.sleep(0.2)  # between two polls, not instead of one
    return (f"scrapyd did not answer on port {port} within {START_DEADLINE:.0f} s (last: {status}): "
            f"{_tail(output)}")


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _tail(output: Path) -> str:
    return output.read_text(errors="replace")[-1500:] if output.exists() else "(no output)"


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_finished(url: str, job: str, timeout: float = 180) -> dict[str, Any]:
    """Poll listjobs.json until the job is among the finished ones."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = requests.get(f"{url}/listjobs.json", params={"project": "migrator"}, timeout=30).json()
        done = [j for j in jobs["finished"] if j["id"] == job]
        if done:
            return done[0]
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish in {timeout} s: {jobs}")


def run_job(scrapyd: str, base: str, db: Path) -> str:
    """Schedule the site spider on ``base`` into ``db``; wait for it; its log."""
    scheduled = requests.post(f"{scrapyd}/schedule.json", timeout=10, data={
        "project": "migrator", "spider": "site", "target": base + "/", "setting": f"MIGRATOR_DB={db}"}).json()
    assert scheduled["status"] == "ok", scheduled
    job = wait_finished(scrapyd, scheduled["jobid"])
    return requests.get(f"{scrapyd}{job['log_url']}", timeout=10).text


def test_egg_deploys_to_scrapyd_and_its_spider_crawls_into_sqlite(scrapyd: str, tmp_path: Path) -> None:
    egg = build_egg(tmp_path)
    with egg.open("rb") as body:
        added = requests.post(f"{scrapyd}/addversion.json", data={"project": "migrator", "version": "1"},
                              files={"egg": ("migrator.egg", body)}, timeout=60).json()
    assert added["status"] == "ok" and added["spiders"] == 1, added
    assert requests.get(f"{scrapyd}/listspiders.json", params={"project": "migrator"}, timeout=30).json()["spiders"] == ["site"]

    # Scrapyd's runner activates the egg: the spider, the pipeline and the Drupal profile come from it.
    stored = next((tmp_path / "scrapyd" / "eggs" / "migrator").glob("*.egg"))
    where = subprocess.run([sys.executable, "-c", "import sys; from scrapyd.runner import activate_egg; "
                            "activate_egg(sys.argv[1]); import spiders.site, migrator.mapping as m; "
                            "print(spiders.site.__file__); print(m.load_config(None, start_url='http://a.test/').layers)",
                            str(stored)], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert where.stdout.splitlines() == [f"{stored}/spiders/site.py", "('mappings/drupal6.toml',)"], where.stderr

    db = tmp_path / "site.db"
    site = DemoSite(SiteSpec(articles=20, archive_items=2, slow_seconds=0.1))
    with DemoServer(site) as server:
        base = server.url
        with RunLock(db):  # a `migrator sync` holds the database: the job writes nothing
            log = run_job(scrapyd, base, db)
        assert "another crawl or sync is running on this database" in log, log[-3000:]
        assert not db.exists() or not sqlite3.connect(db).execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        log = run_job(scrapyd, base, db)
        hits = sum(server.hits.values())
    assert "Traceback" not in log and "] ERROR:" not in log, log[-3000:]
    assert "'BOT_NAME': 'migrator'" in log and "spiders.pipelines.StorePipeline" in log  # the project's settings
    assert hits > len(site.truth())
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT command, status FROM runs").fetchall() == [("scrapy crawl", "finished")]
        urls = {row[0] for row in conn.execute("SELECT url FROM articles WHERE state = 'live'")}
    assert urls == {base + record["url"] for record in site.truth()}
