"""The user's definitions in a result: their values written as their names (``h ⊙ (𝟏 - h)``
rather than ``σ(W₁ x + b₁) ⊙ (𝟏 - σ(W₁ x + b₁))``), or every name written out, and the clause
that says what the names mean ("where h = σ(W₁ x + b₁), s = W₂ h + b₂")."""

from __future__ import annotations

from matdiff_magic.i18n import message, separator
from matdiff_magic.language.problem import Problem
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.steps import latex_text
from matdiff_magic.printing.text import text
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.named import (
    defined_names,
    fold_names,
    named_nodes,
    written_out,
    written_size,
)
from matdiff_magic.tree.tidy import tidy

NAMES = ("keep", "expand")
# Writing names out stops here: a chain of definitions each used twice doubles at every level.
MAX_EXPANDED = 20000


def check_names(names: str) -> str:
    """``names`` if it is one of :data:`NAMES`, else a :class:`MatDiffError`."""
    from matdiff_magic.errors import MatDiffError, Msg

    if names not in NAMES:
        raise MatDiffError(Msg("api.unknown_names", names=names, choices=", ".join(NAMES)))
    return names


def with_definitions(e: Expr, problem: Problem, wrt: N.Var, names: str) -> Expr:
    """``e`` as the result prints it: ``names="keep"`` writes each of the user's definitions
    whose value appears in ``e`` by its name (the outermost first, compared by canonical form);
    ``"expand"`` writes every name out (as far as :data:`MAX_EXPANDED` nodes allow)."""
    if names == "expand":
        return tidy(written_out(e)) if written_size(e) <= MAX_EXPANDED else e
    fixed = {wrt.name: wrt} if wrt.name in problem.definition_names else None
    nodes = defined_names([(d.name, d.expr) for d in problem.definitions], fixed)
    if not nodes:
        return e
    folded = fold_names(e, nodes, _polished)
    if folded is e:
        return e
    # polished again with the names as leaves: methods whose written-out forms differ only
    # inside a definition's value now read alike
    again = tidy(folded)
    shorter = written_size(again, names=False) <= written_size(folded, names=False)
    return again if shorter else folded


# A definition's value is polished (to be recognised as the result prints it) up to this size:
# polishing costs far more than the fold, and a value this long is kept by name anyway.
MAX_POLISHED = 40


def _polished(value: Expr) -> list[Expr]:
    """The form a result prints a definition's value in, when it differs from the value."""
    if written_size(value) > MAX_POLISHED:
        return []
    out = tidy(value)
    return [out] if out != value else []


def used_names(e: Expr) -> list[N.Named]:
    """The names ``e`` prints, with the names their definitions print, innermost first."""
    return named_nodes(e)


def where_clause(e: Expr, lang: str = "en", mode: str = "text") -> str:
    """"where h = σ(W₁ x + b₁), s = W₂ h + b₂" for the names ``e`` prints ("" if none), in
    ``mode`` "text" or "latex" (the word in \\text{}), the same words as the header's."""
    nodes = used_names(e)
    if not nodes:
        return ""
    comma = separator("comma", lang)
    word = message("ui.where", lang)
    if mode == "latex":
        parts = [f"{latex_name(n.name)} = {latex(n.body)}" for n in nodes]
        return r"\text{" + latex_text(word + " ") + "}" + (r"\text{" + comma + "}").join(parts)
    return word + " " + comma.join(f"{text_name(n.name)} = {text(n.body)}" for n in nodes)
