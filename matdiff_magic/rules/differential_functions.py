"""The differential rules of functions acting on vectors and entries: softmax and log-sum-exp
(of a vector, and of a batch column by column), log ∘ softmax, and one row per entrywise
function made from its row in ``tree/elementwise.py``."""

from __future__ import annotations

from matdiff_magic import dims
from matdiff_magic.rules.diffrule import Differentiate, DiffRule, row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE, ElementwiseFunction


def _softmax(node: Expr, d: Differentiate) -> Expr:
    s = node
    jac = B.sub(B.diag_mat(s), B.matmul(s, B.transpose(s)))
    return B.matmul(jac, d(node.arg))


def _column_sums(e: Expr) -> Expr:
    """𝟏ᵀ E: the row of the column sums."""
    return B.matmul(B.ones(dims.ONE, e.rows), e)


def _softmax_columns(node: Expr, d: Differentiate) -> Expr:
    s, dz = node, d(node.arg)
    weighted = B.hadamard(s, dz)
    spread = B.matmul(B.ones(s.rows, dims.ONE), _column_sums(weighted))
    return B.sub(weighted, B.hadamard(s, spread))


def _logsumexp_columns(node: Expr, d: Differentiate) -> Expr:
    return _column_sums(B.hadamard(B.softmax(node.arg), d(node.arg)))


def _logsumexp(node: Expr, d: Differentiate) -> Expr:
    x = node.arg
    if x.is_column:
        return B.matmul(B.transpose(B.softmax(x)), d(x))
    e = B.elementwise("exp", x)
    return B.mul(B.power(B.total(e), B.const(-1)), B.total(B.hadamard(e, d(x))))


row(
    "d.softmax",
    N.Softmax,
    "softmax rule",
    "softmax 的微分",
    r"\mathrm{d}\operatorname{softmax}(z) = (\operatorname{diag}(s) - s s^{T})\, \mathrm{d}z,"
    r"\ s = \operatorname{softmax}(z)",
    "The Jacobian of softmax is diag(s) - s s^T.",
    "softmax 的雅可比矩阵是 diag(s) - s s^T。",
    _softmax,
)
row(
    "d.logsumexp",
    N.LogSumExp,
    "log-sum-exp rule",
    "logsumexp 的微分",
    r"\mathrm{d}\operatorname{logsumexp}(z) = \operatorname{softmax}(z)^{T}\, \mathrm{d}z",
    "The gradient of log-sum-exp is softmax.",
    "logsumexp 的梯度是 softmax。",
    _logsumexp,
)


row(
    "d.softmax.columns",
    None,
    "softmax rule, column by column",
    "逐列 softmax 的微分",
    r"\mathrm{d}S = S \odot \mathrm{d}Z"
    r" - S \odot (\mathbf{1} \mathbf{1}^{T} (S \odot \mathrm{d}Z)),\ S = \operatorname{softmax}(Z)",
    "Each column of Z is a sample: column j has ds_j = (diag(s_j) - s_j s_jᵀ) dz_j, which for "
    "all columns at once is S ⊙ dZ - S ⊙ (𝟏 𝟏ᵀ (S ⊙ dZ)).",
    "Z 的每一列是一个样本：第 j 列有 ds_j = (diag(s_j) - s_j s_jᵀ) dz_j，"
    "所有列合在一起写成 S ⊙ dZ - S ⊙ (𝟏 𝟏ᵀ (S ⊙ dZ))。",
    _softmax_columns,
)

row(
    "d.logsumexp.columns",
    None,
    "log-sum-exp rule, column by column",
    "逐列 logsumexp 的微分",
    r"\mathrm{d}\operatorname{logsumexp}(Z) = \mathbf{1}^{T} (\operatorname{softmax}(Z) \odot "
    r"\mathrm{d}Z)",
    "logsumexp of each column has the gradient softmax of that column: the row of column "
    "sums of softmax(Z) ⊙ dZ.",
    "每一列的 logsumexp 的梯度是该列的 softmax：即 softmax(Z) ⊙ dZ 的各列之和组成的行向量。",
    _logsumexp_columns,
)


def _log_softmax(node: Expr, d: Differentiate) -> Expr:
    z = node.arg.arg
    s = B.softmax(z)
    jac = B.sub(B.identity(z.rows), B.matmul(B.ones(z.rows, dims.ONE), B.transpose(s)))
    return B.matmul(jac, d(z))


row(
    "d.log_softmax",
    None,
    "log-softmax rule",
    "log-softmax 的微分",
    r"\mathrm{d}\log\operatorname{softmax}(z) = (I - \mathbf{1} \operatorname{softmax}(z)^{T})"
    r"\, \mathrm{d}z",
    "log softmax(z) = z - 1 logsumexp(z), whose differential is (I - 1 softmax(z)^T) dz.",
    "log softmax(z) = z - 1 logsumexp(z)，其微分为 (I - 1 softmax(z)^T) dz。",
    _log_softmax,
)


def _entrywise_rule(f: ElementwiseFunction) -> DiffRule:
    note_en = f" ({f.note_en})" if f.note_en else ""
    note_zh = f"（{f.note_zh}）" if f.note_zh else ""
    return row(
        f"d.elementwise.{f.name}",
        N.Elementwise,
        f"entrywise function rule ({f.name})",
        f"逐元素函数的微分（{f.name_zh}）",
        r"\mathrm{d}" + f.latex.format("X") + r" = " + f.derivative_latex + r" \odot \mathrm{d}X",
        f"{f.name} acts entry by entry: its derivative multiplies dX entrywise{note_en}.",
        f"{f.name} 逐元素作用：其导数与 dX 逐元素相乘{note_zh}。",
        lambda e, d: B.hadamard(f.derivative(e.arg), d(e.arg)),
    )


for _f in ELEMENTWISE.values():
    _entrywise_rule(_f)
