"""Scrapy's downloader, with its per-host concurrency kept under the asyncio reactor.

Scrapy 2.19's ``Downloader._process_queue`` starts queued requests while ``slot.free_transfer_slots()`` is
positive, but each start is a task (``_schedule_coro``) that marks its request as transferring only when the
event loop runs it: under the asyncio reactor (Scrapy's default, and ours: the extraction pool awaits asyncio
futures) the loop empties the host's whole queue at once, so ``CONCURRENT_REQUESTS_PER_DOMAIN`` (the mapping's
``[crawl] concurrency``) never holds and an old server gets up to ``CONCURRENT_REQUESTS`` requests at once.
Here a request counts as transferring from the moment its start is scheduled (the download itself adds it
again to the same set and removes it when it ends), so the loop stops at the host's limit.
"""
from __future__ import annotations

from typing import Any

from scrapy.core.downloader import Downloader


class PoliteDownloader(Downloader):
    """``DOWNLOADER`` of the project's settings."""

    def _wait_for_download(self, slot: Any, request: Any, queue_dfd: Any) -> Any:
        slot.transferring.add(request)  # before the task runs: _process_queue's loop sees the slot taken
        return super()._wait_for_download(slot, request, queue_dfd)
