"""matdiff trees to egglog terms and back, and the token cost model (the run: saturate.py).

Back from egglog the tree is built from the raw node classes (``tree/nodes``), not through the
smart constructors: those simplify on their own, and the measurement is of what egglog
extracted. It is printed by matdiff's text printer and counted by ``written_tokens.tokens``.

Back-translation writes numbers and 1×1 factors in front of products, transposes and
numerators, as matdiff's own constructors do (``2 Xᵀ (X θ - y)``, not ``(2 Xᵀ) (X θ - y)``).

Cost model. ``tokens`` counts what the printer writes, and whether a piece gets brackets depends
on where it stands, so a cost is (tokens, e-nodes, kind): the kind of the cheapest term of a
class says whether its parent must bracket it ((a + b) under ᵀ, a product beside ⊙, ...), and a
sum takes one token off for a negated term (a - b, not a + -b).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import sympy
from egglog import (
    BigRat,
    EGraph,
    get_callable_args,
    get_callable_fn,
    get_literal_value,
)

from egglog_bench.language import M, col, ones, row, scalar, square
from matdiff_magic.printing.text import text
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr as MExpr
from matdiff_magic.written_tokens import tokens

# kinds, cheapest first (the second element of a cost breaks ties towards simpler shapes)
ATOM, FUNC, POST, PROD, HAD, NEG, SUM, NUM, NUMNEG, ONE, MINUS_ONE, SCALED, TRANS = range(13)
COMPOUND = {PROD, HAD, NEG, SUM, SCALED}
NEGATIVE = COMPOUND | {NUMNEG, MINUS_ONE}
NUMBERS = {NUM, NUMNEG, ONE, MINUS_ONE}
# Classes are compared by tokens plus the brackets their kind usually costs inside a larger
# formula: a class's cheapest term is chosen once for every place it stands, and (x - μ)ᵀ (six
# tokens anywhere) beats xᵀ - μᵀ (five alone, seven bracketed in a product).
PENALTY = {SUM: 2, HAD: 2, NEG: 1, SCALED: 1}


def _rat(value: sympy.Expr) -> BigRat | None:
    value = sympy.nsimplify(value) if isinstance(value, sympy.Float) else value
    if isinstance(value, sympy.Rational):
        return BigRat(int(value.p), int(value.q))
    return None


def _number_cost(r: Fraction) -> tuple[int, int]:
    size = 1 if r.denominator == 1 else 3
    kind = ONE if r == 1 else MINUS_ONE if r == -1 else NUMNEG if r < 0 else NUM
    return (size + (r < 0), kind)


@dataclass
class Bridge:
    """One translation: the tables that give atoms and opaque heads back their matdiff form."""

    atoms: list[MExpr] = field(default_factory=list)
    heads: list[MExpr] = field(default_factory=list)
    head_tokens: list[int] = field(default_factory=list)
    seeds: list[object] = field(default_factory=list)

    def _index(self, table: list, item: MExpr) -> int:
        for i, seen in enumerate(table):
            if seen is item or seen == item:
                return i
        table.append(item)
        return len(table) - 1

    # -- matdiff -> egglog ---------------------------------------------------------------------

    def to_egg(self, e: MExpr) -> M:
        out = self._to_egg(e)
        rows, cols = e.shape
        if e.is_scalar:
            self.seeds.append(scalar(out))
        if rows == cols:
            self.seeds.append(square(out))
        if cols == 1:
            self.seeds.append(col(out))
        if rows == 1:
            self.seeds.append(row(out))
        if isinstance(e, N.Ones):
            self.seeds.append(ones(out))
        return out

    def _to_egg(self, e: MExpr) -> M:
        if isinstance(e, N.Add):
            return _fold([self.to_egg(t) for t in e.terms], lambda x, y: x + y)
        if isinstance(e, N.MatMul):
            return _fold([self.to_egg(f) for f in e.factors], lambda x, y: x @ y)
        if isinstance(e, N.Hadamard):
            return _fold([self.to_egg(f) for f in e.factors], lambda x, y: x.had(y))
        if isinstance(e, N.Mul):
            parts = [self.to_egg(f) for f in e.factors]
            r = _rat(e.coeff)
            if e.coeff != 1:
                parts.insert(0, M.num(r) if r is not None else self._atom(N.Const(e.coeff)))
            out = parts[-1]
            for p in reversed(parts[:-1]):
                out = p * out
            return out
        if isinstance(e, N.Const) and _rat(e.value) is not None:
            return M.num(_rat(e.value))
        if isinstance(e, N.Elementwise):
            return M.ew(e.func, self.to_egg(e.arg))
        if isinstance(e, N.HadamardDiv):
            return self.to_egg(e.num).hdiv(self.to_egg(e.den))
        if isinstance(e, N.HadamardPow) and _rat(e.exponent) is not None:
            return self.to_egg(e.base).hpow(_rat(e.exponent))
        if (
            isinstance(e, N.Power)
            and isinstance(e.exponent, N.Const)
            and _rat(e.exponent.value) is not None
        ):
            return self.to_egg(e.base).pow(_rat(e.exponent.value))
        unary = {
            N.Transpose: "T",
            N.Inverse: "inv",
            N.Trace: "tr",
            N.Sum: "total",
            N.DiagMat: "dmat",
            N.DiagVec: "dvec",
        }
        if type(e) in unary:
            return getattr(self.to_egg(e.args[0]), unary[type(e)])
        if isinstance(e, N.LEAVES) or not e.args or len(e.args) > 3:
            return self._atom(e)
        head = self._index(self.heads, e)
        if head == len(self.head_tokens):
            self.head_tokens.append(tokens(text(e)) - sum(tokens(text(a)) for a in e.args))
        args = [self.to_egg(a) for a in e.args]
        return (M.app1, M.app2, M.app3)[len(args) - 1](head, *args)

    def _atom(self, e: MExpr) -> M:
        return M.atom(self._index(self.atoms, e))

    # -- the cost of a term ---------------------------------------------------------------------

    def model(self, penalty: dict[int, int], contextual: bool) -> object:
        """A cost model: (tokens + penalty of the kind, e-nodes, kind). The node count breaks
        ties and makes every term cost more than its subterms (a ≡ 1·a would otherwise loop).
        ``contextual``: a child is bracketed by where it stands (exact for the printer, but
        not monotone, and egglog's extractor can panic on it); otherwise only by the penalty
        of its own kind (monotone, less exact)."""

        def cost(egraph: EGraph, expr: object, kids: list) -> tuple[int, int, int]:
            if contextual:
                real = [(k[0] - penalty.get(k[2], 0), k[2]) for k in kids]
            else:
                real = [(k[0], k[2] if k[2] in NUMBERS else ATOM) for k in kids]
            own, kind = self._tokens(expr, real)
            return (own + penalty.get(kind, 0), 1 + sum(k[1] for k in kids), kind)

        return cost

    def _tokens(self, expr: object, kids: list) -> tuple[int, int]:
        name = _name(expr)
        if name not in _OURS:  # a literal (index, number, function name)
            return (0, ATOM)
        args = get_callable_args(expr)
        if name == "atom":
            return (tokens(text(self.atoms[_int(args[0])])), ATOM)
        if name == "num":
            return _number_cost(args[0].value)
        if name in ("app1", "app2", "app3"):
            return (self.head_tokens[_int(args[0])] + sum(k[0] for k in kids[1:]), FUNC)
        if name in ("ew", "tr", "total", "dmat", "dvec"):
            return (3 + kids[-1][0], FUNC)
        if name == "__add__":
            (a, _), (b, kb) = kids
            return (a + b + (kb != NEG), SUM)
        # scalars come out of products, ᵀ and numerators when printed (``back``): -A p, 2 Aᵀ x
        if name == "__matmul__":
            return (sum(_wrap(k, {SUM, HAD}) for k in kids), _carried(kids, PROD))
        if name == "__mul__":
            s, body = kids
            negative = s[1] in (NUMNEG, MINUS_ONE)
            left = _wrap(s, COMPOUND | {NUMNEG, MINUS_ONE})
            if s[1] in (ONE, MINUS_ONE):
                left = int(negative)
            # a number's body is bracketed only as a sum (-p ⊘ q, 2 (p + q))
            body_brackets = {SUM, NEG} if s[1] in NUMBERS else {SUM, NEG, HAD}
            return (left + _wrap(body, body_brackets), NEG if negative else SCALED)
        if name == "had":
            return (1 + sum(_wrap(k, {SUM, PROD}) for k in kids), _carried(kids, HAD))
        if name == "hdiv":
            top, bottom = kids
            return (
                1 + _wrap(top, {SUM, PROD, HAD}) + _wrap(bottom, NEGATIVE),
                _carried([top], HAD),
            )
        if name == "T":
            return (1 + _wrap(kids[0], {SUM, PROD, HAD}), _carried(kids, TRANS))
        if name == "inv":  # X⁻ᵀ is (X⁻¹)ᵀ; (Xᵀ)⁻¹ is bracketed
            return (1 + _wrap(kids[0], NEGATIVE | {TRANS}), POST)
        if name in ("hpow", "pow"):
            k = _exponent(args[1])
            # x∘², p/s, p/s², x^(1/2)
            own = 1 if k.denominator == 1 and abs(k) == 1 else 2 if k.denominator == 1 else 3
            return (own + _wrap(kids[0], NEGATIVE | {POST, TRANS}), POST)
        raise AssertionError(name)

    # -- egglog -> matdiff ----------------------------------------------------------------------

    def back(self, t: object) -> MExpr:
        name = _name(t)
        args = get_callable_args(t)
        if name == "atom":
            return self.atoms[_int(args[0])]
        if name == "num":
            return N.Const(sympy.Rational(args[0].value))
        if name in ("app1", "app2", "app3"):
            head = self.heads[_int(args[0])]
            kids = iter([self.back(a) for a in args[1:]])
            return type(head)(*head.map_init(lambda _: next(kids)))
        if name == "ew":
            return N.Elementwise(str(get_literal_value(args[0])), self.back(args[1]))
        if name in ("hpow", "pow"):
            k = sympy.Rational(args[1].value)
            base = self.back(args[0])
            return N.HadamardPow(base, k) if name == "hpow" else N.Power(base, N.Const(k))
        kids = [self.back(a) for a in args]
        if name == "__add__":
            return N.Add(tuple(_flat(kids, N.Add, "terms")))
        if name == "__matmul__":
            if all(k.is_scalar for k in kids):  # a product of scalars is a Mul: (1/‖x‖³) aᵀ x
                return _scaled(kids[0], kids[1])
            return _pulled(kids, lambda f: N.MatMul(tuple(_flat(f, N.MatMul, "factors"))))
        if name == "had":
            return _pulled(kids, lambda f: N.Hadamard(tuple(_flat(f, N.Hadamard, "factors"))))
        if name == "hdiv":
            return _pulled(kids[:1], lambda f: N.HadamardDiv(f[0], kids[1]))
        if name == "T":
            return _pulled(kids, lambda f: N.Transpose(f[0]))
        if name == "__mul__":
            return _scaled(*kids)
        unary = {
            "T": N.Transpose,
            "inv": N.Inverse,
            "tr": N.Trace,
            "total": N.Sum,
            "dmat": N.DiagMat,
            "dvec": N.DiagVec,
        }
        return unary[name](kids[0])


_OURS = {
    "atom",
    "num",
    "app1",
    "app2",
    "app3",
    "ew",
    "tr",
    "total",
    "dmat",
    "dvec",
    "__add__",
    "__matmul__",
    "__mul__",
    "had",
    "hdiv",
    "T",
    "inv",
    "hpow",
    "pow",
}


def _carried(kids: list, kind: int) -> int:
    """The kind of a product whose scalar factors are written in front of it."""
    kinds = {k[1] for k in kids}
    return NEG if kinds & {NEG, NUMNEG, MINUS_ONE} else SCALED if SCALED in kinds else kind


def _fold(parts: list[M], op: object) -> M:
    out = parts[0]
    for p in parts[1:]:
        out = op(out, p)
    return out


def _wrap(cost: tuple[int, int], bracketed: set[int]) -> int:
    return cost[0] + 2 * (cost[1] in bracketed)


def _name(t: object) -> str | None:
    fn = get_callable_fn(t)
    if fn is None:
        return None
    name = str(fn)
    return _OPERATORS.get(name) or name.split(".")[-1]


_OPERATORS = {"· + ·": "__add__", "· * ·": "__mul__", "· @ ·": "__matmul__"}


def _exponent(t: object) -> Fraction:
    try:
        return Fraction(t.value)
    except Exception:
        return Fraction(2)


def _int(t: object) -> int:
    return int(get_literal_value(t))


def _flat(kids: list[MExpr], kind: type, attr: str) -> list[MExpr]:
    out: list[MExpr] = []
    for k in kids:
        out.extend(getattr(k, attr) if isinstance(k, kind) else [k])
    return out


def _pulled(kids: list[MExpr], make: object) -> MExpr:
    """``make(kids)`` with the numbers and scalar factors of matrix-valued kids written in
    front, as matdiff's own constructors place them (2 Xᵀ (X θ - y), not (2 Xᵀ) (X θ - y))."""
    coeff, scalars, bodies = sympy.Integer(1), [], []
    matrices = sum(1 for k in kids if not k.is_scalar)
    for k in kids:
        if isinstance(k, N.Mul) and (k.body is not None or matrices):
            # a 1×1 factor of a chain with a matrix in it leaves the chain: x aᵀ x/‖x‖³
            coeff *= k.coeff
            scalars.extend(k.scalars)
            if k.body is not None:
                bodies.append(k.body)
        elif matrices and isinstance(k, N.Const):
            coeff *= k.value
        elif matrices and isinstance(k, N.Power):
            scalars.append(k)
        else:
            bodies.append(k)
    inner = make(bodies) if len(bodies) > 1 or len(kids) == 1 else bodies[0]
    if coeff == 1 and not scalars:
        return inner
    return N.Mul(coeff, tuple(scalars), inner)


def _scaled(s: MExpr, body: MExpr) -> MExpr:
    """s · body as one Mul: numbers into the coefficient, scalars into the scalar factors."""
    coeff, scalars, rest = sympy.Integer(1), [], body
    for part in (s, body):
        if isinstance(part, N.Mul):
            coeff *= part.coeff
            scalars.extend(part.scalars)
            if part is body:
                rest = part.body
            elif part.body is not None:  # a scalar factor with a (1×1) body of its own
                scalars.append(part.body)
        elif isinstance(part, N.Const):
            coeff *= part.value
            if part is body:
                rest = None
        elif part is s:
            scalars.append(part)
    if rest is not None and rest.is_scalar and body is not s:
        scalars.append(rest)
        rest = None
    if not scalars and rest is None:
        return N.Const(coeff)
    if coeff == 1 and rest is None and len(scalars) == 1:
        return scalars[0]
    if coeff == 1 and not scalars and rest is not None:
        return rest
    return N.Mul(coeff, tuple(scalars), rest)
