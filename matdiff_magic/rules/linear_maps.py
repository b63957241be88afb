"""The linear operations, one block each: the differential rule (d L(X) = L(dX)), the trace step
(the adjoint L*) and the vectorization step (the matrix of L).

A block is all the trace trick and vectorization need to know of an operation; the identity each
step names is a row of ``trace.py`` or ``vectorization.py``. The multilinear products are in
``linear_products.py``.
"""

from __future__ import annotations

from matdiff_magic.dims import ONE
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import Has, deflinear, times, transposed
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

Weight = Expr | None

# -- transpose --------------------------------------------------------------------------------
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


def _trace_transpose(m: Weight, e: Expr, has: Has):
    return T.TRANSPOSE, transposed(m), e.arg


def _vec_transpose(j: Weight, e: Expr, has: Has):
    f = e.arg
    if f.rows == ONE or f.cols == ONE:  # vec(xᵀ) = x: K_{n,1} is the identity
        return V.ROW, j, f
    return V.TRANSPOSE, times(j, B.commutation(f.rows, f.cols)), f


deflinear(N.Transpose, trace=_trace_transpose, vec=_vec_transpose)

# -- trace ------------------------------------------------------------------------------------
row(
    "d.trace",
    N.Trace,
    "trace rule",
    "迹的微分",
    r"\mathrm{d}\operatorname{tr}(X) = "
    r"\operatorname{tr}(\mathrm{d}X)",
    "d and tr commute: both are linear.",
    "微分与迹可以交换次序（两者都是线性运算）。",
    lambda e, d: B.trace(d(e.arg)),
)


def _trace_trace(m: Weight, e: Expr, has: Has):
    return (None if m is None else T.TRACE), m, e.arg


def _vec_trace(j: Weight, e: Expr, has: Has):
    return V.TRACE, times(j, B.transpose(B.vec(B.identity(e.arg.rows)))), e.arg


deflinear(N.Trace, trace=_trace_trace, vec=_vec_trace)

# -- sum of entries ---------------------------------------------------------------------------
row(
    "d.sum_entries",
    N.Sum,
    "sum of entries rule",
    "元素和的微分",
    r"\mathrm{d}\operatorname{sum}(X) = \operatorname{sum}(\mathrm{d}X)",
    "Summing the entries is linear.",
    "求元素和是线性运算。",
    lambda e, d: B.total(d(e.arg)),
)


def _trace_sum(m: Weight, e: Expr, has: Has):
    ones = B.ones(e.arg.cols, e.arg.rows)
    return T.SUM, ones if m is None else B.mul(m, ones), e.arg


def _vec_sum(j: Weight, e: Expr, has: Has):
    return V.SUM, times(j, B.ones(ONE, e.arg.rows * e.arg.cols)), e.arg


deflinear(N.Sum, trace=_trace_sum, vec=_vec_sum)

# -- vec and its inverse ----------------------------------------------------------------------
row(
    "d.vec",
    N.Vec,
    "vec rule",
    "向量化的微分",
    r"\mathrm{d}\operatorname{vec}(X) = \operatorname{vec}(\mathrm{d}X)",
    "vec is linear.",
    "vec 是线性运算。",
    lambda e, d: B.vec(d(e.arg)),
)
row(
    "d.unvec",
    N.Unvec,
    "reshape rule",
    "重排的微分",
    r"\mathrm{d}\operatorname{vec}^{-1}(x) = \operatorname{vec}^{-1}(\mathrm{d}x)",
    "Reshaping is linear.",
    "重排是线性运算。",
    lambda e, d: B.unvec(d(e.arg), e.m, e.n),
)


def _trace_vec(m: Weight, e: Expr, has: Has):
    assert m is not None
    return T.VEC, B.transpose(B.unvec(B.transpose(m), e.arg.rows, e.arg.cols)), e.arg


def _trace_unvec(m: Weight, e: Expr, has: Has):
    assert m is not None
    return T.VEC, B.transpose(B.vec(B.transpose(m))), e.arg


def _vec_reshape(j: Weight, e: Expr, has: Has):
    return V.VEC, j, e.arg


deflinear(N.Vec, trace=_trace_vec, vec=_vec_reshape, matrix_weight=True)
deflinear(N.Unvec, trace=_trace_unvec, vec=_vec_reshape, matrix_weight=True)

# -- diag: vector to diagonal matrix, and matrix to its diagonal -------------------------------
row(
    "d.diag_mat",
    N.DiagMat,
    "diag rule",
    "对角矩阵的微分",
    r"\mathrm{d}\operatorname{diag}(x) = \operatorname{diag}(\mathrm{d}x)",
    "diag is linear.",
    "diag 是线性运算。",
    lambda e, d: B.diag_mat(d(e.arg)),
)
row(
    "d.diag_vec",
    N.DiagVec,
    "diagonal rule",
    "取对角元的微分",
    r"\mathrm{d}\operatorname{diag}(X) = \operatorname{diag}(\mathrm{d}X)",
    "Taking the diagonal is linear.",
    "取对角元是线性运算。",
    lambda e, d: B.diag_vec(d(e.arg)),
)


def _trace_diag_mat(m: Weight, e: Expr, has: Has):
    assert m is not None
    return T.DIAG, B.transpose(B.diag_vec(m)), e.arg


def _vec_diag_mat(j: Weight, e: Expr, has: Has):
    n = e.arg.rows
    embed = B.matmul(B.diag_mat(B.vec(B.identity(n))), B.kron(B.ones(n, ONE), B.identity(n)))
    return V.DIAG, times(j, embed), e.arg


def _trace_diag_vec(m: Weight, e: Expr, has: Has):
    assert m is not None
    return T.DIAG, B.diag_mat(B.transpose(m)), e.arg


def _vec_diag_vec(j: Weight, e: Expr, has: Has):
    n = e.arg.rows
    pick = B.matmul(B.kron(B.ones(ONE, n), B.identity(n)), B.diag_mat(B.vec(B.identity(n))))
    return V.DIAG, times(j, pick), e.arg


deflinear(N.DiagMat, trace=_trace_diag_mat, vec=_vec_diag_mat, matrix_weight=True)
deflinear(N.DiagVec, trace=_trace_diag_vec, vec=_vec_diag_vec, matrix_weight=True)
