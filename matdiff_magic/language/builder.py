"""From syntax to a typed tree: declarations and the language's meaning of each construct.

Sizes of undeclared names are inferred by unification while the tree is built (a ``Unifier``
is active, so node constructors unify instead of compare); :mod:`problem` names them after.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

from matdiff_magic import dims
from matdiff_magic.errors import ParseError, ShapeError, Span, UnsupportedError
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTIONS, MATRIX_POWER
from matdiff_magic.language.parser import Parser
from matdiff_magic.messages import Join, Msg
from matdiff_magic.tree import build as B
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr
from matdiff_magic.tree.nodes_leaves import SQUARE_STRUCTURES, VECTOR_FACTS

MAX_MATRIX_POWER = 64
_MATRIX_PRODUCTS = ("juxt", "*", "@")
ROW_NAMES = ["m", "p", "k", "r", "s", "t", "u", "v"]
COL_NAMES = ["n", "q", "l", "j", "w", "z", "a", "b"]


def parse_type(text: str) -> S.TypeSpec:
    """Parse a type such as ``"matrix(m, n)"`` or ``"R^{m×n}"`` (for the ``variables`` dict)."""
    parser = Parser(text)
    spec = parser.parse_type()
    if parser.tok.kind != "EOF":
        raise parser.error(Msg("build.after_type", token=parser.tok.describe()))
    return spec


class TreeBuilder:
    def __init__(
        self, source: str, unifier: dims.Unifier, free: frozenset[str] = frozenset()
    ) -> None:
        self.source = source
        self.free = free  # structured variables read as general matrices
        self.unifier = unifier
        self.vars: dict[str, N.Var] = {}
        self.declared: dict[str, str] = {}  # name -> how it was declared (for messages)
        self.auto: set[str] = set()
        self.defs: dict[str, tuple[N.Var, Expr, Span]] = {}
        self.def_order: list[str] = []
        # an answer may write a size as a number, as matdiff prints tr(I_n) = n: (𝟏ᵀ z + m)
        self.sizes_as_numbers = False

    # -- declarations -------------------------------------------------------------------------
    def declare(self, name: str, spec: S.TypeSpec, span: Span | None, source: str) -> None:
        # "_" leaves a size to inference: A: matrix(_, n) has n columns and as many rows as use
        # requires (the magic declares NumPy arrays from the namespace this way).
        shape_dims = [
            self.unifier.fresh(f"{'mn'[i] if len(spec.dims) > 1 else 'n'}_{name}")
            if d == "_"
            else dims.as_dim(d)
            for i, d in enumerate(spec.dims)
        ]
        if spec.kind == "scalar":
            var = N.Var(name, dims.ONE, dims.ONE)
        elif spec.kind == "vector":
            var = N.Var(name, shape_dims[0], dims.ONE)
        elif spec.kind in VECTOR_FACTS:
            # the variable of differentiation is read free (api.derive_outcome)
            fact = "" if name in self.free else spec.kind
            var = N.Var(name, shape_dims[0], dims.ONE, fact)
        elif spec.kind in SQUARE_STRUCTURES:
            structure = "" if name in self.free else spec.kind
            var = N.Var(name, shape_dims[0], shape_dims[0], structure)
        else:
            var = N.Var(name, shape_dims[0], shape_dims[1])
        described = _describe_spec(spec)
        if name in self.declared:
            if self.vars[name] != var:
                raise ParseError(
                    Msg(
                        "build.declared_twice",
                        name=name,
                        first=self.declared[name],
                        second=described,
                    ),
                    source=source,
                    span=span,
                )
            return
        if name in self.defs:
            raise ParseError(
                Msg("build.intermediate_declared", name=name), source=source, span=span
            )
        self.vars[name] = var
        self.declared[name] = described

    # -- names --------------------------------------------------------------------------------
    def name(self, node: S.Name) -> Expr:
        found = self.defs.get(node.name)
        if found is not None:
            return found[0]
        var = self.vars.get(node.name)
        if var is not None:
            return var
        if node.name == "I":
            return N.Identity(self.unifier.fresh("n_I"))
        size = self._size_named(node.name) if self.sizes_as_numbers else None
        if size is not None:
            return N.Const(size)
        first = node.name[0]
        if first.isupper():
            var = N.Var(
                node.name,
                self.unifier.fresh(f"m_{node.name}"),
                self.unifier.fresh(f"n_{node.name}"),
            )
        else:
            var = N.Var(node.name, self.unifier.fresh(f"n_{node.name}"), dims.ONE)
        self.vars[node.name] = var
        self.auto.add(node.name)
        return var

    def _size_named(self, name: str) -> sympy.Expr | None:
        """The size called ``name`` in a declared variable's shape (m of vector(m)), if any."""
        for var_name, var in self.vars.items():
            if var_name in self.auto:
                continue
            for d in (var.rows, var.cols):
                for symbol in getattr(d, "free_symbols", ()):
                    if str(symbol) == name:
                        return symbol
        return None

    # -- expressions --------------------------------------------------------------------------
    def text(self, node: S.Node) -> str:
        return self.source[node.span.start : node.span.end]

    def guarded(self, make: Callable[[], Expr], operands: tuple[S.Node, ...], span: Span) -> Expr:
        """Run a constructor; re-word its shape error with the operands as the user wrote them."""
        try:
            return make()
        except ShapeError as err:
            labels = tuple(self.text(op) for op in operands)
            err = N.relabel(err, labels) if hasattr(err, "operands") else err
            hint = self._hint(operands)
            if hint and not err.hints:
                err = err.evolve(hint=hint)
            raise err.located(self.source, span) from None

    def _hint(self, operands: tuple[S.Node, ...]) -> Msg | None:
        names = []
        for op in operands:
            text = self.text(op).strip("() ")
            if text in self.auto and text not in names:
                names.append(text)
        if not names:
            return None
        vectors = [n for n in names if not n[0].isupper()]
        matrices = [n for n in names if n[0].isupper()]
        parts = []
        for kind, group in (("vector", vectors), ("matrix", matrices)):
            if group:
                number = "one" if len(group) == 1 else "many"
                parts.append(Msg(f"hint.undeclared_{kind}.{number}", names=Join(group)))
        example = vectors[0] if vectors else matrices[0]
        return Msg("hint.undeclared", parts=Join(parts, "semicolon"), example=example)

    def build(self, node: S.Node) -> Expr:
        method = getattr(self, "_build_" + type(node).__name__)
        return method(node)

    def _build_Num(self, node: S.Num) -> Expr:
        return B.const(node.value)

    def _build_Name(self, node: S.Name) -> Expr:
        return self.name(node)

    def _build_Ones(self, node: S.Ones) -> Expr:
        # the ones vector 𝟏 (1' is its transpose): a column, its size inferred like I's
        return N.Ones(self.unifier.fresh("n_ones"), dims.ONE)

    def _build_Unary(self, node: S.Unary) -> Expr:
        operand = self.build(node.operand)
        return B.neg(operand) if node.op == "-" else operand

    def _build_Call(self, node: S.Call) -> Expr:
        spec = FUNCTIONS[node.func]
        # ones(m, n): the arguments are sizes, not expressions; unvec(v, m, n): some of them
        args: list[object] = [
            self._size(a)
            if spec.sizes is True or k in spec.size_args
            else a.value
            if isinstance(a, S.Text)
            else self.build(a)
            for k, a in enumerate(node.args)
        ]
        return self.guarded(lambda: spec.build(*args), node.args, node.span)

    def _build_Text(self, node: S.Text) -> Expr:
        raise ParseError(Msg("build.text_not_expression"), source=self.source, span=node.span)

    def _size(self, node: S.Node) -> sympy.Expr:
        """A size argument: a positive whole number, a size's name, or products, powers and
        sums of them as the printer writes them (``n²``, ``mn``, ``m_A·m_X``)."""
        if isinstance(node, S.Num) and node.value.denominator == 1 and node.value > 0:
            return sympy.Integer(int(node.value))
        if isinstance(node, S.Name):
            return self._size_name(node.name)
        products = (None, "*", "juxt")
        if isinstance(node, S.Product) and all(op in products for op, _, _ in node.items):
            return sympy.Mul(*[self._size(sub) for _, _, sub in node.items])
        if isinstance(node, S.Sum) and all(op in (None, "+") for op, _, _ in node.items):
            return sympy.Add(*[self._size(sub) for _, _, sub in node.items])
        if (
            isinstance(node, S.Postfix)
            and node.op == "pow"
            and isinstance(node.exponent, S.Num)
            and node.exponent.value.denominator == 1
            and node.exponent.value > 0
        ):
            return self._size(node.operand) ** int(node.exponent.value)
        raise ParseError(Msg("build.size_argument"), source=self.source, span=node.span)

    def _size_name(self, name: str) -> sympy.Expr:
        """``mn`` is the product m·n when m and n are sizes in use and mn is not (the printer
        writes products of one-letter sizes side by side)."""
        known = {str(s) for v in self.vars.values() for d in v.shape for s in d.free_symbols}
        if name not in known and len(name) > 1 and all(ch in known for ch in name):
            return sympy.Mul(*[dims.symbol(ch) for ch in name])
        return dims.symbol(name)

    def _build_Sum(self, node: S.Sum) -> Expr:
        terms: list[Expr] = []
        shape: dims.Shape | None = None
        start = node.items[0][2]
        for op, op_span, sub in node.items:
            term = self.build(sub)
            if op == "-":
                term = B.neg(term)
            if not term.is_scalar:
                if shape is None:
                    shape = term.shape
                elif not (dims.same(shape[0], term.rows) and dims.same(shape[1], term.cols)):
                    prefix = self.source[start.span.start : _before(node, sub).end]
                    template = "shape.add" if op == "+" else "shape.subtract"
                    err = N.shape_mismatch(
                        template,
                        (N.Zero(*shape), term),
                        f"{dims.shape_text(_resolved(shape))} ≠ "
                        f"{dims.shape_text(_resolved(term.shape))}",
                    )
                    err = N.relabel(err, (prefix, self.text(sub)))
                    raise err.evolve(
                        source=self.source,
                        span=op_span or sub.span,
                        hint=self._hint((start, sub)),
                    ) from None
            terms.append(term)
        if shape is not None:
            terms = [B.broadcast(t, *shape) if t.is_scalar else t for t in terms]
        return B.add(*terms)

    def _build_Product(self, node: S.Product) -> Expr:
        first = node.items[0][2]
        operands = [self.build(item) for _, _, item in node.items]
        ops = [op for op, _, _ in node.items[1:]]
        if ops and all(op in _MATRIX_PRODUCTS for op in ops):
            # One product of every factor (linear); it gives the same tree as multiplying in
            # turn, which is done only to point at the factor that does not fit.
            try:
                return B.matmul(*operands)
            except ShapeError:
                pass
        acc = operands[0]
        for (op, op_span, sub), rhs in zip(node.items[1:], operands[1:], strict=True):
            prefix = S.Num(first.span.join(_before(node, sub)), 0)  # a stand-in for its span
            make = self._product_maker(op, acc, rhs)
            acc = self.guarded(make, (prefix, sub), op_span if op != "juxt" else sub.span)
        return acc

    def _product_maker(self, op: str | None, a: Expr, b: Expr) -> Callable[[], Expr]:
        if op in ("juxt", "*", "@"):
            return lambda: B.mul(a, b)
        if op == ".*":
            return lambda: B.mul(a, b) if (a.is_scalar or b.is_scalar) else B.hadamard(a, b)
        if op == "./":

            def divide() -> Expr:
                if b.is_scalar:
                    return B.mul(a, B.power(b, B.const(-1)))
                if a.is_scalar:
                    return B.hadamard_div(B.broadcast(a, *b.shape), b)
                return B.hadamard_div(a, b)

            return divide
        if op == "/":

            def scalar_divide() -> Expr:
                if not b.is_scalar:
                    raise N.shape_mismatch("shape.divide", (a, b), Msg("shape.divisor_scalar"))
                return B.mul(a, B.power(b, B.const(-1)))

            return scalar_divide
        if op == "⊗":
            return lambda: B.kron(a, b)
        if op == "∗":
            return lambda: B.khatri_rao(a, b)
        raise AssertionError(op)

    def _build_Postfix(self, node: S.Postfix) -> Expr:
        base = self.build(node.operand)
        op = node.op
        if op == "T":
            return B.transpose(base)
        if op in ("inv", "invT"):
            inv = self.guarded(lambda: B.inverse(base), (node.operand,), node.op_span)
            return B.transpose(inv) if op == "invT" else inv
        assert node.exponent is not None
        exponent = self.build(node.exponent)
        if not exponent.is_scalar:
            raise ShapeError(
                Msg("build.exponent_scalar", exponent=self.text(node.exponent)),
                source=self.source,
                span=node.exponent.span,
            )
        if op == "hpow":
            k = _constant(exponent)
            if k is None:
                raise UnsupportedError(
                    Msg("build.entrywise_exponent"),
                    source=self.source,
                    span=node.exponent.span,
                )
            return B.hadamard_pow(base, k)
        if base.is_scalar:
            return B.power(base, exponent)
        k = _constant(exponent)
        if k is not None and not k.is_integer and MATRIX_POWER and dims.same(base.rows, base.cols):
            return MATRIX_POWER[0](base, k)  # X^(1/2), X^0.3: a real power of a square matrix
        if k is None or not k.is_integer:
            raise UnsupportedError(
                Msg("build.integer_power", exponent=self.text(node.exponent)),
                source=self.source,
                span=node.exponent.span,
            )
        if abs(int(k)) > MAX_MATRIX_POWER:
            raise UnsupportedError(
                Msg("build.power_limit", limit=MAX_MATRIX_POWER),
                source=self.source,
                span=node.exponent.span,
            )
        if not dims.same(base.rows, base.cols):
            err = N.shape_mismatch("shape.power", (base,), Msg("shape.not_square_power"))
            err = N.relabel(err, (self.text(node.operand),))
            raise err.located(self.source, node.op_span)
        return B.matpow(base, int(k))


def _constant(e: Expr) -> sympy.Expr | None:
    if isinstance(e, N.Const):
        return e.value
    if isinstance(e, N.Zero):
        return sympy.Integer(0)
    return None


def _before(node: S.Node, sub: S.Node) -> Span:
    """The span of everything in a chain before operand ``sub``."""
    items = node.items  # type: ignore[attr-defined]
    previous = None
    for _, _, item in items:
        if item is sub:
            break
        previous = item
    return previous.span if previous is not None else sub.span


def _resolved(shape: dims.Shape) -> dims.Shape:
    return (dims.resolve(shape[0]), dims.resolve(shape[1]))


def _describe_spec(spec: S.TypeSpec) -> str:
    if spec.kind == "scalar":
        return "scalar"
    return f"{spec.kind}({', '.join(str(d) for d in spec.dims)})"
