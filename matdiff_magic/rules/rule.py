"""What a rule is: a named identity (English and Chinese), its LaTeX, and what it does.

Every table (differential rules, trace identities, vectorization identities, the read-off and
layout rules) registers its rows here, so narrators and tests can find any rule by key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

REGISTRY: dict[str, Rule] = {}


@dataclass(frozen=True)
class Rule:
    key: str
    name_en: str
    name_zh: str
    latex: str  # the identity the rule applies, in LaTeX (MathJax-safe)
    explain_en: str = ""
    explain_zh: str = ""
    group: str = field(default="", compare=False)

    def name(self, lang: str = "en") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def explain(self, lang: str = "en") -> str:
        return self.explain_zh if lang == "zh" else self.explain_en

    def __str__(self) -> str:
        return self.name_en


def register(rule: Rule) -> Rule:
    if rule.key in REGISTRY and REGISTRY[rule.key] is not rule:
        raise ValueError(f"rule {rule.key!r} registered twice")
    REGISTRY[rule.key] = rule
    return rule


def table(group: str) -> Callable[[str, str, str, str, str, str], Rule]:
    """A row maker for one table: ``row(key, en, zh, latex, explain_en, explain_zh)``
    registers the rule under ``group``."""

    def row(key: str, en: str, zh: str, latex: str, explain_en: str, explain_zh: str) -> Rule:
        return register(Rule(key, en, zh, latex, explain_en, explain_zh, group=group))

    return row


def get(key: str) -> Rule:
    return REGISTRY[key]
