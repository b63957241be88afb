"""matdiff's matrix algebra as an egglog term language, and the simplifier's main named identities
as egglog rewrites (issue 12's measurement; a benchmark only, never imported by matdiff).

Terms. ``atom`` is a leaf of the input (a variable, 𝟏, I, a user's name) by its index in the
bridge's table; ``num`` a rational number (a scalar); ``app1/2/3`` any other node kept opaque by
its head (Kronecker products, softmax, logdet, ...). The rest are the constructors the book forms
use: ``a + b``, ``s * a`` (a scalar ``s`` times ``a``: matdiff's Mul), ``a @ b`` (matrix
product), ``.T``, ``.inv``, ``had`` (⊙), ``hdiv`` (⊘), ``hpow`` (∘k), ``pow`` (scalar power),
``ew`` (an entrywise function by name: exp, log, sigmoid, ...), ``tr``, ``total`` (sum of the
entries), ``dmat`` (diag of a vector), ``dvec`` (diagonal of a matrix).

Shapes. The identities that hold only for some shapes (aᵀ = a for a scalar, (A B)⁻¹ = B⁻¹ A⁻¹ for
squares, b s = b (s) for a column b) ask relations: ``scalar``, ``square``, ``col`` (one column),
``row`` (one row), ``ones`` (the term is 𝟏 of its shape). The bridge seeds them for every
subterm of the input; the ``SHAPES`` rules carry them to terms the rewrites build, matching
existing terms only (they never create a term, so they saturate).
"""

from __future__ import annotations

from egglog import (
    BigRat,
    BigRatLike,
    Expr,
    String,
    StringLike,
    eq,
    i64Like,
    ne,
    relation,
    rewrite,
    rule,
    ruleset,
)


class M(Expr):
    """A matdiff expression inside egglog."""

    @classmethod
    def atom(cls, i: i64Like) -> M: ...
    @classmethod
    def num(cls, r: BigRatLike) -> M: ...
    @classmethod
    def app1(cls, head: i64Like, a: M) -> M: ...
    @classmethod
    def app2(cls, head: i64Like, a: M, b: M) -> M: ...
    @classmethod
    def app3(cls, head: i64Like, a: M, b: M, c: M) -> M: ...
    @classmethod
    def ew(cls, f: StringLike, a: M) -> M: ...

    def __add__(self, other: M) -> M: ...
    def __mul__(self, other: M) -> M: ...  # scalar self times other
    def __matmul__(self, other: M) -> M: ...

    @property
    def T(self) -> M: ...
    @property
    def inv(self) -> M: ...
    @property
    def tr(self) -> M: ...
    @property
    def total(self) -> M: ...
    @property
    def dmat(self) -> M: ...
    @property
    def dvec(self) -> M: ...

    def had(self, other: M) -> M: ...
    def hdiv(self, other: M) -> M: ...
    def hpow(self, k: BigRatLike) -> M: ...
    def pow(self, k: BigRatLike) -> M: ...


scalar = relation("scalar", M)
square = relation("square", M)
col = relation("col", M)
row = relation("row", M)
ones = relation("ones", M)

SHAPES = ruleset(name="shapes")
RULES = ruleset(name="identities")


def _one(p: int) -> BigRat:
    return BigRat(p, 1)


# The identities below, by the name of the matdiff rewrite (tree/tidy.py REWRITES) or book
# identity they state; the results table cites these groups.
RULE_GROUPS = [
    "transposes: (AB)ᵀ = BᵀAᵀ, (A+B)ᵀ, (sA)ᵀ, (Aᵀ)ᵀ = A, (A⁻¹)ᵀ = (Aᵀ)⁻¹, (A⊙B)ᵀ, f(A)ᵀ, "
    "diag(x)ᵀ = diag(x), sᵀ = s (transposes inward / gather a transpose)",
    "inverses: (AB)⁻¹ = B⁻¹A⁻¹ for squares, (A⁻¹)⁻¹ = A, (cA)⁻¹ = c⁻¹A⁻¹ (expand square inverses)",
    "products: associativity, distributivity both ways on both sides, scalars in and out of "
    "products (factor / multiply out)",
    "scalars: s(tA) = (st)A, commuting scalars, numbers folded, like terms collected "
    "(numbers out of brackets / spread a number), (aᵀx) b = b aᵀ x",
    "sums: commutativity, associativity",
    "traces: tr(s) = s, tr(AB) = tr(BA), tr(A+B) = tr A + tr B, tr(sA), tr(Aᵀ) = tr(A) "
    "(traces of scalars)",
    "entry sums: 𝟏ᵀx = sum(x), xᵀ𝟏 = sum(x) (sums and traces by name)",
    "Hadamard: commutativity, associativity, over sums, scalars out, x⊙x = x∘², "
    "x⊙x∘k = x∘(k+1) (entrywise algebra)",
    "reciprocals: x⊙𝟏 = x, x⊘𝟏 = x, x⊙(𝟏⊘x) = 𝟏, a⊙(𝟏⊘b) = a⊘b, (a⊘b)⊙c = (a⊙c)⊘b, "
    "a⊘(b⊘c) = (a⊙c)⊘b, "
    "(a⊙c)⊘c = a (reciprocals as quotients)",
    "diagonals: diag(x) y = x⊙y, diag(x) diag(y) = diag(x⊙y), diag(𝟏⊘x) = diag(x)⁻¹ "
    "(diagonal inverses, diagonals by name)",
    "logistic: eᵗ/(1+eᵗ) = σ(t), eᵗ⊘(𝟏+eᵗ) = σ(t), 1 - σ(t) = σ(-t), log(eˣ) = x, e^(log x) = x",
]


@SHAPES.register
def _shapes(a: M, b: M, e: M, f: String, k: BigRat, p: BigRat) -> object:
    yield rule(scalar(a)).then(square(a), col(a), row(a))
    yield rule(eq(e).to(a.T), col(a)).then(row(e))
    yield rule(eq(e).to(a.T), row(a)).then(col(e))
    yield rule(eq(e).to(a.T), square(a)).then(square(e))
    yield rule(eq(e).to(a.inv), square(a)).then(square(e))
    yield rule(eq(e).to(a @ b), col(b)).then(col(e))
    yield rule(eq(e).to(a @ b), row(a)).then(row(e))
    yield rule(eq(e).to(a @ b), row(a), col(b)).then(scalar(e))
    yield rule(eq(e).to(a @ b), square(a), square(b)).then(square(e))
    for make in (lambda x, y: x + y, lambda x, y: x.had(y), lambda x, y: x.hdiv(y)):
        yield rule(eq(e).to(make(a, b)), col(a)).then(col(e))
        yield rule(eq(e).to(make(a, b)), row(a)).then(row(e))
        yield rule(eq(e).to(make(a, b)), square(a)).then(square(e))
    yield rule(eq(e).to(a * b), col(b)).then(col(e))
    yield rule(eq(e).to(a * b), row(b)).then(row(e))
    yield rule(eq(e).to(a * b), square(b)).then(square(e))
    for unary in (lambda x: M.ew(f, x), lambda x: x.hpow(k)):
        yield rule(eq(e).to(unary(a)), col(a)).then(col(e))
        yield rule(eq(e).to(unary(a)), row(a)).then(row(e))
        yield rule(eq(e).to(unary(a)), square(a)).then(square(e))
    yield rule(eq(e).to(a.tr)).then(scalar(e))
    yield rule(eq(e).to(a.total)).then(scalar(e))
    yield rule(eq(e).to(a.pow(k))).then(scalar(e))
    yield rule(eq(e).to(M.num(p))).then(scalar(e))
    yield rule(eq(e).to(a.dmat)).then(square(e))
    yield rule(eq(e).to(a.dvec)).then(col(e))


@RULES.register
def _identities(a: M, b: M, c: M, s: M, t: M, o: M, f: String, p: BigRat, q: BigRat) -> object:
    # transposes
    yield rewrite((a @ b).T).to(b.T @ a.T)
    yield rewrite(b.T @ a.T).to((a @ b).T)
    yield rewrite((a + b).T).to(a.T + b.T)
    yield rewrite(a.T + b.T).to((a + b).T)
    yield rewrite((s * a).T).to(s * a.T)
    yield rewrite(s * a.T).to((s * a).T)
    yield rewrite(a.T.T).to(a)
    yield rewrite(a.inv.T).to(a.T.inv)
    yield rewrite(a.T.inv).to(a.inv.T)
    yield rewrite(a.had(b).T).to(a.T.had(b.T))
    yield rewrite(a.T.had(b.T)).to(a.had(b).T)
    yield rewrite(M.ew(f, a).T).to(M.ew(f, a.T))
    yield rewrite(M.ew(f, a.T)).to(M.ew(f, a).T)
    yield rewrite(a.dmat.T).to(a.dmat)
    yield rewrite(a.T).to(a, scalar(a))
    # inverses
    yield rewrite((a @ b).inv).to(b.inv @ a.inv, square(a), square(b))
    yield rewrite(b.inv @ a.inv).to((a @ b).inv, square(a), square(b))
    yield rewrite(a.inv.inv).to(a)
    yield rewrite((M.num(p) * a).inv).to(M.num(BigRat(1, 1) / p) * a.inv, ne(p).to(BigRat(0, 1)))
    # products
    yield rewrite((a @ b) @ c).to(a @ (b @ c))
    yield rewrite(a @ (b @ c)).to((a @ b) @ c)
    yield rewrite(a @ (b + c)).to(a @ b + a @ c)
    yield rewrite(a @ b + a @ c).to(a @ (b + c))
    yield rewrite((a + b) @ c).to(a @ c + b @ c)
    yield rewrite(a @ c + b @ c).to((a + b) @ c)
    yield rewrite((s * a) @ b).to(s * (a @ b))
    yield rewrite(a @ (s * b)).to(s * (a @ b))
    yield rewrite(s * (a @ b)).to((s * a) @ b)
    yield rewrite(s * (a @ b)).to(a @ (s * b))
    # scalars
    yield rewrite(s * (a + b)).to(s * a + s * b)
    yield rewrite(s * a + s * b).to(s * (a + b))
    yield rewrite(s * a + t * a).to((s + t) * a, scalar(s), scalar(t))
    yield rewrite(s * a + a).to((s + M.num(_one(1))) * a, scalar(s))
    yield rewrite(a + a).to(M.num(_one(2)) * a)
    yield rewrite(s * (t * a)).to((s * t) * a)
    yield rewrite((s * t) * a).to(s * (t * a), scalar(s), scalar(t))
    yield rewrite(s * t).to(t * s, scalar(s), scalar(t))
    yield rewrite(M.num(p) * M.num(q)).to(M.num(p * q))
    yield rewrite(M.num(p) + M.num(q)).to(M.num(p + q))
    yield rewrite(M.num(_one(1)) * a).to(a)
    yield rewrite((a @ c) * b).to(b @ (a @ c), row(a), col(c), col(b))
    yield rewrite((a @ c) * b).to((a @ c) @ b, row(a), col(c), row(b))
    yield rewrite(b @ s).to(s * b, scalar(s))
    yield rewrite(s @ b).to(s * b, scalar(s))
    # sums
    yield rewrite(a + b).to(b + a)
    yield rewrite((a + b) + c).to(a + (b + c))
    yield rewrite(a + (b + c)).to((a + b) + c)
    # traces
    yield rewrite(a.tr).to(a, scalar(a))
    yield rewrite((a @ b).tr).to((b @ a).tr)
    yield rewrite((a + b).tr).to(a.tr + b.tr)
    yield rewrite((s * a).tr).to(s * a.tr)
    yield rewrite(a.T.tr).to(a.tr)
    # entry sums
    yield rewrite(o.T @ a).to(a.total, ones(o), col(o), col(a))
    yield rewrite(a.T @ o).to(a.total, ones(o), col(o), col(a))
    # Hadamard products
    yield rewrite(a.had(b)).to(b.had(a))
    yield rewrite(a.had(b).had(c)).to(a.had(b.had(c)))
    yield rewrite(a.had(b.had(c))).to(a.had(b).had(c))
    yield rewrite(a.had(b + c)).to(a.had(b) + a.had(c))
    yield rewrite(a.had(b) + a.had(c)).to(a.had(b + c))
    yield rewrite((s * a).had(b)).to(s * a.had(b))
    yield rewrite(s * a.had(b)).to((s * a).had(b))
    yield rewrite(a.had(a)).to(a.hpow(_one(2)))
    yield rewrite(a.had(a.hpow(p))).to(a.hpow(p + _one(1)))
    yield rewrite(a.hpow(_one(1))).to(a)
    yield rewrite(a.hpow(p).hdiv(a)).to(a.hpow(p - _one(1)))
    # reciprocals and quotients
    yield rewrite(a.had(o)).to(a, ones(o))
    yield rewrite(a.hdiv(o)).to(a, ones(o))
    yield rewrite(a.had(o.hdiv(a))).to(o, ones(o))
    yield rewrite(a.had(o.hdiv(b))).to(a.hdiv(b), ones(o))
    yield rewrite(a.hdiv(b).had(c)).to(a.had(c).hdiv(b))
    yield rewrite(a.had(c).hdiv(b)).to(a.hdiv(b).had(c))
    yield rewrite(a.hdiv(b.hdiv(c))).to(a.had(c).hdiv(b))
    yield rewrite(a.hdiv(b).hdiv(c)).to(a.hdiv(b.had(c)))
    yield rewrite(a.had(c).hdiv(c)).to(a)
    yield rewrite((s * a).hdiv(b)).to(s * a.hdiv(b))
    yield rewrite(s * a.hdiv(b)).to((s * a).hdiv(b))
    yield rewrite((a + b).hdiv(c)).to(a.hdiv(c) + b.hdiv(c))
    yield rewrite(a.hdiv(c) + b.hdiv(c)).to((a + b).hdiv(c))
    yield rewrite(a.hdiv(b.hpow(_one(2)))).to(a.hdiv(b).hdiv(b))
    yield rewrite(a * b.pow(_one(-1))).to(a.hdiv(b), scalar(a), scalar(b))
    yield rewrite(a.hdiv(b)).to(a * b.pow(_one(-1)), scalar(a), scalar(b))
    # diagonals
    yield rewrite(a.dmat @ b).to(a.had(b), col(b))
    yield rewrite(a.dmat @ b.dmat).to(a.had(b).dmat)
    yield rewrite(o.hdiv(a).dmat).to(a.dmat.inv, ones(o))
    # logistic and exponential forms
    exp_t = M.ew("exp", t)
    yield rewrite(exp_t.hdiv(o + exp_t)).to(M.ew("sigmoid", t), ones(o))
    yield rewrite(exp_t.hdiv(M.num(_one(1)) + exp_t)).to(M.ew("sigmoid", t))
    yield rewrite(o + M.num(_one(-1)) * M.ew("sigmoid", t)).to(
        M.ew("sigmoid", M.num(_one(-1)) * t), ones(o)
    )
    yield rewrite(M.num(_one(1)) + M.num(_one(-1)) * M.ew("sigmoid", t)).to(
        M.ew("sigmoid", M.num(_one(-1)) * t)
    )
    yield rewrite(M.ew("log", M.ew("exp", a))).to(a)
    yield rewrite(M.ew("exp", M.ew("log", a))).to(a)
