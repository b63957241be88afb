"""The lowering for speed: the derivative's tree rewritten into forms that compute it fast,
before printing. The display form (``Result.text``, ``numpy_code``) is untouched.

- a commutation matrix K is applied as a reshape and a transpose (``RowSwap``/``ColSwap``),
  and never formed unless the result itself is K;
- ``diag(v) M`` and ``M diag(v)`` are broadcast products (``Scale``);
- (A ⊗ B) times a vector (or from a row) is the vec trick (``KronApply``); a Kronecker product
  that is part of the result is a broadcast outer product, K (P ⊗ Q) one with its row pairs
  swapped, and a sum of them is accumulated in place (``KronOuter``, ``Accumulate``);
- a product with a vector is taken from the vector's side (A (B x), not (A B) x), and a sum of
  plain matrices times a vector is distributed, (A + Aᵀ) x = A x + Aᵀ x, which forms no n×n
  temporary;
- diag(v)⁻¹ is diag(𝟏 ⊘ v);
- 𝟏 added to a matrix is the number 1, broadcast; tr(M F) is sum(M ⊙ Fᵀ), without the last
  product.

Common subexpressions are computed once by the printer (the tree is a DAG).
"""

from __future__ import annotations

from matdiff_magic import dims
from matdiff_magic.codegen import nodes as G
from matdiff_magic.dims import ONE
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr


def lower(e: Expr) -> Expr:
    """``e`` in the forms above (it means the same matrix)."""
    return _Lowering()(e)


class _Lowering:
    def __init__(self) -> None:
        self.memo: dict[Expr, Expr] = {}

    def __call__(self, e: Expr) -> Expr:
        done = self.memo.get(e)
        if done is None:
            done = self.memo[e] = self._rewrite(self._children(e))
        return done

    def _children(self, e: Expr) -> Expr:
        if isinstance(e, N.Inverse) and isinstance(e.arg, N.DiagMat):
            # diag(v)⁻¹, as the book prints it, is diag(𝟏 ⊘ v): no O(n³) inverse
            v = e.arg.arg
            return self(N.DiagMat(N.HadamardDiv(N.Ones(v.rows, v.cols), v)))
        if isinstance(e, N.Named):
            return N.Named(e.name, self(e.body))
        if not e.args:
            return e
        if isinstance(e, N.MatMul):  # K and diag(v) as factors are the product's to apply
            kept = (f if isinstance(f, N.Commutation) else self(f) for f in e.factors)
            return N.MatMul(tuple(kept))
        return e.with_args(tuple(self(a) for a in e.args))

    def _rewrite(self, e: Expr) -> Expr:
        if isinstance(e, N.MatMul):
            return product(list(e.factors))
        if isinstance(e, N.Commutation):  # K itself is the result: the identity, permuted
            return G.RowSwap(N.Identity(dims.resolve(e.m * e.n)), e.m, e.n)
        if isinstance(e, N.Kron):
            return G.KronOuter(e.left, e.right, False)
        if isinstance(e, N.Add):
            return _sum(e)
        if isinstance(e, N.Mul) and isinstance(e.body, G.KronOuter) and not e.scalars:
            k = e.body
            return G.KronOuter(k.left, k.right, k.swap, e.coeff * k.coeff)
        if isinstance(e, N.Trace) and isinstance(e.arg, N.MatMul):
            *head, last = e.arg.factors
            last_t = last.arg if isinstance(last, N.Transpose) else N.Transpose(last)
            return N.Sum(N.Hadamard((product(head), last_t)))
        return e


def _sum(e: N.Add) -> Expr:
    terms = e.terms
    if all(isinstance(t, G.KronOuter) for t in terms):
        return G.Accumulate(terms)
    if any(not isinstance(t, N.Ones) for t in terms):
        terms = tuple(G.BroadcastOne(*t.shape) if isinstance(t, N.Ones) else t for t in terms)
    return N.Add(terms) if terms != e.terms else e


def product(factors: list[Expr]) -> Expr:
    """The product of ``factors`` (lowered already), in the fast forms."""
    if len(factors) == 1:
        return factors[0]
    for i, f in enumerate(factors):
        if isinstance(f, N.Commutation):
            if i + 1 < len(factors):
                rest = row_swap(product(factors[i + 1 :]), f.m, f.n)
                return product([*factors[:i], rest])
            return G.ColSwap(product(factors[:i]), f.m, f.n)
    for i, f in enumerate(factors):
        if isinstance(f, N.DiagMat):
            if i + 1 < len(factors):
                scaled = G.Scale(f.arg, factors[i + 1], left=True)
                return product([*factors[:i], scaled, *factors[i + 2 :]])
            return product([*factors[:-2], G.Scale(f.arg, factors[-2], left=False)])
    for i, f in enumerate(factors):
        if isinstance(f, G.KronOuter) and not f.swap:
            applied = _kron_applied(factors, i, f)
            if applied is not None:
                return applied
    rows, cols = factors[0].rows, factors[-1].cols
    if cols == ONE or rows == ONE:
        for i, f in enumerate(factors):
            if isinstance(f, N.Add) and all(_plain(t) for t in f.terms):
                left, right = factors[:i], factors[i + 1 :]
                shared = [product(left)] if left else []
                tail = [product(right)] if right else []
                return N.Add(tuple(product([*shared, t, *tail]) for t in f.terms))
    if cols == ONE:  # from the vector's side: A (B x)
        return N.MatMul((factors[0], product(factors[1:])))
    return N.MatMul(tuple(factors))


def _kron_applied(factors: list[Expr], i: int, k: G.KronOuter) -> Expr | None:
    a, b, coeff = k.left, k.right, k.coeff
    if i + 1 < len(factors) and factors[-1].cols == ONE:
        out: Expr = G.KronApply(a, b, product(factors[i + 1 :]))
        out = _scaled(out, coeff)
        return product([*factors[:i], out])
    if i > 0 and factors[0].rows == ONE:  # vᵀ (A ⊗ B) = ((Aᵀ ⊗ Bᵀ) v)ᵀ
        left = N.Transpose(product(factors[:i]))
        out = N.Transpose(_scaled(G.KronApply(N.Transpose(a), N.Transpose(b), left), coeff))
        return product([out, *factors[i + 1 :]])
    return None


def _scaled(e: Expr, coeff: object) -> Expr:
    return e if coeff == 1 else N.Mul(coeff, (), e)


def row_swap(arg: Expr, m: object, n: object) -> Expr:
    """K_{m,n} arg, pushed into sums and scalings down to the Kronecker products, where it
    swaps their row pairs as they are formed."""
    if isinstance(arg, G.Accumulate):
        return G.Accumulate(tuple(row_swap(t, m, n) for t in arg.terms))
    if isinstance(arg, N.Add):
        return N.Add(tuple(row_swap(t, m, n) for t in arg.terms))
    if isinstance(arg, N.Mul) and arg.body is not None:
        return N.Mul(arg.coeff, arg.scalars, row_swap(arg.body, m, n))
    if isinstance(arg, G.KronOuter) and not arg.swap:
        # K_{m,n} reads the rows as an n×m grid: P ⊗ Q's rows are a rows(P)×rows(Q) grid
        if dims.same(n, arg.left.rows) and dims.same(m, arg.right.rows):
            return G.KronOuter(arg.left, arg.right, True, arg.coeff)
    return G.RowSwap(arg, m, n)


def _plain(e: Expr) -> bool:
    """A matrix that costs nothing to apply to a vector separately (a variable, its transpose,
    a number times one)."""
    if isinstance(e, N.Transpose):
        return _plain(e.arg)
    if isinstance(e, N.Mul):
        return not e.scalars and e.body is not None and _plain(e.body)
    return isinstance(e, (N.Var, N.Identity))
