"""The curated tag vocabulary: canonical tags, their aliases, and a stoplist for noise.

WordPress SEO plugins tag posts with words lifted from the title ("edge", "seek"); other
sites spell one topic five ways. One data file, used by import, check and the tag index,
turns all of that into a small set of tags readers can browse.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from slugify import slugify

from newsdesk.article import load_yaml

DEFAULT_PATH = Path("docs/_data/vocabulary.yml")


@lru_cache(maxsize=4096)  # a site uses few tags, on every post: slugify is no cheap call
def tag_slug(name: str) -> str:
    """The slug form every tag is compared in ("Electric Vehicles" → "electric-vehicles")."""
    return slugify(name.replace("&", " and "), max_length=60, word_boundary=True)


@dataclass(frozen=True)
class Term:
    slug: str
    description: str
    aliases: tuple[str, ...] = ()


@dataclass
class Normalized:
    """The outcome of normalizing one article's raw tags, kept for the import report."""

    tags: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    aliased: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Vocabulary:
    terms: dict[str, Term]
    stoplist: frozenset[str]
    _aliases: dict[str, str]

    @classmethod
    def from_document(cls, document: dict[str, Any], where: str = "vocabulary") -> Vocabulary:
        terms: dict[str, Term] = {}
        aliases: dict[str, str] = {}
        for raw_slug, entry in (document.get("tags") or {}).items():
            slug = tag_slug(str(raw_slug))
            if slug != raw_slug:
                raise ValueError(f"{where}: tag {raw_slug!r} must be written as {slug!r}")
            entry = entry or {}
            term = Term(
                slug,
                str(entry.get("description", "")).strip(),
                tuple(tag_slug(str(a)) for a in entry.get("aliases") or ()),
            )
            for alias in term.aliases:
                if aliases.setdefault(alias, slug) != slug:
                    raise ValueError(f"{where}: alias {alias!r} points at two tags")
            terms[slug] = term
        stoplist = frozenset(tag_slug(str(s)) for s in document.get("stoplist") or ())
        if clash := (stoplist | set(aliases)) & set(terms):
            raise ValueError(f"{where}: {sorted(clash)} is both a tag and an alias/stop word")
        return cls(terms, stoplist, aliases)

    def canonical(self, name: str) -> str:
        slug = tag_slug(name)
        return self._aliases.get(slug, slug)

    def normalize(self, names: list[str]) -> Normalized:
        """Aliases become canonical, stop words go, unknown tags stay (and are reported)."""
        result = Normalized()
        for name in names:
            slug = tag_slug(name)
            if not slug:
                continue
            if slug in self.stoplist:
                result.dropped.append(slug)
                continue
            canonical = self._aliases.get(slug, slug)
            if canonical != slug:
                result.aliased.append((slug, canonical))
            if canonical in result.tags:
                continue
            result.tags.append(canonical)
            if canonical not in self.terms:
                result.unknown.append(canonical)
        return result

    def describe(self, tag: str) -> str | None:
        term = self.terms.get(tag)
        return term.description if term and term.description else None

    def suggest(self, tag: str) -> str | None:
        """The closest known tag, for 'did you mean' messages."""
        candidates = [*self.terms, *self._aliases]
        match = difflib.get_close_matches(tag_slug(tag), candidates, n=1, cutoff=0.6)
        return self._aliases.get(match[0], match[0]) if match else None


EMPTY = Vocabulary({}, frozenset(), {})


def load(path: Path = DEFAULT_PATH) -> Vocabulary:
    """The vocabulary at `path`; an archive without one simply has no curated tags yet."""
    if not path.exists():
        return EMPTY
    document = load_yaml(path.read_text("utf-8")) or {}
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected a mapping with 'tags' and 'stoplist'")
    return Vocabulary.from_document(document, str(path))


def _singular(tag: str) -> str:
    """A crude singular per word ("batteries" → "battery"), enough to spot a twin tag."""
    words = []
    for word in tag.split("-"):
        if word.endswith("ies") and len(word) > 4:
            word = word[:-3] + "y"
        elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
            word = word[:-1]
        words.append(word)
    return "-".join(words)


def near_duplicate_tags(tags: list[str], cutoff: float = 0.9) -> list[tuple[str, str]]:
    """Pairs of tags that are probably one topic spelled twice (plural, typo, hyphen)."""
    ordered = sorted(set(tags))
    pairs = []
    for index, tag in enumerate(ordered):
        for other in ordered[index + 1 :]:
            same = _singular(tag) == _singular(other) or tag.replace("-", "") == other.replace(
                "-", ""
            )
            if same or difflib.SequenceMatcher(None, tag, other).ratio() >= cutoff:
                pairs.append((tag, other))
    return pairs
