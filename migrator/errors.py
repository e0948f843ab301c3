"""Exceptions the library raises; the CLI turns each into one clear line and a non-zero exit."""
from __future__ import annotations


class MigratorError(Exception):
    """Base class of every error the CLI reports without a traceback, exiting ``exit_code``."""

    exit_code = 1


class MappingError(MigratorError):
    """A mapping file is unreadable or invalid: names the file, the key and what was expected."""

    def __init__(self, path: str, key: str, expected: str) -> None:
        self.path, self.key, self.expected = path, key, expected
        super().__init__(f"{path}: {key}: expected {expected}")

    exit_code = 2  # bad input, as a bad option is


class TargetError(MigratorError):
    """The crawl target is not a usable URL or mapping file, or its host cannot be reached."""


class StoreError(MigratorError):
    """The database is missing, cannot be written, or is not a migrator database (``exit_code=2``: bad input)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class LockedError(MigratorError):
    """Another crawl or sync holds the database's lock."""

    exit_code = 3


class PageError(MigratorError):
    """One page cannot be read or parsed: a broken file, a broken gzip stream, a page over the size cap."""
