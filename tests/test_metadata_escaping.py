"""Titles, summaries, bylines and source names are text everywhere they appear.

Each field is read back from every place it reaches (the page title, the header, the
heading, meta and OpenGraph tags, listing cards, the source's pages, the neighbour's
previous/next link, the Atom and JSON feeds) and must read exactly as written, in the
tricky site (what the schema allows) and in the hostile one (real markup, the schema's
markup check switched off). The search index is Pagefind's, read in the browser test
(tests/browser/test_metadata.py), which also checks that nothing on these sites runs.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.etree
import pytest
from lxml.cssselect import CSSSelector

from html_checks import Facts, parse
from metadata_sites import SOURCE_URL, MetadataSite

ATOM = {"a": "http://www.w3.org/2005/Atom"}
HEADER_TOPIC = "[data-md-component=header-topic]"
SITE_NAME = "newsdesk"


def visible(text: str | None) -> str:
    """Text as a reader sees it: whitespace runs, U+2028 included, collapse to one space."""
    return " ".join((text or "").split())


def select(root: lxml.etree._Element, css: str) -> list[lxml.etree._Element]:
    return CSSSelector(css, translator="html")(root)


def text_of(root: lxml.etree._Element, css: str) -> str:
    (element,) = select(root, css)
    return visible("".join(element.itertext()))


def meta_content(root: lxml.etree._Element, key: str) -> str:
    (element,) = [m for m in root.iter("meta") if key in (m.get("name"), m.get("property"))]
    return visible(element.get("content"))


def card(root: lxml.etree._Element, url: str) -> lxml.etree._Element:
    """The listing card that links to the article at site-relative `url`."""
    (found,) = [c for c in select(root, ".nd-card") if links_to(c, url)]
    return found


def links_to(element: lxml.etree._Element, url: str) -> bool:
    """Whether the element, or a link inside it, points at `url` (which ends the href)."""
    return any(href.endswith(url) for href in element.xpath("descendant-or-self::a/@href"))


def article_places(site: MetadataSite) -> dict[str, tuple[str, str]]:
    """Where the article page shows each field: {place: (shown, expected)}."""
    meta, page = site.meta, parse(site.site / site.article_url / "index.html")
    return {
        "<title>": (text_of(page, "title"), visible(f"{meta.title} - {SITE_NAME}")),
        "header": (text_of(page, f"{HEADER_TOPIC} .md-ellipsis"), visible(meta.title)),
        "h1": (text_of(page, ".nd-article h1"), visible(meta.title)),
        "meta description": (meta_content(page, "description"), visible(meta.summary)),
        "meta author": (meta_content(page, "author"), visible(meta.byline)),
        "og:title": (meta_content(page, "og:title"), visible(meta.title)),
        "og:description": (meta_content(page, "og:description"), visible(meta.summary)),
        "byline": (text_of(page, ".nd-byline"), visible(f"By {meta.byline}")),
        "source link": (text_of(page, "a.nd-source"), visible(meta.source)),
        "source href": (select(page, "a.nd-source")[0].get("href"), SOURCE_URL),
        "canonical": (select(page, "link[rel=canonical]")[0].get("href"), SOURCE_URL),
    }


def listing_places(site: MetadataSite) -> dict[str, tuple[str, str]]:
    """Where listings show each field: home, tag page, source page, sources index, and the
    neighbour article's previous/next link."""
    meta, found = site.meta, {}
    for name, path in (("home", "index.html"), ("tag page", "tags/china/index.html")):
        item = card(parse(site.site / path), site.article_url)
        found[f"{name} card title"] = (text_of(item, ".nd-card__title"), visible(meta.title))
        found[f"{name} card summary"] = (
            text_of(item, ".nd-card__summary"),
            visible(meta.summary),
        )
        found[f"{name} card source"] = (text_of(item, ".nd-card__meta a"), visible(meta.source))
    source = parse(site.site / "sources" / site.source_slug / "index.html")
    found["source page h1"] = (
        text_of(source, ".md-content h1"),
        visible(f"Source: {meta.source}"),
    )
    found["source page <title>"] = (
        text_of(source, "title"),
        visible(f"Source: {meta.source} - {SITE_NAME}"),
    )
    index = parse(site.site / "sources" / "index.html")
    (entry,) = [a for a in select(index, ".nd-index a") if links_to(a, f"{site.source_slug}/")]
    found["sources index"] = (visible(entry.text), visible(meta.source))
    neighbour = parse(site.site / site.neighbour_url / "index.html")
    following = select(neighbour, ".nd-prevnext__next")[0]
    found["next link"] = (visible(following[0].tail), visible(meta.title))
    return found


def feed_places(site: MetadataSite) -> dict[str, tuple[str, str]]:
    """What the Atom and JSON feeds (the archive's and the tag's) say of the article."""
    meta, found = site.meta, {}
    for name in ("feed", "tags/china/feed"):
        entries = lxml.etree.parse(site.site / f"{name}.xml").iterfind("a:entry", ATOM)
        (entry,) = [e for e in entries if e.findtext("a:id", "", ATOM).endswith(site.article_url)]
        found[f"{name}.xml title"] = (entry.findtext("a:title", "", ATOM), meta.title)
        found[f"{name}.xml summary"] = (entry.findtext("a:summary", "", ATOM), meta.summary)
        found[f"{name}.xml author"] = (entry.findtext("a:author/a:name", "", ATOM), meta.byline)
        related = entry.find("a:link[@rel='related']", ATOM)
        found[f"{name}.xml source"] = (related.get("title"), meta.source)
        found[f"{name}.xml source href"] = (related.get("href"), SOURCE_URL)
        items = json.loads((site.site / f"{name}.json").read_text("utf-8"))["items"]
        (item,) = [i for i in items if i["url"].endswith(site.article_url)]
        found[f"{name}.json title"] = (item["title"], meta.title)
        found[f"{name}.json summary"] = (item["summary"], meta.summary)
        found[f"{name}.json author"] = (item["authors"][0]["name"], meta.byline)
        found[f"{name}.json source href"] = (item["external_url"], SOURCE_URL)
    return found


def mismatches(places: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {place: pair for place, pair in places.items() if pair[0] != pair[1]}


@pytest.mark.parametrize("where", [article_places, listing_places, feed_places])
def test_allowed_but_awkward_metadata_reads_as_written(tricky_site, where):
    assert mismatches(where(tricky_site)) == {}


@pytest.mark.parametrize("where", [article_places, listing_places, feed_places])
def test_markup_past_the_schema_is_still_shown_as_text(hostile_site, where):
    """Defence in depth: with the schema's markup check off, the templates escape alone."""
    assert mismatches(where(hostile_site)) == {}


def test_markup_past_the_schema_adds_no_element_or_handler(hostile_site):
    """The hostile article's page has the same active elements as its plain neighbour's,
    and no page of the site has an event handler or a script URL."""
    site = hostile_site.site
    subject = Facts.of(site / hostile_site.article_url / "index.html")
    neighbour = Facts.of(site / hostile_site.neighbour_url / "index.html")
    assert (subject.census, subject.scripts) == (neighbour.census, neighbour.scripts)
    pages = {str(path.relative_to(site)): Facts.of(path) for path in site.rglob("*.html")}
    assert {page: facts.anywhere for page, facts in pages.items() if facts.anywhere} == {}


def test_an_invalid_article_in_a_lenient_build_is_sanitized_and_keeps_only_its_title(
    invalid_site: Path,
):
    """`mkdocs serve` builds an article the schema refuses: its body is sanitized, its title
    is text, and the front-matter keys Material would act on are gone (a redirect
    template to a javascript: location, a feed link breaking out of its attribute, a
    description)."""
    page = invalid_site / "articles" / "invalid" / "index.html"
    root = parse(page)
    assert [script.text for script in root.iter("script") if "alert" in (script.text or "")] == []
    assert select(root, "meta[http-equiv]") == []
    assert len(select(root, "link[rel~=feed]")) == 2  # the archive's own Atom and JSON feeds
    assert "alert" not in meta_content(root, "description")
    assert text_of(root, "title") == "<script>alert('title')</script> Invalid - newsdesk"
    assert "Body" in text_of(root, ".md-content")
    assert Facts.of(page).anywhere == ()
