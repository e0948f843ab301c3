"""Scrapy settings of the migrator project (``scrapy.cfg`` points here).

The ``migrator`` command starts crawls with these settings plus a few per-run overrides
(``MIGRATOR_DB``, ``MIGRATOR_RUN_ID``, ``MIGRATOR_CONFIG``); ``scrapy crawl site -a target=URL``
and Scrapyd use them as they are. ``MIGRATOR_DOWNLOAD_TIMEOUT`` and ``MIGRATOR_DOWNLOAD_MAXSIZE`` in the
environment override the per-page time (seconds) and size (bytes) bounds, ``MIGRATOR_EXTRACT_WORKERS`` the
extraction processes.
"""
from __future__ import annotations

import os

from migrator.limits import MAX_PAGE_BYTES

BOT_NAME = "migrator"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

USER_AGENT = "migrator/0.1 (site migration crawler)"
ROBOTSTXT_OBEY = True
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Throughput on one core: Scrapy's own per-request work is the ceiling (design.md), so the
# spider de-duplicates links itself and CONCURRENT_ITEMS stays small.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
CONCURRENT_ITEMS = 10
DOWNLOAD_DELAY = 0
# Scrapy's downloader lets the asyncio reactor start a host's whole queue at once (spiders/downloader.py).
DOWNLOADER = "spiders.downloader.PoliteDownloader"

# Per-page bounds (migrator/limits.py): a page over the size cap, compressed or not, is abandoned as it
# arrives and counted as a "too-large" error; a page that has not arrived in full in DOWNLOAD_TIMEOUT
# seconds (a drip-feed) is a "timeout". The environment can set both for one run (tests, a slow site).
DOWNLOAD_TIMEOUT = float(os.environ.get("MIGRATOR_DOWNLOAD_TIMEOUT") or 30)
DOWNLOAD_MAXSIZE = int(os.environ.get("MIGRATOR_DOWNLOAD_MAXSIZE") or MAX_PAGE_BYTES)
DOWNLOAD_WARNSIZE = min(DOWNLOAD_MAXSIZE, 5 * 1024 * 1024)

# Transient failures are retried; what still fails reaches the spider and is recorded.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HTTPERROR_ALLOW_ALL = True
REDIRECT_MAX_TIMES = 10

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.OffsiteRedirectMiddleware": 660,  # before the loop check and RedirectMiddleware (600)
    "spiders.middlewares.RedirectLoopMiddleware": 650,
    "spiders.revisit.ConditionalRequestsMiddleware": 580,  # sync runs only
}
ITEM_PIPELINES = {
    "spiders.pipelines.StorePipeline": 300,
}
EXTENSIONS = {
    "spiders.extensions.Progress": 500,
    "scrapy.extensions.logstats.LogStats": None,
}
# seconds between two progress lines (0: none); the environment can set it for one run
PROGRESS_INTERVAL = float(os.environ.get("MIGRATOR_PROGRESS_INTERVAL") or 5.0)

DEFAULT_DROPITEM_LOG_LEVEL = "DEBUG"
LOG_LEVEL = "INFO"
STATS_DUMP = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Per-run settings the migrator command fills in; defaults serve `scrapy crawl site`.
MIGRATOR_DB = "migrator.db"
MIGRATOR_RUN_ID = None
MIGRATOR_MAX_ERRORS = None
MIGRATOR_MODE = "crawl"  # "sync": revisit known articles with conditional requests
# extraction processes beside the reactor; None: one per spare core, 0: inline (the environment can set it too)
MIGRATOR_EXTRACT_WORKERS = int(os.environ["MIGRATOR_EXTRACT_WORKERS"]) if os.environ.get("MIGRATOR_EXTRACT_WORKERS") \
    else None
MIGRATOR_CONDITIONAL = True  # sync sends If-None-Match / If-Modified-Since from stored validators
REMOTE_CONTROL_ENABLED = False
