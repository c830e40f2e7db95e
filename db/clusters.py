"""Which candidate stands for its story, and how readers name the outlets that ran it: one rule each."""

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

# The representative: the most authoritative source's copy; among equals the earliest by the article's
# own date (a dated copy before an undated one, whose date we do not know), then the first seen.
REPRESENTATIVE_ORDER = (
    "authority DESC, julianday(published_at) IS NULL, julianday(published_at), first_seen_at, id"
)


def outlet_names(runners: Iterable[tuple[str, str | None, str]]) -> list[str]:
    """The names of the outlets that ran a story, from its copies' (source, outlet, url) in the
    representative order, as a reader would name them: the outlet a page names, or the site it is on
    (its host) for a page that names none or credits an outlet an earlier copy already named (several
    sites running one agency's story). Never the operator's name for a source, which readers do not know."""
    names: list[str] = []
    credited: set[str] = set()
    for _source, outlet, url in runners:
        name = outlet if outlet and outlet not in credited else site_name(url)
        credited.add(outlet)
        if name not in names:
            names.append(name)
    return names


def site_name(url: str) -> str:
    """How a reader names the site a URL is on: its host without www."""
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")
