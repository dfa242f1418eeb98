"""Editorial review of articles: everything a maintainer must trust before merging a PR.

The strict site build only enforces the schema, so a contributor can preview a page while
fixing it; these rules (vocabulary, duplicates, unsafe raw HTML, paths) are `newsdesk
check`'s, run on pull requests.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit, urlunsplit

from newsdesk import article as schema
from newsdesk import store
from newsdesk.article import Article
from newsdesk.clean import default_rules
from newsdesk.clean.html import strip_params, tracking_params
from newsdesk.vocabulary import Vocabulary

EARLIEST_YEAR = 1900
FUTURE_SLACK = dt.timedelta(days=1)
SHINGLE_WORDS = 5
SAMPLE_MODULUS = 8  # keep ~1/8 of shingles as the article's fingerprint
NEAR_DUPLICATE = 0.8  # Jaccard similarity of fingerprints
MIN_FINGERPRINT = 8  # shorter bodies are too small to call duplicates

# Raw HTML the sanitizer would remove or rewrite, each with the reason a contributor sees.
SCRIPT_SCHEME = r"(javascript|vbscript|data)\s*:"
UNSAFE_HTML = (
    (
        re.compile(
            r"<\s*(script|iframe|object|embed|applet|style|form|svg|math|base|meta|link)\b", re.I
        ),
        "raw <{0}> element: the sanitizer removes it; write Markdown instead",
    ),
    (
        re.compile(r"<[^>]*[\s/\"'](on[a-z]+)\s*=", re.I),
        "event-handler attribute {0}= would be removed by the sanitizer",
    ),
    (
        re.compile(r"\{:?[^}\n]*\b(on[a-z]+)\s*=", re.I),
        "attribute list sets {0}=, which the sanitizer removes",
    ),
    (
        re.compile(r"<[^>]*\s(style)\s*=", re.I),
        "inline {0}= attribute would be removed by the sanitizer; the theme styles articles",
    ),
    (
        re.compile(
            rf"(?:href|src|action|formaction|poster|background|cite)\s*=\s*[\"']?\s*{SCRIPT_SCHEME}",
            re.I,
        ),
        "{0}: URL would be removed by the sanitizer; link to an http(s) page",
    ),
    (
        re.compile(rf"(?:\]\(\s*<?|<|^\s*\[[^\]\n]+\]:\s*<?)\s*{SCRIPT_SCHEME}", re.I | re.M),
        "{0}: link would be removed by the sanitizer; link to an http(s) page",
    ),
    (
        re.compile(r"(<!\[)"),
        "raw {0} (CDATA or conditional comment) breaks the MkDocs build; remove it",
    ),
)
# Browsers ignore these inside a URL scheme ("jav&#x09;ascript:"); so must the check.
IGNORED_IN_URLS = re.compile(r"[\t\r\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True, order=True)
class Finding:
    path: Path
    line: int
    message: str

    def plain(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def github(self) -> str:
        message = self.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return f"::error file={self.path},line={self.line}::{message}"


@dataclass
class Entry:
    """One article as the archive-wide checks need it; built once per file."""

    path: Path
    text: str
    loaded: schema.Loaded
    article: Article


def canonical_url(url: str) -> str:
    """Compare source URLs the way a reader would: scheme, www, slash and trackers aside."""
    untracked, _ = strip_params(url.strip(), tracking_params(default_rules().html))
    parts = urlsplit(untracked)
    host = parts.netloc.lower().removeprefix("www.")
    return urlunsplit(("", host, parts.path.rstrip("/") or "/", parts.query, ""))


def fingerprint(body: str) -> frozenset[int]:
    """A content-defined sample of word shingles: equal text yields equal samples anywhere."""
    words = re.findall(r"\w+", body.casefold())
    hashes = (
        zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode())
        for i in range(max(0, len(words) - SHINGLE_WORDS + 1))
    )
    return frozenset(h for h in hashes if h % SAMPLE_MODULUS == 0)


def line_of(text: str, needle: re.Pattern[str] | str, default: int = 1) -> int:
    pattern = needle if isinstance(needle, re.Pattern) else re.compile(re.escape(needle))
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else default


def body_start(entry: Entry) -> tuple[int, str]:
    """The file line where the body's text begins, and that text (blank lead-in dropped)."""
    body = entry.loaded.body.lstrip()
    at = entry.text.find(body[:200]) if body else -1
    return (entry.text.count("\n", 0, at) + 1 if at >= 0 else 1), body


# --- single-article checks ----------------------------------------------------------------


def check_tags(entry: Entry, vocabulary: Vocabulary) -> Iterator[Finding]:
    for tag in entry.article.tags:
        if tag in vocabulary.terms:
            continue
        hint = vocabulary.suggest(tag)
        advice = f"did you mean '{hint}'? " if hint else ""
        line = line_of(
            entry.text, re.compile(rf"^\s*-\s*{re.escape(tag)}\s*$|\b{re.escape(tag)}\b", re.M)
        )
        yield Finding(
            entry.path,
            line,
            f"tags: '{tag}' is not in the vocabulary; {advice}"
            "use a known tag or add it to docs/_data/vocabulary.yml",
        )


def check_date(entry: Entry, today: dt.datetime) -> Iterator[Finding]:
    date = entry.article.date
    if date is None:
        return
    line = entry.loaded.lines.get("date", 1)
    if date.sort_key > today + FUTURE_SLACK:
        yield Finding(entry.path, line, f"date: {date.isoformat()} is in the future")
    if date.year < EARLIEST_YEAR:
        yield Finding(entry.path, line, f"date: {date.isoformat()} is implausibly old; a typo?")


def check_path(entry: Entry, docs: Path) -> Iterator[Finding]:
    try:
        actual = PurePosixPath(entry.path.resolve().relative_to(docs.resolve()).as_posix())
    except ValueError:
        return  # a file outside the archive (e.g. a PR preview) has no expected place yet
    expected = store.relative_path(entry.article)
    # collisions get -2, -3… suffixes (store.plan); a slug may itself end in digits
    suffixed = re.fullmatch(rf"{re.escape(expected.stem)}(-\d+)?", actual.stem)
    if actual.parent != expected.parent or not suffixed:
        yield Finding(
            entry.path, 1, f"path: from its date and slug this article belongs at {expected}"
        )


def check_html(entry: Entry) -> Iterator[Finding]:
    first, body = body_start(entry)
    # decoded so &#106;avascript: is caught like javascript:; line breaks are kept for lines
    decoded = IGNORED_IN_URLS.sub("", html.unescape(body))
    for pattern, message in UNSAFE_HTML:
        for match in pattern.finditer(decoded):
            line = first + decoded.count("\n", 0, match.start())
            yield Finding(entry.path, line, message.format(match.group(1).lower()))


def check_complete(entry: Entry) -> Iterator[Finding]:
    if not entry.text.endswith("\n"):
        last = entry.text.count("\n") + 1
        yield Finding(entry.path, last, "file: does not end with a newline; truncated?")


# --- archive-wide checks ------------------------------------------------------------------


def duplicate_urls(entries: list[Entry]) -> Iterator[Finding]:
    seen: dict[str, Entry] = {}
    for entry in entries:
        source = entry.article.source
        if not source or not source.url:
            continue
        key = canonical_url(source.url)
        if first := seen.get(key):
            line = entry.loaded.lines.get("source", 1)
            yield Finding(entry.path, line, f"source.url: same as {first.path}")
        else:
            seen[key] = entry


def near_duplicates(entries: list[Entry]) -> Iterator[Finding]:
    """Pairs of bodies sharing most of their shingles; an inverted index keeps this ~O(N)."""
    prints = [fingerprint(e.loaded.body) for e in entries]
    index: dict[int, list[int]] = defaultdict(list)
    for number, sample in enumerate(prints):
        if len(sample) < MIN_FINGERPRINT:
            continue
        shared: dict[int, int] = defaultdict(int)
        for h in sample:
            for other in index[h]:
                shared[other] += 1
            index[h].append(number)
        for other, common in shared.items():
            union = len(sample) + len(prints[other]) - common
            if common / union >= NEAR_DUPLICATE:
                yield Finding(
                    entries[number].path,
                    body_start(entries[number])[0],
                    f"body: near-duplicate of {entries[other].path} "
                    f"({common / union:.0%} of shingles shared)",
                )
                break


# --- driver -------------------------------------------------------------------------------


def load_entry(path: Path) -> tuple[Entry | None, list[Finding]]:
    """Parse one file; schema problems become findings and stop the deeper checks."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Finding(path, 1, f"file: cannot be read as UTF-8 text: {exc}")]
    problems = schema.problems_in_text(text)
    if problems:
        return None, [Finding(path, p.line or 1, str(p)) for p in problems]
    loaded = schema.loads(text)
    return Entry(path, text, loaded, schema.from_mapping(loaded.meta, loaded.body)), []


def check_files(
    paths: Iterable[Path],
    docs: Path,
    vocabulary: Vocabulary,
    *,
    archive: Iterable[Path] = (),
    today: dt.datetime | None = None,
) -> list[Finding]:
    """All findings for `paths`; `archive` adds the articles they are compared against."""
    today = today or dt.datetime.now(dt.UTC)
    targets = list(dict.fromkeys(paths))
    findings: list[Finding] = []
    entries: list[Entry] = []
    for path in targets:
        entry, problems = load_entry(path)
        findings += problems
        if entry is None:
            continue
        entries.append(entry)
        for check in (
            check_tags(entry, vocabulary),
            check_date(entry, today),
            check_path(entry, docs),
            check_html(entry),
            check_complete(entry),
        ):
            findings += check
    # Existing articles come first, so the newcomer is the one reported as the duplicate.
    wanted = {p.resolve() for p in targets}
    others = [e for p in archive if p.resolve() not in wanted for e in [load_entry(p)[0]] if e]
    compared = others + entries
    findings += [f for f in duplicate_urls(compared) if f.path.resolve() in wanted]
    findings += [f for f in near_duplicates(compared) if f.path.resolve() in wanted]
    return sorted(set(findings))
