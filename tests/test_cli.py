"""The command line: clear one-line errors, exit codes, export to stdout and to a file."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from migrator.cli import cli


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
    assert result.exit_code != 0
    assert "bad.toml" in result.output and "timezone" in result.output
    assert "Traceback" not in result.output


def test_export_of_missing_database_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1
    assert "no such database" in result.output


def test_unreachable_host_fails_with_reason(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = run("crawl", f"http://127.0.0.1:{port}/", "--db", str(tmp_path / "x.db"))
    assert proc.returncode == 1
    assert "no page could be fetched" in proc.stderr and "connection-refused" in proc.stderr


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
