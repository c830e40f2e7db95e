"""Sources split among N crawl processes by site: a site's sources all go to one shard, so its politeness holds."""

from __future__ import annotations

import hashlib

from crawler.configuration.sources import Source
from crawler.errors import NewsdeskError
from crawler.formats.canonical import site_of


def parse_shard(text: str) -> tuple[int, int]:
    """`i/N` (1 <= i <= N) -> (i, N), or a one-line error saying what is expected."""
    index, _, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        i = n = 0
    if n < 1 or not 1 <= i <= n:
        raise NewsdeskError(f"--shard {text!r}: expected i/N with 1 <= i <= N, e.g. --shard 1/2")
    return i, n


def shard_of(url: str, count: int) -> int:
    """The shard (1..count) of the site of a URL: a stable hash of the site, the same in every process."""
    digest = hashlib.sha1(site_of(url).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(sources: list[Source], shard: tuple[int, int] | None) -> list[Source]:
    """Those of the sources whose site falls in shard i of N (all of them without a shard)."""
    if shard is None:
        return sources
    index, count = shard
    return [s for s in sources if shard_of(s.url, count) == index]
