"""Cleaning: named rules, kept as data in rules.yml, applied to HTML or text bodies.

Each removal is recorded under the name of the rule that made it, so
`newsdesk import --explain` can tell a curator exactly why a piece of text is gone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from newsdesk.article import load_yaml


@dataclass(frozen=True)
class Removal:
    rule: str
    excerpt: str


@cache
def _counted(rule: str) -> Removal:
    """The excerpt-less removal of `rule`: frozen, so one serves every count."""
    return Removal(rule, "")


@dataclass
class Report:
    """What the cleaner removed from one article, rule by rule.

    With `excerpts` off (an import without --explain) removals are only counted: nobody
    reads the excerpts, and describing a removed ad grid costs as much as removing it.
    """

    removals: list[Removal] = field(default_factory=list)
    excerpts: bool = True

    def add(self, rule: str, text: str | Callable[[], str], limit: int = 120) -> None:
        """Record a removal; `text` may be a function, called only if excerpts are kept."""
        if not self.excerpts:
            self.removals.append(_counted(rule))
            return
        excerpt = " ".join((text if isinstance(text, str) else text()).split())
        if len(excerpt) > limit:
            excerpt = excerpt[: limit - 1] + "…"
        self.removals.append(Removal(rule, excerpt))

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for removal in self.removals:
            totals[removal.rule] = totals.get(removal.rule, 0) + 1
        return totals


@dataclass(frozen=True)
class Rule:
    """One named rule; `spec` holds the kind-specific keys exactly as the curator wrote them."""

    name: str
    kind: str
    why: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class RuleSet:
    html: tuple[Rule, ...]
    text: tuple[Rule, ...]


def parse_rules(document: dict[str, Any]) -> RuleSet:
    """Validate a rules document so a curator's typo fails loudly, naming the rule."""
    sections: dict[str, tuple[Rule, ...]] = {}
    for section in ("html", "text"):
        rules = []
        for index, raw in enumerate(document.get(section) or []):
            where = f"rules.yml {section}[{index}]"
            if not isinstance(raw, dict) or not {"name", "kind", "why"} <= raw.keys():
                raise ValueError(f"{where}: every rule needs name, kind and why")
            spec = {k: v for k, v in raw.items() if k not in ("name", "kind", "why")}
            rules.append(Rule(str(raw["name"]), str(raw["kind"]), str(raw["why"]), spec))
        names = [r.name for r in rules]
        if dupes := {n for n in names if names.count(n) > 1}:
            raise ValueError(f"rules.yml {section}: duplicate rule names {sorted(dupes)}")
        sections[section] = tuple(rules)
    return RuleSet(**sections)


@cache
def default_rules() -> RuleSet:
    text = resources.files("newsdesk.clean").joinpath("rules.yml").read_text("utf-8")
    return parse_rules(load_yaml(text))
