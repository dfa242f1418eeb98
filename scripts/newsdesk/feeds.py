"""Atom and JSON Feed for the whole archive and for each tag, from the listing models.

Atom is written with feedgen rather than by hand: it is maintained, escapes titles and
summaries as XML text (they are plain text, never markup), formats RFC 3339 dates and
emits the elements Atom requires (feed and entry id/updated, self link). JSON Feed 1.1
is a small documented dict, so `json` writes it without a dependency.

Output is deterministic (`updated` is the newest article's date, never "now"), so an
unchanged archive rebuilds to identical bytes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from lxml import etree

from newsdesk.listings import ArticleMeta, Catalogue, page_url, tag_base

FEED_LIMIT = 50  # the whole archive's feed
TAG_FEED_LIMIT = 20  # each tag's feed: hundreds of them, and readers want the news
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass(frozen=True)
class Feed:
    """One feed: `path` without extension (…/feed.xml, …/feed.json), `base` its HTML page."""

    path: str
    base: str
    title: str
    description: str
    articles: Sequence[ArticleMeta]


@dataclass(frozen=True)
class Site:
    """What turns site-relative URLs into the absolute ones feed readers need."""

    name: str
    url: str  # site_url; MkDocs guarantees the trailing "/"
    use_directory_urls: bool

    def absolute(self, relative: str) -> str:
        """The absolute URL of a site-relative one (never "../": those are page-relative)."""
        return self.url + relative.removeprefix("./")

    def page(self, base: str) -> str:
        return self.absolute(page_url(base, self.use_directory_urls))


def feeds(
    cat: Catalogue, site_name: str, limit: int = FEED_LIMIT, tag_limit: int = TAG_FEED_LIMIT
) -> list[Feed]:
    """The archive's feed and one per tag, each with its newest articles."""
    whole = Feed(
        "feed", "", site_name, f"The newest articles in {site_name}.", cat.articles[:limit]
    )
    return [
        whole,
        *(
            Feed(
                f"{tag_base(tag)}/feed",
                tag_base(tag),
                f"{site_name}: {tag}",
                f"The newest articles tagged {tag}.",
                items[:tag_limit],
            )
            for tag, items in cat.by_tag.items()
        ),
    ]


def _updated(feed: Feed) -> dt.datetime:
    return max((meta.date.sort_key for meta in feed.articles), default=EPOCH)


@dataclass
class Writer:
    """Writes the feeds of one build.

    An article's Atom entry is built once and shared by every feed that lists it (the
    archive's and each of its tags'): feedgen's per-field checks are most of its cost.
    """

    site: Site
    _entries: dict[str, FeedEntry] = field(default_factory=dict, repr=False)

    def atom(self, feed: Feed) -> bytes:
        """The feed as Atom 1.0 XML (UTF-8)."""
        site = self.site
        generator = FeedGenerator()
        generator.id(site.page(feed.base))
        generator.title(feed.title)
        generator.subtitle(feed.description)
        generator.author(name=site.name)
        generator.link(href=site.absolute(f"{feed.path}.xml"), rel="self")
        generator.link(href=site.page(feed.base), rel="alternate")
        generator.language("en")
        generator.updated(_updated(feed))
        for meta in feed.articles:
            generator.add_entry(self._entry(meta), order="append")
        return _with_original_links(generator.atom_str(), feed.articles)

    def _entry(self, meta: ArticleMeta) -> FeedEntry:
        entry = self._entries.get(meta.key)
        if entry is None:
            entry = self._entries[meta.key] = FeedEntry()
            url = self.site.absolute(meta.url)
            entry.id(url)
            entry.title(meta.title)
            entry.link(href=url, rel="alternate")
            entry.summary(meta.summary)
            entry.published(meta.date.sort_key)
            entry.updated(meta.date.sort_key)
            if meta.byline:
                entry.author(name=meta.byline)
            for tag in meta.tags:
                entry.category(term=tag, label=tag)
        return entry

    def json(self, feed: Feed) -> str:
        """The feed as JSON Feed 1.1."""
        document = {
            "version": JSON_FEED_VERSION,
            "title": feed.title,
            "description": feed.description,
            "home_page_url": self.site.page(feed.base),
            "feed_url": self.site.absolute(f"{feed.path}.json"),
            "language": "en",
            "authors": [{"name": self.site.name}],
            "items": [_json_item(meta, self.site) for meta in feed.articles],
        }
        return json.dumps(document, ensure_ascii=False) + "\n"


def _with_original_links(xml: bytes, articles: Sequence[ArticleMeta]) -> bytes:
    """Add each entry's link to the original publication (rel="related").

    feedgen 1.0.0 drops rel and title from entry links (python-feedgen issue #135), so
    the original would become a second rel="alternate" link, which Atom forbids; the
    link is therefore added to the serialized tree, right after the entry's own link.
    """
    root = etree.fromstring(xml)
    for entry, meta in zip(root.iter(f"{ATOM}entry"), articles, strict=True):
        if meta.source_url:
            original = etree.Element(f"{ATOM}link", rel="related", href=meta.source_url)
            original.set("title", meta.source)
            entry.find(f"{ATOM}link").addnext(original)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _json_item(meta: ArticleMeta, site: Site) -> dict[str, object]:
    url = site.absolute(meta.url)
    item: dict[str, object] = {
        "id": url,
        "url": url,
        "title": meta.title,
        "summary": meta.summary,
        "content_text": meta.summary,
        "date_published": meta.date.sort_key.isoformat(timespec="seconds"),
        "tags": list(meta.tags),
    }
    if meta.source_url:
        item["external_url"] = meta.source_url
    if meta.byline:
        item["authors"] = [{"name": meta.byline}]
    return item
