"""Crawl benchmark (issue 11): the whole crawl on a farm of news sites on 127.0.0.0/8, beside bare Scrapy and plain
trafilatura on the same pages.

Run `python benchmarks/crawl.py` (`make bench`). Pages are real news pages read from ../shared/data (English and
Chinese, many GBK; served as the bytes on disk with `text/html` and no charset, so every reader decodes them
itself); without that folder the benchmark says so and stops. The farm: the pages spread over 40 hosts
(127.0.1.x), each with an RSS feed of its pages that sends an ETag and Last-Modified and answers 304 to a
conditional request, plus 2 slow hosts (each page a second late) and 2 failing ones (HTTP 500). Politeness is
relaxed as in the issue: per_domain_delay 0, per_domain_concurrency 8.

Each measured run is its own process (Scrapy's reactor runs once a process): wall seconds; cores used = the CPU
seconds of the process and its children / wall; peak memory = the highest sum of the proportional set size
(PSS: shared pages split between the processes that share them) over the process tree, sampled every 0.2 s
for the first two seconds and every 0.5 s after (each sample takes the kernel 14 ms: see poll_interval).

- bare Scrapy: one spider fetching every page, nothing done with them;
- plain trafilatura: decode (crawler.formats.charset) and trafilatura.extract + extract_metadata, one process;
- Newsdesk: `newsdesk crawl` into a fresh home (fetch, extract, dedup, classify with the encoder, store), then
  the same again with nothing changed (every feed answers 304); then plain trafilatura and the fresh crawl twice
  more (the ratio compares the fastest run of each: the machine is shared), then a fresh crawl with the encoder in
  float32 (NEWSDESK_ENCODER_PRECISION=fp32; README, "The encoder");
- rounds: N sources (N in --rounds, default 100, 1,000 and 10,000) on up to 250 hosts (127.0.2.x, 127.0.3.x), one feed
  with one new article each (real pages again, reused round the set), then the no-change round.

The farm's servers run in this process, on the same two cores: the figures are for the whole machine doing both.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))
sys.path.insert(0, str(REPO))

from extraction import DATA, load_sets, plain_trafilatura  # noqa: E402

FARM_HOSTS = 40
ROUND_HOSTS = 250
SETTINGS = {"per_domain_delay": 0, "per_domain_concurrency": 8, "max_sites_at_once": 16, "retries": 0,
            "timeout": 20, "contact": "https://example.org/newsdesk-benchmark"}


# ---------------------------------------------------------------------------------------------- the farm

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        route = self.server.routes.get(self.path.split("?")[0])   # type: ignore[attr-defined]
        if route is None:
            return self._send(404, {"Content-Type": "text/plain"}, b"not found")
        body, content_type, status, delay = route
        if delay:
            time.sleep(delay)
        etag = f'"{hash(body) & 0xffffffff:x}"'
        if self.headers.get("If-None-Match") == etag:
            return self._send(304, {"ETag": etag}, b"")
        self._send(status, {"Content-Type": content_type, "ETag": etag,
                            "Last-Modified": formatdate(1764547200, usegmt=True)}, body)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Host:
    """One site of the farm: a server on its own loopback address."""

    def __init__(self, address: str) -> None:
        self.httpd = ThreadingHTTPServer((address, 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.routes = {"/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain", 200, 0)}
        self.url = f"http://{address}:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def add(self, path: str, body: bytes, content_type: str = "text/html", status: int = 200,
            delay: float = 0) -> str:
        self.httpd.routes[path] = (body, content_type, status, delay)
        return self.url + path

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def feed(host: Host, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(f"<item><title>{title}</title><link>{host.url}{path}</link></item>" for title, path in items)
    return (f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{host.url}</title>"
            f"{entries}</channel></rss>").encode()


def farm(pages: list[bytes]) -> tuple[list[Host], list[dict], list[str]]:
    """The 400-page farm: its hosts, its sources (sources.yaml entries) and its article URLs."""
    hosts, sources, urls = [], [], []
    for n in range(FARM_HOSTS):
        host = Host(f"127.0.1.{n + 1}")
        hosts.append(host)
        items = [(f"story {k}", f"/news/{k}.html") for k in range(n, len(pages), FARM_HOSTS)]
        for k in range(n, len(pages), FARM_HOSTS):
            urls.append(host.add(f"/news/{k}.html", pages[k]))
        sources.append({"name": f"site{n}", "kind": "feed",
                        "url": host.add("/feed.xml", feed(host, items), "application/rss+xml")})
    for n in range(2):
        slow, failing = Host(f"127.0.1.{101 + n}"), Host(f"127.0.1.{201 + n}")
        hosts += [slow, failing]
        for k in range(2):
            slow.add(f"/news/{k}.html", pages[k], delay=1.0)
        sources.append({"name": f"slow{n}", "kind": "feed", "url": slow.add(
            "/feed.xml", feed(slow, [(f"slow {k}", f"/news/{k}.html") for k in range(2)]), "application/rss+xml")})
        sources.append({"name": f"failing{n}", "kind": "feed",
                        "url": failing.add("/feed.xml", b"down", "text/plain", status=500)})
    return hosts, sources, urls


def round_farm(pages: list[bytes], count: int) -> tuple[list[Host], list[dict]]:
    """`count` sources on up to 250 hosts, one feed with one article each."""
    hosts = [Host(f"127.0.{2 + n // 200}.{n % 200 + 1}") for n in range(min(ROUND_HOSTS, count))]
    sources = []
    for k in range(count):
        host = hosts[k % len(hosts)]
        host.add(f"/a/{k}.html", pages[k % len(pages)])
        sources.append({"name": f"s{k}", "kind": "feed",
                        "url": host.add(f"/s/{k}.xml", feed(host, [(f"story {k}", f"/a/{k}.html")]),
                                        "application/rss+xml")})
    return hosts, sources


# ---------------------------------------------------------------------------------------------- measuring

# The memory poll competes with a crawl for its two cores: the kernel walks every page of the three processes
# for their PSS, 14 ms a poll, so five polls a second took 0.4-0.6 s of CPU from a 7 s crawl (3-4% of its work).
# Five a second for the first two seconds (a no-change round is over in one), then two.
def poll_interval(elapsed: float) -> float:
    return 0.2 if elapsed < 2.0 else 0.5


def measured(command: list[str], env: dict | None = None) -> dict:
    """Run a command; its wall seconds, cores used (CPU of it and its children / wall) and peak PSS in MB."""
    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    # Output to files, not pipes: a crawl of 10,000 sources prints more than a pipe holds, and nothing reads
    # the pipe until the command ends.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=REPO, env={**os.environ, **(env or {})}, stdout=out, stderr=err,
                                   text=True)
        peak = 0.0
        root = psutil.Process(process.pid)
        while process.poll() is None:
            total = 0
            try:
                for member in [root, *root.children(recursive=True)]:
                    total += member.memory_full_info().pss
            except psutil.Error:
                pass
            peak = max(peak, total)
            time.sleep(poll_interval(time.monotonic() - start))
        wall = time.monotonic() - start
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode not in (0, 1):   # 1: a source failed (the failing hosts), the others ran
        print(f"  {' '.join(command[-3:])} exited {process.returncode}: {stderr.strip()[-500:]}")
    return {"wall": wall, "cores": cpu / wall, "peak_mb": peak / 2**20, "stdout": stdout}


def newsdesk(home: Path, sources: list[dict], precision: str | None = None) -> dict:
    """`newsdesk crawl` into home (made first if absent); precision: the encoder's, when not the default."""
    import json

    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    if precision:   # for init too: it encodes the sections' meanings in that precision
        env["NEWSDESK_ENCODER_PRECISION"] = precision
    if not home.exists():
        subprocess.run([sys.executable, "-m", "newsdesk.cli", "init", str(home)], cwd=REPO, check=True,
                       capture_output=True, env={**os.environ, **env})
    (home / "sources.yaml").write_text(json.dumps({"sources": sources, "settings": SETTINGS}), encoding="utf-8")
    result = measured([sys.executable, "-m", "newsdesk.cli", "--home", str(home), "crawl"], env=env)
    result["stored"] = stored(home)
    return result


def stored(home: Path) -> int:
    from db import Store

    with Store(home / "newsdesk.db") as store:
        return store.db.execute("SELECT COUNT(*) FROM candidates").fetchone()[0]


def line(name: str, result: dict, count: int, unit: str) -> str:
    rate = f"{count / result['wall']:7.1f} {unit}/s" if count else " " * 7 + " -" + " " * (len(unit) + 2)
    return (f"| {name:<52} | {result['wall']:8.1f} | {rate} | {result['cores']:5.2f} | "
            f"{result['peak_mb']:6.0f} MB |")


# ---------------------------------------------------------------------------------------------- the runs

def bare_scrapy(url_file: str) -> None:
    """Child mode: fetch every URL in the file with a bare Scrapy spider, nothing done with the pages."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = Path(url_file).read_text().split()

    class Bare(scrapy.Spider):
        name = "bare"
        got = 0

        async def start(self):
            for url in urls:
                yield scrapy.Request(url, dont_filter=True)

        def parse(self, response):
            Bare.got += 1

    process = CrawlerProcess({"LOG_LEVEL": "ERROR", "ROBOTSTXT_OBEY": False, "DOWNLOAD_DELAY": 0,
                              "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                              "TELNETCONSOLE_ENABLED": False})
    process.crawl(Bare)
    process.start()
    print(Bare.got)


def trafilatura_alone(count: int) -> None:
    """Child mode: plain trafilatura on the first `count` pages, one process."""
    from crawler.formats.charset import decode_html

    pages = all_pages()[:count]
    start, cpu = time.monotonic(), time.process_time()
    for page in pages:
        plain_trafilatura(page, decode_html(page.body)[0])
    # The extraction alone, without reading the pages from disk: wall and CPU seconds.
    print(time.monotonic() - start, time.process_time() - cpu)


def trafilatura_run(count: int) -> dict:
    """trafilatura_alone in its own process: the extraction's wall and cores, the process's peak memory."""
    result = measured([sys.executable, __file__, "--trafilatura", str(count)])
    result["wall"], cpu = (float(n) for n in result["stdout"].split()[-2:])
    result["cores"] = cpu / result["wall"]
    return result


def all_pages():
    return [page for page_set in load_sets() for page in page_set.pages]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400, help="pages on the farm (default 400)")
    parser.add_argument("--rounds", default="100,1000,10000",
                        help='source counts of the rounds (default 100,1000,10000; "" for none)')
    parser.add_argument("--bare-scrapy", help=argparse.SUPPRESS)
    parser.add_argument("--trafilatura", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_scrapy:
        return bare_scrapy(args.bare_scrapy)
    if args.trafilatura:
        return trafilatura_alone(args.trafilatura)
    if not DATA.is_dir():
        print(f"skipping the crawl benchmark: {DATA} is absent (it serves real pages from there)")
        return
    pages = [page.body for page in all_pages()[:args.pages]]
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}; "
          f"{len(pages)} pages on {FARM_HOSTS} hosts (+2 slow, +2 failing); {os.cpu_count()} cores")
    print("| run | wall s | rate | cores used | peak memory |\n|---|---|---|---|---|")
    hosts, sources, urls = farm(pages)
    with tempfile.TemporaryDirectory() as folder:
        url_file = Path(folder) / "urls.txt"
        url_file.write_text("\n".join(urls))
        bare = measured([sys.executable, __file__, "--bare-scrapy", str(url_file)])
        print(line("bare Scrapy fetching the pages", bare, len(pages), "pages"), flush=True)
        # The comparison that matters, plain trafilatura against the crawl, is run three times, interleaved, and
        # the fastest run of each is compared: the machine is shared (trafilatura alone took 10.4-19.0 s in one
        # day), and one slow spell would decide a single pair.
        alone = trafilatura_run(len(pages))
        print(line("plain trafilatura, one process (extraction alone)", alone, len(pages), "pages"), flush=True)
        home = Path(folder) / "home"
        first = newsdesk(home, sources)
        print(line(f"newsdesk crawl, fresh home ({first['stored']} stored)", first, first["stored"], "articles"))
        again = newsdesk(home, sources)
        print(line("newsdesk crawl again, nothing changed (304s)", again, 0, "articles"), flush=True)
        trafilatura_walls, crawl_walls = [alone["wall"]], [first["wall"]]
        for n in (2, 3):
            more = trafilatura_run(len(pages))
            print(line(f"plain trafilatura, run {n}", more, len(pages), "pages"), flush=True)
            crawl = newsdesk(Path(folder) / f"home-{n}", sources)
            print(line(f"newsdesk crawl, fresh home {n} ({crawl['stored']} stored)", crawl, crawl["stored"],
                       "articles"), flush=True)
            trafilatura_walls.append(more["wall"])
            crawl_walls.append(crawl["wall"])
        exact = newsdesk(Path(folder) / "home-fp32", sources, precision="fp32")
        print(line(f"the same, encoder in float32 ({exact['stored']} stored)", exact, exact["stored"], "articles"),
              flush=True)
        trafilatura_wall, crawl_wall = min(trafilatura_walls), min(crawl_walls)
        print(f"\nend to end / plain trafilatura: {trafilatura_wall / crawl_wall:.2f}x "
              f"(pages through Newsdesk per second over trafilatura's, the fastest of three runs each; "
              f"{trafilatura_wall / exact['wall']:.2f}x with the encoder in float32); "
              f"end to end / bare Scrapy: {bare['wall'] / crawl_wall:.2f}x")
        for host in hosts:
            host.stop()
        for count in (int(n) for n in args.rounds.split(",") if n):
            round_hosts, round_sources = round_farm(pages, count)
            home = Path(folder) / f"round{count}"
            new = newsdesk(home, round_sources)
            print(line(f"{count:,} sources, one new article each ({new['stored']} stored)", new, new["stored"],
                       "articles"), flush=True)
            same = newsdesk(home, round_sources)
            print(line(f"{count:,} sources, nothing changed", same, 0, "articles"), flush=True)
            for host in round_hosts:
                host.stop()
    print(f"load average after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
