"""WordPress's display-time transforms (newsdesk.wordpress), on small hand-written inputs."""

from __future__ import annotations

import pytest

from newsdesk import wordpress
from newsdesk.wordpress import (
    GALLERY_NOTE,
    Attachment,
    Library,
    expand_shortcodes,
    media_links,
    render,
    strip_block_comments,
    wpautop,
)


def expanded(text: str, library: Library | None = None, post_id: str = "") -> tuple[str, list]:
    reports: list[str] = []
    return expand_shortcodes(text, reports.append, library, post_id), reports


def library(*attachments: Attachment) -> Library:
    lib = Library()
    for attachment in attachments:
        lib.add(attachment)
    return lib


# --- wpautop ----------------------------------------------------------------------------------


def test_wpautop_double_breaks_make_paragraphs_and_single_ones_br():
    assert wpautop("line one\nline two\n\nsecond paragraph") == (
        "<p>line one<br />\nline two</p>\n<p>second paragraph</p>\n"
    )


def test_wpautop_leaves_block_elements_unwrapped():
    out = wpautop("Intro\n<h2>Heading</h2>\n<ul>\n<li>one</li>\n</ul>\nOutro")
    assert out == "<p>Intro</p>\n<h2>Heading</h2>\n<ul>\n<li>one</li>\n</ul>\n<p>Outro</p>\n"


def test_wpautop_keeps_pre_content_untouched():
    code = "<pre>first\n\nsecond\nthird</pre>"
    assert code in wpautop(f"Before\n\n{code}\n\nAfter")


def test_wpautop_does_not_break_inside_tags_or_scripts():
    out = wpautop('Text <a\nhref="x">link</a>\n<script>\na();\nb();\n</script>')
    assert '<a\nhref="x">' in out
    assert "a();\nb();" in out
    assert "<br />\nb();" not in out


# A run of `<p>…</p>` lines, as the block editor and rendered exports write most of a post.
PARAGRAPHS = "".join(
    f"<p>Paragraph {i} of the story, with \u201cquotes\u201d &amp; an entity.</p>\n"
    for i in range(6)
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", ""),
        ("Intro line\nsecond line\n\n", "\nOutro\n"),
        ("<div>\n", "</div>\r\n"),
        ("<!-- a comment left open\n", "-->\nAfter"),
        ("<script>\nvar a = 1;\n", "var b = 2;\n</script>\n"),
        ("<pre>\ncode\n", "</pre>\n"),
        ("<![CDATA[ x\n", "]]>\n"),
        ("<figure><img src='a.jpg'>\n<figcaption>C</figcaption>\n</figure>\n", "<br>\n<br>\n"),
        ("<select>\n<option>a</option>\n</select>\n", "<p>   </p>\n<p>[a]</p>\n"),
        ("<p>\ue000 the private character that stands in for the lines</p>\n", ""),
    ],
)
def test_wpautop_copies_runs_of_paragraph_lines_as_its_passes_would_give_them(
    monkeypatch, before, after
):
    text = before + PARAGRAPHS + after
    fast = wpautop(text), wpautop(text, br=False)
    monkeypatch.setattr(wordpress, "_pieces", lambda whole: [whole])  # every line read
    assert fast == (wpautop(text), wpautop(text, br=False))


def test_wpautop_leaves_paragraph_lines_as_they_are():
    assert PARAGRAPHS in wpautop(f"An intro.\n\n{PARAGRAPHS}<h2>Next</h2>\nMore text.")


def test_wpautop_takes_white_space_out_around_captions_and_options():
    figure = wpautop("<figure><img src='a.jpg'>\n\n<figcaption>C</figcaption>\n\n</figure>")
    assert "<p>" not in figure.split("<figure>")[1] and "<br" not in figure
    form = wpautop("<select>\n  <option>a</option>\n  <option>b</option>\n</select>")
    assert "<option>a</option><option>b</option>" in form


def test_wpautop_moves_paragraph_inside_blockquote():
    assert wpautop("<blockquote>Stay hungry.</blockquote>") == (
        "<blockquote><p>Stay hungry.</p></blockquote>\n"
    )


def test_wpautop_of_blank_text_is_empty():
    assert wpautop(" \n\n ") == ""


# --- block editor -----------------------------------------------------------------------------


def test_block_delimiters_go_and_their_markup_stays():
    content = (
        '<!-- wp:paragraph {"align":"center"} -->\n<p class="x">Kept</p>\n<!-- /wp:paragraph -->'
        '<!-- wp:core-embed/youtube {"url":"u"} -->'
        "<figure>F</figure><!-- /wp:core-embed/youtube -->"
        '<!-- wp:latest-posts {"postsToShow":3} /-->'
    )
    out = strip_block_comments(content)
    assert "wp:" not in out
    assert '<p class="x">Kept</p>' in out
    assert "<figure>F</figure>" in out


def test_more_and_nextpage_markers_go_but_other_comments_stay():
    out = strip_block_comments("a<!--more Read on-->b<!--nextpage-->c<!-- author note -->")
    assert out == "ab" + "c<!-- author note -->"


def test_render_applies_wpautop_only_to_classic_posts():
    classic = render("One\n\nTwo", lambda _: None)
    block = render("<!-- wp:paragraph -->\n<p>One</p>\n<!-- /wp:paragraph -->\n\nTwo", print)
    assert classic == "<p>One</p>\n<p>Two</p>\n"
    assert "<p>Two</p>" not in block


# --- shortcodes -------------------------------------------------------------------------------


def test_caption_attribute_becomes_figcaption():
    out, reports = expanded(
        '[caption id="attachment_612" align="aligncenter" width="640" caption="A husk."]'
        '<a href="https://x/big.jpg"><img src="https://x/a.jpg" alt="husk" /></a>[/caption]'
    )
    assert out == (
        '<figure><a href="https://x/big.jpg"><img src="https://x/a.jpg" alt="husk" /></a>'
        "<figcaption>A husk.</figcaption></figure>"
    )
    assert reports == []


def test_caption_text_after_the_image_becomes_figcaption():
    out, _ = expanded('[caption width="604"]<img src="https://x/b.jpg" /> Bell on wharf[/caption]')
    assert (
        out
        == '<figure><img src="https://x/b.jpg" /><figcaption>Bell on wharf</figcaption></figure>'
    )


def test_gallery_ids_resolve_through_the_library_in_order():
    lib = library(
        Attachment("7", "https://x/seven.jpg", caption="Seven", alt="seven"),
        Attachment("8", "https://x/eight.jpg"),
    )
    out, reports = expanded('[gallery columns="2" ids="8,7,99"]', lib)
    assert out == (
        '<figure><img src="https://x/eight.jpg" alt=""></figure>'
        '<figure><img src="https://x/seven.jpg" alt="seven"><figcaption>Seven</figcaption></figure>'
    )
    assert reports == []


def test_gallery_without_ids_shows_the_images_attached_to_the_post():
    lib = library(
        Attachment("3", "https://x/second.jpg", parent="10", order=2),
        Attachment("4", "https://x/first.jpg", parent="10", order=1),
        Attachment("5", "https://x/song.mp3", parent="10"),
        Attachment("6", "https://x/other-post.jpg", parent="11"),
    )
    out, _ = expanded("[gallery]", lib, post_id="10")
    assert out.index("first.jpg") < out.index("second.jpg")
    assert "song.mp3" not in out
    assert "other-post.jpg" not in out


def test_gallery_without_images_leaves_a_note_and_is_reported():
    out, reports = expanded('[gallery ids="1,2"]')
    assert GALLERY_NOTE in out
    assert "[gallery" not in out
    assert reports == ["[gallery] images are not in the export; a note replaces it"]


@pytest.mark.parametrize("indent", ["", "  ", "\t"])
def test_a_url_alone_on_the_first_line_becomes_a_link(indent):
    out, _ = expanded(f"{indent}https://vimeo.com/2\nText")
    assert out == f'{indent}<a href="https://vimeo.com/2">https://vimeo.com/2</a>\nText'


def test_embed_and_bare_url_lines_become_links():
    out, _ = expanded(
        "[embed]https://www.youtube.com/watch?v=a&amp;t=1[/embed]\n"
        "https://twitter.com/nacin/status/1\n"
        "<p>https://vimeo.com/2</p>\n"
        "See https://example.com/inline in a sentence."
    )
    assert '<a href="https://www.youtube.com/watch?v=a&amp;t=1">' in out
    assert "&amp;amp;" not in out
    assert '<a href="https://twitter.com/nacin/status/1">' in out
    assert '<p><a href="https://vimeo.com/2">https://vimeo.com/2</a></p>' in out
    assert "See https://example.com/inline in a sentence." in out


@pytest.mark.parametrize(
    ("shortcode", "link"),
    [
        ("[audio https://x/blues.mp3]", '<a href="https://x/blues.mp3">Audio: blues.mp3</a>'),
        ('[audio mp3="https://x/a.mp3"][/audio]', '<a href="https://x/a.mp3">Audio: a.mp3</a>'),
        (
            '[video width="640" mp4="https://x/v.mp4"][/video]',
            '<a href="https://x/v.mp4">Video: v.mp4</a>',
        ),
        ('[video src="https://x/clip.webm"]', '<a href="https://x/clip.webm">Video: clip.webm</a>'),
    ],
)
def test_audio_and_video_become_links_to_the_file(shortcode, link):
    assert expanded(shortcode)[0] == link


def test_audio_without_url_uses_the_posts_first_audio_attachment():
    lib = library(Attachment("5", "https://x/song.mp3", parent="10"))
    assert expanded("[audio]", lib, post_id="10")[0] == (
        '<a href="https://x/song.mp3">Audio: song.mp3</a>'
    )
    out, reports = expanded("[audio]", lib, post_id="11")
    assert out == ""
    assert reports == ["[audio] without a file removed"]


def test_unknown_shortcodes_are_removed_keeping_enclosed_text_and_reported():
    out, reports = expanded(
        '[contact-form-7 id="12" title="Contact"]\n'
        "[dropcap]O[/dropcap]nce upon a time.\n"
        "[toc]\n"
        "[divider /]"
    )
    assert out == "\nOnce upon a time.\n\n"
    assert reports == [
        "unknown shortcode [contact-form-7] removed",
        "unknown shortcode [dropcap] removed",
        "unknown shortcode [toc] removed",
        "unknown shortcode [divider] removed",
    ]


def test_editorial_brackets_are_prose_not_shortcodes():
    text = "He said [sic] that, [citation needed] and [Editor's note: no] then [1]."
    assert expanded(text) == (text, [])


def test_escaped_shortcode_is_shown_literally():
    assert expanded("Write [[gallery]] to show a gallery.") == (
        "Write [gallery] to show a gallery.",
        [],
    )


def test_stray_closing_shortcode_is_removed_and_reported():
    assert expanded("text[/caption]") == ("text", ["stray shortcode [/caption] removed"])


def test_nested_shortcodes_expand_inside_unknown_wrappers():
    out, _ = expanded('[box][caption caption="C"]<img src="https://x/i.jpg">[/caption][/box]')
    assert out == '<figure><img src="https://x/i.jpg"><figcaption>C</figcaption></figure>'


# --- media elements ---------------------------------------------------------------------------


def test_block_audio_and_video_players_become_links():
    out = media_links(
        '<figure><audio controls src="https://x/a.mp3"></audio><figcaption>Blues</figcaption>'
        '</figure><video controls><source src="https://x/v.mp4" type="video/mp4"></video>'
    )
    assert out == (
        '<figure><a href="https://x/a.mp3">Audio: a.mp3</a><figcaption>Blues</figcaption>'
        '</figure><a href="https://x/v.mp4">Video: v.mp4</a>'
    )


def test_render_of_a_classic_post_with_a_caption_does_not_nest_figure_in_p():
    out = render(
        'Intro text.\n\n[caption caption="C"]<img src="https://x/i.jpg">[/caption]\n\nEnd.',
        lambda _: None,
    )
    assert out == (
        "<p>Intro text.</p>\n"
        '<figure><img src="https://x/i.jpg"><figcaption>C</figcaption></figure>\n'
        "<p>End.</p>\n"
    )


def test_attachment_kind_comes_from_the_file_name():
    assert Attachment("1", "https://x/a.JPG?w=300").kind == "image"
    assert Attachment("1", "https://x/a.mov").kind == "video"
    assert Attachment("1", "https://x/a.pdf").kind == "application"


def test_footnotes_block_lists_the_notes_kept_in_post_meta():
    meta = '[{"id":"a","content":"A note"},{"id":"b","content":"Another <em>note</em>"}]'
    content = "<!-- wp:paragraph -->\n<p>Text</p>\n<!-- /wp:paragraph -->\n<!-- wp:footnotes /-->"
    out = render(content, lambda _: None, footnotes=meta)
    assert out.endswith("<ol><li>A note</li><li>Another <em>note</em></li></ol>")
    assert render("<!-- wp:footnotes /-->", lambda _: None, footnotes="not json") == ""
