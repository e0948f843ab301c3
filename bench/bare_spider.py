"""The baseline: a bare Scrapy spider that only follows links (no extraction, cleaning or storing).

Same site, same scope (allowed host, robots.txt, the profile's deny rules; budgeted patterns such as
the calendar are denied outright), Scrapy's own duplicate filter.
Run by bench/crawl_bench.py as ``python bench/bare_spider.py URL [DENY_JSON [MAX_PAGES]]`` in its own process;
MAX_PAGES stops scheduling after that many distinct URLs, as ``migrator crawl --max-pages`` does.
"""
from __future__ import annotations

import json
import re
import sys
import time
from urllib.parse import urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start: str, deny: list[str], max_pages: int | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.start_urls = [start]
        self.host = urlsplit(start).netloc
        self.deny = [re.compile(p) for p in deny]
        self.max_pages = max_pages
        self.scheduled: set[str] = {start}

    def parse(self, response: scrapy.http.Response):  # type: ignore[override]
        if not isinstance(response, scrapy.http.TextResponse):
            return
        for href in response.xpath("//a/@href").getall():
            url = response.urljoin(href)
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.netloc == self.host and not any(r.search(target) for r in self.deny):
                url = url.split("#")[0]
                if self.max_pages is not None:  # a capped crawl: distinct URLs up to the cap, then nothing more
                    if url in self.scheduled or len(self.scheduled) >= self.max_pages:
                        continue
                    self.scheduled.add(url)
                yield scrapy.Request(url, callback=self.parse)


def main() -> None:
    start, deny = sys.argv[1], json.loads(sys.argv[2]) if len(sys.argv) > 2 else []
    max_pages = int(sys.argv[3]) if len(sys.argv) > 3 else None
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 8, "CONCURRENT_ITEMS": 10, "TELNETCONSOLE_ENABLED": False,
        "RETRY_TIMES": 3, "COOKIES_ENABLED": False,
        # the pipeline's per-host limit really holds (spiders/downloader.py); Scrapy's own downloader would let
        # this crawl run 16 requests at once on the one host, so the two would not be crawling alike
        "DOWNLOADER": "spiders.downloader.PoliteDownloader",
    })
    crawler = process.create_crawler(BareSpider)
    started = time.monotonic()
    process.crawl(crawler, start=start, deny=deny, max_pages=max_pages)
    process.start()
    seconds = time.monotonic() - started
    pages = crawler.stats.get_value("response_received_count", 0)
    print(json.dumps({"pages": pages, "seconds": round(seconds, 3)}))


if __name__ == "__main__":
    main()
