"""What several test modules share: the `migrator` command as a subprocess (with its peak memory) and the shared
F1 scorer. The test sites and their server are in :mod:`tests.sites`."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared"


def migrator(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python -m migrator ARGS``: each run starts its own Twisted reactor, as a user's would."""
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=timeout)


#: ``python -m migrator ARGS`` in a fresh process that then prints the peak RSS of its largest child.
_MEASURED = ("import resource, subprocess, sys; "
             "code = subprocess.call([sys.executable, '-m', 'migrator', *sys.argv[1:]]); "
             "print('peak-rss-kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); "
             "sys.exit(code)")


def exported(db: Path) -> list[dict[str, Any]]:
    """The db's records as ``migrator export`` writes them, without the fetch time."""
    proc = migrator("export", "--db", str(db))
    assert proc.returncode == 0, proc.stderr
    return [{k: v for k, v in json.loads(line).items() if k != "fetched_at"} for line in proc.stdout.splitlines()]


def migrator_measured(*args: str, env: dict[str, str] | None = None,
                      timeout: int = 600) -> tuple[subprocess.CompletedProcess[str], int]:
    """:func:`migrator`, and the peak RSS in MB of its largest process (the command or a worker it started),
    as the kernel counted it: the command's own figure, whatever ran before in the test process."""
    done = subprocess.run([sys.executable, "-c", _MEASURED, *args], capture_output=True, text=True, env=env,
                          timeout=timeout)
    head, _, peak = done.stderr.rpartition("peak-rss-kb ")
    done.stderr = head
    return done, int(peak) // 1024


def textscore() -> ModuleType:
    """../shared/tools/textscore.py, the project's body-text F1 (standard library only)."""
    spec = importlib.util.spec_from_file_location("textscore", SHARED / "tools" / "textscore.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Crawled:
    """One finished ``migrator crawl``: the process (its exit code and output) and the database it wrote."""

    proc: subprocess.CompletedProcess[str]
    db: Path

    def records(self) -> list[dict[str, Any]]:
        """The database's records as ``migrator export`` prints them."""
        proc = migrator("export", "--db", str(self.db))
        assert proc.returncode == 0, proc.stderr
        return [json.loads(line) for line in proc.stdout.splitlines()]
