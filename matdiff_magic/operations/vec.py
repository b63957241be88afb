"""vec(X), the columns of X stacked into one, and its inverse vec⁻¹ (written by the methods when
they reshape a gradient; the language reads it back as ``unvec(v, m, n)``, also in the
printer's spelling ``unvec_m×n(v)``)."""

from __future__ import annotations

from matdiff_magic.dims import dim_text
from matdiff_magic.language.functions import FunctionSpec, register_function
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import called, define
from matdiff_magic.printing.latex import latex_dim
from matdiff_magic.printing.numpy_printer import ATOM
from matdiff_magic.printing.text import ascii_dim
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import deflinear
from matdiff_magic.rules.diffrule import row
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N


def _code_unvec(p, e):
    m, n = p.dim(e.m)[0], p.dim(e.n)[0]
    return p.operand(e.arg, ATOM) + f'.reshape({m}, {n}, order="F")', ATOM


def _code_unvec_rows(p, e):
    m, n = p.dim(e.m)[0], p.dim(e.n)[0]
    return p.operand(e.arg, ATOM) + f".reshape({n}, {m}).T", ATOM


def _latex_unvec(p, e):
    size = latex_dim(e.m) + r" \times " + latex_dim(e.n)
    return r"\operatorname{vec}^{-1}_{" + size + "}" + p.paren(p._print(e.arg))


define(
    N.Vec,
    evaluate=lambda ev, e: ev(e.arg).reshape(-1, 1, order="F"),
    latex=called("vec"),
    # vec(I_n): nothing else in vec(I) says the size, and the text must read back
    text=lambda p, e: p.call(
        "vec", p._identity_sized(e.arg) if isinstance(e.arg, N.Identity) else p._print(e.arg)
    ),
    code={
        "numpy": lambda p, e: (p.operand(e.arg, ATOM) + '.reshape(-1, 1, order="F")', ATOM),
        # vec(X) = the rows of Xᵀ one after another: no order="F" needed
        "torch": lambda p, e: (p.operand(e.arg, ATOM) + ".T.reshape(-1, 1)", ATOM),
        "jax": lambda p, e: (p.operand(e.arg, ATOM) + ".T.reshape(-1, 1)", ATOM),
    },
    no_entry=Msg("op.vec"),
)
define(
    N.Unvec,
    evaluate=lambda ev, e: ev(e.arg).reshape(ev.env.size(e.m), ev.env.size(e.n), order="F"),
    latex=_latex_unvec,
    text=lambda p, e: f"unvec_{dim_text(e.m)}×{dim_text(e.n)}(" + p._print(e.arg) + ")",
    ascii=lambda p, e: f"unvec_({ascii_dim(e.m)} x {ascii_dim(e.n)})(" + p._print(e.arg) + ")",
    code={"numpy": _code_unvec, "torch": _code_unvec_rows, "jax": _code_unvec_rows},
    no_entry=Msg("op.unvec"),
)
def _unvec(v, m, n):
    # the node's own check first: B.unvec's shortcuts (unvec of 0, of a sum) would not say
    # that v has the wrong length
    N.Unvec(v, m, n)
    return B.unvec(v, m, n)


register_function(FunctionSpec("vec", 1, B.vec, "stack the columns into one column"))
register_function(
    FunctionSpec(
        "unvec", 3, _unvec, "unvec(v, m, n): the m×n matrix whose vec is v", size_args=(1, 2)
    )
)
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


def _trace_vec(m, e, has):
    assert m is not None
    return T.VEC, B.transpose(B.unvec(B.transpose(m), e.arg.rows, e.arg.cols)), e.arg


def _trace_unvec(m, e, has):
    assert m is not None
    return T.VEC, B.transpose(B.vec(B.transpose(m))), e.arg


def _vec_reshape(j, e, has):
    return V.VEC, j, e.arg


deflinear(N.Vec, trace=_trace_vec, vec=_vec_reshape, matrix_weight=True)
deflinear(N.Unvec, trace=_trace_unvec, vec=_vec_reshape, matrix_weight=True)
