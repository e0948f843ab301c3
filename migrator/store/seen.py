"""A crawl's seen-set of URLs on disk: the one table outside the database, private to one crawl process."""
from __future__ import annotations

import os
import sqlite3
import tempfile
from typing import Iterator


class SeenSet:
    """A set of URLs kept on disk (a private SQLite file), so a crawl of millions of URLs stays flat in
    memory; the most recent URLs (menus, sidebars: the links every page repeats) answer from RAM.

    >>> seen = SeenSet()
    >>> seen.add("http://d.test/a"), seen.add("http://d.test/a"), "http://d.test/a" in seen, len(seen)
    (True, False, True, 1)
    """

    #: Recent URLs answered from memory before asking the file.
    HOT = 20000

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="migrator-seen-", suffix=".db")
        os.close(fd)
        self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("CREATE TABLE seen (url TEXT PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("BEGIN")  # one long transaction: nothing here needs to survive a crash
        self.hot: dict[str, None] = {}
        self.count = 0

    def add(self, url: str) -> bool:
        """Add ``url``; True when it was not there yet."""
        if url in self.hot:
            return False
        if len(self.hot) >= self.HOT:
            self.hot.clear()
        self.hot[url] = None
        added = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (url,)).rowcount == 1
        self.count += added
        return added

    def __contains__(self, url: object) -> bool:
        return url in self.hot or self.db.execute("SELECT 1 FROM seen WHERE url = ?", (url,)).fetchone() is not None

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return (row[0] for row in self.db.execute("SELECT url FROM seen"))

    def close(self) -> None:
        self.db.close()
        try:
            os.unlink(self.path)
        except OSError:
            pass

    def __del__(self) -> None:
        if os.path.exists(getattr(self, "path", "")):
            self.close()
