"""Paths are permanent, collisions never overwrite, writes are atomic."""

import os
from pathlib import Path, PurePosixPath

import pytest

from newsdesk import article as schema
from newsdesk import store
from newsdesk.article import Article, PartialDate, Provenance, Source


def make(slug="a-story", date="2026-04-27T07:02:21Z", guid="https://x/?p=1", body="Body."):
    return Article(
        title="A story",
        date=PartialDate.parse(date),
        slug=slug,
        source=Source("X"),
        summary="S.",
        provenance=Provenance("wordpress-rest", "b" * 64, guid=guid),
        body=body,
    )


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("2026-04-27T07:02:21Z", "articles/2026/04/a-story.md"),
        ("2026-02", "articles/2026/02/a-story.md"),
        ("2026", "articles/2026/a-story.md"),
    ],
)
def test_path_scheme(date, expected):
    assert store.relative_path(make(date=date)) == PurePosixPath(expected)


def test_same_article_twice_is_unchanged(tmp_path):
    article = make()
    text = schema.dumps(article)
    first = store.plan(article, text, tmp_path, set())
    store.write_atomic(first.path, text)
    assert store.plan(article, text, tmp_path, set()).action == "unchanged"


def test_hand_edited_article_is_not_overwritten(tmp_path):
    article = make()
    path = store.plan(article, schema.dumps(article), tmp_path, set()).path
    store.write_atomic(path, schema.dumps(article).replace("Body.", "Edited by hand."))
    decision = store.plan(article, schema.dumps(article), tmp_path, set())
    assert (decision.path, decision.action) == (path, "exists")


def test_two_articles_with_same_date_and_slug_get_distinct_paths(tmp_path):
    one, two = make(guid="https://x/?p=1"), make(guid="https://x/?p=2")
    claimed: set[Path] = set()
    first = store.plan(one, schema.dumps(one), tmp_path, claimed)
    claimed.add(first.path)
    store.write_atomic(first.path, schema.dumps(one))
    second = store.plan(two, schema.dumps(two), tmp_path, claimed)
    assert second.path.name == "a-story-2.md" and second.action == "write"
    # the same holds within one batch before anything is written
    third = store.plan(
        two, schema.dumps(two), tmp_path / "other", {tmp_path / "other" / store.relative_path(two)}
    )
    assert third.path.name == "a-story-2.md"


def test_a_placement_is_planned_as_its_article_is(tmp_path):
    claimed: set[Path] = set()
    expectations = ("2026/04/a-story.md", "2026/04/a-story-2.md", "2026/a-story.md")
    for n, expected in enumerate(expectations, start=1):
        article = make(guid=f"https://x/?p={n}", date="2026" if n == 3 else "2026-04-27")
        text = schema.dumps(article)
        decision = store.plan(article, text, tmp_path, claimed)
        assert store.plan(store.placement(article), text, tmp_path, claimed) == decision
        assert decision == store.Plan(tmp_path / "articles" / expected, "write")
        claimed.add(decision.path)


def test_a_staged_file_holds_every_byte(tmp_path):
    payload = "ü – 日本\n".encode() * 300_000  # several writes' worth
    target = tmp_path / "a" / "b.md"
    store.commit([(store.stage(target, payload), target)])
    assert target.read_bytes() == payload


def test_atomic_write_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "a" / "b.md"
    store.write_atomic(target, "text")
    store.write_atomic(target, "new text")
    assert target.read_text() == "new text"
    assert os.listdir(target.parent) == ["b.md"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "b.md"
    store.write_atomic(target, "old")

    def boom(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        store.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["b.md"]
