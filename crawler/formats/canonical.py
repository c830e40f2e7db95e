"""Canonical URLs: one address per article, whatever tracking a link carried."""

from __future__ import annotations

import ipaddress
from functools import cache
from urllib.parse import (
    parse_qsl,
    quote,
    unquote,
    urlencode,
    urljoin,
    urlsplit,
    urlunsplit,
)

import tldextract

# Parameters that say who sent the reader, never which page it is.
TRACKING_PARAMS = {
    "spm", "from", "fromid", "ref", "referer", "referrer", "share", "shareid",
    "share_id", "share_token", "sharer", "sharesource", "share_source", "scene", "clicktime",
    "enterid", "isappinstalled", "wfr", "fr", "fbclid", "gclid", "dclid", "msclkid", "yclid",
    "mc_cid", "mc_eid", "igshid", "_hsenc", "_hsmi", "mkt_tok", "vd_source", "sessionid",
    "timestamp", "rand", "nsukey", "chksm", "sharer_sharetime", "sharer_shareid",
    "s_channel", "s_trackid", "tt_from", "utm",
}
TRACKING_PREFIXES = ("utm_", "share_", "wt.", "hmsr", "hmpl", "hmcu", "hmkw", "hmci", "pk_", "mtm_")
DEFAULT_PORTS = {"http": 80, "https": 443}
WEB_SCHEMES = ("http", "https")  # the only schemes Newsdesk fetches (crawler/formats/fetch_rules.py) or files an article under


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str, *, declared: str | None = None) -> str:
    """The article's one address: the page's own rel=canonical when sane, cleaned of tracking and fragments."""
    return clean_url(accepted_canonical(url, declared) or url)


def accepted_canonical(url: str, declared: str | None) -> str | None:
    """The page's declared rel=canonical, absolute, when it may name the article; None otherwise.

    It must stay on the page's own site (by the Public Suffix List: a.github.io cannot speak for
    b.github.io) and name more than a home page (some portals point every page's canonical at it).
    """
    if not declared:
        return None
    absolute = urljoin(url, declared.strip())
    if urlsplit(absolute).scheme.lower() not in WEB_SCHEMES:
        return None
    if not same_site(absolute, url) or urlsplit(absolute).path in ("", "/"):
        return None
    return absolute


def clean_url(url: str) -> str:
    """Lowercase scheme and host, drop default ports, fragments and tracking parameters; keep the path as is."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # an IPv6 address keeps its brackets
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


@cache
def _public_suffixes() -> tldextract.TLDExtract:
    """The Public Suffix List snapshot that ships with tldextract: never downloaded, never cached on disk."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True,
                                 include_psl_private_domains=True)


def _registrable(host: str) -> str:
    """The registrable domain of a host (x.com.cn, a.github.io); an IP address, or a host under no
    public suffix (localhost, intranet), is a site of its own."""
    host = host.lower().rstrip(".").strip("[]")
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    parts = _public_suffixes()(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def site_of(url: str) -> str:
    """The site a URL belongs to (news.x.com.cn and www.x.com.cn are one site; a.github.io and
    b.github.io are two)."""
    return _registrable(urlsplit(url).hostname or "")


def same_site(a: str, b: str) -> bool:
    """Whether two URLs belong to one site (both with a host)."""
    host_a, host_b = urlsplit(a).hostname or "", urlsplit(b).hostname or ""
    return bool(host_a) and bool(host_b) and _registrable(host_a) == _registrable(host_b)
