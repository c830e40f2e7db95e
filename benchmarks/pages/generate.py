"""Write the project's own extraction benchmark pages: ten page shapes of news sites, blogs and portals in six
languages, each with its expected text, title and date (labels.json).

Run `python benchmarks/pages/generate.py` after changing a shape or a text; the output is deterministic and
committed. Shapes: a news page with metadata and a most-read box; a news page with only a visible dateline,
a slider of other stories (<time pubdate>) and a recommended-for-you list; a WordPress post with a long
comment thread; a Blogger-style post with a rendered Disqus thread; a story with a photo gallery and a video
player; a story with embedded social posts (quoted: their text is the story's, their dates are not); a script-rendered page whose text is only in <noscript>; a
table-layout portal page with spacer rows; a blog's front page listing several posts (expected: no text);
a profile with an infobox holding a birth date. Japanese paragraphs carry ruby readings.
"""

from __future__ import annotations

import html
import json
import random
import re
from datetime import datetime, timedelta
from pathlib import Path

try:
    from texts import LANGUAGES, MONTHS
except ImportError:  # imported as benchmarks.pages.generate
    from benchmarks.pages.texts import LANGUAGES, MONTHS

HERE = Path(__file__).resolve().parent
_RUBY = re.compile(r"\{([^|{}]+)\|([^{}]+)\}")
SEPARATORS = [" – ", " | ", " - ", " — ", " :: "]


def plain(text: str) -> str:
    """The text as read: ruby readings left out."""
    return _RUBY.sub(r"\1", text)


def marked(text: str, with_rp: bool = True) -> str:
    """HTML of a paragraph, ruby readings as <ruby> (with or without <rp> fallbacks)."""
    def ruby(match: re.Match) -> str:
        base, reading = html.escape(match[1]), html.escape(match[2])
        if with_rp:
            return f"<ruby>{base}<rp>(</rp><rt>{reading}</rt><rp>)</rp></ruby>"
        return f"<ruby>{base}<rt>{reading}</rt></ruby>"
    out, i = [], 0
    for match in _RUBY.finditer(text):
        out.append(html.escape(text[i:match.start()]))
        out.append(ruby(match))
        i = match.end()
    out.append(html.escape(text[i:]))
    return "".join(out)


def shown_date(lang: str, when: datetime, variant: int, with_time: bool) -> str:
    """A date as the language's sites print it."""
    d, m, y = when.day, when.month, when.year
    hh, mi = f"{when.hour:02d}", f"{when.minute:02d}"
    if lang == "en":
        day = [f"{MONTHS['en'][m - 1]} {d}, {y}", f"{d} {MONTHS['en'][m - 1]} {y}"][variant % 2]
        return f"{day} at {when.strftime('%I:%M %p').lstrip('0')}" if with_time else day
    if lang == "de":
        day = [f"{d:02d}.{m:02d}.{y}", f"{d}. {MONTHS['de'][m - 1]} {y}"][variant % 2]
        return f"{day}, {hh}:{mi} Uhr" if with_time else day
    if lang == "fr":
        day = f"{d} {MONTHS['fr'][m - 1]} {y}"
        return f"{day} à {hh}h{mi}" if with_time else day
    if lang == "es":
        day = f"{d} de {MONTHS['es'][m - 1]} de {y}"
        return f"{day} - {hh}:{mi}" if with_time else day
    if lang == "ru":
        day = [f"{d} {MONTHS['ru'][m - 1]} {y}", f"{d:02d}.{m:02d}.{y}"][variant % 2]
        return f"{day}, {hh}:{mi}" if with_time else day
    day = [f"{y}年{m}月{d}日", f"{y}/{m:02d}/{d:02d}"][variant % 2]
    return f"{day} {hh}時{mi}分" if with_time and variant % 2 == 0 else (f"{day} {hh}:{mi}" if with_time else day)


def iso(when: datetime, zone: str) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + zone


def gold_date(when: datetime, with_time: bool) -> str:
    return when.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


class Page:
    """What one shape needs: the language's texts, one story, a moment and a variant number."""

    def __init__(self, lang: str, number: int, story: int, variant: int, rng: random.Random) -> None:
        self.lang, self.number, self.rng = lang, number, rng
        self.data = LANGUAGES[lang]
        self.labels = self.data["labels"]
        self.headline, self.paragraphs = self.data["stories"][story]
        self.variant = variant
        self.outlet = self.data["outlets"][self.variant]
        self.when = datetime(2016, 1, 1) + timedelta(days=rng.randrange(0, 8 * 365), minutes=rng.randrange(6 * 60, 22 * 60))
        self.domain = f"https://www.site{number % 4}-{lang}.example"
        self.slug = f"story-{number}"

    def head(self, title: str, extra: str = "") -> str:
        return (f"<!DOCTYPE html><html lang='{self.lang}'><head><meta charset='utf-8'>"
                f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
                f"{extra}<link rel='stylesheet' href='/static/site.css'></head>")

    def nav(self) -> str:
        other = [headline for headline, _ in self.data["stories"] if headline != self.headline]
        links = "".join(f"<li><a href='/section/{n}'>{html.escape(word)}</a></li>"
                        for n, word in enumerate([self.labels["home"], self.labels["news"], "Sport", "Kultur" if self.lang == "de" else "Culture"]))
        return (f"<header class='site-header'><a class='logo' href='/'>{html.escape(self.outlet)}</a>"
                f"<nav class='main-nav'><ul>{links}</ul></nav></header>"
                f"<div class='ticker'><a href='/t'>{html.escape(other[0])}</a></div>")

    def body_html(self, with_rp: bool = True) -> str:
        return "".join(f"<p>{marked(p, with_rp)}</p>" for p in self.paragraphs)

    def text(self) -> str:
        return "\n".join(plain(p) for p in self.paragraphs)

    def other_stories(self) -> list[str]:
        return [headline for headline, _ in self.data["stories"] if headline != self.headline]

    def footer(self) -> str:
        return (f"<footer class='site-footer'><p>© {self.when.year} {html.escape(self.outlet)}. All rights reserved.</p>"
                f"<p><a href='/privacy'>Privacy policy</a> · <a href='/imprint'>Impressum</a></p></footer>")

    def later(self, days: int) -> datetime:
        return self.when + timedelta(days=days, hours=self.rng.randrange(1, 9))


def news_meta(page: Page) -> tuple[str, dict]:
    title = page.headline + SEPARATORS[page.number % len(SEPARATORS)] + page.outlet
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": page.headline,
          "datePublished": iso(page.when, page.data["zone"]), "publisher": {"@type": "Organization", "name": page.outlet}}
    extra = (f"<meta property='og:title' content='{html.escape(page.headline)}'><meta property='og:type' content='article'>"
             f"<meta property='og:site_name' content='{html.escape(page.outlet)}'>"
             f"<meta property='article:published_time' content='{iso(page.when, page.data['zone'])}'>"
             f"<script type='application/ld+json'>{json.dumps(ld, ensure_ascii=False)}</script>")
    most_read = "".join(f"<li><a href='/m{n}'>{html.escape(h)}</a> <span class='date'>{shown_date(page.lang, page.later(n + 3), 0, False)}</span></li>"
                        for n, h in enumerate(page.other_stories()))
    body = (f"<body class='article-page'>{page.nav()}<main><div class='breadcrumb'><a href='/'>{page.labels['home']}</a> › "
            f"<a href='/news'>{page.labels['news']}</a></div><article><h1>{html.escape(page.headline)}</h1>"
            f"<p class='byline'>{page.labels['by']} Maria Lindqvist · <time datetime='{iso(page.when, page.data['zone'])}'>"
            f"{shown_date(page.lang, page.when, page.variant, True)}</time></p>"
            f"<div class='article-body'>{page.body_html()}</div></article>"
            f"<aside class='most-read'><h2>{page.labels['most_read']}</h2><ol>{most_read}</ol></aside></main>{page.footer()}</body></html>")
    return page.head(title, extra) + body, {"title": page.headline, "date": gold_date(page.when, True), "text": page.text(),
                                              "url": f"{page.domain}/news/{page.slug}"}


def news_visible(page: Page) -> tuple[str, dict]:
    title = page.headline + " — " + page.outlet
    slider = "".join(
        f"<article class='slide'><a href='/s{n}'><img src='/i{n}.jpg' alt=''></a><h3><a href='/s{n}'>{html.escape(h)}</a></h3>"
        f"<time pubdate datetime='{page.later(n + 1).strftime('%Y-%m-%d')}'>{shown_date(page.lang, page.later(n + 1), 1, False)}</time></article>"
        for n, h in enumerate(page.other_stories()))
    teasers = "".join(f"<li><a href='/r{n}'>{html.escape(h)}</a><p>{html.escape(plain(page.data['stories'][n][1][0]))}</p></li>"
                      for n, h in enumerate(page.other_stories()[:2]))
    body = (f"<body>{page.nav()}<div class='top-slider carousel'>{slider}</div><main id='content'>"
            f"<h1 class='headline'>{html.escape(page.headline)}</h1><div class='meta'>"
            f"<span class='author'>{page.labels['by']} Tom Berger</span> <span class='dateline'>"
            f"{shown_date(page.lang, page.when, page.variant, True)}</span></div>"
            f"<div class='story-content'>{page.body_html()}</div>"
            f"<section class='recommended'><h2>{page.labels['related']}</h2><ul>{teasers}</ul></section></main>"
            f"{page.footer()}</body></html>")
    return page.head(title) + body, {"title": page.headline, "date": gold_date(page.when, True), "text": page.text(),
                                      "url": f"{page.domain}/article/{page.number}"}


def blog_comments(page: Page) -> tuple[str, dict]:
    blog = page.data["blog"]
    posted = page.when
    comments = "".join(
        f"<li id='comment-{n}' class='comment {'even' if n % 2 else 'odd'} depth-1'><article class='comment-body'>"
        f"<footer class='comment-meta'><div class='comment-author vcard'><b class='fn'>Reader {n}</b></div>"
        f"<div class='comment-metadata'><a href='#comment-{n}'><time datetime='{iso(page.later(n + 1), page.data['zone'])}'>"
        f"{shown_date(page.lang, page.later(n + 1), 0, True)}</time></a></div></footer>"
        f"<div class='comment-content'><p>{html.escape(page.data['comments'][n % 4])} ({n})</p></div>"
        f"<div class='reply'><a class='comment-reply-link' href='#'>Reply</a></div></article></li>"
        for n in range(8 + page.number % 17))
    if page.variant:
        header = f"<header id='masthead'><h1 class='site-title'><a href='/'>{html.escape(blog)}</a></h1></header>"
        heading = f"<h2 class='entry-title'>{html.escape(page.headline)}</h2>"
        title, extra = blog, f"<meta property='og:title' content='{html.escape(blog)}'><meta property='og:site_name' content='{html.escape(blog)}'>"
    else:
        header = f"<header id='masthead'><p class='site-title'><a href='/'>{html.escape(blog)}</a></p></header>"
        heading = f"<h1 class='entry-title'>{html.escape(page.headline)}</h1>"
        title, extra = f"{page.headline} – {blog}", ""
    body = (f"<body class='post-template-default single single-post'>{header}<div id='primary'><main id='main'>"
            f"<article class='post type-post status-publish hentry'><header class='entry-header'>{heading}"
            f"<div class='entry-meta'>{page.labels['posted']} <a href='#'><time class='entry-date published' "
            f"datetime='{iso(posted, page.data['zone'])}'>{shown_date(page.lang, posted, page.variant, False)}</time></a></div></header>"
            f"<div class='entry-content'>{page.body_html(with_rp=False)}</div></article>"
            f"<div id='comments' class='comments-area'><h2 class='comments-title'>{page.labels['comments']}</h2>"
            f"<ol class='comment-list'>{comments}</ol><div id='respond' class='comment-respond'><h3>{page.labels['reply']}</h3>"
            f"<form><p class='comment-notes'>Your email address will not be published.</p><textarea></textarea></form></div></div>"
            f"</main></div><aside id='secondary' class='widget-area'><section class='widget'><h2>Archives</h2><ul>"
            f"<li><a href='/2019/'>2019</a></li></ul></section></aside></body></html>")
    return page.head(title, extra) + body, {"title": page.headline, "date": gold_date(posted, False), "text": page.text(),
                                             "url": f"https://{page.lang}-garden.example/{posted:%Y/%m/%d}/{page.slug}/"}


def blog_disqus(page: Page) -> tuple[str, dict]:
    blog = page.data["blog"]
    thread = "".join(
        f"<li class='post'><div class='post-content'><div class='post-meta'><span class='author'>guest{n}</span> "
        f"<a class='time-ago' title='{shown_date(page.lang, page.later(n + 2), 0, True)}'>{n + 2} days ago</a></div>"
        f"<div class='post-message'><p>{html.escape(page.data['comments'][(n + 1) % 4])}</p></div></div></li>"
        for n in range(6 + page.number % 9))
    long_date = shown_date(page.lang, page.when, page.variant, False)
    body = (f"<body><div class='header-outer'><h1 class='title'><a href='/'>{html.escape(blog)}</a></h1></div>"
            f"<div class='main-inner'><div class='date-outer'><h2 class='date-header'><span>{long_date}</span></h2>"
            f"<div class='post-outer'><div class='post hentry'><h3 class='post-title entry-title'>{html.escape(page.headline)}</h3>"
            f"<div class='post-body entry-content'>{page.body_html()}</div><div class='post-footer'>"
            f"<span class='post-labels'>Labels: <a href='/l'>garden</a></span></div></div></div></div>"
            f"<div id='disqus_thread'><div id='layout'><ul class='post-list'>{thread}</ul></div></div></div></body></html>")
    title = f"{blog}: {page.headline}"
    return page.head(title) + body, {"title": page.headline, "date": gold_date(page.when, False), "text": page.text(),
                                      "url": f"https://{page.lang}-notes.example/{page.when:%Y/%m}/{page.slug}.html"}


def gallery_video(page: Page) -> tuple[str, dict]:
    title = page.headline + " | " + page.outlet
    extra = f"<meta property='article:published_time' content='{iso(page.when, page.data['zone'])}'>"
    gallery = "".join(f"<figure class='gallery-item'><img src='/g{n}.jpg' alt=''><figcaption>{page.labels['photo']} {n + 1}/2: "
                      f"{html.escape(caption)}</figcaption></figure>" for n, caption in enumerate(page.data["captions"]))
    paragraphs = [f"<p>{marked(p)}</p>" for p in page.paragraphs]
    body = (f"<body>{page.nav()}<main><article class='story'><h1>{html.escape(page.headline)}</h1>"
            f"<div class='story-meta'>{shown_date(page.lang, page.when, page.variant, True)}</div>"
            f"<div class='story-body'>{''.join(paragraphs[:2])}<div class='photo-gallery'>{gallery}</div>"
            f"{''.join(paragraphs[2:])}<div class='video-player'><div class='vjs-control-bar'>{page.labels['video']} 0:00 / 2:31</div>"
            f"<p class='vjs-no-js'>{html.escape(page.labels['play'])}</p></div></div></article></main>{page.footer()}</body></html>")
    return page.head(title, extra) + body, {"title": page.headline, "date": gold_date(page.when, True), "text": page.text(),
                                             "url": f"{page.domain}/{page.when:%Y/%m/%d}/{page.slug}"}


def embed(page: Page) -> tuple[str, dict]:
    title = page.headline + " - " + page.outlet
    tweet_day = page.later(40)
    tweet = (f"<blockquote class='twitter-tweet'><p lang='{page.lang}'>{html.escape(page.data['embed'])}</p>&mdash; City Hall "
             f"(@cityhall) <a href='https://twitter.example/cityhall/status/{page.number}'>{tweet_day:%Y-%m-%d}</a></blockquote>")
    insta_stamp, insta_day = page.later(55), page.later(55)   # two draws, as the committed pages were made
    insta = (f"<blockquote class='instagram-media'><div><p>{html.escape(page.data['captions'][0])}</p>"
             f"<p>A post shared by Harbour Life (@harbourlife) on <time datetime='{insta_stamp:%Y-%m-%dT%H:%M:%S}'>"
             f"{shown_date(page.lang, insta_day, 0, False)}</time></p></div></blockquote>")
    paragraphs = [f"<p>{marked(p)}</p>" for p in page.paragraphs]
    body = (f"<body>{page.nav()}<div id='main'><h1 itemprop='headline'>{html.escape(page.headline)}</h1>"
            f"<div class='byline'>{page.labels['by']} Jonas Ek, {shown_date(page.lang, page.when, page.variant, False)}</div>"
            f"<div class='text'>{paragraphs[0]}{tweet}{''.join(paragraphs[1:3])}{insta}{''.join(paragraphs[3:])}</div></div>"
            f"{page.footer()}</body></html>")
    # The story quotes the posts: their text and who posted them are part of it (their dates are not the story's).
    text = [plain(p) for p in page.paragraphs]
    text[1:1] = [page.data["embed"], f"— City Hall (@cityhall) {tweet_day:%Y-%m-%d}"]
    text[5:5] = [page.data["captions"][0],
                 f"A post shared by Harbour Life (@harbourlife) on {shown_date(page.lang, insta_day, 0, False)}"]
    return page.head(title) + body, {"title": page.headline, "date": gold_date(page.when, False), "text": "\n".join(text),
                                      "url": f"{page.domain}/a/{page.number}"}


def noscript_app(page: Page) -> tuple[str, dict]:
    ld = {"@context": "https://schema.org", "@type": "Article", "headline": page.headline,
          "datePublished": iso(page.when, page.data["zone"])}
    extra = f"<script type='application/ld+json'>{json.dumps(ld, ensure_ascii=False)}</script>"
    lead = plain(page.paragraphs[0])
    body = (f"<body><div id='root'><div class='app-loading'><p class='summary'>{html.escape(lead)}</p></div></div>"
            f"<noscript><p>{html.escape(page.labels['noscript'])}</p><article><h1>{html.escape(page.headline)}</h1>"
            f"{page.body_html()}</article></noscript><script src='/static/app.js'></script></body></html>")
    return page.head(f"{page.headline} · {page.outlet}", extra) + body, {
        "title": page.headline, "date": gold_date(page.when, True), "text": page.text(), "url": f"{page.domain}/p/{page.number}"}


def portal_table(page: Page) -> tuple[str, dict]:
    portal = page.data["portal"]
    title = page.headline + "_" + portal if page.variant else page.headline + " - " + portal
    spacer = "<tr><td></td><td></td><td></td></tr><tr><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td></tr>"
    lines = "<br><br>".join(marked(p) for p in page.paragraphs)
    body = (f"<body><table width='960' class='layout'><tr><td colspan='3'><a href='/'><img src='/logo.gif' alt='{html.escape(portal)}'></a></td></tr>"
            f"<tr><td width='180' class='left'><a href='/a'>{page.labels['home']}</a><br><a href='/b'>{page.labels['news']}</a></td>"
            f"<td><table width='100%'><tr><td class='title'><b>{html.escape(page.headline)}</b></td></tr>{spacer}"
            f"<tr><td class='date'>{shown_date(page.lang, page.when, page.variant, False)}</td></tr>{spacer}"
            f"<tr><td class='text'>{lines}</td></tr>{spacer}<tr><td><a href='javascript:print()'>Print</a> | "
            f"<a href='javascript:close()'>Close</a></td></tr></table></td><td width='160'></td></tr>"
            f"<tr><td colspan='3' class='footer'>© {page.when.year} {html.escape(portal)}</td></tr></table></body></html>")
    return page.head(title) + body, {"title": page.headline, "date": gold_date(page.when, False), "text": page.text(),
                                      "url": f"https://www.portal-{page.lang}.example/news/detail?id={page.number}"}


def front_page(page: Page) -> tuple[str, dict]:
    blog = page.data["blog"]
    posts = "".join(
        f"<article class='post hentry'><h2 class='entry-title'><a href='/{page.later(-30 * n):%Y/%m/%d}/post-{n}/'>{html.escape(h)}</a></h2>"
        f"<div class='entry-meta'>{shown_date(page.lang, page.later(-30 * n), 0, False)}</div>"
        f"<div class='entry-summary'><p>{html.escape(plain(p[0]))} […]</p><a class='more-link' href='/{n}'>{page.labels['more']}</a></div></article>"
        for n, (h, p) in enumerate(page.data["stories"]))
    head = page.head(blog, f"<meta property='og:type' content='website'><meta property='og:site_name' content='{html.escape(blog)}'>")
    body = (f"<body class='home blog'><header><h1 class='site-title'><a href='/'>{html.escape(blog)}</a></h1></header>"
            f"<main class='site-main'>{posts}<nav class='pagination'><a href='/page/2/'>2</a></nav></main></body></html>")
    return head + body, {"title": blog, "date": "UNKNOWN", "text": "", "url": f"https://{page.lang}-garden.example/"}


def profile(page: Page) -> tuple[str, dict]:
    name, about = page.data["person"]
    born = datetime(1998 + page.number % 5, 3 + page.number % 7, 1 + page.number % 27)
    sentences = [s for s in re.split(r"(?<=[.。])\s*", about) if s]
    infobox = (f"<table class='infobox vcard'><tr><th colspan='2' class='fn'>{html.escape(name)}</th></tr>"
               f"<tr><th>{page.labels['born']}</th><td>{born:%Y-%m-%d}</td></tr><tr><th>Club</th><td>Rowing</td></tr></table>")
    body = (f"<body>{page.nav()}<div id='content'><h1 id='firstHeading'>{html.escape(name)}</h1>"
            f"<div class='published'>{page.labels['posted']} {shown_date(page.lang, page.when, page.variant, False)}</div>"
            f"{infobox}<div class='mw-parser-output'>{''.join(f'<p>{html.escape(s)}</p>' for s in sentences)}</div></div>"
            f"{page.footer()}</body></html>")
    return page.head(f"{name} - {page.data['wiki']}") + body, {
        "title": name, "date": gold_date(page.when, False), "text": "\n".join(sentences), "url": f"https://{page.lang}.wiki.example/wiki/{page.number}"}


SHAPES = [news_meta, news_visible, blog_comments, blog_disqus, gallery_video, embed, noscript_app, portal_table,
          front_page, profile]


def generate(out: Path = HERE) -> dict:
    """Write every page and labels.json; returns the labels."""
    labels = {}
    rng = random.Random(20241201)
    for offset, lang in enumerate(LANGUAGES):
        for number in range(len(SHAPES) * 2):
            shape, variant = SHAPES[number % len(SHAPES)], number // len(SHAPES)
            blog_post = shape in (blog_comments, blog_disqus) and not variant
            story = 3 if blog_post else (number + offset) % 3
            page = Page(lang, number, story, variant, rng)
            markup, label = shape(page)
            page_id = f"{lang}-{number:02d}-{shape.__name__}"
            (out / f"{page_id}.html").write_text(markup, encoding="utf-8")
            labels[page_id] = {"language": lang, "shape": shape.__name__, **label}
    (out / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return labels


if __name__ == "__main__":
    written = generate()
    print(f"wrote {len(written)} pages to {HERE}")
