"""Hostile sites: what Newsdesk fetches (http and https only), where redirects may lead, which site
a page belongs to, robots.txt that cannot be read, the messages operators read, no remote control."""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import REPO, cli, queue_rows, trickle, write_sources
from support.pages import PARAGRAPHS, STORIES, article, slow_answer

from db import Store

ONLY_HTTP = "not fetched: only http and https URLs are followed"


def rss(items: list[tuple[str, str]], with_text: bool = False) -> str:
    """A feed of (title, absolute link); without text, a failed page has no fallback to store."""
    entries = "".join(f"<item><title>{title}</title><link>{link.replace('&', '&amp;')}</link>"
                      f"<pubDate>Tue, 03 Nov 2026 09:30:00 +0800</pubDate>"
                      + (f"<description>{title}：{'。'.join(PARAGRAPHS)}</description>" if with_text else "")
                      + "</item>" for title, link in items)
    return ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
            f"{entries}</channel></rss>")


def page(title: str, story: str, canonical: str | None = None) -> str:
    html = article(title, paragraphs=STORIES[story])
    if canonical:
        html = html.replace("<head>", f"<head><link rel='canonical' href='{canonical}'>")
    return html


def urlset(locs: list[str]) -> str:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f"<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"


def new_home(tmp_path: Path, sources: list[dict], **settings) -> Path:
    home = tmp_path / "home"
    assert cli("init", str(home)).returncode == 0
    write_sources(home, sources, **{"timeout": 3, **settings})
    return home


def run_errors(home: Path, name: str, kind: str = "errors") -> list[str]:
    """The last run's errors (or notes) as the summary prints them: 'URL: message' (or the message alone)."""
    with Store(home / "newsdesk.db") as store:
        run = store.last_run(name)
    assert run is not None, f"no run of {name}"
    return [f"{e['url']}: {e['message']}" if e["url"] else e["message"] for e in run[kind]]


def stored_urls(home: Path) -> set[str]:
    return {row["url"] for row in queue_rows(home, "--all", "--any-status")}


def paths_requested(server) -> list[str]:
    return [path for path, _ in server.requests]


@pytest.fixture
def ftp_port():
    """A TCP port that counts the connections made to it: an ftp:// link must never reach it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except socket.timeout:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join()
    listener.close()
    for conn in accepted:
        conn.close()


# -- 1. only http and https -----------------------------------------------------------------------


def test_a_sitemap_naming_file_data_and_ftp_urls_gets_only_its_http_article(server, tmp_path, ftp_port):
    port, connections = ftp_port
    data_url = "data:text/html;charset=utf-8," + quote(page("数据URL里的文章", "data"))
    server.add("/news/1.html", page("芯片产线投产", "chip"))
    server.add("/sitemap.xml", urlset([server.url + "/news/1.html", "file:///etc/passwd", "file:/etc/hostname",
                                       "file://localhost/etc/os-release", data_url,
                                       f"ftp://127.0.0.1:{port}/news/2.html"]),
               content_type="application/xml")
    home = new_home(tmp_path, [{"name": "map", "kind": "sitemap", "url": server.url + "/sitemap.xml"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == {server.url + "/news/1.html"}
    errors = run_errors(home, "map")
    assert sum(error.endswith(": " + ONLY_HTTP) for error in errors) == 5, errors
    assert any(error.startswith("file:///etc/passwd: ") for error in errors), errors
    assert not connections, "an ftp:// URL made the crawler connect"


def test_feed_entries_and_listing_links_to_other_schemes_are_refused_one_line_each(server, tmp_path, ftp_port):
    port, connections = ftp_port
    server.add("/news/1.html", page("芯片产线投产", "chip"))
    server.add("/feed.xml", rss([("芯片产线投产", server.url + "/news/1.html"), ("口令文件", "file:///etc/passwd"),
                                 ("文件服务器", f"ftp://127.0.0.1:{port}/a.html")], with_text=True),
               content_type="application/rss+xml")
    server.add("/news/2.html", page("数据要素市场启动", "data"))
    server.add("/list.html", "<html><body><ul class='list'>"
                             f"<li><a href='{server.url}/news/2.html'>数据要素市场启动运营首批场景</a></li>"
                             "<li><a href='file:///etc/passwd'>本地口令文件也当作文章</a></li>"
                             f"<li><a href='ftp://127.0.0.1:{port}/b.html'>文件服务器上的文章</a></li></ul>"
                             "<a href='file:///etc/hostname'>下一页</a></body></html>")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": server.url + "/feed.xml"},
                               {"name": "portal", "kind": "listing", "url": server.url + "/list.html",
                                "links": ".list a"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == {server.url + "/news/1.html", server.url + "/news/2.html"}
    wire = sorted(run_errors(home, "wire"))
    # feedparser hands the link on as file://etc/passwd: reported as it was asked for
    assert len(wire) == 2 and wire[0].startswith("file://") and wire[0].endswith(": " + ONLY_HTTP), wire
    assert wire[1] == f"ftp://127.0.0.1:{port}/a.html: {ONLY_HTTP}"
    portal = run_errors(home, "portal")
    assert f"file:///etc/passwd: {ONLY_HTTP}" in portal and f"file:///etc/hostname: {ONLY_HTTP}" in portal, portal
    assert not connections


def test_a_redirect_to_file_or_ftp_is_refused_and_says_so(server, tmp_path, ftp_port):
    port, connections = ftp_port
    server.add("/a.html", b"", status=302, Location="file:///etc/passwd")
    server.add("/b.html", b"", status=302, Location=f"ftp://127.0.0.1:{port}/b.html")
    server.add("/feed.xml", rss([("口令", server.url + "/a.html"), ("文件服务器", server.url + "/b.html")]),
               content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": server.url + "/feed.xml"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == set()
    assert sorted(run_errors(home, "wire")) == [
        f"{server.url}/a.html: redirected to a file:// URL; refused (only http and https are fetched)",
        f"{server.url}/b.html: redirected to a ftp:// URL; refused (only http and https are fetched)",
    ]
    assert not connections


def test_a_meta_refresh_in_a_large_pages_head_is_followed_and_one_below_it_is_not(server, tmp_path):
    # The refresh is read from the first 4,096 characters of the page, as Scrapy reads it; our middleware
    # decodes only the bytes that can hold them, on pages of 20 KB and more (HeadMetaRefresh).
    padding = "<!-- " + "x" * 30_000 + " -->"
    server.add("/moved.html", f"<html><head><meta http-equiv='refresh' content='0; url=/news/1.html'>"
                              f"<title>已迁移</title></head><body>{padding}<p>本页已迁移。</p></body></html>")
    late = page("数据要素市场启动", "data").replace("</body>", f"{padding}<meta http-equiv='refresh' "
                                                     "content='0; url=/news/3.html'></body>")
    server.add("/news/1.html", page("芯片产线投产", "chip"))
    server.add("/news/2.html", late)
    server.add("/news/3.html", page("算力项目开工", "compute"))
    server.add("/feed.xml", rss([("迁移", server.url + "/moved.html"), ("数据", server.url + "/news/2.html")]),
               content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": server.url + "/feed.xml"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == {server.url + "/news/1.html", server.url + "/news/2.html"}


# -- 2. redirects that leave the site ----------------------------------------------------------------


def test_a_source_that_moved_to_another_site_is_followed_and_reported(server_on, tmp_path):
    old, new = server_on("127.0.0.2"), server_on("127.0.0.3")
    new.add("/news/1.html", page("芯片产线投产", "chip"))
    new.add("/rss.xml", rss([("芯片产线投产", new.url + "/news/1.html")]), content_type="application/rss+xml")
    old.add("/rss.xml", b"", status=301, Location=new.url + "/rss.xml")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": old.url + "/rss.xml"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == {new.url + "/news/1.html"}
    # A note, not a failure: the run is ok, and the feed's validators are kept as after any clean run.
    assert run_errors(home, "wire") == []
    assert run_errors(home, "wire", "notes") == [
        f"{old.url}/rss.xml: moved to {new.url}/rss.xml (redirect); update the source's url in sources.yaml"]
    with Store(home / "newsdesk.db") as store:
        assert store.last_run("wire")["status"] == "ok"


def test_an_article_redirecting_off_its_site_is_kept_only_under_its_own_canonical_url(server_on, tmp_path):
    site, other = server_on("127.0.0.2"), server_on("127.0.0.3")
    other.add("/story/1.html", page("芯片产线投产", "chip", canonical=other.url + "/articles/1.html"))
    other.add("/plain/2.html", page("数据要素市场启动", "data"))
    other.add("/claims/3.html", page("算力项目开工", "compute", canonical=site.url + "/news/3.html"))
    for n, target in ((1, "/story/1.html"), (2, "/plain/2.html"), (3, "/claims/3.html")):
        site.add(f"/go/{n}.html", b"", status=302, Location=other.url + target)
    site.add("/rss.xml", rss([(f"第{n}条", f"{site.url}/go/{n}.html") for n in (1, 2, 3)]),
             content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": site.url + "/rss.xml"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == {other.url + "/articles/1.html"}
    errors = run_errors(home, "wire")
    assert len(errors) == 2, errors
    for n, target in ((2, "/plain/2.html"), (3, "/claims/3.html")):
        assert (f"{other.url}{target}: redirected here from {site.url}/go/{n}.html (another site) and names no "
                "rel=canonical on its own site; not stored") in errors, errors


def test_pagination_and_child_sitemaps_redirecting_off_site_are_refused(server_on, tmp_path):
    site, other = server_on("127.0.0.2"), server_on("127.0.0.3")
    site.add("/news/1.html", page("芯片产线投产", "chip"))
    site.add("/list.html", "<html><body><ul class='list'>"
                           "<li><a href='/news/1.html'>无锡十二英寸晶圆产线正式投产</a></li></ul>"
                           "<a href='/list_2.html'>下一页</a></body></html>")
    site.add("/list_2.html", b"", status=302, Location=other.url + "/list_2.html")
    other.add("/list_2.html", "<html><body><ul class='list'><li><a href='/x.html'>别人的网站上的文章标题</a></li></ul></body></html>")
    site.add("/index.xml", "<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
                           f"<sitemap><loc>{site.url}/sitemap-1.xml</loc></sitemap></sitemapindex>",
             content_type="application/xml")
    site.add("/sitemap-1.xml", b"", status=302, Location=other.url + "/sitemap-1.xml")
    other.add("/sitemap-1.xml", urlset([other.url + "/x.html"]), content_type="application/xml")
    home = new_home(tmp_path, [{"name": "portal", "kind": "listing", "url": site.url + "/list.html",
                                "links": ".list a"},
                               {"name": "map", "kind": "sitemap", "url": site.url + "/index.xml"}])
    cli("--home", str(home), "crawl")
    assert stored_urls(home) == {site.url + "/news/1.html"}
    assert run_errors(home, "portal") == [
        f"{site.url}/list_2.html: redirected off the site to {other.url}/list_2.html; refused "
        "(pagination and child sitemaps stay on their site)"]
    assert run_errors(home, "map") == [
        f"{site.url}/sitemap-1.xml: redirected off the site to {other.url}/sitemap-1.xml; refused "
        "(pagination and child sitemaps stay on their site)"]
    assert "/list_2.html" not in paths_requested(other) and "/sitemap-1.xml" not in paths_requested(other)


# -- 3. sites by the Public Suffix List; rel=canonical cannot take over ------------------------------


def test_a_page_on_another_host_cannot_take_over_an_articles_url_with_rel_canonical(server_on, tmp_path):
    # 127.2.0.9 and 127.3.0.9 end in the same two labels; they are two sites all the same.
    real, hostile = server_on("127.2.0.9"), server_on("127.3.0.9")
    real.add("/news/real.html", page("芯片产线投产", "chip"))
    real.add("/rss.xml", rss([("芯片产线投产", real.url + "/news/real.html")]), content_type="application/rss+xml")
    hostile.add("/evil.html", page("假冒的文章", "data", canonical=real.url + "/news/real.html"))
    hostile.add("/rss.xml", rss([("假冒的文章", hostile.url + "/evil.html")]), content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "hostile", "kind": "feed", "url": hostile.url + "/rss.xml"},
                               {"name": "real", "kind": "feed", "url": real.url + "/rss.xml"}])
    cli("--home", str(home), "crawl")
    rows = {row["url"]: row for row in queue_rows(home, "--all", "--any-status")}
    assert set(rows) == {real.url + "/news/real.html", hostile.url + "/evil.html"}
    assert rows[real.url + "/news/real.html"]["source"] == "real"
    assert rows[real.url + "/news/real.html"]["title"] == "芯片产线投产"


def test_rel_canonical_never_takes_a_url_another_source_stored(server, tmp_path):
    server.add("/news/real.html", page("芯片产线投产", "chip"))
    server.add("/real.xml", rss([("芯片产线投产", server.url + "/news/real.html")]), content_type="application/rss+xml")
    server.add("/users/evil.html", page("假冒的文章", "data", canonical="/news/real.html"))
    server.add("/users.xml", rss([("假冒的文章", server.url + "/users/evil.html")]), content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "real", "kind": "feed", "url": server.url + "/real.xml"},
                               {"name": "users", "kind": "feed", "url": server.url + "/users.xml"}])
    assert cli("--home", str(home), "crawl", "--source", "real").returncode == 0
    assert cli("--home", str(home), "crawl", "--source", "users").returncode == 0
    rows = {row["url"]: row for row in queue_rows(home, "--all", "--any-status")}
    assert set(rows) == {server.url + "/news/real.html", server.url + "/users/evil.html"}
    assert rows[server.url + "/users/evil.html"]["source"] == "users"


# -- 4. robots.txt that cannot be read --------------------------------------------------------------


def test_robots_txt_answering_5xx_disallows_the_host_for_this_run_only(server, tmp_path):
    server.add("/robots.txt", "down for maintenance", status=503, content_type="text/plain")
    server.add("/news/1.html", page("芯片产线投产", "chip"))
    server.add("/news/2.html", page("数据要素市场启动", "data"))
    server.add("/feed.xml", rss([("芯片产线投产", server.url + "/news/1.html"),
                                 ("数据要素市场启动", server.url + "/news/2.html")]),
               content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": server.url + "/feed.xml"}])
    cli("--home", str(home), "crawl")
    host = server.url.split("//", 1)[1]
    assert run_errors(home, "wire") == [
        f"{server.url}/robots.txt could not be read (HTTP 503): nothing fetched from {host} this run, "
        "as RFC 9309 asks; it is tried again next run"]
    assert set(paths_requested(server)) == {"/robots.txt"}
    cli("--home", str(home), "crawl")
    assert paths_requested(server) == ["/robots.txt", "/robots.txt"], "nothing is remembered across runs"
    assert stored_urls(home) == set()


def test_robots_txt_that_times_out_disallows_and_one_that_is_missing_allows(server_on, tmp_path):
    slow, missing = server_on("127.0.0.2"), server_on("127.0.0.3")
    slow.add("/robots.txt", slow_answer(4))
    missing.add("/robots.txt", "no such file", status=404, content_type="text/plain")
    for srv in (slow, missing):
        srv.add("/news/1.html", page("芯片产线投产", "chip"))
        srv.add("/feed.xml", rss([("芯片产线投产", srv.url + "/news/1.html")]), content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "slow", "kind": "feed", "url": slow.url + "/feed.xml"},
                               {"name": "missing", "kind": "feed", "url": missing.url + "/feed.xml"}], timeout=1)
    cli("--home", str(home), "crawl")
    [error] = run_errors(home, "slow")
    assert error.startswith(f"{slow.url}/robots.txt could not be read (timed out: no complete answer within 1 s)")
    assert "nothing fetched from" in error and "RFC 9309" in error
    assert "/feed.xml" not in paths_requested(slow)
    assert stored_urls(home) == {missing.url + "/news/1.html"}


# -- 5. messages operators can act on ----------------------------------------------------------------


def gzip_bomb(megabytes: int) -> bytes:
    return gzip.compress(b"<p>" + b"\0" * (megabytes * 1024 * 1024) + b"</p>", compresslevel=9)


def test_a_gzip_bomb_and_a_slow_retried_site_get_messages_that_say_what_to_do(server, tmp_path):
    server.add("/bomb.html", gzip_bomb(20), Content_Encoding="gzip")
    server.add("/slow.xml", slow_answer(4))
    home = new_home(tmp_path, [{"name": "bomb", "kind": "listing", "url": server.url + "/bomb.html"},
                               {"name": "slow", "kind": "feed", "url": server.url + "/slow.xml"}],
                    max_page_mb=1, timeout=1, retries=2, retry_backoff=0.1)
    cli("--home", str(home), "crawl")
    assert run_errors(home, "bomb") == [f"{server.url}/bomb.html: larger than max_page_mb (1 MB); not downloaded"]
    [slow] = run_errors(home, "slow")
    prefix = f"{server.url}/slow.xml: timed out: no complete answer within 1 s, 3 tries over "
    assert slow.startswith(prefix) and slow.endswith(" s; the site is slow or down"), slow
    assert float(slow[len(prefix):].split(" ")[0]) >= 3, "three whole tries took at least three timeouts"


# -- 6. no remote control, no telnet, nothing a crawl does not need ----------------------------------


def test_a_crawler_built_from_our_settings_runs_no_unneeded_extension():
    from scrapy.utils.test import get_crawler

    from crawler.crawl.settings import scrapy_settings

    # get_crawler turns RemoteControl off for tests; a real run has Scrapy's default (on) unless we say otherwise.
    crawler = get_crawler(settings_dict={**scrapy_settings({}), "REMOTE_CONTROL_ENABLED": True})
    enabled = {type(extension).__name__ for extension in crawler.extensions.middlewares}
    assert "RunRecorder" in enabled
    assert not enabled & {"RemoteControl", "TelnetConsole", "FeedExporter", "LogStats", "MemoryDebugger",
                          "MemoryUsage", "SpiderState", "AutoThrottle"}, enabled


def _listening_sockets(pid: int) -> list[str]:
    """The TCP ports process `pid` listens on (from /proc: its socket inodes in LISTEN state)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:
                ports.append(fields[1])
    return ports


def test_a_crawl_opens_no_listening_port_and_leaves_no_token_file(server, tmp_path):
    held, release = threading.Event(), threading.Event()

    def hold(request):
        held.set()
        release.wait(30)
        body = page("芯片产线投产", "chip").encode()
        request.send_response(200)
        request.send_header("Content-Type", "text/html; charset=utf-8")
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    server.add("/news/1.html", hold)
    server.add("/feed.xml", rss([("芯片产线投产", server.url + "/news/1.html")]), content_type="application/rss+xml")
    home = new_home(tmp_path, [{"name": "wire", "kind": "feed", "url": server.url + "/feed.xml"}], timeout=40)
    state = tmp_path / "state"
    env = {k: v for k, v in os.environ.items() if k != "NEWSDESK_HOME"} | {"XDG_STATE_HOME": str(state)}
    crawl = subprocess.Popen([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "crawl"], cwd=REPO,
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert held.wait(60), "the crawl never asked for the article"
        listening = _listening_sockets(crawl.pid)
        token_files = [str(p) for p in state.rglob("*") if p.is_file()] if state.exists() else []
    finally:
        release.set()
        out, err = crawl.communicate(timeout=120)
    assert crawl.returncode == 0, err
    assert listening == [], f"the crawl listens on {listening}"
    assert token_files == []
    assert not (state / "scrapy").exists()


# -- 7. `newsdesk extract URL` fetches by the same rules --------------------------------------------


@pytest.fixture
def extract_home(home):
    write_sources(home, [], timeout=2, max_page_mb=1)
    return home


def extract(home: Path, url: str, timeout: float = 90) -> subprocess.CompletedProcess:
    return cli("--home", str(home), "extract", url, timeout=timeout)


def test_extract_reads_gzip_pages_and_refuses_what_a_crawl_refuses(server, extract_home, ftp_port):
    port, connections = ftp_port
    server.add("/zipped.html", gzip.compress(page("芯片产线投产", "chip").encode()), Content_Encoding="gzip")
    server.add("/bomb.html", gzip_bomb(20), Content_Encoding="gzip")
    server.add("/to-file.html", b"", status=302, Location="file:///etc/passwd")
    zipped = extract(extract_home, server.url + "/zipped.html")
    assert zipped.returncode == 0, zipped.stderr
    assert "title: 芯片产线投产" in zipped.stdout and "晶圆产线" in zipped.stdout
    for url, message in [
        (server.url + "/bomb.html", "larger than max_page_mb (1 MB); not downloaded"),
        (server.url + "/to-file.html", "redirected to a file:// URL; refused (only http and https are fetched)"),
        ("file:///etc/passwd", ONLY_HTTP),
        (f"ftp://127.0.0.1:{port}/a.html", ONLY_HTTP),
        (server.url + "/gone.html", "HTTP 404: the page is gone; check the URL"),
    ]:
        result = extract(extract_home, url)
        assert (result.returncode, result.stderr) == (1, f"error: {url}: {message}\n"), url
    assert not connections


def test_extract_gives_up_on_a_trickling_page_after_the_whole_download_timeout(server, extract_home):
    server.add("/trickle.html", trickle(chunks=600, delay=1.0, chunk=b"<"))
    result = extract(extract_home, server.url + "/trickle.html", timeout=60)
    assert result.returncode == 1
    assert result.stderr == (f"error: {server.url}/trickle.html: timed out: no complete answer within 2 s; "
                             "the site is slow or down\n")


def test_extract_obeys_an_unreadable_robots_txt(server, extract_home):
    server.add("/robots.txt", "busy", status=503, content_type="text/plain")
    server.add("/a.html", page("芯片产线投产", "chip"))
    result = extract(extract_home, server.url + "/a.html")
    assert result.returncode == 1
    assert f"{server.url}/robots.txt could not be read (HTTP 503)" in result.stderr
    assert result.stderr.count("\n") == 1
    assert "/a.html" not in paths_requested(server)
