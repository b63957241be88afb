"""The public entry point: ``derive``."""

from __future__ import annotations

from matdiff_magic import dims, notation
from matdiff_magic import layout as L
from matdiff_magic.errors import MatDiffError, Msg, ParseError, UnsupportedError
from matdiff_magic.language.builder import Problem, parse_problem, substitute
from matdiff_magic.methods import chain, definition, differential, hessian, vectorization
from matdiff_magic.methods.common import Context, Outcome, kinds
from matdiff_magic.result import Result
from matdiff_magic.tree import nodes as N
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
) -> Result:
    """Differentiate the matdiff expression ``expr`` with respect to the variable ``wrt``.

    ``variables`` maps names to types ("scalar", "vector(n)", "matrix(m, n)",
    "symmetric(n)"); declarations inside ``expr`` work too. ``layout`` is "numerator",
    "denominator" or "mixed"; ``method`` one of "auto", "differential", "vectorization",
    "chain", "definition" ("auto" picks differential for a scalar function or variable,
    vectorization otherwise); ``order=2`` gives the Hessian.

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
    ctx = context(problem, wrt)
    outcome = run(ctx, method, order)
    result = Result(problem, outcome, layout)
    return verified(result) if verify else result


def context(problem: Problem, wrt: str) -> Context:
    """The function and the variable to differentiate with respect to."""
    if not isinstance(wrt, str) or not wrt.isidentifier():
        raise ParseError(Msg("build.variable_name", name=wrt))
    taken = set(problem.variables) | set(problem.definition_names)
    fname = problem.name or notation.default_name(problem.expr.shape, taken)
    var = problem.variables.get(wrt)
    f = problem.expr
    if wrt in problem.definition_names:
        # Differentiate with respect to an intermediate: keep it, inline the others.
        keep = {d.name: d.inlined for d in problem.definitions if d.name != wrt}
        var = next(d.var for d in problem.definitions if d.name == wrt)
        f = substitute(problem.outer, keep)
    if var is None:
        var = _absent_variable(problem, wrt)
    return Context(f, var, fname, problem)


def _absent_variable(problem: Problem, name: str) -> N.Var:
    """A variable the expression does not contain: its derivative is zero (of a fresh size)."""
    taken = {str(s) for v in problem.variables.values() for d in v.shape for s in d.free_symbols}
    pool = [c for c in "nmpqkrs" if c not in taken] + [f"d{i}" for i in range(1, 9)]
    if name[0].isupper():
        return N.Var(name, dims.symbol(pool[0]), dims.symbol(pool[1]))
    return N.Var(name, dims.symbol(pool[0]), dims.ONE)


def run(ctx: Context, method: str, order: int) -> Outcome:
    if order == 2:
        if method not in ("auto", "differential", "vectorization"):
            raise UnsupportedError(Msg("api.hessian_method", method=method))
        return hessian.derive(ctx)
    if method == "definition":
        return definition.derive(ctx)
    if method == "chain":
        return chain.derive(ctx)
    if method == "auto":
        fk, xk = kinds(ctx)
        method = "differential" if (fk == "scalar" or xk == "scalar") else "vectorization"
    if method == "differential":
        return differential.derive(ctx)
    return vectorization.derive(ctx)
