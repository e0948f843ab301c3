"""SIGINT and SIGTERM end any command within a deadline; a second signal ends it at once.

The first signal asks the command to stop: a crawl stops the way Scrapy stops gracefully (the run is
recorded ``interrupted`` and resumes from its frontier), any other command gets a KeyboardInterrupt.
If the command has not ended ``GRACE`` seconds later, or when a second signal comes, the process
exits at once with ``os._exit``: a non-daemon thread (Twisted's thread pool, a ThreadPoolExecutor's
workers in the middle of a request) would otherwise hold the interpreter's exit for as long as it
likes. The cleanups registered with :func:`on_exit` run first (they mark the run interrupted).
The exit status is 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), as shells report it.
Long work that runs under :func:`graceful` (a crawl's end) calls :func:`check` between its steps, which raises
:class:`Interrupted` once a signal came; child processes started inside :func:`held` never see the signals
their process group gets (Ctrl-C signals the whole group): the parent decides when they stop.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

logger = logging.getLogger(__name__)

#: Seconds a command gets after the first signal to end by itself (the deadline is 10 s).
GRACE = 7.0
SIGNALS = (signal.SIGINT, signal.SIGTERM)

_received: list[int] = []
_stops: list[Callable[[], None]] = []
_cleanups: list[Callable[[], None]] = []
_exiting = threading.Lock()


class Interrupted(Exception):
    """A signal came while long work ran under :func:`graceful`: it stops at the next :func:`check`."""


def check() -> None:
    """Raise :class:`Interrupted` when a signal has been received (call it between steps of long work)."""
    if _received:
        raise Interrupted(stopped_by())


def stopped_by() -> str:
    """What the first signal received did, for a message: "stopped by SIGINT" (SIGINT when none came: a
    KeyboardInterrupt raised by Python itself)."""
    return f"stopped by {signal.Signals(_received[0] if _received else signal.SIGINT).name}"


@contextmanager
def held() -> Iterator[None]:
    """SIGINT and SIGTERM held (blocked, not lost) in this thread inside: a process started here inherits them
    blocked, so a Ctrl-C that comes while it is still importing Python cannot kill it with a traceback.
    A signal that comes meanwhile is handled as the block ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def install() -> None:
    """Handle SIGINT and SIGTERM in this process (the main thread's job, once, at start)."""
    for signum in SIGNALS:
        signal.signal(signum, _handle)


def received() -> int | None:
    """The first signal received, if any."""
    return _received[0] if _received else None


def exit_code() -> int | None:
    """128 + the first signal's number, when one was received."""
    return 128 + _received[0] if _received else None


def _handle(signum: int, frame: Any) -> None:
    _received.append(signum)
    if len(_received) > 1:
        exit_now()
        return
    timer = threading.Timer(GRACE, exit_now)
    timer.daemon = True
    timer.start()
    if _stops:
        _stops[-1]()
    else:
        raise KeyboardInterrupt


def exit_now() -> None:
    """Run the cleanups, say why in one line, and end the process now (threads and all)."""
    if not _exiting.acquire(blocking=False):
        return  # the deadline and a second signal raced: one of them does it
    for cleanup in reversed(_cleanups):
        try:
            cleanup()
        except Exception as exc:  # a cleanup that fails must not keep the process alive
            sys.stderr.write(f"migrator: while stopping: {exc}\n")
    signum = received() or signal.SIGTERM
    why = "a second signal" if len(_received) > 1 else f"no end {GRACE:.0f} s after the signal"
    sys.stderr.write(f"migrator: stopped by {signal.Signals(signum).name} ({why}); exiting now\n")
    sys.stderr.flush()
    os._exit(128 + signum)


@contextmanager
def graceful(stop: Callable[[], None]) -> Iterator[None]:
    """Inside, the first signal calls ``stop()`` (it must only schedule the stop) instead of raising
    KeyboardInterrupt; a signal received before this block is entered calls it at once."""
    _stops.append(stop)
    try:
        if _received:
            stop()
        yield
    finally:
        _stops.remove(stop)


@contextmanager
def on_exit(cleanup: Callable[[], None]) -> Iterator[None]:
    """Inside, a forced exit runs ``cleanup()`` first (keep it short: the deadline is running)."""
    _cleanups.append(cleanup)
    try:
        yield
    finally:
        _cleanups.remove(cleanup)
