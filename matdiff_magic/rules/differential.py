"""Finding the differential rule of a node, and the rule of constants.

Each operation's row (how d passes through it: ``apply(node, d)`` builds the differential of
``node`` from ``d(child)`` for its children) is in its module under ``matdiff_magic/operations``;
the entrywise functions' rows are made from their table there. :func:`rule_for` finds the row
of any node; the methods push d through a tree with these rows and the narrator names them.
"""

from __future__ import annotations

import functools

from matdiff_magic.rules.diffrule import CHOOSERS, RULES, Differentiate, DiffRule, row
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

row(
    "d.constant",
    None,
    "constant rule",
    "常量的微分",
    r"\mathrm{d}C = 0",
    "Everything that does not depend on the variable is a constant: its differential is 0.",
    "与自变量无关的量是常量，其微分为 0。",
    None,
)
__all__ = ["RULES", "DiffRule", "Differentiate", "row", "rule_for"]


def _by_node(node_type: type) -> DiffRule | None:
    """The row registered for a node type or its nearest base class (rows may be added after
    import: a node type defined in its own module registers its rule there)."""
    return _lookup(node_type, len(RULES))


@functools.cache
def _lookup(node_type: type, rows: int) -> DiffRule | None:  # rows: a new row renews the cache
    for cls in node_type.__mro__:
        for rule in RULES.values():
            if rule.node is cls and cls is not N.Elementwise:
                return rule
    return None


def rule_for(node: Expr) -> DiffRule | None:
    """The differential rule for a node: the first chooser's (see ``diffrule.CHOOSERS``), else
    the row of its type."""
    for choose in CHOOSERS:
        rule = choose(node)
        if rule is not None:
            return rule
    return _by_node(type(node))
