"""The compound productions of the generator and the shape rules they follow.

Each method builds one kind of node from random children (``self.gen``) and records what is
known of its values by construction (``pos``, ``wc``, ``bnd``; see :mod:`.ast`).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

from matdiff_magic.testing.fuzz.ast import ONE, SCALAR, Dim, Node, Shape, Variable, dmul

POS_LITERALS = ["1", "2", "3", "0.5", "0.1", "0.25", "1.5", "1/2", "3/2", "1/4", "2/3"]
SMALL_LITERALS = ["0.5", "0.1", "0.25", "1/2", "1/4", "1/3", "2", "1", "3/2"]
MAX_ENTRIES = 400  # no intermediate larger than this many entries


def _n(op: str, shape: Shape, *args: Node, **kw: object) -> Node:
    return Node(op, shape, tuple(args), **kw)  # type: ignore[arg-type]


def transpose_shape(shape: Shape) -> Shape:
    return (shape[1], shape[0])


class Compounds:
    """Mixed into the generator, which supplies ``gen``, ``leaf``, ``split`` and the sizes."""

    rng: random.Random
    atoms: list[Dim]
    variables: list[Variable]

    def gen(self, shape: Shape, depth: int, need: str = "any", top: bool = False) -> Node:
        raise NotImplementedError

    def style(self) -> int:
        return self.rng.randrange(1000)

    def dim(self, one: float = 0.25) -> Dim:
        return ONE if self.rng.random() < one else self.rng.choice(self.atoms)

    def num(self, table: list[str]) -> Node:
        val = self.rng.choice(table)
        return _n("num", SCALAR, val=val, pos=Fraction(val) > 0, bnd=abs(Fraction(val)) <= 3)

    def entries(self, shape: Shape) -> int:
        raise NotImplementedError

    def split(self, shape: Shape) -> tuple[tuple[Shape, Shape], bool]:
        raise NotImplementedError

    def call(self, name: str, arg: Node, pos: bool = False, wc: bool = False, bnd: bool = False
             ) -> Node:
        shape = _call_shape(name, arg.shape)
        return _n("call", shape, arg, val=name, style=self.style(), pos=pos, wc=wc, bnd=bnd)

    def unary(self, op: str, a: Node) -> Node:
        return _n(op, a.shape, a, style=self.style(), pos=op == "plus" and a.pos, bnd=a.bnd)

    def commuted(self, r: tuple, d: int, need: str) -> Node:
        """K_(m,n) vec(A) = vec(Aᵀ): the commutation matrix as the printer writes it. The
        variables under vec are declared: A's m·n entries cannot tell inference m from n."""
        k = _n("K", (r, r), val=f"{r[0]},{r[1]}", pos=True, bnd=True)
        arg = self.gen((r[:1], r[1:]), d - 1, need)
        self.declare({n.val for n in arg.walk() if n.op == "var"})
        return self.binary("mul", k, self.call("vec", arg, **_flags(need)))

    def unvecced(self, shape: Shape, d: int, need: str) -> Node:
        """unvec(v, m, n): an m×n matrix from a column of length m·n, its sizes written (as
        ``unvec_m×n(v)`` or ``unvec(v, m, n)``); the variables under it are declared, as under
        vec."""
        (m,), (k,) = shape
        arg = self.gen((dmul((m,), (k,)), ONE), d - 1, need)  # sizes in canonical order
        self.declare({n.val for n in arg.walk() if n.op == "var"})
        return _n("unvec", shape, arg, val=f"{m},{k}", pos=arg.pos, bnd=arg.bnd)

    def declare(self, names: set[str]) -> None:
        """Never leave these variables to inference (see ``Case.declared_how``: odd styles)."""
        self.variables[:] = [
            replace(v, style=v.style | 1) if v.name in names else v for v in self.variables
        ]

    def binary(self, op: str, a: Node, b: Node) -> Node:
        shape = binary_shape(op, a.shape, b.shape)
        pos = {
            "add": a.pos and b.pos,
            "mul": a.pos and b.pos,
            "had": a.pos and b.pos,
            "hdiv": a.pos and b.pos,
            "div": a.pos and b.pos,
            "kron": a.pos and b.pos,
            "khatri_rao": a.pos and b.pos,
        }.get(op, False)
        scale = a.shape == SCALAR and a.pos
        wc = (op in ("mul", "kron") and (a.wc or scale) and b.wc) and shape[0] != ONE
        scaling = op == "mul" and SCALAR in (a.shape, b.shape)
        bnd = (op in ("add", "sub", "had") or scaling) and a.bnd and b.bnd
        return _n(op, shape, a, b, style=self.style(), pos=pos, wc=wc, bnd=bnd)

    def scaled(self, shape: Shape, d: int, need: str) -> Node:
        sub = need if need != "wc" else "pos"
        if need == "bnd":
            s = self.num(SMALL_LITERALS[:5])
        else:
            s = self.gen(SCALAR, d - 1, sub)
        body = self.gen(shape, d - 1, need)
        op = self.rng.choice(["mul", "mul", "had"])
        return self.binary(op, s, body) if self.rng.random() < 0.7 else self.binary(op, body, s)

    def square(self, shape: Shape, d: int) -> Node:
        """Entrywise square of anything (non-negative)."""
        a = self.gen(shape, d - 1)
        if self.rng.random() < 0.5:
            return _n("hpow", shape, a, val="2", style=self.style())
        return self.binary("had", a, a)

    def hpow(self, shape: Shape, d: int, need: str) -> Node:
        if need == "pos" or self.rng.random() < 0.5:
            base = self.gen(shape, d - 1, "pos")
            k = self.rng.choice(["1/2", "-1", "3/2", "2", "-1/2", "0.5", "3"])
        else:
            base = self.gen(shape, d - 1)
            k = self.rng.choice(["2", "3"])
        return _n("hpow", shape, base, val=k, style=self.style(), pos=base.pos)

    def spow(self, d: int, need: str) -> Node:
        if need == "pos" or self.rng.random() < 0.5:
            base = self.gen(SCALAR, d - 1, "pos")
            k = self.rng.choice(["1/2", "-1", "3/2", "2", "-2", "0.5", "3", "-1/2"])
        else:
            base = self.gen(SCALAR, d - 1)
            k = self.rng.choice(["2", "3"])
        return _n("spow", SCALAR, base, val=k, style=self.style(), pos=base.pos)

    def epow(self, d: int) -> Node:
        base = self.gen(SCALAR, d - 1, "pos")
        expo = self.gen(SCALAR, d - 1, "bnd")
        return _n("epow", SCALAR, base, expo, style=self.style(), pos=True)

    def matmul(self, shape: Shape, d: int, need: str) -> Node:
        r, c = shape
        sub = "pos" if need == "pos" else "any"
        for _ in range(10):
            k = self.dim(0.25)
            if self.entries((r, k)) <= MAX_ENTRIES and self.entries((k, c)) <= MAX_ENTRIES:
                break
        else:
            k = ONE
        if (r, k) == SCALAR or (k, c) == SCALAR:
            k = self.rng.choice(self.atoms)  # no hidden scaling: both factors are matrices
        a = self.gen((r, k), d - 1, sub)
        b = self.gen((k, c), self.rng.randrange(d), sub)
        return self.binary("mul", a, b)

    def transposed(self, shape: Shape, d: int, need: str) -> Node:
        a = self.gen((shape[1], shape[0]), d - 1, need)
        if a.op == "num":
            return a  # 1' is the ones vector 1ᵀ, not the number 1: never transpose a literal
        return _n("T", shape, a, style=self.style(), pos=a.pos, wc=a.wc, bnd=a.bnd)

    def kron(self, shape: Shape, d: int, need: str) -> Node:
        (sa, sb), ok = self.split(shape)
        sub = "pos" if need == "pos" else ("bnd" if need == "bnd" else "any")
        r, c = shape
        if self.rng.random() < 0.25:
            # the column-wise Kronecker (Khatri–Rao) product A ∗ B of A r0×c and B r'×c (r0
            # or r' may be 1: a row scales the columns)
            cut = self.rng.randrange(len(r) + 1)
            sa, sb = (r[:cut], c), (r[cut:], c)
            a, b = self.gen(sa, d - 1, sub), self.gen(sb, d - 1, sub)
            node = self.binary("khatri_rao", a, b)
            return Node(node.op, node.shape, node.args, node.val, node.style, node.pos,
                        node.wc, node.bnd or need == "bnd")
        a, b = self.gen(sa, d - 1, sub), self.gen(sb, d - 1, sub)
        node = self.binary("kron", a, b)
        return Node(node.op, node.shape, node.args, node.val, node.style, node.pos, node.wc,
                    node.bnd or need == "bnd")

    def with_identity(self, shape: Shape, d: int) -> Node:
        a = self.gen(shape, d - 1)
        ident = _n("I", shape, style=self.style())
        if self.rng.random() < 0.5:
            return self.binary("add", ident, a)
        return self.binary("sub", a, ident)

    def identity_plus(self, shape: Shape, d: int) -> Node:
        """I + c G' G or G G' + I: symmetric positive definite, so well conditioned."""
        r = shape[0]
        k = self.rng.choice(self.atoms + [ONE])
        if self.rng.random() < 0.5:
            gm = self.gen((k, r), d - 1, "bnd")
            gram = self.binary("mul", self.unary_t(gm), gm)
        else:
            gm = self.gen((r, k), d - 1, "bnd")
            gram = self.binary("mul", gm, self.unary_t(gm))
        if self.rng.random() < 0.6:
            gram = self.binary("mul", self.num(["0.1", "1/4", "0.5", "1", "2"]), gram)
        ident = _n("I", shape, style=self.style())
        pair = (ident, gram) if self.rng.random() < 0.5 else (gram, ident)
        node = self.binary("add", *pair)
        return Node(node.op, shape, node.args, style=node.style, wc=True)

    def matrix_function_productions(self, shape: Shape, d: int, add: Callable) -> None:
        """expm of a small matrix; logm, sqrtm, X^(1/3) of I + G Gᵀ (eigenvalues ≥ 1, so on
        the principal branch); kept light (SciPy is slow next to the rest)."""
        g = self.gen
        small = lambda: self.binary("mul", self.num(["0.1", "1/4"]), g(shape, d - 1, "bnd"))
        add(0.15, lambda: self.call("expm", small()))
        add(0.15, lambda: self.call("logm", self.identity_plus(shape, d)))
        add(0.15, lambda: self.call("sqrtm", self.identity_plus(shape, d)))
        power = lambda: _n("mpow", shape, self.identity_plus(shape, d),
                           val=self.rng.choice(["1/2", "1/3", "-1/2"]), style=self.style())
        add(0.1, power)
        # L_f(X, E) as typed, linear in E; by a variable inside X it needs the second Fréchet
        # derivative (a clear "not supported yet", counted as unsupported)
        add(0.45, lambda: self.frechet(shape, d, small))

    def frechet(self, shape: Shape, d: int, small: Callable[[], Node]) -> Node:
        kind = self.rng.choice(["exp", "log", "sqrt", "pow:1/3", "pow:-1/2"])
        x = small() if kind == "exp" else self.identity_plus(shape, d)
        return _n("frechet", shape, x, self.gen(shape, d - 1, "bnd"), val=kind, bnd=True)

    def unary_t(self, a: Node) -> Node:
        return _n("T", transpose_shape(a.shape), a, style=self.style(), pos=a.pos, bnd=a.bnd)

    def mpow(self, shape: Shape, d: int, need: str) -> Node:
        if need == "wc" or self.rng.random() < 0.4:
            base = self.gen(shape, d - 1, "wc")
            k = self.rng.choice(["2", "-1", "-2", "3"])
        else:
            base = self.gen(shape, d - 1, "bnd")
            k = self.rng.choice(["2", "2", "3"])
        return _n("mpow", shape, base, val=k, style=self.style(), wc=base.wc)

    def inverse(self, shape: Shape, d: int) -> Node:
        a = self.gen(shape, d - 1, "wc")
        op = "invT" if self.rng.random() < 0.25 else "inv"
        return _n(op, shape, a, style=self.style(), wc=True)



def positive(n: Node) -> Node:
    """The node, known positive (e.g. a square plus something positive)."""
    return Node(n.op, n.shape, n.args, n.val, n.style, True, n.wc, n.bnd)


def _minus(d: Dim, part: Dim) -> Dim:
    rest = list(d)
    for a in part:
        rest.remove(a)
    return tuple(rest)


def _flags(need: str) -> dict[str, bool]:
    return {"pos": need == "pos", "bnd": need == "bnd"}


def _meets(n: Node, need: str) -> bool:
    return need == "any" or (need == "pos" and n.pos) or (need == "wc" and n.wc) or (
        need == "bnd" and n.bnd
    )


SPECTRAL = ("lambda_max", "lambda_min", "sigma_max", "norm_nuc")


def _call_shape(name: str, shape: Shape) -> Shape:
    r, c = shape
    if name in ("tr", "det", "logdet", "sum", "norm", "mean", *SPECTRAL):
        return SCALAR
    if name == "logsumexp":  # of a vector one value; of a matrix one per column
        return (ONE, c) if r != ONE and c != ONE else SCALAR
    if name == "vec":
        return (dmul(r, c), ONE)
    if name == "diag":
        return (r, r) if c == ONE else (r, ONE)
    return shape


def binary_shape(op: str, a: Shape, b: Shape) -> Shape:
    if op == "kron":
        return (dmul(a[0], b[0]), dmul(a[1], b[1]))
    if op == "khatri_rao":
        return (dmul(a[0], b[0]), a[1])
    if op == "mul":
        if a == SCALAR:
            return b
        if b == SCALAR:
            return a
        assert a[1] == b[0], (a, b)
        return (a[0], b[1])
    if a == SCALAR:
        return b
    if b == SCALAR or a == b:
        return a
    raise AssertionError((op, a, b))


