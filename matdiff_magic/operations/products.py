"""The matrix product and the transpose."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.dims import ONE
from matdiff_magic.index.convert import summed
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing import numpy_printer as C
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import Has, Weight, deflinear, index_of_dx, times, transposed
from matdiff_magic.rules.diffrule import Differentiate, product_rule, row
from matdiff_magic.to_sympy import scalar
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


# -- matrix product -------------------------------------------------------------------------------
def _base_mat_mul(self, e: N.MatMul) -> str:
    return self.PRODUCT_SEP.join(self._factor(f) for f in e.factors)


def _numpy_mat_mul(self, e: N.MatMul) -> tuple[str, int]:
    parts = [self.operand(f, C.MUL if i == 0 else C.MUL + 1) for i, f in enumerate(e.factors)]
    return " @ ".join(parts), C.MUL


def _jax_mat_mul(self, e: N.MatMul) -> tuple[str, int]:
    """Mᵀ v as (vᵀ M)ᵀ: XLA on CPU transposes M first otherwise (10x slower at n = 1000)."""
    if len(e.factors) == 2 and isinstance(e.factors[0], N.Transpose) and e.cols == ONE:
        v, m = self.operand(e.factors[1], C.ATOM), self.operand(e.factors[0].arg, C.MUL + 1)
        return f"({v}.T @ {m}).T", C.ATOM
    return _numpy_mat_mul(self, e)


def _eval_mat_mul(self, e: N.MatMul) -> np.ndarray:
    factors = [self(f) for f in e.factors]
    if 2 < len(factors) <= 8:
        return np.linalg.multi_dot(factors)  # its ordering search is cubic in the length
    out = factors[0]
    for f in factors[1:]:
        out = out @ f
    return out


def _sympy_matmul(e, go):
    out = sympy.MatMul(*[go(f) for f in e.factors])
    return scalar(out) if e.is_scalar else out


def _entry_matmul(c, e, i, j):
    """(A B C)_ij = Σ_pq A_ip B_pq C_qj."""
    factors = e.factors
    inner = [(c.space.fresh(f.cols), f.cols) for f in factors[:-1]]
    idx = [i, *[s for s, _ in inner], j]
    body = sympy.Mul(*[c.entry(f, idx[t], idx[t + 1]) for t, f in enumerate(factors)])
    return summed(body, inner)


def _d_product(node: Expr, d: Differentiate) -> Expr:
    return product_rule(node, d, B.matmul)


def _trace_matmul(m: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    left = B.matmul(*factors[:i]) if i > 0 else None
    right = B.matmul(*factors[i + 1 :]) if i < len(factors) - 1 else None
    f = factors[i]
    if isinstance(f, N.Transpose):
        # tr(M L F^T R) = tr(R^T F L^T M^T) = tr(L^T M^T R^T F)
        return T.TRANSPOSE, times(transposed(left), transposed(m), transposed(right)), f.arg
    if right is None:
        return None, times(m, left), f
    return T.CYCLIC, times(right, m, left), f


def _vec_matmul(j: Weight, e: Expr, has: Has):
    factors = e.factors
    i = index_of_dx(factors, has)
    f = factors[i]
    left = factors[:i]
    right = factors[i + 1 :]
    if f.cols == ONE and not right:
        return V.COLUMN, times(j, B.matmul(*left)), f
    if f.rows == ONE and not left:
        return V.ROW, times(j, B.transpose(B.matmul(*right))), B.transpose(f)
    if not left or not right:
        # Show the identity that makes dX the filling: A dX -> A dX I, dX B -> I dX B.
        filled = (*left, f, N.Identity(f.cols)) if not right else (N.Identity(f.rows), f, *right)
        return V.SANDWICH, j, N.MatMul(filled)
    outer = N.Kron(N.Transpose(_as_written(right)), _as_written(left))
    return V.KRON, times(j, outer), f


def _as_written(factors: tuple[Expr, ...]) -> Expr:
    """A product kept as written (raw), so the step shows (B^T ⊗ A) before simplifying."""
    if len(factors) == 1:
        return factors[0]
    return N.MatMul(tuple(factors))


define(
    N.MatMul,
    evaluate=_eval_mat_mul,
    latex=_base_mat_mul,
    text=_base_mat_mul,
    code={"*": _numpy_mat_mul, "jax": _jax_mat_mul},
    sympy=_sympy_matmul,
    entry=_entry_matmul,
    precedence=P.MUL,
)
row(
    "d.product",
    N.MatMul,
    "product rule",
    "乘法法则",
    r"\mathrm{d}(XY) = (\mathrm{d}X) Y + X\, \mathrm{d}Y",
    "Differentiate one factor at a time, keeping the order of the factors.",
    "逐个因子求微分，保持因子的先后次序不变。",
    _d_product,
)
deflinear(N.MatMul, trace=_trace_matmul, vec=_vec_matmul)


# -- transpose ------------------------------------------------------------------------------------
def _latex_transpose(self, e: N.Transpose) -> str:
    if isinstance(e.arg, N.Inverse) and not isinstance(e.arg.arg, N.MatPow):
        return self._base(e.arg.arg) + "^{-T}"
    if isinstance(e.arg, N.Differential):
        return self._print(e.arg) + "^{T}"
    return self._base(e.arg) + "^{T}"


def _text_transpose(self, e: N.Transpose) -> str:
    if isinstance(e.arg, N.Inverse) and not isinstance(e.arg.arg, N.MatPow):
        return self._base(e.arg.arg) + "⁻ᵀ"
    if isinstance(e.arg, N.Differential):
        return self._print(e.arg) + "ᵀ"
    return self._base(e.arg) + "ᵀ"


def _ascii_transpose(self, e: N.Transpose) -> str:
    if isinstance(e.arg, N.Inverse) and not isinstance(e.arg.arg, N.MatPow):
        return self._base(e.arg.arg) + "^-T"
    if isinstance(e.arg, N.Differential):
        return self._print(e.arg) + "'"
    return self._base(e.arg) + "'"


def _numpy_transpose(self, e: N.Transpose) -> tuple[str, int]:
    return self.operand(e.arg, C.ATOM) + ".T", C.ATOM


def _eval_transpose(self, e: N.Transpose) -> np.ndarray:
    return self(e.arg).T


def _trace_transpose(m: Weight, e: Expr, has: Has):
    return T.TRANSPOSE, transposed(m), e.arg


def _vec_transpose(j: Weight, e: Expr, has: Has):
    f = e.arg
    if f.rows == ONE or f.cols == ONE:  # vec(xᵀ) = x: K_{n,1} is the identity
        return V.ROW, j, f
    return V.TRANSPOSE, times(j, B.commutation(f.rows, f.cols)), f


define(
    N.Transpose,
    evaluate=_eval_transpose,
    latex=_latex_transpose,
    text=_text_transpose,
    ascii=_ascii_transpose,
    code={"*": _numpy_transpose},
    sympy=lambda e, go: sympy.Transpose(go(e.arg)),
    entry=lambda c, e, i, j: c.entry(e.arg, j, i),
    precedence=P.POW,
)
row(
    "d.transpose",
    N.Transpose,
    "transpose rule",
    "转置法则",
    r"\mathrm{d}(X^{T}) = (\mathrm{d}X)^{T}",
    "The differential of a transpose is the transpose of the differential.",
    "转置的微分等于微分的转置。",
    lambda e, d: B.transpose(d(e.arg)),
)
deflinear(N.Transpose, trace=_trace_transpose, vec=_vec_transpose)
