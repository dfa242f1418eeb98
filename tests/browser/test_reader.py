"""What a reader sees, in Chromium, on the archive built from the repo's seed articles."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Locator, Page, expect

from newsdesk import bench_search
from newsdesk import search as search_index
from newsdesk.article import loads

from .conftest import REPO, Visit, serve

pytestmark = pytest.mark.browser

SCREENSHOTS = REPO / "test-output" / "screenshots"
MOBILE = {"width": 390, "height": 844}
SERIOUS = {"serious", "critical"}
PAGE = 10  # search results shown at once (assets/javascripts/search.js)


@dataclass(frozen=True)
class Seed:
    path: str  # site-relative URL of the article page
    meta: dict[str, Any]


def seeds() -> list[Seed]:
    docs = REPO / "docs"
    found = [
        Seed(path.relative_to(docs).with_suffix("").as_posix() + "/", loads(path.read_text()).meta)
        for path in sorted((docs / "articles").rglob("*.md"))
    ]
    if not found:
        pytest.fail("docs/articles holds no articles: these tests read the seed articles")
    return found


def tagged(tag: str) -> list[Seed]:
    return [seed for seed in seeds() if tag in seed.meta["tags"]]


def key_pages() -> dict[str, str]:
    """The pages the issue names: home, an article, the tag index and a tag page."""
    article = tagged("china")[0]
    return {
        "home": "",
        "article": article.path,
        "tag-index": "tags/",
        "tag-page": "tags/china/",
    }


def test_home_lists_the_seed_articles(visit: Visit, real_url: str):
    visit.page.goto(real_url)
    titles = visit.page.locator(".nd-card__title").all_inner_texts()
    assert sorted(titles) == sorted(seed.meta["title"] for seed in seeds())


def test_a_tag_chip_opens_the_tag_page_listing_the_article(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    card = page.locator(".nd-card").first
    title = card.locator(".nd-card__title").inner_text()
    chip = card.locator(".nd-tag").first
    tag = chip.inner_text()
    chip.click()
    expect(page).to_have_url(re.compile(rf"/tags/{re.escape(tag)}/$"))
    expect(page.locator(".nd-card__title", has_text=title)).to_be_visible()


def open_search(page: Page) -> Locator:
    """Open the header's search dialog; its words box, focused and ready for typing."""
    page.locator("[data-nd-search-open]").click()
    box = page.get_by_role("searchbox", name="Words")
    expect(box).to_be_focused()
    return box


def search(page: Page, query: str) -> Locator:
    """Type `query` into the search dialog; the result titles."""
    open_search(page).press_sequentially(query, delay=20)
    return page.locator(".nd-search__link")


def choose_tag(page: Page, tag: str) -> None:
    """Pick `tag` in the dialog's tag menu once Pagefind has filled it."""
    menu = page.get_by_role("combobox", name="Tag")
    expect(
        menu.locator("option", has_text=re.compile(rf"^{re.escape(tag)} \(\d+\)$"))
    ).to_be_attached()
    menu.select_option(tag)


def article_titles(results: Locator) -> list[str]:
    return [title for title in results.all_inner_texts() if not title.startswith("Tag: ")]


def test_typing_china_in_search_shows_the_china_tagged_articles_first(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    results = search(page, "china")
    expected = {seed.meta["title"] for seed in tagged("china")}
    expect(page.locator(".nd-search__status")).to_contain_text("for “china”")
    expect(results.nth(len(expected) - 1)).to_be_visible()
    assert set(article_titles(results)[: len(expected)]) == expected


def test_a_search_index_in_shards_searches_and_filters_as_one(
    visit: Visit, sharded_site: Path, sharded_url: str
):
    manifest = json.loads((sharded_site / "pagefind" / search_index.SHARDS_FILE).read_text())
    assert len(manifest["shards"]) >= 2
    page = visit.page
    page.goto(sharded_url)
    results = search(page, "china")
    expected = {seed.meta["title"] for seed in tagged("china")}
    status = page.locator(".nd-search__status")
    expect(status).to_have_text(re.compile(r"^\d+ results for “china”$"))  # all shards'
    expect(results.nth(len(expected) - 1)).to_be_visible()
    assert set(article_titles(results)[: len(expected)]) == expected
    options = page.get_by_role("combobox", name="Tag").locator("option").all_inner_texts()
    assert f"china ({len(expected)})" in options  # counts summed over the shards
    choose_tag(page, "xiaomi")
    narrowed = {seed.meta["title"] for seed in tagged("xiaomi") if "china" in seed.meta["tags"]}
    expect(page.locator(".nd-search__status")).to_have_text(f"{len(narrowed)} results for “china”")
    assert set(results.all_inner_texts()) == narrowed


def test_the_newest_articles_results_come_first_while_the_whole_index_is_searched(
    visit: Visit, sharded_site: Path
):
    """The sharded site keeps its newest article apart (NEWSDESK_SEARCH_NEWEST=1); the
    word chunks of the whole index are served 2 s late, as a slow search would be."""
    newest = max(seeds(), key=lambda seed: seed.path)  # paths go by date: articles/YYYY/MM/
    assert newest in tagged("china")
    with serve(sharded_site, slow=r"^/pagefind/(shard-\d+/)?index/") as url:
        page = visit.page
        page.goto(url)
        results = search(page, "china")
        status = page.locator(".nd-search__status")
        first = "Newest articles first: 1 result for “china”; searching the whole archive…"
        expect(status).to_have_text(first)
        expect(results).to_have_text([newest.meta["title"]])
        expect(page.locator(".nd-search__more")).to_be_hidden()
        expect(status).to_have_text(re.compile(r"^\d+ results for “china”$"))
        titles = {seed.meta["title"] for seed in tagged("china")}
        expect(results.nth(len(titles) - 1)).to_be_visible()
        assert set(article_titles(results)) >= titles


def test_the_status_counts_results_only_once_the_list_shows_them(visit: Visit, real_site: Path):
    """Result fragments served 2 s late: until they are in, the status may not announce
    results over an empty list."""
    with serve(real_site, slow=r"^/pagefind/fragment/") as url:
        page = visit.page
        page.goto(url)
        results = search(page, "china")
        expect(page.locator(".nd-search__status")).to_have_text(
            re.compile(r"^\d+ results for “china”$"), timeout=10_000
        )
        count = int(page.locator(".nd-search__status").inner_text().split()[0])
        assert results.count() == min(count, PAGE) > 0


def test_tag_pages_are_findable_in_search(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    expect(search(page, "carmakers").filter(has_text="Tag: carmakers")).to_be_visible()


def test_the_tag_filter_narrows_a_search_to_that_tag(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    results = search(page, "china")
    expect(page.locator(".nd-search__status")).to_contain_text("for “china”")
    choose_tag(page, "xiaomi")
    expected = {seed.meta["title"] for seed in tagged("xiaomi") if "china" in seed.meta["tags"]}
    assert expected and expected != {seed.meta["title"] for seed in tagged("china")}
    expect(page.locator(".nd-search__status")).to_have_text(f"{len(expected)} results for “china”")
    assert set(results.all_inner_texts()) == expected
    for line in page.locator(".nd-search__tags").all_inner_texts():
        assert "xiaomi" in line.removeprefix("Tags: ").split(", ")


def test_a_tag_alone_lists_every_article_with_that_tag(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    open_search(page)
    choose_tag(page, "carmakers")
    results = page.locator(".nd-search__link")
    expected = {seed.meta["title"] for seed in tagged("carmakers")}
    expect(results).to_have_count(len(expected))
    assert set(results.all_inner_texts()) == expected


def test_the_tag_menu_lists_the_tags_with_their_article_counts(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    open_search(page)
    choose_tag(page, "china")
    options = page.get_by_role("combobox", name="Tag").locator("option").all_inner_texts()
    assert options[0] == "All tags"
    assert f"china ({len(tagged('china'))})" in options
    all_tags = sorted({tag for seed in seeds() for tag in seed.meta["tags"]})
    assert [option.rsplit(" (", 1)[0] for option in options[1:]] == all_tags


def test_search_opens_with_the_slash_key_closes_with_escape_and_opens_results(
    visit: Visit, real_url: str
):
    page = visit.page
    page.goto(real_url + key_pages()["article"])
    page.keyboard.press("/")
    dialog = page.get_by_role("dialog", name="Search the archive")
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    results = search(page, "carmakers")  # from an article page: relative URLs still work
    expect(results.first).to_be_visible()
    first = results.first.inner_text()
    page.keyboard.press("Enter")  # opens the first result
    expect(page.locator(".md-content h1").first).to_have_text(first)


def test_search_fetches_only_from_the_sites_pagefind_folder(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    page.wait_for_load_state("networkidle")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    expect(search(page, "china").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert fetched and all(url.startswith(real_url + "pagefind/") for url in fetched), fetched
    assert visit.outside == []


def test_the_search_bench_measures_a_small_download_and_a_working_tag_filter(
    browser: Browser, real_site: Path
):
    figures = bench_search.measure_with(browser, real_site, ["china"], ("china", "carmakers"))
    assert [f.tag for f in figures] == [None, "carmakers"]
    assert all(0 < f.bytes < 1_000_000 and f.ms_after_typing > 0 for f in figures)
    assert figures[-1].tag_ok
    assert figures[-1].results == f"{len(tagged('carmakers'))} results for “china”"


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_the_open_search_dialog_passes_axe_in_both_schemes(
    visit: Visit, real_url: str, scheme: str
):
    page = visit.page
    page.goto(real_url)
    page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
    expect(search(page, "china").first).to_be_visible()
    choose_tag(page, "china")
    status = f"{len(tagged('china'))} results for “china”"
    expect(page.locator(".nd-search__status")).to_have_text(status)
    expect(page.locator(".nd-search__link").first).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"search-{scheme}.png")
    assert serious_violations(page) == []


def test_the_article_page_links_its_source(visit: Visit, real_url: str):
    linked = [seed for seed in seeds() if seed.meta["source"].get("url")]
    assert linked, "no seed article has a source URL"
    for seed in linked:
        visit.page.goto(real_url + seed.path)
        source = visit.page.locator("a.nd-source")
        expect(source).to_have_text(seed.meta["source"]["name"])
        expect(source).to_have_attribute("href", seed.meta["source"]["url"])
        assert set(source.get_attribute("rel").split()) == {"nofollow", "noopener"}


def test_approximate_dates_are_marked(visit: Visit, real_url: str):
    approximate = [
        seed for seed in seeds() if re.fullmatch(r"\d{4}(-\d{2})?", str(seed.meta["date"]))
    ]
    assert approximate, "no seed article has a month- or year-precision date"
    visit.page.goto(real_url + approximate[0].path)
    expect(visit.page.locator(".nd-article__meta time.nd-approx")).to_contain_text("c. ")


def test_no_request_leaves_the_machine_on_any_key_page(visit: Visit, real_url: str):
    for path in [*key_pages().values(), "archive/", "sources/", "about/", "feed.xml"]:
        visit.page.goto(real_url + path)
        visit.page.wait_for_load_state("networkidle")
    assert visit.outside == []


@pytest.mark.parametrize("name", ["home", "article", "tag-index", "tag-page"])
def test_axe_finds_no_serious_or_critical_violations(visit: Visit, real_url: str, name: str):
    visit.page.goto(real_url + key_pages()[name])
    assert serious_violations(visit.page) == []


def serious_violations(page: Page) -> list[tuple[str, str, list[object]]]:
    violations = Axe().run(page).response["violations"]
    return [
        (v["id"], v["impact"], [node["target"] for node in v["nodes"]])
        for v in violations
        if v["impact"] in SERIOUS
    ]


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, MOBILE], ids=["desktop", "mobile"]
)
def test_screenshots(visit: Visit, real_url: str, viewport: dict[str, int]):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visit.page.set_viewport_size(viewport)
    for name, path in key_pages().items():
        visit.page.goto(real_url + path)
        shot = SCREENSHOTS / f"{name}-{viewport['width']}.png"
        visit.page.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 10_000


def test_mobile_layout_has_no_horizontal_scroll(visit: Visit, real_url: str):
    visit.page.set_viewport_size(MOBILE)
    for path in key_pages().values():
        visit.page.goto(real_url + path)
        width = visit.page.evaluate("document.documentElement.scrollWidth")
        assert width <= MOBILE["width"], path


def test_print_drops_the_navigation(visit: Visit, real_url: str):
    visit.page.goto(real_url + key_pages()["article"])
    visit.page.emulate_media(media="print")
    for chrome in (".md-header", ".md-tabs", ".md-sidebar--primary", ".nd-prevnext"):
        expect(visit.page.locator(chrome).first).to_be_hidden()
    expect(visit.page.locator(".nd-article__body")).to_be_visible()


def test_light_dark_toggle(visit: Visit, real_url: str):
    page = visit.page
    page.goto(real_url)
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    expect(page.locator("body")).not_to_have_attribute("data-md-color-scheme", before)


def test_hostile_markup_in_a_contributed_article_cannot_run(visit: Visit, fixture_url: str):
    page = visit.page
    # `<img src=x onerror=…>` survives as a harmless relative image that is not found.
    visit.tolerated.append("404")
    page.goto(fixture_url + "articles/2026/04/hostile-markup/")
    page.wait_for_load_state("networkidle")
    body = page.locator(".nd-article__body")
    expect(body).to_contain_text("ordinary text after the hostile markup")
    assert (
        page.locator("script:not([src]):not([type])").evaluate_all(
            "scripts => scripts.filter(s => s.textContent.includes('alert'))"
        )
        == []
    )
    names = "els => els.flatMap(e => [...e.attributes].map(a => a.name))"
    assert [name for name in page.locator("*").evaluate_all(names) if name.startswith("on")] == []
    body.get_by_text("a javascript link").click()
    body.get_by_text("a bold handler").click()
    assert visit.dialogs == []
    external = body.locator("a.nd-external-image").first
    expect(external).to_have_text("Image: A harbour crane at dusk")
