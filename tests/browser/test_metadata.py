"""Awkward and hostile metadata in Chromium: nothing runs, and search shows it as text.

The sites are tests/metadata_sites.py's: allowed-but-awkward metadata built strictly,
real markup in every text field with the schema's markup check switched off, and a
schema-invalid article built leniently. Every page of each is loaded under the watch of
tests/browser/watch.py, then the search dialog (Pagefind) is asked for the article: its
result must show the title and source exactly as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from metadata_sites import MetadataSite

from .conftest import serve
from .watch import Watch, instrumented, site_urls, visit_all

pytestmark = pytest.mark.browser

# A word of each site's article title to search for.
SEARCHES = [("tricky_site", "apostrophes"), ("hostile_site", "headline")]


def watch_site(browser: Browser, site: Path) -> Watch:
    with serve(site) as base:
        watch = Watch(base)
        context = instrumented(browser, watch)
        visit_all(context, site_urls(site), watch)
        context.close()
    return watch


@pytest.mark.parametrize("name", ["tricky_site", "hostile_site"])
def test_no_metadata_runs_on_any_page(browser: Browser, name: str, request):
    site: MetadataSite = request.getfixturevalue(name)
    watch = watch_site(browser, site.site)
    assert (watch.executed, watch.outside, watch.dom) == ([], [], {})


def test_no_part_of_an_invalid_article_runs_in_a_lenient_build(browser: Browser, invalid_site):
    watch = watch_site(browser, invalid_site)
    assert (watch.executed, watch.outside, watch.dom) == ([], [], {})


def search_result(page: Page, query: str, url: str) -> tuple[str, str]:
    """Search for `query`; the title and details line of the result linking to `url`."""
    page.locator("[data-nd-search-open]").click()
    page.get_by_role("searchbox", name="Words").press_sequentially(query, delay=20)
    result = page.locator(".nd-search__result").filter(has=page.locator(f'a[href$="{url}"]'))
    expect(result).to_have_count(1)
    return (
        result.locator(".nd-search__link").inner_text(),
        result.locator(".nd-search__meta").inner_text(),
    )


@pytest.mark.parametrize(("name", "query"), SEARCHES)
def test_search_shows_the_title_and_source_as_text(browser: Browser, name, query, request):
    site: MetadataSite = request.getfixturevalue(name)
    with serve(site.site) as base:
        watch = Watch(base)
        context = instrumented(browser, watch)
        page = context.new_page()
        page.goto(base)
        title, details = search_result(page, query, site.article_url)
        context.close()
    assert " ".join(title.split()) == " ".join(site.meta.title.split())
    assert details.endswith(f" · {site.meta.source}")
    assert watch.executed == []
