"""The header of a display: the problem restated (the task, the variables and their spaces, what
to find and in which layout)."""

from __future__ import annotations

from matdiff_magic.frontend.render_words import (
    Formula,
    fill,
    formula,
    kind_word,
    layout_description,
    member,
    shape,
)
from matdiff_magic.i18n import message, separator
from matdiff_magic.name_forms import latex_name, text_name
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.text import text
from matdiff_magic.result import Result
from matdiff_magic.result_names import used_names

Part = tuple[str, dict[str, Formula | str]]  # a message template and its fields


def where_part(defs: list[Formula], lang: str) -> Part:
    """"where h = ..., s = ...": the problem's definitions under the task, and the names a result
    uses under the result (``Result.where_text`` says it the same way)."""
    fields: dict[str, Formula | str] = {f"d{i}": d for i, d in enumerate(defs)}
    comma = separator("comma", lang)
    template = message("ui.where", lang) + " " + comma.join("{" + k + "}" for k in fields)
    return template, fields


def where_row(defs: list[Formula], lang: str, mode: str) -> str:
    template, fields = where_part(defs, lang)
    return fill(template, mode, **fields)


def result_where(r: Result, lang: str, mode: str) -> str:
    """What the names in the result mean, in ``mode`` ("" when it uses none)."""
    return result_wheres(r, lang, (mode,))[0]


def result_wheres(r: Result, lang: str, modes: tuple[str, ...]) -> list[str]:
    """:func:`result_where` in each of ``modes``, the names found and printed once."""
    nodes = used_names(r.expr)
    if not nodes:
        return [""] * len(modes)
    defs = [
        Formula(
            latex_name(n.name) + " = " + latex(n.body), text_name(n.name) + " = " + text(n.body)
        )
        for n in nodes
    ]
    template, fields = where_part(defs, lang)
    return [fill(template, mode, **fields) for mode in modes]


# -- the header: the problem restated -------------------------------------------------------------
def header_rows(r: Result, lang: str, mode: str) -> list[str]:
    """The problem: the function, its definitions, each variable with kind and size, the goal."""
    return [fill(template, mode, **fields) for template, fields in header_parts(r, lang)]


def header_parts(r: Result, lang: str) -> list[Part]:
    """:func:`header_rows` before a display mode is chosen: the formulas are printed once and
    filled in for each mode (LaTeX, HTML, Markdown, text)."""
    problem = r.problem
    fname = Formula(latex_name(r.name), text_name(r.name))
    outer = formula(problem.outer)
    function = Formula(fname.latex + " = " + outer.latex, fname.text + " = " + outer.text)
    task = message("ui.task.hessian" if r.order == 2 else "ui.task", lang)
    rows: list[Part] = [
        (task, {"f": function, "x": Formula(latex_name(r.wrt.name), text_name(r.wrt.name))})
    ]
    if problem.definitions:
        defs = [
            Formula(
                latex_name(d.name) + " = " + latex(d.expr),
                text_name(d.name) + " = " + text(d.expr),
            )
            for d in problem.definitions
        ]
        rows.append(where_part(defs, lang))
    for var in problem.variables.values():
        rows.append(
            (
                message("ui.variable", lang),
                {"v": member(var), "kind": kind_word(var, lang), "size": shape(var.shape)},
            )
        )
    if r.wrt.name in problem.definition_names:
        rows.append(
            (
                message("ui.variable.intermediate", lang),
                {"v": member(r.wrt), "kind": message("ui.intermediate", lang)},
            )
        )
    find = message("ui.find", lang)
    rows.append(
        (
            find,
            {
                "symbol": formula(r.symbol),
                "where": layout_description(r, lang),
                "size": shape(r.shape),
            },
        )
    )
    return rows
