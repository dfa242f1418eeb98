"""What each input last became, so that re-importing an unchanged input skips it unread.

A second import of the same 10,000-post export used to re-read and re-convert every post
(over a minute of CPU) only to find each article unchanged. So after an input is imported,
the manifest records a fingerprint of everything that decides its articles and the outcome
of each of its records, with the sha256 of the article file the outcome stands for. The
next import replays those outcomes without reading the input when the fingerprint is the
same and every one of those files is still there byte for byte; anything else (a changed
input, sidecar, flag, rule, tag vocabulary or line of code; an article deleted or edited
by hand) means a normal import.

The manifest is a local cache, `<docs>/.newsdesk-imports.json`: MkDocs never serves it
(`.*` is always part of `exclude_docs`), `newsdesk check` reads only `articles/`, folder
imports skip hidden files, and git ignores it, so a fresh clone re-imports once and finds
every article unchanged. A missing, corrupt or older-format manifest counts as empty; two
imports into one docs dir at once may lose each other's entries, which costs a re-read.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk import __version__, store
from newsdesk.readers import Input
from newsdesk.vocabulary import EMPTY, Normalized

if TYPE_CHECKING:
    from newsdesk.ingest import Options, Outcome

FILENAME = ".newsdesk-imports.json"
FORMAT = 1  # bump when the layout changes: an older manifest is then ignored, not misread
REASON = "input unchanged since last import"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(*parts: object) -> str:
    """sha256 of the parts' canonical JSON: dataclasses as dicts, sets sorted.

    Anything else JSON lacks counts as its str(); should that differ between runs, the
    input merely looks changed and is imported normally, never skipped wrongly.
    """
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=_plain)
    return sha256(text.encode())


def _plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    return str(value)


@cache
def pipeline() -> str:
    """The version and every .py and .yml file of the package, hashed once per run.

    Code changes between releases are common in this young project and any of them may
    change an article, so a version number alone would let a stale article stand.
    """
    package = Path(__file__).parent
    files = sorted(p for p in package.rglob("*") if p.suffix in (".py", ".yml"))
    return digest(
        __version__, {p.relative_to(package).as_posix(): sha256(p.read_bytes()) for p in files}
    )


def settings(options: Options) -> str:
    """What decides every input's articles in one run: the pipeline, the cleaning rules and
    tag vocabulary as loaded (so a custom --vocabulary counts too), the flags and read options.
    """
    return digest(
        pipeline(),
        options.rules,
        options.vocabulary or EMPTY,
        options.format,
        options.overrides,
        options.read_options,
        options.keep_original,  # decides the provenance's `original`
    )


def fingerprint(settings: str, source: Input, sidecar: Path) -> str:
    """What decides one input's articles: the run's settings, the input and its sidecar."""
    side = sha256(sidecar.read_bytes()) if sidecar.exists() else None
    return digest(settings, source.sha256, side)


class Manifest:
    """The manifest of one docs dir: entries change in memory and `save` writes them once.

    Entries are keyed by the input's file name, which `_originals/` already makes unique
    within an archive; its content is part of the fingerprint, so a new export of a site
    replaces the entry of the previous one instead of piling up beside it.
    """

    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self.path = docs / FILENAME
        self.entries = _load(self.path)
        self.changed = False

    def replay(self, source: Path, fingerprint: str) -> list[dict[str, Any]] | None:
        """The outcomes recorded for `source` as keyword arguments of `ingest.Outcome`, if
        its fingerprint is unchanged and every article it produced is still as written."""
        entry = self.entries.get(source.name)
        if not isinstance(entry, dict) or entry.get("fingerprint") != fingerprint:
            return None
        try:
            outcomes = [self._replayed(stored, source) for stored in entry["outcomes"]]
        except (KeyError, TypeError, ValueError, AttributeError):  # damaged by hand
            return None
        intact = all(_intact(Path(o["label"]), o["sha256"]) for o in outcomes if o["sha256"])
        return outcomes if intact else None

    def remember(self, source: Path, fingerprint: str, outcomes: Iterable[Outcome]) -> None:
        """Record an imported input's outcomes, as a re-run of it would report them."""
        self.entries[source.name] = {
            "fingerprint": fingerprint,
            "outcomes": [self._stored(outcome, source) for outcome in outcomes],
        }
        self.changed = True

    def save(self) -> None:
        """Write the manifest if imports changed it: once per run, since rewriting it after
        each input would be quadratic in a folder of thousands of clippings."""
        if self.changed:
            document = {"format": FORMAT, "inputs": self.entries}
            store.write_atomic(self.path, json.dumps(document, ensure_ascii=False))
            self.changed = False

    def _stored(self, outcome: Outcome, source: Path) -> dict[str, Any]:
        """An outcome with labels independent of how the input and docs paths were spelled."""
        if outcome.sha256:  # an article: its label is its path
            label = Path(outcome.label).relative_to(self.docs).as_posix()
        else:  # a record skipped or failed, labelled "<input>: <record>"
            label = outcome.label.removeprefix(f"{source}: ")
        # shallow: json.dumps needs no copy of the lists, which asdict deep-copies for
        # every outcome at the end of an import
        tags = dict(vars(outcome.tags)) if outcome.tags else None
        return {
            "status": outcome.status,
            "label": label,
            "detail": outcome.detail,
            "sha256": outcome.sha256,
            "tags": tags,
        }

    def _replayed(self, stored: dict[str, Any], source: Path) -> dict[str, Any]:
        """A stored outcome labelled as this run spells the paths, saying why it was replayed."""
        label, tags = stored["label"], stored["tags"]
        if tags is not None:  # JSON has no tuples
            tags = Normalized(**{**tags, "aliased": [tuple(pair) for pair in tags["aliased"]]})
        return {
            "status": stored["status"],
            "label": str(self.docs / label) if stored["sha256"] else f"{source}: {label}",
            "detail": "; ".join(filter(None, [stored["detail"], REASON])),
            "sha256": stored["sha256"],
            "tags": tags,
        }


def _load(path: Path) -> dict[str, Any]:
    """The entries of a manifest file; none if it is missing, unreadable or another format."""
    try:
        document = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return {}
    entries = document.get("inputs")
    return entries if isinstance(entries, dict) else {}


def _intact(path: Path, expected: str) -> bool:
    try:
        return sha256(path.read_bytes()) == expected
    except OSError:
        return False
