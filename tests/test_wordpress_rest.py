"""The WordPress REST reader: one post or an array, fields, skips and refusals."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from newsdesk.article import Article
from newsdesk.readers import Input, ReadError, Skip
from newsdesk.readers.wordpress_rest import READER

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def post(**fields: Any) -> dict[str, Any]:
    """A minimal published REST post; keyword arguments replace or add fields."""
    base: dict[str, Any] = {
        "id": 41,
        "date": "2026-03-02T09:15:00",
        "date_gmt": "2026-03-02T08:15:00",
        "guid": {"rendered": "https://news.example.org/?p=41"},
        "slug": "plant-opens",
        "status": "publish",
        "link": "https://www.news.example.org/2026/03/plant-opens/",
        "title": {"rendered": "Plant opens"},
        "content": {"rendered": "<p>The plant opened.</p>", "protected": False},
    }
    return base | fields


def write(tmp_path: Path, document: Any, name: str = "post.json") -> Input:
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return Input(path)


def read_all(source: Input) -> list[Article | Skip]:
    return list(READER.read(source))


def only_article(source: Input) -> Article:
    (article,) = read_all(source)
    assert isinstance(article, Article)
    return article


def test_single_post_fields(tmp_path: Path) -> None:
    source = write(tmp_path, post())
    article = only_article(source)
    assert article.title == "Plant opens"
    assert article.date is not None and article.date.isoformat() == "2026-03-02T08:15:00Z"
    assert article.slug == "plant-opens"
    assert article.source is not None
    assert (article.source.name, article.source.url) == (
        "news.example.org",
        "https://www.news.example.org/2026/03/plant-opens/",
    )
    assert article.body == "<p>The plant opened.</p>"
    assert article.body_format == "html"
    assert article.summary is None
    assert article.provenance is not None
    assert article.provenance.format == "wordpress-rest"
    assert article.provenance.sha256 == source.sha256
    assert article.provenance.id == "41"
    assert article.provenance.guid == "https://news.example.org/?p=41"


def test_title_entities_decoded_and_tags_stripped(tmp_path: Path) -> None:
    rendered = "&#8216;Joint venture&#8217; <em>in&nbsp;reverse</em> &amp; more"
    article = only_article(write(tmp_path, post(title={"rendered": rendered})))
    assert article.title == "‘Joint venture’ in reverse & more"


def test_percent_encoded_slug_is_decoded_then_slugified(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, post(slug="%e5%8c%97%e4%ba%ac-Auto-Show")))
    assert article.slug == "bei-jing-auto-show"


def test_missing_slug_is_left_to_the_pipeline(tmp_path: Path) -> None:
    assert only_article(write(tmp_path, post(slug=""))).slug is None


def test_date_falls_back_to_local_date_read_as_utc(tmp_path: Path) -> None:
    article = only_article(write(tmp_path, post(date_gmt=None)))
    assert article.date is not None and article.date.isoformat() == "2026-03-02T09:15:00Z"


def test_array_gives_one_article_per_post_with_its_own_fingerprint(tmp_path: Path) -> None:
    posts = [post(), post(id=42, slug="second", title={"rendered": "Second"})]
    articles = read_all(write(tmp_path, posts))
    assert [a.title for a in articles if isinstance(a, Article)] == ["Plant opens", "Second"]
    for item, article in zip(posts, articles, strict=True):
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=False).encode()
        assert isinstance(article, Article) and article.provenance is not None
        assert article.provenance.sha256 == hashlib.sha256(canonical).hexdigest()


def test_embedded_terms_byline_and_featured_media(tmp_path: Path) -> None:
    embedded = {
        "author": [{"id": 3, "name": "Mei Chen"}],
        "wp:featuredmedia": [{"source_url": "https://news.example.org/uploads/plant.jpg"}],
        "wp:term": [
            [
                {"name": "Uncategorized", "taxonomy": "category"},
                {"name": "Energy &amp; Climate", "taxonomy": "category"},
            ],
            [{"name": "Batteries", "taxonomy": "post_tag"}],
            [{"name": "Posts", "taxonomy": "latest"}],
        ],
    }
    source = write(
        tmp_path,
        post(
            _embedded=embedded,
            class_list=["tag-ignored-when-embedded"],
            featured_image_urls={"full": ["https://news.example.org/other.jpg", 10, 10, False]},
        ),
    )
    article = only_article(source)
    assert article.raw_tags == ["Energy & Climate", "Batteries"]
    assert article.tags == article.raw_tags
    assert article.byline == "Mei Chen"
    assert article.image == "https://news.example.org/uploads/plant.jpg"


def test_class_list_and_featured_image_urls_are_the_fallbacks(tmp_path: Path) -> None:
    classes = ["post-41", "status-publish", "category-uncategorized", "category-world-news"]
    source = write(
        tmp_path,
        post(
            class_list=[*classes, "tag-electric-cars", "tag-china"],
            author_info={"display_name": "admin"},
            featured_image_urls={"full": ["https://news.example.org/full.jpg", 768, 511, False]},
        ),
    )
    article = only_article(source)
    assert article.tags == ["world news", "electric cars", "china"]
    assert article.byline is None
    assert article.image == "https://news.example.org/full.jpg"


@pytest.mark.parametrize("name", ["admin", "Administrator", "editor"])
def test_login_names_are_not_bylines(tmp_path: Path, name: str) -> None:
    article = only_article(write(tmp_path, post(_embedded={"author": [{"name": name}]})))
    assert article.byline is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"status": "draft"}, "status is 'draft', not publish"),
        ({"status": "future"}, "status is 'future', not publish"),
        ({"content": {"rendered": "<p>secret</p>", "protected": True}}, "password-protected"),
        ({"content": {"rendered": "  \n", "protected": False}}, "content is empty"),
    ],
)
def test_records_that_are_not_public_articles_are_skipped(
    tmp_path: Path, fields: dict[str, Any], reason: str
) -> None:
    records = read_all(write(tmp_path, [post(**fields), post(id=42)]))
    skip, article = records
    assert isinstance(skip, Skip) and reason in skip.reason
    assert "41" in skip.label
    assert isinstance(article, Article)


def test_status_may_be_absent(tmp_path: Path) -> None:
    document = post()
    del document["status"]
    assert only_article(write(tmp_path, document)).title == "Plant opens"


def test_truncated_json_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text(json.dumps(post())[:-40], "utf-8")
    with pytest.raises(ReadError, match="truncated") as caught:
        read_all(Input(path))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([1, 2], "item 0 is not a WordPress post"),
        ({"posts": []}, "not a WordPress post"),
        ([], "non-empty array"),
        ("just a string", "non-empty array"),
        ({"code": "rest_post_invalid_id", "message": "Invalid post ID."}, "REST error"),
    ],
)
def test_wrong_shapes_are_refused(tmp_path: Path, document: Any, message: str) -> None:
    with pytest.raises(ReadError, match=message):
        read_all(write(tmp_path, document))


def test_a_bad_item_refuses_the_whole_array_before_any_article(tmp_path: Path) -> None:
    records = READER.read(write(tmp_path, [post(), {"id": 2}]))
    with pytest.raises(ReadError, match="item 1"):
        next(records)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (json.dumps(post()), True),
        ("\ufeff  \n" + json.dumps([post()]), True),
        ('<?xml version="1.0"?><rss><content>rendered</content></rss>', False),
        ('{"title": "no content here"}', False),
        ("Plain text article mentioning content and rendered.", False),
    ],
)
def test_sniff(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "input"
    path.write_text(text, "utf-8")
    assert READER.sniff(Input(path)) is expected


# --- the shared corpus --------------------------------------------------------------------


def shared(relative: str) -> Input:
    path = SHARED / relative
    if not path.exists():
        pytest.skip(f"../shared is absent: {relative} not found beside the checkout")
    return Input(path)


def test_seed_002() -> None:
    source = Input(Path(__file__).resolve().parents[1] / "docs/_originals/002_1dbe7c8afcba537f.txt")
    assert READER.sniff(source)
    article = only_article(source)
    assert article.title == (
        "‘Joint venture in reverse’: foreign carmakers seek edge with China partners"
    )
    assert (
        article.slug == "joint-venture-in-reverse-foreign-carmakers-seek-edge-with-china-partners"
    )
    assert article.byline is None  # author_info says "admin": a login
    assert article.source is not None and article.source.name == "8657085.xyz"
    assert article.date is not None and article.date.isoformat() == "2026-04-27T07:02:21Z"
    assert "china" in article.tags and "stories" in article.tags
    assert article.image is not None and article.image.endswith(".jpg")
    assert article.provenance is not None and article.provenance.sha256 == source.sha256


@pytest.mark.corpus
def test_frontity_post_with_embedded_data() -> None:
    article = only_article(shared("corpora/wordpress-rest/frontity-post-60.json"))
    assert article.byline == "Alan Martin"
    assert article.tags[:2] == ["Photography", "Travel"]
    assert "Gullfoss" in article.tags
    assert article.image == "https://demo.worona.org/wp-content/uploads/2016/11/Iceland-test.jpg"


@pytest.mark.corpus
def test_frontity_array_of_posts() -> None:
    articles = read_all(shared("corpora/wordpress-rest/frontity-posts-from-category-7.json"))
    assert len(articles) == 5 and all(isinstance(a, Article) for a in articles)
    fingerprints = {
        a.provenance.sha256 for a in articles if isinstance(a, Article) and a.provenance
    }
    assert len(fingerprints) == 5
    assert all("Posts" not in a.tags for a in articles if isinstance(a, Article))
