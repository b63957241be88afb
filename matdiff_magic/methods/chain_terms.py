"""The chain rule on a sum whose terms are not one chain: ridge regression's
``norm(X w - y)^2 + lam * norm(w)^2`` has w inside a composition in one term and bare in the
other. Each term is differentiated on its own (by the chain rule where it is a composition,
directly where the variable appears bare) and the derivatives are added, which the derivation
says as a rule of its own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from matdiff_magic import claims, notation
from matdiff_magic.derivation import Builder
from matdiff_magic.errors import NotApplicableError
from matdiff_magic.methods import differential, vectorization
from matdiff_magic.methods.chain_links import mentions
from matdiff_magic.methods.common import Context, Outcome
from matdiff_magic.rules import chain as R
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import substitute
from matdiff_magic.tree.tidy import tidy


def split_terms(ctx: Context) -> list[tuple[Expr, Expr]] | None:
    """The function's top-level terms as (written with the user's names, written out), if it
    is a sum with at least two terms that depend on the variable; None otherwise."""
    problem = ctx.problem
    outer = problem.outer if problem is not None else ctx.f
    constants = {}
    if problem is not None:
        constants = {
            d.name: d.inlined
            for d in problem.definitions
            if not mentions(d.inlined, ctx.wrt.name)
        }
    outer = substitute(outer, constants) if constants else outer
    if not isinstance(outer, N.Add):
        return None
    inlined = {d.name: d.inlined for d in problem.definitions} if problem is not None else {}
    terms = [(t, substitute(t, inlined) if inlined else t) for t in outer.terms]
    moving = [t for t in terms if ctx.depends(t[1])]
    return terms if len(moving) >= 2 else None


def term_by_term(
    ctx: Context, terms: list[tuple[Expr, Expr]], chain_rule: Callable[[Context], Outcome]
) -> Outcome:
    b = Builder()
    fsym = N.Var(ctx.fname, *ctx.f.shape)
    names = [f"{ctx.fname}_{i}" for i in range(1, len(terms) + 1)]
    named_sum = B.add(*[N.Var(n, *t.shape) for n, (t, _) in zip(names, terms, strict=True)])
    b.start(fsym, named_sum, (R.TERMS,), claim=claims.value(ctx.f))
    bindings: list[tuple[str, Expr]] = []
    symbols: list[tuple[str, claims.Claim]] = []
    outcomes: list[Outcome] = []
    taken = set(names) | set(ctx.taken)
    for name, (written, inlined) in zip(names, terms, strict=True):
        bindings.append((name, inlined))
        if not ctx.depends(inlined):
            continue
        problem = ctx.problem
        sub_problem = replace(problem, outer=written, expr=inlined) if problem is not None else None
        # each term's derivation shows what its f_i is; its new names differ from the others'
        sub = Context(inlined, ctx.wrt, name, sub_problem, taken=frozenset(taken))
        outcome = _derive_term(sub, chain_rule)
        outcomes.append(outcome)
        b.steps.extend(outcome.steps)
        bindings.extend(outcome.bindings)
        taken |= {k for k, _ in outcome.bindings}
        symbols.extend(outcome.symbols)
    orientation = outcomes[0].orientation
    lhs = notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, orientation)
    parts, values = [], []
    for outcome in outcomes:
        symbol = notation.derivative(outcome.fname, outcome.f.shape, ctx.wrt, orientation)
        symbols.append((symbol.key, claims.derivative(outcome.f, ctx.wrt, orientation)))
        value = outcome.value
        if outcome.orientation != orientation:
            value = B.transpose(value)
        parts.append(symbol)
        values.append(value)
        bindings.append((symbol.key, value))
    claim = claims.derivative(ctx.f, ctx.wrt, orientation)
    b.start(lhs, B.add(*parts), (R.TERMS,), claim=claim)
    total = tidy(B.add(*values))
    b.then(total, (R.TERMS_ADD,))
    intermediates = tuple((k, v) for k, v in bindings if ":" not in k)
    return Outcome(
        "chain",
        ctx.f,
        ctx.fname,
        ctx.wrt,
        total,
        orientation,
        b.steps,
        bindings=intermediates,
        symbols=tuple(symbols),
    )


def _derive_term(sub: Context, chain_rule: Callable[[Context], Outcome]) -> Outcome:
    """A term by the chain rule if it is a composition, else directly."""
    try:
        return chain_rule(sub)
    except NotApplicableError:
        if sub.f.is_scalar or sub.wrt.is_scalar:
            return differential.derive(sub)
        return vectorization.derive(sub)
