"""What a differential rule is: a named identity and how d passes through one kind of node.

``apply(node, d)`` builds the differential of ``node`` from ``d(child)`` for its children; every
row is registered in :data:`RULES` (and in the registry of all rules) by :func:`row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matdiff_magic.rules.rule import Rule, register
from matdiff_magic.tree.base import Expr

Differentiate = Callable[[Expr], Expr]


@dataclass(frozen=True)
class DiffRule(Rule):
    node: type | None = None
    apply: Callable[[Expr, Differentiate], Expr] | None = None


RULES: dict[str, DiffRule] = {}
# Rules chosen by more than a node's type (an entrywise function by its name, a batch, a
# composition such as log ∘ softmax with a row of its own): each operation's module adds its
# chooser, which returns its row for a node or None.
CHOOSERS: list[Callable[[Expr], DiffRule | None]] = []


def row(
    key: str,
    node: type | None,
    en: str,
    zh: str,
    latex: str,
    explain_en: str,
    explain_zh: str,
    apply: Callable[[Expr, Differentiate], Expr] | None,
) -> DiffRule:
    rule = DiffRule(
        key=key,
        name_en=en,
        name_zh=zh,
        latex=latex,
        explain_en=explain_en,
        explain_zh=explain_zh,
        group="differential",
        node=node,
        apply=apply,
    )
    RULES[key] = rule
    return register(rule)
