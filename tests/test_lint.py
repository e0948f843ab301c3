"""The code passes its own ruff and mypy configuration (pyproject.toml), so the configuration stays true."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_ruff() -> None:
    done = _run("ruff", "check", "--no-cache", "migrator", "spiders", "tests", "bench")
    assert done.returncode == 0, done.stdout + done.stderr


def test_mypy() -> None:
    done = _run("mypy", "--no-incremental")
    assert done.returncode == 0, done.stdout + done.stderr
