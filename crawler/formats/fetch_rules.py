"""What Newsdesk fetches: http and https only, and where a redirect may lead for each kind of request."""

from __future__ import annotations

from urllib.parse import urlsplit

from crawler.formats.canonical import WEB_SCHEMES, same_site

# request.meta["role"] says what a request is for, which decides where its redirects may lead.
SOURCE = "source"    # the source's own URL: it may move to another site (followed, and reported)
ARTICLE = "article"  # an article page: it may move off its site only to a page that names itself canonical there
FOLLOW = "follow"    # pagination and child sitemaps: they stay on their site


def scheme_refusal(url: str) -> str | None:
    """Why this URL is not fetched, or None when its scheme is one Newsdesk fetches."""
    if urlsplit(url).scheme.lower() in WEB_SCHEMES:
        return None
    return "not fetched: only http and https URLs are followed"


def redirect_refusal(role: str | None, first_url: str, target: str) -> str | None:
    """Why a redirect from first_url (the start of the chain) to target is not followed, or None."""
    scheme = urlsplit(target).scheme.lower()
    if scheme not in WEB_SCHEMES:
        return f"redirected to a {scheme}:// URL; refused (only http and https are fetched)"
    if role == FOLLOW and not same_site(target, first_url):
        return (f"redirected off the site to {target}; refused "
                "(pagination and child sitemaps stay on their site)")
    return None


def first_url(request) -> str:
    """The URL a request was made for, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]
