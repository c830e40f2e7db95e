"""Item pipeline stages, one job each: extract, canonicalise, find copies (exact or near), store (not in a dry run)."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem, NotConfigured

from crawler.configuration.settings import DEFAULTS
from crawler.crawl.context import store_of, writable_store_of
from crawler.crawl.items import Candidate, FetchedPage
from crawler.dedup.exact import ExactCopies, text_hash
from crawler.dedup.fingerprints import fingerprint
from crawler.dedup.near_duplicates import (
    DEFAULT_WINDOW_DAYS,
    NearDuplicates,
    index_entry,
)
from crawler.extraction import extract_bytes
from crawler.extraction.text_sanity import cut_to_limit, not_text_reason
from crawler.formats.canonical import accepted_canonical, clean_url, same_site
from db import clock

logger = logging.getLogger(__name__)

MIN_TEXT_CHARS = 40   # less than this is a stub, an index page or a paywall, not an article


class Skipped(DropItem):
    """Not an article (no text): counted as skipped, not as an error."""


class Duplicate(DropItem):
    """Its canonical URL is stored already. Carries the candidate: Scrapy's item_dropped signal
    passes the item as the spider yielded it (a FetchedPage), and `sources test` shows the candidate."""

    def __init__(self, message: str, candidate: Candidate) -> None:
        super().__init__(message)
        self.candidate = candidate


class NotText(DropItem):
    """The page's text is not text (decoded binary, no words): an error for its URL, nothing stored."""


class ExtractPipeline:
    """FetchedPage -> Candidate: decode, extract, fill gaps from the feed or sitemap's hints, refuse what is
    not text, and cut text longer than max_text_chars (saying so in the run record)."""

    def __init__(self, max_text_chars: int = DEFAULTS["max_text_chars"], crawler=None,
                 zone: str = clock.DEFAULT_ZONE) -> None:
        self.max_text_chars = max_text_chars
        self.crawler = crawler
        self.zone = zone    # the newsletter's: where a date that names no offset is read

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("NEWSDESK_MAX_TEXT_CHARS", DEFAULTS["max_text_chars"]), crawler,
                   crawler.settings.get("NEWSDESK_TIMEZONE", clock.DEFAULT_ZONE))

    def process_item(self, page: FetchedPage, spider=None) -> Candidate:
        article = extract_bytes(page.body, page.url, page.content_type, page.encoding, default_tz=self.zone)
        hints = page.hints
        text, charset = article.text.strip(), article.charset
        if len(text) < MIN_TEXT_CHARS and hints.get("content") and not page.from_feed:
            fallback = extract_bytes(f"<html><body><article>{hints['content']}</article></body></html>"
                                     .encode("utf-8"), page.url, "text/html; charset=utf-8", default_tz=self.zone)
            if fallback.text.strip():
                text, charset = fallback.text.strip(), fallback.charset
        if len(text) < MIN_TEXT_CHARS:
            raise Skipped(f"no article text found at {page.url}")
        kept = cut_to_limit(text, self.max_text_chars)
        reason = not_text_reason(kept)
        if reason:
            raise NotText(f"not text: {reason}; not stored")
        if len(kept) < len(text):
            self._report(page.url, f"text cut to {self.max_text_chars:,} characters (max_text_chars)")
        return Candidate(
            source=page.source,
            url=page.url,
            fetched_url=page.url,
            title=hints.get("title") if page.from_feed else (article.title or hints.get("title")),
            text=kept,
            # A feed or news sitemap states the date outright; the page's own date fills in otherwise.
            published_at=hints.get("published_at") or article.published_at,
            author=article.author or hints.get("author"),
            outlet=article.outlet,
            summary=hints.get("summary"),
            language=article.language,
            declared_canonical=article.canonical_url,
            charset=charset,
            requested_url=page.requested_url,
        )

    def _report(self, url: str, message: str) -> None:
        """A note for the run record of the source being crawled (the spider's tally), and the log."""
        logger.warning("%s: %s", url, message)
        tally = getattr(getattr(self.crawler, "spider", None), "tally", None)
        if tally is not None:
            tally.note(url, message)


class CanonicalPipeline:
    """One address per article: rel=canonical when it is sane, tracking and fragments dropped.

    A page reached by a redirect from another site is kept only when it names its own canonical URL on
    its own site: a link on one site never files another site's page under an address of its choosing.
    """

    def process_item(self, candidate: Candidate, spider=None) -> Candidate:
        declared = accepted_canonical(candidate.fetched_url, candidate.declared_canonical)
        requested = candidate.requested_url or candidate.fetched_url
        if declared is None and not same_site(requested, candidate.fetched_url):
            raise DropItem(f"redirected here from {requested} (another site) and names no rel=canonical "
                           "on its own site; not stored")
        candidate.url = clean_url(declared or candidate.fetched_url)
        candidate.text_hash = text_hash(candidate.text)
        return candidate


class DuplicatePipeline:
    """Drop what is stored already; put a copy of a stored story (near or exact) into that story."""

    def __init__(self, store, window_days: int = DEFAULT_WINDOW_DAYS) -> None:
        self.store = store
        self.copies = ExactCopies(store)
        self.near_duplicates = NearDuplicates(store, window_days)

    @classmethod
    def from_crawler(cls, crawler):
        store = store_of(crawler)
        if store is None:
            raise NotConfigured
        pipeline = cls(store, crawler.settings.getint("NEWSDESK_DEDUP_WINDOW_DAYS", DEFAULT_WINDOW_DAYS))
        # Candidates stored before the index existed are indexed once, before any lookup needs them.
        pipeline.near_duplicates.index_missing()
        return pipeline

    def process_item(self, candidate: Candidate, spider=None) -> Candidate:
        if self._claims_another_sources_article(candidate):
            candidate.url = clean_url(candidate.fetched_url)
        if self.store.known_urls([candidate.url]):
            raise Duplicate(f"already stored: {candidate.url}", candidate)
        verdict = self.near_duplicates.check(candidate.text, candidate.published_at)
        candidate.fingerprints = verdict.fingerprints
        # Identical text joins its story even beyond the window the index looks in.
        candidate.cluster_id = verdict.match.cluster_id if verdict.match else self.copies.cluster_for(candidate)
        return candidate

    def _claims_another_sources_article(self, candidate: Candidate) -> bool:
        """Whether the page's rel=canonical names a URL another source stored from another page: a page
        never takes over an article it did not fetch; it is kept under its own address instead."""
        fetched = clean_url(candidate.fetched_url)
        if candidate.url == fetched:
            return False
        holder = self.store.candidate_by_url(candidate.url)
        return (holder is not None and holder["source"] != candidate.source
                and clean_url(holder["fetched_url"] or holder["url"]) != fetched)


class StorePipeline:
    """Queue the candidate with its source's authority, its fingerprints and its run: one transaction per
    article, so a kill loses at most the one in flight and never leaves the index behind the candidates."""

    def __init__(self, store, authority: float = 1.0, crawler=None) -> None:
        self.store = store
        self.authority = authority
        self.crawler = crawler   # its spider carries the run's id once the run has started

    @classmethod
    def from_crawler(cls, crawler):
        store = writable_store_of(crawler)
        if store is None:
            raise NotConfigured
        source = getattr(getattr(crawler, "spider", None), "source", None)
        return cls(store, getattr(source, "authority", 1.0), crawler)

    def process_item(self, candidate: Candidate, spider=None) -> Candidate:
        candidate.authority = self.authority
        candidate.run_id = getattr(getattr(self.crawler, "spider", None), "run_id", None)
        if candidate.fingerprints is None:
            candidate.fingerprints = index_entry(fingerprint(candidate.text))
        candidate.id, created = self.store.add_candidate(candidate.store_fields(), fingerprints=candidate.fingerprints)
        if not created:
            raise Duplicate(f"already stored: {candidate.url}", candidate)
        return candidate
