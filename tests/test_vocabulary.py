"""Tags: aliases to canonical, stop words dropped, unknown kept and reported."""

import pytest

from newsdesk import vocabulary
from newsdesk.vocabulary import Vocabulary

DOC = {
    "tags": {
        "electric-vehicles": {"description": "EVs.", "aliases": ["EV", "Electric Cars"]},
        "china": {"description": "China."},
    },
    "stoplist": ["edge", "Seek"],
}


def test_normalize_maps_drops_and_keeps():
    vocab = Vocabulary.from_document(DOC)
    result = vocab.normalize(["Electric Cars", "China", "edge", "SEEK", "Hefei", "ev"])
    assert result.tags == ["electric-vehicles", "china", "hefei"]
    assert result.dropped == ["edge", "seek"]
    assert result.unknown == ["hefei"]
    assert ("electric-cars", "electric-vehicles") in result.aliased


def test_describe_and_suggest():
    vocab = Vocabulary.from_document(DOC)
    assert vocab.describe("china") == "China."
    assert vocab.describe("hefei") is None
    assert vocab.suggest("chnia") == "china"
    assert vocab.suggest("electric-car") == "electric-vehicles"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"tags": {"Bad Tag": {}}}, "must be written as"),
        ({"tags": {"a": {"aliases": ["x"]}, "b": {"aliases": ["x"]}}}, "two tags"),
        ({"tags": {"a": {}}, "stoplist": ["a"]}, "both a tag"),
    ],
)
def test_inconsistent_vocabularies_fail_loudly(doc, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.from_document(doc)


def test_missing_file_is_an_empty_vocabulary(tmp_path):
    vocab = vocabulary.load(tmp_path / "none.yml")
    assert vocab.normalize(["X"]).unknown == ["x"]


def test_the_archive_vocabulary_loads():
    vocab = vocabulary.load()
    assert "china" in vocab.terms and "edge" in vocab.stoplist
