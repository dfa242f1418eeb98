"""The WXR reader on small exports written here, one behaviour per test."""

from __future__ import annotations

import logging

import pytest

from newsdesk import bench_wxr, readers
from newsdesk.article import Article
from newsdesk.readers import Input, ReadError, Skip
from newsdesk.readers import wordpress_wxr as wxr


def item(
    post_id: int = 1,
    title: str = "Hello world",
    content: str = "A first paragraph.\n\nA second one.",
    status: str = "publish",
    post_type: str = "post",
    name: str | None = None,
    date_gmt: str = "2024-03-05 10:00:00",
    date: str = "2024-03-05 11:00:00",
    pub: str = "Tue, 05 Mar 2024 10:00:00 +0000",
    parent: int = 0,
    password: str = "",
    extra: str = "",
) -> str:
    """One <item> as WordPress writes it; `title` is inserted as raw XML text."""
    slug = f"post-{post_id}" if name is None else name
    return f"""
<item>
  <title>{title}</title>
  <link>https://example.com/{slug}/</link>
  <pubDate>{pub}</pubDate>
  <dc:creator><![CDATA[jane]]></dc:creator>
  <guid isPermaLink="false">https://example.com/?p={post_id}</guid>
  <content:encoded><![CDATA[{content}]]></content:encoded>
  <excerpt:encoded><![CDATA[]]></excerpt:encoded>
  <wp:post_id>{post_id}</wp:post_id>
  <wp:post_date><![CDATA[{date}]]></wp:post_date>
  <wp:post_date_gmt><![CDATA[{date_gmt}]]></wp:post_date_gmt>
  <wp:post_name><![CDATA[{slug}]]></wp:post_name>
  <wp:status><![CDATA[{status}]]></wp:status>
  <wp:post_parent>{parent}</wp:post_parent>
  <wp:menu_order>0</wp:menu_order>
  <wp:post_type><![CDATA[{post_type}]]></wp:post_type>
  <wp:post_password><![CDATA[{password}]]></wp:post_password>
  {extra}
</item>"""


def attachment(post_id: int, url: str, parent: int = 0) -> str:
    url_field = f"<wp:attachment_url><![CDATA[{url}]]></wp:attachment_url>"
    return item(
        post_id, f"file {post_id}", "", "inherit", "attachment", parent=parent, extra=url_field
    )


def meta(key: str, value: str) -> str:
    pair = f"<wp:meta_key>{key}</wp:meta_key><wp:meta_value>{value}</wp:meta_value>"
    return f"<wp:postmeta>{pair}</wp:postmeta>"


def export(*items: str, version: str = "1.2", scheme: str = "https", prolog: str = "") -> bytes:
    wp = f"{scheme}://wordpress.org/export/{version}/"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- generator="WordPress/6.4.3" -->
{prolog}<rss version="2.0" xmlns:excerpt="{wp}excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="{wp}">
<channel>
  <title>Example &amp; Co</title>
  <link>https://example.com</link>
  <wp:wxr_version>{version}</wp:wxr_version>
  <wp:author>
    <wp:author_login><![CDATA[jane]]></wp:author_login>
    <wp:author_display_name><![CDATA[Jane Doe]]></wp:author_display_name>
  </wp:author>
  {"".join(items)}
</channel>
</rss>
""".encode()


@pytest.fixture
def read(tmp_path):
    def run(data: bytes, **options) -> list[Article | Skip]:
        path = tmp_path / "export.xml"
        path.write_bytes(data)
        return list(wxr.read(Input(path), **options))

    return run


def articles(records: list[Article | Skip]) -> list[Article]:
    return [r for r in records if isinstance(r, Article)]


def skips(records: list[Article | Skip]) -> dict[str, str]:
    return {r.label: r.reason for r in records if isinstance(r, Skip)}


# --- formats --------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_and_namespace_variant_is_read(read, tmp_path, version, scheme):
    data = export(item(extra=meta("_edit_last", "1")), version=version, scheme=scheme)
    [article] = read(data)
    assert article.title == "Hello world"
    assert article.body == "<p>A first paragraph.</p>\n<p>A second one.</p>\n"
    assert article.body_format == "html"
    assert article.byline == "Jane Doe"
    assert article.slug == "post-1"
    assert article.date.isoformat() == "2024-03-05T10:00:00Z"
    assert article.source.name == "Example & Co"
    assert article.source.url == "https://example.com/post-1/"
    assert article.provenance.format == "wordpress-wxr"
    assert (article.provenance.id, article.provenance.guid) == ("1", "https://example.com/?p=1")
    path = tmp_path / "export.xml"
    assert readers.detect(Input(path)).name == "wordpress-wxr"


def test_plain_rss_is_not_sniffed_as_wxr(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>')
    assert not wxr.sniff(Input(path))


def test_each_item_has_its_own_fingerprint(read):
    first, second = read(export(item(1), item(2)))
    assert len(first.provenance.sha256) == 64
    assert first.provenance.sha256 != second.provenance.sha256
    [alone] = read(export(item(2)))  # independent of its neighbours
    assert alone.provenance.sha256 == second.provenance.sha256
    [edited] = read(export(item(2, content="Edited.")))
    assert edited.provenance.sha256 != second.provenance.sha256


# --- what is imported -----------------------------------------------------------------------


NOT_PUBLISHED = ("draft", "pending", "private", "future", "trash")


def test_only_published_posts_are_articles_and_every_other_item_is_skipped_with_a_reason(read):
    records = read(
        export(
            item(1, "Published"),
            *(item(n, s.title(), status=s) for n, s in enumerate(NOT_PUBLISHED, start=2)),
            item(10, "About", post_type="page"),
            item(11, "Menu", post_type="nav_menu_item"),
            item(12, "Template", post_type="wp_template"),
            item(13, "Shoe", post_type="product"),
            attachment(14, "https://example.com/a.jpg"),
        )
    )
    assert [a.title for a in articles(records)] == ["Published"]
    assert skips(records) == {
        "post 2 “Draft”": "status is 'draft', not publish",
        "post 3 “Pending”": "status is 'pending', not publish",
        "post 4 “Private”": "status is 'private', not publish",
        "post 5 “Future”": "status is 'future', not publish",
        "post 6 “Trash”": "status is 'trash', not publish",
        "page 10 “About”": "post type 'page' not imported (add --post-type page)",
        "nav_menu_item 11 “Menu”": "nav_menu_item: not an article",
        "wp_template 12 “Template”": "wp_template: not an article",
        "product 13 “Shoe”": "post type 'product' not imported (add --post-type product)",
        "attachment 14 “file 14”": "attachment: not an article",
    }


def test_pages_and_other_types_are_imported_when_asked(read):
    data = export(
        item(1, "Post"), item(2, "Page", post_type="page"), item(3, "Shoe", post_type="product")
    )
    titles = [a.title for a in articles(read(data, post_types=("post", "page", "product")))]
    assert titles == ["Post", "Page", "Shoe"]
    assert [a.title for a in articles(read(data, post_types=("page",)))] == ["Page"]


def test_asking_for_attachments_is_refused(read):
    with pytest.raises(ReadError, match="attachment items are never imported"):
        read(export(item()), post_types=("post", "attachment"))


def test_password_protected_and_empty_posts_are_skipped(read):
    records = read(export(item(1, "Locked", password="enter"), item(2, "Empty", content=" \n ")))
    assert skips(records) == {
        "post 1 “Locked”": "password-protected: its content is not public",
        "post 2 “Empty”": "content is empty",
    }


def test_post_of_only_dynamic_blocks_is_skipped_but_an_image_post_is_not(read):
    dynamic = "<!-- wp:post-title /-->\n<!-- wp:latest-posts /-->"
    image = (
        '<!-- wp:image --><figure><img src="https://example.com/a.jpg"/></figure><!-- /wp:image -->'
    )
    records = read(export(item(1, "Title", content=dynamic), item(2, "Photo", content=image)))
    assert skips(records) == {
        "post 1 “Title”": "content is empty once rendered (dynamic blocks or blank markup)"
    }
    assert [a.title for a in articles(records)] == ["Photo"]


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("<p>&nbsp;</p>\n<div> &#160; </div>", False),  # entities for spaces show nothing
        ("<!-- wp:spacer --><div>&#32;</div><!-- /wp:spacer -->", False),
        ("<p>&amp; more</p>", True),  # an entity for a visible character shows
        ("<p>&nbsp;x</p>", True),
        ("<div><br /></div>\n<p>Text</p>", True),
        ("<p>a < b</p>", True),  # a `<` that starts no tag is text
    ],
)
def test_whether_a_post_shows_anything_reads_entities_and_tags(read, content, shown):
    records = read(export(item(1, "Post", content=content)))
    assert bool(articles(records)) is shown


def test_untitled_post_keeps_no_title_and_its_slug_for_the_importer(read):
    [article] = read(export(item(7, "", name="edge-case-no-title")))
    assert article.title is None
    assert article.slug == "edge-case-no-title"


# --- fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Fish &#038; Chips", "Fish & Chips"),  # decoded by the XML parser
        ("<![CDATA[Fish &#038; Chips]]>", "Fish & Chips"),  # decoded by the reader
        ("Media &amp;amp; Text", "Media & Text"),
        ("<![CDATA[Title <em>With</em> <b>Mark<sup>up</sup></b>]]>", "Title With Markup"),
    ],
)
def test_titles_are_decoded_to_plain_text(read, raw, title):
    assert read(export(item(title=raw)))[0].title == title


def test_date_falls_back_to_pubdate_then_local_time_with_the_sites_offset(read):
    records = read(
        export(
            item(1, "Has GMT"),
            item(2, "Pub date only", date_gmt="0000-00-00 00:00:00"),
            item(
                3, "Local only", date_gmt="0000-00-00 00:00:00", pub="", date="2024-06-01 09:30:00"
            ),
        )
    )
    dates = {a.title: a.date.isoformat() for a in articles(records)}
    assert dates == {
        "Has GMT": "2024-03-05T10:00:00Z",
        "Pub date only": "2024-03-05T10:00:00Z",
        "Local only": "2024-06-01T08:30:00Z",  # the site is UTC+1, as post 1 shows
    }


def test_local_time_without_a_known_offset_keeps_only_the_day(read):
    lonely = item(
        1, "Local only", date_gmt="0000-00-00 00:00:00", pub="", date="2024-06-01 23:30:00"
    )
    [article] = read(export(lonely))
    assert article.date.isoformat() == "2024-06-01"


def test_categories_and_tags_by_name_without_formats_or_uncategorized(read):
    terms = (
        '<category domain="category" nicename="uncategorized"><![CDATA[Uncategorized]]></category>'
        '<category domain="category" nicename="ev"><![CDATA[Electric Cars]]></category>'
        '<category domain="post_tag" nicename="china"><![CDATA[China]]></category>'
        '<category domain="post_tag" nicename="r-d"><![CDATA[R&amp;D]]></category>'
        '<category domain="post_format" nicename="post-format-gallery">Gallery</category>'
    )
    [article] = read(export(item(extra=terms)))
    assert article.tags == ["Electric Cars", "China", "R&D"]
    assert article.raw_tags == article.tags


def test_featured_image_resolves_an_attachment_that_comes_after_the_post(read):
    post = item(1, extra=meta("_thumbnail_id", "50"))
    records = read(export(post, attachment(50, "https://example.com/up/pic.jpg", parent=1)))
    [article] = articles(records)
    assert article.image == "https://example.com/up/pic.jpg"


def test_a_post_leaves_once_all_it_refers_to_is_read_and_waits_for_the_rest(tmp_path):
    """Conversion starts with the pass over the file: only a post that refers to something
    later in it (an attachment, the site's UTC offset) waits until it ends."""
    posts = (
        item(1, "Featured image", extra=meta("_thumbnail_id", "50")),
        item(2, "Local time", date_gmt="0000-00-00 00:00:00", pub="", date="2024-03-05 12:00:00"),
        item(3, "Gallery", content='[gallery ids="50"]'),
        item(4, "Needs nothing later"),
    )
    data = export(*posts, attachment(50, "https://example.com/up/pic.jpg"))
    path = tmp_path / "export.xml"

    def finished(records) -> list:
        return [r.finish() if isinstance(r, readers.Deferred) else r for r in records]

    def titles(records) -> list[str]:
        return [r.title if isinstance(r, Article) else r.label for r in records]

    path.write_bytes(data.replace(b"</channel>", b""))  # the file breaks at its end
    arrived: list = []
    with pytest.raises(ReadError):
        arrived.extend(wxr.read(Input(path), defer=True))
    assert titles(finished(arrived)) == ["Needs nothing later", "attachment 50 “file 50”"]

    path.write_bytes(data)
    records = finished(wxr.read(Input(path), defer=True))
    assert titles(records)[2:] == ["Featured image", "Local time", "Gallery"]
    image, local, gallery = records[2:]
    assert image.image == "https://example.com/up/pic.jpg"
    assert local.date.isoformat() == "2024-03-05T11:00:00Z"  # UTC+1, as the other posts show
    assert "https://example.com/up/pic.jpg" in gallery.body


def test_unknown_author_login_gives_no_byline(read):
    [article] = read(export(item().replace("<![CDATA[jane]]></dc:creator>", "bob</dc:creator>")))
    assert article.byline is None


def test_excerpt_becomes_the_summary(read):
    post = item().replace(
        "<excerpt:encoded><![CDATA[]]>", "<excerpt:encoded><![CDATA[<p>The short version.</p>]]>"
    )
    assert read(export(post))[0].summary == "The short version."


# --- content --------------------------------------------------------------------------------


def test_content_goes_through_the_wordpress_transforms(read, caplog):
    content = (
        '[caption id="attachment_50" width="300"]<img src="https://example.com/up/pic.jpg" /> '
        "A wharf[/caption]\n\n[gallery]\n\nText with [sic].\n\n[newsletter-signup id=3]"
    )
    data = export(item(1, content=content), attachment(50, "https://example.com/up/pic.jpg", 1))
    with caplog.at_level(logging.WARNING, logger=wxr.__name__):
        [article] = articles(read(data))
    assert "<figcaption>A wharf</figcaption>" in article.body
    assert '<figure><img src="https://example.com/up/pic.jpg" alt=""></figure>' in article.body
    assert "<p>Text with [sic].</p>" in article.body
    assert "newsletter-signup" not in article.body
    assert "post 1 “Hello world”: unknown shortcode [newsletter-signup] removed" in caplog.text


def test_block_comments_are_removed_without_wpautop(read):
    content = "<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n<!-- wp:spacer /-->"
    [article] = read(export(item(content=content)))
    assert article.body.strip() == "<p>One</p>"


def test_cdata_split_around_a_literal_end_marker_is_joined(read):
    data = export(item()).replace(
        b"<![CDATA[A first paragraph.",
        b"<![CDATA[<code>a]]]]><![CDATA[>b</code> A first paragraph.",
    )
    assert "<code>a]]>b</code>" in read(data)[0].body


def test_control_characters_are_tolerated(read):
    data = export(item(title="Bad\x0bly \x01typed", content="Pasted\x08 text\x1f here."))
    [article] = read(data)
    assert article.title == "Badly typed"
    assert article.body == "<p>Pasted text here.</p>\n"


# --- hostile and broken files ---------------------------------------------------------------

BOMB = """<!DOCTYPE rss [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
"""
EXTERNAL = '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize(("prolog", "entity"), [(BOMB, "&c;"), (EXTERNAL, "&secret;")])
def test_entity_declarations_are_refused_before_anything_is_yielded(tmp_path, prolog, entity):
    path = tmp_path / "export.xml"
    path.write_bytes(export(item(title=f"Boom {entity}"), prolog=prolog))
    records = wxr.read(Input(path))
    with pytest.raises(ReadError, match="DOCTYPE"):
        next(records)


def test_malformed_xml_is_a_read_error(read):
    with pytest.raises(ReadError, match="not well-formed XML"):
        read(export(item()).replace(b"</channel>", b""))


def test_items_are_freed_while_streaming(tmp_path):
    """Bounded memory: behind the current item nothing is kept; ahead, one read chunk."""
    path = tmp_path / "export.xml"
    path.write_bytes(export(*(item(n) for n in range(1, 2001))))
    held = [len(element.getparent()) for element in wxr._stream(path)]
    assert len(held) == 2000
    assert max(held[1:]) < 100


def test_the_benchmark_export_reads_back_post_for_post(tmp_path):
    path = tmp_path / "bench.xml"
    bench_wxr.write_export(path, 12, bench_wxr.load_seed())
    records = list(wxr.read(Input(path)))
    posts = articles(records)
    assert len(posts) == 12
    assert len(records) - len(posts) == 2  # the featured-image attachments of posts 5 and 10
    assert [p.provenance.id for p in posts if p.image] == ["5", "10"]
    assert len({p.slug for p in posts}) == 12
