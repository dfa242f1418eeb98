"""Property tests: whatever HTML or text arrives, what leaves the pipeline is safe and valid."""

from __future__ import annotations

import html
import re
from pathlib import Path

import lxml.html
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk import article as schema
from newsdesk import ingest
from newsdesk.article import Article, PartialDate, Provenance, Source
from newsdesk.clean import default_rules
from newsdesk.sanitize import ALLOWED_TAGS, sanitize
from newsdesk.vocabulary import EMPTY

TAGS = [
    "p", "div", "span", "a", "img", "script", "style", "iframe", "svg", "math", "object",
    "embed", "form", "input", "button", "table", "td", "ul", "li", "blockquote", "em", "b",
    "noscript", "template", "textarea", "title", "base", "meta", "link", "video", "ins", "xmp",
]  # fmt: skip
ATTRIBUTES = ["href", "src", "onerror", "onclick", "onload", "style", "class", "id", "srcset",
              "formaction", "xlink:href", "data-x", "title", "action", "background"]  # fmt: skip
URLS = st.sampled_from([
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " java\tscript:alert(1)", "&#106;avascript:x",
    "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>", "javascript:123",
    "https://example.org/a?utm_source=x", "/relative", "#anchor", "mailto:a@b.c",
    "//evil.example/x", "\x01javascript:alert(1)", "java\nscript:alert(1)",
]) | st.text(max_size=20)  # fmt: skip
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
SCRIPT_URL = re.compile(r"^(javascript|vbscript|data):", re.IGNORECASE)


def scheme_as_a_browser_reads_it(value: str) -> str:
    """WHATWG URL parsing: leading C0 controls and spaces go, tabs and newlines vanish."""
    return re.sub(r"[\t\n\r]", "", value).lstrip("".join(map(chr, range(0x21))))


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(ATTRIBUTES))
    value = draw(URLS) if name in ("href", "src", "action", "formaction") else draw(TEXT)
    quote = draw(st.sampled_from(['"', "'", ""]))
    return f" {name}={quote}{html.escape(value, quote=bool(quote))}{quote}"


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw: st.DrawFn) -> str:
        tag = draw(st.sampled_from(TAGS))
        attrs = "".join(draw(st.lists(attribute(), max_size=3)))
        inner = "".join(draw(st.lists(children, max_size=3)))
        closed = draw(st.booleans())
        return f"<{tag}{attrs}>{inner}" + (f"</{tag}>" if closed else "")

    return build()


FRAGMENTS = st.recursive(
    TEXT | st.just("<!-- c -->") | st.just("&lt;b&gt;"), element, max_leaves=12
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_safe(output: str) -> None:
    if not output.strip():
        return
    root = lxml.html.fragment_fromstring(output, create_parent="div")
    for node in root.iter():
        if not isinstance(node.tag, str) or node is root:
            continue
        assert node.tag in ALLOWED_TAGS, node.tag
        for name, value in node.attrib.items():
            assert not name.lower().startswith("on"), name
            assert not SCRIPT_URL.match(scheme_as_a_browser_reads_it(value)), (name, value)


@SETTINGS
@given(FRAGMENTS)
def test_sanitize_is_idempotent_and_leaves_nothing_executable(fragment: str) -> None:
    once = sanitize(fragment)
    assert sanitize(once) == once
    assert_safe(once)


@SETTINGS
@given(FRAGMENTS)
def test_cleaner_then_sanitizer_is_safe(fragment: str) -> None:
    from newsdesk.clean import Report
    from newsdesk.clean.html import clean_html

    assert_safe(sanitize(clean_html(fragment, default_rules().html, Report(), title="T")))


def _article(body: str, body_format: str) -> Article:
    return Article(
        title="A title",
        date=PartialDate.parse("2026-02"),
        source=Source("Somewhere"),
        provenance=Provenance("wordpress-rest", "c" * 64, id="1"),
        body=body,
        body_format=body_format,  # type: ignore[arg-type]
    )


@SETTINGS
@given(st.one_of(FRAGMENTS.map(lambda b: (b, "html")), TEXT.map(lambda b: (b, "text"))))
def test_pipeline_output_always_passes_the_validator(case: tuple[str, str]) -> None:
    body, body_format = case
    article, _, _ = ingest.convert(_article(body, body_format), default_rules(), EMPTY)
    try:
        ingest.require_valid(article, Path("x.meta.yml"))
    except ingest.ImportFailure as exc:
        # the only acceptable refusal: no plain-text words were left to archive or summarize
        assert "body: is empty" in str(exc) or "summary: is required" in str(exc), str(exc)
        visible = schema.without_markup(html.unescape(article.body))
        assert not re.search(r"[^\W_]", visible), article.body
        return
    assert schema.problems_in_text(schema.dumps(article)) == []
