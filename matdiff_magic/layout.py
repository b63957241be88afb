"""Layouts as a pure transform of a finished result (it never re-derives).

numerator: the derivative has the rows of the numerator (Jacobian convention).
denominator: the transpose of numerator layout (gradient convention).
mixed: scalar-by-vector and scalar-by-matrix in denominator layout, everything else in
numerator layout, as in machine learning.
"""

from __future__ import annotations

from matdiff_magic import claims, notation
from matdiff_magic.derivation import Derivation, Step
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules.simplifications import simplified
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

LAYOUTS = ("numerator", "denominator", "mixed")


def check_layout(layout: str) -> str:
    if layout not in LAYOUTS:
        raise MatDiffError(Msg("api.unknown_layout", layout=layout, choices=", ".join(LAYOUTS)))
    return layout


def orientation(layout: str, f_kind: str, x_kind: str) -> str:
    """numerator or denominator: what ``layout`` means for this kind of derivative."""
    check_layout(layout)
    if layout == "mixed":
        if f_kind == "scalar" and x_kind in ("vector", "matrix"):
            return notation.DENOMINATOR
        return notation.NUMERATOR
    return layout


def transform(
    value: Expr,
    natural: str,
    wanted: str,
    steps: Derivation,
    fname: str,
    f: Expr,
    wrt: N.Var,
) -> tuple[Expr, Derivation]:
    """The value (and steps) in orientation ``wanted``, transposing when it differs; ``f`` is
    the function differentiated (what the new line's derivative is of)."""
    f_shape = f.shape
    both_scalar = notation.kind_of(f_shape) == "scalar" and notation.kind_of(wrt.shape) == "scalar"
    if natural == "hessian" or wanted == natural or both_scalar:
        return value, Derivation(steps)
    new, used = simplified(B.transpose(value))
    lhs = notation.derivative(fname, f_shape, wrt, wanted)
    out = Derivation(steps)
    last = steps[-1].claim if steps else None
    claim = claims.derivative(f, wrt, wanted, structure=last.structure if last else "")
    out.append(Step(lhs, N.Transpose(value), (C.LAYOUT,), "=", True, claim=claim))
    if new != N.Transpose(value):
        out.append(Step(lhs, new, used, "=", False, claim=claim))
    return new, out
