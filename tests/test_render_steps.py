"""Derivations as HTML rows that wrap: formulas cut only where the LaTeX stays balanced, every
step's rule names in every view (side by side too), each rule's identity behind a toggle."""

from __future__ import annotations

import re

import pytest

import matdiff_magic as md
from matdiff_magic.frontend.render import ALL, content_for
from matdiff_magic.frontend.render_steps import (
    derivation_html,
    pieces,
    plain_delimiters,
    rules_html,
)
from matdiff_magic.printing.latex import LatexPrinter

LOGISTIC = (
    "f = sum(log(1 + exp(X θ))) - y' X θ",
    "θ",
    {"X": "matrix(m, n)", "y": "vector(m)"},
)


@pytest.fixture(scope="module")
def derivations() -> list[md.Result]:
    comparison = md.compare("X: matrix(m, n); y: vector(m)\ne = X θ - y\nf = e' e", "θ")
    return [
        *comparison.results.values(),
        md.derive(LOGISTIC[0], LOGISTIC[1], LOGISTIC[2], order=2),
        md.derive("A X B", "X", method="vectorization"),
        md.derive("tr(X' A X)", "X"),
    ]


def _balanced(latex: str) -> bool:
    braces = re.sub(r"\\[{}]", "", latex)
    return (
        braces.count("{") == braces.count("}")
        and len(re.findall(r"\\left\b", latex)) == len(re.findall(r"\\right\b", latex))
        and latex.count(r"\begin{") == latex.count(r"\end{")
    )


def test_pieces_are_balanced_and_join_back_to_the_formula(derivations):
    p = LatexPrinter()
    seen_cut = False
    for r in derivations:
        for step in r.steps:
            latex = p.doprint(step.expr)
            cut = pieces(latex)
            seen_cut |= len(cut) > 1
            assert all(_balanced(piece) for piece in cut), cut
            joined = " ".join(piece.removeprefix("{}") for piece in cut)
            assert joined.split() == plain_delimiters(latex).split()
    assert seen_cut


def test_sized_delimiters_become_plain_so_they_can_be_cut():
    latex = r"\sum_{i} \left(a_{i} - b_{i}\right) + \left.f\right|_{x} \left\{c\right\}"
    assert plain_delimiters(latex) == r"\sum_{i} (a_{i} - b_{i}) + f|_{x} \{c\}"
    assert pieces(r"\left(a - b\right) c") == ["(a", "{}- b) c"]


def test_long_steps_are_cut_into_short_pieces(derivations):
    """Every step of the logistic Hessian (1751 px as one aligned block) cuts into pieces of at
    most 60 visible symbols (a LaTeX command counts as one)."""
    p = LatexPrinter()
    hessian = derivations[-3]

    def visible(piece: str) -> int:
        return len(re.sub(r"\\[A-Za-z]+", "#", piece).replace("{", "").replace("}", ""))

    longest = max(visible(piece) for s in hessian.steps for piece in pieces(p.doprint(s.expr)))
    whole = max(visible(p.doprint(s.expr)) for s in hessian.steps)
    assert longest <= 60 < whole


@pytest.mark.parametrize("compact", [False, True])
def test_every_step_shows_its_rule_names_and_identities(derivations, compact):
    for r in derivations:
        html = derivation_html(r.steps, "en", compact=compact)
        for step in r.steps:
            if step.rules:
                assert rules_html(step.rules, "en") in html
                names = "; ".join(rule.name("en") for rule in step.rules)
                assert f">{names}</summary>" in html.replace("&#x27;", "'")


def test_a_step_with_several_rules_lists_each_identity():
    r = md.derive("x' A x", "x", method="differential")
    step = next(s for s in r.steps if len(s.rules) >= 2)
    html = rules_html(step.rules, "zh")
    for rule in step.rules:
        assert f"{rule.name('zh')}: " in html
        first = pieces(rule.latex)[0]
        assert first in html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    assert html.count("class='matdiff-identity'") == len(step.rules)


def test_side_by_side_wraps_columns_and_keeps_rule_names(derivations):
    comparison = md.compare("X: matrix(m, n); y: vector(m)\ne = X θ - y\nf = e' e", "θ")
    content = content_for(comparison, "en")
    html = content.html("mixed", ALL)
    assert "repeat(auto-fit,minmax(min(24em,100%),1fr))" in html
    assert html.count("class='matdiff-rules'") == sum(
        len(r.steps) for r in comparison.results.values()
    )
