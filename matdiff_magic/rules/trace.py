"""The trace identities of the trace trick, one row each.

A term of df is kept as tr(M E): E is the part that still contains dX, M what has been moved
out of it. Each operation's trace step (its adjoint, ``adjoint.py``; the steps themselves are
in the operations' modules, ``matdiff_magic/operations``) peels the outermost layer off E and
names the identity it used, until the term reads tr(M dX) = tr(G^T dX).
"""

from __future__ import annotations

from matdiff_magic.rules.rule import table

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
