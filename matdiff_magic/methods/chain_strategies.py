"""The chain rule's three strategies once the chain is found: a scalar through vectors (the
seed's two forms), a scalar through anything backwards through differentials (the linear-map
rules named), and a vector or matrix function whose Jacobians multiply."""

from __future__ import annotations

from matdiff_magic import claims, notation
from matdiff_magic.claims import Claim
from matdiff_magic.derivation import Builder
from matdiff_magic.methods import differential, vectorization
from matdiff_magic.methods.common import Context, expand_terms, kinds, push_differential
from matdiff_magic.methods.differential import trace_trick
from matdiff_magic.rules import chain as R
from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules.facts import FACT_KEY
from matdiff_magic.rules.rule import Rule
from matdiff_magic.rules.simplifications import simplified
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.named import write_out_single_uses
from matdiff_magic.tree.rewrite import replace, substitute
from matdiff_magic.tree.tidy import tidy


class Chain:
    """One chain x = y_0 -> y_1 -> ... -> y_n -> f: ``exprs[k]`` is y_{k+1} (f for the last)
    in terms of y_k; ``bindings`` the values of intermediates and local-derivative symbols as
    the derivation found them, ``symbols`` what each symbol means (for the checker)."""

    def __init__(self, ctx: Context, b: Builder, vars_: list[N.Var]) -> None:
        self.ctx = ctx
        self.b = b
        self.vars = vars_
        self.exprs: list[Expr] = []
        self.bindings: list[tuple[str, Expr]] = []
        self.symbols: dict[str, Claim] = {}
        self.named: dict[str, Expr] = {}  # intermediate -> its name (N.Named) or its value

    def inline(self, e: Expr, symbols: list[tuple[str, Expr]] | None = None) -> Expr:
        """``e`` with the local-derivative symbols replaced by their values (from ``symbols``,
        by default all of them) and the intermediates by their names."""
        return _inline(e, self.bindings if symbols is None else symbols, self.named)

    def composed(self, j: int) -> Expr:
        """f as a function of y_j (the links above y_j substituted)."""
        e = self.exprs[-1]
        for k in range(len(self.vars) - 1, j, -1):
            e = substitute(e, {self.vars[k].name: self.exprs[k - 1]})
        return e


# -- local derivatives ---------------------------------------------------------------------------


def _local(fname: str, expr: Expr, var: N.Var, orientation: str, b: Builder) -> Expr:
    """∂(expr)/∂var in the given orientation, by the differential or vectorization method; a
    declared fact it used (𝟏ᵀ y = 1) is cited by the next step of ``b``, the one showing it."""
    ctx = Context(expr, var, fname)
    fk, xk = kinds(ctx)
    out = (
        differential.derive(ctx)
        if (fk == "scalar" or xk == "scalar")
        else vectorization.derive(ctx)
    )
    b.carry(tuple(r for step in out.steps for r in step.rules if r.key.startswith(FACT_KEY)))
    value = out.value
    if out.orientation != orientation and not (fk == "scalar" and xk == "scalar"):
        value = tidy(B.transpose(value))
    return value


def _show_local(chain: Chain, symbol: N.Opaque, value: Expr, claim: Claim) -> None:
    from matdiff_magic.dims import shape_text

    chain.b.start(
        symbol,
        value,
        (R.LOCAL,),
        note="shape",
        params=(("latex", notation.shape_latex(value.shape)), ("text", shape_text(value.shape))),
        claim=claim,
    )
    chain.bindings.append((symbol.key, value))
    chain.symbols[symbol.key] = claim


def _inline(e: Expr, bindings: list[tuple[str, Expr]], named: dict[str, Expr]) -> Expr:
    """Replace the local-derivative symbols by their values and the intermediates by their
    names (``N.Named``, which mean their definitions)."""
    values = {k: v for k, v in bindings if ":" in k}

    def hook(node: Expr) -> Expr | None:
        if isinstance(node, N.Var) and node.name in named:
            return named[node.name]
        if isinstance(node, N.Opaque) and node.key in values:
            return inline(values[node.key])
        return None

    def inline(x: Expr) -> Expr:
        return replace(x, hook)

    return inline(e)


# -- a scalar through vectors: the seed's two forms -------------------------------------------


def scalar_through_vectors(chain: Chain) -> tuple[Expr, str]:
    ctx, b, vars_, exprs = chain.ctx, chain.b, chain.vars, chain.exprs
    z = ctx.fname
    n = len(vars_) - 1
    # Symbols: J_k = ∂y_k/∂y_{k-1}^T (numerator), g = ∂z/∂y_n (denominator).
    jac_syms = [
        notation.derivative(vars_[k].name, vars_[k].shape, vars_[k - 1], notation.NUMERATOR)
        for k in range(1, n + 1)
    ]
    grad_sym = notation.derivative(z, ctx.f.shape, vars_[n], notation.DENOMINATOR)
    target = notation.derivative(z, ctx.f.shape, ctx.wrt, notation.DENOMINATOR)
    chain_product = B.matmul(*reversed(jac_syms))
    transposed_target = N.Opaque(
        f"T:{target.key}",
        r"\left(" + target.latex + r"\right)^{T}",
        "(" + target.text + ")ᵀ",
        *reversed(target.shape),
    )
    gradient = claims.derivative(ctx.f, ctx.wrt, notation.DENOMINATOR)
    b.start(
        transposed_target,
        B.matmul(B.transpose(grad_sym), chain_product),
        (R.FORM1,),
        claim=claims.derivative(ctx.f, ctx.wrt, notation.DENOMINATOR, transposed=True),
    )
    b.start(target, B.matmul(B.transpose(chain_product), grad_sym), (R.FORM2,), claim=gradient)
    for k in range(1, n + 1):
        value = _local(vars_[k].name, exprs[k - 1], vars_[k - 1], notation.NUMERATOR, b)
        local = claims.derivative(exprs[k - 1], vars_[k - 1], notation.NUMERATOR)
        _show_local(chain, jac_syms[k - 1], value, local)
    g = _local(z, exprs[n], vars_[n], notation.DENOMINATOR, b)
    _show_local(chain, grad_sym, g, claims.derivative(exprs[n], vars_[n], notation.DENOMINATOR))
    product = B.matmul(*[B.transpose(chain.inline(j)) for j in jac_syms], chain.inline(g))
    b.start(target, product, (R.MULTIPLY,), relation="implies", claim=gradient)
    return _finish(b, product), notation.DENOMINATOR


def _finish(b: Builder, value: Expr) -> Expr:
    """Simplify, then write out the intermediates used once (each a step of its own when it
    shows); the others keep their names."""
    tidy_value, used = simplified(value)
    b.then(tidy_value, used)
    inlined = write_out_single_uses(tidy_value)
    b.then(inlined, (R.SUBSTITUTE,))
    final, used = simplified(inlined)
    b.then(final, used)
    return final


# -- a scalar through anything: backwards through differentials -----------------------------------


def _link_rule(link_expr: Expr, var: N.Var) -> Rule:
    """Which closed linear-map rule describes dY in terms of dX, if any."""
    b = Builder()
    ctx = Context(link_expr, var, "y")
    linear = push_differential(ctx, b)
    if any(isinstance(n, N.Var) and n.name == var.name for n in linear.walk()):
        return R.THROUGH_DIFFERENTIALS
    terms = expand_terms(linear, ctx.has_dx)
    if len(terms) != 1:
        return R.THROUGH_DIFFERENTIALS
    t = terms[0]
    c, s, body = B.split(t)
    if s:
        return R.THROUGH_DIFFERENTIALS
    dx = ctx.dx
    if body == dx:
        return R.LINEAR_LEFT if var.kind == "matrix" else R.LINEAR_VECTOR
    if isinstance(body, N.MatMul) and dx in body.factors:
        i = body.factors.index(dx)
        left, right = body.factors[:i], body.factors[i + 1 :]
        if left and right:
            return R.SANDWICH
        if left:
            return R.LINEAR_LEFT if var.kind == "matrix" else R.LINEAR_VECTOR
        if right:
            return R.LINEAR_OUTER if link_expr.kind == "vector" else R.LINEAR_RIGHT
    return R.THROUGH_DIFFERENTIALS


def scalar_backwards(
    chain: Chain, orientation: str = notation.DENOMINATOR
) -> tuple[Expr, str]:
    """Back from ∂z/∂y_n to ∂z/∂x one link at a time. In numerator layout the derivatives
    are ∂z/∂y^T, dz = tr(∂z/∂y^T dy) needs no transpose, and the linear-map rules read as
    the numerator chain rule (∂z/∂X^T = ∂z/∂Y^T A for Y = AX + B)."""
    ctx, b, vars_, exprs, bindings = chain.ctx, chain.b, chain.vars, chain.exprs, chain.bindings
    z = ctx.fname
    n = len(vars_) - 1
    numerator = orientation == notation.NUMERATOR
    grads = [notation.derivative(z, ctx.f.shape, v, orientation) for v in vars_]
    current = _local(z, exprs[n], vars_[n], orientation, b)
    _show_local(chain, grads[n], current, claims.derivative(exprs[n], vars_[n], orientation))
    for k in range(n, 0, -1):
        # ∂z/∂y_{k-1} from ∂z/∂y_k: differentiate φ = tr(G y_k(y_{k-1})), G = (∂z/∂y_k)^T
        # (= ∂z/∂y_k^T in numerator layout), whose differential is dz = tr(G dy_k).
        link, previous = exprs[k - 1], vars_[k - 1]
        rule = _link_rule(link, previous)
        shown = R.IN_NUMERATOR[rule] if numerator else rule
        coefficient = grads[k] if numerator else B.transpose(grads[k])
        claim = claims.derivative(chain.composed(k - 1), previous, orientation)
        if rule is R.THROUGH_DIFFERENTIALS:
            # dY by the differential rules, then dz = tr((∂z/∂Y)ᵀ dY) and the trace trick.
            link_ctx = Context(link, previous, vars_[k].name)
            d_link = push_differential(link_ctx, b)
            dz = notation.differential(z, ctx.f.shape)
            dy = N.Differential(vars_[k])
            # dY is taken along the direction dX induces, so dz is the same number throughout.
            b.start(
                dz,
                B.trace(B.matmul(coefficient, dy)),
                (shown,),
                claim=claims.differential(ctx.f),
            )
            phi_linear = B.trace(B.matmul(coefficient, d_link))
            b.then(phi_linear, (R.SUBSTITUTE_DIFFERENTIAL,))
            value = trace_trick(
                Context(phi_linear, previous, z), b, phi_linear, claim, orientation
            )
        else:
            phi = B.trace(B.matmul(coefficient, link))
            value = differential.derive(Context(phi, previous, z)).value  # ∂φ/∂y_{k-1}
            if numerator and not previous.is_scalar:
                value = tidy(B.transpose(value))  # the rule's numerator form, e.g. ∂z/∂Yᵀ A
            b.start(grads[k - 1], value, (shown,), claim=claim)
        current, used = simplified(_inline(value, [(grads[k].key, current)], {}))
        b.then(current, (R.SUBSTITUTE_GRADIENT, *used[1:]))
        bindings.append((grads[k - 1].key, current))
        chain.symbols[grads[k - 1].key] = claim
    final, used = simplified(write_out_single_uses(chain.inline(current, [])))
    b.then(final, (R.SUBSTITUTE, *used))
    return final, orientation if ctx.wrt.kind != "scalar" else notation.NUMERATOR


# -- a vector or matrix function: Jacobians multiply -----------------------------------------------


def _as_vec_jacobian(value: Expr, f_shape: tuple, var: N.Var) -> Expr:
    """A numerator-layout derivative rearranged as d vec(f)/d vec(x)^T."""
    f_scalar = f_shape[0] == 1 and f_shape[1] == 1
    if var.is_scalar:
        return B.vec(value)
    if f_scalar and var.kind == "matrix":
        return B.transpose(B.vec(B.transpose(value)))
    return value


def forward_jacobians(chain: Chain, rule: Rule | None = None) -> tuple[Expr, str]:
    """Jacobians (numerator layout, on vec(·) when a matrix is involved) multiplied in the
    order of the chain; ``rule`` names the first line (default: the vector or vec chain rule)."""
    ctx, b, vars_, exprs = chain.ctx, chain.b, chain.vars, chain.exprs
    z = ctx.fname
    n = len(vars_) - 1
    vec_mode = any(v.kind == "matrix" for v in vars_) or ctx.f.kind == "matrix"
    names = [v.name for v in vars_[1:]] + [z]
    shapes = [v.shape for v in vars_[1:]] + [ctx.f.shape]
    if vec_mode:
        syms = [notation.vec_derivative(names[k], shapes[k], vars_[k]) for k in range(n + 1)]
        target = notation.vec_derivative(z, ctx.f.shape, ctx.wrt)
    else:
        syms = [
            notation.derivative(names[k], shapes[k], vars_[k], notation.NUMERATOR)
            for k in range(n + 1)
        ]
        target = notation.derivative(z, ctx.f.shape, ctx.wrt, notation.NUMERATOR)
    arrangement = "vec" if vec_mode else notation.NUMERATOR
    whole = claims.derivative(ctx.f, ctx.wrt, arrangement)
    rule = rule or (R.VEC if vec_mode else R.VECTOR)
    b.start(target, B.matmul(*reversed(syms)), (rule,), claim=whole)
    for k in range(n + 1):
        value = _local(names[k], exprs[k], vars_[k], notation.NUMERATOR, b)
        if vec_mode:
            value = _as_vec_jacobian(value, shapes[k], vars_[k])
        _show_local(chain, syms[k], value, claims.derivative(exprs[k], vars_[k], arrangement))
    product = B.matmul(*[chain.inline(s) for s in reversed(syms)])
    b.start(target, product, (R.MULTIPLY,), relation="implies", claim=whole)
    result = _finish(b, product)
    if vec_mode and ctx.wrt.is_scalar:
        # back from vec(dF/dt) to the p×q matrix dF/dt
        shaped = tidy(B.unvec(result, *ctx.f.shape))
        b.start(
            notation.derivative(z, ctx.f.shape, ctx.wrt, notation.NUMERATOR),
            shaped,
            (C.UNVEC,),
            relation="implies",
            claim=claims.derivative(ctx.f, ctx.wrt, notation.NUMERATOR),
        )
        return shaped, notation.NUMERATOR
    return result, notation.NUMERATOR


__all__ = ["Chain", "forward_jacobians", "scalar_backwards", "scalar_through_vectors"]
