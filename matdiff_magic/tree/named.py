"""Definitions kept by name (``N.Named``): how big an expression is written out, and writing
out the names a result uses only once."""

from __future__ import annotations

from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import replace


def written_size(e: Expr, names: bool = True) -> int:
    """The number of nodes of ``e`` written out as a tree (a shared subtree counts each time it
    is written), computed in time linear in the DAG; ``names``: definitions kept by name
    written out too (otherwise a name counts as one node, as it prints)."""
    memo: dict[Expr, int] = {}
    order: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        node, done = stack.pop()
        if node in memo:
            continue
        children = _children(node) if names else node.args
        if done:
            memo[node] = 1 + sum(memo[c] for c in children)
            order.append(node)
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if c not in memo)
    return memo[e]


def repetition(e: Expr) -> int:
    """How many more operations (non-leaf nodes) ``e`` has written out than as a DAG: 0 when
    no subexpression is repeated (repeated variables do not count)."""
    memo: dict[Expr, int] = {}
    stack: list[tuple[Expr, bool]] = [(e, False)]
    distinct = 0
    while stack:
        node, done = stack.pop()
        if node in memo:
            continue
        children = _children(node)
        if done:
            memo[node] = (1 if children else 0) + sum(memo[c] for c in children)
            distinct += 1 if children else 0
            continue
        stack.append((node, True))
        stack.extend((c, False) for c in children if c not in memo)
    return memo[e] - distinct


def _children(node: Expr) -> tuple[Expr, ...]:
    return (node.body,) if isinstance(node, N.Named) else node.args


def uses(e: Expr) -> dict[str, int]:
    """How many times each name occurs in ``e`` written out (names inside names counted as
    often as the outer name is written)."""
    counts: dict[str, int] = {}
    paths: dict[Expr, int] = {e: 1}
    # Nodes in an order where every parent comes before its children (reverse post-order).
    order: list[Expr] = []
    seen: set[Expr] = set()
    stack: list[tuple[Expr, bool]] = [(e, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node in seen:
            continue
        seen.add(node)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if c not in seen)
    for node in reversed(order):
        n = paths.get(node, 0)
        if isinstance(node, N.Named):
            counts[node.name] = counts.get(node.name, 0) + n
        for c in _children(node):
            paths[c] = paths.get(c, 0) + n
    return counts


def write_out_single_uses(e: Expr) -> Expr:
    """``e`` with every name it uses once replaced by its body (outermost first, so a name
    that becomes repeated by writing out another stays a name)."""
    while True:
        counts = uses(e)
        once = [n for n in e.distinct() if isinstance(n, N.Named) and counts[n.name] == 1]
        if not once:
            return e
        target = once[0]
        e = replace(e, lambda node, t=target: node.body if node == t else None)
