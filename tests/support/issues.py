"""Fixed approved stories for compiling issues: four sections' worth, one story long enough to span pages."""

from __future__ import annotations

from crawler.configuration.sections import Newsletter
from db import Store
from review import actions

# (section, title, outlet, published_at, paragraphs); in the order they are stored.
FIXED_STORIES = [
    ("政策要闻", "江苏发布智能制造标准体系建设指南", "江海通讯社", "2026-11-04T15:30:00+08:00", [
        "江苏省工业和信息化厅、省市场监管局近日联合发布《江苏省智能制造标准体系建设指南》，提出到2027年制修订智能制造地方标准和团体标准100项以上。",
        "指南梳理了智能装备、智能工厂、智慧供应链、工业软件和系统集成等5大类关键技术标准。",
    ]),
    ("区域实践", "南京江北新区集成电路产业项目集中签约 总投资超300亿元", "沪滨日报", "2026-11-02T14:00:00+08:00", [
        "南京江北新区日前举行集成电路产业项目集中签约活动，共有18个项目签约落户，总投资超过300亿元。",
        "签约项目涵盖芯片设计、晶圆制造、封装测试和关键材料等环节，将进一步补齐区域集成电路产业链。",
    ]),
    # A day that differs by zone: 23:30 UTC on the 2nd is the 3rd in Shanghai.
    ("政策要闻", "三省一市签署长三角数据跨域流通合作协议", "新华社", "2026-11-02T23:30:00+00:00", [
        "沪苏浙皖三省一市数据管理部门签署《长三角数据跨域流通合作协议》，将共同建设长三角数据流通基础设施。",
        "协议提出，三省一市将统一公共数据共享目录和数据产品登记规则，互认数据产品登记凭证。",
        "协议还明确建立数据安全联防联控机制，在长三角生态绿色一体化发展示范区先行先试。",
    ]),
    ("科技前沿", "合肥科研团队实现逻辑量子比特纠错新突破", "数智科技报", "2026-11-10T08:20:00+08:00", [
        "合肥一科研团队近日在超导量子处理器上实现逻辑量子比特纠错，逻辑错误率降至千分之一以下。"
        "研究团队表示，这一成果为构建可扩展的容错量子计算机奠定了重要基础，相关论文已在国际学术期刊发表。" * 2,
    ] * 9),
    ("会议论坛", "第五届长三角数字经济发展论坛在嘉兴举行", "太湖科技在线", "2026-11-03T10:00:00+08:00", [
        "第五届长三角数字经济发展论坛3日在嘉兴举行，来自三省一市的政府部门、企业和研究机构代表500余人参会。",
        "论坛发布了《长三角数字经济发展报告（2026）》，并举行了数字经济重点项目签约仪式。",
    ]),
    # Crawled words that would be markup: escaped in every format.
    ("区域实践", "苏州工业园区推出“算力券” <b>单家企业</b> *最高* 500万元", "潮涌财经", "2026-11-13T11:00:00+08:00", [
        "苏州工业园区近日推出“算力券”，<script>alert(1)</script>对区内企业购买智能算力服务给予补贴。",
        "# 单家企业每年最高可获500万元 [详情](http://example.cn)。",
    ]),
]


def approve_fixed_stories(store: Store, newsletter: Newsletter, stories=FIXED_STORIES) -> list[int]:
    """Store and approve each story in its section; returns their story ids in that order."""
    story_ids = []
    for n, (section, title, outlet, published_at, paragraphs) in enumerate(stories, start=1):
        candidate_id, created = store.add_candidate({
            "url": f"https://news.example.cn/2026/11/{n}.html", "source": "wire", "title": title, "outlet": outlet,
            "published_at": published_at, "text": "\n".join(paragraphs), "section": section})
        assert created
        row = actions.approve(store, newsletter, candidate_id, actor="alice")
        story_ids.append(row["cluster_id"])
    return story_ids
