"""What a differential rule is: a named identity and how d passes through one kind of node.

``apply(node, d)`` builds the differential of ``node`` from ``d(child)`` for its children; every
row is registered in :data:`RULES` (and in the registry of all rules) by :func:`row`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matdiff_magic.rules.rule import Rule, register
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
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


def product_rule(node: Expr, d: Differentiate, rebuild: Callable[..., Expr]) -> Expr:
    """d of a product, one factor at a time: the sum over i of the product ``rebuild`` makes of
    the factors with the i-th replaced by its differential (factors whose differential is 0
    dropped), in the order the factors are written."""
    factors = node.factors
    terms = []
    for i, f in enumerate(factors):
        df = d(f)
        if not isinstance(df, N.Zero):
            terms.append(rebuild(*factors[:i], df, *factors[i + 1 :]))
    return B.add(*terms) if terms else B.zero_like(node)
