"""The archive's page models: ordering, indexes, pagination, related, rendering."""

from __future__ import annotations

import re

import pytest

from newsdesk.article import Article, PartialDate, Source
from newsdesk.listings import (
    RELATED_WINDOW,
    ArticleMeta,
    Catalogue,
    Renderer,
    archive_pages,
    article_view,
    home_pages,
    link,
    paginate,
    root_of,
    section_uri,
    source_pages,
    source_slugs,
    tag_pages,
    time_html,
    url_of,
)


def meta(
    key: str,
    date: str,
    tags: tuple[str, ...] = ("china",),
    source: str = "asiabits",
    title: str | None = None,
) -> ArticleMeta:
    return ArticleMeta(
        key=f"articles/{key}.md",
        url=f"articles/{key}/",
        title=title or key,
        date=PartialDate.parse(date),
        source=source,
        source_url=f"https://example.com/{key}",
        tags=tags,
        summary=f"Summary of {key}.",
        byline=None,
        minutes=1,
    )


def keys(items: list[ArticleMeta]) -> list[str]:
    return [item.key.removeprefix("articles/").removesuffix(".md") for item in items]


@pytest.fixture
def cat() -> Catalogue:
    return Catalogue.build(
        [
            meta("a", "2026-04-27T07:02:21Z", ("china", "carmakers")),
            meta("b", "2026-02", ("china", "newsletters")),
            meta("c", "2026-02-14", ("carmakers",), source="Harbour Ledger"),
            meta("d", "2019", ("newsletters",), source="Harbour Ledger"),
        ]
    )


def test_articles_are_newest_first_and_a_month_date_sorts_at_the_month_start(cat):
    assert keys(cat.articles) == ["a", "c", "b", "d"]


def test_tag_and_source_indexes_keep_date_order(cat):
    assert keys(cat.by_tag["china"]) == ["a", "b"]
    assert keys(cat.by_tag["carmakers"]) == ["a", "c"]
    assert list(cat.by_tag) == sorted(cat.by_tag)
    assert keys(cat.by_source[cat.source_slugs["Harbour Ledger"]]) == ["c", "d"]


def test_previous_is_older_and_next_is_newer(cat):
    older, newer = cat.neighbours(cat.get("articles/c.md"))
    assert (older.key, newer.key) == ("articles/b.md", "articles/a.md")
    assert cat.neighbours(cat.get("articles/a.md"))[1] is None
    assert cat.neighbours(cat.get("articles/d.md"))[0] is None


def test_related_ranks_shared_tags_then_nearness_in_time():
    articles = [
        meta("target", "2026-01-15", ("china", "carmakers", "trade")),
        meta("two-tags-far", "2020-01-01", ("china", "carmakers")),
        meta("one-tag-near", "2026-01-16", ("china",)),
        meta("one-tag-further", "2025-06-01", ("trade",)),
        meta("unrelated", "2026-01-15", ("sport",)),
    ]
    cat = Catalogue.build(articles)
    related = cat.related(cat.get("articles/target.md"))
    assert keys(related) == ["two-tags-far", "one-tag-near", "one-tag-further"]


def test_related_looks_only_at_a_window_of_neighbours_in_each_tag():
    """A huge tag must not make related articles O(N): only nearby articles compete."""
    articles = [meta(f"n{i:03d}", f"{2000 + i // 12}-{i % 12 + 1:02d}-01") for i in range(200)]
    cat = Catalogue.build(articles)
    middle = cat.articles[100]
    related = cat.related(middle, limit=50)
    positions = sorted(cat.position[item.key] for item in related)
    assert len(related) == 2 * RELATED_WINDOW
    assert positions[0] >= 100 - RELATED_WINDOW and positions[-1] <= 100 + RELATED_WINDOW


def test_related_never_lists_the_article_itself_and_stops_at_five(cat):
    many = Catalogue.build([meta(f"m{i}", f"2026-01-{i + 1:02d}") for i in range(12)])
    first = many.articles[0]
    related = many.related(first)
    assert len(related) == 5
    assert first not in related


def test_source_slugs_are_distinct_when_names_clash_transliterate_or_vanish():
    slugs = source_slugs(["A.B News", "A B News", "新华社", "📰", "asiabits", "asiabits"])
    assert slugs["A B News"] == "a-b-news"
    assert slugs["A.B News"] == "a-b-news-2"
    assert slugs["asiabits"] == "asiabits"
    assert slugs["新华社"] == "xin-hua-she"
    assert re.fullmatch(r"source-[0-9a-f]{8}", slugs["📰"])


@pytest.mark.parametrize(
    ("base", "number", "expected"),
    [
        ("", 1, "index.md"),
        ("", 3, "page/3/index.md"),
        ("tags/china", 1, "tags/china/index.md"),
        ("tags/china", 2, "tags/china/page/2/index.md"),
    ],
)
def test_section_uri(base, number, expected):
    assert section_uri(base, number) == expected


@pytest.mark.parametrize(
    ("src_uri", "directory_urls", "expected"),
    [
        ("index.md", True, "./"),
        ("index.md", False, "index.html"),
        ("tags/china/index.md", True, "tags/china/"),
        ("tags/china/index.md", False, "tags/china/index.html"),
    ],
)
def test_url_of_matches_mkdocs(src_uri, directory_urls, expected):
    assert url_of(src_uri, directory_urls) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("./", ""),
        ("index.html", ""),
        ("tags/china/", "../../"),
        ("tags/china/index.html", "../../"),
        ("tags/china/page/2/", "../../../../"),
    ],
)
def test_root_of_leads_back_to_the_site_root(url, expected):
    assert root_of(url) == expected


@pytest.mark.parametrize(
    ("target", "root", "expected"),
    [
        ("articles/2026/04/x/", "../../", "../../articles/2026/04/x/"),
        ("./", "../../", "../../"),
        ("./", "", "./"),
        ("tags/china/", "", "tags/china/"),
        ("articles/x.html", "../", "../articles/x.html"),
    ],
)
def test_link(target, root, expected):
    assert link(target, root) == expected


def test_paginate_splits_and_only_the_first_page_has_entries_and_is_searchable(cat):
    pages = paginate("tags/x", "Tag: x", "About x.", cat.articles, size=3, searchable=True)
    assert [len(page.articles) for page in pages] == [3, 1]
    assert [page.src_uri for page in pages] == ["tags/x/index.md", "tags/x/page/2/index.md"]
    assert pages[1].title == "Tag: x (page 2 of 2)"
    assert [page.searchable for page in pages] == [True, False]


def test_an_empty_listing_is_still_one_page():
    (page,) = paginate("archive/2020", "2020", "Articles from 2020.", [])
    assert page.pages == 1 and not page.articles


def test_home_lists_everything_newest_first_with_the_archive_feed(cat):
    (page,) = home_pages(cat)
    assert page.src_uri == "index.md"
    assert keys(list(page.articles)) == ["a", "c", "b", "d"]
    assert page.feed == "feed"


def test_tag_index_has_counts_and_descriptions_and_each_tag_a_page(cat):
    descriptions = {"china": "China's economy."}
    index, *tags = tag_pages(cat, descriptions.get)
    assert index.src_uri == "tags/index.md"
    assert [(e.title, e.count, e.description) for e in index.entries] == [
        ("carmakers", 2, None),
        ("china", 2, "China's economy."),
        ("newsletters", 2, None),
    ]
    china = next(page for page in tags if page.base == "tags/china")
    assert keys(list(china.articles)) == ["a", "b"]
    assert china.description == "China's economy."
    assert china.feed == "tags/china/feed" and china.searchable


def test_source_pages_are_sorted_by_name_with_counts(cat):
    index, *sources = source_pages(cat)
    assert [(e.title, e.count) for e in index.entries] == [("asiabits", 2), ("Harbour Ledger", 2)]
    assert {page.base for page in sources} == {"sources/asiabits", "sources/harbour-ledger"}


def test_archive_counts_years_and_months_and_keeps_year_only_articles_on_the_year(cat):
    index, *pages = archive_pages(cat)
    years = {e.title: (e.count, [(m.title, m.count) for m in e.children]) for e in index.entries}
    assert years == {
        "2026": (3, [("April 2026", 1), ("February 2026", 2)]),
        "2019": (1, []),
    }
    by_base = {page.base: page for page in pages}
    assert keys(list(by_base["archive/2026/02"].articles)) == ["c", "b"]
    assert keys(list(by_base["archive/2019"].articles)) == ["d"]
    assert not by_base["archive/2026"].articles


def test_time_html_marks_approximate_dates():
    assert time_html(PartialDate.parse("2026-04-27")) == (
        '<time datetime="2026-04-27">27 April 2026</time>'
    )
    approximate = time_html(PartialDate.parse("2026-02"))
    assert 'class="nd-approx"' in approximate and "c. February 2026" in approximate
    assert "only the month" in approximate


def test_reading_time_rounds_up_from_the_body():
    article = Article(
        title="T",
        date=PartialDate.parse("2026"),
        slug="t",
        source=Source("S"),
        summary="S.",
        body="word " * 221,
    )
    assert ArticleMeta.from_article(article, "articles/2026/t.md", "articles/2026/t/").minutes == 2


def test_from_article_refuses_an_incomplete_article():
    with pytest.raises(ValueError, match="not a valid article"):
        ArticleMeta.from_article(Article(title="T"), "articles/t.md", "articles/t/")


def test_article_view_links_tags_source_and_neighbours(cat):
    view = article_view(cat, cat.get("articles/c.md"), use_directory_urls=True)
    assert view.tags == (("carmakers", "tags/carmakers/"),)
    assert view.source_page == "sources/harbour-ledger/"
    assert (view.previous.key, view.next.key) == ("articles/b.md", "articles/a.md")
    assert keys(list(view.related)) == ["a"]


# --- rendering ---------------------------------------------------------------------------


def hostile_catalogue() -> Catalogue:
    return Catalogue.build(
        [meta("x", "2026-01-02", ("china",), source='R&D "Weekly"', title='Q&A: <3 "quotes"')]
    )


def test_rendered_text_is_escaped_everywhere():
    cat = hostile_catalogue()
    renderer = Renderer(True, cat.source_slugs)
    (page,) = home_pages(cat)
    html = renderer.html(page)
    assert "Q&amp;A: &lt;3 &quot;quotes&quot;" in html
    assert "R&amp;D &quot;Weekly&quot;" in html
    assert '<3 "quotes"' not in html


def test_cards_are_rendered_once_per_page_depth():
    cat = Catalogue.build([meta(f"c{i}", "2026-01-02", ("a", "b")) for i in range(3)])
    renderer = Renderer(True, cat.source_slugs)
    for page in tag_pages(cat, lambda tag: None)[1:]:
        renderer.html(page)
    assert len(renderer._cards) == 3  # three cards, all at depth 2, shared by both tags


def test_listing_links_are_relative_to_the_listing_page():
    cat = hostile_catalogue()
    renderer = Renderer(True, cat.source_slugs)
    tag_page = next(page for page in tag_pages(cat, lambda tag: None) if page.base == "tags/china")
    html = renderer.html(tag_page)
    assert 'href="../../articles/x/"' in html
    assert 'href="../../sources/r-d-weekly/"' in html
    assert 'class="nd-tag" href="../../tags/china/"' in html


def test_page_source_has_raw_front_matter_and_an_escaped_heading():
    cat = hostile_catalogue()
    renderer = Renderer(False, cat.source_slugs)
    index, source = source_pages(cat)
    text = renderer.markdown(source)
    assert text.startswith("---\ntitle: 'Source: R&D \"Weekly\"'\n")
    assert "<h1>Source: R&amp;D &quot;Weekly&quot;</h1>" in text
    assert "search" not in text  # the first page of a source is searchable
    assert "search:\n  exclude: true" in renderer.markdown(index)


def test_pager_links_newer_and_older_pages():
    cat = Catalogue.build([meta(f"p{i}", f"2026-01-{i + 1:02d}") for i in range(5)])
    renderer = Renderer(True, cat.source_slugs)
    first, middle, last = home_pages(cat, size=2)
    assert 'rel="next" href="page/2/"' in renderer.html(first)
    assert 'rel="prev" href="../../"' in renderer.html(middle)
    assert 'rel="next" href="../../page/3/"' in renderer.html(middle)
    assert 'rel="next"' not in renderer.html(last)
