"""Canonical URLs: one address per article, whatever tracking a link carried."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

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


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str, *, declared: str | None = None) -> str:
    """The article's one address: the page's own rel=canonical when sane, cleaned of tracking and fragments.

    `declared` is what the page names as canonical; it is used only when it stays on the same site
    (some portals point every page's canonical at their home page, or at a mobile domain).
    """
    chosen = url
    if declared:
        absolute = urljoin(url, declared.strip())
        if _same_site(absolute, url) and urlsplit(absolute).path not in ("", "/"):
            chosen = absolute
    return clean_url(chosen)


def clean_url(url: str) -> str:
    """Lowercase scheme and host, drop default ports, fragments and tracking parameters; keep the path as is."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = quote(unquote(parts.path), safe="/%:@!$&'()*+,;=-._~") or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, path, urlencode(query, doseq=True), ""))


def _registrable(host: str) -> str:
    labels = host.lower().split(".")
    # Chinese second-level suffixes (gov.cn, com.cn, ...) need three labels to name a site.
    if len(labels) >= 3 and re.fullmatch(r"(com|net|org|gov|edu|ac)", labels[-2]) and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def site_of(url: str) -> str:
    """The site a URL belongs to (news.x.com.cn and www.x.com.cn are one site)."""
    return _registrable(urlsplit(url).hostname or "")


def _same_site(a: str, b: str) -> bool:
    host_a, host_b = urlsplit(a).hostname or "", urlsplit(b).hostname or ""
    return bool(host_a) and _registrable(host_a) == _registrable(host_b)
