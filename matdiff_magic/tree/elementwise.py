"""The entrywise scalar functions, one row each: the one place that says what such a function is.

A row holds everything every consumer needs: how the language spells it (name and aliases),
how it prints (LaTeX and text templates, which the index printer uses too), how NumPy computes
it (for evaluation) and how generated code writes it (per target), its SymPy form (a SymPy
function, or None for one matdiff makes from the row itself, see ``to_sympy``), its derivative
as a matdiff expression (so the differential rule d f(X) = f'(X) ⊙ dX, the SymPy ``fdiff`` of
the definition method and the Hessian all read one formula), and the domain random test points
must respect. Adding an entrywise function is adding a row here and an example to
``tests/test_operations.py``, whose generic test checks every consumer of every row.

At a kink (abs, sign, relu and step at 0) the derivative is the one-sided convention NumPy users
expect (sign(0) = 0, relu'(0) = 0); such rows have the domain "nonzero", so that numeric checks
stay clear of the kink, and a note the differential rule states ("almost everywhere").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from matdiff_magic.tree.base import Expr

# the names of the domains a row may require of its argument
DOMAINS = ("real", "positive", "nonzero", "above_minus_one")


@dataclass(frozen=True)
class ElementwiseFunction:
    name: str
    latex: str  # a LaTeX template with {} for the argument
    text: str  # a Unicode template with {} for the argument; it parses back as the function
    numpy: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[Expr], Expr]  # f'(X), entrywise
    derivative_latex: str  # f'(X) in LaTeX, for the rule's identity
    name_en: str
    name_zh: str
    # code per target: a template with {} for the argument; helpers are the functions the
    # template calls, by name, as source text placed before the generated function
    code: dict[str, str]
    helpers: dict[str, str] = field(default_factory=dict)
    sympy: Callable | None = None  # SymPy's own function, where its meaning is exactly the row's
    domain: str = "real"  # what random test inputs must satisfy; one of DOMAINS
    # beyond this |argument| the function is flat to rounding (1 - σ(x) = 0 in floats), so finite
    # differences there measure nothing: random test points are taken inside where they can be
    flat_beyond: float | None = None
    aliases: tuple[str, ...] = ()
    note_en: str = ""  # said by the differential rule (kinks, conventions)
    note_zh: str = ""


def _b():  # the smart constructors, imported late: build imports this table's module
    from matdiff_magic.tree import build

    return build


def _f(name: str) -> Callable[[Expr], Expr]:
    return lambda x: _b().elementwise(name, x)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # overflow-free form of 1 / (1 + e^{-x})


def _step(x: np.ndarray) -> np.ndarray:
    return np.heaviside(x, 0.0)


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def _softplus(x: np.ndarray) -> np.ndarray:
    return np.logaddexp(0.0, x)


def _d_sigmoid(x: Expr) -> Expr:
    b = _b()
    s = b.elementwise("sigmoid", x)
    return b.hadamard(s, b.sub(b.ones_like(s), s))


def _d_tanh(x: Expr) -> Expr:
    b = _b()
    t = b.elementwise("tanh", x)
    return b.sub(b.ones_like(t), b.hadamard_pow(t, 2))


def _d_tan(x: Expr) -> Expr:
    b = _b()
    t = b.elementwise("tan", x)
    return b.add(b.ones_like(t), b.hadamard_pow(t, 2))


def _reciprocal(x: Expr) -> Expr:
    b = _b()
    return b.hadamard_div(b.ones_like(x), x)


def _d_sqrt(x: Expr) -> Expr:
    b = _b()
    return b.scale(b.number("1/2"), b.hadamard_div(b.ones_like(x), b.elementwise("sqrt", x)))


def _d_arctan(x: Expr) -> Expr:
    b = _b()
    return b.hadamard_div(b.ones_like(x), b.add(b.ones_like(x), b.hadamard_pow(x, 2)))


def _d_log1p(x: Expr) -> Expr:
    b = _b()
    return b.hadamard_div(b.ones_like(x), b.add(b.ones_like(x), x))


def _zero(x: Expr) -> Expr:
    return _b().zero(*x.shape)


_SIGMOID_HELPER = (
    "def _sigmoid(z):\n"
    "    return 0.5 * (1.0 + np.tanh(0.5 * z))  # 1 / (1 + exp(-z)) without overflow\n"
)
_KINK_EN = "almost everywhere: at 0 the derivative is taken as 0, as NumPy's sign does"
_KINK_ZH = "几乎处处成立：在 0 处导数取为 0，与 NumPy 的 sign 相同"


def _rows() -> list[ElementwiseFunction]:
    import sympy  # SymPy's own functions, for the rows whose meaning is exactly theirs

    E = ElementwiseFunction
    return [
        E("exp", r"\exp\left({}\right)", "exp({})", np.exp, _f("exp"), r"\exp(X)",
          "exponential", "指数函数", {"numpy": "np.exp({})"}, sympy=sympy.exp),
        E("log", r"\log\left({}\right)", "log({})", np.log, _reciprocal, r"1 \oslash X",
          "logarithm", "对数函数", {"numpy": "np.log({})"}, sympy=sympy.log,
          domain="positive", aliases=("ln",)),
        E("sin", r"\sin\left({}\right)", "sin({})", np.sin, _f("cos"), r"\cos(X)",
          "sine", "正弦函数", {"numpy": "np.sin({})"}, sympy=sympy.sin),
        E("cos", r"\cos\left({}\right)", "cos({})", np.cos,
          lambda x: _b().neg(_b().elementwise("sin", x)), r"-\sin(X)",
          "cosine", "余弦函数", {"numpy": "np.cos({})"}, sympy=sympy.cos),
        E("tan", r"\tan\left({}\right)", "tan({})", np.tan, _d_tan,
          r"1 + \tan(X)^{\circ 2}", "tangent", "正切函数", {"numpy": "np.tan({})"},
          sympy=sympy.tan),
        E("arctan", r"\arctan\left({}\right)", "arctan({})", np.arctan, _d_arctan,
          r"1 \oslash (1 + X^{\circ 2})", "arc tangent", "反正切函数",
          {"numpy": "np.arctan({})"}, sympy=sympy.atan, aliases=("atan",)),
        E("sinh", r"\sinh\left({}\right)", "sinh({})", np.sinh, _f("cosh"), r"\cosh(X)",
          "hyperbolic sine", "双曲正弦函数", {"numpy": "np.sinh({})"}, sympy=sympy.sinh),
        E("cosh", r"\cosh\left({}\right)", "cosh({})", np.cosh, _f("sinh"), r"\sinh(X)",
          "hyperbolic cosine", "双曲余弦函数", {"numpy": "np.cosh({})"}, sympy=sympy.cosh),
        E("tanh", r"\tanh\left({}\right)", "tanh({})", np.tanh, _d_tanh,
          r"1 - \tanh(X)^{\circ 2}", "hyperbolic tangent", "双曲正切函数",
          {"numpy": "np.tanh({})"}, sympy=sympy.tanh, flat_beyond=4.0),
        E("sigmoid", r"\sigma\left({}\right)", "σ({})", _sigmoid, _d_sigmoid,
          r"\sigma(X) \odot (1 - \sigma(X))", "logistic sigmoid", "sigmoid 函数",
          {"numpy": "_sigmoid({})"}, helpers={"_sigmoid": _SIGMOID_HELPER},
          aliases=("σ", "logistic"), flat_beyond=8.0),
        E("softplus", r"\operatorname{{softplus}}\left({}\right)", "softplus({})", _softplus,
          _f("sigmoid"), r"\sigma(X)", "softplus, log(1 + exp(x))", "softplus 函数",
          {"numpy": "np.logaddexp(0.0, {})"}),
        E("sqrt", r"\sqrt{{{}}}", "√({})", np.sqrt, _d_sqrt,
          r"\tfrac{1}{2}\, 1 \oslash \sqrt{X}", "square root", "平方根",
          {"numpy": "np.sqrt({})"}, sympy=sympy.sqrt, domain="positive"),
        E("log1p", r"\log\left(1 + {}\right)", "log1p({})", np.log1p, _d_log1p,
          r"1 \oslash (1 + X)", "log(1 + x)", "log(1 + x) 函数", {"numpy": "np.log1p({})"},
          domain="above_minus_one"),
        E("expm1", r"\left(\exp\left({}\right) - 1\right)", "expm1({})", np.expm1, _f("exp"),
          r"\exp(X)", "exp(x) - 1", "exp(x) - 1 函数", {"numpy": "np.expm1({})"}),
        E("abs", r"\left|{}\right|", "abs({})", np.abs, _f("sign"),
          r"\operatorname{sign}(X)", "absolute value", "绝对值", {"numpy": "np.abs({})"},
          domain="nonzero", note_en=_KINK_EN, note_zh=_KINK_ZH),
        E("sign", r"\operatorname{{sign}}\left({}\right)", "sign({})", np.sign, _zero, "0",
          "sign", "符号函数", {"numpy": "np.sign({})"}, domain="nonzero",
          note_en=_KINK_EN, note_zh=_KINK_ZH),
        E("step", r"\operatorname{{step}}\left({}\right)", "step({})", _step, _zero, "0",
          "unit step (1 where x > 0, else 0)", "单位阶跃函数（x > 0 处为 1，否则为 0）",
          {"numpy": "np.heaviside({}, 0.0)"}, domain="nonzero", aliases=("heaviside",),
          note_en=_KINK_EN, note_zh=_KINK_ZH),
        E("relu", r"\operatorname{{relu}}\left({}\right)", "relu({})", _relu, _f("step"),
          r"\operatorname{step}(X)", "rectifier max(x, 0)", "ReLU 函数 max(x, 0)",
          {"numpy": "np.maximum({}, 0.0)"}, domain="nonzero",
          note_en=_KINK_EN, note_zh=_KINK_ZH),
    ]  # fmt: skip


ELEMENTWISE: dict[str, ElementwiseFunction] = {row.name: row for row in _rows()}
