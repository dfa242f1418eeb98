"""Search as a reader meets it, in Chromium: time to the first result and bytes per search.

    python -m newsdesk.bench_search SITE_DIR

Each query runs in a fresh browser context (nothing cached): open the page, click the
search button, type the query at 50 ms a key. "first" is from the last keystroke's input
event to the first results of the whole query in the list, as the page's own clock sees
it: on a large archive, those of its newest articles (newsdesk.search.NEWEST) when the
whole index is slower; "all" is to the complete results; "after opening" is from the
click to the complete results. Bytes are what the site's server sent from the click on,
uncompressed (a real host would gzip most of it: the gzipped total is shown as well).
Then the tag filter: choosing a tag must narrow the results to articles with that tag.
Needs Playwright (a test dependency) and Debian's Chromium.
"""

from __future__ import annotations

import argparse
import gzip
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, Page, sync_playwright

from newsdesk import synthetic

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
# From rare to everywhere, as found in the 10,000-article synthetic archive: "inflation"
# in 13% of the articles, "chips" in 36%, both of "solar grid" in 1%, "china" (a word of
# the China tags) in 63%, and "market" in every article: the worst case, as "said" or
# "the" would be in a real archive.
QUERIES = ("inflation", "chips", "solar grid", "china", "market")
# A query, then a tag to narrow it to: the most popular synthetic tag.
FILTER = ("inflation", synthetic.TAGS[0])
TYPING_DELAY_MS = 50
TIMEOUT_MS = 30_000
# Installed before typing: when the last input event fired, and when results of the whole
# query (not of a prefix typed so far) were first in the list, and complete results, on
# the page's own clock, so no round trip to Playwright is in the figures. The
# list's data attributes say which search (words and tag) its results answer, and whether
# they are complete (assets/javascripts/search.js).
CLOCK = """(query) => {
  const clock = (window.ndClock = { opened: performance.now(), first: 0, all: 0, tag: "" });
  const list = document.querySelector("#nd-search .nd-search__results");
  document.getElementById("nd-search-query").addEventListener("input", () => {
    clock.typed = performance.now();
  });
  new MutationObserver(() => {
    const answers = list.dataset.query === query && list.dataset.tag === clock.tag;
    if (!answers || !list.querySelector(".nd-search__link")) return;
    clock.first ||= performance.now();
    if (list.dataset.complete === "true") clock.all ||= performance.now();
  }).observe(list, { childList: true });
}"""
RESTART_CLOCK = """(tag) => {
  Object.assign(window.ndClock, { first: 0, all: 0, tag, typed: performance.now() });
}"""
DONE = "() => window.ndClock.all > 0"


@dataclass(frozen=True)
class Served:
    path: str
    size: int
    gzipped: int


class _Recorder(SimpleHTTPRequestHandler):
    """Serves the site and records every file it sends (path, size, gzipped size)."""

    served: list[Served]

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the figures are the output."""

    def do_GET(self) -> None:
        super().do_GET()
        path = Path(self.translate_path(unquote(urlsplit(self.path).path)))
        if path.is_dir():
            path /= "index.html"
        if path.is_file():
            data = path.read_bytes()
            self.served.append(Served(self.path, len(data), len(gzip.compress(data))))


@contextmanager
def serve(directory: Path, served: list[Served] | None = None) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 (a free port) for the block; record into `served`."""
    handler = type("Handler", (_Recorder,), {"served": served if served is not None else []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=directory))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Figure:
    query: str
    tag: str | None
    ms_after_typing: float  # to the first results
    ms_to_all_after_typing: float  # to the complete results
    ms_after_opening: float  # to the complete results
    results: str  # the dialog's status line, e.g. "7,312 results for “inflation”"
    requests: int
    bytes: int
    gzipped: int
    tag_ok: bool | None = None  # every shown result carries the chosen tag


def search(page: Page, url: str, query: str, served: list[Served]) -> dict[str, float]:
    """Open `url`, then the search dialog, type `query`; the page's clock readings.

    `served` is emptied once the page has loaded, so it holds what the search fetched.
    """
    page.goto(url)
    page.evaluate(CLOCK, query)
    served.clear()
    page.click("[data-nd-search-open]")
    page.keyboard.type(query, delay=TYPING_DELAY_MS)
    page.wait_for_function(DONE, timeout=TIMEOUT_MS)
    return page.evaluate("() => window.ndClock")


def measure_query(browser: Browser, url: str, served: list[Served], query: str) -> Figure:
    context = browser.new_context()
    try:
        page = context.new_page()
        clock = search(page, url, query, served)
        return _figure(query, None, clock, page, served)
    finally:
        context.close()


def measure_filter(
    browser: Browser, url: str, served: list[Served], query: str, tag: str
) -> Figure:
    """Search for `query`, then choose `tag`: results must narrow to articles with it."""
    context = browser.new_context()
    try:
        page = context.new_page()
        search(page, url, query, served)
        page.evaluate(RESTART_CLOCK, tag)
        page.select_option("#nd-search-tag", tag)
        page.wait_for_function(DONE, timeout=TIMEOUT_MS)
        clock = page.evaluate("() => window.ndClock")
        tags = page.locator(".nd-search__tags").all_inner_texts()
        ok = bool(tags) and all(tag in line.split(": ", 1)[1].split(", ") for line in tags)
        figure = _figure(query, tag, clock, page, served)
        return Figure(**{**figure.__dict__, "tag_ok": ok})
    finally:
        context.close()


def _figure(query: str, tag: str | None, clock: dict, page: Page, served: list[Served]) -> Figure:
    return Figure(
        query=query,
        tag=tag,
        ms_after_typing=clock["first"] - clock["typed"],
        ms_to_all_after_typing=clock["all"] - clock["typed"],
        ms_after_opening=clock["all"] - clock["opened"],
        results=page.locator(".nd-search__status").inner_text(),
        requests=len(served),
        bytes=sum(s.size for s in served),
        gzipped=sum(s.gzipped for s in served),
    )


def measure(
    site: Path, queries: Sequence[str] = QUERIES, narrow: tuple[str, str] = FILTER
) -> list[Figure]:
    """`measure_with` in a Chromium of its own."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            return measure_with(browser, site, queries, narrow)
        finally:
            browser.close()


def measure_with(
    browser: Browser, site: Path, queries: Sequence[str], narrow: tuple[str, str]
) -> list[Figure]:
    """Every query, then a query narrowed by a tag, each in a fresh context on `site`."""
    served: list[Served] = []
    with serve(site, served) as url:
        figures = [measure_query(browser, url, served, query) for query in queries]
        figures.append(measure_filter(browser, url, served, *narrow))
    return figures


def report(figures: Sequence[Figure], n: int | None = None) -> str:
    where = f"{n} articles" if n else "the site"
    lines = [
        f"Search in Chromium on {where} (fresh context each; bytes from the click on)",
        f"{'query':<22} {'ms after typing: first':>22} {'all':>6} {'ms after opening':>16}"
        f" {'requests':>8} {'KiB':>7} {'KiB gz':>7}  results",
    ]
    for f in figures:
        query = f"{f.query} + tag {f.tag}" if f.tag else f.query
        check = (
            "" if f.tag_ok is None else ("  tag filter OK" if f.tag_ok else "  TAG FILTER FAILED")
        )
        lines.append(
            f"{query:<22} {f.ms_after_typing:>22.0f} {f.ms_to_all_after_typing:>6.0f}"
            f" {f.ms_after_opening:>16.0f} {f.requests:>8} {f.bytes / 1024:>7.0f}"
            f" {f.gzipped / 1024:>7.0f}  {f.results}{check}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.bench_search", description=__doc__)
    parser.add_argument("site", type=Path, help="a built full site (mkdocs build + Pagefind)")
    args = parser.parse_args(argv)
    print(report(measure(args.site)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
