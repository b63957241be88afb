"""Linear maps and their transposes: how the trace trick and vectorization move dX out.

A term of df that is linear in dX reads tr(M L(E)) in the trace trick and J vec(L(E)) in
vectorization, where L is the outermost node around the part E that contains dX. Each node type
that can stand there has a pair of steps, registered together by :func:`deflinear` as JAX keeps a
linear primitive's forward rule and its transpose together:

- ``trace(M, L(E))`` gives tr(M L(E)) = tr(M' E): M' is the adjoint L* applied to Mᵀ, transposed,
  since tr(Mᵀᵀ L(E)) = ⟨Mᵀ, L(E)⟩ = ⟨L*(Mᵀ), E⟩;
- ``vec(J, L(E))`` gives J vec(L(E)) = J' vec(E): J' is J times the matrix of L.

M and J are None while nothing has been moved out. Lookup walks the class hierarchy, so a node
type defined in its own module registers its pair there. ``tests/test_adjoints.py`` checks every
pair numerically against the identity it claims.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree import build as B
from matdiff_magic.tree.base import Expr

Has = Callable[[Expr], bool]
Weight = Expr | None  # M or J: what has been moved out so far (None while nothing has)
Step = Callable[[Expr | None, Expr, Has], tuple[Rule | None, Expr | None, Expr]]


@dataclass(frozen=True)
class LinearPair:
    """The two steps of one node type. ``matrix_weight``: the trace step needs M as a matrix
    (tr(α E) is rewritten tr((α I) E) first), as the entrywise identities do."""

    node: type
    trace: Step
    vec: Step
    matrix_weight: bool = False


PAIRS: dict[type, LinearPair] = {}


def deflinear(node: type, *, trace: Step, vec: Step, matrix_weight: bool = False) -> LinearPair:
    """Register the trace step (the adjoint) and the vectorization step (the matrix) of a node
    type that d can find around dX."""
    pair = LinearPair(node, trace, vec, matrix_weight)
    PAIRS[node] = pair
    return pair


def pair_for(node_type: type) -> LinearPair | None:
    """The pair of a node type or of its nearest registered base class."""
    for cls in node_type.__mro__:
        if cls in PAIRS:
            return PAIRS[cls]
    return None


def _pair(e: Expr) -> LinearPair:
    pair = pair_for(type(e))
    if pair is None:
        raise AssertionError(f"unexpected {type(e).__name__} around dX in a differential")
    return pair


def trace_step(m: Expr | None, e: Expr, has: Has) -> tuple[Rule | None, Expr | None, Expr]:
    """One trace identity applied to tr(M E): the rule used (None for mere regrouping), M', E'."""
    pair = _pair(e)
    if pair.matrix_weight and (m is None or m.is_scalar) and not e.is_scalar:
        m = B.identity(e.rows) if m is None else B.mul(m, B.identity(e.rows))
    return pair.trace(m, e, has)


def vec_step(j: Expr | None, e: Expr, has: Has) -> tuple[Rule | None, Expr | None, Expr]:
    """One vectorization identity applied to J vec(E): the rule used, J', E'."""
    return _pair(e).vec(j, e, has)


def times(*parts: Expr | None) -> Expr | None:
    """The matrix product of the parts present (None when none is)."""
    present = [p for p in parts if p is not None]
    return B.matmul(*present) if present else None


def transposed(e: Expr | None) -> Expr | None:
    return None if e is None else B.transpose(e)


def index_of_dx(factors: tuple[Expr, ...], has: Has) -> int:
    """The position of the one factor that contains dX."""
    found = [i for i, f in enumerate(factors) if has(f)]
    if len(found) != 1:
        raise AssertionError("a term of a differential must be linear in dX")
    return found[0]


__all__ = [
    "PAIRS",
    "Weight",
    "LinearPair",
    "deflinear",
    "index_of_dx",
    "pair_for",
    "times",
    "trace_step",
    "transposed",
    "vec_step",
]
