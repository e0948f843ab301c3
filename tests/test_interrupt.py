"""migrator.interrupt on its own: a command that does not stop after the first signal is ended by the grace
timer, cleanups run first, one that fails does not keep the process alive. Each case is a real process that
signals itself; the tests look at how it ended, never at how long it took."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

STUCK = """
import os, signal, threading, time
from migrator import interrupt
interrupt.install()
def cleanup():
    open({marker!r}, "w").write("cleaned")
def failing():
    raise RuntimeError("disk gone")
with interrupt.on_exit(cleanup), interrupt.on_exit(failing), interrupt.graceful(lambda: None):
    threading.Thread(target=lambda: time.sleep(3600)).start()  # a non-daemon thread holds a normal exit
    os.kill(os.getpid(), signal.{signame})
    {after}
    time.sleep(3600)
"""


def _run(tmp_path: Path, signame: str, after: str = "") -> subprocess.CompletedProcess[str]:
    marker = tmp_path / "marker"
    code = textwrap.dedent(STUCK).format(marker=str(marker), signame=signame, after=after)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("signame, status", [("SIGINT", 130), ("SIGTERM", 143)])
def test_a_command_that_ignores_the_stop_is_ended_by_the_grace_timer(tmp_path: Path, signame: str,
                                                                      status: int) -> None:
    done = _run(tmp_path, signame)
    assert done.returncode == status, done.stderr
    assert f"stopped by {signame} (no end 7 s after the signal); exiting now" in done.stderr
    assert "while stopping: disk gone" in done.stderr  # said, and the next cleanup still ran
    assert (tmp_path / "marker").read_text() == "cleaned"


def test_a_second_signal_does_not_wait_for_the_timer(tmp_path: Path) -> None:
    done = _run(tmp_path, "SIGINT", after="os.kill(os.getpid(), signal.SIGINT)")
    assert done.returncode == 130, done.stderr
    assert "stopped by SIGINT (a second signal); exiting now" in done.stderr
    assert (tmp_path / "marker").read_text() == "cleaned"
