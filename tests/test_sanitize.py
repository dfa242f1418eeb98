"""The allowlist: bleach's pitfalls, URL schemes, Material's rendered HTML, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import bleach
import lxml.html
import pytest

from newsdesk.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    is_safe_url,
    sanitize,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Elements whose text bleach's strip=True would leave behind as article text.
ACTIVE = [
    "<script>alert(1)</script>",
    "<style>body{display:none}alert(1)</style>",
    "<template><p>alert(1)</p></template>",
    "<noscript>alert(1)</noscript>",
    "<iframe>alert(1)</iframe>",
    "<object>alert(1)</object>",
    "<svg><text>alert(1)</text></svg>",
    "<math><mi>alert(1)</mi></math>",
    "<textarea>alert(1)</textarea>",
    "<title>alert(1)</title>",
    "<xmp>alert(1)</xmp>",
    "<noembed>alert(1)</noembed>",
    "<noframes>alert(1)</noframes>",
    "<plaintext>alert(1)",
]


@pytest.mark.parametrize("active", ACTIVE)
def test_active_elements_go_with_their_text_unlike_plain_bleach(active: str) -> None:
    fragment = f"<p>Before</p>{active}"
    leaked = bleach.clean(fragment, tags=ALLOWED_TAGS, strip=True)
    assert "alert(1)" in leaked  # the pitfall sanitize() exists for
    assert sanitize(fragment) == "<p>Before</p>"


def test_text_around_active_elements_survives() -> None:
    assert sanitize("<p>Before<script>x()</script> after</p>") == "<p>Before after</p>"


JAVASCRIPT = [
    "javascript:alert(1)",
    "javascript:123",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
]


@pytest.mark.parametrize("url", JAVASCRIPT)
def test_script_urls_are_refused_in_every_spelling(url: str) -> None:
    assert not is_safe_url(url)
    assert sanitize(f'<a href="{url}">x</a>') == "<a>x</a>"
    assert sanitize(f'<blockquote cite="{url}">q</blockquote>') == "<blockquote>q</blockquote>"


def test_plain_bleach_lets_javascript_number_through() -> None:
    assert "javascript:123" in bleach.clean('<a href="javascript:123">x</a>')


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a?b=1",
        "http://example.org",
        "mailto:desk@example.org",
        "/2026/04/x/",
        "../tags/",
        "#fn:1",
        "?page=2",
        "",
        "//cdn.example.org/a.jpg",
        "a/b:c",
    ],
)
def test_ordinary_urls_are_safe(url: str) -> None:
    assert is_safe_url(url)


def test_images_take_only_http_and_relative_sources() -> None:
    assert is_safe_url("https://example.org/a.jpg", for_image=True)
    assert is_safe_url("../img/a.jpg", for_image=True)
    assert not is_safe_url("mailto:desk@example.org", for_image=True)
    assert not is_safe_url("data:image/png;base64,iVBORw0KGgo=", for_image=True)
    assert sanitize('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">') == '<img alt="x">'


def test_style_handlers_srcset_and_formaction_are_dropped() -> None:
    dirty = (
        '<img src="https://example.org/a.jpg" alt="a" onerror="alert(1)" '
        'srcset="https://evil.example/x.jpg 2x" style="position:fixed">'
        '<p onclick="alert(1)" style="color:red">t<button formaction="javascript:alert(1)">b'
        "</button></p>"
    )
    assert sanitize(dirty) == '<img src="https://example.org/a.jpg" alt="a"><p>tb</p>'


def test_comments_are_dropped() -> None:
    assert sanitize("<p>a<!-- <script>x</script> --></p>") == "<p>a</p>"


def test_rel_is_left_as_written() -> None:
    link = '<a href="https://example.org">x</a>'
    assert sanitize(link) == link


def test_theme_ids_cannot_be_shadowed_but_code_line_anchors_stay() -> None:
    assert sanitize('<p id="__config">{"base": "https://evil.example"}</p>') == (
        '<p>{"base": "https://evil.example"}</p>'
    )
    anchor = '<a id="__codelineno-0-1" href="#__codelineno-0-1"></a>'
    assert sanitize(anchor) == anchor


# What Python-Markdown and Material write into a page; the build hook must keep it intact.
# (A character reference such as &#160; comes back as the character itself.)
MKDOCS_RENDERED = [
    '<h2 id="the-deal">The deal<a class="headerlink" href="#the-deal" title="Permanent link">'
    "¶</a></h2>",
    '<div class="highlight"><pre><span></span><code><span class="n">x</span> '
    '<span class="o">=</span> <span class="mi">1</span>\n</code></pre></div>',
    '<table><thead><tr><th align="left">Maker</th><th align="right">Share</th></tr></thead>'
    '<tbody><tr><td align="left">BYD</td><td align="right">31%</td></tr></tbody></table>',
    '<p>Sales rose<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup>.</p>'
    '<div class="footnote"><hr><ol><li id="fn:1"><p>Company filing.\u00a0'
    '<a class="footnote-backref" href="#fnref:1" title="Jump back to footnote 1 in the text">'
    "↩</a></p></li></ol></div>",
    '<ol start="3"><li>third</li><li>fourth</li></ol>',
    '<figure><img alt="Booth" title="XPeng booth" width="640" height="480" loading="lazy" '
    'src="https://example.org/a.jpg"><figcaption>Visitors at the booth</figcaption></figure>',
    '<div class="admonition note"><p class="admonition-title">Note</p><p>Updated.</p></div>',
    "<blockquote><p>Quote <em>it</em> and <strong>bold</strong> <code>code</code>.</p>"
    "</blockquote>",
    "<details><summary>More</summary><p>Hidden</p></details>",
]


@pytest.mark.parametrize("rendered", MKDOCS_RENDERED)
def test_mkdocs_material_output_passes_unchanged(rendered: str) -> None:
    assert sanitize(rendered) == rendered


IDEMPOTENCE = [
    *ACTIVE,
    "<p><marquee><p>nested</p></marquee></p>",
    "<table><tr><td>no tbody</td></tr></table>",
    "<p>a &amp; b &lt; c &nbsp; d</p>",
    "<ul><li>one<li>two</ul>",
    '<a href="https://example.org/?a=1&b=2">x</a>',
    "<p>unclosed <em>em <strong>both</p>",
    "plain text & < > ' \"",
    "",
]


@pytest.mark.parametrize("fragment", IDEMPOTENCE)
def test_sanitize_is_idempotent(fragment: str) -> None:
    once = sanitize(fragment)
    assert sanitize(once) == once


@pytest.mark.corpus
def test_xss_payload_corpus_is_neutralised_idempotently() -> None:
    path = SHARED / "corpora" / "xss" / "dompurify-payloads.json"
    if not path.exists():
        pytest.skip("../shared is absent: corpora/xss/dompurify-payloads.json is needed")
    payloads = [item["payload"] for item in json.loads(path.read_text("utf-8"))]
    for payload in payloads:
        once = sanitize(payload)
        assert sanitize(once) == once, payload
        assert_only_allowed(once, payload)


def assert_only_allowed(output: str, payload: str) -> None:
    """Every element, attribute and URL in the output is one the allowlist permits."""
    if not output.strip():
        return
    for element in lxml.html.fragment_fromstring(output, create_parent="div").iterdescendants():
        assert element.tag in ALLOWED_TAGS, payload
        allowed = ALLOWED_ATTRIBUTES["*"] | ALLOWED_ATTRIBUTES.get(element.tag, frozenset())
        for name, value in element.attrib.items():
            assert name in allowed, payload
            if name in ("href", "src", "cite"):
                assert is_safe_url(value, for_image=element.tag == "img"), payload
