"""How a simplify step cites a declared fact it used: by the variable and its declaration,
"𝟏ᵀ y = 1 because y is one-hot (declared onehot(k))", in English and Chinese.

The identity itself is a rewrite of the final polish (tree/textbook_facts.py); these rules are
made for the variables a step used (not registered: their text names the variable).
"""

from __future__ import annotations

from collections.abc import Iterable

from matdiff_magic.dims import dim_text
from matdiff_magic.messages import format_message
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree import nodes as N

FACT_KEY = "simplify.fact."  # the keys of these rules start so

# The identities each fact gives, in LaTeX ({y} the variable's LaTeX name, {k} its length).
_LATEX = {
    "onehot": r"\mathbf{{1}}^{{T}} {y} = {y}^{{T}} \mathbf{{1}} = {y}^{{T}} {y} = 1,\ "
    r"{y}^{{\circ p}} = {y}",
    "simplex": r"\mathbf{{1}}^{{T}} {y} = {y}^{{T}} \mathbf{{1}} = 1",
    "pm1": r"{y} \odot {y} = \mathbf{{1}},\ {y}^{{T}} {y} = {k}",
}


def fact_rule(var: N.Var) -> Rule:
    """The rule citing ``var``'s declared fact."""
    params = {"y": text_name(var.name), "k": dim_text(var.rows), "fact": var.fact}

    def say(part: str, lang: str) -> str:
        return format_message(f"fact.{var.fact}.{part}", params, lang)

    latex = _LATEX[var.fact].format(y=latex_name(var.name), k=dim_text(var.rows))
    return Rule(
        f"{FACT_KEY}{var.fact}:{var.name}",
        say("name", "en"),
        say("name", "zh"),
        latex,
        say("explain", "en"),
        say("explain", "zh"),
        group="simplify",
    )


def fact_rules(variables: Iterable[N.Var]) -> list[Rule]:
    return [fact_rule(v) for v in variables]
