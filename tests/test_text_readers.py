"""The plain-text readers: text-article (the fallback) and newsletter (sniffed first)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from newsdesk.readers import Input, ReadError
from newsdesk.readers.newsletter import READER as NEWSLETTER
from newsdesk.readers.text_article import READER as TEXT_ARTICLE
from newsdesk.readers.text_article import parse_byline

SEEDS = Path(__file__).resolve().parents[1] / "docs" / "_originals"  # the seeds, committed

BLOG_POST = """\
🔋 Battery Startup Raises $40 Million

By Jane Doe and Omar Haddad | Technology Desk

A battery startup from Leipzig said on Tuesday it had raised $40 million.

"We will build our first line next year," said the chief executive.

Share this story

3 thoughts on “Battery Startup Raises $40 Million”
"""

# Another publisher's phrasing: a Morning-Brew-like email, not the seed.
NEWSLETTER_ISSUE = """\
View this email in your browser

⚡ The chip war moves to Europe

Hi there, reader!

In today's issue:
- Dresden gets a new fab
- Why memory prices jump

MARKETS

Stocks rose on Monday.

TOGETHER WITH ACME PAYROLL

Payroll made painless.

TECH

A new fab opens in Dresden.

Update your email preferences or unsubscribe.
"""


def make_input(tmp_path: Path, content: str | bytes, name: str = "input.txt") -> Input:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return Input(path)


def seed(name: str) -> Input:
    return Input(SEEDS / name)


def test_reader_names() -> None:
    assert TEXT_ARTICLE.name == "text-article"
    assert NEWSLETTER.name == "newsletter"


def test_legacy_encoded_text_is_still_text(tmp_path: Path) -> None:
    source = make_input(tmp_path, b"Caf\xe9 au lait\n\nA clipping saved as Latin-1.\n")
    assert TEXT_ARTICLE.sniff(source)
    [article] = list(TEXT_ARTICLE.read(source))
    assert article.title == "Café au lait"


@pytest.mark.parametrize(
    "content",
    [
        '{"id": 1, "title": {"rendered": "Hi"}}',
        '  [{"id": 1}]',
        "<?xml version='1.0'?><rss/>",
        "\n<html><body>Hello</body></html>",
        "",
        " \n\u00a0\n",
        b"PK\x03\x04\x00\x00binary",
    ],
    ids=["json-object", "json-array", "xml", "html", "empty", "blank", "binary"],
)
def test_both_sniffs_reject_structured_binary_and_empty_input(
    tmp_path: Path, content: str | bytes
) -> None:
    source = make_input(tmp_path, content)
    assert not TEXT_ARTICLE.sniff(source)
    assert not NEWSLETTER.sniff(source)


def test_text_article_sniff_accepts_any_text(tmp_path: Path) -> None:
    assert TEXT_ARTICLE.sniff(make_input(tmp_path, "Just one line"))


def test_sniff_survives_a_multibyte_character_cut_by_the_sniff_window(tmp_path: Path) -> None:
    from newsdesk.readers import SNIFF_BYTES

    text = "a" * (SNIFF_BYTES - 1) + "é and more"
    assert TEXT_ARTICLE.sniff(make_input(tmp_path, text))


def test_newsletter_sniff_claims_an_issue_but_not_a_blog_post(tmp_path: Path) -> None:
    assert NEWSLETTER.sniff(make_input(tmp_path, NEWSLETTER_ISSUE, "issue.txt"))
    assert not NEWSLETTER.sniff(make_input(tmp_path, BLOG_POST, "post.txt"))


def test_newsletter_sniff_needs_more_than_one_signal(tmp_path: Path) -> None:
    text = "Quarterly Report\n\nHello everyone,\n\nRevenue grew.\n\nRESULTS\n\nGood.\n"
    assert not NEWSLETTER.sniff(make_input(tmp_path, text))


def test_text_article_reads_title_byline_and_body(tmp_path: Path) -> None:
    source = make_input(tmp_path, BLOG_POST)
    [article] = list(TEXT_ARTICLE.read(source))
    assert article.title == "Battery Startup Raises $40 Million"
    assert article.byline == "Jane Doe and Omar Haddad, Technology Desk"
    assert article.body.startswith("A battery startup from Leipzig")
    assert "By Jane Doe" not in article.body
    assert article.title not in article.body.splitlines()[0]
    assert article.body_format == "text"
    assert article.provenance is not None
    assert article.provenance.format == "text-article"
    assert article.provenance.sha256 == hashlib.sha256(BLOG_POST.encode()).hexdigest()
    assert article.date is None and article.source is None


def test_text_article_without_byline_keeps_a_by_sentence(tmp_path: Path) -> None:
    text = "Grid Upgrade\n\nBy 2030, the grid will carry twice the load.\n"
    [article] = list(TEXT_ARTICLE.read(make_input(tmp_path, text)))
    assert article.byline is None
    assert article.body == "By 2030, the grid will carry twice the load."


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "By Michael Turner | Senior Markets Correspondent",
            "Michael Turner, Senior Markets Correspondent",
        ),
        ("by Ana Silva, Reuters", "Ana Silva, Reuters"),
        ("Written by Ursula von der Leyen — Guest Column", "Ursula von der Leyen, Guest Column"),
        ("✍️ By Kim Lee • Staff Writer • Seoul", "Kim Lee, Staff Writer, Seoul"),
        ("By the end of the year, Ford will decide.", None),
        ("Bypass roads open", None),
    ],
)
def test_parse_byline(line: str, expected: str | None) -> None:
    assert parse_byline(line) == expected


def test_empty_text_article_is_a_read_error(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="empty"):
        list(TEXT_ARTICLE.read(make_input(tmp_path, "\n\n")))


def test_newsletter_skips_breadcrumb_and_takes_the_headline(tmp_path: Path) -> None:
    text = (
        "• The Weekly Grid\n"
        "  • Archive\n"
        "  • 🔌 Europe's power prices fall\n"
        "\n"
        "🔌 Europe's power prices fall\n"
        "\n"
        "Good morning, everyone!\n"
    )
    [article] = list(NEWSLETTER.read(make_input(tmp_path, text)))
    assert article.title == "Europe's power prices fall"
    assert article.body == "Good morning, everyone!"
    assert article.byline is None
    assert article.provenance is not None and article.provenance.format == "newsletter"


def test_newsletter_keeps_a_leading_list_that_is_not_navigation(tmp_path: Path) -> None:
    text = "- First point\n- Second point\n\nThe headline\n\nBody.\n"
    [article] = list(NEWSLETTER.read(make_input(tmp_path, text)))
    assert article.title == "First point"
    assert article.body.startswith("- Second point")


def test_newsletter_title_skips_preheader_but_body_keeps_it_for_the_cleaner(
    tmp_path: Path,
) -> None:
    [article] = list(NEWSLETTER.read(make_input(tmp_path, NEWSLETTER_ISSUE)))
    assert article.title == "The chip war moves to Europe"
    assert article.body.startswith("View this email in your browser")
    assert "The chip war" not in article.body


# --- the seeds ----------------------------------------------------------------------------


def test_seed_blog_article_is_a_text_article() -> None:
    source = seed("000_05778124aee28a80.txt")
    assert not NEWSLETTER.sniff(source)
    assert TEXT_ARTICLE.sniff(source)
    [article] = list(TEXT_ARTICLE.read(source))
    assert article.title == (
        "Ford-Xiaomi EV Partnership Talks Spark Debate on Chinese Automakers' U.S. Ambitions"
    )
    assert article.byline == "Michael Turner, Senior Markets Correspondent"
    assert article.body.startswith("Rumors of a potential alliance")
    assert "Michael Turner" not in article.body
    assert article.provenance is not None
    assert article.provenance.sha256 == source.sha256


def test_seed_newsletter_is_claimed_by_the_newsletter_reader() -> None:
    source = seed("001_93c5ed86d478574b.txt")
    assert NEWSLETTER.sniff(source)
    [article] = list(NEWSLETTER.read(source))
    assert article.title == "Ford & Xiaomi: First US-China car?"
    assert article.body.startswith("+ Singapore & China: Billions for Data Centers")
    assert "asiabits\n" not in article.body and "Posts" not in article.body
    assert article.provenance is not None and article.provenance.format == "newsletter"


def test_seed_wordpress_json_is_left_to_its_reader() -> None:
    source = seed("002_1dbe7c8afcba537f.txt")
    assert not NEWSLETTER.sniff(source)
    assert not TEXT_ARTICLE.sniff(source)
