"""One crawl or sync at a time per database: an exclusive ``flock`` on ``PATH.lock``, held for the run.

PATH is the database file itself (symlinks resolved), not the name it was given: two names of one
file share one lock.

The kernel drops the lock when its process dies, even by SIGKILL, so a stale lock never blocks
the next run; the lock file itself stays (removing it would race with a starting run).

While a run holds it, the lock file also keeps a little disk space in reserve on the database's own filesystem:
when the disk fills up mid-run, freeing it lets the run still be marked ``interrupted`` (resumable) instead of
being left ``running``.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from migrator.errors import LockedError, StoreError

#: Bytes the lock file holds in reserve for the run's last write (a few WAL frames of the ``runs`` row).
RESERVE_BYTES = 16 * 1024


class RunLock:
    """``with RunLock("site.db"):`` — raises LockedError at once when another process holds it."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(f"{os.path.realpath(db_path)}.lock")
        self._fd: int | None = None
        self._holder = 0

    def acquire(self) -> RunLock:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:  # a missing or read-only directory, a read-only filesystem
            raise StoreError(f"{self.path}: cannot create the run's lock file: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
            os.close(fd)
            raise LockedError(f"{self.path}: another crawl or sync is running on this database "
                              f"(pid {holder}); not started") from None
        os.ftruncate(fd, 0)
        pid_line = f"{os.getpid()}\n".encode()
        os.write(fd, pid_line)
        self._holder = len(pid_line)
        try:
            os.write(fd, b" " * RESERVE_BYTES)  # read back as the pid and blanks
        except OSError:  # the disk is full already: the run's first write will say so
            os.ftruncate(fd, self._holder)
        self._fd = fd
        return self

    def free_reserve(self) -> None:
        """Give the reserved space back to the filesystem (the disk is full: the run's last write needs it)."""
        if self._fd is not None:
            os.ftruncate(self._fd, self._holder)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
