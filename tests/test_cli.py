"""The command line: clear one-line errors, exit codes, export to stdout and to a file."""
from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from migrator.cli import cli
from migrator.errors import LockedError
from migrator.lock import RunLock
from migrator.store import Store


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=120)


def test_unknown_timezone_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:1/", "--db", str(tmp_path / "x.db"),
                                      "--timezone", "Mars/Olympus"])
    assert result.exit_code == 2
    assert "unknown IANA timezone 'Mars/Olympus'" in result.output


def test_target_must_be_url_or_mapping(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["crawl", "old-site", "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "neither an http(s) URL nor a .toml mapping file" in result.output


def test_bad_mapping_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('timezone = 42\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:1/", "--db", str(tmp_path / "x.db"),
                                      "--mapping", str(bad)])
    assert result.exit_code == 2  # as the README and the command's docstring say
    assert "bad.toml" in result.output and "timezone" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", [["status"], ["export"], ["redirects", "--new", "https://new.example.ru"],
                                     ["media", "--download", "media"], ["diff", "--new", "http://127.0.0.1:1/"],
                                     ["learn"], ["reclean"], ["reclean", "--dry-run"],
                                     ["load", "--wordpress", "http://127.0.0.1:1/", "--user", "editor"]],
                         ids=lambda c: " ".join(c[:2]))
def test_a_missing_database_is_one_line_and_exit_2_for_every_command(tmp_path: Path, command: list[str]) -> None:
    if command[0] == "load":
        (tmp_path / "password").write_text("abcd efgh ijkl mnop qrst uvwx\n", encoding="utf-8")
        command = [*command, "--password-file", str(tmp_path / "password")]
    proc = run(*command, "--db", str(tmp_path / "none.db"))
    assert proc.returncode == 2, proc.stderr  # bad arguments, as the README's table says
    assert proc.stderr.strip().splitlines() == [f"Error: {tmp_path / 'none.db'}: no such database "
                                                "(run `migrator crawl` first)"]
    assert not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("command", [["worker", "http://127.0.0.1:1/"], ["crawl", "http://127.0.0.1:1/", "--db", "x.db"]],
                         ids=["worker", "crawl"])
def test_redis_that_does_not_answer_is_one_line_and_exit_1(tmp_path: Path, command: list[str]) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.run([sys.executable, "-m", "migrator", *command, "--redis", f"redis://127.0.0.1:{port}/0"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [f"Error: cannot reach Redis at redis://127.0.0.1:{port}/0: "
                                                f"Error 111 connecting to 127.0.0.1:{port}. Connection refused."]


def test_unreachable_host_fails_with_reason(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = run("crawl", f"http://127.0.0.1:{port}/", "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 1
    assert "no page could be fetched" in proc.stderr and "connection-refused" in proc.stderr
    assert "Traceback" not in proc.stderr  # Scrapy's 60-line traceback of the refused connection: only with -v


def test_crawl_max_pages_and_export_to_file(demo_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "small.db"
    proc = run("crawl", demo_server.url + "/", "--db", str(db), "--timezone", "Europe/Moscow", "--max-pages", "40")
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = tmp_path / "a.jsonl"
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--format", "jsonl", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert 0 < len(lines) <= 40
    assert all(json.loads(line)["published_at"] for line in lines)


def test_mapping_without_start_url_is_a_usage_error(tmp_path: Path) -> None:
    mapping = tmp_path / "site.toml"
    mapping.write_text('timezone = "Europe/Moscow"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", str(mapping), "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2
    assert "names no start URL" in result.output


def test_db_in_a_missing_directory_is_a_usage_error(tmp_path: Path) -> None:
    proc = run("crawl", "http://127.0.0.1:1/", "--db", str(tmp_path / "no" / "site.db"))
    assert proc.returncode == 2
    assert "does not exist" in proc.stderr and "Traceback" not in proc.stderr


def _migrator_db(path: Path) -> Path:
    store = Store(path)
    store.finish_run(store.begin_run("crawl", "http://old.example.ru/", {}), "finished", {})
    store.close()
    return path


def test_reclean_while_a_crawl_holds_the_lock_exits_3(tmp_path: Path) -> None:
    db = _migrator_db(tmp_path / "site.db")
    with RunLock(db):  # as a running crawl holds it
        result = CliRunner().invoke(cli, ["reclean", "--db", str(db)])
    assert result.exit_code == 3, result.output
    assert "another crawl or sync is running" in result.output and "Traceback" not in result.output


def test_lock_follows_the_database_file_through_a_symlink(tmp_path: Path) -> None:
    db = _migrator_db(tmp_path / "site.db")
    link = tmp_path / "alias.db"
    link.symlink_to(db)
    with RunLock(db):
        with pytest.raises(LockedError):
            RunLock(link).acquire()


@pytest.mark.parametrize("command", [["export"], ["status"], ["diff", "--against-run", "1"],
                                     ["redirects", "--new", "https://new.example.ru"]])
@pytest.mark.parametrize("kind", ["empty", "other-application"])
def test_reading_commands_never_write_into_a_file_they_did_not_create(tmp_path: Path, command: list[str],
                                                                      kind: str) -> None:
    db = tmp_path / "app.db"
    if kind == "empty":
        db.touch()
    else:
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
            conn.execute("INSERT INTO notes (text) VALUES ('keep me')")
        conn.close()
    before = db.read_bytes()
    result = CliRunner().invoke(cli, [command[0], "--db", str(db), *command[1:]])
    assert result.exit_code == 2, result.output
    assert "not a migrator database" in result.output
    assert db.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no -wal, -shm or lock beside it


def test_diff_against_a_run_that_does_not_exist_is_trouble(tmp_path: Path) -> None:
    db = _migrator_db(tmp_path / "site.db")
    result = CliRunner().invoke(cli, ["diff", "--db", str(db), "--against-run", "5"])
    assert result.exit_code == 2
    assert "no run 5" in result.output


def _crawled_once(db: Path, article: Any) -> None:
    """One finished crawl run that stored ``article``."""
    store = Store(db)
    run = store.begin_run("crawl", "http://old.example.ru/", {})
    with store.batch():
        store.save_article(article, run)
    store.finish_run(run, "finished", {})
    store.close()


def test_diff_exit_codes_no_differences_then_differences(tmp_path: Path) -> None:
    from migrator.record import Article

    db = tmp_path / "site.db"
    article = Article(source_id="node/1", url="http://old.example.ru/node/1", title="Лазер в Томске",
                      published_at="2014-10-01T10:00:00+04:00", body_html="<p>Первый абзац текста.</p>",
                      body_text="Первый абзац текста.")
    _crawled_once(db, article)
    same = CliRunner().invoke(cli, ["diff", "--db", str(db), "--against-run", "1"])
    assert same.exit_code == 0, same.output
    article.title = "Лазер в Новосибирске"
    _crawled_once(db, article)
    changed = CliRunner().invoke(cli, ["diff", "--db", str(db), "--against-run", "1"])
    assert changed.exit_code == 1, changed.output


def test_redirects_take_the_new_base_from_the_mapping(tmp_path: Path) -> None:
    db = _migrator_db(tmp_path / "site.db")
    mapping = tmp_path / "site.toml"
    mapping.write_text('[new_platform]\nbase_url = "https://new.example.ru"\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["redirects", "--db", str(db), "--mapping", str(mapping), "--format", "csv"])
    assert result.exit_code == 0, result.output
    missing = CliRunner().invoke(cli, ["redirects", "--db", str(db)])
    assert missing.exit_code == 2 and "base_url" in missing.output


@pytest.mark.parametrize("name", sorted(cli.commands))
def test_every_help_ends_with_an_example(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0
    last = result.output.strip().split("\n\n")[-1]
    assert last.lstrip().startswith("Example") and f"migrator {name}" in last


def test_demo_serve_binds_the_given_port() -> None:
    import subprocess as sp
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = sp.Popen([sys.executable, "-m", "migrator", "demo", "--serve", "--articles", "20", "--port", str(port)],
                    stdout=sp.PIPE, stderr=sp.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    assert response.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the demo site never answered on the given port")
    finally:
        proc.send_signal(2)
        proc.communicate(timeout=30)


def test_demo_serve_shrugs_off_clients_that_hang_up(tmp_path: Path) -> None:
    """Clients that reset the connection before, during and after their answer (a crawl stopped mid-page): the
    served demo prints no traceback and goes on answering."""
    import struct
    import time
    import urllib.request

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "migrator", "demo", "--serve", "--articles", "20", "--port",
                             str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()
                break
            except OSError:
                time.sleep(0.2)
        for n in range(60):
            client = socket.create_connection(("127.0.0.1", port), timeout=5)
            if n % 3:  # a request (or two, kept alive), maybe a few bytes of the answer read
                client.sendall(f"GET /node/{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * (n % 3))
            if n % 3 == 2:
                client.recv(64)
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # a reset, not a FIN
            client.close()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as response:
            assert response.status == 200
    finally:
        proc.send_signal(2)
        _, stderr = proc.communicate(timeout=30)
    assert "Traceback" not in stderr and "Error" not in stderr, stderr[-3000:]
