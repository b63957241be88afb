"""What the left-hand side of a derivation line means, so that a checker can compute it.

A derivation line ``lhs = expr`` claims that ``expr`` equals the quantity ``lhs`` names: the
function's value, its differential along dX, its derivative in some layout, its Hessian, or (in
the definition method) "the terms containing x_k", whose explicit x_k has the partial derivative
of the whole function. A :class:`Claim` says which, about which function and variable, as data;
``verify`` computes the quantity independently (by finite differences of the function, never from
the derivation) and compares every line with it. Methods attach a claim to every new left-hand
side; continuation lines (``= ...``) inherit it.
"""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

VALUE = "value"  # lhs = f
DIFFERENTIAL = "differential"  # lhs = df along the directions of the variables (vec(df) if vec)
DERIVATIVE = "derivative"  # lhs = ∂f/∂x in ``orientation`` ("numerator", "denominator", "vec")
HESSIAN = "hessian"  # lhs = d vec(g)/d vec(x)ᵀ for the gradient expression g
OCCURRENCES = "occurrences"  # the explicit x_k of lhs have the partial derivatives of f

KINDS = (VALUE, DIFFERENTIAL, DERIVATIVE, HESSIAN, OCCURRENCES)


@dataclass(frozen=True)
class Claim:
    """The quantity a left-hand side names.

    ``f`` is the function the line is about, in terms of the problem's variables or of
    intermediates (which the checker binds to their values); ``wrt`` the variable it is
    differentiated with respect to. ``orientation`` is "numerator" or "denominator" (the
    layout's arrangement, as ``Result.evaluate`` returns it) or "vec" (d vec(f)/d vec(x)ᵀ whatever
    the kinds); ``vec`` asks for vec(df); ``transposed`` for the transpose of the quantity.
    ``structure`` says how a derivative with respect to a structured variable is meant: ""
    (every entry free), "sym" (along symmetric directions), "entries" (with respect to each
    distinct entry, S_ij and S_ji moving together) or "diagonal" (along diagonal directions).
    """

    kind: str
    f: Expr
    wrt: N.Var | None = None
    orientation: str = "numerator"
    vec: bool = False
    transposed: bool = False
    structure: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown claim kind {self.kind!r}")
        if self.kind in (DERIVATIVE, HESSIAN, OCCURRENCES) and self.wrt is None:
            raise ValueError(f"a {self.kind} claim needs the variable")


def value(f: Expr) -> Claim:
    return Claim(VALUE, f)


def differential(f: Expr, vec: bool = False) -> Claim:
    return Claim(DIFFERENTIAL, f, vec=vec and not f.cols == 1)


def derivative(
    f: Expr, wrt: N.Var, orientation: str, transposed: bool = False, structure: str = ""
) -> Claim:
    return Claim(DERIVATIVE, f, wrt, orientation, transposed=transposed, structure=structure)


def hessian(gradient: Expr, wrt: N.Var) -> Claim:
    return Claim(HESSIAN, gradient, wrt, "vec")


def occurrences(f: Expr, wrt: N.Var, orientation: str) -> Claim:
    return Claim(OCCURRENCES, f, wrt, orientation)
