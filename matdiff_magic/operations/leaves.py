"""The leaves: variables, numbers, I, 0, the ones matrix 𝟏 and the commutation matrix K."""

from __future__ import annotations

import numpy as np
import sympy

from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.errors import EvaluationError
from matdiff_magic.index.convert import delta, leaf
from matdiff_magic.messages import Msg
from matdiff_magic.numeric import commutation_matrix
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing import numpy_printer as C
from matdiff_magic.printing.latex import latex_dim
from matdiff_magic.printing.text import ascii_dim
from matdiff_magic.tree import nodes as N


# -- variable -------------------------------------------------------------------------------------
def _base_var(self, e: N.Var) -> str:
    return self.var(e.name)


def _numpy_var(self, e: N.Var) -> tuple[str, int]:
    return self.names[e.name], C.ATOM


def _eval_var(self, e: N.Var) -> np.ndarray:
    try:
        return self.env.values[e.name]
    except KeyError:
        raise EvaluationError(Msg("eval.no_value", name=e.name)) from None


def _sympy_var(e, go):
    if e.is_scalar:
        return sympy.Symbol(e.name, real=True)
    return sympy.MatrixSymbol(e.name, *e.shape)


define(
    N.Var,
    evaluate=_eval_var,
    latex=_base_var,
    text=_base_var,
    code={"*": _numpy_var},
    sympy=_sympy_var,
    entry=lambda c, e, i, j: leaf(c.space.base(e), i, j),
)


# -- number ---------------------------------------------------------------------------------------
def _base_const(self, e: N.Const) -> str:
    return self.number(e.value)


def _numpy_const(self, e: N.Const) -> tuple[str, int]:
    return self.dim(e.value)


def _eval_const(self, e: N.Const) -> np.ndarray:
    return np.array([[self.env.number(e.value)]])


def _const_precedence(e: N.Const) -> int:
    v = e.value
    if P.is_negative(v):
        return P.NEG
    return P.ATOM if v.is_Integer or v.is_Symbol else P.MUL  # 1/2 prints as a fraction


define(
    N.Const,
    evaluate=_eval_const,
    latex=_base_const,
    text=_base_const,
    code={"*": _numpy_const},
    sympy=lambda e, go: e.value,
    entry=lambda c, e, i, j: e.value,
    precedence=_const_precedence,
)


# -- identity matrix I ----------------------------------------------------------------------------
def _compound_size(e: N.Identity) -> bool:
    """An identity of size n² or mn (a vec-form result's, beside K_(n,n)): nothing around it
    says that size as plainly as writing it, I_{n²}."""
    return not isinstance(e.n, sympy.Symbol | sympy.Integer)


def _latex_identity(self, e: N.Identity) -> str:
    return self._identity_sized(e) if _compound_size(e) else "I"


def _text_identity(self, e: N.Identity) -> str:
    if getattr(self, "sizing", False) or _compound_size(e):
        return self._identity_sized(e)
    return "I"


def _numpy_identity(self, e: N.Identity) -> tuple[str, int]:
    return self.new("eye", e.n)


def _eval_identity(self, e: N.Identity) -> np.ndarray:
    return np.eye(self.env.size(e.n))


define(
    N.Identity,
    evaluate=_eval_identity,
    latex=_latex_identity,
    text=_text_identity,
    code={"*": _numpy_identity},
    sympy=lambda e, go: sympy.Identity(e.n),
    entry=lambda c, e, i, j: delta(i, j),
)


# -- zero -----------------------------------------------------------------------------------------
def _latex_zero(self, e: N.Zero) -> str:
    return "0"


def _text_zero(self, e: N.Zero) -> str:
    return "0"


def _numpy_zero(self, e: N.Zero) -> tuple[str, int]:
    return self.new("zeros", e.rows, e.cols)


def _eval_zero(self, e: N.Zero) -> np.ndarray:
    return np.zeros((self.env.size(e.rows), self.env.size(e.cols)))


def _zero_sympy(e, go):
    return sympy.Integer(0) if e.is_scalar else sympy.ZeroMatrix(*e.shape)


define(
    N.Zero,
    evaluate=_eval_zero,
    latex=_latex_zero,
    text=_text_zero,
    code={"*": _numpy_zero},
    sympy=_zero_sympy,
    entry=lambda c, e, i, j: sympy.Integer(0),
)


# -- ones 𝟏 ---------------------------------------------------------------------------------------
def _latex_ones(self, e: N.Ones) -> str:
    if e.rows == ONE:
        return r"\mathbf{1}^{T}"
    if e.cols == ONE:
        return r"\mathbf{1}"
    return r"\mathbf{1}_{" + latex_dim(e.rows) + r" \times " + latex_dim(e.cols) + "}"


def _text_ones(self, e: N.Ones) -> str:
    if getattr(self, "sizing", False):  # inside an operand of ⊗ (TextPrinter._kron_operand)
        return self._ones_sized(e)
    if e.rows == ONE:
        return "𝟏ᵀ"
    if e.cols == ONE:
        return "𝟏"
    return f"𝟏_({dim_text(e.rows)}×{dim_text(e.cols)})"


def _ascii_ones(self, e: N.Ones) -> str:
    if e.rows == ONE:
        return "1'"
    if e.cols == ONE:
        return "1''"
    return "1'' 1'"


def _numpy_ones(self, e: N.Ones) -> tuple[str, int]:
    return self.new("ones", e.rows, e.cols)


def _eval_ones(self, e: N.Ones) -> np.ndarray:
    return np.ones((self.env.size(e.rows), self.env.size(e.cols)))


define(
    N.Ones,
    evaluate=_eval_ones,
    latex=_latex_ones,
    text=_text_ones,
    ascii=_ascii_ones,
    code={"*": _numpy_ones},
    sympy=lambda e, go: sympy.OneMatrix(*e.shape),
    entry=lambda c, e, i, j: sympy.Integer(1),
)


# -- commutation matrix K -------------------------------------------------------------------------
def _latex_commutation(self, e: N.Commutation) -> str:
    return "K_{" + latex_dim(e.m) + "," + latex_dim(e.n) + "}"


def _text_commutation(self, e: N.Commutation) -> str:
    return f"K_({dim_text(e.m)},{dim_text(e.n)})"


def _ascii_commutation(self, e: N.Commutation) -> str:
    return f"K_({ascii_dim(e.m)},{ascii_dim(e.n)})"


def _numpy_commutation(self, e: N.Commutation) -> tuple[str, int]:
    self.helpers.add("_commutation")
    return "_commutation(" + self.dim(e.m)[0] + ", " + self.dim(e.n)[0] + ")", C.ATOM


def _permuted_eye(self, e: N.Commutation) -> tuple[str, int]:
    """K_{m,n} as the identity with its rows permuted: reshapes any library has."""
    m, n, mn = self.dim(e.m)[0], self.dim(e.n)[0], self.dim(e.m * e.n)[0]
    eye = self.new("eye", e.m * e.n)[0]
    return f"{eye}.reshape({n}, {m}, {mn}).swapaxes(0, 1).reshape({mn}, {mn})", C.ATOM


def _eval_commutation(self, e: N.Commutation) -> np.ndarray:
    m, n = self.env.size(e.m), self.env.size(e.n)
    return commutation_matrix(m, n)


COMMUTATION_CODE = (
    "def _commutation(m, n):\n"
    '    """K with K vec(A) = vec(A.T) for A of size m×n (vec stacks columns)."""\n'
    "    k = np.zeros((m * n, m * n))\n"
    "    for i in range(m):\n"
    "        for j in range(n):\n"
    "            k[i * n + j, j * m + i] = 1.0\n"
    "    return k\n"
)


define(
    N.Commutation,
    evaluate=_eval_commutation,
    latex=_latex_commutation,
    text=_text_commutation,
    ascii=_ascii_commutation,
    code={"numpy": _numpy_commutation, "torch": _permuted_eye, "jax": _permuted_eye},
    no_entry=Msg("op.the_commutation_matrix"),
    helpers={"_commutation": COMMUTATION_CODE},
)
