"""The HTML cleaner: each rule family of rules.yml on ad networks other than the seed's."""

from __future__ import annotations

import html
import json
from pathlib import Path

import lxml.html
import markdown
import pytest

from newsdesk.clean import Report, Rule, default_rules
from newsdesk.clean.html import clean_html, clean_tree
from newsdesk.markdown import to_markdown
from newsdesk.sanitize import parse_fragment, sanitize, serialize_fragment

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
RULES = default_rules().html
STORY = "<p>The council approved the tram line on Monday.</p>"


def only(*names: str) -> tuple[Rule, ...]:
    """The named default rules, so a test shows what one rule does on its own."""
    chosen = tuple(r for r in RULES if r.name in names)
    assert len(chosen) == len(names), f"unknown rule among {names}"
    return chosen


def clean(
    fragment: str, rules: tuple[Rule, ...] = RULES, title: str | None = None
) -> tuple[str, Report]:
    report = Report()
    return clean_html(fragment, rules, report, title=title), report


def text_of(fragment: str) -> str:
    if not fragment.strip():
        return ""
    return " ".join(
        lxml.html.fragment_fromstring(fragment, create_parent="div").text_content().split()
    )


# --- elements removed with their content ----------------------------------------------------


def test_active_elements_go_with_their_content() -> None:
    junk = (
        "<script>googletag.cmd.push(function() { googletag.display('slot'); });</script>"
        "<style>.ad{height:250px}</style>"
        "<noscript><img src='https://www.facebook.com/tr?id=1'></noscript>"
        "<iframe src='https://rcm-na.amazon-adsystem.com/e/cm?t=shop-20'>Amazon</iframe>"
        "<form id='commentform'><textarea>Your comment</textarea><button>Post</button></form>"
        "<svg><text>chart</text></svg><template><p>later</p></template>"
    )
    out, report = clean(STORY + junk, only("active-elements"))
    assert text_of(out) == text_of(STORY)
    assert report.counts() == {"active-elements": 7}
    assert any("amazon-adsystem" in r.excerpt for r in report.removals)


def test_comments_are_removed_and_reported() -> None:
    out, report = clean("<p>Fares<!-- Ezoic - wp_incontent_5 - incontent_5 --> rise.</p>")
    assert out == "<p>Fares rise.</p>"
    assert report.removals[0].rule == "html-comments"
    assert "Ezoic" in report.removals[0].excerpt


# --- ad slots -------------------------------------------------------------------------------

AD_SLOTS = {
    "adsense": '<div class="adsbygoogle" data-ad-format="auto">Ad text</div>',
    "gpt": '<div id="div-gpt-ad-1554321-0" style="min-height:250px">Ad text</div>',
    "ezoic": '<div id="ezoic-pub-ad-placeholder-101">Ad text</div>',
    "ezoic-span": '<span class="ezoic-ad medrectangle-3">Ad text</span>',
    "outbrain": '<div class="OUTBRAIN" data-src="https://x.example/a">Recommended for you</div>',
    "taboola": '<div id="taboola-below-article-thumbnails">You may like</div>',
    "amazon": '<div id="amzn-assoc-ad-4f1c2e">Shop now</div>',
    "camel-case": '<aside class="inlineAdSlot">Ad text</aside>',
    "sponsored": '<section class="sponsored-content"><p>Brand story</p></section>',
}


@pytest.mark.parametrize("slot", AD_SLOTS.values(), ids=AD_SLOTS.keys())
def test_ad_slots_are_found_by_class_and_id_tokens(slot: str) -> None:
    out, report = clean(STORY + slot, only("ad-slots"))
    assert out == STORY
    assert [r.rule for r in report.removals] == ["ad-slots"]


@pytest.mark.parametrize(
    "keeper",
    [
        '<div class="header shadow">Kept</div>',
        '<a class="download-link" href="/f.pdf">Kept</a>',
        '<p class="lead">Kept</p>',
        '<div id="roadmap" class="badge loaded">Kept</div>',
        '<p class="headline-addendum">Kept</p>',
    ],
)
def test_ad_tokens_match_whole_words_only(keeper: str) -> None:
    out, report = clean(keeper, only("ad-slots"))
    assert out == keeper
    assert report.removals == []


@pytest.mark.parametrize(
    "slot",
    [
        '<div data-ad-client="ca-pub-123" data-ad-slot="456">Ad text</div>',
        '<div class="x8f2" data-zoneid="5876674">Ad text</div>',
        '<div class="x8f2" data-widget-id="AR_1" data-ob-template="site">Recommended</div>',
        '<div data-google-query-id="CKf">Ad text</div>',
    ],
)
def test_ad_attributes_mark_slots_with_random_class_names(slot: str) -> None:
    out, _ = clean(STORY + slot, only("ad-attributes"))
    assert out == STORY


def test_ad_attributes_leave_other_data_attributes() -> None:
    keeper = '<figure data-id="70"><img src="https://example.org/a.jpg" alt="a"></figure>'
    assert clean(keeper, only("ad-attributes"))[0] == keeper


@pytest.mark.parametrize(
    "label",
    [
        "<p>Advertisement</p>",
        "<div><span>- ADVERTISEMENT -</span></div>",
        "<p><small>Anzeige</small></p>",
        "<div>Publicité</div>",
        "<p>Sponsored content:</p>",
        "<p>Story continues below advertisement</p>",
    ],
)
def test_ad_labels_left_behind_are_removed(label: str) -> None:
    out, report = clean(STORY + label, only("ad-labels"))
    assert out == STORY
    assert len(report.removals) == 1


def test_ad_label_words_inside_sentences_stay() -> None:
    keeper = "<p>Advertisement revenue fell 5% in the quarter.</p><p>Ad hoc committees met.</p>"
    assert clean(keeper, only("ad-labels"))[0] == keeper


# --- tracking pixels ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pixel",
    [
        '<img src="https://www.facebook.com/tr?id=1&amp;ev=PageView" height="1" width="1">',
        '<img src="https://example.org/t.gif" width="0" height="0">',
        '<img src="https://example.org/t.gif" style="width:1px;height:1px">',
        '<img src="https://example.org/photo.jpg" style="display: none">',
        '<img src="https://example.org/photo.jpg" hidden>',
        '<img src="https://ad.doubleclick.net/ddm/ad/N1.123/B2;sz=1x1">',
        '<img src="https://pixel.wp.com/g.gif?v=ext&amp;blog=1">',
        '<img src="https://stats.example.org/pixel?uid=9">',
    ],
)
def test_tracking_pixels_are_removed(pixel: str) -> None:
    out, report = clean(STORY + pixel, only("tracking-pixels"))
    assert out == STORY
    assert report.counts() == {"tracking-pixels": 1}


@pytest.mark.parametrize(
    "image",
    [
        '<img src="https://example.org/photo.jpg" width="640" height="480" alt="Tram">',
        '<img src="https://store.example.org/pixel_8-review.jpg" alt="Phone">',
    ],
)
def test_real_images_stay(image: str) -> None:
    assert clean(image, only("tracking-pixels"))[0] == image


# --- share widgets, related posts, comments ------------------------------------------------

CHROME = {
    "sharedaddy": (
        '<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block">'
        '<h3 class="sd-title">Share this:</h3><ul><li><a href="?share=x">X</a></li></ul>'
        "</div></div>",
        "share-widgets",
    ),
    "addtoany": (
        '<div class="addtoany_share_save_container addtoany_content">'
        '<a class="a2a_dd" href="https://www.addtoany.com/share">Share</a></div>',
        "share-widgets",
    ),
    "jetpack-related": (
        '<div id="jp-relatedposts" class="jp-relatedposts"><h3>Related</h3>'
        '<p><a href="/other">Other story</a></p></div>',
        "related-posts",
    ),
    "yarpp": ('<div class="yarpp yarpp-related"><ol><li>Old news</li></ol></div>', "related-posts"),
    "comments": (
        '<div id="comments" class="comments-area"><h2>3 thoughts</h2>'
        '<ol class="comment-list"><li>Great!</li></ol></div>',
        "comment-sections",
    ),
    "respond": (
        '<div id="respond" class="comment-respond"><h3 id="reply-title">Leave a Reply</h3>'
        "<p>Your email address will not be published.</p></div>",
        "comment-sections",
    ),
    "disqus": ('<div id="disqus_thread">Comments powered by Disqus.</div>', "comment-sections"),
}


@pytest.mark.parametrize(("widget", "rule"), CHROME.values(), ids=CHROME.keys())
def test_site_chrome_is_removed(widget: str, rule: str) -> None:
    out, report = clean(STORY + widget, only(rule))
    assert out == STORY
    assert [r.rule for r in report.removals] == [rule]


# --- the trailer ----------------------------------------------------------------------------

TITLE = "‘Trams return’: city votes for new line"


def test_trailer_in_its_own_paragraphs() -> None:
    fragment = STORY + "<p>'Trams return': City votes for new line</p><p>#Trams #City #Vote</p>"
    out, report = clean(fragment, title=TITLE)
    assert out == STORY
    assert report.counts()["trailer"] == 2
    assert report.counts()["empty-containers"] == 2


def test_trailer_mixed_with_brs_inside_the_last_paragraph() -> None:
    fragment = (
        "<p>The line opens in 2028.<br>\n<br> ‘Trams return’: city votes for new line<br>\n"
        "<br><a href='/tag/trams'>#Trams</a> #City #Vote</p>"
    )
    out, report = clean(fragment, title=TITLE)
    assert text_of(out) == "The line opens in 2028."
    assert "<br" not in out and "<a" not in out
    excerpts = [r.excerpt for r in report.removals if r.rule == "trailer"]
    assert excerpts.count("<br>") == 4
    assert "#Trams #City #Vote" in excerpts
    assert TITLE in excerpts


def test_trailer_rule_leaves_everything_but_the_end() -> None:
    fragment = (
        f"<p>{html.escape(TITLE)}</p><p>#MeToo changed hiring.</p><p>#Trams #City</p>"
        "<p>The line opens in 2028.</p>"
    )
    assert clean(fragment, only("trailer"), title=TITLE)[0] == fragment


def test_trailer_stops_at_an_image() -> None:
    fragment = '<p>#Trams #City</p><img src="https://example.org/tram.jpg" alt="Tram">'
    assert clean(fragment, only("trailer"), title=TITLE)[0] == fragment


def test_hashtags_count_only_as_a_whole_line() -> None:
    fragment = "<p>The vote was #1 in the city.</p>"
    assert clean(fragment, only("trailer"), title=TITLE)[0] == fragment


# --- empty containers, captions, tracking parameters -----------------------------------------


def test_nested_empty_containers_all_go() -> None:
    grid = (
        '<div style="display:grid"><div style="height:250px"><div> </div></div>'
        '<div style="grid-row:3/5">\n\t</div><p>&nbsp;\u200b</p><span></span></div>'
    )
    out, report = clean(grid + STORY, only("empty-containers"))
    assert out == STORY
    assert report.counts() == {"empty-containers": 1}


def test_containers_with_media_or_table_cells_stay() -> None:
    keeper = (
        '<figure><img src="https://example.org/a.jpg" alt=""></figure>'
        "<table><tr><td></td><td>2</td></tr></table>"
    )
    assert clean(keeper, only("empty-containers"))[0] == keeper


def test_ad_wrappers_left_empty_are_removed_by_the_whole_rule_set() -> None:
    adsense = (
        '<div class="code-block code-block-3" style="margin: 8px auto; text-align: center;">'
        '<script async src="https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js">'
        '</script><ins style="display:block" data-ad-client="ca-pub-1" data-ad-slot="2"></ins>'
        "<script>(adsbygoogle = window.adsbygoogle || []).push({});</script></div>"
    )
    out, _ = clean(adsense + STORY + adsense)
    assert out == STORY


def test_wordpress_caption_becomes_figure_with_figcaption() -> None:
    fragment = (
        '<div id="attachment_7" class="wp-caption alignleft" style="width: 310px">'
        '<img class="size-medium" src="https://example.org/tram.jpg" alt="Tram">'
        '<p class="wp-caption-text">The first tram, in 1901.</p></div>'
    )
    root = lxml.html.fragment_fromstring(clean(fragment)[0], create_parent="div")
    (figure,) = root
    assert figure.tag == "figure"
    assert [child.tag for child in figure] == ["img", "figcaption"]
    assert figure[1].text == "The first tram, in 1901."


def test_tracking_parameters_are_cut_and_reported() -> None:
    fragment = (
        '<p><a href="https://example.org/a?id=7&amp;utm_source=nl&amp;q=a%20b&amp;fbclid=Xy#top">'
        'link</a><img src="https://example.org/i.jpg?mc_cid=1&amp;w=300&amp;mc_eid=2"></p>'
    )
    out, report = clean(fragment, only("tracking-params"))
    assert 'href="https://example.org/a?id=7&amp;q=a%20b#top"' in out
    assert 'src="https://example.org/i.jpg?w=300"' in out
    assert [r.excerpt.split(" from ")[0] for r in report.removals] == [
        "utm_source, fbclid",
        "mc_cid, mc_eid",
    ]


def test_urls_without_tracking_are_untouched() -> None:
    fragment = '<p><a href="https://example.org/?utm=1&amp;p=2">x</a></p>'
    out, report = clean(fragment, only("tracking-params"))
    assert out == fragment and report.removals == []


# --- rules in any order, any selector -------------------------------------------------------


def rule(name: str, kind: str, **spec: object) -> Rule:
    return Rule(name, kind, "testing", dict(spec))


def test_an_element_goes_under_the_first_rule_that_matches_it() -> None:
    rules = (
        rule("by-id", "drop", selectors=["#promo"]),
        rule("tokens", "attribute-tokens", attributes=["class"], tokens=["promo"]),
        rule("by-tag", "drop", selectors=["aside"]),
    )
    fragment = (
        '<aside id="promo" class="promo">A<aside class="promo">B</aside></aside>'
        '<div class="promo"><aside>C</aside></div><aside>D</aside>' + STORY
    )
    out, report = clean(fragment, rules)
    assert out == STORY
    # Nested matches go with the outermost, each element is reported once.
    assert [r.rule for r in report.removals] == ["by-id", "tokens", "by-tag"]


def test_tags_renamed_and_urls_rewritten_are_what_later_rules_read() -> None:
    rules = (
        rule("captions", "figure", containers=[".box"], captions=[".note"]),
        rule("figures", "drop", selectors=["figure"]),
        rule("params", "query-params", attributes={"img": "src"}, params=["utm_*"]),
        rule("pixels", "tracking-pixels", **{"max-size": 1, "src-patterns": [r"\.gif$"]}),
    )
    fragment = (
        '<div class="box"><img src="a.jpg"><p class="note">Note</p></div>'
        '<img src="https://example.org/b.gif?utm_source=x">' + STORY
    )
    out, report = clean(fragment, rules)
    assert out == STORY  # the box went as a figure; the cut URL ends in .gif and goes too
    assert report.counts() == {"figures": 1, "params": 1, "pixels": 1}


def test_removals_by_later_rules_empty_containers_that_earlier_rules_saw_full() -> None:
    fragment = (
        '<div><span class="sharedaddy">Share</span></div><p>Sponsored</p>'
        '<div><span>Sponsored</span> <span class="ad">x</span></div>' + STORY
    )
    out, report = clean(fragment, only("ad-labels", "share-widgets", "empty-containers"))
    assert out == '<div> <span class="ad">x</span></div>' + STORY
    assert report.counts() == {"ad-labels": 2, "share-widgets": 1, "empty-containers": 1}


@pytest.mark.parametrize(
    "selectors",
    [["div > p.promo"], ["p:first-child"], ["[data-promo]"], ["p.promo", "div#x"], ["*|p.promo"]],
)
def test_any_css_selector_drops_what_it_selects(selectors: list[str]) -> None:
    fragment = '<div id="x" data-promo="1"><p class="promo">Buy</p></div>' + STORY
    out, _ = clean(fragment, (rule("promo", "drop", selectors=selectors),))
    root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    expected = root.cssselect(", ".join(selectors))
    assert ("Buy" in out) is not expected


def test_label_text_is_read_whole_however_long_the_white_space_around_it() -> None:
    padded = f"<p>{'-' * 300} {chr(160) * 50} Advertisement {'*' * 300}</p>"
    long_text = f"<p>{'Advertisement ' * 30}</p>"
    out, report = clean(padded + long_text + STORY, only("ad-labels"))
    assert out == long_text + STORY
    assert len(report.removals) == 1


def test_a_broken_rule_fails_before_any_rule_changes_the_tree() -> None:
    root = parse_fragment("<!-- note --><p>Text</p>")
    rules = (*only("html-comments"), Rule("bare", "drop", "testing", {}))
    with pytest.raises(ValueError, match="'bare'"):
        clean_tree(root, rules, Report())
    assert serialize_fragment(root) == "<!-- note --><p>Text</p>"


# --- rule errors ----------------------------------------------------------------------------


def test_unknown_kind_names_the_rule() -> None:
    with pytest.raises(ValueError, match=r"'mystery'.*unknown kind 'magic'"):
        clean(STORY, (Rule("mystery", "magic", "testing", {}),))


def test_missing_key_names_the_rule_and_key() -> None:
    with pytest.raises(ValueError, match=r"'bare'.*selectors"):
        clean(STORY, (Rule("bare", "drop", "testing", {}),))


# --- seed 002 through the whole HTML path -----------------------------------------------------


def test_seed_002_clean_sanitize_markdown() -> None:
    path = Path(__file__).resolve().parents[1] / "docs/_originals/002_1dbe7c8afcba537f.txt"
    post = json.loads(path.read_text("utf-8"))
    rendered = post["content"]["rendered"]
    title = html.unescape(post["title"]["rendered"])

    md = to_markdown(sanitize(clean(rendered, title=title)[0]))

    for junk in ("magsrv", "jads.co", "JuicyAds", "AdProvider", "adsbyjuicy", "data-zoneid"):
        assert junk not in md
    assert "eas6a97888e2" not in md
    assert "#Joint #venture" not in md
    assert title not in md
    flat = " ".join(md.split())
    expected = article_paragraphs(rendered)
    assert expected[0].startswith("Visitors walk past the booth")
    assert expected[1].startswith("Jing Xuan Teng with Rebecca Bailey")
    for paragraph in expected:
        assert paragraph in flat
    assert flat.endswith(expected[-1])
    rendered_back = markdown.markdown(md)
    assert "<h1>" not in rendered_back and "<br" not in rendered_back


def article_paragraphs(rendered: str) -> list[str]:
    """The seed's non-empty paragraphs up to the article's last one, read with lxml."""
    root = lxml.html.fragment_fromstring(rendered, create_parent="div")
    texts = [" ".join(p.text_content().split()) for p in root.iter("p")]
    texts = [t for t in texts if t]
    last = next(i for i, t in enumerate(texts) if "is only part of the answer" in t)
    return texts[: last + 1]
