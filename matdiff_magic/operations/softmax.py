"""softmax(z) and logsumexp(z) of a vector; of a matrix, column by column (columns are
samples, as in the seed articles' softmax regression): softmax normalises each column and
logsumexp is the row of per-column values. log ∘ softmax has a row of its own."""

from __future__ import annotations

import numpy as np
import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from matdiff_magic import dims
from matdiff_magic.index.convert import summed
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.operations.define import called, define
from matdiff_magic.rules.diffrule import CHOOSERS, RULES, Differentiate, DiffRule, row
from matdiff_magic.to_sympy import scalar
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

SOFTMAX_CODE = (
    "def _softmax(z):\n"
    "    # a vector, or a matrix column by column (columns are samples)\n"
    "    w = np.exp(z - z.max(axis=0, keepdims=True))\n"
    "    return w / w.sum(axis=0, keepdims=True)\n"
)
LOGSUMEXP_CODE = (
    "def _logsumexp(z):\n"
    "    if z.ndim < 2 or 1 in z.shape:  # a vector: one value\n"
    "        top = z.max()\n"
    "        return top + np.log(np.exp(z - top).sum())\n"
    "    top = z.max(axis=0, keepdims=True)  # a matrix: one value per column\n"
    "    return top + np.log(np.exp(z - top).sum(axis=0, keepdims=True))\n"
)


def _softmax(ev, e):
    z = ev(e.arg)  # a column, or a matrix normalised column by column
    w = np.exp(z - z.max(axis=0, keepdims=True))
    return w / w.sum(axis=0, keepdims=True)


def _logsumexp(ev, e):
    z = ev(e.arg)
    if not N.batched(e.arg):
        z = z.reshape(-1, 1)  # a vector, row or column: one value
    top = z.max(axis=0, keepdims=True)
    return top + np.log(np.exp(z - top).sum(axis=0, keepdims=True))


def _helper_call(name: str):
    def code(p, e):
        p.helpers.add(name)
        return p.call(name, e.arg)

    return code


def _logsumexp_code(p, e, template: str) -> tuple[str, int]:
    """Per column of a batch; of a vector (row or column), one 1×1 value."""
    arg = p.operand(e.arg, 50)
    return template.format(arg if N.batched(e.arg) else arg + ".reshape(-1, 1)"), 50


def _sympy(e, go):
    """Both, with SymPy's exp and sums (softmax of one number is 1; logsumexp is the number)."""
    arg = go(e.arg)
    if e.arg.is_scalar:
        return sympy.Integer(1) if isinstance(e, N.Softmax) else scalar(arg)
    exp = ElementwiseApplyFunction(sympy.exp, arg)
    if N.batched(e.arg):  # column by column
        sums = sympy.OneMatrix(1, e.arg.rows) * exp
        if isinstance(e, N.LogSumExp):
            return ElementwiseApplyFunction(sympy.log, sums)
        spread = sympy.OneMatrix(e.arg.rows, 1) * sums
        return sympy.HadamardProduct(exp, sympy.HadamardPower(spread, -1))
    total = (sympy.OneMatrix(1, e.arg.rows) * exp * sympy.OneMatrix(e.arg.cols, 1))[0, 0]
    return sympy.log(total) if isinstance(e, N.LogSumExp) else exp / total


def _entry_softmax(c, e, i, j):  # column j of a batch, or the one column (j is then 1)
    p = c.space.fresh(e.arg.rows)
    top = sympy.exp(c.entry(e.arg, i, j))
    return top / summed(sympy.exp(c.entry(e.arg, p, j)), [(p, e.arg.rows)])


def _entry_logsumexp(c, e, i, j):
    if N.batched(e.arg):
        p = c.space.fresh(e.arg.rows)
        return sympy.log(summed(sympy.exp(c.entry(e.arg, p, j)), [(p, e.arg.rows)]))
    p, q = c.space.fresh(e.arg.rows), c.space.fresh(e.arg.cols)
    inner = summed(sympy.exp(c.entry(e.arg, p, q)), [(p, e.arg.rows), (q, e.arg.cols)])
    return sympy.log(inner)


define(
    N.Softmax,
    evaluate=_softmax,
    latex=called("softmax"),
    text=called("softmax"),
    code={
        "numpy": _helper_call("_softmax"),
        "torch": lambda p, e: p.call("torch.softmax", e.arg, "dim=0"),
        "jax": lambda p, e: p.call("jax.nn.softmax", e.arg, "axis=0"),
    },
    helpers={"_softmax": SOFTMAX_CODE},
    sympy=_sympy,
    entry=_entry_softmax,
)
define(
    N.LogSumExp,
    evaluate=_logsumexp,
    latex=called("logsumexp"),
    text=called("logsumexp"),
    code={
        "numpy": _helper_call("_logsumexp"),
        "torch": lambda p, e: _logsumexp_code(p, e, "torch.logsumexp({}, 0, keepdim=True)"),
        "jax": lambda p, e: _logsumexp_code(p, e, "jax.nn.logsumexp({}, axis=0, keepdims=True)"),
    },
    helpers={"_logsumexp": LOGSUMEXP_CODE},
    sympy=_sympy,
    entry=_entry_logsumexp,
)
register_function(
    FunctionSpec("softmax", 1, B.softmax, "softmax of a vector; of a matrix, of each column")
)
register_function(
    FunctionSpec(
        "logsumexp", 1, B.logsumexp, "log Σ exp of a vector; of a matrix, of each column (a row)",
        ("lse",),
    )
)  # fmt: skip


def _d_softmax(node: Expr, d: Differentiate) -> Expr:
    s = node
    jac = B.sub(B.diag_mat(s), B.matmul(s, B.transpose(s)))
    return B.matmul(jac, d(node.arg))


def _column_sums(e: Expr) -> Expr:
    """𝟏ᵀ E: the row of the column sums."""
    return B.matmul(B.ones(dims.ONE, e.rows), e)


def _d_softmax_columns(node: Expr, d: Differentiate) -> Expr:
    s, dz = node, d(node.arg)
    weighted = B.hadamard(s, dz)
    spread = B.matmul(B.ones(s.rows, dims.ONE), _column_sums(weighted))
    return B.sub(weighted, B.hadamard(s, spread))


def _d_logsumexp_columns(node: Expr, d: Differentiate) -> Expr:
    return _column_sums(B.hadamard(B.softmax(node.arg), d(node.arg)))


def _d_logsumexp(node: Expr, d: Differentiate) -> Expr:
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
    _d_softmax,
)
row(
    "d.logsumexp",
    N.LogSumExp,
    "log-sum-exp rule",
    "logsumexp 的微分",
    r"\mathrm{d}\operatorname{logsumexp}(z) = \operatorname{softmax}(z)^{T}\, \mathrm{d}z",
    "The gradient of log-sum-exp is softmax.",
    "logsumexp 的梯度是 softmax。",
    _d_logsumexp,
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
    _d_softmax_columns,
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
    _d_logsumexp_columns,
)


def _d_log_softmax(node: Expr, d: Differentiate) -> Expr:
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
    _d_log_softmax,
)


def _choose(node: Expr) -> DiffRule | None:
    """A batch has the column-by-column rows; log ∘ softmax of a vector its own."""
    if isinstance(node, N.Softmax | N.LogSumExp) and N.batched(node.arg):
        return RULES["d.softmax.columns" if isinstance(node, N.Softmax) else "d.logsumexp.columns"]
    if (
        isinstance(node, N.Elementwise)
        and node.func == "log"
        and isinstance(node.arg, N.Softmax)
        and not N.batched(node.arg.arg)
    ):
        return RULES["d.log_softmax"]
    return None


CHOOSERS.insert(0, _choose)  # before the entrywise rows: log ∘ softmax reads better whole
