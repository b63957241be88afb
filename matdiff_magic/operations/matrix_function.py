"""expm(X), logm(X), sqrtm(X) = X^{1/2} and X^p (a real p) of a square X, principal branches,
evaluated with SciPy. Their differential is the Fréchet derivative, d f(X) = L_f(X, dX), a
linear node of its own (``frechet.py``). No entrywise form: an entry of e^X is an infinite
series in all the entries of X."""

from __future__ import annotations

import sympy

from matdiff_magic.errors import NotSupportedYetError
from matdiff_magic.language.functions import FunctionSpec, register_function, set_matrix_power
from matdiff_magic.messages import Msg
from matdiff_magic.operations import matrix_function_numeric as F
from matdiff_magic.operations import matrix_function_targets as T
from matdiff_magic.operations.define import define
from matdiff_magic.operations.matrix_function_nodes import (
    Frechet,
    MatrixFunction,
    matrix_power,
    power_of,
    symmetric_argument,
)
from matdiff_magic.printing import base as P
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.rules.diffrule import CHOOSERS, RULES, DiffRule, row
from matdiff_magic.tree.base import Expr


def _evaluate(ev, e):
    return F.value(e.func, ev(e.arg), power_of(e))


def _exponent(p, e) -> str:
    return p.number(sympy.Rational(1, 2) if e.func == "sqrtm" else e.p)


def _latex(p, e):
    if e.func == "expm":
        return "e^{" + p._print(e.arg) + "}"
    if e.func == "logm":
        return p.call("logm", p._print(e.arg))
    return p._base(e.arg) + "^{" + _exponent(p, e) + "}"


def _text(p, e):
    if e.func in ("expm", "logm"):
        return p.call(e.func, p._print(e.arg))
    return p._base(e.arg) + "^(" + _exponent(p, e) + ")"


def _code(p, e):
    if e.func == "power":
        p.helpers.add("_powm")
        return p.call("_powm", e.arg, repr(float(e.p)))
    name = "_" + e.func
    p.helpers.add(name)
    return p.call(name, e.arg)


def _target_code(target: str):
    """e^X from the target's own expm; logm, sqrtm and X^p of a symmetric X as
    Q diag(f(λ)) Qᵀ by the target's eigh; of another X they have no code there (see
    ``matrix_function_targets``)."""

    def code(p, e):
        if e.func == "expm":
            return p.call(T.EXPM[target], e.arg)
        if not symmetric_argument(e.arg):
            message = Msg("code.no_matfun_target", func=_NAME[e.func], target=target)
            raise NotSupportedYetError(message)
        name = T.name("_matfun_sym", target)
        p.helpers.add(name)
        return p.call(name, repr(e.func), e.arg, repr(power_of(e)))

    return code


_NAME = {"expm": "expm", "logm": "logm", "sqrtm": "sqrtm", "power": "X^p"}


def _sympy(e, go):
    x = go(e.arg)
    if e.func == "expm":
        return sympy.exp(x)
    if e.func == "logm":
        return sympy.log(x)
    return sympy.MatPow(x, sympy.Rational(1, 2) if e.func == "sqrtm" else e.p)


def _edge(node, ev, margin):
    """log, sqrt and X^p: no eigenvalue of X on (or near) the closed negative real axis."""
    if node.func == "expm":
        return True
    return F.clear_of_negative_axis(ev(node.arg), margin(node.arg))


def _precedence(e: Expr) -> int:
    return P.ATOM if e.func in ("expm", "logm") else P.POW


define(
    MatrixFunction,
    evaluate=_evaluate,
    latex=_latex,
    text=_text,
    code={"numpy": _code, "torch": _target_code("torch"), "jax": _target_code("jax")},
    helpers={k: F.CODE[k] for k in ("_expm", "_logm", "_sqrtm", "_powm")},
    sympy=_sympy,
    no_entry=Msg("op.matrix_function"),
    edge=_edge,
    precedence=_precedence,
)
register_function(
    FunctionSpec("expm", 1, lambda x: MatrixFunction("expm", x), "matrix exponential e^X")
)
register_function(
    FunctionSpec("logm", 1, lambda x: MatrixFunction("logm", x), "matrix logarithm (principal)")
)
register_function(
    FunctionSpec(
        "sqrtm", 1, lambda x: MatrixFunction("sqrtm", x), "matrix square root X^(1/2) (principal)"
    )
)
set_matrix_power(matrix_power)  # X^(1/2), X^(1/3), X^0.7 of a square matrix


def _d(node: Expr, d) -> Expr:
    return Frechet(node.func, node.arg, d(node.arg), node.p)


ROWS = {
    "expm": row(
        "d.expm",
        None,
        "matrix exponential rule",
        "矩阵指数的微分",
        r"\mathrm{d}e^{X} = L_{\exp}(X, \mathrm{d}X)"
        r" = \int_0^1 e^{sX}\, \mathrm{d}X\, e^{(1-s)X}\, \mathrm{d}s",
        "The Fréchet derivative of e^X: linear in dX, and equal to e^X dX only when dX commutes "
        "with X; in general the integral ∫₀¹ e^{sX} dX e^{(1−s)X} ds (from d/dt e^{t(X+εE)}).",
        "e^X 的 Fréchet 导数：关于 dX 线性；只有 dX 与 X 可交换时才等于 e^X dX，"
        "一般为积分 ∫₀¹ e^{sX} dX e^{(1−s)X} ds。",
        _d,
    ),
    "logm": row(
        "d.logm",
        None,
        "matrix logarithm rule",
        "矩阵对数的微分",
        r"\mathrm{d}\operatorname{logm}(X) = L_{\log}(X, \mathrm{d}X) = \int_0^1 "
        r"(s(X - I) + I)^{-1}\, \mathrm{d}X\, (s(X - I) + I)^{-1}\, \mathrm{d}s",
        "The Fréchet derivative of the principal logarithm (no eigenvalue of X on the closed "
        "negative real axis); X⁻¹ dX only when dX commutes with X.",
        "主对数的 Fréchet 导数（X 没有位于闭负实轴上的特征值）；"
        "只有 dX 与 X 可交换时才等于 X⁻¹ dX。",
        _d,
    ),
    "sqrtm": row(
        "d.sqrtm",
        None,
        "matrix square root rule",
        "矩阵平方根的微分",
        r"\mathrm{d}X^{1/2} = L_{\sqrt{}}(X, \mathrm{d}X),\ "
        r"S\, \mathrm{d}S + \mathrm{d}S\, S = \mathrm{d}X,\ S = X^{1/2}",
        "Take d of S S = X: dS is the solution of the Sylvester equation S dS + dS S = dX "
        "(unique: the eigenvalues of S have positive real parts).",
        "对 S S = X 求微分：dS 是西尔维斯特方程 S dS + dS S = dX 的解"
        "（S 的特征值实部为正，解唯一）。",
        _d,
    ),
    "power": row(
        "d.matrix_power_real",
        None,
        "real matrix power rule",
        "矩阵实数次幂的微分",
        r"\mathrm{d}X^{p} = L_{x^{p}}(X, \mathrm{d}X)",
        "The Fréchet derivative of the principal power X^p = e^{p log X}: linear in dX; "
        "p X^{p-1} dX only when dX commutes with X.",
        "主幂 X^p = e^{p log X} 的 Fréchet 导数：关于 dX 线性；"
        "只有 dX 与 X 可交换时才等于 p X^{p-1} dX。",
        _d,
    ),
}


def _choose(node: Expr) -> DiffRule | None:
    return ROWS[node.func] if isinstance(node, MatrixFunction) else None


CHOOSERS.append(_choose)
assert all(r.key in RULES for r in ROWS.values())


def latex_name(printer, func: str, p: sympy.Expr | None) -> str:
    """The subscript naming f in L_f and K_f."""
    if isinstance(printer, LatexPrinter):
        names = {"expm": r"\exp", "logm": r"\log", "sqrtm": r"\sqrt{\cdot}"}
        return names.get(func) or "x^{" + printer.number(p) + "}"
    names = {"expm": "exp", "logm": "log", "sqrtm": "sqrt"}
    # L_(x^(1/3))(X, E): the whole x^p is the subscript (L_x^(1/3) would read as a power)
    return names.get(func) or "(x^(" + printer.number(p) + "))"
