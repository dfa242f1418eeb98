"""Atom and JSON Feed: valid, absolute URLs, plain-text titles and summaries."""

from __future__ import annotations

import json

import feedparser
import pytest

from newsdesk.article import PartialDate
from newsdesk.feeds import JSON_FEED_VERSION, Site, Writer, feeds
from newsdesk.listings import ArticleMeta, Catalogue

SITE = Site("newsdesk", "https://news.example.org/archive/", use_directory_urls=True)


def atom(feed, site: Site = SITE) -> bytes:
    return Writer(site).atom(feed)


def json_feed(feed, site: Site = SITE) -> str:
    return Writer(site).json(feed)


def meta(key: str, date: str, tags: tuple[str, ...], **extra: object) -> ArticleMeta:
    fields: dict[str, object] = {
        "key": f"articles/{key}.md",
        "url": f"articles/{key}/",
        "title": f"Title {key}",
        "date": PartialDate.parse(date),
        "source": "asiabits",
        "source_url": f"https://origin.example.com/{key}",
        "tags": tags,
        "summary": f"Summary {key}.",
        "byline": None,
        "minutes": 1,
    }
    return ArticleMeta(**{**fields, **extra})


@pytest.fixture
def cat() -> Catalogue:
    return Catalogue.build(
        [
            meta(
                "hostile",
                "2026-04-27T07:02:21Z",
                ("china", "carmakers"),
                title='Q&A: <3 "quotes"',
                summary="Tom & Jerry <b>not bold</b>",
                byline="A. Writer",
            ),
            meta("month", "2026-02", ("china",), source_url=None),
            meta("old", "2019", ("carmakers",)),
        ]
    )


def test_the_archive_feed_and_one_per_tag(cat):
    found = {feed.path: [m.key for m in feed.articles] for feed in feeds(cat, "newsdesk")}
    assert found == {
        "feed": ["articles/hostile.md", "articles/month.md", "articles/old.md"],
        "tags/carmakers/feed": ["articles/hostile.md", "articles/old.md"],
        "tags/china/feed": ["articles/hostile.md", "articles/month.md"],
    }


def test_feeds_keep_only_the_newest_articles(cat):
    whole, carmakers, _ = feeds(cat, "newsdesk", limit=2, tag_limit=1)
    assert [m.key for m in whole.articles] == ["articles/hostile.md", "articles/month.md"]
    assert [m.key for m in carmakers.articles] == ["articles/hostile.md"]


def test_atom_parses_with_absolute_urls_and_plain_text(cat):
    parsed = feedparser.parse(atom(feeds(cat, "newsdesk")[0], SITE))
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.link == "https://news.example.org/archive/"
    first = parsed.entries[0]
    assert first.title == 'Q&A: <3 "quotes"'
    assert first.summary == "Tom & Jerry <b>not bold</b>"
    assert first.title_detail.type == "text/plain"
    assert first.summary_detail.type == "text/plain"
    assert first.link == "https://news.example.org/archive/articles/hostile/"
    assert first.id == first.link
    assert [(link.rel, link.href) for link in first.links] == [
        ("alternate", "https://news.example.org/archive/articles/hostile/"),
        ("related", "https://origin.example.com/hostile"),
    ]
    assert [tag.term for tag in first.tags] == ["china", "carmakers"]
    assert first.author == "A. Writer"
    assert first.published.startswith("2026-04-27T07:02:21")


def test_atom_escapes_rather_than_embeds_markup(cat):
    xml = atom(feeds(cat, "newsdesk")[0], SITE).decode()
    assert "<b>" not in xml and "&lt;b&gt;" in xml


def test_atom_is_deterministic_and_entries_are_shared_between_feeds(cat):
    feed = feeds(cat, "newsdesk")[1]
    writer = Writer(SITE)
    assert writer.atom(feed) == writer.atom(feed) == atom(feed)
    writer.atom(feeds(cat, "newsdesk")[0])
    assert len(writer._entries) == 3
    assert "<updated>2026-04-27T07:02:21+00:00</updated>" in atom(feed, SITE).decode()


def test_tag_feed_points_at_its_tag_page(cat):
    china = next(feed for feed in feeds(cat, "newsdesk") if feed.path == "tags/china/feed")
    parsed = feedparser.parse(atom(china, SITE))
    assert parsed.feed.link == "https://news.example.org/archive/tags/china/"
    assert parsed.feed.title == "newsdesk: china"


def test_json_feed_1_1(cat):
    document = json.loads(json_feed(feeds(cat, "newsdesk")[0], SITE))
    assert document["version"] == JSON_FEED_VERSION
    assert document["feed_url"] == "https://news.example.org/archive/feed.json"
    assert document["home_page_url"] == "https://news.example.org/archive/"
    hostile, month, _ = document["items"]
    assert hostile["id"] == hostile["url"] == "https://news.example.org/archive/articles/hostile/"
    assert hostile["external_url"] == "https://origin.example.com/hostile"
    assert hostile["title"] == 'Q&A: <3 "quotes"'
    assert hostile["content_text"] == hostile["summary"] == "Tom & Jerry <b>not bold</b>"
    assert "content_html" not in hostile
    assert hostile["date_published"] == "2026-04-27T07:02:21+00:00"
    assert hostile["authors"] == [{"name": "A. Writer"}]
    assert "external_url" not in month and "authors" not in month


def test_every_json_feed_meets_the_1_1_requirements(cat):
    """feedparser 6.0 reads no JSON Feed, so the spec's MUSTs are checked here."""
    for feed in feeds(cat, "newsdesk"):
        document = json.loads(json_feed(feed, SITE))
        assert document["version"] == JSON_FEED_VERSION and document["title"]
        for item in document["items"]:
            assert isinstance(item["id"], str) and item["id"].startswith("https://")
            assert "content_text" in item or "content_html" in item


def test_site_urls_work_without_directory_urls():
    site = Site("n", "https://x.example/", use_directory_urls=False)
    assert site.page("tags/china") == "https://x.example/tags/china/index.html"
    assert site.page("") == "https://x.example/index.html"
