"""tidy skips a rewrite on an expression with none of the node types it acts on
(tree/tidy_triggers.py): on every expression the simplifier meets deriving the Cookbook and
Wikipedia rows, each listed rewrite leaves such an expression as it is, so the skip changes
nothing."""

from __future__ import annotations

import pytest
from test_cookbook import CASES
from test_wikipedia import ROWS

import matdiff_magic as md
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree import tidy
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.tidy import REWRITES
from matdiff_magic.tree.tidy_triggers import TRIGGERS


def _catalogue() -> list[Expr]:
    """Every expression the simplifier works on while deriving the rows, in both layouts."""
    rows = [(p.values[0], p.values[1], p.values[5]) for p in CASES]
    rows += [(p.values[1], p.values[2], p.values[7]) for p in ROWS]
    seen: dict[Expr, None] = {}
    applied = tidy._apply

    def recording(name: str, e: Expr) -> Expr:
        seen.setdefault(e)
        return applied(name, e)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(tidy, "_apply", recording)
        for expr, wrt, order in rows:
            for layout in ("numerator", "denominator"):
                md.derive(expr, wrt, layout=layout, order=order, verify=False)
    return list(seen)


CATALOGUE = _catalogue()


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_a_rewrite_changes_nothing_without_its_node_types(name):
    rewrite, types = REWRITES[name], TRIGGERS[name]
    without = [e for e in CATALOGUE if not e.has_any(types) and not e.has_equal_copies()]
    assert len(without) > 100
    changed = [e for e in without if rewrite(e) is not e]
    assert not changed, [str(e) for e in changed[:5]]


def test_equal_copies_are_merged_by_a_pass_that_matches_nothing():
    # which is why tidy runs a rewrite on such an expression whatever its node types
    a, b = N.Var("a", 3, 1), N.Var("b", 3, 1)
    term = N.MatMul((a, N.Transpose(b)))
    e = N.Add((N.Trace(term), N.Trace(N.MatMul((a, N.Transpose(b))))))
    shared = N.Trace(term)
    assert e.has_equal_copies() and not N.Add((shared, shared)).has_equal_copies()
    assert REWRITES["Khatri–Rao products of rows"](e) is not e


def test_node_types_below_a_node():
    x, a = N.Var("x", 3, 1), N.Var("A", 3, 3)
    e = N.Trace(N.MatMul((a, N.Inverse(a))))
    assert e.has_any((N.Inverse,)) and e.has_any((N.Var,)) and not e.has_any((N.Kron,))
    assert not x.has_any((N.Trace, N.Ones))
    # a subclass counts as its base class
    assert e.has_any((Expr,))
