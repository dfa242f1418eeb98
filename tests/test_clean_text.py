"""The text cleaner: each rule family of rules.yml, structure recovery, escaping, seeds."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.clean import Report, Rule, default_rules
from newsdesk.clean.text import clean_text
from newsdesk.readers import Input
from newsdesk.readers.newsletter import READER as NEWSLETTER
from newsdesk.readers.text_article import READER as TEXT_ARTICLE

SEEDS = Path(__file__).resolve().parents[1] / "docs" / "_originals"  # the seeds, committed
RULES = default_rules().text

BEFORE = "The central bank kept its key rate at 4.5 percent on Thursday."
AFTER = "Economists had expected the decision after inflation eased in March."
# Footer rules ignore matches with fewer than 30 words above them.
ARTICLE = (
    "The city council approved the new tram line on Monday after a two-year debate. "
    "Construction starts in spring and the first trams should run in 2028, the mayor said. "
    "Residents along the route will get noise barriers."
)


def clean(text: str, rules: tuple[Rule, ...] = RULES) -> tuple[str, Report]:
    report = Report()
    return clean_text(text, rules, report), report


def seed(name: str) -> Input:
    return Input(SEEDS / name)


def tags(fragment: str, tag: str) -> list[str]:
    """Text of every <tag> element (no nesting in the cleaner's output), unescaped."""
    return [html.unescape(m) for m in re.findall(rf"<{tag}>(.*?)</{tag}>", fragment, re.S)]


# --- line rules: a junk line between two real paragraphs ----------------------------------


@pytest.mark.parametrize(
    ("junk", "rule"),
    [
        ("Share this article", "share-prompt"),
        ("Share on WhatsApp", "share-prompt"),
        ("Facebook | X | LinkedIn | Email", "share-prompt"),
        ("Click to share on Reddit (Opens in new window)", "share-prompt"),
        ("Tweet this", "share-prompt"),
        ("12 Likes", "share-prompt"),
        ("Refer 3 friends and get our tote bag.", "share-prompt"),
        ("Give a gift subscription", "subscribe-prompt"),
        ("Your email address will not be published. Required fields are marked *", "comment-form"),
        ("Email *", "comment-form"),
        ("Notify me of new posts by email.", "comment-form"),
        ("You must be logged in to post a comment.", "comment-form"),
        (
            "Save my name, email, and website in this browser for the next time I comment.",
            "comment-form",
        ),
        (
            "Thanks for reading The Dispatch! Subscribe for free to receive new posts and "
            "support my work.",
            "subscribe-prompt",
        ),
        ("Subscribe now 👇", "subscribe-prompt"),
        ("Sign up for our free weekly newsletter to get the best stories.", "subscribe-prompt"),
        ("Join 120,000 readers who get the briefing every morning.", "subscribe-prompt"),
        ("What did you think of this week's edition?", "poll"),
        ("How did you like today’s issue?", "poll"),
        ("Log in or subscribe to vote in polls.", "poll"),
        ("View this email in your browser", "email-chrome"),
        ("Read online | Advertise | Sign up", "email-chrome"),
        ("Was this email forwarded to you? Sign up here.", "email-chrome"),
        ("Did someone forward you this email? Get your own copy.", "email-chrome"),
        ("No longer want these emails? Unsubscribe.", "unsubscribe-footer"),
        ("Update your email preferences or unsubscribe from this list.", "unsubscribe-footer"),
        (
            "You are receiving this email because you signed up at example.com.",
            "unsubscribe-footer",
        ),
        ("© 2025 Example Media Ltd, 1 Main Street, Springfield", "unsubscribe-footer"),
        ("Privacy Policy · Terms · Advertise", "unsubscribe-footer"),
        ("ADVERTISE // CAREERS // SHOP // FAQ", "unsubscribe-footer"),
        ("P.S. Know someone who would enjoy this? Forward it to them.", "promo-ps"),
        ("👉 PS: Follow us on Instagram for daily charts.", "promo-ps"),
        ("Advertisement", "ad-label"),
        ("Story continues below advertisement", "ad-label"),
    ],
)
def test_line_rule_removes_junk_and_keeps_the_text_around_it(junk: str, rule: str) -> None:
    fragment, report = clean(f"{BEFORE}\n\n{junk}\n\n{AFTER}")
    assert tags(fragment, "p") == [BEFORE, AFTER]
    assert report.counts() == {rule: 1}


@pytest.mark.parametrize(
    "line",
    [
        "Customers found it hard to unsubscribe, regulators said.",
        "Netflix added nine million subscribers in the quarter.",
        "P.S. We are off on Monday for the holiday.",
        "Share prices fell 4 percent on Monday.",
        "Comments from investors were mixed.",
        "Together with his brother, he founded the firm in 1998.",
        "An ad campaign ran on television for six weeks.",
    ],
)
def test_line_rules_leave_prose_that_merely_mentions_junk_words(line: str) -> None:
    fragment, report = clean(f"{BEFORE}\n\n{line}\n\n{AFTER}")
    assert tags(fragment, "p") == [BEFORE, line, AFTER]
    assert report.removals == []


# --- section rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "SPONSORED BY ACME",
        "PRESENTED BY ZAPCORP",
        "A MESSAGE FROM OUR SPONSOR",
        "TOGETHER WITH LEDGERLY",
        "Brought to you by Acme",
        "📣 THIS ISSUE IS SPONSORED BY ACME",
    ],
)
def test_sponsored_section_runs_to_the_next_heading(heading: str) -> None:
    text = (
        f"{BEFORE}\n\n{heading}\n\nInvoices in one click.\n\nTry it free for 30 days!\n\n"
        f"MARKETS\n\n{AFTER}\n"
    )
    fragment, report = clean(text)
    assert "Invoices" not in fragment and "Try it" not in fragment
    assert tags(fragment, "h2") == ["MARKETS"]
    assert tags(fragment, "p") == [BEFORE, AFTER]
    assert report.counts() == {"sponsored-section": 1}


def test_sponsored_section_ends_at_a_separator_line() -> None:
    text = f"IN PARTNERSHIP WITH ACME\nInvoices in one click.\n\n* * *\n\n{AFTER}\n"
    fragment, _ = clean(text)
    assert tags(fragment, "p") == [AFTER]


def test_sponsored_section_at_the_end_runs_to_the_end() -> None:
    fragment, report = clean(f"{BEFORE}\n\nA MESSAGE FROM OUR SPONSOR\n\nBuy Acme.\n\nReally.\n")
    assert tags(fragment, "p") == [BEFORE]
    assert report.counts() == {"sponsored-section": 1}


@pytest.mark.parametrize(
    ("text", "survivor"),
    [
        # hard-wrapped prose: too long to be a heading
        (
            "Presented by the company at CES in January, the concept car\nuses a new battery.",
            "Presented by the company at CES in January, the concept car uses a new battery.",
        ),
        # an ambiguous phrase in mixed case is prose, not a sponsor heading
        ("A message from the editor\n\nWe are moving.", "We are moving."),
    ],
)
def test_sponsor_phrases_in_prose_do_not_open_a_section(text: str, survivor: str) -> None:
    fragment, report = clean(f"{text}\n\nMARKETS\n\n{AFTER}")
    assert report.removals == []
    assert tags(fragment, "p") == [survivor, AFTER]


def test_feedback_section_is_removed_up_to_the_next_heading() -> None:
    text = f"HOW DID WE DO?\n\nRate today's issue: great / okay / meh\n\nTECH\n\n{AFTER}\n"
    fragment, report = clean(text)
    assert "Rate" not in fragment
    assert tags(fragment, "h2") == ["TECH"]
    assert report.counts() == {"feedback-section": 1}


def test_newsletter_footer_heading_is_removed_but_a_more_news_section_stays() -> None:
    text = (
        f"MORE NEWS\n\n{BEFORE}\n\nMORE FROM THE DAILY LEDGER\n\nArchive · Podcast · Jobs board\n"
    )
    fragment, report = clean(text)
    assert tags(fragment, "h2") == ["MORE NEWS"]
    assert tags(fragment, "p") == [BEFORE]
    assert report.counts() == {"newsletter-footer": 1}


def test_referral_section_is_removed_but_a_share_prices_section_stays() -> None:
    text = (
        "SHARE THE LEDGER\n\nYour referral link: https://example.com/r/abc\n\n"
        f"Refer 3 friends and get our tote bag.\n\nSHARE PRICES TUMBLE\n\n{AFTER}\n"
    )
    fragment, report = clean(text)
    assert "referral" not in fragment and "tote" not in fragment
    assert tags(fragment, "h2") == ["SHARE PRICES TUMBLE"]
    assert report.counts() == {"referral-section": 1}


# --- tail rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tail",
    [
        # WordPress
        "2 thoughts on “Tram line approved”\n\nAnna says:\nGreat news for the east side!\n\n"
        "Leave a Reply to Anna Cancel reply\n\nComment *\n\nPost Comment",
        # Disqus
        "Join the discussion\n\nPlease enable JavaScript to view the comments powered by Disqus.",
        # a blog theme's empty thread
        "No comments yet\n\nAdd a comment...\n\nYou must be logged in to post a comment.",
    ],
)
def test_comment_section_and_everything_after_it_is_removed(tail: str) -> None:
    fragment, report = clean(f"{ARTICLE}\n\n{tail}\n")
    assert tags(fragment, "p") == [ARTICLE]
    assert report.counts() == {"comment-section": 1}


def test_a_comment_count_above_the_article_does_not_swallow_it() -> None:
    fragment, _ = clean(f"12 Comments\n\n{ARTICLE}\n")
    assert ARTICLE in tags(fragment, "p")


def test_platform_footer_of_a_web_archive_is_removed() -> None:
    tail = "Discussion about this post\n\nComments\nRestacks\n\nReady for more?\n\nSubscribe"
    fragment, report = clean(f"{ARTICLE}\n\n{tail}\n")
    assert tags(fragment, "p") == [ARTICLE]
    assert report.counts() == {"web-archive-footer": 1}


# --- empty headings ----------------------------------------------------------------------------


def test_heading_emptied_by_cleaning_is_dropped_and_reported() -> None:
    text = (
        f"MARKETS\n\nSPONSORED BY ACME\n\nAd copy here.\n\nTECH\n\n{AFTER}\n\n"
        "LAST WORD\n\nSubscribe now!\n"
    )
    fragment, report = clean(text)
    assert tags(fragment, "h2") == ["TECH"]
    assert [r.excerpt for r in report.removals if r.rule == "empty-heading"] == [
        "MARKETS",
        "LAST WORD",
    ]


def test_without_the_empty_heading_rule_empty_headings_stay() -> None:
    rules = tuple(rule for rule in RULES if rule.kind != "drop-empty-headings")
    fragment, _ = clean(f"{AFTER}\n\nLAST WORD\n", rules)
    assert tags(fragment, "h2") == ["LAST WORD"]


# --- structure recovery --------------------------------------------------------------------


def test_caps_line_is_h2_and_short_title_lines_are_h3() -> None:
    text = (
        "WORD OF THE DAY\n\nSerendipity\n\nFinding good things by chance.\n\n"
        "The backstory\n\nHorace Walpole coined it in 1754.\n\nWhy now?\n\nBecause.\n"
    )
    fragment, _ = clean(text)
    assert tags(fragment, "h2") == ["WORD OF THE DAY"]
    assert tags(fragment, "h3") == ["Serendipity", "The backstory", "Why now?"]


@pytest.mark.parametrize(
    "line",
    [
        "Read on:",  # introduces what follows
        "Good morning, readers,",  # a greeting
        "Enjoy the weekend! 🌞",  # ends like a sentence, behind an emoji
        "Sources: Reuters, Bloomberg, Nikkei",  # a list of names
        "more on that below",  # starts lower case
        "Details at https://example.com/x",  # a link
    ],
)
def test_short_lines_that_are_not_headings_stay_paragraphs(line: str) -> None:
    fragment, _ = clean(f"{line}\n\n{AFTER}")
    assert tags(fragment, "p") == [line, AFTER]


def test_title_line_with_nothing_under_it_is_a_paragraph() -> None:
    fragment, _ = clean(f"{AFTER}\n\nBest wishes\n\nThe Newsroom Team\n")
    assert tags(fragment, "h3") == []
    assert tags(fragment, "p") == [AFTER, "Best wishes", "The Newsroom Team"]


def test_heading_directly_above_text_is_split_from_it() -> None:
    fragment, _ = clean(f"MARKETS\n{BEFORE}\n{AFTER}\n")
    assert tags(fragment, "h2") == ["MARKETS"]
    assert tags(fragment, "p") == [f"{BEFORE} {AFTER}"]


@pytest.mark.parametrize("marker", ["•", "-", "*", "●", "▪"])
def test_bullet_lines_become_one_list_even_with_blank_lines_between(marker: str) -> None:
    text = f"Timeline:\n\n  {marker} First step\n\n  {marker} Second step\n\n{AFTER}"
    fragment, _ = clean(text)
    assert tags(fragment, "li") == ["First step", "Second step"]
    assert fragment.count("<ul>") == 1
    assert tags(fragment, "p") == ["Timeline:", AFTER]


def test_list_straight_under_a_line_and_wrapped_items() -> None:
    fragment, _ = clean("In this issue:\n- Chips are back\n  in fashion\n- Rates fall\n")
    assert tags(fragment, "p") == ["In this issue:"]
    assert tags(fragment, "li") == ["Chips are back in fashion", "Rates fall"]


def test_plus_lines_are_a_list_only_when_there_are_several() -> None:
    fragment, _ = clean("+ Also today: rates fall\n\nText.\n\n+ Apples\n+ Pears\n")
    assert tags(fragment, "p") == ["+ Also today: rates fall", "Text."]
    assert tags(fragment, "li") == ["Apples", "Pears"]


@pytest.mark.parametrize(
    ("text", "quote", "attribution"),
    [
        ('"Stay hungry."\n\n— Steve Jobs, 2005', '"Stay hungry."', "— Steve Jobs, 2005"),
        (
            "“Less is more.”\n– Ludwig Mies van der Rohe",
            "“Less is more.”",
            "– Ludwig Mies van der Rohe",
        ),
        ("„Wir schaffen das.“\n\n-- Angela Merkel", "„Wir schaffen das.“", "-- Angela Merkel"),
    ],
)
def test_quotation_with_attribution_is_a_blockquote(
    text: str, quote: str, attribution: str
) -> None:
    fragment, _ = clean(f"{text}\n\n{AFTER}")
    [blockquote] = tags(fragment, "blockquote")
    assert tags(blockquote, "p") == [quote, attribution]
    assert fragment.endswith(f"<p>{AFTER}</p>")


def test_quotation_without_attribution_is_a_blockquote() -> None:
    fragment, _ = clean('"We will not sell."\n')
    assert fragment == '<blockquote>\n<p>"We will not sell."</p>\n</blockquote>'


def test_paragraph_with_a_quote_and_a_speaker_is_an_ordinary_paragraph() -> None:
    line = '"Prices will rise," said Jane Roe, an analyst at Acme. "Plan for it."'
    fragment, _ = clean(f"{line}\n\n— not an attribution here")
    assert "<blockquote>" not in fragment
    assert tags(fragment, "p") == [line, "— not an attribution here"]


def test_text_is_html_escaped() -> None:
    fragment, _ = clean("<script>alert('x')</script>\n\nR&D at <b>Acme</b>\n\n- 1 < 2 & 3 > 2\n")
    assert "<script" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in fragment
    assert "R&amp;D at &lt;b&gt;Acme&lt;/b&gt;" in fragment
    assert "<li>1 &lt; 2 &amp; 3 &gt; 2</li>" in fragment


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'/ab \n•-+—“”ABC!?:.")), max_size=200))
def test_output_has_only_the_cleaners_own_tags(text: str) -> None:
    """Without rules nothing is removed, so every "<" of the input must come out escaped."""
    fragment, _ = clean(text, ())
    own_tags = r"</?(?:h2|h3|p|ul|li|blockquote)>"
    assert "<" not in re.sub(own_tags, "", fragment)
    assert html.unescape(re.sub(own_tags, "", fragment)).count("<") == text.count("<")


def test_whitespace_only_lines_count_as_blank() -> None:
    fragment, _ = clean(f"{BEFORE}\n\u00a0\n{AFTER}\n \t\n")
    assert tags(fragment, "p") == [BEFORE, AFTER]


# --- the rules themselves -----------------------------------------------------------------------


def test_default_text_rules_are_documented_and_valid() -> None:
    assert RULES, "rules.yml has no text rules"
    for rule in RULES:
        assert rule.why.strip(), rule.name
    clean("anything", RULES)  # raises on an unknown kind, key or a bad pattern


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("typo", "drop-line", "x", {"patterns": ["a"]}), "unknown kind"),
        (Rule("bad", "drop-lines", "x", {"patterns": ["(unclosed"]}), "bad pattern"),
        (Rule("extra", "drop-lines", "x", {"patterns": ["a"], "pattern": "b"}), "unknown keys"),
        (Rule("none", "drop-section", "x", {}), "patterns must be"),
        (Rule("words", "drop-tail", "x", {"patterns": ["a"], "min_words_before": "5"}), "whole"),
    ],
)
def test_a_broken_rule_fails_loudly_naming_it(rule: Rule, message: str) -> None:
    with pytest.raises(ValueError, match=message) as raised:
        clean("text", (rule,))
    assert repr(rule.name) in str(raised.value)


# --- the seeds ----------------------------------------------------------------------------


def test_seed_blog_article_loses_only_share_and_comment_junk() -> None:
    [article] = list(TEXT_ARTICLE.read(seed("000_05778124aee28a80.txt")))
    fragment, report = clean(article.body)
    junk = {"Share:", "This Post Has 0 Comments", "No comments yet. Be the first to comment!"}
    junk.add("Leave a Reply")
    text = html.unescape(fragment)
    for line in article.body.splitlines():
        words = " ".join(line.split()).lstrip("• ")
        if words and words not in junk:
            assert words in text, words
    for line in junk:
        assert line not in text
    assert set(report.counts()) == {"share-prompt", "comment-section"}
    assert tags(fragment, "h3") == ["Investor & Analyst Perspectives"]
    assert len(tags(fragment, "li")) == 4
    assert "<blockquote>" not in fragment  # the Thorne quote is reported speech in prose


def test_seed_newsletter_keeps_the_issue_and_drops_its_furniture() -> None:
    [article] = list(NEWSLETTER.read(seed("001_93c5ed86d478574b.txt")))
    fragment, report = clean(article.body)
    text = html.unescape(fragment)
    for kept in (
        "+ Singapore & China: Billions for Data Centers",
        "☕️ Good morning, friends,",
        "Also in this edition:",
        "Happy Monday — may everything fall perfectly into place!",
        "📊 All details & data: Yahoo Finance, CNEVpost, The Korean Economic Daily",
        "Enjoy the read!",
    ):
        assert kept in text, kept
    for gone in ("Cathy", "P.S. Follow us", "MORE ASIABITS", "YOUR FEEDBACK", "polls"):
        assert gone not in text, gone
    assert tags(fragment, "h2") == [
        "TOP BIT",
        "NUMBER OF THE DAY",
        "MARKET BIT",
        "WORD OF THE WEEK",
        "HIGHLIGHTS",
        "FORTUNE COOKIE",
    ]
    h3 = tags(fragment, "h3")
    for heading in ("The Ford CEO’s secret love", "Details", "Takeaway", "And China?"):
        assert heading in h3
    [blockquote] = tags(fragment, "blockquote")
    assert tags(blockquote, "p")[1] == "— Jim Farley, CEO Ford"
    assert set(report.counts()) == {
        "sponsored-section",
        "feedback-section",
        "newsletter-footer",
        "promo-ps",
    }
