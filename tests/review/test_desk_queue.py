"""The queue page: one row per story with what an editor decides by, tabs with counts, filters, sort, search, paging;
and the story page."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import pytest
from support.desk import add_editor, add_story, desk_app, post, signed_in_client

from db import Store


def listed(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr class="story-row[^"]*" id="story-(\d+)"', page)]


def row_html(page: str, story_id: int) -> str:
    start = page.index(f'id="story-{story_id}"')
    return page[start:page.index("</tr>", start)]


@pytest.fixture
def desk(home):
    """Four pending stories on different days, sections and sources; the first run by two outlets."""
    add_editor(home, "alice")
    ids = {
        "policy": add_story(home, 1, "上海发布数据条例", section="政策要闻", section_confidence=0.93, relevance=0.8,
                            published_at="2026-11-03T09:30:00+08:00"),
        "compute": add_story(home, 2, "芜湖算力集群开工", section="区域实践", section_confidence=0.41, relevance=0.6,
                             published_at="2026-11-05T08:00:00+08:00", source="ahnews", outlet="安徽日报",
                             text="芜湖数据中心集群新开工六个项目。" * 5),
        "forum": add_story(home, 3, "长三角数字经济论坛举行", section="会议论坛", section_confidence=0.8, relevance=0.9,
                           published_at="2026-11-01T10:00:00+08:00"),
        "chip": add_story(home, 4, "无锡晶圆产线投产", section="科技前沿", section_confidence=0.7, relevance=0.3,
                          published_at="2026-11-04T12:00:00+08:00"),
    }
    with Store(home / "newsdesk.db") as store:
        store.add_candidate({"url": "https://b.example.cn/1.html", "source": "other", "outlet": "解放日报",
                             "title": "上海发布数据条例", "text": "正文。" * 20, "cluster_id": ids["policy"],
                             "published_at": "2026-11-03T11:00:00+08:00"})
    return home, ids, signed_in_client(desk_app(home), "alice")


def test_the_queue_lists_pending_stories_newest_first_with_what_editors_decide_by(desk):
    _, ids, client = desk
    page = client.get("/").get_data(as_text=True)
    assert listed(page) == [ids["compute"], ids["chip"], ids["policy"], ids["forum"]]
    policy = row_html(page, ids["policy"])
    assert "上海发布数据条例" in policy and '<span class="outlet">新华社</span>' in policy
    assert "also run by 1 outlet<" in policy
    assert "2026-11-03 09:30 CST" in policy
    assert '<span class="section">政策要闻</span>' in policy and ">0.93<" in policy
    assert f'data-story-id="{ids["policy"]}"' in policy and 'data-version="1"' in policy
    assert 'data-url="https://news.example.cn/1.html"' in policy
    assert f'name="story" value="{ids["policy"]}:1"' in policy and 'form="bulk"' in policy
    assert f'action="/stories/{ids["policy"]}/approve"' in policy and 'name="version" value="1"' in policy
    compute = row_html(page, ids["compute"])
    assert 'class="confidence low"' in compute and "0.41 (low)" in compute and "安徽日报" in compute


def test_tabs_count_stories_per_status_and_section(desk):
    _, ids, client = desk
    post(client, f"/stories/{ids['chip']}/approve", {"version": "1"})
    page = client.get("/").get_data(as_text=True)
    assert re.search(r'data-status="pending"\s+href="[^"]*">pending <span class="count">3</span>', page)
    assert re.search(r'data-status="approved"\s+href="[^"]*">approved <span class="count">1</span>', page)
    assert re.search(r'data-section="区域实践"\s+href="[^"]*">2 区域实践 <span class="count">1</span>', page)
    assert re.search(r'data-section="科技前沿"\s+href="[^"]*">4 科技前沿 <span class="count">0</span>', page)
    approved = client.get("/?status=approved").get_data(as_text=True)
    assert listed(approved) == [ids["chip"]] and "approved by alice" in row_html(approved, ids["chip"])
    assert set(listed(client.get("/?status=any").get_data(as_text=True))) == set(ids.values())


@pytest.mark.parametrize("query, expected", [
    ("section=区域实践", ["compute"]),
    ("source=ahnews", ["compute"]),
    ("low=1", ["compute"]),
    ("since=2026-11-03&until=2026-11-04", ["chip", "policy"]),
    ("sort=relevance", ["forum", "policy", "compute", "chip"]),
    ("sort=outlets", ["policy", "chip", "forum", "compute"]),
    ("q=数据", ["compute", "policy"]),
    ("q=数据中心", ["compute"]),
    ("q=数据+芜湖", ["compute"]),
])
def test_filters_sort_and_search(desk, query, expected):
    _, ids, client = desk
    page = client.get(f"/?{query}").get_data(as_text=True)
    assert listed(page) == [ids[name] for name in expected], query


def test_search_keeps_the_other_filters_and_the_tabs_keep_the_search(desk):
    _, ids, client = desk
    page = html.unescape(client.get("/?q=数据&section=政策要闻").get_data(as_text=True))
    assert listed(page) == [ids["policy"]]
    approved_tab = re.search(r'data-status="approved"\s+href="([^"]+)"', page).group(1)
    assert unquote(approved_tab) == "/?q=数据&status=approved&section=政策要闻"
    assert '<input type="hidden" name="section" value="政策要闻">' in page


def test_pages_go_back_in_time_by_cursor(home):
    add_editor(home, "alice")
    stories = [add_story(home, n, f"第{n}条新闻", published_at=f"2026-10-{1 + n % 28:02d}T08:{n % 60:02d}:00+08:00")
               for n in range(55)]
    client = signed_in_client(desk_app(home), "alice")
    first = client.get("/").get_data(as_text=True)
    assert len(listed(first)) == 50
    older = html.unescape(re.search(r'<a class="older" rel="next" href="([^"]+)"', first).group(1))
    assert "cursor=" in older
    second = client.get(older).get_data(as_text=True)
    assert len(listed(second)) == 5 and not set(listed(first)) & set(listed(second))
    assert set(listed(first)) | set(listed(second)) == set(stories)
    assert 'class="older"' not in second and 'class="newest"' in second


@pytest.mark.parametrize("query, line", [
    ("status=nonsense", "status: &#39;nonsense&#39; is not one of pending, approved, rejected, filtered, any"),
    ("section=体育", "section: no section &#39;体育&#39; in sections.yaml"),
    ("sort=random", "sort: &#39;random&#39; is not one of date, relevance, outlets"),
    ("since=2026-11-05&until=2026-11-01", "since (2026-11-05) is after until (2026-11-01); swap them"),
])
def test_a_bad_parameter_is_a_400_with_one_line(desk, query, line):
    _, _, client = desk
    answer = client.get(f"/?{query}")
    assert answer.status_code == 400 and line in answer.get_data(as_text=True)


def test_the_story_page_shows_text_copies_explanation_and_history(desk):
    home, ids, client = desk
    post(client, f"/stories/{ids['policy']}/move", {"version": "1", "section": "科技前沿"})
    page = client.get(f"/stories/{ids['policy']}").get_data(as_text=True)
    assert '<h1 class="title">上海发布数据条例</h1>' in page
    assert page.count('<tr class="copy-row"') == 2 and "解放日报" in page
    assert 'href="https://b.example.cn/1.html" rel="noopener noreferrer" target="_blank"' in page
    assert "<p>正文。" in page
    assert "blended probabilities:" in page
    assert re.search(r'<td class="actor">alice</td>\s*<td>pending → pending, 政策要闻 → 科技前沿</td>', page)
    for form in ("approve", "reject", "move", "edit", "note", "merge"):
        assert f'id="{form}-form"' in page
    assert 'name="version" value="2"' in page and 'class="inline split"' in page
