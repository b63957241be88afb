"""The Daleckii–Krein form as a derivation's last step: every L_f(X, E) and K_f(X) of the
result whose X is symmetric by structure (a symmetric or spd variable, or an expression equal
to its transpose by easy identities: Xᵀ X + I, A + Aᵀ, S + X Xᵀ; ``symmetric_argument``
proves it, nothing is assumed) is rewritten into Q (F ⊙ (Qᵀ E Q)) Qᵀ, computed by one
eigendecomposition (``operations.daleckii_krein``). The step is checked as every step is; an
argument that is not a declared variable is cited as symmetric by its form."""

from __future__ import annotations

import functools
from dataclasses import replace

from matdiff_magic.derivation import Derivation, Step
from matdiff_magic.methods.common import Outcome
from matdiff_magic.operations.daleckii_krein import RULE, daleckii_krein
from matdiff_magic.operations.frechet_commuting import RULE as COMMUTING
from matdiff_magic.operations.frechet_commuting import commuting
from matdiff_magic.operations.matrix_function_nodes import Frechet, FrechetKron
from matdiff_magic.operations.matrix_function_nodes import symmetric_argument as symmetric
from matdiff_magic.rules.rule import table
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.tidy import tidy

WHY = table("structure")(
    "structure.symmetric_argument",
    "symmetric by its form",
    "形式上对称",
    r"X^{T} = X",
    "The matrix function's argument equals its transpose by its form (Xᵀ X + I, A + Aᵀ, "
    "S + X Xᵀ with S symmetric: whatever the variables' values), so it is symmetric.",
    "矩阵函数的自变量按其形式等于自身的转置（如 Xᵀ X + I、A + Aᵀ、S 对称时的 S + X Xᵀ，"
    "与变量的取值无关），所以是对称矩阵。",
)


def _by_form(value: Expr) -> bool:
    """Whether an L_f or K_f of ``value`` has an argument symmetric by its form, not declared."""
    return any(
        isinstance(n, Frechet | FrechetKron) and not isinstance(n.x, N.Var) and symmetric(n.x)
        for n in value.walk()
    )


def eigen_form(outcome: Outcome, lhs: Expr | None = None) -> Outcome:
    """``outcome`` ended by the steps L_f(X, g(X)) = f′(X) g(X) and the Daleckii–Krein form
    when its value has such an L_f or K_f (``outcome`` itself otherwise); ``lhs`` names the
    steps' left side (the last step's by default). A method's own numerator-layout narration
    gets the same steps."""
    if not outcome.steps or not any(
        isinstance(n, Frechet | FrechetKron) for n in outcome.value.walk()
    ):
        return outcome
    told = outcome.numerator  # made when first asked for, once (as the method's own)
    numerator = functools.cache(lambda: eigen_form(told())) if told is not None else None
    last = outcome.steps[-1]
    steps, value = Derivation(outcome.steps), outcome.value
    simple = commuting(value)
    if simple != value:
        simple = tidy(simple)
        steps.append(Step(lhs or last.lhs, simple, (COMMUTING,), "=", False, None, (), last.claim))
    eigen = daleckii_krein(simple)
    if eigen != simple:
        rules = (WHY, RULE) if _by_form(simple) else (RULE,)
        steps.append(Step(lhs or last.lhs, eigen, rules, "=", False, None, (), last.claim))
    if eigen == value:
        return replace(outcome, numerator=numerator) if told is not None else outcome
    return replace(outcome, value=eigen, steps=steps, numerator=numerator)
