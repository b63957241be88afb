"""The public entry point: ``derive``."""

from __future__ import annotations

import difflib
from dataclasses import replace as dataclass_replace

from matdiff_magic import layout as L
from matdiff_magic import notation, structured
from matdiff_magic.errors import (
    Join,
    MatDiffError,
    Msg,
    NotApplicableError,
    NotSupportedYetError,
    ParseError,
    UnsupportedError,
)
from matdiff_magic.language.lexer import FULL_WIDTH
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.language.rebase import with_variable
from matdiff_magic.methods import chain, definition, differential, hessian, vectorization
from matdiff_magic.methods.common import Context, Outcome, kinds
from matdiff_magic.name_forms import GREEK, read_back
from matdiff_magic.result import Result
from matdiff_magic.result_names import check_names
from matdiff_magic.structured_eigen import eigen_form
from matdiff_magic.tree.named import repetition, written_size
from matdiff_magic.tree.nodes_leaves import DISCRETE_FACTS
from matdiff_magic.tree.rewrite import remembering
from matdiff_magic.tree.textbook_entrywise import norms_written_in
from matdiff_magic.verify import verified

METHODS = ("auto", "differential", "definition", "chain", "vectorization")


def derive(
    expr: str,
    wrt: str,
    variables: dict[str, str] | None = None,
    layout: str = "mixed",
    method: str = "auto",
    order: int = 1,
    verify: bool = True,
    symmetric: str = "sym",
    names: str = "keep",
) -> Result:
    """Differentiate the matdiff expression ``expr`` with respect to the variable ``wrt``.

    ``variables`` maps names to types ("scalar", "vector(n)", "matrix(m, n)",
    "symmetric(n)"); declarations inside ``expr`` work too. ``layout`` is "numerator",
    "denominator" or "mixed"; ``method`` one of "auto", "differential", "vectorization",
    "chain", "definition" ("auto" picks differential for a scalar function or variable,
    vectorization otherwise); ``order=2`` gives the Hessian. ``symmetric``: how the derivative
    with respect to a ``symmetric(n)`` or ``spd(n)`` variable is meant: "sym" (sym(G) =
    (G + Gᵀ)/2, the gradient on symmetric matrices), "entries" (G + Gᵀ - diag(G), by the
    distinct entries) or "free" (G, every entry free, for the expression as written); see
    ``structured.py``. ``names``: "keep" (the default) writes each of the user's definitions
    whose value appears in the result by its name (``h ⊙ (𝟏 - h)``, with "where h = ..." in
    ``str(result)`` and ``result.where_text()``); "expand" writes every name out.

    With ``verify`` (the default) the result and every step of its derivation are checked
    numerically at small random inputs before it is returned (a few milliseconds); if they do
    not hold, :class:`VerificationError` is raised instead of a wrong answer.
    """
    L.check_layout(layout)
    if method not in METHODS:
        raise MatDiffError(Msg("api.unknown_method", method=method, choices=", ".join(METHODS)))
    if order not in (1, 2):
        raise MatDiffError(Msg("api.order"))
    problem = parse_problem(expr, variables)
    return derive_problem(problem, wrt, layout, method, order, verify, symmetric, names)


def derive_problem(
    problem: Problem,
    wrt: str,
    layout: str = "mixed",
    method: str = "auto",
    order: int = 1,
    verify: bool = True,
    symmetric: str = "sym",
    names: str = "keep",
) -> Result:
    """:func:`derive` for text already parsed (``md.parse_problem``): a front end that parses
    a cell once derives every method from the one :class:`Problem`."""
    L.check_layout(layout)
    if method not in METHODS:
        raise MatDiffError(Msg("api.unknown_method", method=method, choices=", ".join(METHODS)))
    if order not in (1, 2):
        raise MatDiffError(Msg("api.order"))
    # one derivation: each rewrite of a subexpression done once; uᵀ u said as the user's ‖u‖²
    with remembering(), norms_written_in(problem.expr):
        outcome = derive_outcome(problem, wrt, method, order, symmetric)
        result = Result(problem, outcome, layout, check_names(names))
        return verified(result) if verify else result


def derive_outcome(
    problem: Problem, wrt: str, method: str, order: int = 1, symmetric: str = "sym"
) -> Outcome:
    """One method's outcome; with respect to a structured variable (symmetric, spd, diagonal)
    the function as written is derived (G, the variable a general matrix) and a last step
    states the derivative in the convention ``symmetric`` (see ``structured.py``)."""
    structured.check_convention(symmetric)
    ctx = context(problem, wrt)
    if ctx.wrt.fact:
        return _by_fact_variable(problem, ctx, method, order)
    var = structured.structured_variable(problem, ctx.wrt.name)
    if var is None or order != 1:
        outcome = run(ctx, method, order)
        # a first derivative through L_f(X, E) of an X symmetric by its form: Daleckii–Krein
        return eigen_form(outcome) if order == 1 else outcome
    ctx = context(structured.as_written(problem, ctx.wrt.name), ctx.wrt.name)
    return structured.apply(run(ctx, method, order), var, symmetric)


def _by_fact_variable(problem: Problem, ctx: Context, method: str, order: int) -> Outcome:
    """With respect to a vector declared with a fact: a one-hot or ±1 vector takes isolated
    values, so there is nothing to differentiate; a point y of the simplex gets the gradient
    in ℝᵏ (y read as a free vector, so no step uses 𝟏ᵀ y = 1 before differentiating), at a
    point of the simplex. Along the simplex only its part orthogonal to 𝟏 matters."""
    var = ctx.wrt
    if var.fact in DISCRETE_FACTS:
        raise MatDiffError(Msg("api.discrete_wrt", name=var.name, fact=var.fact))
    free = context(structured.as_written(problem, var.name), var.name)
    return dataclass_replace(run(free, method, order), wrt=var)


def context(problem: Problem, wrt: str) -> Context:
    """The function and the variable to differentiate with respect to.

    A definition named as ``wrt`` is the variable (see ``language.rebase``); a name that is
    neither a variable nor a definition is an error naming the nearest ones."""
    # W₂ as printed is the name W2; ｘ typed full-width is x, as in the expression
    name = wrt.translate(_SUBSCRIPTS).translate(FULL_WIDTH) if isinstance(wrt, str) else ""
    if not name.isidentifier():
        raise ParseError(Msg("build.variable_name", name=wrt))
    wrt = _spelling(problem, name)
    if wrt in problem.definition_names:
        problem = with_variable(problem, wrt)
    var = problem.variables.get(wrt)
    if var is None:
        raise _unknown_variable(problem, wrt)
    taken = set(problem.variables) | set(problem.definition_names)
    fname = problem.name or notation.default_name(problem.expr.shape, taken)
    return Context(problem.expr, var, fname, problem)


def _spelling(problem: Problem, name: str) -> str:
    """``name`` as the problem spells it: "theta" finds θ and "θ" finds theta, "W₂" finds W_2."""
    names = [*problem.variables, *problem.definition_names]
    if name in names:
        return name
    other = GREEK.get(name) or next((s for s, g in GREEK.items() if g == name), None)
    if other in names:
        return other
    # as printed: "W₂" finds W2 or W_2, "α" finds alpha (when one name alone prints so)
    same = [n for n in names if read_back(n) == read_back(name)]
    return same[0] if len(same) == 1 else name


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def _unknown_variable(problem: Problem, name: str) -> MatDiffError:
    names = [*problem.variables, *problem.definition_names]
    near = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    near += [n for n in names if n.lower() == name.lower() and n not in near]
    hint = Msg("hint.did_you_mean", name=near[0]) if near else None
    known = Join(names) if names else Msg("api.no_variables")
    return MatDiffError(Msg("api.unknown_variable", name=name, names=known), hint=hint)


# Beyond this many nodes written out, a function is derived only through its definitions (the
# chain method keeps their names); the other methods would write every repetition out.
MAX_WRITTEN = 20000
# "auto" derives through the definitions when writing them out would repeat this much.
REPEATED = 100


def run(ctx: Context, method: str, order: int) -> Outcome:
    written = written_size(ctx.f)
    if method == "auto" and order == 1 and repetition(ctx.f) > REPEATED:
        method = "chain"
    if written > MAX_WRITTEN and method != "chain":
        raise NotSupportedYetError(
            Msg("reason.too_large", f=ctx.fname, size=written, limit=MAX_WRITTEN)
        )
    if order == 2:
        if method not in ("auto", "differential", "vectorization"):
            raise NotApplicableError(Msg("api.hessian_method", method=method))
        return hessian.derive(ctx)
    if method == "definition":
        return definition.derive(ctx)
    if method == "chain":
        return chain.derive(ctx)
    if method == "auto":
        fk, xk = kinds(ctx)
        if fk == "scalar" or xk == "scalar":
            try:
                return differential.derive(ctx)
            except UnsupportedError:
                pass  # the trace trick cannot take dX out of a Kronecker product: vec can
        return vectorization.derive(ctx)
    if method == "differential":
        return differential.derive(ctx)
    return vectorization.derive(ctx)
