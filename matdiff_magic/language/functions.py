"""The functions the language knows: one row each. The entrywise ones come from their own
table; each operation of ``matdiff_magic/operations`` registers its names from its module."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matdiff_magic import dims
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE


@dataclass(frozen=True)
class FunctionSpec:
    name: str
    arity: int
    build: Callable[..., Expr]
    summary: str
    aliases: tuple[str, ...] = ()
    scalar: bool = False  # a scalar whatever the argument (the parser's depth bookkeeping)
    most: int | None = None  # the most arguments, if more than ``arity`` (the fewest) are allowed
    sizes: bool = False  # the arguments are sizes (ones(m, n)), not expressions
    size_args: tuple[int, ...] = ()  # which arguments are sizes when only some are (unvec)


def _like(a: Expr, other: Expr) -> Expr:
    """A scalar beside a vector or matrix stands for that number in every entry."""
    return B.mul(a, B.ones_like(other)) if a.is_scalar and not other.is_scalar else a


def _maximum(a: Expr, b: Expr) -> Expr:
    """max(A, B) entrywise, written with the one primitive relu: B + relu(A - B), so that
    max(0, z) is relu(z) and the derivative at a tie is B's (the one-sided convention)."""
    a, b = _like(a, b), _like(b, a)
    if isinstance(b, N.Zero):
        return B.elementwise("relu", a)
    if isinstance(a, N.Zero):
        return B.elementwise("relu", b)
    return B.add(b, B.elementwise("relu", B.sub(a, b)))


def _minimum(a: Expr, b: Expr) -> Expr:
    """min(A, B) = -max(-A, -B), entrywise."""
    return B.neg(_maximum(B.neg(a), B.neg(b)))


def _ones(rows: object, cols: object = None) -> Expr:
    return B.ones(rows, dims.ONE if cols is None else cols)


def _mean(a: Expr) -> Expr:
    return B.scale(1 / (a.rows * a.cols), B.total(a))


_ROWS = [
    FunctionSpec("ones", 1, _ones, "ones(n): a column of ones; ones(m, n)", most=2, sizes=True),
    FunctionSpec("eye", 1, B.identity, "eye(n): the n×n identity (also written I_n)", sizes=True),
    FunctionSpec(
        "commutation", 2, B.commutation, "commutation(m, n): K_(m,n), vec(Aᵀ) = K vec(A)",
        sizes=True,
    ),
    FunctionSpec("mean", 1, _mean, "mean of all entries", scalar=True),
    FunctionSpec("max", 2, _maximum, "entrywise maximum; either side may be a scalar"),
    FunctionSpec("min", 2, _minimum, "entrywise minimum; either side may be a scalar"),
]
for _f in ELEMENTWISE.values():
    _ROWS.append(
        FunctionSpec(
            _f.name,
            1,
            (lambda name: lambda a: B.elementwise(name, a))(_f.name),
            f"{_f.name_en}, entrywise",
            _f.aliases,
        )
    )

FUNCTIONS: dict[str, FunctionSpec] = {}
for _row in _ROWS:
    FUNCTIONS[_row.name] = _row
    for _alias in _row.aliases:
        FUNCTIONS[_alias] = _row

FUNCTION_NAMES = sorted(FUNCTIONS)


# X^p of a square matrix for a non-integer p: installed by the matrix functions' module
# (operations/matrix_function.py); None while nothing is installed.
MATRIX_POWER: list[Callable[[Expr, object], Expr]] = []


def set_matrix_power(build: Callable[[Expr, object], Expr]) -> None:
    """Install how X^p is built for a real, non-integer p (a square X)."""
    MATRIX_POWER[:] = [build]


def register_function(spec: FunctionSpec) -> None:
    """Add a function to the language (a node type defined in its own module names itself)."""
    for name in (spec.name, *spec.aliases):
        FUNCTIONS[name] = spec
    FUNCTION_NAMES[:] = sorted(FUNCTIONS)  # in place: the parser holds this list
