"""Finding the chain for the chain-rule method: the user's definitions when they lead from the
variable to the function, or else an intermediate chosen automatically (the largest
subexpression holding every occurrence of the variable; an affine one if there is one, so least
squares gets e = X θ - y)."""

from __future__ import annotations

from dataclasses import dataclass

from matdiff_magic.derivation import Builder
from matdiff_magic.errors import Join, Msg, NotApplicableError
from matdiff_magic.methods.common import Context, push_differential
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.query import variable_names
from matdiff_magic.tree.rewrite import replace, substitute


@dataclass(frozen=True)
class Link:
    """y = expr, where expr depends on the previous link's variable (or on x)."""

    var: N.Var
    expr: Expr  # in terms of the previous link's variable and constants
    inlined: Expr  # in terms of the problem's variables


# -- finding the chain ---------------------------------------------------------------------------


def mentions(e: Expr, name: str) -> bool:
    return name in variable_names(e)


def user_links(problem, ctx: Context) -> list[Link] | None:
    """The chain of the user's definitions from x to f, or None if they do not form one."""
    definitions = {d.name: d for d in problem.definitions}
    if not definitions:
        return None
    depends: dict[str, bool] = {}

    def reaches_x(name: str) -> bool:
        if name not in depends:
            d = definitions[name]
            depends[name] = mentions(d.inlined, ctx.wrt.name)
        return depends[name]

    # Definitions that do not involve x are constants: substitute them.
    constants = {n: d.inlined for n, d in definitions.items() if not reaches_x(n)}
    chain: list[Link] = []
    current = substitute(problem.outer, constants) if constants else problem.outer
    seen = set()
    while True:
        refs = [n for n in definitions if n not in constants and mentions(current, n)]
        direct = mentions(current, ctx.wrt.name)
        if not refs:
            if not chain:
                return None
            break
        if len(refs) > 1 or direct:
            involved = Join(refs + ([ctx.wrt.name] if direct else []), "comma")
            raise NotApplicableError(Msg("reason.chain_not_a_chain", names=involved))
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


def covers_all(f: Expr, u: Expr, x: str) -> bool:
    """Whether every occurrence of x in f lies inside an occurrence of u."""
    placeholder = N.Var("__u__", *u.shape)
    return not mentions(replace_subtree(f, u, placeholder), x)


def replace_subtree(e: Expr, old: Expr, new: Expr) -> Expr:
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
                        *[replace_subtree(f, old, new) for f in node.factors[:i]],
                        new,
                        *[replace_subtree(f, old, new) for f in node.factors[i + k :]],
                    )
        return None

    return replace(e, hook)


def is_affine(e: Expr, ctx: Context) -> bool:
    """Whether e is affine in x (its differential does not involve x)."""
    if not ctx.depends(e):
        return True
    b = Builder()
    linear = push_differential(Context(e, ctx.wrt, "u"), b)
    return not any(isinstance(n, N.Var) and n.name == ctx.wrt.name for n in linear.walk())


def auto_links(ctx: Context) -> tuple[list[Link], Expr]:
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
        if node not in candidates and covers_all(ctx.f, node, x):
            candidates.append(node)
    if not candidates:
        key = "reason.chain_no_inner" + ("" if ctx.f.is_scalar else ".nonscalar")
        raise NotApplicableError(Msg(key, x=x, f=ctx.fname))
    size = {c: sum(1 for _ in c.walk()) for c in candidates}
    affine = [c for c in candidates if is_affine(c, ctx)]
    pool = affine or candidates
    inner = max(pool, key=lambda c: size[c])
    name = fresh_chain_name(ctx, inner)
    var = N.Var(name, *inner.shape)
    return [Link(var, inner, inner)], replace_subtree(ctx.f, inner, var)


def fresh_chain_name(ctx: Context, inner: Expr) -> str:
    used = {n.name for n in ctx.f.walk() if isinstance(n, N.Var)} | {ctx.fname} | ctx.taken
    if ctx.problem is not None:
        used |= set(ctx.problem.variables) | set(ctx.problem.definition_names)
    options = ["e", "u", "z", "v", "h", "s"] if not inner.kind == "matrix" else ["Y", "U", "Z", "V"]
    for name in options:
        if name not in used:
            return name
    i = 1
    while f"u{i}" in used:
        i += 1
    return f"u{i}"
