"""A derivation as HTML rows that fit their box: one row a step, the formula cut into pieces
that the browser wraps onto further lines, the rule names beside it (or under it where there is
no room), and each rule's identity behind a toggle.

One ``\\begin{aligned}`` block cannot wrap: MathJax 3 (as JupyterLab ships it) breaks lines only
partly, so a long step ran off the side (the logistic Hessian was 1751 px wide in a 1220 px
output area). Here each formula is split at its binary operators (``=``, ``+``, ``-``, ``⊙``,
``⊘``, ``⊗``) wherever the LaTeX stays balanced, every piece is its own inline math, and the
browser fills lines with them. The printers render; nothing is computed here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape

from matdiff_magic.derivation import Step
from matdiff_magic.printing.latex import LatexPrinter
from matdiff_magic.printing.steps import kink_note, sentence
from matdiff_magic.rules.rule import Rule

# Binary operators a formula may break before (with the spaces the LaTeX printer writes).
_BREAKS = (" = ", " + ", " - ", r" \odot ", r" \oslash ", r" \otimes ", r" \quad ")
_SCAN = re.compile(
    r"\\left\b|\\right\b|\\begin\{[A-Za-z*]+\}|\\end\{[A-Za-z*]+\}|\\[{}]|[{}]|\\[A-Za-z]+|(?="
    + "|".join(re.escape(op) for op in _BREAKS)
    + ")"
)
_SUBSCRIPTED = re.compile(r"(\S+?)_([A-Za-z0-9]{1,3})(?=[\s,.;:，。、)）]|$)")

# The side-by-side grid: as many columns of at least this width as fit, the rest on more rows.
MIN_COLUMN = "24em"


def break_points(latex: str) -> list[int]:
    """Where ``latex`` may be cut: before a binary operator outside every {...}, \\left ...
    \\right and \\begin ... \\end (plain parentheses may be open: a piece shows "(" alone)."""
    # One scan that stops only at what opens or closes a group, at a command (so that
    # \\leftarrow or \\{ is not taken for one) and before an operator (the empty match).
    points: list[int] = []
    depth = 0
    for token in _SCAN.finditer(latex):
        word = token.group()
        if not word:
            if depth == 0 and token.start() > 0:
                points.append(token.start())
        elif word in ("{", r"\left") or word.startswith(r"\begin{"):
            depth += 1
        elif word in ("}", r"\right") or word.startswith(r"\end{"):
            depth -= 1
    return points


_SIZED = re.compile(r"\\(left|right)(\\[{}|]|[()\[\]|.])")


def plain_delimiters(latex: str) -> str:
    """``\\left( ... \\right)`` as plain ``( ... )``: a sized pair cannot be cut, and inline
    formulas (all the pieces are inline) hardly need sizing; ``\\left.`` disappears."""
    if "\\left" not in latex and "\\right" not in latex:  # most formulas: nothing to scan
        return latex
    return _SIZED.sub(lambda m: "" if m.group(2) == "." else m.group(2), latex)


def pieces(latex: str) -> list[str]:
    """``latex`` (its sized delimiters made plain) cut at every :func:`break_points`; a piece
    that starts with a binary operator gets ``{}`` before it so that MathJax spaces it as
    binary."""
    latex = plain_delimiters(latex)
    cuts = [0, *break_points(latex), len(latex)]
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = latex[start:end].strip()
        if piece and start > 0:
            piece = "{}" + piece
        if piece:
            out.append(piece)
    return out


def math_pieces(latex: str) -> str:
    """Inline math pieces the browser may wrap between (but never inside)."""
    return "<wbr>".join(
        f"<span class='matdiff-piece' style='display:inline-block'>"
        f"${escape(p, quote=False)}$</span>"
        for p in pieces(latex)
    )


def words_html(said: str) -> str:
    """A sentence as HTML text (it wraps like text); θ_k becomes θ<sub>k</sub>."""
    return _SUBSCRIPTED.sub(r"\1<sub>\2</sub>", escape(said))


def rules_html(rules: Sequence[Rule], lang: str) -> str:
    """The rule names; opened, each rule's identity (a step with several rules lists each)."""
    if not rules:
        return ""
    return _rules_html(tuple(rules), lang)


@lru_cache(maxsize=1024)
def _rules_html(rules: tuple[Rule, ...], lang: str) -> str:
    # Rules are catalogue entries (frozen, compared by what they say): every derivation cites
    # the same few, and cutting their identities into pieces was a tenth of a cell's rendering.
    names = escape("; ".join(r.name(lang) for r in rules))
    identities = "".join(
        f"<div class='matdiff-identity'>{escape(r.name(lang))}: {math_pieces(r.latex)}</div>"
        for r in rules
        if r.latex
    )
    return (
        "<details class='matdiff-rule'>"
        f"<summary style='cursor:pointer'>{names}</summary>{identities}</details>"
    )


def derivation_html(steps: Sequence[Step], lang: str = "en", compact: bool = False) -> str:
    """The steps as a grid: left side, "= right side" (wrapping), rule names with identities.

    ``compact`` (the side-by-side columns) puts the rule names under the formula instead of in
    a third column, so that a narrow column still shows them."""
    wide, narrow = derivation_htmls(steps, lang)
    return narrow if compact else wide


# Stands for the rule cells' style while the cells are built once for both grids.
_RULE_STYLE = "\x00rule-style\x00"


def derivation_htmls(steps: Sequence[Step], lang: str = "en") -> tuple[str, str]:
    """:func:`derivation_html` and its ``compact`` form, the steps printed once for both."""
    p = LatexPrinter()
    cells: list[str] = []
    for step in steps:
        lead = ""
        if step.new_lhs:
            lead = p.doprint(step.lhs)
            if step.relation == "implies":
                lead = r"\Longrightarrow\ " + lead
        rhs = "= " + p.doprint(step.expr)
        if step.note == "shape":
            rhs += r" \quad (" + dict(step.params)["latex"] + ")"
        cells.append(
            "<div class='matdiff-lhs' style='text-align:right;white-space:nowrap'>"
            + (f"${escape(lead, quote=False)}$" if lead else "")
            + "</div>"
        )
        rhs_style = "min-width:0;white-space:normal"
        cells.append(f"<div class='matdiff-rhs' style='{rhs_style}'>{math_pieces(rhs)}</div>")
        cells.append(f"<div class='matdiff-rules' style='{_RULE_STYLE}'>")
        cells[-1] += rules_html(step.rules, lang) + "</div>"
        said = sentence(step, lang)
        if said:
            cells.append(_sentence_cell(said))
    kinks = kink_note(steps, lang)
    if kinks:
        cells.append(_sentence_cell(kinks))
    body = "".join(cells)
    rule_style = "font-size:85%;opacity:0.85;overflow-wrap:anywhere"
    wide = _grid(
        "max-content minmax(0,1fr) minmax(6em,max-content)",
        body.replace(_RULE_STYLE, rule_style + ";max-width:18em;padding-left:1.5em"),
    )
    compact = _grid(
        "max-content minmax(0,1fr)",
        body.replace(_RULE_STYLE, rule_style + ";grid-column:2;margin:-0.2em 0 0.3em 1.2em"),
    )
    return wide, compact


def _grid(columns: str, cells: str) -> str:
    return (
        "<div class='matdiff-derivation' style='display:grid;"
        f"grid-template-columns:{columns};column-gap:0.4em;row-gap:0.25em;"
        "align-items:baseline;max-width:100%;white-space:normal'>" + cells + "</div>"
    )


def _sentence_cell(said: str) -> str:
    return (
        "<div class='matdiff-sentence' style='grid-column:2/-1;overflow-wrap:anywhere'>"
        f"{words_html(said)}</div>"
    )


def result_html(symbol_latex: str, result_latex: str, size_html: str) -> str:
    """The result, framed, then its size. A short one is one ``\\boxed`` formula; a long one
    (over :data:`BOXED_MAX` visible symbols) is framed by CSS and wraps like a step."""
    equation = symbol_latex + " = " + result_latex
    if _visible(equation) <= BOXED_MAX:
        framed = (
            "<span class='matdiff-piece' style='display:inline-block'>"
            f"$\\boxed{{{escape(equation, quote=False)}}}$</span>"
        )
    else:
        framed = (
            "<span style='display:inline-block;max-width:100%;border:1px solid currentColor;"
            f"padding:0.2em 0.5em'>{math_pieces(equation)}</span>"
        )
    return (
        f"<div class='matdiff-result' style='margin:0.5em 0'>{framed} "
        f"<span class='matdiff-size'>{size_html}</span></div>"
    )


BOXED_MAX = 40


def _visible(latex: str) -> int:
    """About how many symbols ``latex`` shows (a command counts as one, braces as none)."""
    return len(
        re.sub(r"\\[A-Za-z]+", "#", latex).replace("{", "").replace("}", "").replace(" ", "")
    )


__all__ = [
    "MIN_COLUMN",
    "break_points",
    "derivation_html",
    "derivation_htmls",
    "math_pieces",
    "pieces",
    "plain_delimiters",
    "result_html",
    "rules_html",
]
