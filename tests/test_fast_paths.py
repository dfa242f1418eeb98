"""Every shortcut the import takes for speed gives exactly what the plain path gives.

Each test runs the quick way and the way it replaced (bleach's own parse, lxml.html's own
fragment parser, html.parser, the pure-Python YAML emitter, rendering in the reader…) over
the same inputs and compares the results, so a shortcut can never change an article.
"""

from __future__ import annotations

import gc
import json
from pathlib import Path

import lxml.html
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from newsdesk import article, bench_wxr, ingest, sanitize, store
from newsdesk.article import Source
from newsdesk.clean import Report, default_rules
from newsdesk.clean import html as clean_html
from newsdesk.readers import Deferred, Input
from newsdesk.readers import wordpress_wxr as wxr

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
XSS = SHARED / "corpora" / "xss" / "dompurify-payloads.json"
SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
TAGS = [*sorted(sanitize.ALLOWED_TAGS), "script", "font", "center", "form", "svg", "textarea"]
VALUES = st.lists(
    st.sampled_from([*"ab &;<>\"'{}#\t\n\xa0é=:/", "&amp;", "&lt;", "&#10;", "javascript:"]),
    max_size=6,
).map("".join)
TEXT = st.lists(
    st.sampled_from([*"ab \n\t&;<>#*_-1.", "&amp;", "&nbsp;", "&copy", "\xa0", "é"]), max_size=6
).map("".join)


@st.composite
def _element(draw: st.DrawFn, children: st.SearchStrategy[str]) -> str:
    tag = draw(st.sampled_from(TAGS))
    names = st.sampled_from(["href", "src", "class", "title", "style", "onclick", "colspan"])
    attributes = "".join(f' {n}="{v}"' for n, v in draw(st.lists(st.tuples(names, VALUES))))
    inner = "".join(draw(st.lists(children, max_size=4)))
    return f"<{tag}{attributes}>{inner}" + (f"</{tag}>" if draw(st.booleans()) else "")


FRAGMENTS = st.recursive(TEXT | st.just("<!-- c -->"), _element, max_leaves=14)


def _xss_payloads() -> list[str]:
    if not XSS.exists():
        pytest.skip("../shared is absent: corpora/xss/dompurify-payloads.json is needed")
    return [item["payload"] for item in json.loads(XSS.read_text("utf-8"))]


def _pruned(fragment: str) -> str:
    root = sanitize.parse_fragment(fragment)
    sanitize._prune(root)
    return sanitize.serialize_fragment(root)


# --- the sanitizer: bleach's filter without bleach's parse -----------------------------------


@pytest.mark.corpus
def test_fast_path_cleans_the_xss_corpus_exactly_as_plain_bleach() -> None:
    fast = 0
    for payload in _xss_payloads():
        if not payload.strip():
            continue
        pruned = _pruned(payload)
        fast += sanitize._stable_tokens(pruned) is not None
        assert sanitize._clean(pruned) == sanitize._CLEANER.clean(pruned), payload
    assert fast > 150  # most payloads really took the fast path


@SETTINGS
@given(FRAGMENTS)
def test_fast_path_cleans_like_plain_bleach(fragment: str) -> None:
    pruned = _pruned(fragment)
    assert sanitize._clean(pruned) == sanitize._CLEANER.clean(pruned)


@SETTINGS
@given(FRAGMENTS)
def test_sanitizing_the_cleaned_tree_is_sanitizing_its_html(fragment: str) -> None:
    rules = default_rules().html
    html = clean_html.clean_html(fragment, rules, Report(), title="T")
    root = sanitize.parse_fragment(fragment)
    clean_html.clean_tree(root, rules, Report(), title="T")
    assert sanitize.sanitized_tree(root)[0] == sanitize.sanitize(html)


@SETTINGS
@given(FRAGMENTS)
def test_the_tree_the_sanitizer_hands_back_is_its_html_parsed(fragment: str) -> None:
    """The importer reads the summary off that tree instead of parsing the HTML again."""
    root = sanitize.parse_fragment(fragment)
    clean_html.clean_tree(root, default_rules().html, Report(), title="T")
    html, tree = sanitize.sanitized_tree(root)
    if tree is not None:
        assert _shape(tree) == _shape(sanitize.parse_fragment(html))


def test_the_sanitizer_hands_back_the_tree_of_regular_html() -> None:
    _, tree = sanitize.sanitized_tree(sanitize.parse_fragment("<p>a <em>b</em></p><p>c</p>"))
    assert tree is not None and [p.text_content() for p in tree.iter("p")] == ["a b", "c"]


@pytest.mark.parametrize(
    "unstable",
    [
        "<table><tr><td>x</td></tr></table>",  # the tree builder adds a <tbody>
        "<table>x<tbody></tbody></table>",  # and moves text out of a table
        "<p>a<div>b</div></p>",
        "<ul><li>a<span><li>b</li></span></li></ul>",
        '<a href="x">a<a>b</a></a>',
        "<h2><h3>x</h3></h2>",
        "<p>a<!-- c --></p>",
        "<p>a</b>",
    ],
)
def test_nesting_the_tree_builder_would_change_takes_bleachs_parse(unstable: str) -> None:
    assert sanitize._stable_tokens(unstable) is None
    assert sanitize._clean(unstable) == sanitize._CLEANER.clean(unstable)


def test_regular_nesting_takes_the_fast_path() -> None:
    assert sanitize._stable_tokens('<p class="x">a<br><em>b &amp; c</em></p><ul><li>d</li></ul>')


# --- the sanitizer: bleach's result read off the tree, without any re-parse -----------------


def _by_plain_bleach(fragment: str) -> str:
    return sanitize._CLEANER.clean(_pruned(fragment)) if fragment.strip() else ""


def _tree_path_taken(fragment: str) -> bool:
    root = sanitize.parse_fragment(fragment)
    sanitize._prune(root)
    return sanitize._bleach_drops(root) is not None


@pytest.mark.corpus
def test_tree_path_cleans_the_xss_corpus_exactly_as_plain_bleach() -> None:
    payloads = [payload for payload in _xss_payloads() if payload.strip()]
    for payload in payloads:
        assert sanitize.sanitize(payload) == _by_plain_bleach(payload), payload
    assert sum(map(_tree_path_taken, payloads)) > 150  # most payloads really took it


@SETTINGS
@given(FRAGMENTS)
def test_tree_path_cleans_like_plain_bleach(fragment: str) -> None:
    assert sanitize.sanitize(fragment) == _by_plain_bleach(fragment)


@pytest.mark.parametrize(
    "fragment",
    [
        '<p title="a &lt;b&gt;">x</p>',  # lxml escapes < and > in values, bleach only <
        "<p title='say \"hi\"'>x</p>",  # lxml single-quotes this value
        '<a href="http://example.com/a b">x</a>',  # lxml %-escapes URLs, bleach does not
        '<a href="http://example.com/é">x</a>',
        '<a href="?a=1&amp;para=2">x</a>',  # bleach reads &para as a reference
        "<pre>\nx</pre>",  # the parser drops a newline after <pre>
        "<table><tbody><tr><td>x</td></tr>y</tbody></table>",  # text moved out of a table
        "<p><figure>x</figure></p>",  # the tree builder closes the <p> (lxml does not)
        "<table><tr><td>x</td></tr></table>",  # the tree builder adds a <tbody>
        "<ul><li>a</li><li></li></ul>",  # lxml leaves out an empty item's </li>
        '<a href=""{">a</a>',  # an attribute named `{"`, which lxml cannot delete
    ],
)
def test_what_bleach_would_write_differently_takes_bleachs_path(fragment: str) -> None:
    assert not _tree_path_taken(fragment)
    assert sanitize.sanitize(fragment) == _by_plain_bleach(fragment)


def test_regular_html_takes_the_tree_path_and_loses_only_what_bleach_drops() -> None:
    fragment = '<p class="x" onclick="go()">a &amp; b<br><a href="/c?d=1&amp;e=2">c</a></p>'
    assert _tree_path_taken(fragment)
    assert (
        sanitize.sanitize(fragment)
        == '<p class="x">a &amp; b<br><a href="/c?d=1&amp;e=2">c</a></p>'
    )


# --- parsing: lxml.html's fragment parser, without moving the body --------------------------


def _shape(element: lxml.html.HtmlElement) -> tuple[object, ...]:
    own = (element.tag, sorted(element.attrib.items()), element.text, element.tail)
    if not isinstance(element.tag, str):
        own = (type(element).__name__, element.text, element.tail)
    return (*own, [_shape(child) for child in element])


@SETTINGS
@given(
    FRAGMENTS
    | st.lists(st.sampled_from(["<html>", "</body>", "<body class=b>", "<head>", " ", "x"])).map(
        "".join
    )
)
def test_parse_fragment_builds_what_lxml_html_builds(fragment: str) -> None:
    try:
        expected = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except ValueError:  # lxml.html refuses leading text holding a character from &#1;
        return
    except AssertionError:  # "<html>" alone: no body, for both
        with pytest.raises(AssertionError):
            sanitize.parse_fragment(fragment)
        return
    root = sanitize.parse_fragment(fragment)
    assert _shape(root) == _shape(expected)
    assert sanitize.serialize_fragment(root) == sanitize.serialize_fragment(expected)


# --- front matter: libyaml's emitter where it writes what PyYAML's does ----------------------

STRINGS = st.text() | st.sampled_from(["null", "yes", "2020-01-01", ": x", "#a", "'q'", "\x85"])


@SETTINGS
@given(st.dictionaries(st.sampled_from(["title", "summary", "slug"]), STRINGS), st.lists(STRINGS))
def test_fast_front_matter_is_byte_identical(fields: dict[str, str], tags: list[str]) -> None:
    mapping = {**fields, "tags": tags, "source": {"name": "S", "url": "https://example.org/"}}
    options = {"sort_keys": False, "allow_unicode": True, "width": 10_000}
    plain = yaml.dump(mapping, Dumper=article._Dumper, default_flow_style=False, **options)
    if article._same_in_libyaml(mapping):
        fast = yaml.dump(mapping, Dumper=article._FastDumper, default_flow_style=False, **options)
        assert fast == plain


def test_characters_the_emitters_disagree_on_take_pythons_emitter() -> None:
    assert not article._same_in_libyaml({"title": "Launch 🚀"})
    assert not article._same_in_libyaml({"tags": ["a\x85b"]})
    assert article._same_in_libyaml({"source": {"name": "Zeitung für Ü"}, "tags": ["a"]})


# --- front matter without an emitter -----------------------------------------------------------

# What YAML reads as something other than a string, indicators, quotes, YAML's own syntax,
# white space at the edges, characters either emitter escapes or may fold at.
YAML_TRICKY = [
    *("null", "Null", "NULL", "~", "yes", "No", "on", "OFF", "true", "False", "y", "n", "<<", "="),
    *("2020-01-01", "2020-01-01 10:00:00", "2020-01-01T10:00:00Z", "2020-01", "2020", "12:30"),
    *("1e3", "0x1F", "0o17", "012", "1_000", "+1", "-1", "0.5", ".inf", "-.Inf", ".nan", "1,000"),
    *(": x", "a: b", "a:b", "a:", "#a", "a #b", "a#b", "- a", "-a", "-", "--- a", "..."),
    *("? x", "?x", "?", ":", "'q'", "q'q", '"q"', "&a", "*a", "!a", "|a", ">a", "%a", "@a"),
    *("`a", "[a]", "{a}"),
    *(",a", "a,b", " a", "a ", "a  b", "é", "Zürich: x", "日本", "\xa0", "a\xa0", "\xa0#x", ""),
    *("\x85", "\u2028", "\ufeff", "🚀", "a\tb", "a\nb", "a\rb", "\x7f", "\x00", "x " * 1_500),
]
YAML_PIECES = [
    *"ab :#-?'\"&*!|>%@`[]{},.~=\xa0é日\t\n\x85\u2028\ufeff🚀\\/_01eE",
    "null",
    "---",
    ": ",
    " #",
]
YAML_SCALARS = (
    st.sampled_from(YAML_TRICKY)
    | st.text()
    | st.lists(st.sampled_from(YAML_PIECES), max_size=8).map("".join)
    | st.text(st.characters(codec="utf-8"), max_size=30)
)
YAML_KEYS = st.sampled_from(
    ["title", "date", "tags", "source", "name", "on", "yes", "a b", "x1", "_k"]
)
YAML_VALUES = (
    YAML_SCALARS
    | st.lists(YAML_SCALARS, max_size=3)
    | st.dictionaries(YAML_KEYS, YAML_SCALARS, max_size=3)
)


@settings(max_examples=2_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(YAML_SCALARS)
def test_front_matter_writer_writes_each_scalar_as_pyyaml_does(value: str) -> None:
    for mapping in ({"title": value}, {"tags": ["a", value]}, {"source": {"name": value}}):
        written = article._plain_front_matter(mapping)
        if written is not None:
            assert written == article._yaml_front_matter(mapping)


@SETTINGS
@given(st.dictionaries(YAML_KEYS, YAML_VALUES | st.integers() | st.none(), max_size=5))
def test_front_matter_writer_writes_a_mapping_as_pyyaml_does(mapping: dict[str, object]) -> None:
    written = article._plain_front_matter(mapping)
    if written is not None:
        assert written == article._yaml_front_matter(mapping)


def test_front_matter_writer_leaves_what_it_cannot_write_to_pyyaml() -> None:
    for value in ("", "a\nb", "a\tb", "\x85", "🚀", "\ufeff", "x" * 3_000):
        assert article._plain_front_matter({"title": value}) is None
    assert article._plain_front_matter({"title": "T", "count": 3}) is None
    assert article._plain_front_matter({}) is None


def test_an_imported_articles_front_matter_takes_the_writer() -> None:
    source = Source("Zeitung für Ü", "https://example.org/2026/04/a-story/?p=1#x")
    done = article.Article(
        title="Title (1244): dispatch – ‘quoted’ #1",
        date=article.PartialDate.parse("2026-04-27T07:02:21Z"),
        slug="a-story",
        source=source,
        tags=["electric-vehicles", "on", "2026"],
        summary="'Quoted' summary: yes",
        byline="Li Chen",
        provenance=article.Provenance("wordpress-wxr", "0" * 64, "_originals/x.xml", "1244", "g"),
        body="Body.",
    )
    mapping = article.to_mapping(done)
    assert article._plain_front_matter(mapping) == article._yaml_front_matter(mapping)
    assert article.loads(article.dumps(done)).meta == mapping
    assert article.read_plain_front_matter(article.dumps(done)) is not None


# --- front matter without a parser -------------------------------------------------------------

BODIES = st.sampled_from(
    ["", "Body.", "\n\nBody\n\n", "---\nx: y\n---\nBody", " Body \n", "\n", "\r\nA\r\n\r\nB\r"]
)
# Lines a person might write, each close to (or in) the form the writer uses.
FRONT_LINES = st.sampled_from(
    [
        *("title: a", "title: 'a''b'", "title: 'a'", "title:  a", "title: a # c", "title: a "),
        *("# c", "", "tags:", "tags: []", "tags: [a]", "- a", "- 'b'", "-  a", "- ", "-", "- - a"),
        *("source:", "  name: S", "  name: 'x: y'", "   name: S", "  url:", "  - a", "title:"),
        *("date: 2020-01-01", "date: '2020-01-01'", "title: yes", "title: 'yes'", "title: ~"),
        *('title: "a"', "---", "...", "--- a", "title: a\r", " title: a", "title : a", "Title: a"),
        *("title: 'a", "title: a'", "title: ''''", "title: a: b", "slug: x\ty", "on: a", "x: é"),
    ]
)


def _article_text(front: str, body: str = "Body.") -> str:
    return f"---\n{front}---\n{body}"


def _as_mkdocs_reads(text: str) -> tuple[str, dict[str, object]] | None:
    plain = article.read_plain_front_matter(text)
    return None if plain is None else (plain[1].lstrip("\n"), plain[0])


@SETTINGS
@given(st.dictionaries(YAML_KEYS, YAML_VALUES, min_size=1, max_size=5), BODIES)
def test_front_matter_the_writer_wrote_is_read_without_pyyaml(mapping, body) -> None:
    front = article._plain_front_matter(mapping)
    if front is not None:
        text = _article_text(front, body)
        assert article.read_plain_front_matter(text) is not None
        assert article.loads(text) == article._read_yaml(text)
        assert _as_mkdocs_reads(text) == get_data(text)


@settings(max_examples=1_000, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(FRONT_LINES, min_size=1, max_size=8), BODIES)
def test_hand_written_front_matter_is_read_as_pyyaml_reads_it_or_left_to_it(lines, body) -> None:
    text = _article_text("".join(f"{line}\n" for line in lines), body)
    if article.read_plain_front_matter(text) is not None:
        assert article.loads(text) == article._read_yaml(text)
        assert _as_mkdocs_reads(text) == get_data(text)


@pytest.mark.parametrize(
    "front",
    [
        "title: a # c\n",  # a comment
        "title:  a\n",  # a second space, which YAML ignores
        'title: "a"\n',  # double quotes
        "tags: [a, b]\n",  # flow style
        "title: a\ntitle: b\n",  # a key twice
        "title: 'yes'\ntags:\n- a\n...\n",  # YAML's document end, where MkDocs stops
        "title: a\r\n",  # a Windows line end
    ],
)
def test_front_matter_in_any_other_form_is_left_to_pyyaml(front: str) -> None:
    assert article.read_plain_front_matter(_article_text(front)) is None


# --- characters XML cannot hold, found without a regex --------------------------------------------

XML_TEXT = st.text(
    st.characters(exclude_categories=()) | st.sampled_from([*"\x00\x0b\x0c\x1f\ufffe\uffff<&"])
)


@SETTINGS
@given(XML_TEXT)
def test_xml_characters_are_judged_as_the_regex_judges_them(text: str) -> None:
    data = sanitize._xml_utf8(text)
    assert (data is None) == (sanitize._NOT_XML_CHAR.search(text) is not None)
    assert data is None or data == text.encode("utf-8")


@SETTINGS
@given(st.lists(st.sampled_from(["<p>", "</p>", "<b>", "<!-- c -->", "&#12;", "&amp;"]) | XML_TEXT))
def test_parsing_utf8_builds_what_parsing_the_text_builds(pieces: list[str]) -> None:
    fragment = "".join(pieces)
    held = sanitize._UNHELD_REFERENCE.sub("\ufffd", fragment)
    text = sanitize._NOT_XML_CHAR.sub("", held)
    try:
        expected = lxml.html.fragment_fromstring(text, create_parent="div")
    except (ValueError, AssertionError):  # lxml.html's own refusals, tested above
        return
    root = sanitize.parse_fragment(fragment)
    assert _shape(root) == _shape(expected)


def _reference(code: int, hexadecimal: bool, end: str) -> str:
    """A numeric character reference, spelt in pieces: hypothesis feeds the string constants
    of test modules to every test, and a whole `&#` would steer the other tests here."""
    digits = format(code, "X") if hexadecimal else str(code)
    return "".join(["&", "#", "x" if hexadecimal else "", digits, end])


CODES = st.sampled_from([0, 9, 12, 13, 31, 32, 127, 128, 0xD800, 0xFFFE, 0xFFFF, 0x11_0000])
REFERENCES = st.builds(
    _reference, CODES | st.integers(0, 0x11_0000), st.booleans(), st.sampled_from([";", "", " "])
)
REFERRING = st.lists(
    st.sampled_from(["<p>", "</p>", '<a title="', '">', "</a>", "x", "&amp;", "&Tab;", "&copy"])
    | REFERENCES,
    max_size=12,
).map("".join)


@SETTINGS
@given(REFERRING | XML_TEXT)
def test_a_parsed_fragment_holds_only_characters_xml_can_hold(html: str) -> None:
    serialized = sanitize.serialize_fragment(sanitize.parse_fragment(html))
    assert sanitize._NOT_XML_CHAR.search(serialized) is None
    assert sanitize._NOT_XML_CHAR.search(sanitize.sanitize(html)) is None


# What libxml2 decodes as it is though XML cannot hold it (it writes U+FFFD for the rest).
UNHELD = {*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF}


@SETTINGS
@given(REFERENCES, st.sampled_from(["", "z", "<p>"]))  # text that cannot extend it
def test_exactly_the_references_xml_cannot_hold_are_replaced(reference: str, after: str) -> None:
    digits = reference.removeprefix("&#").rstrip("; ")
    code = int(digits[1:], 16) if digits[:1] in "xX" and digits else int(digits)
    replaced = sanitize._UNHELD_REFERENCE.sub("\ufffd", reference + after)
    expected = "\ufffd" + reference[len(reference.rstrip("; ")) :].lstrip(";") + after
    assert replaced == (expected if code in UNHELD else reference + after)


def test_references_to_control_characters_are_sanitized_not_refused() -> None:
    assert sanitize.sanitize(_reference(1, False, "")) == "\ufffd"
    assert sanitize.sanitize("<a><!-- c -->" + _reference(1, False, "")) == "<a>\ufffd</a>"
    assert sanitize.sanitize("&" + _reference(1, False, ";") + "#65;") == "&amp;\ufffd#65;"


# --- the cleaner's quicker rule kinds ----------------------------------------------------------


@SETTINGS
@given(st.lists(st.text(alphabet="ab-_ Ad1", max_size=8), max_size=4), st.text(max_size=12))
def test_token_runs_match_as_the_word_by_word_scan_did(tokens: list[str], value: str) -> None:
    words = clean_html._words(value)
    naive = any(clean_html._contains_run(words, clean_html._words(t)) for t in tokens)
    assert clean_html._Runs.of(tuple(tokens)).found_in(words) == naive


@SETTINGS
@given(FRAGMENTS)
def test_one_walk_finds_every_elements_text(fragment: str) -> None:
    root = sanitize.parse_fragment(fragment)
    texts = clean_html._texts(root)
    assert list(texts) == list(clean_html._elements(root))
    assert all(text == element.text_content() for element, text in texts.items())


def test_cleaning_leaves_nothing_for_the_garbage_collector() -> None:
    """A reference cycle in the text walk kept each article's tree alive until a garbage
    collection; without one, the tree goes as soon as the import is done with it."""
    fragment = "<div class='ad'>Ad</div><p>Advertisement</p><p>Text <b>here</b>.</p>#tag"
    gc.collect()
    gc.disable()
    try:
        root = sanitize.parse_fragment(fragment)
        clean_html.clean_tree(root, default_rules().html, Report(excerpts=False), title="T")
        del root
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_label_patterns_that_cannot_be_joined_are_tried_one_by_one() -> None:
    repeated = clean_html._fullmatcher((r"(ad)\1", "sponsored"))
    assert repeated("adad") and repeated("SPONSORED") and not repeated("ad")
    assert not clean_html._fullmatcher(())("")


# --- the import: rendering in the workers, counting without excerpts --------------------------


def test_deferred_posts_finish_as_the_reader_would_have_read_them(tmp_path: Path) -> None:
    path = tmp_path / "bench.xml"
    bench_wxr.write_export(path, 12, bench_wxr.load_seed())
    plain = list(wxr.read(Input(path)))
    deferred = list(wxr.read(Input(path), defer=True))
    assert sum(isinstance(r, Deferred) for r in deferred) == 12
    finished = [r.finish() if isinstance(r, Deferred) else r for r in deferred]
    assert finished == plain


def test_a_post_using_the_media_library_is_rendered_by_the_reader() -> None:
    assert wxr.wordpress.uses_library("[gallery ids='1,2']")
    assert wxr.wordpress.uses_library("[[Audio]]")
    assert not wxr.wordpress.uses_library("[caption]<img src=x> A[/caption] [galleryx]")


def test_without_explain_outcomes_carry_no_report(tmp_path: Path) -> None:
    seed = Path(__file__).resolve().parents[1] / "docs" / "_originals" / "002_1dbe7c8afcba537f.txt"
    [quiet] = ingest.import_paths([seed], ingest.Options(docs=tmp_path / "quiet"))
    [explained] = ingest.import_paths([seed], ingest.Options(docs=tmp_path / "x", explain=True))
    assert quiet.status == explained.status == "wrote"
    assert quiet.report is None
    assert explained.report is not None
    assert all(removal.excerpt for removal in explained.report.removals)


def test_a_big_batch_is_made_durable_with_one_sync(tmp_path: Path, monkeypatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(store.os, "sync", lambda: calls.append("sync"))
    monkeypatch.setattr(store.os, "fsync", lambda fd: calls.append("fsync"))
    for count in (3, store.SYNC_ALL_ABOVE + 1):
        targets = [tmp_path / str(count) / f"{n}.md" for n in range(count)]
        store.commit([(store.stage(target, "x"), target) for target in targets])
        assert all(target.read_text() == "x" for target in targets)
    assert calls == ["fsync"] * 3 + ["sync"]


@pytest.mark.parametrize(
    ("one", "other"),
    [(b"", b""), (b"abc", b"abc"), (b"abc", b"abd"), (b"abc", b"ab"), (b"x" * 3_000_000, b"x")],
)
def test_originals_are_compared_and_copied_without_reading_them_whole(
    one: bytes, other: bytes, tmp_path: Path
) -> None:
    first, second = tmp_path / "one", tmp_path / "other"
    first.write_bytes(one)
    second.write_bytes(other)
    assert store.same_content(first, second) == (one == other)
    store.copy_atomic(first, tmp_path / "kept" / "copy")
    assert (tmp_path / "kept" / "copy").read_bytes() == one
