"""Every page of the XSS archive, loaded in Chromium: no payload runs, nothing leaves 127.0.0.1.

How execution, off-host requests and dangerous DOM are detected is tests/browser/watch.py;
a page built to trip each detector proves they are not blind. The figures go to
test-output/security/xss-report.json (docs/security.md quotes them).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from xss_archive import CHANNELS, Result, XssArchive

from .conftest import REPO, serve
from .watch import Watch, instrumented, site_urls, visit_all

pytestmark = pytest.mark.browser

REPORT = REPO / "test-output" / "security" / "xss-report.json"


@pytest.mark.slow
def test_no_payload_runs_in_chromium(browser: Browser, xss_archive: XssArchive):
    urls = site_urls(xss_archive.site)
    with serve(xss_archive.site) as base:
        watch = Watch(base)
        context = instrumented(browser, watch)
        opened = visit_all(context, urls, watch)
        context.close()
    write_report(xss_archive, watch, len(urls))
    assert watch.executed == []
    assert watch.outside == []
    assert watch.dom == {}
    assert opened == 0, "a page opened another window"


def write_report(archive: XssArchive, watch: Watch, pages: int) -> None:
    """The figures per channel and the fate of every payload, for docs/security.md."""
    executed = {url for url, _ in watch.executed + watch.outside} | set(watch.dom)
    figures = {}
    for channel in CHANNELS:
        results = [r for r in archive.results if r.channel == channel]
        statuses = Counter(r.status for r in results)
        figures[channel] = {
            "tried": len(results),
            **statuses,
            "executed or misbehaved": sum(r.url in executed for r in results if r.url),
        }
    figures["markdown"]["flagged by newsdesk check"] = sum(r.flagged for r in archive.results)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "pages loaded": pages,
        "figures": figures,
        "by origin": Counter(f"{r.payload.origin} {r.channel}" for r in archive.results),
        "findings": {"executed": watch.executed, "off-host": watch.outside, "dom": watch.dom},
        "results": [result_row(r) for r in archive.results],
    }
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", "utf-8")


def result_row(result: Result) -> dict[str, object]:
    row: dict[str, object] = {
        "payload": result.payload.name,
        "channel": result.channel,
        "status": result.status,
        "detail": result.detail,
    }
    if result.payload.note:
        row["about"] = result.payload.note  # DOMPurify's title for its case
    if result.channel == "markdown":
        row["flagged by newsdesk check"] = result.flagged
    return row


DETECTABLE = {
    "handler.html": "<img src=x onerror=alert(1)>",
    "marker.html": "<script>window.__xss = 1</script>",
    "frame.html": "<iframe srcdoc=\"<script>alert('in a frame')</script>\"></iframe>",
    "data-frame.html": "<iframe src=\"data:text/html,<script>alert('opaque')</script>\"></iframe>",
    "off-host.html": "<img src=http://evil.example/x.png>",
    "dom.html": '<div class="nd-article__body"><a href=" java&#9;script:x">x</a></div>',
}


def test_the_watch_sees_every_kind_of_execution(browser: Browser, tmp_path: Path):
    """A blind watch would report 0 too: each signal must be seen on a page built to send it."""
    for name, html in DETECTABLE.items():
        (tmp_path / name).write_text(f"<!doctype html><title>t</title>{html}", "utf-8")
    with serve(tmp_path) as base:
        watch = Watch(base)
        context = instrumented(browser, watch)
        visit_all(context, list(DETECTABLE), watch)
        context.close()
    seen = {url for url, _ in watch.executed + watch.outside} | set(watch.dom)
    assert seen == set(DETECTABLE)
