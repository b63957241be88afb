"""Numbers and constant matrices (0, 𝟏, I, K), and tests of what an expression is."""

from __future__ import annotations

from fractions import Fraction

import sympy

from matdiff_magic import dims
from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.smart import register

# -- numbers and constants ----


def number(value: int | str | Fraction | sympy.Expr) -> sympy.Expr:
    """A SymPy number from an int, a Fraction, a SymPy value, or a literal like "1/2"."""
    if isinstance(value, str):
        value = Fraction(value)
    return dims.number(value)


def const(value: int | str | Fraction | sympy.Expr) -> Expr:
    v = number(value)
    if v == 0:
        return N.Zero(ONE, ONE)
    return N.Const(v)


def zero(rows: sympy.Expr, cols: sympy.Expr) -> Expr:
    return N.Zero(rows, cols)


def zero_like(e: Expr) -> Expr:
    return N.Zero(*e.shape)


def ones(rows: sympy.Expr, cols: sympy.Expr) -> Expr:
    if rows == ONE and cols == ONE:
        return N.Const(sympy.Integer(1))
    return N.Ones(rows, cols)


def ones_like(e: Expr) -> Expr:
    return ones(*e.shape)


def identity(n: sympy.Expr) -> Expr:
    if n == ONE:
        return N.Const(sympy.Integer(1))
    return N.Identity(n)


def commutation(m: sympy.Expr, n: sympy.Expr) -> Expr:
    """K_{m,n}; it is the identity when either size is 1 (a vector's transpose keeps vec)."""
    if m == ONE or n == ONE:
        return identity(m * n)
    return N.Commutation(m, n)


def is_zero(e: Expr) -> bool:
    return isinstance(e, N.Zero)


def is_one(e: Expr) -> bool:
    return isinstance(e, N.Const) and e.value == 1


def count_transposes(e: Expr) -> int:
    return sum(1 for node in e.walk() if isinstance(node, N.Transpose))


register(
    globals(),
    (
        "number",
        "const",
        "zero",
        "zero_like",
        "ones",
        "ones_like",
        "identity",
        "commutation",
        "is_zero",
        "is_one",
        "count_transposes",
    ),
)
