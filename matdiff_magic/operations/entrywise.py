"""The entrywise operations: Hadamard product, entrywise division and power, and the
entrywise functions (one row each in ``tree/elementwise.py``)."""

from __future__ import annotations

import numpy as np
import sympy
from sympy.matrices.expressions.applyfunc import ElementwiseApplyFunction

from matdiff_magic.errors import NotSupportedYetError
from matdiff_magic.messages import Msg
from matdiff_magic.operations.define import define
from matdiff_magic.printing import base as P
from matdiff_magic.printing import numpy_printer as C
from matdiff_magic.printing.grouping import superscript
from matdiff_magic.rules import trace as T
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import Has, Weight, deflinear, index_of_dx, times
from matdiff_magic.rules.diffrule import CHOOSERS, RULES, Differentiate, DiffRule, product_rule, row
from matdiff_magic.to_sympy import scalar
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.elementwise import ELEMENTWISE, ElementwiseFunction
from matdiff_magic.tree.sympy_functions import SCALAR_FUNCTIONS


# -- Hadamard product -----------------------------------------------------------------------------
def _base_hadamard(self, e: N.Hadamard) -> str:
    return self.HADAMARD.join(self._elementwise_operand(f) for f in e.factors)


def _ascii_hadamard(self, e: N.Hadamard) -> str:
    return self.HADAMARD.join(
        "1" if self._broadcast_one(f, e.factors) else self._elementwise_operand(f)
        for f in e.factors
    )


def _numpy_hadamard(self, e: N.Hadamard) -> tuple[str, int]:
    parts = [self.operand(f, C.MUL if i == 0 else C.MUL + 1) for i, f in enumerate(e.factors)]
    return " * ".join(parts), C.MUL


def _eval_hadamard(self, e: N.Hadamard) -> np.ndarray:
    out = self(e.factors[0])
    for f in e.factors[1:]:
        out = out * self(f)
    return out


def _d_hadamard(node: Expr, d: Differentiate) -> Expr:
    return product_rule(node, d, B.hadamard)


def _trace_hadamard(m: Weight, e: Expr, has: Has):
    i = index_of_dx(e.factors, has)
    others = B.hadamard(*[f for k, f in enumerate(e.factors) if k != i])
    assert m is not None
    return T.HADAMARD, B.transpose(B.hadamard(B.transpose(m), others)), e.factors[i]


def _vec_hadamard(j: Weight, e: Expr, has: Has):
    i = index_of_dx(e.factors, has)
    others = B.hadamard(*[f for k, f in enumerate(e.factors) if k != i])
    return V.HADAMARD, times(j, B.diag_mat(B.vec(others))), e.factors[i]


define(
    N.Hadamard,
    evaluate=_eval_hadamard,
    latex=_base_hadamard,
    text=_base_hadamard,
    ascii=_ascii_hadamard,
    code={"*": _numpy_hadamard},
    sympy=lambda e, go: sympy.HadamardProduct(*[go(f) for f in e.factors]),
    entry=lambda c, e, i, j: sympy.Mul(*[c.entry(f, i, j) for f in e.factors]),
    precedence=P.MUL,
)
row(
    "d.hadamard",
    N.Hadamard,
    "Hadamard product rule",
    "逐元素乘法的微分",
    r"\mathrm{d}(X \odot Y) = \mathrm{d}X \odot Y + X \odot \mathrm{d}Y",
    "The product rule, entry by entry.",
    "逐元素地应用乘法法则。",
    _d_hadamard,
)
deflinear(N.Hadamard, trace=_trace_hadamard, vec=_vec_hadamard, matrix_weight=True)


# -- entrywise division ---------------------------------------------------------------------------
def _base_hadamard_div(self, e: N.HadamardDiv) -> str:
    return self._elementwise_operand(e.num) + self.HADAMARD_DIV + self._elementwise_operand(e.den)


def _ascii_hadamard_div(self, e: N.HadamardDiv) -> str:
    pair = (e.num, e.den)
    num, den = ("1" if self._broadcast_one(f, pair) else self._elementwise_operand(f) for f in pair)
    return num + self.HADAMARD_DIV + den


def _numpy_hadamard_div(self, e: N.HadamardDiv) -> tuple[str, int]:
    return self.operand(e.num, C.MUL) + " / " + self.operand(e.den, C.MUL + 1), C.MUL


def _eval_hadamard_div(self, e: N.HadamardDiv) -> np.ndarray:
    with np.errstate(all="ignore"):
        return self(e.num) / self(e.den)


def _sympy_hadamard_div(e, go):
    num, den = go(e.num), go(e.den)
    if e.is_scalar:
        return scalar(num) / scalar(den)
    return sympy.HadamardProduct(num, sympy.HadamardPower(den, -1))


def _d_hadamard_div(node: Expr, d: Differentiate) -> Expr:
    a, b = node.num, node.den
    da, db = d(a), d(b)
    terms = []
    if not isinstance(da, N.Zero):
        terms.append(B.hadamard_div(da, b))
    if not isinstance(db, N.Zero):
        terms.append(B.neg(B.hadamard(B.hadamard_div(a, B.hadamard_pow(b, 2)), db)))
    return B.add(*terms) if terms else B.zero_like(node)


def _numerator(e: Expr, has: Has) -> Expr:
    if has(e.den):
        raise AssertionError("dX cannot be in a denominator of a differential")
    return e.num


def _trace_hadamard_div(m: Weight, e: Expr, has: Has):
    num = _numerator(e, has)
    assert m is not None
    return T.HADAMARD_DIV, B.transpose(B.hadamard_div(B.transpose(m), e.den)), num


def _vec_hadamard_div(j: Weight, e: Expr, has: Has):
    num = _numerator(e, has)
    return V.HADAMARD_DIV, times(j, B.inverse(B.diag_mat(B.vec(e.den)))), num


define(
    N.HadamardDiv,
    evaluate=_eval_hadamard_div,
    latex=_base_hadamard_div,
    text=_base_hadamard_div,
    ascii=_ascii_hadamard_div,
    code={"*": _numpy_hadamard_div},
    sympy=_sympy_hadamard_div,
    entry=lambda c, e, i, j: c.entry(e.num, i, j) / c.entry(e.den, i, j),
    precedence=P.MUL,
)
row(
    "d.hadamard_div",
    N.HadamardDiv,
    "entrywise quotient rule",
    "逐元素除法的微分",
    r"\mathrm{d}(X \oslash Y) = \mathrm{d}X \oslash Y - (X \oslash Y^{\circ 2}) \odot \mathrm{d}Y",
    "The quotient rule, entry by entry.",
    "逐元素地应用除法法则。",
    _d_hadamard_div,
)
deflinear(N.HadamardDiv, trace=_trace_hadamard_div, vec=_vec_hadamard_div, matrix_weight=True)


# -- entrywise power ------------------------------------------------------------------------------
def _latex_hadamard_pow(self, e: N.HadamardPow) -> str:
    return self._base(e.base) + r"^{\circ " + self.number(e.exponent) + "}"


def _text_hadamard_pow(self, e: N.HadamardPow) -> str:
    small = superscript(e.exponent)
    base = self._base(e.base)
    return base + ("∘" + small if small is not None else "^∘(" + str(e.exponent) + ")")


def _ascii_hadamard_pow(self, e: N.HadamardPow) -> str:
    exponent = str(e.exponent)
    base = self._base(e.base)
    if exponent.lstrip("-").isdigit():
        return base + ".^" + exponent
    return base + ".^(" + self.number(e.exponent) + ")"


def _numpy_hadamard_pow(self, e: N.HadamardPow) -> tuple[str, int]:
    k = e.exponent
    exponent = self._dim_operand(k, C.POW + 1) if k >= 0 else "(" + self.dim(k)[0] + ")"
    return self.operand(e.base, C.ATOM) + " ** " + exponent, C.POW


def _eval_hadamard_pow(self, e: N.HadamardPow) -> np.ndarray:
    with np.errstate(all="ignore"):
        return np.power(self(e.base), self.env.number(e.exponent))


define(
    N.HadamardPow,
    evaluate=_eval_hadamard_pow,
    latex=_latex_hadamard_pow,
    text=_text_hadamard_pow,
    ascii=_ascii_hadamard_pow,
    code={"*": _numpy_hadamard_pow},
    sympy=lambda e, go: sympy.HadamardPower(go(e.base), e.exponent),
    entry=lambda c, e, i, j: c.entry(e.base, i, j) ** e.exponent,
    precedence=P.POW,
)
row(
    "d.hadamard_pow",
    N.HadamardPow,
    "entrywise power rule",
    "逐元素幂的微分",
    r"\mathrm{d}(X^{\circ k}) = k X^{\circ (k-1)} \odot \mathrm{d}X",
    "The power rule, entry by entry.",
    "逐元素地应用幂法则。",
    lambda e, d: B.hadamard(B.scale(e.exponent, B.hadamard_pow(e.base, e.exponent - 1)), d(e.base)),
)


# -- entrywise functions --------------------------------------------------------------------------
def _latex_elementwise(self, e: N.Elementwise) -> str:
    return ELEMENTWISE[e.func].latex.format(self._print(e.arg))


def _text_elementwise(self, e: N.Elementwise) -> str:
    return ELEMENTWISE[e.func].text.format(self._print(e.arg))


def _ascii_elementwise(self, e: N.Elementwise) -> str:
    return self.call(e.func, self._print(e.arg))


# The rows' code for torch and JAX where a row gives NumPy's only: the same name in the
# target's module, or the target's own spelling.
_SAME_NAME = {"exp", "log", "sin", "cos", "tan", "arctan", "sinh", "cosh", "tanh", "sqrt",
              "log1p", "expm1", "abs", "sign"}  # fmt: skip
_TARGET_TEMPLATES = {
    "torch": {
        "sigmoid": "torch.sigmoid({})",
        "softplus": "torch.logaddexp({}, torch.tensor(0.0, dtype=torch.float64))",
        "step": "torch.heaviside({}, torch.tensor(0.0, dtype=torch.float64))",
        "relu": "torch.relu({})",
    },
    "jax": {
        "sigmoid": "jax.nn.sigmoid({})",
        "softplus": "jnp.logaddexp(0.0, {})",
        "step": "jnp.heaviside({}, 0.0)",
        "relu": "jnp.maximum({}, 0.0)",
    },
}


def _numpy_elementwise(self, e: N.Elementwise) -> tuple[str, int]:
    row = ELEMENTWISE[e.func]
    target = self.target.name
    template = row.code.get(target) or _TARGET_TEMPLATES.get(target, {}).get(e.func)
    if template is None and e.func in _SAME_NAME:
        template = self.fn(e.func) + "({})"
    if template is None:
        raise NotSupportedYetError(Msg("code.no_target", node=e.func, target=target))
    if target == "numpy":
        self.helpers.update(row.helpers)
    # every template is a call, so the argument needs no brackets of its own
    return template.format(self._print(e.arg)[0]), C.ATOM


def _eval_elementwise(self, e: N.Elementwise) -> np.ndarray:
    with np.errstate(all="ignore"):
        return ELEMENTWISE[e.func].numpy(self(e.arg))


def _sympy_elementwise(e, go):
    func = SCALAR_FUNCTIONS[e.func]
    arg = go(e.arg)
    if e.is_scalar:
        return func(scalar(arg))
    return ElementwiseApplyFunction(func, arg)


def _entry_elementwise(c, e, i, j):
    func = SCALAR_FUNCTIONS.get(e.func)
    if func is None:
        raise NotSupportedYetError(Msg("reason.no_entrywise_form", func=e.func))
    return func(c.entry(e.arg, i, j))


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


def _choose(node: Expr) -> DiffRule | None:
    """An entrywise function's row, by its name."""
    return RULES.get(f"d.elementwise.{node.func}") if isinstance(node, N.Elementwise) else None


define(
    N.Elementwise,
    evaluate=_eval_elementwise,
    latex=_latex_elementwise,
    text=_text_elementwise,
    ascii=_ascii_elementwise,
    code={"*": _numpy_elementwise},
    sympy=_sympy_elementwise,
    entry=_entry_elementwise,
    helpers={k: v for f in ELEMENTWISE.values() for k, v in f.helpers.items()},
)
for _f in ELEMENTWISE.values():
    _entrywise_rule(_f)
CHOOSERS.append(_choose)
