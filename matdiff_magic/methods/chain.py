"""The chain-rule method (链式法则).

Intermediates come from the user's definitions (``e = X θ - y`` then ``l = e' e``) when they
form a chain from the variable to the function, or are chosen automatically: the largest
subexpression that holds every occurrence of the variable (an affine one if there is one, so
least squares gets e = Xθ - y).

* A scalar through vectors uses the seed's two forms: (∂z/∂x)^T = (∂z/∂y)^T ∂y/∂x^T and
  ∂z/∂x = (∂y/∂x^T)^T ∂z/∂y, with Jacobians from the vectorization method; in numerator
  layout it is told again with the numerator chain rule ∂z/∂x^T = ∂z/∂y^T ∂y/∂x^T
  (``Outcome.numerator``), the factors in the order of the chain.
* A scalar through matrices goes backwards link by link through differentials,
  dz = tr((∂z/∂Y)^T dY); the linear-map rules (Y = AX + B, Y = XA + B, Y = AXB, y = Ax + b,
  y = Xa + b) are recognised and named.
* A vector or matrix function multiplies the Jacobians (on vec(·) when matrices are involved).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace as replace_fields
from functools import cache

from matdiff_magic import claims, notation
from matdiff_magic.derivation import Builder
from matdiff_magic.errors import NotApplicableError
from matdiff_magic.methods.chain_links import auto_links, mentions, user_links
from matdiff_magic.methods.chain_strategies import (
    Chain,
    forward_jacobians,
    scalar_backwards,
    scalar_through_vectors,
)
from matdiff_magic.methods.chain_terms import split_terms, term_by_term
from matdiff_magic.methods.common import Context, Outcome, kinds
from matdiff_magic.rules import chain as R
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import replace, substitute

# -- the method ----------------------------------------------------------------------------------


def derive(ctx: Context) -> Outcome:
    """The chain rule through one chain of intermediates; on a sum that is not one chain,
    term by term (see ``chain_terms``)."""
    try:
        return _one_chain(ctx)
    except NotApplicableError:
        terms = split_terms(ctx)
        if terms is None:
            raise
        return term_by_term(ctx, terms, _one_chain)


def _one_chain(ctx: Context) -> Outcome:
    problem = ctx.problem
    links = user_links(problem, ctx) if problem is not None else None
    own_names = bool(links)
    if links:
        outer = problem.outer
        constants = {
            d.name: d.inlined for d in problem.definitions if not mentions(d.inlined, ctx.wrt.name)
        }
        outer = substitute(outer, constants) if constants else outer
    else:
        links, outer = auto_links(ctx)
    fk, xk = kinds(ctx)
    all_vectors = all(v.kind in ("vector", "scalar") for v in [ctx.wrt, *(k.var for k in links)])
    if fk == "scalar" and all_vectors and xk == "vector":
        # The gradient by the seed's two forms; numerator layout gets its own narration, the
        # numerator chain rule ∂z/∂xᵀ = ∂z/∂yᵀ ∂y/∂xᵀ in the chain's order, not a transpose.
        gradient = _narrate(ctx, links, outer, own_names, scalar_through_vectors)
        row = cache(lambda: _narrate(ctx, links, outer, own_names, forward_jacobians, R.NUMERATOR))
        return replace_fields(gradient, numerator=row)
    if fk == "scalar" and xk != "scalar":
        # The same for a scalar through matrices: backwards through differentials, told
        # again in numerator layout with dz = tr(∂z/∂Yᵀ dY) and the rules' numerator forms.
        gradient = _narrate(ctx, links, outer, own_names, scalar_backwards)
        row = cache(
            lambda: _narrate(ctx, links, outer, own_names, scalar_backwards, notation.NUMERATOR)
        )
        return replace_fields(gradient, numerator=row)
    if fk == "scalar":
        return _narrate(ctx, links, outer, own_names, scalar_backwards)
    return _narrate(ctx, links, outer, own_names, forward_jacobians)


def _narrate(
    ctx: Context,
    links: list,
    outer: Expr,
    own_names: bool,
    strategy: Callable[..., tuple[Expr, str]],
    *options: object,
) -> Outcome:
    """One derivation through the chain: the intermediates introduced, then ``strategy``."""
    b = Builder()
    bindings: list[tuple[str, Expr]] = []
    for link in links:
        b.start(link.var, link.expr, (R.INTERMEDIATE,), claim=claims.value(link.inlined))
        bindings.append((link.var.name, link.inlined))
    fsym = N.Var(ctx.fname, *ctx.f.shape)
    b.start(fsym, outer, (R.INTERMEDIATE,), claim=claims.value(ctx.f))
    chain = Chain(ctx, b, [ctx.wrt] + [link.var for link in links])
    chain.exprs = [link.expr for link in links] + [outer]
    chain.bindings = bindings
    for link in links:
        # The user's intermediates by name: results keep a name where writing it out would
        # repeat it (e7 = sin(e6) + e6 uses e6 twice) and write out the ones used once. An
        # intermediate matdiff chose itself is always written out.
        body = replace(
            link.expr, lambda n: chain.named.get(n.name) if isinstance(n, N.Var) else None
        )
        chain.named[link.var.name] = N.Named(link.var.name, body) if own_names else body
    value, orientation = strategy(chain, *options)
    intermediates = tuple((k, v) for k, v in bindings if ":" not in k)
    return Outcome(
        "chain",
        ctx.f,
        ctx.fname,
        ctx.wrt,
        value,
        orientation,
        b.steps,
        bindings=intermediates,
        symbols=tuple(chain.symbols.items()),
    )


__all__ = ["derive"]
