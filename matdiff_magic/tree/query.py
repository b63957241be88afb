"""Memoized questions about a tree: does this subtree contain the variable, or dX?"""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


class Occurs:
    """``occurs(e)``: whether some node of ``e`` satisfies ``test`` (answers are remembered)."""

    def __init__(self, test: Callable[[Expr], bool]) -> None:
        self._test = test
        self._seen: dict[Expr, bool] = {}

    def __call__(self, e: Expr) -> bool:
        found = self._seen.get(e)
        if found is None:
            children = (e.body,) if isinstance(e, N.Named) else e.args
            found = self._test(e) or any(self(a) for a in children)
            self._seen[e] = found
        return found


def variable_occurs(name: str) -> Occurs:
    """Whether the variable ``name`` occurs (its differential is then not zero)."""
    return Occurs(lambda n: isinstance(n, N.Var) and n.name == name)


def differential_occurs(name: str) -> Occurs:
    """Whether d``name`` occurs (in a linear form)."""
    return Occurs(lambda n: isinstance(n, N.Differential) and n.var.name == name)


def variable_names(e: Expr) -> set[str]:
    """The names of every variable in ``e``, once each (definitions kept by name looked into),
    in time linear in the DAG."""
    names: set[str] = set()
    seen: set[Expr] = set()
    stack = [e]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if isinstance(node, N.Var):
            names.add(node.name)
        stack.extend((node.body,) if isinstance(node, N.Named) else node.args)
    return names
