"""Opening a migrator database: the connection, its pragmas, the schema brought up to date, transactions."""
from __future__ import annotations

import json
import sqlite3
import weakref
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils

from migrator.errors import StoreError
from migrator.store import schema


def utcnow() -> str:
    """Now, as ISO 8601 UTC with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def dumps(value: Any) -> str:
    """JSON as the store keeps it: UTF-8 text, not ``\\u`` escapes."""
    return json.dumps(value, ensure_ascii=False)


def _plain(value: Any) -> Any:
    """A value as sqlite-utils writes it: lists, tuples and dicts as JSON (non-ASCII kept, ``repr`` for the rest)."""
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, default=repr, ensure_ascii=False)
    return value


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


#: The writing stores open in this process, for :func:`mark_run` to release before a forced exit.
_writers: weakref.WeakSet[Database] = weakref.WeakSet()


def mark_run(path: str | Path, run_id: int, status: str) -> None:
    """Set a ``running`` run's status on its own short connection: for a process about to end at once.

    A signal handler runs on the main thread between two statements of whatever it was doing, maybe
    inside a transaction of this process's own store (the pipeline storing an item): that transaction
    holds the write lock and would never end, so it is rolled back first (its page is fetched again when
    the run resumes). Locks held by other threads or processes are waited for two seconds at most."""
    for store in list(_writers):
        store.abandon()
    conn = sqlite3.connect(path, timeout=2.0)
    try:
        with conn:
            conn.execute("UPDATE runs SET status = ?, finished_at = ? WHERE id = ? AND status = 'running'",
                         [status, utcnow(), run_id])
    finally:
        conn.close()


class Database:
    """A migrator database on disk (created on first use); the table families add their statements to it."""

    def __init__(self, path: str | Path, *, create: bool = True, readonly: bool = False) -> None:
        """``create=False``: the file must exist and be a migrator database (nothing is written into another
        application's file); ``readonly``: opened read-only (SQLite ``mode=ro``), for the commands that only
        read (export, status, redirects, diff), which then work in a read-only directory too."""
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{self.path}: no such database (run `migrator crawl` first)", exit_code=2)
        try:
            self.db = sqlite_utils.Database(self._open_readonly() if readonly else sqlite3.connect(self.path))
            self._check_ours(create)
            if not readonly:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=5000")
            if not readonly:
                schema.upgrade(self.db)
        except sqlite3.DatabaseError as exc:  # not a database, unreadable, read-only file or directory
            bad = "not a database" in str(exc)
            raise StoreError(f"{self.path}: cannot {'open' if bad or readonly else 'write'} the database: {exc}",
                             exit_code=2 if bad else 1) from exc
        if not readonly:
            _writers.add(self)
        self._depth = 0
        self._sql: dict[tuple[Any, ...], str] = {}  # the statements of upsert() and insert_rows(), by shape

    def _open_readonly(self) -> sqlite3.Connection:
        """A read-only connection; in a read-only directory a WAL database has no ``-shm`` file to share, so
        it is read as immutable (nobody can be writing it there)."""
        uri = self.path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = sqlite3.connect(uri + "&immutable=1", uri=True)
        return conn

    def _check_ours(self, create: bool) -> None:
        """An existing file must already be a migrator database: another application's SQLite file (tables,
        none of them ours) gets no tables of ours; without ``create``, an empty file gets none either."""
        tables = {row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if create:
            if tables and not tables & schema.OWN_TABLES:
                raise StoreError(f"{self.path}: not a migrator database (tables " + ", ".join(sorted(tables)[:5])
                                 + "); nothing was written to it", exit_code=2)
            return
        if not {"meta", "runs", "articles"} <= tables:
            what = "an empty database" if not tables else "tables " + ", ".join(sorted(tables)[:5])
            raise StoreError(f"{self.path}: not a migrator database ({what}); nothing was written to it", exit_code=2)

    def upsert(self, table: str, row: dict[str, Any], pk: str | tuple[str, ...]) -> None:
        """``sqlite_utils`` ``table.upsert(row, pk=pk)``, the same row written, without its per-call introspection
        of the table (the per-page writes: a crawl's storage cost). The table and its columns must exist."""
        columns = tuple(row)
        key = ("upsert", table, columns, pk)
        sql = self._sql.get(key)
        if sql is None:
            keys = (pk,) if isinstance(pk, str) else pk
            rest = [c for c in columns if c not in keys]
            sql = (f"INSERT INTO {_quoted(table)} ({', '.join(map(_quoted, columns))}) "
                   f"VALUES ({', '.join('?' * len(columns))}) ON CONFLICT({', '.join(map(_quoted, keys))}) "
                   + ("DO UPDATE SET " + ", ".join(f"{_quoted(c)} = excluded.{_quoted(c)}" for c in rest)
                      if rest else "DO NOTHING"))
            self._sql[key] = sql
        self._write(sql, [[_plain(row[c]) for c in columns]])

    def insert_rows(self, table: str, rows: list[dict[str, Any]], *, ignore: bool = False) -> None:
        """``sqlite_utils`` ``table.insert_all(rows, ignore=ignore)`` (columns: every key of the rows, a row
        without one writes NULL there), the same rows written, without its per-call introspection."""
        if not rows:
            return
        columns = tuple(dict.fromkeys(c for row in rows for c in row))
        key = ("insert", table, columns, ignore)
        sql = self._sql.get(key)
        if sql is None:
            sql = (f"INSERT{' OR IGNORE' if ignore else ''} INTO {_quoted(table)} "
                   f"({', '.join(map(_quoted, columns))}) VALUES ({', '.join('?' * len(columns))})")
            self._sql[key] = sql
        self._write(sql, [[_plain(row.get(c)) for c in columns] for row in rows])

    def _write(self, sql: str, params: list[list[Any]]) -> None:
        """Statements in the open transaction, else in one of their own (as ``sqlite_utils`` writes)."""
        conn = self.db.conn
        if conn.in_transaction:
            conn.executemany(sql, params)
            return
        with self.batch():
            conn.executemany(sql, params)

    @contextmanager
    def batch(self) -> Iterator[None]:
        """Group writes into one transaction (nested batches join the outer one)."""
        conn = self.db.conn
        self._depth += 1
        try:
            if self._depth == 1:
                conn.execute("BEGIN")
            yield
            if self._depth == 1:
                conn.execute("COMMIT")
        except BaseException:
            if self._depth == 1 and conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        finally:
            self._depth -= 1

    def close(self) -> None:
        self.db.close()
        _writers.discard(self)

    def abandon(self) -> None:
        """Roll back this store's open transaction, when the calling thread owns the connection (a process
        about to exit at once: see :func:`mark_run`); the store must not be written again."""
        conn = self.db.conn
        try:
            if conn.in_transaction:
                conn.rollback()
        except sqlite3.Error:  # another thread's connection (sqlite3 refuses it), or already closed
            pass

    def migrations(self) -> list[str]:
        """The schema migrations this file has had, in order."""
        return schema.applied(self.db)

    def _get(self, table: str, source_id: str) -> dict[str, Any] | None:
        rows = list(self.db[table].rows_where("source_id = ?", [source_id], limit=1))
        return rows[0] if rows else None
