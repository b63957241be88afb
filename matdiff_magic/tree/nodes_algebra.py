"""Sums, products (scalar factors and matrix chains), transposes, inverses and powers."""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.shapes import (
    differ,
    new_shape,
    require_same_shape,
    require_scalar,
    require_square,
    shape_mismatch,
)

# -- algebra --------------------------------------------------------------------------------


class Add(Expr):
    __slots__ = ()
    _fields = ("terms",)
    terms: tuple[Expr, ...]

    def __init__(self, terms: tuple[Expr, ...]):
        terms = tuple(terms)
        if len(terms) < 2:
            raise ValueError("Add needs at least two terms")
        require_same_shape("shape.add", terms)
        self._setup((terms,), new_shape(*terms[0].shape))


class Mul(Expr):
    """coeff · (scalar factors) · body. ``body`` is None for a purely scalar product.

    ``coeff`` is a SymPy number (or dimension expression); ``scalars`` are 1×1 expressions that
    scale ``body``. Matrix products live in :class:`MatMul`.
    """

    __slots__ = ()
    _fields = ("coeff", "scalars", "body")
    coeff: sympy.Expr
    scalars: tuple[Expr, ...]
    body: Expr | None

    def __init__(self, coeff: sympy.Expr, scalars: tuple[Expr, ...], body: Expr | None):
        scalars = tuple(scalars)
        for s in scalars:
            require_scalar("scale", s)
        shape = dims.SCALAR_SHAPE if body is None else new_shape(*body.shape)
        self._setup((dims.number(coeff), scalars, body), shape)

    @property
    def factors(self) -> tuple[Expr, ...]:
        return self.scalars if self.body is None else (*self.scalars, self.body)


class MatMul(Expr):
    """A matrix product whose neighbouring factors chain (columns of one = rows of the next)."""

    __slots__ = ()
    _fields = ("factors",)
    factors: tuple[Expr, ...]

    def __init__(self, factors: tuple[Expr, ...]):
        factors = tuple(factors)
        if len(factors) < 2:
            raise ValueError("MatMul needs at least two factors")
        for left, right in zip(factors, factors[1:], strict=False):
            if not dims.same(left.cols, right.rows):
                raise shape_mismatch("shape.multiply", (left, right), differ(left.cols, right.rows))
        self._setup((factors,), new_shape(factors[0].rows, factors[-1].cols))


class Transpose(Expr):
    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        self._setup((arg,), new_shape(arg.cols, arg.rows))


class Inverse(Expr):
    __slots__ = ()
    _fields = ("arg",)
    arg: Expr

    def __init__(self, arg: Expr):
        require_square("inverse", arg)
        self._setup((arg,), new_shape(*arg.shape))


class MatPow(Expr):
    """A square matrix to a positive integer power k >= 2."""

    __slots__ = ()
    _fields = ("arg", "k")
    arg: Expr
    k: int

    def __init__(self, arg: Expr, k: int):
        require_square("matrix_power", arg)
        self._setup((arg, int(k)), new_shape(*arg.shape))


class Power(Expr):
    """A scalar raised to a scalar exponent."""

    __slots__ = ()
    _fields = ("base", "exponent")
    base: Expr
    exponent: Expr

    def __init__(self, base: Expr, exponent: Expr):
        require_scalar("raise", base)
        require_scalar("exponent", exponent)
        self._setup((base, exponent), dims.SCALAR_SHAPE)
