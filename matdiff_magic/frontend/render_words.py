"""Formulas and words in each display mode (LaTeX, HTML, Markdown, text): the pieces every part
of the magic's display is made of."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import sympy

from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.i18n import MESSAGES, message
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.notation import kind_of, shape_latex
from matdiff_magic.printing.latex import latex, latex_dim
from matdiff_magic.printing.steps import latex_text
from matdiff_magic.printing.text import text
from matdiff_magic.result import Result
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

ALL = "all"
MODES = ("latex", "html", "markdown", "text")
# JupyterLab's theme colours (Notebook 7 shares them), each chosen for a contrast of at least
# 4.5:1 on both the light (white) and the dark (#111) background: success-color1 and
# warn-color0 are too light on white, error-color0 too dark on #111. The fallbacks are for
# renderers without JupyterLab's variables (light pages). tests/browser measures the contrast.
OK_COLOUR = "var(--jp-success-color0, #1a7f37)"
BAD_COLOUR = "var(--jp-error-color1, #cf222e)"
NEUTRAL_COLOUR = "var(--jp-content-font-color2, #57606a)"
WARN_COLOUR = (
    "color-mix(in srgb, var(--jp-warn-color0, #9a6700) 70%, var(--jp-content-font-color0, #000))"
)


@dataclass(frozen=True)
class Formula:
    """A formula in both notations (LaTeX without $, and Unicode text)."""

    latex: str
    text: str


def formula(e: Expr) -> Formula:
    return Formula(latex(e), text(e))


def fill(template: str, mode: str, **fields: Formula | str) -> str:
    """Fill a message template: words stay words, Formula fields become math in ``mode``.

    ``mode`` is "latex" (inside math: words go in \\text{}), "html" (words escaped, math in
    $...$), "markdown" (math in $...$) or "text" (formulas as Unicode text).
    """
    out = []
    for literal, name in _parsed(template):
        if literal:
            out.append(_words(literal, mode))
        if name is None:
            continue
        value = fields[name]
        if isinstance(value, Formula):
            out.append(_math(value, mode))
        else:
            out.append(_words(value, mode))
    return "".join(out)


@lru_cache(maxsize=512)
def _parsed(template: str) -> tuple[tuple[str, str | None], ...]:
    # The templates are the catalogue's messages: each is read once, not on every fill.
    return tuple((literal, name) for literal, name, _, _ in string.Formatter().parse(template))


def _words(s: str, mode: str) -> str:
    if mode == "latex":
        return r"\text{" + latex_text(s) + "}" if s else ""
    if mode == "html":
        return escape(s)
    return s


def _math(f: Formula, mode: str) -> str:
    if mode == "latex":
        return f.latex
    if mode == "html":
        return "$" + escape(f.latex, quote=False) + "$"
    if mode == "markdown":
        return "$" + f.latex + "$"
    return f.text


def method_title(method: str, lang: str) -> str:
    key = f"method.{method}"
    return message(key, lang) if key in MESSAGES else method


def kind_word(var: N.Var, lang: str) -> str:
    if var.symmetric:
        return message("ui.symmetric_matrix", lang)
    if var.fact:
        return message(f"ui.fact.{var.fact}", lang)
    return message(f"kind.{kind_of(var.shape)}", lang)


def _space(var: N.Var) -> Formula:
    """ℝ^{m×n} for the variable's type."""
    rows, cols = var.shape
    if rows == ONE and cols == ONE:
        return Formula(r"\mathbb{R}", "ℝ")
    if cols == ONE:
        return Formula(r"\mathbb{R}^{" + latex_dim(rows) + "}", "ℝ^" + dim_label(rows))
    return Formula(
        r"\mathbb{R}^{" + latex_dim(rows) + r" \times " + latex_dim(cols) + "}",
        f"ℝ^({dim_label(rows)}×{dim_label(cols)})",
    )


def member(var: N.Var) -> Formula:
    space = _space(var)
    return Formula(
        latex_name(var.name) + r" \in " + space.latex, text_name(var.name) + " ∈ " + space.text
    )


def dim_label(d: sympy.Expr) -> str:
    """A dimension as text, powers included (m² rather than m**2)."""
    return dim_text(d)


@lru_cache(maxsize=256)
def shape(shape: tuple) -> Formula:
    # A few sizes (n×1, m×n, 1×1) recur in every display: each printed once (SymPy's str).
    return Formula(shape_latex(shape), f"{dim_label(shape[0])}×{dim_label(shape[1])}")


def layout_description(r: Result, lang: str) -> str:
    if r.orientation == "hessian":
        return message("hessian", lang)
    name = message(f"layout.{r.layout}", lang)
    if r.layout == "mixed":
        return message("ui.layout_here", lang).format(
            layout=name, orientation=message(f"layout.{r.orientation}", lang)
        )
    return name


def as_option(text: str) -> str:
    """The library's advice as the magic and the command line take it: "use
    method=\"vectorization\"" (Python) reads "use --method vectorization"."""
    return re.sub(r"method=([\"'])(\w+)\1", r"--method \2", text)
