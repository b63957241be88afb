"""What every method shares: the problem context, taking d step by step, linear terms.

``push_differential`` applies the differential rules of ``rules/differential.py`` one layer per
step (all d(...) at the same depth at once), recording which rules each step used: the
student sees d(x^T A x) = d(x^T) A x + x^T A dx, then dx^T A x + x^T A dx.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from matdiff_magic import claims, notation
from matdiff_magic.claims import Claim
from matdiff_magic.derivation import Builder, Derivation
from matdiff_magic.errors import Msg, NotSupportedYetError
from matdiff_magic.rules import conclusions as C
from matdiff_magic.rules import differential as DR
from matdiff_magic.rules.rule import Rule
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.named import named_nodes, write_out_single_uses
from matdiff_magic.tree.query import Occurs, differential_occurs, variable_occurs
from matdiff_magic.tree.rewrite import canonical, replace
from matdiff_magic.tree.tidy import tidy

# Nodes a first derivative produces whose own derivative has no rule yet: a second derivative
# through them says which piece of mathematics is missing.
_NO_RULE = {
    "Frechet": "reason.no_second_frechet",
    "FrechetKron": "reason.no_second_frechet",
    "SpectralFactor": "reason.no_spectral_factor_rule",
    "EigenBasis": "reason.no_spectral_factor_rule",
    "DividedDifferences": "reason.no_spectral_factor_rule",
}


@dataclass
class Context:
    """The function being differentiated and the variable, with memoized dependency tests."""

    f: Expr
    wrt: N.Var
    fname: str
    problem: object = None  # the parsed Problem, when the method needs its definitions
    taken: frozenset[str] = frozenset()  # names a new intermediate must not take
    _depends: Occurs | None = None
    _has_dx: Occurs | None = None

    @property
    def dx(self) -> N.Differential:
        return N.Differential(self.wrt)

    def depends(self, e: Expr) -> bool:
        """Whether ``e`` contains the variable (so its differential is not zero)."""
        if self._depends is None:
            self._depends = variable_occurs(self.wrt.name)
        return self._depends(e)

    def has_dx(self, e: Expr) -> bool:
        """Whether ``e`` contains dX."""
        if self._has_dx is None:
            self._has_dx = differential_occurs(self.wrt.name)
        return self._has_dx(e)


@dataclass(frozen=True)
class Outcome:
    """A method's layout-independent answer: ``value`` in its natural ``orientation``."""

    method: str
    f: Expr
    fname: str
    wrt: N.Var
    value: Expr
    orientation: str  # "numerator", "denominator", or "hessian" (the same in every layout)
    steps: Derivation
    order: int = 1
    # Values for names that appear in steps but are not variables (intermediates such as e,
    # symbols such as ∂e/∂θᵀ), in dependency order, so every step can be checked numerically.
    bindings: tuple[tuple[str, Expr], ...] = ()
    first: Outcome | None = None  # for a Hessian: the gradient it differentiates
    # What each symbol inside the steps (∂z/∂y, ∂y/∂xᵀ of a chain) means, by its key, so a
    # checker can give it its true value rather than the value the derivation found for it.
    symbols: tuple[tuple[str, Claim], ...] = ()
    # The same derivative told in numerator layout, when the method narrates that layout in
    # its own terms (the chain method's numerator chain rule) rather than by a final transpose:
    # made when a result in that layout is first asked for (memoized), so other layouts do not
    # pay for it.
    numerator: Callable[[], Outcome] | None = None
    # how the derivative with respect to a structured variable is meant (claims.Claim), set
    # by the convention step (structured.py)
    structure: str = ""


def push_differential(
    ctx: Context, b: Builder, lhs: Expr | None = None, claim: Claim | None = None
) -> Expr:
    """Take d of ``ctx.f`` with the rule table, one layer per step; return the linear form.

    ``lhs`` is df unless given; ``claim`` what it means (the differential of ``ctx.f``)."""
    lhs = lhs if lhs is not None else notation.differential(ctx.fname, ctx.f.shape)
    start = N.D(ctx.f)
    b.start(lhs, start, (C.DIFFERENTIAL,), claim=claim or claims.differential(ctx.f))
    if not ctx.depends(ctx.f):
        zero = B.zero_like(ctx.f)
        b.then(zero, (DR.RULES["d.constant"],))
        return zero
    state: Expr = start
    with B.keeping_terms():
        while True:
            used: list[Rule] = []
            state = _expand_once(state, ctx, used)
            b.then(state, tuple(used))
            if not any(isinstance(n, N.D) for n in state.walk()):
                return state


def _expand_once(e: Expr, ctx: Context, used: list[Rule]) -> Expr:
    constant = DR.RULES["d.constant"]

    def note(rule: Rule) -> None:
        if rule not in used:
            used.append(rule)

    def d(child: Expr) -> Expr:
        if not ctx.depends(child):
            if not isinstance(child, N.Const | N.Identity | N.Ones | N.Zero):
                note(constant)
            return B.zero_like(child)
        if isinstance(child, N.Var):
            return N.Differential(ctx.wrt)
        return N.D(child)

    def apply(sub: Expr) -> Expr:
        if not ctx.depends(sub):
            note(constant)
            return B.zero_like(sub)
        if isinstance(sub, N.Var):
            return N.Differential(ctx.wrt)
        rule = DR.rule_for(sub)
        if rule is None or rule.apply is None:
            key = _NO_RULE.get(type(sub).__name__, "reason.no_differential_rule")
            # the node as printed (v_max(S)) where the message names it, else its type
            node = str(sub) if key == "reason.no_spectral_factor_rule" else type(sub).__name__
            raise NotSupportedYetError(Msg(key, node=node))
        note(rule)
        return rule.apply(sub, d)

    # Only the outermost d(...) nodes are rewritten; the d(...) a rule creates wait for the
    # next step, so each step applies one layer of rules.
    return replace(e, lambda n: apply(n.arg) if isinstance(n, N.D) else None)


MAX_TERMS = 2000


def expand_terms(e: Expr, has: callable) -> list[Expr]:
    """A linear form in dX as a list of terms, each with dX in exactly one place (at most
    MAX_TERMS of them: a shared subexpression can stand for exponentially many)."""
    count = _count_terms(e, has, {})
    if count > MAX_TERMS:
        raise NotSupportedYetError(Msg("reason.too_many_terms", count=count, limit=MAX_TERMS))
    return _expand_terms(e, has)


def _count_terms(e: Expr, has: callable, memo: dict[Expr, int]) -> int:
    found = memo.get(e)
    if found is None:
        if not has(e):
            found = 0
        elif isinstance(e, N.Differential):
            found = 1
        elif isinstance(e, N.Add):
            found = sum(_count_terms(t, has, memo) for t in e.terms)
        else:
            found = sum(_count_terms(a, has, memo) for a in e.args)
        memo[e] = found
    return found


def _expand_terms(e: Expr, has: callable) -> list[Expr]:
    if not has(e):
        return []
    if isinstance(e, N.Add):
        return [t for term in e.terms for t in _expand_terms(term, has)]
    if isinstance(e, N.Differential):
        return [e]
    args = e.args
    inside = [i for i, a in enumerate(args) if has(a)]
    if len(inside) != 1:
        raise AssertionError("a differential must be linear in dX")
    i = inside[0]
    parts = _expand_terms(args[i], has)
    if len(parts) == 1 and parts[0] is args[i]:
        return [e]
    out = []
    for part in parts:
        with B.keeping_terms():
            term = B.rebuild(e, (*args[:i], part, *args[i + 1 :]))
        out.extend(_expand_terms(term, has) if isinstance(term, N.Add) else [term])
    return [t for t in out if not isinstance(t, N.Zero)]


def replace_differential(e: Expr, ctx: Context, by: Expr) -> Expr:
    """``e`` with dX replaced by ``by`` (1 extracts the coefficient of a scalar dt)."""
    return replace(
        e, lambda n: by if isinstance(n, N.Differential) and n.var.name == ctx.wrt.name else None
    )


def read_scalar_variable(ctx: Context, b: Builder, linear: Expr, method: str) -> Outcome:
    """dF = G dt  =>  ∂F/∂t = G (the same in both layouts up to the transpose)."""
    g = tidy(canonical(replace_differential(linear, ctx, B.const(1))))
    if not isinstance(linear, N.Zero):
        b.then(B.mul(g, ctx.dx), (C.FACTOR_SCALAR,))
    lhs = notation.derivative(ctx.fname, ctx.f.shape, ctx.wrt, notation.NUMERATOR)
    claim = claims.derivative(ctx.f, ctx.wrt, notation.NUMERATOR)
    b.start(lhs, g, (C.READ_SCALAR,), relation="implies", claim=claim)
    g = write_out(b, g)
    return Outcome(method, ctx.f, ctx.fname, ctx.wrt, g, notation.NUMERATOR, b.steps)


def kinds(ctx: Context) -> tuple[str, str]:
    return notation.kind_of(ctx.f.shape), notation.kind_of(ctx.wrt.shape)


def show_definitions(ctx: Context, b: Builder) -> None:
    """The user's definitions the function keeps by name (used more than once), one line each,
    before the derivation uses them."""
    for node in named_nodes(ctx.f):
        b.start(
            N.Var(node.name, *node.shape),
            node.body,
            (C.DEFINITION,),
            claim=claims.value(node.body),
        )


def write_out(b: Builder, value: Expr) -> Expr:
    """The result with the names it uses only once replaced by their definitions (a step of
    its own when that changes anything)."""
    out = write_out_single_uses(value)
    if out == value:
        return value
    out = tidy(out)
    b.then(out, (C.WRITE_OUT,))
    return out
