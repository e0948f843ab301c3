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


#: Articles whose date and time were printed without an offset while no zone was given (read as UTC).
ZONE_FREE = "migrator/dates/no-zone"


#: The stages a crawl's seconds are counted by (stats ``migrator/seconds/<key>``), in the summary's order:
#: ``fetch`` the fetching phase, start to crawl end (wall; the pages' extraction and storing run during it),
#: ``extract`` the extraction of the fetched pages (summed, in whichever process ran it), ``store`` the per-page
#: transactions (summed), ``crawl-end`` what the site shows as a whole (wall).
STAGES = {"fetch": "fetch", "extract": "extract", "store": "store", "crawl-end": "crawl end"}


def add_seconds(stats: Stats, stage: str, seconds: float) -> None:
    """Count ``seconds`` to ``stage`` (a key of :data:`STAGES`, or ``crawl-end/<step>``).

    >>> counts = Counts()
    >>> add_seconds(counts, "store", 0.25); add_seconds(counts, "store", 0.5)
    >>> seconds_by_stage(counts.get_stats())
    {'store': 0.75}
    """
    key = f"migrator/seconds/{stage}"
    stats.set_value(key, stats.get_value(key, 0.0) + seconds)


def seconds_by_stage(stats: dict[str, Any], prefix: str = "migrator/seconds/") -> dict[str, float]:
    """The stages' seconds in the stats, rounded, in :data:`STAGES` order (the steps of the crawl end apart:
    ``prefix="migrator/seconds/crawl-end/"``)."""
    found = {k[len(prefix):]: round(float(v), 2) for k, v in stats.items() if k.startswith(prefix)
             and "/" not in k[len(prefix):]}
    order = list(STAGES) if prefix == "migrator/seconds/" else list(found)
    return {k: found[k] for k in order if k in found}
