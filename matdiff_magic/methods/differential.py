"""The matrix-differential method with the trace trick (矩阵微分法, 迹技巧).

df is split into terms, each wrapped in a trace; the identities of ``rules/trace.py`` move dX
to the right end of every term; the terms are collected into tr(M dX) and the derivative is read
off: ∂f/∂X = M^T (denominator layout).
"""

from __future__ import annotations

from matdiff_magic import claims, notation
from matdiff_magic.claims import Claim
from matdiff_magic.derivation import Builder
from matdiff_magic.errors import Msg, NotApplicableError
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
from matdiff_magic.rules import trace as T
from matdiff_magic.rules.adjoint import trace_step
from matdiff_magic.rules.rule import Rule
from matdiff_magic.rules.simplifications import simplified
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.factor import factor

State = tuple[Expr | None, Expr]


def _show(state: State) -> Expr:
    m, e = state
    if m is None:
        return e if isinstance(e, N.Trace) else N.Trace(e)
    return N.Trace(B.mul(m, e))


def _show_all(states: list[State]) -> Expr:
    shown = [_show(s) for s in states]
    return shown[0] if len(shown) == 1 else N.Add(tuple(shown))


def _initial(term: Expr, has) -> State:
    """A term of df as tr(M E); α tr(F) starts as tr(α F) (no tr(α tr(F)) detour)."""
    if isinstance(term, N.Mul) and term.body is None:
        inside = [i for i, s in enumerate(term.scalars) if has(s)]
        if len(inside) == 1 and isinstance(term.scalars[inside[0]], N.Trace):
            rest = [s for i, s in enumerate(term.scalars) if i != inside[0]]
            return B.make_mul(term.coeff, rest, None), term.scalars[inside[0]].arg
    return None, term


def derive(ctx: Context) -> Outcome:
    fk, xk = kinds(ctx)
    if fk != "scalar" and xk != "scalar":
        raise NotApplicableError(
            Msg("reason.differential_needs_scalar", f=ctx.fname, kind=Msg(f"kind.{fk}"))
        )
    b = Builder()
    show_definitions(ctx, b)
    linear = push_differential(ctx, b)
    if xk == "scalar":
        return read_scalar_variable(ctx, b, linear, "differential")
    gradient = write_out(b, trace_trick(ctx, b, linear))
    return Outcome(
        "differential", ctx.f, ctx.fname, ctx.wrt, gradient, notation.DENOMINATOR, b.steps
    )


def trace_trick(
    ctx: Context,
    b: Builder,
    linear: Expr,
    claim: Claim | None = None,
    orientation: str = notation.DENOMINATOR,
) -> Expr:
    """From a scalar linear form df (the last step so far) to ∂f/∂X, step by step.

    ``claim``: what the gradient read off is (by default the derivative of ``ctx.f``).
    ``orientation`` numerator reads df = tr(M dX) as ∂f/∂X^T = M (the chain method's
    numerator narration); the differential method reads the gradient."""
    dx = ctx.dx
    states: list[State] = [_initial(t, ctx.has_dx) for t in expand_terms(linear, ctx.has_dx)]
    if states:
        rules: list[Rule] = []
        if any(m is not None for m, _ in states):
            rules.append(T.TRACE)  # α tr(F) = tr(α F)
        if any(m is None and not isinstance(e, N.Trace) for m, e in states):
            rules.append(T.SCALAR)  # a scalar is its own trace
        if len(states) > 1 and not rules:
            rules.append(T.LINEAR)
        b.then(_show_all(states), tuple(rules))
    while any(e is not dx and e != dx for _, e in states):
        used: list[Rule] = []
        moved: list[State] = []
        for m, e in states:
            if e == dx:
                moved.append((m, e))
                continue
            rule, m2, e2 = trace_step(m, e, ctx.has_dx)
            if rule is not None and rule not in used:
                used.append(rule)
            moved.append((m2, e2))
        states = moved
        b.then(_show_all(states), tuple(used))
    # M is n×m for dX m×n; a scalar M (from tr(α dX), say) means α I.
    ms = [
        B.identity(dx.rows)
        if m is None
        else (B.mul(m, B.identity(dx.rows)) if m.is_scalar and not dx.is_scalar else m)
        for m, _ in states
    ]
    total = factor(B.add(*ms)) if ms else B.zero(dx.cols, dx.rows)
    if len(states) > 1:
        b.then(N.Trace(B.mul(total, dx)), (T.LINEAR,))
    if orientation == notation.NUMERATOR:
        lhs = notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, notation.NUMERATOR)
        claim = claim or claims.derivative(ctx.f, ctx.wrt, notation.NUMERATOR)
        b.start(lhs, total, (C.READ_NUMERATOR,), relation="implies", claim=claim)
        tidied, used = simplified(total)
        if tidied != total:
            b.then(tidied, used)
        return tidied
    gradient, used = simplified(B.transpose(total))
    lhs = notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, notation.DENOMINATOR)
    raw = N.Transpose(total) if not isinstance(total, N.Zero) else gradient
    claim = claim or claims.derivative(ctx.f, ctx.wrt, notation.DENOMINATOR)
    b.start(lhs, raw, (C.READ_GRADIENT,), relation="implies", claim=claim)
    b.then(gradient, used)
    return gradient
