"""Leaves of the tree: variables, numbers, constant matrices (I, 0, 𝟏, K), differentials dX,
named symbols shown in derivations, and definitions kept by name."""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.errors import ShapeError
from matdiff_magic.messages import Msg
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.shapes import (
    new_shape,
)

# -- leaves ---------------------------------------------------------------------------------


# Structures a square variable may be declared with; each is symmetric (Sᵀ = S as a value).
SQUARE_STRUCTURES = ("symmetric", "spd", "diagonal")
# Facts a vector may be declared with (tree/textbook_facts.py uses them): onehot(k) (one entry
# 1, the others 0), simplex(k) (entries >= 0 summing to 1, also spelled prob(k)), pm1(k)
# (entries ±1). Column vectors, not symmetric matrices.
VECTOR_FACTS = ("onehot", "simplex", "pm1")
# Facts that leave nothing to differentiate: the variable takes isolated values.
DISCRETE_FACTS = ("onehot", "pm1")
STRUCTURES = SQUARE_STRUCTURES + VECTOR_FACTS


class Var(Expr):
    """A named variable. ``structure`` records a ``symmetric(n)``, ``spd(n)`` (symmetric
    positive definite) or ``diagonal(n)`` declaration, all three symmetric, or a fact about a
    column vector: ``onehot(k)``, ``simplex(k)``, ``pm1(k)`` ("" for none)."""

    __slots__ = ()
    _fields = ("name", "rows_dim", "cols_dim", "structure")
    name: str
    structure: str

    def __init__(
        self, name: str, rows: sympy.Expr, cols: sympy.Expr, symmetric: bool | str = False
    ):
        structure = "symmetric" if symmetric is True else (symmetric or "")
        if structure and structure not in STRUCTURES:
            raise ValueError(f"unknown structure {structure!r}")
        if structure in SQUARE_STRUCTURES and not dims.same(rows, cols):
            raise ShapeError(Msg("shape.symmetric_square", name=name))
        if structure in VECTOR_FACTS and cols != dims.ONE:
            raise ShapeError(Msg("shape.fact_vector", name=name, fact=structure))
        self._setup((name, rows, cols, structure), new_shape(rows, cols))

    @property
    def symmetric(self) -> bool:
        """Whether the value equals its transpose (every square structure is symmetric)."""
        return self.structure in SQUARE_STRUCTURES

    @property
    def fact(self) -> str:
        """The declared fact of a vector (onehot, simplex, pm1), "" for none."""
        return self.structure if self.structure in VECTOR_FACTS else ""


class Const(Expr):
    """A number (or a dimension such as ``n`` from tr(I_n)); always a scalar."""

    __slots__ = ()
    _fields = ("value",)
    value: sympy.Expr

    def __init__(self, value: sympy.Expr):
        self._setup((dims.number(value),), dims.SCALAR_SHAPE)


class Identity(Expr):
    __slots__ = ()
    _fields = ("n",)
    n: sympy.Expr

    def __init__(self, n: sympy.Expr):
        self._setup((n,), new_shape(n, n))


class Zero(Expr):
    __slots__ = ()
    _fields = ("rows_dim", "cols_dim")

    def __init__(self, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((rows, cols), new_shape(rows, cols))


class Ones(Expr):
    """The all-ones matrix (a vector of ones when one dimension is 1)."""

    __slots__ = ()
    _fields = ("rows_dim", "cols_dim")

    def __init__(self, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((rows, cols), new_shape(rows, cols))


class Commutation(Expr):
    """The commutation matrix K_{m,n}: K vec(A) = vec(A^T) for A of size m×n."""

    __slots__ = ()
    _fields = ("m", "n")
    m: sympy.Expr
    n: sympy.Expr

    def __init__(self, m: sympy.Expr, n: sympy.Expr):
        size = dims.resolve(m) * dims.resolve(n)
        self._setup((m, n), (size, size))


class Differential(Expr):
    """The differential dX of a variable: a leaf (X inside it is not a child)."""

    __slots__ = ()
    _fields = ("var",)
    var: Var

    def __init__(self, var: Var):
        self._setup((var,), var.shape)

    @property
    def args(self) -> tuple[Expr, ...]:
        return ()

    def with_args(self, args: tuple[Expr, ...]) -> Expr:
        return self


class Opaque(Expr):
    """A named quantity shown as given LaTeX/text, e.g. ∂f/∂Y in a chain-rule step."""

    __slots__ = ()
    _fields = ("key", "latex", "text", "rows_dim", "cols_dim")
    key: str
    latex: str
    text: str

    def __init__(self, key: str, latex: str, text: str, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((key, latex, text, rows, cols), new_shape(rows, cols))


class Named(Expr):
    """A definition kept by its name (``e7 = sin(e6) + e6``): it prints as the name and means
    its body. The body is not a child: rewrites and printers leave it as the user wrote it,
    evaluation and code generation read it. Results keep such names where writing the body out
    would repeat it."""

    __slots__ = ()
    _fields = ("name", "body")
    name: str
    body: Expr

    def __init__(self, name: str, body: Expr):
        self._setup((name, body), new_shape(*body.shape))

    @property
    def args(self) -> tuple[Expr, ...]:
        return ()

    def with_args(self, args: tuple[Expr, ...]) -> Expr:
        return self
