"""Exceptions the library raises; the CLI turns each into one clear line and a non-zero exit."""
from __future__ import annotations


class MigratorError(Exception):
    """Base class of every error the CLI reports without a traceback."""


class MappingError(MigratorError):
    """A mapping file is unreadable or invalid: names the file, the key and what was expected."""

    def __init__(self, path: str, key: str, expected: str) -> None:
        self.path, self.key, self.expected = path, key, expected
        super().__init__(f"{path}: {key}: expected {expected}")


class TargetError(MigratorError):
    """The crawl target is not a usable URL or mapping file, or its host cannot be reached."""


class StoreError(MigratorError):
    """The database is missing, locked or not a migrator database."""


class LockedError(MigratorError):
    """Another crawl or sync holds the database's lock."""

    exit_code = 3


class PageError(MigratorError):
    """One page cannot be read or parsed: a broken file, a broken gzip stream, a page over the size cap."""
