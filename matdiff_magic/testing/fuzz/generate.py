"""Random well-typed cases of the matdiff language, built bottom-up with explicit shapes.

``gen(shape, depth, need)`` returns a node of exactly that shape; ``need`` is what the parent
requires of its values: "any", "pos" (entries > 0, for log, sqrt, ./, fractional powers),
"bnd" (moderate entries, for exp) or "wc" (a well-conditioned square matrix with a positive
determinant, for inv, det, logdet and negative powers). Every production keeps these promises
by construction, so every generated case is valid input whose function is smooth at the random
points the runner picks (square variables near I, ``positive`` variables in (0.5, 1.5)).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from matdiff_magic.testing.fuzz import ast as A
from matdiff_magic.testing.fuzz.ast import ONE, SCALAR, Dim, Node, Shape, Variable
from matdiff_magic.testing.fuzz.case import Case
from matdiff_magic.testing.fuzz.compound import (
    MAX_ENTRIES,
    POS_LITERALS,
    SMALL_LITERALS,
    Compounds,
    _flags,
    _meets,
    _minus,
    _n,
    positive,
    transpose_shape,
)

Production = Callable[[], Node]


class Generator(Compounds):
    def __init__(self, seed: int, depth: int = 6, numeric_sizes: bool = True) -> None:
        self.rng = random.Random(seed)
        # facts are drawn apart, so a seed's case without one is the case it always was
        self.fact_rng = random.Random(seed * 7919 + 17)
        self.seed = seed
        self.max_depth = depth
        rng = self.rng
        k = rng.choice([2, 2, 3, 3, 3, 4, 4, 5])
        names = rng.sample(A.SIZE_NAMES, k)
        values = rng.sample([2, 3, 4, 5, 6], k)
        if numeric_sizes and rng.random() < 0.15:
            names[-1] = str(values[-1])  # a numeric size, e.g. vector(4)
        self.sizes = dict(zip(names, values, strict=True))
        self.atoms: list[Dim] = [(a,) for a in names]
        self.variables: list[Variable] = []
        self.definitions: list[tuple[str, Node]] = []
        self.budget = 0

    # -- helpers --------------------------------------------------------------------------------
    def size(self, d: Dim) -> int:
        out = 1
        for a in d:
            out *= self.sizes[a]
        return out

    def entries(self, shape: Shape) -> int:
        return self.size(shape[0]) * self.size(shape[1])

    def var_node(self, v: Variable) -> Node:
        wc = v.near_identity
        return _n("var", v.shape, val=v.name, pos=v.positive, wc=wc, bnd=True)

    def new_variable(self, shape: Shape, positive: bool, force: bool = False) -> Variable | None:
        r, c = shape
        if len(r) > 1 or len(c) > 1 or (len(self.variables) >= A.MAX_VARIABLES and not force):
            return None
        if shape == SCALAR:
            kind = "scalar"
        elif c == ONE:
            kind = "vector"
            if not positive and self.size(r) > 1 and self.fact_rng.random() < A.FACT_RATE:
                # now and then a declared fact (onehot, simplex, pm1): the result may use it
                kind = self.fact_rng.choice(A.FACTS)
        elif r == ONE:
            return None  # rows are transposed vectors
        elif r == c and not positive and self.rng.random() < 0.35:
            # now and then symmetric positive definite (spd(n): logdet and inv always defined)
            kind = "spd" if self.rng.random() < 0.15 else "symmetric"
        else:
            kind = "matrix"
        taken = {v.name for v in self.variables}
        pool = A.VAR_NAMES["vector" if kind in A.FACTS else kind]
        free = [name for name in pool if name not in taken]
        if not free and force:
            free = [f"{pool[0]}{i}" for i in range(1, 20)]
            free = [name for name in free if name not in taken]
        if not free:
            return None
        v = Variable(self.rng.choice(free), kind, shape, positive, self.style())
        self.variables.append(v)
        return v

    # -- leaves ----------------------------------------------------------------------------------
    def leaf(self, shape: Shape, need: str) -> Node:
        rng = self.rng
        options: list[Node] = []
        for v in self.variables:
            node = self.var_node(v)
            if v.shape == shape:
                options.append(node)
            elif v.kind != "scalar" and transpose_shape(v.shape) == shape and need != "wc":
                t = _n("T", shape, node, style=self.style(), pos=v.positive, wc=node.wc, bnd=True)
                options.append(t)
        for name, d in self.definitions:
            if d.shape == shape:
                options.append(_n("var", shape, val=name, pos=d.pos, wc=d.wc, bnd=d.bnd))
        options = [o for o in options if _meets(o, need)]
        if shape == SCALAR and need != "wc" and rng.random() < 0.4:
            return self.num(POS_LITERALS if need == "pos" else SMALL_LITERALS)
        if options and rng.random() < 0.8:
            return rng.choice(options)
        v = self.new_variable(shape, need == "pos")
        if v is not None and _meets(self.var_node(v), need):
            return self.var_node(v)
        if options:
            return rng.choice(options)
        if shape[0] == ONE and len(shape[1]) == 1 and need != "wc":  # a row: x'
            inner = self.leaf(transpose_shape(shape), need)
            return _n("T", shape, inner, style=self.style(), pos=inner.pos, bnd=inner.bnd)
        if shape == SCALAR:
            return self.num(POS_LITERALS)
        if len(shape[0]) == 1 and len(shape[1]) <= 1:
            v = self.new_variable(shape, need == "pos", force=True)
            assert v is not None and _meets(self.var_node(v), need), (shape, need)
            return self.var_node(v)
        return self.composite_leaf(shape, need)

    def composite_leaf(self, shape: Shape, need: str) -> Node:
        """A leaf-like node for shapes no variable has (products of sizes), or 'wc' needs."""
        r, c = shape
        if need == "wc":
            return self.identity_plus(shape, 0)
        if c == ONE and len(r) == 2:  # vec of an r0×r1 matrix
            inner = self.leaf(((r[0],), (r[1],)), need)
            return _n("call", shape, inner, val="vec", pos=inner.pos, bnd=inner.bnd)
        left, right = self.split(shape)
        a, b = self.leaf(left[0], need), self.leaf(left[1], need)
        del right
        return _n("kron", shape, a, b, style=self.style(), pos=a.pos and b.pos, bnd=True)

    def split(self, shape: Shape) -> tuple[tuple[Shape, Shape], bool]:
        """Shapes (A, B) with kron(A, B) of this shape (random; each factor not 1×1)."""
        r, c = shape
        for _ in range(20):
            ra = tuple(sorted(a for a in r if self.rng.random() < 0.5))
            ca = tuple(sorted(a for a in c if self.rng.random() < 0.5))
            rb, cb = _minus(r, ra), _minus(c, ca)
            if (ra, ca) != SCALAR and (rb, cb) != SCALAR:
                return ((ra, ca), (rb, cb)), True
        return ((r, ONE), (ONE, c)), False

    # -- the grammar -----------------------------------------------------------------------------
    def gen(self, shape: Shape, depth: int, need: str = "any", top: bool = False) -> Node:
        self.budget -= 1
        if depth <= 0 or (not top and (self.budget <= 0 or self.rng.random() < 0.12)):
            return self.leaf(shape, need)
        options = self.productions(shape, depth, need)
        weights = [w for w, _ in options]
        _, make = self.rng.choices(options, weights)[0]
        node = make()
        assert node.shape == shape, (node.op, node.shape, shape)
        assert _meets(node, need), (node.op, need)
        return node

    def productions(self, shape: Shape, d: int, need: str) -> list[tuple[float, Production]]:
        rng, g = self.rng, self.gen
        r, c = shape
        scalar, square = shape == SCALAR, r == c and r != ONE
        st = self.style
        out: list[tuple[float, Production]] = []

        def add(w: float, f: Production) -> None:
            out.append((w, f))

        if need == "wc":
            return self.wc_productions(shape, d)
        # Entrywise functions.
        if need != "pos":
            for name in ("sin", "cos", "tanh"):
                add(1, lambda name=name: self.call(name, g(shape, d - 1), bnd=True))
        add(1.5, lambda: self.call("sigmoid", g(shape, d - 1), pos=True, bnd=True))
        if need != "bnd":
            add(2, lambda: self.call("exp", g(shape, d - 1, "bnd"), pos=True))
        if not scalar and self.size(r) > 1 and (c == ONE or r != ONE):
            # of a column, or of each column of a matrix (a batch)
            add(1.5, lambda: self.call("softmax", g(shape, d - 1), pos=True, bnd=True))
        if r == ONE and c != ONE and need != "pos":  # a row: logsumexp of each column
            def batch_lse() -> Node:
                rows = self.dim(0.0)
                return self.call("logsumexp", g((rows, c), d - 1, "bnd"), bnd=True)

            add(0.5, batch_lse)
        self.function_productions(shape, d, need, add)
        add(1, lambda: self.call("sqrt", g(shape, d - 1, "pos"), pos=True, bnd=need == "bnd"))
        if need == "any":
            add(1, lambda: self.call("log", g(shape, d - 1, "pos")))
        # Sums, products, entrywise algebra.
        sub = "bnd" if need == "bnd" else need
        add(2.5, lambda: self.binary("add", g(shape, d - 1, sub), g(shape, rng.randrange(d), sub)))
        if need != "pos":
            add(1.5, lambda: self.binary("sub", g(shape, d - 1, sub),
                                         g(shape, rng.randrange(d), sub)))
            add(1, lambda: self.unary("neg", g(shape, d - 1, sub)))
        if not scalar:
            add(1, lambda: self.binary("add", g(SCALAR, d - 1, sub), g(shape, d - 1, sub)))
            add(1, lambda: self.binary("had", g(shape, d - 1, sub), g(shape, d - 1, sub)))
            add(1.5, lambda: self.scaled(shape, d, need))
        if need == "pos":
            add(2, lambda: positive(self.binary("add", self.square(shape, d),
                                                g(shape, d - 1, "pos"))))
        add(0.3, lambda: self.unary("plus", g(shape, d - 1, need)))
        if need != "bnd":
            add(1.5, lambda: self.binary("hdiv", g(shape, d - 1, need), g(shape, d - 1, "pos")))
            add(1, lambda: self.hpow(shape, d, need))
            if need != "pos" or scalar or (self.entries(shape) < 40):
                add(3 if need != "pos" else 1, lambda: self.matmul(shape, d, need))
            add(0.7, lambda: self.binary("div", g(shape, d - 1, need), g(SCALAR, d - 1, "pos")))
        add(1.5, lambda: self.transposed(shape, d, need))
        if len(r) + len(c) >= 2 and self.entries(shape) <= MAX_ENTRIES:
            add(0.8, lambda: self.kron(shape, d, need))
        if c == ONE and len(r) == 2:
            add(1.5, lambda: self.call("vec", g((r[:1], r[1:]), d - 1, need), **_flags(need)))
            if need != "wc":
                add(0.3, lambda: self.commuted(r, d, need))
        if len(r) == 1 and len(c) == 1 and r != c and need in ("any", "bnd", "pos"):
            add(0.3, lambda: self.unvecced(shape, d, need))
        if c == ONE and len(r) == 1:
            add(0.6, lambda: self.call("vec", g((ONE, r), d - 1, need), **_flags(need)))
            add(1, lambda: self.call("diag", g((r, r), d - 1, need), **_flags(need)))
        if square and len(r) == 1 and need != "pos":
            add(1, lambda: self.call("diag", g((r, ONE), d - 1, need), **_flags(need)))
        if square and need == "any":
            self.matrix_function_productions(shape, d, add)
            add(1.5, lambda: self.with_identity(shape, d))
            add(1.5, lambda: self.mpow(shape, d, need))
            add(2, lambda: self.inverse(shape, d))
        if scalar:
            self.scalar_productions(d, need, add)
        del st
        return out

    def function_productions(self, shape: Shape, d: int, need: str, add: Callable) -> None:
        """The entrywise functions added with the one-row-per-operation redesign (abs, relu,
        max/min ...), kept light so the older productions keep their share."""
        g = self.gen
        sub = "bnd" if need == "bnd" else "any"  # bounded in, bounded out
        add(0.5, lambda: self.call("softplus", g(shape, d - 1, sub), pos=True, bnd=need == "bnd"))
        add(0.3, lambda: self.call("cosh", g(shape, d - 1, "bnd"), pos=True, bnd=True))
        if need != "pos":
            add(0.4, lambda: self.call("arctan", g(shape, d - 1), bnd=True))
            add(0.3, lambda: self.call("tan", g(shape, d - 1, "bnd"), bnd=True))
            add(0.3, lambda: self.call("sinh", g(shape, d - 1, "bnd"), bnd=True))
            add(0.5, lambda: self.call("abs", g(shape, d - 1, sub), bnd=need == "bnd"))
            add(0.5, lambda: self.call("relu", g(shape, d - 1, sub), bnd=need == "bnd"))
            add(0.2, lambda: self.call("sign", g(shape, d - 1), bnd=True))
            add(0.2, lambda: self.call("step", g(shape, d - 1), bnd=True))
            add(0.3, lambda: self.call("expm1", g(shape, d - 1, "bnd"), bnd=True))
        r, c = shape
        if len(r) == 1 and len(c) <= 1 and need in ("any", "bnd"):  # ones(n), ones(m, n)
            ones = _n("ones", shape, pos=True, bnd=True)
            add(0.3, lambda: self.binary("add", g(shape, d - 1, sub), ones))
        if need == "any":
            for op in ("max", "min"):  # a scalar on either side: max(0, ·) and max(·, 0)
                o, turn = self.either(shape), -1 if self.rng.random() < 0.5 else 1
                add(0.3, lambda op=op, o=o, t=turn: self.binary(
                    op, *(g(shape, d - 1), g(o, d - 1))[::t]))  # fmt: skip
            add(0.4, lambda: self.call("log1p", g(shape, d - 1, "pos")))

    def either(self, shape: Shape) -> Shape:
        """The shape itself, or a scalar (which max and min broadcast)."""
        return SCALAR if self.rng.random() < 0.4 else shape

    def scalar_productions(self, d: int, need: str, add: Callable) -> None:
        g, rng = self.gen, self.rng

        def any_shape() -> Shape:
            return (self.dim(0.1), self.dim(0.5))

        def square() -> Shape:
            a = rng.choice(self.atoms)
            return (a, a)

        def vector_shape() -> Shape:  # logsumexp of a matrix is a row: a vector gives a scalar
            r, c = any_shape()
            return (r, ONE) if r != ONE and c != ONE else (r, c)

        add(1.5, lambda: self.call("sum", g(any_shape(), d - 1, need), **_flags(need)))
        if len(self.atoms) >= 2 and need != "wc":  # a sum over K_(m,n) vec(A)
            first, second = rng.sample(self.atoms, 2)
            pair = tuple(sorted(first + second))
            add(0.3, lambda: self.call("sum", self.commuted(pair, d, need), **_flags(need)))
        if need != "bnd":
            add(1, lambda: self.call("det", self.gen(square(), d - 1, "wc"), pos=True))
        if need != "pos":
            sub = "bnd" if need == "bnd" else "any"
            add(1, lambda: self.call("tr", g(square(), d - 1, sub), bnd=need == "bnd"))
            add(1, lambda: self.call("logsumexp", g(vector_shape(), d - 1, "bnd"), bnd=True))
            add(0.5, lambda: self.call("mean", g(any_shape(), d - 1, "bnd"), bnd=True))
            add(1, lambda: self.call("logdet", g(square(), d - 1, "wc"), bnd=True))
            add(1.5, lambda: self.call("norm", g(any_shape(), d - 1, "bnd"), bnd=True))
            for name in ("lambda_max", "lambda_min"):
                add(0.1, lambda name=name: self.call(name, g(square(), d - 1, "bnd"), bnd=True))
            for name in ("sigma_max", "norm_nuc"):
                add(0.1, lambda name=name: self.call(name, g(any_shape(), d - 1, "bnd"), bnd=True))
        else:
            norm = lambda: self.call("norm", g(any_shape(), d - 1, "bnd"))
            add(1.5, lambda: positive(self.binary("add", norm(), self.num(POS_LITERALS))))
        if need != "bnd":
            add(1, lambda: self.spow(d, need))
            add(0.6, lambda: self.epow(d))

    def wc_productions(self, shape: Shape, d: int) -> list[tuple[float, Production]]:
        g = self.gen
        r = shape[0]
        out: list[tuple[float, Production]] = [
            (2, lambda: self.leaf(shape, "wc")),
            (2, lambda: self.identity_plus(shape, d)),
            (1, lambda: self.inverse(shape, d)),
            (1, lambda: self.transposed(shape, d, "wc")),
            (0.7, lambda: self.binary("mul", g(shape, d - 1, "wc"), g(shape, d - 1, "wc"))),
            (0.7, lambda: self.mpow(shape, d, "wc")),
            (0.5, lambda: self.binary("mul", self.num(POS_LITERALS), g(shape, d - 1, "wc"))),
        ]
        if len(r) == 1:
            vec = lambda: self.binary("add", g((r, ONE), d - 1, "pos"), self.num(["1", "2"]))
            out.append((0.5, lambda: self.call("diag", vec(), wc=True, pos=False)))
        if len(r) == 2 and self.entries(shape) <= MAX_ENTRIES:
            a, b = (r[:1], r[:1]), (r[1:], r[1:])
            out.append((1, lambda: self.binary("kron", g(a, d - 1, "wc"), g(b, d - 1, "wc"))))
        return out


def generate(
    seed: int, depth: int = 6, definitions: bool = True, numeric_sizes: bool = True
) -> Case:
    """A random case: declarations, up to two definitions, and the function (depth ≤ depth)."""
    for attempt in range(100):
        case = _generate(seed, depth, definitions, numeric_sizes, attempt)
        if case.depends()[0]:
            return case
    raise AssertionError(f"no case depending on a variable for seed {seed}")


def _generate(seed: int, depth: int, definitions: bool, numeric_sizes: bool, attempt: int
              ) -> Case:
    gen = Generator(seed * 1000 + attempt if attempt else seed, depth, numeric_sizes)
    rng = gen.rng
    d = rng.randint(1, depth)
    ndefs = rng.choice([0, 0, 1, 1, 1, 2, 2, 3]) if definitions and d >= 2 else 0
    for name in A.DEF_NAMES[:ndefs]:
        shape = rng.choice([SCALAR, (gen.dim(0), ONE), (gen.dim(0), gen.dim(0))])
        gen.budget = 8 + 2 * d
        node = gen.gen(shape, rng.randint(1, max(1, d - 1)), top=True)
        gen.definitions.append((name, node))
    r = rng.random()
    if r < 0.5:
        shape = SCALAR
    elif r < 0.7:
        shape = (gen.dim(0), ONE)
    elif r < 0.77:
        shape = (ONE, gen.dim(0))
    else:
        shape = (gen.dim(0), gen.dim(0))
    gen.budget = 10 + 4 * d
    function = gen.gen(shape, d, top=True)
    # The function uses the last definition (otherwise the definition would be pointless).
    if gen.definitions and not any(n.op == "var" and n.val == gen.definitions[-1][0]
                                   for n in function.walk()):
        name, node = gen.definitions[-1]
        ref = Node("var", node.shape, val=name, pos=node.pos, wc=node.wc, bnd=node.bnd)
        function = _attach(gen, function, ref)
    taken = {v.name for v in gen.variables}
    fname = None
    if rng.random() < 0.3:
        fname = {True: "f", False: rng.choice(["F", "Y"])}[shape == SCALAR]
        fname = fname if fname not in taken else None
    rng.shuffle(gen.variables)
    return Case(seed, gen.sizes, gen.variables, gen.definitions, function, fname,
                gen.style(), depth)


def _attach(gen: Generator, f: Node, ref: Node) -> Node:
    """f combined with ref (a definition) into a node of f's shape."""
    rng = gen.rng
    if ref.shape == f.shape or ref.shape == SCALAR:
        op = rng.choice(["add", "sub", "mul"] if ref.shape == SCALAR else ["add", "sub", "had"])
        if op == "mul":
            return gen.binary("mul", gen.call("sin", ref, bnd=True), f)
        return gen.binary(op, f, ref)
    # Reduce the reference to a scalar, then scale f by a bounded function of it.
    vector = ONE in ref.shape  # logsumexp of a matrix is a row, not a scalar
    s = gen.call(rng.choice(["sum", "norm", "mean"] + ["logsumexp"] * vector), ref, bnd=True)
    return gen.binary("mul", gen.call(rng.choice(["sin", "tanh", "sigmoid"]), s, bnd=True), f)
