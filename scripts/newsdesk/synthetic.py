"""Deterministic synthetic articles, for build tests and the benchmark.

Real archives are small and private; a benchmark needs thousands of articles that look
like real ones where it matters for build cost: several paragraphs of body, 3–6 tags
with a few very popular ones (so some tag pages are long), 20 sources, dates spread over
ten years with some month- and year-precision dates. Every file is written through
`article.dumps` and `store.relative_path`, so it is exactly what an import would write.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from pathlib import Path

import yaml

from newsdesk import store
from newsdesk.article import Article, PartialDate, Source, dumps

REGIONS = (
    "china", "india", "japan", "korea", "taiwan", "vietnam", "indonesia", "singapore",
    "australia", "europe", "germany", "france", "britain", "nordics", "africa", "brazil",
    "mexico", "canada", "gulf", "usa",
)  # fmt: skip
TOPICS = (
    "trade", "energy", "chips", "banking", "property", "carmakers", "shipping",
    "startups", "policy", "labour",
)  # fmt: skip
TAGS: tuple[str, ...] = tuple(f"{region}-{topic}" for topic in TOPICS for region in REGIONS)

SOURCES: tuple[tuple[str, str], ...] = tuple(
    (f"{adjective} {noun}", f"https://{adjective}-{noun}.example".lower().replace(" ", "-"))
    for adjective, noun in zip(
        ("Harbour", "Morning", "Pacific", "Northern", "Silk Road", "Delta", "Capital",
         "Evening", "Lantern", "Summit", "Coastal", "Frontier", "Meridian", "Atlas",
         "Beacon", "Compass", "Granite", "Orchard", "Riverside", "Keystone"),
        ("Ledger", "Brief", "Dispatch", "Review", "Bits", "Wire", "Chronicle", "Post",
         "Letter", "Times", "Herald", "Digest", "Journal", "Gazette", "Monitor", "Notes",
         "Courier", "Weekly", "Observer", "Signal"),
        strict=True,
    )
)  # fmt: skip

# Words as in real news text: function words in every article, and a content vocabulary
# whose use follows Zipf's law (a few words in many articles, most in few). A search
# index's cost per query follows how many articles hold the word, so a tiny vocabulary,
# where every word is in every article, would measure only the worst case.
FUNCTION_WORDS = (
    "the", "of", "and", "to", "a", "in", "for", "on", "with", "as", "by", "after", "while",
    "its", "their", "has", "have", "said", "says", "would", "could", "will", "was", "is",
    "that", "from", "at", "new", "last", "next",
)  # fmt: skip
TOPICAL_WORDS = (
    "market", "growth", "investors", "company", "government", "policy", "prices", "supply",
    "demand", "exports", "factory", "analysts", "quarter", "revenue", "profit", "shares",
    "battery", "vehicle", "partnership", "regulators", "capital", "funding", "deal",
    "billion", "million", "percent", "officials", "announced", "expected", "reported",
    "according", "industry", "global", "regional", "domestic", "foreign", "strategy",
    "production", "capacity", "network", "consumers", "retail", "banks", "loans", "rates",
    "inflation", "currency", "tariffs", "agreement", "talks", "minister", "council",
    "election", "reform", "sector", "output", "energy", "solar", "grid", "ports", "cargo",
    "shipping", "workers", "wages", "contracts", "software", "chips", "data", "centres",
    "platform", "users", "launch", "model", "brand", "rivals", "competition", "share",
    "year", "month", "week",
)  # fmt: skip
LEXICON_SIZE = 8000  # a news archive's vocabulary is tens of thousands of words
FUNCTION_SHARE = 0.45  # of the words in a sentence
ZIPF_EXPONENT = 1.05
SYLLABLES = (
    "ba", "ko", "ri", "ten", "mar", "lo", "vin", "sa", "del", "pu", "nor", "gi", "han",
    "te", "ro", "mil", "ca", "fen", "do", "rus", "li", "ve", "tor", "an", "mo", "sel",
)  # fmt: skip


def _lexicon(size: int) -> tuple[str, ...]:
    """The content vocabulary, most used first: real words spread over the first ranks
    (so "inflation" is common but not everywhere), then made-up words for the long tail."""
    rng = random.Random(0)
    made_up: list[str] = []
    seen = set(TOPICAL_WORDS)
    while len(made_up) < size - len(TOPICAL_WORDS):
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            made_up.append(word)
    ranks = [*made_up[:300]]
    for index, word in enumerate(TOPICAL_WORDS):  # every fourth rank among the first 300
        ranks.insert(index * 4, word)
    return (*ranks, *made_up[300:])


CONTENT_WORDS = _lexicon(LEXICON_SIZE)
_CONTENT_WEIGHTS = list(
    itertools.accumulate(1 / (rank + 1) ** ZIPF_EXPONENT for rank in range(len(CONTENT_WORDS)))
)
START = dt.datetime(2016, 1, 1, tzinfo=dt.UTC)
SPAN_DAYS = 3652  # ten years


def vocabulary() -> dict[str, object]:
    """A vocabulary document for TAGS, in the shape of docs/_data/vocabulary.yml."""
    return {
        "tags": {
            tag: {"description": f"News about {tag.replace('-', ' ')}.", "aliases": []}
            for tag in TAGS
        },
        "stoplist": [],
    }


def articles(n: int, seed: int = 1) -> Iterator[Article]:
    """N valid articles; the same seed always gives the same articles."""
    rng = random.Random(seed)
    tag_weights = [1 / (rank + 1) for rank in range(len(TAGS))]  # Zipf-like popularity
    for index in range(n):
        title = _sentence(rng, 5, 11).rstrip(".")
        name, home = rng.choice(SOURCES)
        date = _date(rng)
        slug = f"{'-'.join(title.lower().split()[:6])}-{index}"
        yield Article(
            title=title,
            date=date,
            slug=slug,
            source=Source(name, f"{home}/{date.year}/{slug}"),
            tags=_tags(rng, tag_weights),
            summary=_sentence(rng, 18, 34),
            byline=f"Reporter {rng.randint(1, 60)}" if rng.random() < 0.7 else None,
            body=_body(rng),
        )


def write(docs: Path, n: int, seed: int = 1) -> list[Path]:
    """Write N articles and a matching vocabulary under `docs`; returns the article paths."""
    paths = []
    for item in articles(n, seed):
        path = docs / str(store.relative_path(item))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dumps(item), encoding="utf-8")
        paths.append(path)
    data = docs / "_data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "vocabulary.yml").write_text(yaml.safe_dump(vocabulary()), encoding="utf-8")
    return paths


def _tags(rng: random.Random, weights: list[float]) -> list[str]:
    chosen: list[str] = []
    wanted = rng.randint(3, 6)
    while len(chosen) < wanted:
        tag = rng.choices(TAGS, weights)[0]
        if tag not in chosen:
            chosen.append(tag)
    return chosen


def _date(rng: random.Random) -> PartialDate:
    moment = START + dt.timedelta(days=rng.randrange(SPAN_DAYS), seconds=rng.randrange(86400))
    roll = rng.random()
    if roll < 0.02:
        return PartialDate.parse(f"{moment.year:04d}")
    if roll < 0.10:
        return PartialDate.parse(f"{moment.year:04d}-{moment.month:02d}")
    if roll < 0.20:
        return PartialDate.parse(moment.date())
    return PartialDate.parse(moment.replace(microsecond=0))


def _sentence(rng: random.Random, shortest: int, longest: int) -> str:
    count = rng.randint(shortest, longest)
    content = rng.choices(CONTENT_WORDS, cum_weights=_CONTENT_WEIGHTS, k=count)
    words = [rng.choice(FUNCTION_WORDS) if rng.random() < FUNCTION_SHARE else w for w in content]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_sentence(rng, 10, 24) for _ in range(rng.randint(3, 6)))


def _body(rng: random.Random) -> str:
    """4–8 paragraphs (≈300–700 words), sometimes a subheading and a list, like news."""
    blocks = [_paragraph(rng) for _ in range(rng.randint(4, 8))]
    if rng.random() < 0.4:
        blocks.insert(2, f"## {_sentence(rng, 3, 6).rstrip('.')}")
    if rng.random() < 0.3:
        blocks.insert(-1, "\n".join(f"- {_sentence(rng, 4, 9)}" for _ in range(3)))
    return "\n\n".join(blocks)
