"""matdiff expressions as SymPy matrix expressions (where SymPy has the concept)."""

from __future__ import annotations

from collections.abc import Callable

import sympy

from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.dispatch import lookup
from matdiff_magic.tree.sympy_functions import ROW_OF_SYMPY

# SymPy forms installed by the operations' modules: node type -> form(node, go), where
# ``go`` converts a child.
FORMS: dict[type, Callable[[Expr, Callable[[Expr], sympy.Basic]], sympy.Basic]] = {}


def to_sympy(e: Expr) -> sympy.Basic:
    """Convert; raises UnsupportedError for nodes SymPy cannot express (vec, K, softmax...)."""
    memo: dict[Expr, sympy.Basic] = {}

    def go(node: Expr) -> sympy.Basic:
        found = memo.get(node)
        if found is None:
            found = _convert(node, go)
            memo[node] = found
        return found

    return go(e)


def scalar(x: sympy.Basic) -> sympy.Basic:
    """A 1×1 matrix expression as a scalar."""
    if isinstance(x, sympy.MatrixExpr):
        return x[0, 0] if x.shape == (1, 1) else x
    return x


def _convert(e: Expr, go) -> sympy.Basic:
    form = lookup(FORMS, type(e))  # every operation's form is in its module
    if form is not None:
        return form(e, go)
    own = getattr(e, "_sympy_with", None)  # extension point: a node type in its own module
    if own is not None:
        return own(go)
    raise NotSupportedYetError(Msg("api.no_sympy", node=type(e).__name__))


def scalar_from_sympy(x: sympy.Expr) -> Expr:
    """A SymPy number made of numbers, sizes and the scalar functions (σ(2)², 3 + log(2)) as a
    matdiff scalar, so that it prints as matdiff prints (not ``sigmoid(2)**2``)."""
    from matdiff_magic.tree import build as B

    if x.is_Rational or not x.atoms(sympy.Function):
        return B.const(x)
    if isinstance(x, sympy.Add):
        return B.add(*[scalar_from_sympy(a) for a in x.args])
    if isinstance(x, sympy.Mul):
        return B.make_mul(sympy.Integer(1), [scalar_from_sympy(a) for a in x.args], None)
    if isinstance(x, sympy.Pow):
        return B.power(scalar_from_sympy(x.base), scalar_from_sympy(x.exp))
    if isinstance(x, sympy.Function) and type(x) in ROW_OF_SYMPY:
        return B.elementwise(ROW_OF_SYMPY[type(x)].name, scalar_from_sympy(x.args[0]))
    raise NotSupportedYetError(Msg("reason.no_entrywise_form", func=type(x).__name__))
