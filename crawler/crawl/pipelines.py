"""Item pipeline stages: a page worked in the page pool (crawler/crawl/page_pool.py), then, in the crawl's one
writer, its copies found (exact or near) and the candidate stored (not in a dry run)."""

from __future__ import annotations

import logging

from scrapy.exceptions import DropItem, NotConfigured

from crawler.articles import Candidate, FetchedPage, classify
from crawler.crawl.context import context_of, runs_of, store_of, writable_store_of
from crawler.crawl.page_pool import PagePool
from crawler.crawl.runs import RunBook
from crawler.dedup.exact import ExactCopies
from crawler.dedup.fingerprints import fingerprint
from crawler.dedup.near_duplicates import (
    DEFAULT_WINDOW_DAYS,
    NearDuplicates,
    index_entry,
)
from crawler.formats.canonical import clean_url

logger = logging.getLogger(__name__)


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


class PageWorkPipeline:
    """FetchedPage -> Candidate, worked in the crawl's pool (crawler/articles.py says what is done): extracted,
    canonical, fingerprinted and classified; a page that is not an article is dropped with its reason."""

    def __init__(self, pool: PagePool, runs: RunBook | None) -> None:
        self.pool = pool
        self.runs = runs

    @classmethod
    def from_crawler(cls, crawler):
        context = context_of(crawler)
        if context is None or context.pool is None:
            raise NotConfigured("no page pool: the crawl's runner makes one")
        return cls(context.pool, context.runs)

    async def process_item(self, page: FetchedPage, spider=None):
        worked = await self.pool.run(page)
        run = self.runs.get(page.source) if self.runs is not None else None
        if run is not None:
            for url, message in worked.notes:
                run.tally.note(url, message)
        if worked.refusal is not None:
            kind = {"skipped": Skipped, "not_text": NotText}.get(worked.refusal.kind, DropItem)
            raise kind(str(worked.refusal))
        return worked.candidate


class DuplicatePipeline:
    """Drop what is stored already; put a copy of a stored story (near or exact) into that story."""

    def __init__(self, store, window_days: int = DEFAULT_WINDOW_DAYS, context=None) -> None:
        self.store = store
        self.copies = ExactCopies(store)
        self.near_duplicates = NearDuplicates(store, window_days)
        self.context = context   # its classifier, to classify again a page kept under its own address

    @classmethod
    def from_crawler(cls, crawler):
        store = store_of(crawler)
        if store is None:
            raise NotConfigured
        context = context_of(crawler)
        pipeline = cls(store, crawler.settings.getint("NEWSDESK_DEDUP_WINDOW_DAYS", DEFAULT_WINDOW_DAYS), context)
        # Candidates stored before the index existed are indexed once a crawl, before any lookup needs them.
        pipeline.near_duplicates.index_missing()
        return pipeline

    def process_item(self, candidate: Candidate, spider=None) -> Candidate:
        if self._claims_another_sources_article(candidate):
            candidate.url = clean_url(candidate.fetched_url)
            classifier = self.context.classifier if self.context is not None else None
            if classifier is not None and candidate.section is not None:
                classify(candidate, classifier)   # its URL's words count (url_hints)
        if self.store.known_urls([candidate.url]):
            raise Duplicate(f"already stored: {candidate.url}", candidate)
        verdict = self.near_duplicates.check(candidate.text, candidate.published_at, candidate.text_fingerprint)
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

    def __init__(self, store, authority: float = 1.0, runs=None) -> None:
        self.store = store
        self.authority = authority   # for a candidate whose source's run the crawl does not know
        self.runs = runs             # the crawl's runs: each candidate's source's authority and run id

    @classmethod
    def from_crawler(cls, crawler):
        store = writable_store_of(crawler)
        if store is None:
            raise NotConfigured
        return cls(store, runs=runs_of(crawler))

    def process_item(self, candidate: Candidate, spider=None) -> Candidate:
        run = self.runs.get(candidate.source) if self.runs is not None else None
        candidate.authority = run.source.authority if run is not None else self.authority
        if run is not None:
            candidate.run_id = run.run_id
        if candidate.fingerprints is None:
            candidate.fingerprints = index_entry(candidate.text_fingerprint or fingerprint(candidate.text))
        candidate.id, created = self.store.add_candidate(candidate.store_fields(), fingerprints=candidate.fingerprints)
        if not created:
            raise Duplicate(f"already stored: {candidate.url}", candidate)
        return candidate
