"""The one way migrator asks a web server for something outside a Scrapy crawl (media downloads, the new
site's reader, the new platform's API): a pooled urllib3 client with keep-alive, at most ``per_host``
connections to a host, retries with backoff on connection errors, 429 and 5xx (a ``Retry-After`` honoured),
redirects left to the caller (each hop must be checked against the hosts it may go to), and bodies read
within a size cap."""
from __future__ import annotations

import urllib3

#: Transient answers worth asking again, with backoff.
RETRY_STATUSES = (429, 500, 502, 503, 504)


def pool(*, per_host: int, timeout: float, user_agent: str, retries: int = 3, backoff: float = 0.5,
         connect_timeout: float = 10.0) -> urllib3.PoolManager:
    """A pool whose threads wait for one of a host's ``per_host`` connections (``block=True``), so no host
    ever sees more at once, however many threads ask.

    >>> client = pool(per_host=2, timeout=5.0, user_agent="migrator-test/1")
    >>> client.connection_pool_kw["maxsize"], client.connection_pool_kw["retries"].total
    (2, 3)
    """
    retry = urllib3.Retry(total=retries, connect=retries, read=retries, status=retries, backoff_factor=backoff,
                          redirect=False, status_forcelist=RETRY_STATUSES, raise_on_status=False,
                          respect_retry_after_header=True)
    return urllib3.PoolManager(num_pools=32, maxsize=per_host, block=True, retries=retry,
                               timeout=urllib3.Timeout(connect=min(connect_timeout, timeout), read=timeout),
                               headers={"User-Agent": user_agent})


def read_capped(response: urllib3.BaseHTTPResponse, max_bytes: int) -> bytes | None:
    """A streamed response's body, or None (the connection dropped, never reused) once it passes
    ``max_bytes``, declared or sent."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        return None
    chunks, size = [], 0
    for chunk in response.stream(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            response.close()
            return None
        chunks.append(chunk)
    response.release_conn()
    return b"".join(chunks)
