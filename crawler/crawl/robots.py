"""robots.txt as RFC 9309 reads it: one that cannot be read (5xx, timeout, no connection) disallows its
host for this crawl; a missing one (4xx) allows everything. Read once per host per crawl, whatever the number
of its sources; nothing is remembered across crawls."""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.crawl.failures import Refused, describe_failure
from crawler.crawl.runs import RUN


class RobotsUnreadable(Refused):
    """A request to a host whose robots.txt could not be read this run; the message names the robots.txt."""


@dataclass(frozen=True)
class Unreadable:
    """Stands in for a host's robots.txt parser when the file could not be read: nothing is allowed."""

    message: str


class RobotsRule(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with RFC 9309's rule for a robots.txt that cannot be read."""

    async def robot_parser(self, request: Request):
        url = urlparse_cached(request)
        if url.netloc not in self._parsers:
            waiting = self._parsers[url.netloc] = Deferred()
            parser = await self._read(f"{url.scheme}://{url.netloc}/robots.txt", url.netloc, request)
            self._parsers[url.netloc] = parser
            waiting.callback(parser)
        parser = self._parsers[url.netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _read(self, robots_url: str, host: str, asking: Request):
        # Fetched once per host in a crawl, for the run that first asks, in its site's download slot.
        meta = {key: asking.meta[key] for key in (RUN, "download_slot") if key in asking.meta}
        robots_request = Request(robots_url, priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                                 meta={"dont_obey_robotstxt": True, **meta})
        try:
            response = await self.crawler.engine.download_async(robots_request)
        except IgnoreRequest:
            return None  # refused by our own rules (say a redirect loop): treated as no robots.txt, as Scrapy does
        except Exception as exc:  # a timeout, a refused connection, a host that does not resolve...
            failure = Failure(exc)
            failure.request = robots_request
            reason = describe_failure(failure, self.crawler.settings).split(";")[0]
            return Unreadable(_unreadable(robots_url, host, reason))
        if response.status >= 500:
            return Unreadable(_unreadable(robots_url, host, f"HTTP {response.status}"))
        # 4xx: there is no robots.txt, so everything is allowed (the error page's body is no robots.txt).
        body = response.body if response.status < 400 else b""
        return build_from_crawler(self._parserimpl, self.crawler, body)

    def process_request_2(self, rp, request: Request) -> None:
        if isinstance(rp, Unreadable):
            raise RobotsUnreadable(rp.message)
        super().process_request_2(rp, request)


def _unreadable(robots_url: str, host: str, reason: str) -> str:
    return (f"{robots_url} could not be read ({reason}): nothing fetched from {host} this run, "
            "as RFC 9309 asks; it is tried again next run")
