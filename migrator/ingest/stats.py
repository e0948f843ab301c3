"""What every stage counts into: Scrapy's stats collector during a crawl, a :class:`Counts` anywhere else."""
from __future__ import annotations

from collections import Counter
from typing import Any, Protocol


class Stats(Protocol):
    """The part of Scrapy's ``StatsCollector`` the ingest and the site-wide learning use."""

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None: ...

    def set_value(self, key: str, value: Any) -> None: ...

    def get_value(self, key: str, default: Any = None) -> Any: ...


class Counts(Counter):
    """:class:`Stats` for runs without Scrapy (``migrator extract``, ``reclean``, the distributed loader's tests).

    >>> counts = Counts()
    >>> counts.inc_value("migrator/articles"); counts.inc_value("migrator/articles", 2)
    >>> counts.get_value("migrator/articles"), counts.get_value("migrator/errors", 0)
    (3, 0)
    """

    def inc_value(self, key: str, count: int = 1, start: int = 0) -> None:
        self[key] = self.get(key, start) + count

    def set_value(self, key: str, value: Any) -> None:
        self[key] = value

    def get_value(self, key: str, default: Any = None) -> Any:
        return self.get(key, default)

    def get_stats(self) -> dict[str, Any]:
        return dict(self)
