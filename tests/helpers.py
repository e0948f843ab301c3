"""What several test modules share: the `migrator` command as a subprocess, and the shared F1 scorer."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

SHARED = Path(__file__).resolve().parents[2] / "shared"


def migrator(*args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    """``python -m migrator ARGS``: each run starts its own Twisted reactor, as a user's would."""
    return subprocess.run([sys.executable, "-m", "migrator", *args], capture_output=True, text=True, timeout=timeout)


def textscore() -> ModuleType:
    """../shared/tools/textscore.py, the project's body-text F1 (standard library only)."""
    spec = importlib.util.spec_from_file_location("textscore", SHARED / "tools" / "textscore.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
