"""The entrywise scalar functions, one row each.

A row says everything matdiff needs about a function: how the language spells it, how it
prints, how NumPy and SymPy compute it, its derivative (as a matdiff expression, so the
differential rule d f(X) = f'(X) ⊙ dX can be written once), and the domain its argument needs.
Adding an entrywise function means adding a row here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matdiff_magic.tree.base import Expr


@dataclass(frozen=True)
class ElementwiseFunction:
    name: str
    latex: str  # a LaTeX template with {} for the argument
    text: str  # a Unicode template with {} for the argument
    numpy: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[Expr], Expr]  # f'(X), entrywise
    derivative_latex: str  # f'(X) in LaTeX, for the rule's identity
    sympy_name: str  # the SymPy function of the same name (see to_sympy)
    name_en: str
    name_zh: str
    domain: str = "real"  # "real" or "positive": what random test inputs must satisfy
    aliases: tuple[str, ...] = ()


def _b():  # the smart constructors, imported late to avoid an import cycle
    from matdiff_magic.tree import build

    return build


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free form of 1 / (1 + e^{-x})


def _d_sigmoid(x: Expr) -> Expr:
    b = _b()
    s = b.elementwise("sigmoid", x)
    return b.hadamard(s, b.sub(b.ones_like(s), s))


def _d_tanh(x: Expr) -> Expr:
    b = _b()
    t = b.elementwise("tanh", x)
    return b.sub(b.ones_like(t), b.hadamard_pow(t, 2))


def _d_log(x: Expr) -> Expr:
    b = _b()
    return b.hadamard_div(b.ones_like(x), x)


def _d_sqrt(x: Expr) -> Expr:
    b = _b()
    return b.scale(b.number("1/2"), b.hadamard_div(b.ones_like(x), b.elementwise("sqrt", x)))


ELEMENTWISE: dict[str, ElementwiseFunction] = {
    row.name: row
    for row in [
        ElementwiseFunction(
            "exp",
            r"\exp\left({}\right)",
            "exp({})",
            np.exp,
            lambda x: _b().elementwise("exp", x),
            r"\exp(X)",
            "exp",
            "exponential",
            "指数函数",
        ),
        ElementwiseFunction(
            "log",
            r"\log\left({}\right)",
            "log({})",
            np.log,
            _d_log,
            r"1 \oslash X",
            "log",
            "logarithm",
            "对数函数",
            domain="positive",
            aliases=("ln",),
        ),
        ElementwiseFunction(
            "sin",
            r"\sin\left({}\right)",
            "sin({})",
            np.sin,
            lambda x: _b().elementwise("cos", x),
            r"\cos(X)",
            "sin",
            "sine",
            "正弦函数",
        ),
        ElementwiseFunction(
            "cos",
            r"\cos\left({}\right)",
            "cos({})",
            np.cos,
            lambda x: _b().neg(_b().elementwise("sin", x)),
            r"-\sin(X)",
            "cos",
            "cosine",
            "余弦函数",
        ),
        ElementwiseFunction(
            "tanh",
            r"\tanh\left({}\right)",
            "tanh({})",
            np.tanh,
            _d_tanh,
            r"1 - \tanh(X)^{\circ 2}",
            "tanh",
            "hyperbolic tangent",
            "双曲正切函数",
        ),
        ElementwiseFunction(
            "sigmoid",
            r"\sigma\left({}\right)",
            "σ({})",
            _sigmoid,
            _d_sigmoid,
            r"\sigma(X) \odot (1 - \sigma(X))",
            "sigmoid",
            "logistic sigmoid",
            "sigmoid 函数",
            aliases=("σ", "logistic"),
        ),
        ElementwiseFunction(
            "sqrt",
            r"\sqrt{{{}}}",
            "√({})",
            np.sqrt,
            _d_sqrt,
            r"\tfrac{1}{2}\, 1 \oslash \sqrt{X}",
            "sqrt",
            "square root",
            "平方根",
            domain="positive",
        ),
    ]
}
