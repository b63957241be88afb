"""Derivatives with respect to a structured variable: ``S: symmetric(n)``, ``spd(n)``,
``diagonal(n)``.

The methods differentiate the function *as written*, with the variable read as a general
matrix (``language.problem.parse_problem(free=...)`` keeps its transposes), so they find G, the
gradient with every entry free. A last step then states the derivative in the convention asked
for (``symmetric=`` of ``derive``):

* "sym" (the default): sym(G) = (G + Gᵀ)/2, the gradient for the trace inner product on
  symmetric matrices; it does not depend on how the function is written (sym(x yᵀ) = sym(y xᵀ));
* "entries": G + Gᵀ - diag(G), the derivative with respect to the n(n+1)/2 distinct entries
  arranged as a matrix (the Matrix Cookbook's form);
* "free": G itself at a symmetric point, which does depend on the writing (xᵀ Sᵀ y gives y xᵀ).

A diagonal variable's derivative is diag(G), a diagonal matrix (sym and entries agree there).
For a function that is not a scalar, the Jacobian J on vec(S) becomes J M with M = (I + K)/2,
I + K - diag(vec(I)) or diag(vec(I)). In the result Sᵀ = S may be used again (it is true of
the values). The step's claim carries the convention, so ``verify`` checks it against
differences along symmetric directions, with respect to each distinct entry, or along diagonal
directions (``finite.structured``).
"""

from __future__ import annotations

from dataclasses import replace

import sympy

from matdiff_magic import claims, notation
from matdiff_magic.derivation import Derivation, Step
from matdiff_magic.errors import Join, MatDiffError, Msg
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.messages import format_message
from matdiff_magic.methods.common import Outcome
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules.rule import table
from matdiff_magic.structured_eigen import eigen_form
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.canonical import ckey
from matdiff_magic.tree.expand import TooLarge, expand
from matdiff_magic.tree.rewrite import canonical
from matdiff_magic.tree.rewrite import replace as replace_nodes
from matdiff_magic.tree.tidy import tidy

CONVENTIONS = ("sym", "entries", "free")

_row = table("structure")
RULES = {
    "sym": _row(
        "structure.sym",
        "symmetric gradient sym(G)",
        "对称梯度 sym(G)",
        r"\left.\frac{\partial f}{\partial S}\right|_{\mathrm{sym}} = \tfrac{1}{2}(G + G^{T})",
        "Along symmetric directions dS, tr(Gᵀ dS) = tr(sym(G) dS): the gradient on symmetric "
        "matrices is sym(G) = (G + Gᵀ)/2.",
        "沿对称方向 dS，tr(Gᵀ dS) = tr(sym(G) dS)：对称矩阵上的梯度是 sym(G) = (G + Gᵀ)/2。",
    ),
    "entries": _row(
        "structure.entries",
        "derivative by distinct entries",
        "对独立元素求导",
        r"\left.\frac{\partial f}{\partial S}\right|_{\mathrm{entries}} = "
        r"G + G^{T} - \operatorname{diag}(G)",
        "Moving S_ij and S_ji together (i ≠ j) changes f by G_ij + G_ji; moving S_ii by G_ii.",
        "S_ij 与 S_ji 一起变（i ≠ j）时 f 的变化率是 G_ij + G_ji；S_ii 变时是 G_ii。",
    ),
    "free": _row(
        "structure.free",
        "unconstrained gradient G",
        "无约束梯度 G",
        r"\left.\frac{\partial f}{\partial S}\right|_{\mathrm{free}} = G",
        "Every entry of S taken as free: G, the gradient of the expression as written, at a "
        "symmetric point.",
        "把 S 的每个元素都看作自由变量：G，即按原式写法求得的梯度，在对称点处取值。",
    ),
    "diagonal": _row(
        "structure.diagonal",
        "diagonal variable",
        "对角矩阵变量",
        r"\left.\frac{\partial f}{\partial D}\right|_{\mathrm{diag}} = \operatorname{diag}(G)",
        "Only the diagonal of D varies: the derivative is the diagonal of G, diag(G).",
        "只有 D 的对角元素可变：导数是 G 的对角部分 diag(G)。",
    ),
}


def check_convention(convention: str) -> str:
    if convention not in CONVENTIONS:
        raise MatDiffError(
            Msg("api.unknown_symmetric", convention=convention, choices=Join(CONVENTIONS))
        )
    return convention


def structured_variable(problem: Problem, wrt: str) -> N.Var | None:
    """The variable ``wrt`` if it is declared symmetric, spd or diagonal."""
    var = problem.variables.get(wrt)
    return var if var is not None and var.structure else None


def as_written(problem: Problem, wrt: str) -> Problem:
    """``problem`` parsed again with ``wrt`` read as a general matrix, so that its transposes
    stay as written (the methods derive this one; the result keeps ``problem``, whose
    structured variable gives the values and checks)."""
    return parse_problem(problem.source, dict(problem.given), free=frozenset({wrt}))


def kind(var: N.Var, convention: str) -> str:
    """The claim structure a convention gives for ``var`` ("" for the free gradient)."""
    if convention == "free":
        return ""
    return "diagonal" if var.structure == "diagonal" else convention


def _structure_matrix(n: sympy.Expr, which: str) -> Expr:
    """M for a Jacobian J on vec(S): (I + K)/2, I + K - diag(vec(I)) or diag(vec(I))."""
    eye, k = B.identity(n * n), B.commutation(n, n)
    diagonal = N.DiagMat(B.vec(B.identity(n)))
    if which == "sym":
        return N.Mul(sympy.Rational(1, 2), (), N.Add((eye, k)))
    if which == "entries":
        return N.Add((eye, k, N.Mul(sympy.Integer(-1), (), diagonal)))
    return diagonal


def _raw(value: Expr, f: Expr, n: sympy.Expr, orientation: str, which: str) -> Expr:
    """The convention applied to G (or to a Jacobian), written out unsimplified."""
    if not which:
        return value
    if f.is_scalar:
        if which == "sym":
            return N.Mul(sympy.Rational(1, 2), (), N.Add((value, N.Transpose(value))))
        mask = N.DiagMat(N.DiagVec(value))  # diag(G) as a diagonal matrix
        if which == "entries":
            return N.Add((value, N.Transpose(value), N.Mul(sympy.Integer(-1), (), mask)))
        return mask
    m = _structure_matrix(n, which)
    return N.MatMul((value, m)) if orientation == notation.NUMERATOR else N.MatMul((m, value))


def _at_symmetric(e: Expr, var: N.Var) -> Expr:
    """``e`` with the structured variable put back (its transposes simplified), tidied."""
    return tidy(
        replace_nodes(
            canonical(e), lambda n: var if isinstance(n, N.Var) and n.name == var.name else None
        )
    )


def _symmetric(e: Expr) -> bool:
    """Whether ``e`` equals its transpose by easy identities once expanded."""
    try:
        return ckey(canonical(expand(e))) == ckey(canonical(expand(B.transpose(e))))
    except TooLarge:
        return False


def _terms(g: Expr) -> list[Expr]:
    """The terms of G (a number times a sum taken into it)."""
    if isinstance(g, N.Mul) and isinstance(g.body, N.Add):
        return [B.make_mul(g.coeff, g.scalars, t) for t in g.body.terms]
    return list(g.terms) if isinstance(g, N.Add) else [g]


def _common(e: Expr) -> sympy.Expr:
    """The positive number every term of ``e`` shares (1 if none)."""
    coeffs = [B.split(t)[0] for t in _terms(e)]
    if not all(c.is_Rational for c in coeffs):
        return sympy.Integer(1)
    common = sympy.gcd_list([abs(c) for c in coeffs])
    return common if common != 0 else sympy.Integer(1)


def _diagonal(g: Expr) -> Expr:
    """diag(G) as a diagonal matrix, a number all of G's terms share taken out of it:
    2 diag(diag(S - M)), not diag(diag(2 S - 2 M))."""
    common = _common(g)
    inner = tidy(B.scale(1 / common, g)) if common != 1 else g
    return B.scale(common, tidy(B.diag_mat(B.diag_vec(inner))))


def _negative(e: Expr) -> bool:
    return all(B.split(t)[0].could_extract_minus_sign() for t in _terms(e))


def _simplified(raw: Expr, outcome: Outcome, var: N.Var, which: str) -> Expr:
    """The convention's result, simplified. G's symmetric terms Gₛ (at a symmetric point:
    logdet, quadratic forms, the variable itself) pass through sym unchanged, so with W the
    others, sym(G) = Gₛ + (W + Wᵀ)/2 and the entries form 2 Gₛ + W + Wᵀ - diag(G): S - (M + Mᵀ)/2
    for G = S - M, rather than S - M/2 - Mᵀ/2 or (S - M)ᵀ + S - M - diag(diag(S - M))."""
    if not (outcome.f.is_scalar and which in ("sym", "entries")):
        return _at_symmetric(raw, var)
    g = _at_symmetric(outcome.value, var)
    terms = _terms(g)
    kept = [t for t in terms if _symmetric(t)]
    w = B.add(*(t for t in terms if not _symmetric(t))) if len(kept) < len(terms) else None
    if w is None:  # G symmetric: sym(G) = G, the entries form 2 G - diag(G)
        return g if which == "sym" else tidy(B.sub(B.scale(2, g), B.diag_mat(B.diag_vec(g))))
    if which == "entries":
        twice = [B.scale(2, t) for t in kept]
        return B.sub(tidy(B.add(*twice, w, B.transpose(w))), _diagonal(g))
    pair = tidy(B.add(w, B.transpose(w)))
    sign = -1 if _negative(pair) else 1
    common = _common(pair)
    scale = sympy.Rational(sign, 2) * common
    if scale.is_integer:  # 2 S - M - Mᵀ: no bracket to keep
        return tidy(B.add(*kept, B.scale(sympy.Rational(1, 2), pair)))
    inside = tidy(B.scale(sign / common, pair))
    half = B.make_mul(scale, (), inside)
    return B.add(*kept, half) if kept else half


def _label(symbol: N.Opaque, convention: str) -> N.Opaque:
    """∂f/∂S marked with its convention: (∂f/∂S)_sym."""
    return N.Opaque(
        symbol.key + ":" + convention,
        r"\left(" + symbol.latex + r"\right)_{\mathrm{" + convention + "}}",
        "(" + symbol.text + ")_" + convention,
        *symbol.shape,
    )


def apply(outcome: Outcome, var: N.Var, convention: str) -> Outcome:
    """``outcome`` (G of the function as written) ended by the convention step."""
    which = kind(var, convention)
    label = "diag" if which == "diagonal" else convention
    key = "diagonal" if which == "diagonal" else convention
    raw = _raw(outcome.value, outcome.f, var.rows, outcome.orientation, which)
    # Sᵀ = S holds for the values: the result may use it (the convention fixed the gradient)
    final = _simplified(raw, outcome, var, which)
    symbol = notation.derivative(outcome.fname, outcome.f.shape, outcome.wrt, outcome.orientation)
    lhs = _label(symbol, label)
    claim = claims.derivative(outcome.f, outcome.wrt, outcome.orientation, structure=which)
    x = {"x": text_name(var.name)}
    params = (
        ("en", format_message(f"structure.{key}", x, "en")),
        ("zh", format_message(f"structure.{key}", x, "zh")),
        ("latex_name", latex_name(var.name)),
    )
    steps = Derivation(outcome.steps)
    steps.append(Step(lhs, raw, (RULES[key],), "=", True, "structure", params, claim))
    if final != raw:
        steps.append(Step(lhs, final, (C.SIMPLIFY,), "=", False, None, (), claim))
    # the result is about the declared variable (its values are symmetric, spd or diagonal;
    # plots move it along its own directions); the steps' claims name it the same way
    told = getattr(outcome, "numerator", None)  # a method's own numerator-layout narration
    numerator = (lambda: apply(told(), var, convention)) if told is not None else None
    done = replace(outcome, value=final, steps=steps, structure=which, wrt=var, numerator=None)
    # L_f(X, E) of a symmetric X in its eigendecomposition's form, computed by eigh
    return replace(eigen_form(done, lhs), numerator=numerator)

