"""The vectorization method (向量化): vec(dF) = J vec(dX), read off J.

dF is split into terms; the identities of ``rules/vectorization.py`` (vec(A X B) = (B^T ⊗ A)
vec(X), the commutation matrix, diag(vec(·)) for Hadamard factors, ...) pull every term into
J_i vec(dX); J = Σ J_i is the Jacobian d vec(F) / d vec(X)^T (numerator layout).
"""

from __future__ import annotations

from matdiff_magic import claims, notation
from matdiff_magic.claims import Claim
from matdiff_magic.derivation import Builder
from matdiff_magic.methods.common import (
    Context,
    Outcome,
    expand_terms,
    kinds,
    push_differential,
    read_scalar_variable,
    show_definitions,
    write_out,
)
from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules import vectorization as V
from matdiff_magic.rules.adjoint import vec_step
from matdiff_magic.rules.rule import Rule
from matdiff_magic.rules.simplifications import simplified
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.rewrite import canonical

State = tuple[Expr | None, Expr]


def _show(state: State) -> Expr:
    j, e = state
    v = B.vec(e)
    return v if j is None else B.mul(j, v)


def _show_all(states: list[State]) -> Expr:
    shown = [_show(s) for s in states]
    return shown[0] if len(shown) == 1 else N.Add(tuple(shown))


def jacobian(
    ctx: Context, b: Builder, linear: Expr, lhs: Expr | None = None, claim: Claim | None = None
) -> Expr:
    """Turn the linear form dF (in ``linear``) into J with vec(dF) = J vec(dX), with steps.

    ``lhs`` is vec(dF) unless given, ``claim`` what it means (vec of the differential of F)."""
    dx = ctx.dx
    size = dx.rows * dx.cols
    states: list[State] = [(None, t) for t in expand_terms(linear, ctx.has_dx)]
    if not states:
        return B.zero(ctx.f.rows * ctx.f.cols, size)
    if lhs is None:
        lhs = notation.vec_differential(ctx.fname, ctx.f.shape)
    claim = claim or claims.differential(ctx.f, vec=True)
    # vec(dF) = dF for a column F: nothing is vectorized, so no rule is named.
    rules = (V.VECTORIZE,) if ctx.f.cols != 1 else ()
    b.start(lhs, _show_all(states), rules, claim=claim)
    while any(e != dx for _, e in states):
        used: list[Rule] = []
        moved: list[State] = []
        for j, e in states:
            if e == dx:
                moved.append((j, e))
                continue
            rule, j2, e2 = vec_step(j, e, ctx.has_dx)
            if rule is not None and rule not in used:
                used.append(rule)
            moved.append((j2, e2))
        states = moved
        b.then(_show_all(states), tuple(used))
        rebuilt = [(None if j is None else canonical(j), e) for j, e in states]
        if rebuilt != states:
            states = rebuilt
            b.then(_show_all(states), (C.SIMPLIFY,))
    rows = ctx.f.rows * ctx.f.cols
    js = [
        B.identity(size)
        if j is None
        else (B.mul(j, B.identity(size)) if j.is_scalar and (rows, size) != j.shape else j)
        for j, _ in states
    ]
    total, used = simplified(B.add(*js))
    if len(states) > 1:
        b.then(B.mul(total, B.vec(dx)), (C.COLLECT, *used[1:]))
    else:
        b.carry(used[1:])  # the Jacobian is shown next, already simplified
    return total


def derive(ctx: Context) -> Outcome:
    fk, xk = kinds(ctx)
    b = Builder()
    show_definitions(ctx, b)
    linear = push_differential(ctx, b)
    if xk == "scalar":
        return read_scalar_variable(ctx, b, linear, "vectorization")
    total = jacobian(ctx, b, linear)
    lhs = (
        notation.vec_derivative(ctx.fname, ctx.f.shape, ctx.wrt)
        if fk == "scalar" and xk == "matrix"  # one row: ∂f/∂vec(X)ᵀ, not ∂f/∂Xᵀ
        else notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, notation.NUMERATOR)
    )
    claim = claims.derivative(ctx.f, ctx.wrt, "vec")
    b.start(lhs, total, (C.READ_JACOBIAN,), relation="implies", claim=claim)
    if fk == "scalar" and xk == "matrix":
        # One row vec(G)^T: reshape it into the gradient G (denominator layout).
        m, n = ctx.wrt.shape
        gradient, used = simplified(canonical(B.unvec(B.transpose(total), m, n)))
        lhs = notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, notation.DENOMINATOR)
        raw = N.Unvec(N.Transpose(total), m, n) if not isinstance(total, N.Zero) else gradient
        claim = claims.derivative(ctx.f, ctx.wrt, notation.DENOMINATOR)
        b.start(lhs, raw, (C.UNVEC,), relation="implies", claim=claim)
        b.then(gradient, used)
        gradient = write_out(b, gradient)
        return Outcome(
            "vectorization", ctx.f, ctx.fname, ctx.wrt, gradient, notation.DENOMINATOR, b.steps
        )
    total = write_out(b, total)
    return Outcome("vectorization", ctx.f, ctx.fname, ctx.wrt, total, notation.NUMERATOR, b.steps)
