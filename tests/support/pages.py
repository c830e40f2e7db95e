"""Pages and feeds for test servers to serve: Chinese articles in a portal's layout, RSS, slow answers."""

from __future__ import annotations

import time

PARAGRAPHS = [
    "上海市经济和信息化委员会日前印发《关于推动数字经济高质量发展的若干措施》，提出到二〇二八年数字经济核心产业增加值占比达到百分之十五。",
    "措施围绕数据要素、算力基础设施、人工智能产业和数字化转型四个方面提出二十条举措，明确了各区和部门的责任分工。",
    "市经信委有关负责人表示，将加快建设公共数据开放平台，支持企业在工业互联网、智能网联汽车等领域开展场景创新。",
]


# Separate stories (the near-duplicate engine would rightly fold variations of one text together).
STORIES = {
    "compute": ["芜湖数据中心集群新开工六个项目，总投资约一百二十亿元，预计明年底前陆续投入运营。",
                "项目建成后将新增标准机架两万个，智能算力规模提升到每秒五千亿亿次浮点运算。",
                "当地还将配套建设绿色电力专线，数据中心平均能效比控制在一点二五以内。"],
    "data": ["浙江省数据局发布公共数据授权运营首批场景清单，涉及交通、医疗和普惠金融三个领域。",
             "获得授权的运营单位须在省级平台上完成数据产品登记，收益分配方案报主管部门备案。",
             "清单实行动态调整，每季度评估一次场景运行情况，对违规使用数据的单位取消授权。"],
    "chip": ["无锡一家集成电路企业的十二英寸晶圆产线日前正式投产，首批产品为车规级功率器件。",
             "企业负责人介绍，产线满产后月产能可达四万片，将有力缓解汽车芯片供应紧张局面。",
             "该项目被列入江苏省重大产业项目清单，从开工到投产仅用了二十个月时间。"],
    "ahgov": ["安徽省数据资源管理局近日印发通知，部署开展全省政务数据质量提升专项行动。",
              "专项行动为期六个月，重点治理数据重复采集、更新不及时、标准不统一等问题。",
              "各市数据资源主管部门要在本月底前报送工作方案，并明确专人负责推进落实。"],
    "jsgov": ["江苏省工业和信息化厅印发智能制造三年行动方案，提出建设一千家智能车间。",
              "方案明确支持龙头企业牵头组建智能制造创新联合体，攻关工业软件和高端装备。",
              "对新认定的省级智能工厂，省级财政将给予最高五百万元的一次性奖励。"],
}


def article(title: str, date: str = "2026年11月03日 09:30", paragraphs=PARAGRAPHS, charset: str = "utf-8") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><meta charset='{charset}'><title>{title}_测试网</title></head><body>"
            f"<div class='nav'><a href='/'>首页</a><a href='/news/'>新闻</a></div>"
            f"<h1>{title}</h1><div class='info'>发布时间：{date} 来源：测试网</div>"
            f"<div class='content'>{body}</div>"
            f"<div class='footer'>版权所有 测试网 ICP备00000000号</div></body></html>")


def rss(server, items: list[tuple[str, str]]) -> str:
    entries = "".join(f"<item><title>{t}</title><link>{server.url}{p}</link>"
                      f"<pubDate>Tue, 03 Nov 2026 09:30:00 +0800</pubDate><description>{t}</description></item>"
                      for t, p in items)
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>{entries}</channel></rss>"


def slow_answer(delay: float):
    def handler(request):
        time.sleep(delay)
        try:
            request.send_response(200)
            request.send_header("Content-Length", "0")
            request.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass
    return handler


def front_page(posts: int = 5) -> str:
    """A blog's front page: several posts, each a title and a teaser ending "Read more"."""
    items = "".join(
        f"<article class='post hentry'><h2 class='entry-title'><a href='/2024/03/0{n}/post-{n}/'>Post number {n} "
        f"about the garden</a></h2><div class='entry-summary'><p>This week we planted beans, number {n}, and the "
        f"weather was kind to us for once, so the whole bed is done. … <a href='/2024/03/0{n}/post-{n}/'>Read more"
        f"</a></p></div></article>" for n in range(1, posts + 1))
    return ("<html><head><title>Notes from the Garden</title></head><body><header><h1 class='site-title'>"
            f"<a href='/'>Notes from the Garden</a></h1></header><main>{items}</main></body></html>")
