"""The chain-rule method (链式法则).

Intermediates come from the user's definitions (``e = X θ - y`` then ``l = e' e``) when they
form a chain from the variable to the function, or are chosen automatically: the largest
subexpression that holds every occurrence of the variable (an affine one if there is one, so
least squares gets e = Xθ - y).

* A scalar through vectors uses the seed's two forms: (∂z/∂x)^T = (∂z/∂y)^T ∂y/∂x^T and
  ∂z/∂x = (∂y/∂x^T)^T ∂z/∂y, with Jacobians from the vectorization method.
* A scalar through matrices goes backwards link by link through differentials,
  dz = tr((∂z/∂Y)^T dY); the linear-map rules (Y = AX + B, Y = XA + B, Y = AXB, y = Ax + b,
  y = Xa + b) are recognised and named.
* A vector or matrix function multiplies the Jacobians (on vec(·) when matrices are involved).
"""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic import claims, notation
from matdiff_magic.claims import Claim
from matdiff_magic.derivation import Builder, Derivation
from matdiff_magic.errors import Join, Msg, UnsupportedError
from matdiff_magic.methods import differential, vectorization
from matdiff_magic.methods.common import Context, Outcome, expand_terms, kinds, push_differential
from matdiff_magic.methods.differential import trace_trick
from matdiff_magic.rules import chain as R
from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.named import write_out_single_uses
from matdiff_magic.tree.query import variable_names
from matdiff_magic.tree.rewrite import replace, substitute
from matdiff_magic.tree.tidy import tidy


@dataclass(frozen=True)
class Link:
    """y = expr, where expr depends on the previous link's variable (or on x)."""

    var: N.Var
    expr: Expr  # in terms of the previous link's variable and constants
    inlined: Expr  # in terms of the problem's variables


# -- finding the chain ---------------------------------------------------------------------------


def _uses(e: Expr, name: str) -> bool:
    return name in variable_names(e)


def _user_links(problem, ctx: Context) -> list[Link] | None:
    """The chain of the user's definitions from x to f, or None if they do not form one."""
    definitions = {d.name: d for d in problem.definitions}
    if not definitions:
        return None
    depends: dict[str, bool] = {}

    def reaches_x(name: str) -> bool:
        if name not in depends:
            d = definitions[name]
            depends[name] = _uses(d.inlined, ctx.wrt.name)
        return depends[name]

    # Definitions that do not involve x are constants: substitute them.
    constants = {n: d.inlined for n, d in definitions.items() if not reaches_x(n)}
    chain: list[Link] = []
    current = substitute(problem.outer, constants) if constants else problem.outer
    seen = set()
    while True:
        refs = [n for n in definitions if n not in constants and _uses(current, n)]
        direct = _uses(current, ctx.wrt.name)
        if not refs:
            if not chain:
                return None
            break
        if len(refs) > 1 or direct:
            involved = Join(refs + ([ctx.wrt.name] if direct else []), "comma")
            raise UnsupportedError(Msg("reason.chain_not_a_chain", names=involved))
        name = refs[0]
        if name in seen:
            break
        seen.add(name)
        d = definitions[name]
        expr = substitute(d.expr, constants) if constants else d.expr
        chain.append(Link(d.var, expr, d.inlined))
        current = expr
    chain.reverse()  # innermost first
    return chain


def _covers(f: Expr, u: Expr, x: str) -> bool:
    """Whether every occurrence of x in f lies inside an occurrence of u."""
    placeholder = N.Var("__u__", *u.shape)
    return not _uses(_replace(f, u, placeholder), x)


def _replace(e: Expr, old: Expr, new: Expr) -> Expr:
    """``e`` with the subexpression ``old`` (also transposed, or as a run inside a longer
    product: yᵀ W x with W x) replaced by ``new``."""

    def hook(node: Expr) -> Expr | None:
        if node == old:
            return new
        if isinstance(node, N.Transpose) and node.arg == old:
            return B.transpose(new)
        if isinstance(node, N.MatMul) and isinstance(old, N.MatMul):
            k = len(old.factors)
            for i in range(len(node.factors) - k + 1):
                if node.factors[i : i + k] == old.factors:
                    return B.matmul(
                        *[_replace(f, old, new) for f in node.factors[:i]],
                        new,
                        *[_replace(f, old, new) for f in node.factors[i + k :]],
                    )
        return None

    return replace(e, hook)


def _affine(e: Expr, ctx: Context) -> bool:
    """Whether e is affine in x (its differential does not involve x)."""
    if not ctx.depends(e):
        return True
    b = Builder()
    linear = push_differential(Context(e, ctx.wrt, "u"), b)
    return not any(isinstance(n, N.Var) and n.name == ctx.wrt.name for n in linear.walk())


def _auto_links(ctx: Context) -> tuple[list[Link], Expr]:
    x = ctx.wrt.name
    candidates = []
    for node in ctx.f.walk():
        if (
            node is ctx.f
            or node == ctx.wrt
            or not ctx.depends(node)
            or node.is_scalar
            and isinstance(node, N.Var)
        ):
            continue
        if isinstance(node, N.Transpose) and node.arg == ctx.wrt:
            continue
        if node not in candidates and _covers(ctx.f, node, x):
            candidates.append(node)
    if not candidates:
        key = "reason.chain_no_inner" + ("" if ctx.f.is_scalar else ".nonscalar")
        raise UnsupportedError(Msg(key, x=x, f=ctx.fname))
    size = {c: sum(1 for _ in c.walk()) for c in candidates}
    affine = [c for c in candidates if _affine(c, ctx)]
    pool = affine or candidates
    inner = max(pool, key=lambda c: size[c])
    name = _fresh_name(ctx, inner)
    var = N.Var(name, *inner.shape)
    return [Link(var, inner, inner)], _replace(ctx.f, inner, var)


def _fresh_name(ctx: Context, inner: Expr) -> str:
    used = {n.name for n in ctx.f.walk() if isinstance(n, N.Var)} | {ctx.fname}
    options = ["e", "u", "z", "v", "h", "s"] if not inner.kind == "matrix" else ["Y", "U", "Z", "V"]
    for name in options:
        if name not in used:
            return name
    i = 1
    while f"u{i}" in used:
        i += 1
    return f"u{i}"


# -- the method ----------------------------------------------------------------------------------


def derive(ctx: Context) -> Outcome:
    problem = ctx.problem
    links = _user_links(problem, ctx) if problem is not None else None
    own_names = bool(links)
    if links:
        outer = problem.outer
        constants = {
            d.name: d.inlined for d in problem.definitions if not _uses(d.inlined, ctx.wrt.name)
        }
        outer = substitute(outer, constants) if constants else outer
    else:
        links, outer = _auto_links(ctx)
    b = Builder()
    bindings: list[tuple[str, Expr]] = []
    for link in links:
        b.start(link.var, link.expr, (R.INTERMEDIATE,), claim=claims.value(link.inlined))
        bindings.append((link.var.name, link.inlined))
    fsym = N.Var(ctx.fname, *ctx.f.shape)
    b.start(fsym, outer, (R.INTERMEDIATE,), claim=claims.value(ctx.f))
    chain = _Chain(ctx, b, [ctx.wrt] + [link.var for link in links])
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
    fk, xk = kinds(ctx)
    all_vectors = all(v.kind in ("vector", "scalar") for v in chain.vars)
    if fk == "scalar" and all_vectors and xk == "vector":
        value = _scalar_through_vectors(chain)
        orientation = notation.DENOMINATOR
    elif fk == "scalar":
        value = _scalar_backwards(chain)
        orientation = notation.DENOMINATOR if xk != "scalar" else notation.NUMERATOR
    else:
        value = _forward(chain)
        orientation = notation.NUMERATOR
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


class _Chain:
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


def _local(fname: str, expr: Expr, var: N.Var, orientation: str) -> Expr:
    """∂(expr)/∂var in the given orientation, by the differential or vectorization method."""
    ctx = Context(expr, var, fname)
    fk, xk = kinds(ctx)
    out = (
        differential.derive(ctx)
        if (fk == "scalar" or xk == "scalar")
        else vectorization.derive(ctx)
    )
    value = out.value
    if out.orientation != orientation and not (fk == "scalar" and xk == "scalar"):
        value = tidy(B.transpose(value))
    return value


def _show_local(chain: _Chain, symbol: N.Opaque, value: Expr, claim: Claim) -> None:
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


def _scalar_through_vectors(chain: _Chain) -> Expr:
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
        value = _local(vars_[k].name, exprs[k - 1], vars_[k - 1], notation.NUMERATOR)
        local = claims.derivative(exprs[k - 1], vars_[k - 1], notation.NUMERATOR)
        _show_local(chain, jac_syms[k - 1], value, local)
    g = _local(z, exprs[n], vars_[n], notation.DENOMINATOR)
    _show_local(chain, grad_sym, g, claims.derivative(exprs[n], vars_[n], notation.DENOMINATOR))
    product = B.matmul(*[B.transpose(chain.inline(j)) for j in jac_syms], chain.inline(g))
    b.start(target, product, (R.MULTIPLY,), relation="implies", claim=gradient)
    return _finish(b, product)


def _finish(b: Builder, value: Expr) -> Expr:
    """Simplify, then write out the intermediates used once (each a step of its own when it
    shows); the others keep their names."""
    tidy_value = tidy(value)
    b.then(tidy_value, (C.SIMPLIFY,))
    inlined = write_out_single_uses(tidy_value)
    b.then(inlined, (R.SUBSTITUTE,))
    final = tidy(inlined)
    b.then(final, (C.SIMPLIFY,))
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


def _scalar_backwards(chain: _Chain) -> Expr:
    ctx, b, vars_, exprs, bindings = chain.ctx, chain.b, chain.vars, chain.exprs, chain.bindings
    z = ctx.fname
    n = len(vars_) - 1
    grads = [notation.derivative(z, ctx.f.shape, v, notation.DENOMINATOR) for v in vars_]
    current = _local(z, exprs[n], vars_[n], notation.DENOMINATOR)
    _show_local(
        chain, grads[n], current, claims.derivative(exprs[n], vars_[n], notation.DENOMINATOR)
    )
    for k in range(n, 0, -1):
        # ∂z/∂y_{k-1} from ∂z/∂y_k: differentiate φ = tr((∂z/∂y_k)^T y_k(y_{k-1})), whose
        # differential is dz = tr((∂z/∂y_k)^T dy_k).
        link, previous = exprs[k - 1], vars_[k - 1]
        rule = _link_rule(link, previous)
        claim = claims.derivative(chain.composed(k - 1), previous, notation.DENOMINATOR)
        if rule is R.THROUGH_DIFFERENTIALS:
            # dY by the differential rules, then dz = tr((∂z/∂Y)ᵀ dY) and the trace trick.
            link_ctx = Context(link, previous, vars_[k].name)
            d_link = push_differential(link_ctx, b)
            dz = notation.differential(z, ctx.f.shape)
            dy = N.Differential(vars_[k])
            # dY is taken along the direction dX induces, so dz is the same number throughout.
            b.start(
                dz,
                B.trace(B.matmul(B.transpose(grads[k]), dy)),
                (rule,),
                claim=claims.differential(ctx.f),
            )
            phi_linear = B.trace(B.matmul(B.transpose(grads[k]), d_link))
            b.then(phi_linear, (R.SUBSTITUTE_DIFFERENTIAL,))
            value = trace_trick(Context(phi_linear, previous, z), b, phi_linear, claim)
        else:
            phi = B.trace(B.matmul(B.transpose(grads[k]), link))
            value = differential.derive(Context(phi, previous, z)).value
            b.start(grads[k - 1], value, (rule,), claim=claim)
        current = tidy(_inline(value, [(grads[k].key, current)], {}))
        b.then(current, (R.SUBSTITUTE_GRADIENT,))
        bindings.append((grads[k - 1].key, current))
        chain.symbols[grads[k - 1].key] = claim
    final = tidy(write_out_single_uses(chain.inline(current, [])))
    b.then(final, (R.SUBSTITUTE, C.SIMPLIFY))
    return final


# -- a vector or matrix function: Jacobians multiply -----------------------------------------------


def _as_vec_jacobian(value: Expr, f_shape: tuple, var: N.Var) -> Expr:
    """A numerator-layout derivative rearranged as d vec(f)/d vec(x)^T."""
    f_scalar = f_shape[0] == 1 and f_shape[1] == 1
    if var.is_scalar:
        return B.vec(value)
    if f_scalar and var.kind == "matrix":
        return B.transpose(B.vec(B.transpose(value)))
    return value


def _forward(chain: _Chain) -> Expr:
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
    b.start(target, B.matmul(*reversed(syms)), (R.VEC if vec_mode else R.VECTOR,), claim=whole)
    for k in range(n + 1):
        value = _local(names[k], exprs[k], vars_[k], notation.NUMERATOR)
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
        return shaped
    return result


__all__ = ["derive", "Derivation"]
