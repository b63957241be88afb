"""Entrywise nodes: a scalar function of each entry (a row of ``tree/elementwise.py``),
Hadamard products, quotients and powers."""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.dims import shape_text
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.shapes import (
    dims_resolved,
    new_shape,
    require_same_shape,
    shape_mismatch,
)


class Elementwise(Expr):
    """A scalar function applied entrywise; ``func`` names a row of the elementwise table."""

    __slots__ = ()
    _fields = ("func", "arg")
    func: str
    arg: Expr

    def __init__(self, func: str, arg: Expr):
        self._setup((func, arg), new_shape(*arg.shape))


class Hadamard(Expr):
    """The entrywise product of two or more same-shaped operands."""

    __slots__ = ()
    _fields = ("factors",)
    factors: tuple[Expr, ...]

    def __init__(self, factors: tuple[Expr, ...]):
        factors = tuple(factors)
        if len(factors) < 2:
            raise ValueError("Hadamard needs at least two factors")
        require_same_shape("shape.hadamard", factors)
        self._setup((factors,), new_shape(*factors[0].shape))


class HadamardDiv(Expr):
    """Entrywise division."""

    __slots__ = ()
    _fields = ("num", "den")
    num: Expr
    den: Expr

    def __init__(self, num: Expr, den: Expr):
        if not (dims.same(num.rows, den.rows) and dims.same(num.cols, den.cols)):
            raise shape_mismatch(
                "shape.divide_entrywise",
                (num, den),
                f"{shape_text(dims_resolved(num.shape))} ≠ {shape_text(dims_resolved(den.shape))}",
            )
        self._setup((num, den), new_shape(*num.shape))


class HadamardPow(Expr):
    """Entrywise power by a number."""

    __slots__ = ()
    _fields = ("base", "exponent")
    base: Expr
    exponent: sympy.Expr

    def __init__(self, base: Expr, exponent: sympy.Expr):
        self._setup((base, dims.number(exponent)), new_shape(*base.shape))
