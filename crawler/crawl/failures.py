"""Turn a failed download into one line an operator can act on."""

from __future__ import annotations

import time

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError

# Scrapy's own exception for a compressed body that unpacks beyond DOWNLOAD_MAXSIZE (a gzip bomb).
from scrapy.utils._compression import _DecompressionMaxSizeExceeded
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

FIRST_TRY_AT = "first_try_at"  # request.meta: time.monotonic() of a request's first try (middlewares.TryClock)


class Refused(IgnoreRequest):
    """A request Newsdesk does not make (crawler/formats/fetch_rules.py says why); its message is the one line
    the run reports."""


class AlreadyStored(IgnoreRequest):
    """The article is in the store already; not an error, a duplicate."""


class SiteAskedToWait(IgnoreRequest):
    """The site asked us to come back later than we wait for (Retry-After); the message says until when."""


def describe_failure(failure: Failure, settings) -> str:
    """A one-line reason for a failed request, naming what to do where there is something to do."""
    exc = failure.value
    if failure.check(Refused, SiteAskedToWait):
        return str(exc)
    if failure.check(HttpError):
        status = exc.response.status
        hint = {404: "the page is gone; check the URL", 403: "the site refuses us; check the URL or contact it",
                410: "the page is gone for good", 429: "the site asks us to slow down"}.get(status)
        if status >= 500:
            hint = "the site is failing; it will be retried next run"
        return f"HTTP {status}" + (f": {hint}" if hint else "")
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return _timed_out(getattr(failure, "request", None), settings.getfloat("DOWNLOAD_TIMEOUT"))
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "cannot resolve the host name; check the URL"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection refused; the site is down or the port is wrong"
    if (failure.check(DownloadCancelledError) or "max size" in str(exc).lower()
            or isinstance(exc.__cause__, _DecompressionMaxSizeExceeded)):
        limit = settings.getint("DOWNLOAD_MAXSIZE") / 1024 / 1024
        return f"larger than max_page_mb ({limit:g} MB); not downloaded"
    if failure.check(ResponseDataLossError):
        return "the connection closed before the page was complete"
    if failure.check(IgnoreRequest) and "robots.txt" in str(exc):
        return "forbidden by the site's robots.txt; not fetched"
    if failure.check(IgnoreRequest) and "redirect" in str(exc).lower():
        return f"too many redirects (more than {settings.getint('REDIRECT_MAX_TIMES')}); a redirect loop?"
    if failure.check(DownloadFailedError):
        return f"download failed: {exc}"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _timed_out(request, limit: float) -> str:
    """A timeout, with how many tries it took and how long they all took (retries and backoff add up)."""
    meta = request.meta if request is not None else {}
    tries = meta.get("retry_times", 0) + 1
    started = meta.get(FIRST_TRY_AT)
    spent = f", {tries} tries over {time.monotonic() - started:.0f} s" if tries > 1 and started is not None else ""
    return f"timed out: no complete answer within {limit:g} s{spent}; the site is slow or down"
