"""Every XSS payload, in both contribution channels, leaves nothing executable in the site.

The built pages are read the way a browser's HTML5 parser reads them (tests/html_checks.py),
so mutation tricks that only take shape when a page is parsed are seen here as they would
be there. tests/browser/test_xss.py loads the same pages in Chromium and checks that
nothing runs.
"""

from __future__ import annotations

from collections import Counter

import pytest

from html_checks import Facts
from xss_archive import CHANNELS, REPO, XssArchive
from xss_cases import DOMPURIFY, dompurify_payloads, own_payloads


@pytest.fixture(scope="module")
def pages(xss_archive: XssArchive) -> dict[str, Facts]:
    """Every HTML page of the site by URL (article pages as `Result.url` names them)."""
    site = xss_archive.site
    return {
        path.parent.relative_to(site).as_posix() + "/": Facts.of(path)
        for path in sorted(site.rglob("index.html"))
    }


@pytest.fixture(scope="module")
def articles(xss_archive: XssArchive, pages: dict[str, Facts]) -> dict[str, Facts]:
    """The published payloads' article pages."""
    return {r.url: pages[r.url] for r in xss_archive.published()}


def test_every_payload_went_through_both_channels(xss_archive: XssArchive):
    payloads = [*dompurify_payloads(), *own_payloads()]
    seen = Counter((r.payload.name, r.channel) for r in xss_archive.results)
    assert seen == Counter((p.name, channel) for p in payloads for channel in CHANNELS)


@pytest.mark.corpus
def test_the_dompurify_corpus_is_part_of_the_run():
    if not DOMPURIFY.exists():
        pytest.skip(f"{DOMPURIFY} is absent (../shared); only our own payloads ran")
    assert len(dompurify_payloads()) == 223


def test_contributed_markdown_is_published_unless_mkdocs_cannot_read_it(xss_archive):
    """Channel (b) has no import step to refuse anything: every article reaches the build."""
    statuses = {r.status for r in xss_archive.results if r.channel == "markdown"}
    assert statuses <= {"published", "refused by the build"}


def test_every_published_payload_is_rendered_as_a_sanitized_article(articles):
    """An article page has the article template, so the safety hook sanitized its body."""
    assert [url for url, facts in articles.items() if facts.bodies != 1] == []


def test_article_content_holds_only_allowlisted_markup_and_no_script_urls(articles):
    assert {url: facts.content for url, facts in articles.items() if facts.content} == {}


def test_no_page_of_the_site_has_an_event_handler_or_a_script_url(pages):
    """Listing pages included: their titles and summaries come from the payloads too."""
    assert {url: facts.anywhere for url, facts in pages.items() if facts.anywhere} == {}


def test_article_pages_hold_only_the_templates_active_elements(xss_archive, pages, articles):
    """Same scripts, frames, forms, metas and links as the control article: nothing was
    injected outside the body either (all articles sit at the same depth, so even the
    relative script URLs match)."""
    control = pages[xss_archive.control_url]
    assert control.census["script"] > 0
    differing = [
        url
        for url, facts in articles.items()
        if (facts.census, facts.scripts) != (control.census, control.scripts)
    ]
    assert differing == []


def test_the_security_page_quotes_the_corpus_it_was_run_with():
    """docs/security.md's figures come from a run; adding payloads means re-running it."""
    page = (REPO / "docs" / "security.md").read_text("utf-8")
    assert f"{len(own_payloads())} of our own" in page
    if dompurify_payloads():
        total = len(dompurify_payloads()) + len(own_payloads())
        assert f"{total} payloads ({len(dompurify_payloads())} from DOMPurify" in page
