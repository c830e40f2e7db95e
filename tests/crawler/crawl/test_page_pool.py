"""The crawl's page pool: pages worked in forked processes come back as candidates or as their refusal."""

from __future__ import annotations

import asyncio

from support.pages import STORIES, article, front_page

from crawler.articles import FetchedPage, PageWork
from crawler.crawl.page_pool import PagePool


def test_a_worker_s_candidates_and_refusals_come_back_and_the_pool_keeps_its_workers():
    pool = PagePool(PageWork(classifier=None), workers=1)
    try:
        story = FetchedPage("s", "https://x.cn/1.html", article("芯片产线投产", paragraphs=STORIES["chip"]).encode(),
                            content_type="text/html; charset=utf-8")
        stub = FetchedPage("s", "https://x.cn/2.html", b"<html><body><p>short</p></body></html>",
                           content_type="text/html; charset=utf-8")

        async def work_all():
            return await asyncio.gather(pool.run(stub), pool.run(story), pool.run(stub))

        refused, worked, again = asyncio.run(work_all())
        assert worked.candidate.title == "芯片产线投产" and worked.candidate.text_hash
        for result in (refused, again):
            assert result.candidate is None and result.refusal.kind == "skipped"
            assert str(result.refusal) == "no article text found at https://x.cn/2.html"
        assert pool.executor is not None, "a refusal is an answer, not a broken worker: the pool still works"
    finally:
        pool.close()


def test_a_front_page_listing_posts_is_skipped_with_the_reason():
    worked = PageWork(classifier=None)(FetchedPage("s", "https://garden.example/", front_page().encode(),
                                                   content_type="text/html; charset=utf-8"))
    assert worked.candidate is None and worked.refusal.kind == "skipped"
    assert str(worked.refusal) == ("a list of 5 posts (a front page or an archive), not one article at "
                                   "https://garden.example/")
