"""The trace identities of the trace trick, one row each, and the rewrite each performs.

A term of df is kept as tr(M E): E is the part that still contains dX, M what has been moved
out of it (None while nothing has). ``step(M, E)`` applies the one identity that peels the
outermost layer off E, until E is dX and the term reads tr(M dX) = tr(G^T dX).
"""

from __future__ import annotations

from collections.abc import Callable

from matdiff_magic.errors import Msg, NotApplicableError
from matdiff_magic.rules.rule import Rule, table
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

_row = table("trace")


SCALAR = _row(
    "tr.scalar",
    "a scalar is its own trace",
    "标量套上迹",
    r"a = \operatorname{tr}(a)",
    "df is a scalar, so it equals its trace; the trace of a sum is the sum of traces.",
    "df 是标量，等于它自己的迹；和的迹等于迹的和。",
)
LINEAR = _row(
    "tr.linear",
    "linearity of the trace",
    "迹的线性",
    r"\operatorname{tr}(A) \pm \operatorname{tr}(B) = \operatorname{tr}(A \pm B)",
    "Collect the terms under one trace.",
    "把各项合并到同一个迹里。",
)
TRANSPOSE = _row(
    "tr.transpose",
    "trace of a transpose",
    "迹的转置",
    r"\operatorname{tr}(A^{T}) = \operatorname{tr}(A)",
    "Transpose the whole product so that dX is no longer transposed.",
    "对整个乘积转置，使 dX 不再带转置。",
)
CYCLIC = _row(
    "tr.cyclic",
    "cyclic property of the trace",
    "迹的交换律",
    r"\operatorname{tr}(AB) = \operatorname{tr}(BA)",
    "Rotate the factors after dX to the front, so dX ends the product.",
    "把 dX 后面的因子轮换到最前面，使 dX 位于乘积末尾。",
)
SCALAR_FACTOR = _row(
    "tr.scalar_factor",
    "scalars move freely",
    "标量因子可自由移动",
    r"\operatorname{tr}(\alpha A) = \alpha \operatorname{tr}(A)",
    "Scalar factors commute with everything; move them into the coefficient.",
    "标量因子与任何量可交换，把它们移到系数中。",
)
HADAMARD = _row(
    "tr.hadamard",
    "Hadamard product and trace exchange",
    "矩阵乘法/逐元素乘法交换",
    r"\operatorname{tr}(A^{T}(B \odot C)) = \operatorname{tr}((A \odot B)^{T} C)",
    "Both sides equal the sum of A_ij B_ij C_ij.",
    "两边都等于 Σ A_ij B_ij C_ij。",
)
HADAMARD_DIV = _row(
    "tr.hadamard_div",
    "entrywise division and trace exchange",
    "逐元素除法与迹交换",
    r"\operatorname{tr}(A^{T}(C \oslash B)) = \operatorname{tr}((A \oslash B)^{T} C)",
    "Both sides equal the sum of A_ij C_ij / B_ij.",
    "两边都等于 Σ A_ij C_ij / B_ij。",
)
TRACE = _row(
    "tr.trace",
    "scalar multiple of a trace",
    "迹的数乘",
    r"\alpha \operatorname{tr}(A) = \operatorname{tr}(\alpha A)",
    "A scalar multiple of a trace is the trace of the multiple.",
    "迹的标量倍等于标量倍的迹。",
)
SUM = _row(
    "tr.sum",
    "sum of entries as a trace",
    "元素和写成迹",
    r"\operatorname{sum}(A) = \operatorname{tr}(\mathbf{1}^{T} A)",
    "Summing the entries is the inner product with the all-ones matrix.",
    "求元素和就是与全 1 矩阵做内积。",
)
DIAG = _row(
    "tr.diag",
    "diagonal and trace",
    "对角与迹",
    r"\operatorname{tr}(A \operatorname{diag}(x)) = \operatorname{diag}(A)^{T} x",
    "Only the diagonal of A meets the diagonal matrix.",
    "只有 A 的对角元与对角矩阵相乘。",
)
VEC = _row(
    "tr.vec",
    "vec and trace",
    "向量化与迹",
    r"a^{T} \operatorname{vec}(X) = \operatorname{tr}(\operatorname{vec}^{-1}(a)^{T} X)",
    "An inner product of vectors is the inner product of the reshaped matrices.",
    "向量的内积等于重排后矩阵的内积。",
)


def _mul(*parts: Expr | None) -> Expr | None:
    present = [p for p in parts if p is not None]
    return B.matmul(*present) if present else None


def _t(e: Expr | None) -> Expr | None:
    return None if e is None else B.transpose(e)


def _index(factors: tuple[Expr, ...], has: Callable[[Expr], bool]) -> int:
    found = [i for i, f in enumerate(factors) if has(f)]
    if len(found) != 1:
        raise AssertionError("a term of a differential must be linear in dX")
    return found[0]


def step(
    m: Expr | None, e: Expr, has: Callable[[Expr], bool]
) -> tuple[Rule | None, Expr | None, Expr]:
    """One trace identity applied to tr(M E): the rule used (None for mere regrouping), M', E'."""
    if (
        (m is None or m.is_scalar)
        and not e.is_scalar
        and isinstance(e, N.Hadamard | N.HadamardDiv | N.DiagMat | N.DiagVec | N.Vec | N.Unvec)
    ):
        # tr(α E) = tr((α I) E): the entrywise identities need M as a matrix, not a scaling.
        m = B.identity(e.rows) if m is None else B.mul(m, B.identity(e.rows))
    if isinstance(e, N.Transpose):
        return TRANSPOSE, _t(m), e.arg
    if isinstance(e, N.MatMul):
        factors = e.factors
        i = _index(factors, has)
        left = B.matmul(*factors[:i]) if i > 0 else None
        right = B.matmul(*factors[i + 1 :]) if i < len(factors) - 1 else None
        f = factors[i]
        if isinstance(f, N.Transpose):
            # tr(M L F^T R) = tr(R^T F L^T M^T) = tr(L^T M^T R^T F)
            return TRANSPOSE, _mul(_t(left), _t(m), _t(right)), f.arg
        if right is None:
            return None, _mul(m, left), f
        return CYCLIC, _mul(right, m, left), f
    if isinstance(e, N.Mul):
        factors = e.factors
        i = _index(factors, has)
        f = factors[i]
        others = B.make_mul(
            e.coeff,
            [s for j, s in enumerate(e.scalars) if j != i],
            e.body if i < len(e.scalars) else None,
        )
        if i == len(e.scalars) and e.body is not None:  # dX is in the body
            return SCALAR_FACTOR, _mul(m, others) if m is not None else others, f
        weight = others if m is None else B.trace(B.mul(m, others))
        return SCALAR_FACTOR, weight, f
    if isinstance(e, N.Hadamard):
        i = _index(e.factors, has)
        others = B.hadamard(*[f for j, f in enumerate(e.factors) if j != i])
        assert m is not None
        return HADAMARD, B.transpose(B.hadamard(B.transpose(m), others)), e.factors[i]
    if isinstance(e, N.HadamardDiv):
        if has(e.den):
            raise AssertionError("dX cannot be in a denominator of a differential")
        assert m is not None
        return HADAMARD_DIV, B.transpose(B.hadamard_div(B.transpose(m), e.den)), e.num
    if isinstance(e, N.Trace):
        return (None if m is None else TRACE), m, e.arg
    if isinstance(e, N.Sum):
        ones = B.ones(e.arg.cols, e.arg.rows)
        return SUM, ones if m is None else B.mul(m, ones), e.arg
    if isinstance(e, N.DiagMat):
        assert m is not None
        return DIAG, B.transpose(B.diag_vec(m)), e.arg
    if isinstance(e, N.DiagVec):
        assert m is not None
        return DIAG, B.diag_mat(B.transpose(m)), e.arg
    if isinstance(e, N.Vec):
        assert m is not None
        return VEC, B.transpose(B.unvec(B.transpose(m), e.arg.rows, e.arg.cols)), e.arg
    if isinstance(e, N.Unvec):
        assert m is not None
        return VEC, B.transpose(B.vec(B.transpose(m))), e.arg
    if isinstance(e, N.Kron):
        raise NotApplicableError(Msg("reason.trace_kronecker"))
    raise AssertionError(f"unexpected {type(e).__name__} around dX in a differential")
