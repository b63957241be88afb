"""The forms code generation lowers the tree into: each computes what a matdiff expression
means without the matrix the display form writes (a commutation matrix, diag(v), a Kronecker
product), and writes itself for any target with reshapes, transposes and broadcasting.

They are nodes of the typed tree (hashable, with children) so that the printer's common
subexpressions and temporaries work on them unchanged; only code generation builds them.
"""

from __future__ import annotations

import sympy

from matdiff_magic import dims
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.shapes import new_shape

ATOM, MUL = 50, 20
_ONE = sympy.Integer(1)

# NumPy writes a sum of Kronecker products (row pairs swapped or not) once, block by block of
# rows, each block one (batched) matrix product of the stacked factors: no term is formed on
# its own, and no broadcast loop runs (4-10x faster than broadcasting at n = 30 and 100).
KRON_SUM_CODE = (
    "def _kron_sum(ps, qs, swap):\n"
    '    """The sum of P ⊗ Q over the pairs; with swap, of K (P ⊗ Q) (row pairs swapped)."""\n'
    "    (rp, cp), (rq, cq) = ps[0].shape, qs[0].shape\n"
    "    right = np.stack(qs, axis=1)  # (rq, pairs, cq)\n"
    "    if swap:\n"
    "        left = np.stack(ps, axis=-1).reshape(rp * cp, len(ps))\n"
    "        out = np.empty((rq, rp * cp, cq))\n"
    "        for j in range(rq):\n"
    "            np.matmul(left, right[j], out=out[j])\n"
    "        return out.reshape(rq * rp, cp * cq)\n"
    "    left = np.stack(ps, axis=-1)  # (rp, cp, pairs)\n"
    "    out = np.empty((rp, rq, cp, cq))\n"
    "    for i in range(rp):\n"
    "        np.matmul(left[i], right, out=out[i])\n"
    "    return out.reshape(rp * rq, cp * cq)\n"
)


class RowSwap(Expr):
    """K_{m,n} M: the rows of M, read as an n×m grid (vec of an m×n matrix), transposed."""

    __slots__ = ()
    _fields = ("arg", "m", "n")
    arg: Expr
    m: sympy.Expr
    n: sympy.Expr

    def __init__(self, arg: Expr, m: sympy.Expr, n: sympy.Expr):
        self._setup((arg, m, n), new_shape(*arg.shape))

    def _code_for(self, p) -> tuple[str, int]:
        m, n, mn = p.dim(self.m)[0], p.dim(self.n)[0], p.dim(self.m * self.n)[0]
        a = p.operand(self.arg, ATOM)
        return f"{a}.reshape({n}, {m}, -1).swapaxes(0, 1).reshape({mn}, -1)", ATOM


class ColSwap(Expr):
    """M K_{m,n} = (K_{n,m} Mᵀ)ᵀ: the columns of M permuted."""

    __slots__ = ()
    _fields = ("arg", "m", "n")
    arg: Expr
    m: sympy.Expr
    n: sympy.Expr

    def __init__(self, arg: Expr, m: sympy.Expr, n: sympy.Expr):
        self._setup((arg, m, n), new_shape(*arg.shape))

    def _code_for(self, p) -> tuple[str, int]:
        m, n, mn = p.dim(self.m)[0], p.dim(self.n)[0], p.dim(self.m * self.n)[0]
        a = p.operand(self.arg, ATOM)
        return f"{a}.T.reshape({m}, {n}, -1).swapaxes(0, 1).reshape({mn}, -1).T", ATOM


class KronOuter(Expr):
    """coeff · (P ⊗ Q), or coeff · K (P ⊗ Q) with the row pairs swapped (``swap``), formed
    entry by entry as a broadcast product: no dense K, no product with it."""

    __slots__ = ()
    _fields = ("left", "right", "swap", "coeff")
    left: Expr
    right: Expr
    swap: bool
    coeff: sympy.Expr

    def __init__(self, left: Expr, right: Expr, swap: bool, coeff: sympy.Expr = _ONE):
        shape = (dims.resolve(left.rows * right.rows), dims.resolve(left.cols * right.cols))
        self._setup((left, right, bool(swap), dims.number(coeff)), shape)

    def _code_for(self, p, coeff: sympy.Expr | None = None) -> tuple[str, int]:
        if p.target.name == "numpy" and coeff is None:
            return _kron_sum(p, (self,))
        c = self.coeff if coeff is None else coeff
        # C-ordered factors: a transposed view makes NumPy's broadcast loop run strided (2x)
        a, b = (_contiguous(p, x) for x in (self.left, self.right))
        if self.swap:  # rows (j, i): Q's row first
            product = f"{a}[None, :, :, None] * {b}[:, None, None, :]"
        else:
            product = f"{a}[:, None, :, None] * {b}[None, :, None, :]"
        if c != 1:  # scale the small factor, before the product is formed
            product = p.operand(_const(c), MUL) + " * " + product
        rows, cols = p.dim(self.shape[0])[0], p.dim(self.shape[1])[0]
        return f"({product}).reshape({rows}, {cols})", ATOM


class KronApply(Expr):
    """(A ⊗ B) V by the vec trick, (A ⊗ B) vec(X) = vec(B X Aᵀ), for each column of V."""

    __slots__ = ()
    _fields = ("a", "b", "v")
    a: Expr
    b: Expr
    v: Expr

    def __init__(self, a: Expr, b: Expr, v: Expr):
        self._setup((a, b, v), (dims.resolve(a.rows * b.rows), v.cols))

    def _code_for(self, p) -> tuple[str, int]:
        a, b, v = (p.operand(x, ATOM) for x in (self.a, self.b, self.v))
        ca, cb = p.dim(self.a.cols)[0], p.dim(self.b.cols)[0]
        rows = p.dim(self.shape[0])[0]
        return f"({a} @ {v}.T.reshape(-1, {ca}, {cb}) @ {b}.T).reshape(-1, {rows}).T", ATOM


class Scale(Expr):
    """diag(v) M (``left``) as v * M, or M diag(v) as M * vᵀ: broadcasting, no n×n matrix."""

    __slots__ = ()
    _fields = ("v", "arg", "left")
    v: Expr
    arg: Expr
    left: bool

    def __init__(self, v: Expr, arg: Expr, left: bool):
        self._setup((v, arg, bool(left)), new_shape(*arg.shape))

    def _code_for(self, p) -> tuple[str, int]:
        v, a = p.operand(self.v, ATOM), p.operand(self.arg, MUL + 1)
        return (f"{v} * {a}" if self.left else f"{a} * {v}.T"), MUL


class BroadcastOne(Expr):
    """𝟏 added to a matrix of its shape: the number 1, broadcast."""

    __slots__ = ()
    _fields = ("rows_dim", "cols_dim")

    def __init__(self, rows: sympy.Expr, cols: sympy.Expr):
        self._setup((rows, cols), new_shape(rows, cols))

    def _code_for(self, p) -> tuple[str, int]:
        return "1.0", ATOM


class Accumulate(Expr):
    """A sum of large fresh terms (Kronecker forms) added into one array in place: memory is
    the result's own size (plus one term), not one array per term and per partial sum."""

    __slots__ = ()
    _fields = ("terms",)
    terms: tuple[KronOuter, ...]

    def __init__(self, terms: tuple[KronOuter, ...]):
        self._setup((tuple(terms),), new_shape(*terms[0].shape))

    def _code_for(self, p) -> tuple[str, int]:
        if p.target.name == "numpy" and len({t.swap for t in self.terms}) == 1:
            return _kron_sum(p, self.terms)
        first, *rest = self.terms
        out = p._temporary()
        p.assignments.append((out, first._code_for(p)[0]))
        for t in rest:
            negative = t.coeff.could_extract_minus_sign()
            code = t._code_for(p, -t.coeff if negative else t.coeff)[0]
            p.assignments.append((out + (" -" if negative else " +"), code))
        return out, ATOM


def _const(c: sympy.Expr) -> Expr:
    from matdiff_magic.tree import nodes as N

    return N.Const(c)


def _contiguous(p, e: Expr) -> str:
    from matdiff_magic.tree import nodes as N

    code = p.operand(e, ATOM)
    if not isinstance(e, N.Transpose):
        return code
    if p.target.name == "numpy":
        return f"np.ascontiguousarray({code})"
    if p.target.name == "torch":
        return f"{code}.contiguous()"
    return code


def _kron_sum(p, terms: tuple[KronOuter, ...]) -> tuple[str, int]:
    p.helpers.add("_kron_sum")
    ps = []
    for t in terms:
        if t.coeff == 1:
            ps.append(p._print(t.left)[0])
        elif t.coeff == -1:
            ps.append("-" + p.operand(t.left, MUL + 1))
        else:
            ps.append(p.operand(_const(t.coeff), MUL) + " * " + p.operand(t.left, MUL + 1))
    qs = [p._print(t.right)[0] for t in terms]
    pairs = "(" + ", ".join(ps) + ",), (" + ", ".join(qs) + ",)"
    return f"_kron_sum({pairs}, {terms[0].swap})", ATOM
