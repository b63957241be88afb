"""Every LaTeX command matdiff writes is one MathJax 3 renders (its base and AMS packages, as in
JupyterLab): a derivation must never show a red \\unknowncommand to a student."""

from __future__ import annotations

import re

import pytest
from test_rules import EXAMPLES, D

import matdiff_magic as md
from matdiff_magic.rules import REGISTRY

GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau",
    "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma", "Delta", "Theta", "Lambda",
    "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
MATHJAX = GREEK | {
    # structure and fonts
    "frac", "tfrac", "dfrac", "sqrt", "left", "right", "begin", "end", "text", "textbf",
    "mathrm", "mathbf", "mathbb", "operatorname", "boxed", "quad", "qquad",
    # operators, relations, arrows
    "partial", "sum", "int", "max", "min", "log", "exp", "sin", "cos", "tan", "arctan", "sinh",
    "cosh", "tanh", "det",
    "odot", "oslash", "otimes", "ast",
    "circ", "times", "cdot", "in", "ni", "top", "pm", "iff", "to", "mapsto", "Rightarrow",
    "Longrightarrow",
    "lVert", "rVert", "Vert", "langle", "rangle", "ldots", "cdots", "backslash",
}
COMMAND = re.compile(r"\\([A-Za-z]+)")


def commands(latex: str) -> set[str]:
    return set(COMMAND.findall(latex))


def test_rule_identities_use_mathjax_commands():
    for rule in REGISTRY.values():
        assert commands(rule.latex) <= MATHJAX, (rule.key, commands(rule.latex) - MATHJAX)


@pytest.mark.parametrize("key", sorted(EXAMPLES))
def test_derivations_use_mathjax_commands(key):
    expr, wrt, _ = EXAMPLES[key]
    report = md.compare(D + expr, wrt, order=2 if key == "hessian" else 1)
    for layout in ("numerator", "denominator", "mixed"):
        for r in report.with_layout(layout).results.values():
            for lang in ("en", "zh"):
                latex = r.steps.latex(lang=lang) + r.latex + r._repr_latex_()
                assert commands(latex) <= MATHJAX, (key, commands(latex) - MATHJAX)
    assert commands(report._repr_latex_() + report._repr_html_()) <= MATHJAX
