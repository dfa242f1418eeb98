"""HTML → Markdown: house style, breaks, figures, and escaping that Python-Markdown needs."""

from __future__ import annotations

import markdown
import pytest

from newsdesk.markdown import to_markdown


def render(md: str) -> str:
    """What MkDocs would make of the Markdown (Python-Markdown, no extensions)."""
    return markdown.markdown(md)


def test_blocks_in_house_style() -> None:
    html = (
        "<h2>The deal</h2><p>One <em>two</em> <strong>three</strong>.</p>"
        "<ul><li>first</li><li>second</li></ul><ol start='3'><li>third</li></ol>"
        "<blockquote><p>Quoted.</p><p>Again.</p></blockquote><h4>Small</h4>"
    )
    assert to_markdown(html) == (
        "## The deal\n\nOne *two* **three**.\n\n- first\n- second\n\n3. third\n\n"
        "> Quoted.\n>\n> Again.\n\n#### Small"
    )


def test_a_quote_after_bare_text_is_its_own_block() -> None:
    assert to_markdown("Intro:<blockquote><p>Quoted.</p></blockquote>") == "Intro:\n\n> Quoted."


def test_links_and_images_with_titles() -> None:
    html = (
        '<p><a href="https://example.org/a b" title="Source">the filing</a> '
        '<img src="https://example.org/c.jpg" alt="Chart" title="Sales"></p>'
    )
    assert to_markdown(html) == (
        '[the filing](https://example.org/a%20b "Source") '
        '![Chart](https://example.org/c.jpg "Sales")'
    )


def test_figure_is_an_image_line_then_an_italic_caption() -> None:
    html = (
        '<figure><img src="https://example.org/b.jpg" alt="Booth"> '
        "<figcaption>Visitors at the booth</figcaption></figure><p>Next.</p>"
    )
    assert to_markdown(html) == (
        "![Booth](https://example.org/b.jpg)\n\n*Visitors at the booth*\n\nNext."
    )


def test_caption_with_its_own_emphasis_is_not_wrapped_again() -> None:
    html = (
        '<figure><img src="https://example.org/b.jpg" alt="">'
        "<figcaption><em>Photo</em>: AFP</figcaption></figure>"
    )
    assert to_markdown(html).endswith("\n\n*Photo*: AFP")


def test_single_br_is_a_hard_break_without_trailing_spaces() -> None:
    md = to_markdown("<p>Source: AFP.<br>\n Category: Cars</p>")
    assert md == "Source: AFP.<br>\nCategory: Cars"
    assert render(md) == "<p>Source: AFP.<br>\nCategory: Cars</p>"


def test_runs_of_br_are_paragraph_breaks_and_edge_brs_vanish() -> None:
    html = "<p><br>One.<br><br>\n<br>Two.<br></p><p>Three <em>now<br></em></p>"
    assert to_markdown(html) == "One.\n\nTwo.\n\nThree *now*"


def test_spacing_is_exactly_one_blank_line_and_no_trailing_whitespace() -> None:
    html = "<div>\n\n<p>One. </p>\n\n\n<div><p>Two.</p></div>   <p>Three.</p>\n</div>\n\n"
    md = to_markdown(html)
    assert md == "One.\n\nTwo.\n\nThree."
    assert all(line == line.rstrip() for line in md.split("\n"))


def test_code_blocks_keep_their_blank_lines() -> None:
    html = "<pre><code>a = 1\n\n\nb = 2\n</code></pre><p>After.</p>"
    assert to_markdown(html) == "```\na = 1\n\n\nb = 2\n```\n\nAfter."


def test_emphasis_characters_in_text_are_escaped() -> None:
    md = to_markdown("<p>snake_case and 2*3*4</p>")
    assert md == r"snake\_case and 2\*3\*4"
    assert render(md) == "<p>snake_case and 2*3*4</p>"


def test_nothing_else_is_escaped_mid_line() -> None:
    text = "Sales rose 5.5% (to $3bn) - a record! Q&A: #1 [sic] + more."
    md = to_markdown(f"<p>{text.replace('&', '&amp;')}</p>")
    assert md == text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>#MeToo changed hiring.</p>", "#MeToo changed hiring."),
        ("<p>1984. The year it began.</p>", "1984. The year it began."),
        ("<p>- not a list</p>", "- not a list"),
        ("<p>&gt; not a quote</p>", "&gt; not a quote"),
        ("<p>Line<br>#2 is here</p>", "Line<br>\n#2 is here"),
        ("<p><span>#Tag</span> inside a span</p>", "#Tag inside a span"),
    ],
)
def test_block_markers_at_a_line_start_stay_text(html: str, text: str) -> None:
    assert render(to_markdown(html)) == f"<p>{text}</p>"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Use &lt;script&gt; tags</p>", "Use &lt;script&gt; tags"),
        ("<p>Write &amp;amp; for &amp;</p>", "Write &amp;amp; for &amp;"),
    ],
)
def test_literal_markup_in_text_is_not_read_as_html(html: str, text: str) -> None:
    assert render(to_markdown(html)) == f"<p>{text}</p>"


def test_output_is_deterministic_and_ends_without_blank_lines() -> None:
    html = "<h2>A</h2><p>b</p><ul><li>c</li></ul>\n\n"
    assert to_markdown(html) == to_markdown(html)
    assert not to_markdown(html).endswith("\n")


def test_empty_input() -> None:
    assert to_markdown("") == ""
