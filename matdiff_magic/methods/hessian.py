"""Second derivatives: the Hessian as the Jacobian of the gradient (on vec(X) for matrices)."""

from __future__ import annotations

from matdiff_magic import claims, notation
from matdiff_magic.derivation import Builder, Derivation
from matdiff_magic.dims import ONE
from matdiff_magic.errors import Msg, NotApplicableError, UnsupportedError
from matdiff_magic.methods import differential, vectorization
from matdiff_magic.methods.common import (
    Context,
    Outcome,
    kinds,
    push_differential,
    replace_differential,
    write_out,
)
from matdiff_magic.rules import conclusions as C
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.rewrite import canonical
from matdiff_magic.tree.tidy import tidy


def derive(ctx: Context) -> Outcome:
    fk, xk = kinds(ctx)
    if fk != "scalar":
        raise NotApplicableError(
            Msg("reason.hessian_needs_scalar", f=ctx.fname, kind=Msg(f"kind.{fk}"))
        )
    try:
        first = differential.derive(ctx)
    except UnsupportedError:  # dX inside a Kronecker product: the gradient by vectorization
        first = vectorization.derive(ctx)
    gradient = first.value  # denominator layout: the shape of the variable
    if first.orientation != notation.DENOMINATOR and not ctx.wrt.is_scalar:
        gradient = tidy(B.transpose(gradient))
    grad_symbol = notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, notation.DENOMINATOR)
    second = Context(gradient, ctx.wrt, ctx.fname)
    b = Builder()
    b.steps.extend(first.steps)
    lhs = notation.hessian(ctx.fname, ctx.wrt)
    d_grad = N.Opaque(
        f"dgrad:{ctx.fname}",
        r"\mathrm{d}" + grad_symbol.latex,
        "d(" + grad_symbol.text + ")",
        *gradient.shape,
    )
    linear = push_differential(second, b, lhs=d_grad, claim=claims.differential(gradient))
    if xk == "scalar":
        value = tidy(canonical(replace_differential(linear, second, B.const(1))))
    else:
        vec_lhs = (
            d_grad
            if xk == "vector"
            else N.Opaque(
                f"vecdgrad:{ctx.fname}",
                r"\operatorname{vec}(" + d_grad.latex + ")",
                "vec(" + d_grad.text + ")",
                gradient.rows * gradient.cols,
                ONE,
            )
        )
        vec_claim = claims.differential(gradient, vec=True)
        value = vectorization.jacobian(second, b, linear, lhs=vec_lhs, claim=vec_claim)
    b.start(lhs, value, (C.HESSIAN,), relation="implies", claim=claims.hessian(gradient, ctx.wrt))
    value = write_out(b, value)
    return Outcome(
        first.method,
        ctx.f,
        ctx.fname,
        ctx.wrt,
        value,
        "hessian",
        Derivation(b.steps),
        order=2,
        first=first,
    )
