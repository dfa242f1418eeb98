"""The one schema: dates as precise as the source, plain-text fields, every problem named."""

import datetime as dt

import pytest

from newsdesk import article as schema
from newsdesk.article import Article, PartialDate, Provenance, SchemaError, Source

SHA = "a" * 64


def valid_meta(**changes):
    meta = {
        "title": "A plain title",
        "date": "2026-04-27T07:02:21Z",
        "slug": "a-plain-title",
        "source": {"name": "Example News", "url": "https://example.org/a"},
        "tags": ["china", "electric-vehicles"],
        "summary": "One sentence that says what the article is about.",
        "provenance": {"format": "wordpress-rest", "sha256": SHA, "id": "7"},
    }
    meta.update(changes)
    return {k: v for k, v in meta.items() if v is not None}


@pytest.mark.parametrize(
    ("value", "precision", "iso", "approximate"),
    [
        ("2026", "year", "2026", True),
        (2026, "year", "2026", True),
        ("2026-02", "month", "2026-02", True),
        ("2026-04-27", "day", "2026-04-27", False),
        (dt.date(2026, 4, 27), "day", "2026-04-27", False),
        ("2026-04-27T07:02:21Z", "time", "2026-04-27T07:02:21Z", False),
        ("2026-04-27T09:02:21+02:00", "time", "2026-04-27T07:02:21Z", False),
    ],
)
def test_dates_keep_their_precision(value, precision, iso, approximate):
    date = PartialDate.parse(value)
    assert (date.precision, date.isoformat(), date.approximate) == (precision, iso, approximate)


def test_approximate_dates_say_so_to_readers():
    assert PartialDate.parse("2026-02").human() == "c. February 2026"
    assert PartialDate.parse("2026-04-27T07:02:21Z").human() == "27 April 2026"


@pytest.mark.parametrize("value", ["2026-04-27T07:02:21", "yesterday", "2026-13", "", None])
def test_bad_dates_are_refused(value):
    with pytest.raises(SchemaError) as info:
        PartialDate.parse(value)
    assert info.value.field == "date"


def test_dates_sort_across_precisions():
    dates = [PartialDate.parse(v) for v in ("2026-04-27", "2025", "2026-02")]
    assert [d.isoformat() for d in sorted(dates)] == ["2025", "2026-02", "2026-04-27"]


def test_valid_mapping_has_no_problems():
    assert schema.validate_mapping(valid_meta()) == []


def test_every_problem_is_reported_not_only_the_first():
    meta = valid_meta(title=None, summary="x" * 301, tags=["China"], source={"url": "ftp://x"})
    fields = sorted(p.field for p in schema.validate_mapping(meta))
    assert fields == ["source.name", "source.url", "summary", "tags", "title"]


@pytest.mark.parametrize(
    "title",
    ["<script>alert(1)</script>", "Hi <img src=x onerror=alert(1)>", "a <!-- c --> b", "x\ny"],
)
def test_titles_are_plain_text(title):
    problems = schema.validate_mapping(valid_meta(title=title))
    assert [p.field for p in problems] == ["title"]


def test_a_less_than_sign_in_prose_is_fine():
    assert schema.validate_mapping(valid_meta(title="Why 2 < 3 matters")) == []


def test_unknown_fields_are_named():
    problems = schema.validate_mapping(valid_meta(autor="typo"))
    assert [(p.field, "unknown" in p.message) for p in problems] == [("autor", True)]


def test_dump_then_load_round_trips_and_validates():
    article = Article(
        title="‘Quoted’: a title",
        date=PartialDate.parse("2026-02"),
        date_note="Month estimated from the text.",
        slug="quoted-a-title",
        source=Source("asiabits"),
        tags=["china"],
        summary="A summary.",
        provenance=Provenance("newsletter", SHA, original="_originals/x.txt"),
        body="Para one.\n\nPara two.",
    )
    text = schema.dumps(article)
    assert schema.problems_in_text(text) == []
    loaded = schema.loads(text)
    again = schema.from_mapping(loaded.meta, loaded.body)
    assert schema.dumps(again) == text
    assert PartialDate.parse(loaded.meta["date"]).precision == "month"


def test_problems_in_text_point_at_lines():
    text = "---\ntitle: T\ndate: soon\nslug: t\nsource:\n  name: S\nsummary: S.\n---\n\nBody\n"
    [problem] = schema.problems_in_text(text)
    assert (problem.field, problem.line) == ("date", 3)


def test_missing_front_matter_and_empty_body_are_problems():
    assert [p.field for p in schema.problems_in_text("Just text\n")] == ["front matter"]
    text = schema.dumps(schema.from_mapping(valid_meta(), "Body")).replace("Body", "")
    assert [p.field for p in schema.problems_in_text(text)] == ["body"]


def test_markdown_body_is_required_to_dump():
    with pytest.raises(ValueError, match="convert it first"):
        schema.dumps(Article(title="t", body="<p>x</p>", body_format="html"))
