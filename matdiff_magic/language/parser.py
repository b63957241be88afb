"""A recursive-descent parser for the matdiff language (see README: "The language").

It produces the syntax tree of :mod:`syntax`; types and shapes are the builder's job. Nesting is
limited so that no input can exhaust Python's recursion limit.

Besides the syntax, the parser keeps a few facts about every node (:class:`_Info`), computed
bottom-up as the node is made, so that an input that would make a typed tree too deep for the
recursive parts of matdiff, or numbers too big to print, is refused here with a caret instead of
failing later: a bound on the depth of the typed tree (a flat chain ``x ./ y ./ z ./ ...`` of
vectors nests one level per operator, ``a b c`` and ``a .* b .* c`` do not), whether the node is
certainly a scalar (a chain of scalars flattens whatever its operators), and bounds on the digits
of any number that folding constants can make from it (``2^1e300`` is refused at once).
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import dataclass, replace
from fractions import Fraction

from matdiff_magic.errors import ParseError, Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTION_NAMES, FUNCTIONS
from matdiff_magic.language.lexer import Token, tokenize
from matdiff_magic.messages import Msg
from matdiff_magic.printing.names import GREEK

MAX_DEPTH = 64
MAX_POSTFIX = 32
MAX_TREE_DEPTH = 100  # bound on the depth of the typed tree an expression makes
MAX_CONSTANT_DIGITS = 1000  # bound on the digits of a number folded from the literals
MAX_POWER = 64  # bound on a power of powers, as the builder's MAX_MATRIX_POWER on one power
# Functions whose value is a scalar whatever their argument.
_SCALAR_FUNCTIONS = frozenset({"tr", "det", "logdet", "sum", "norm", "logsumexp"})
# Operators of a product chain by how they nest: a run of "mat" (products, scaling) or of
# "had" (Hadamard products) is one flat node; "./" and "⊗" nest at every operator.
_CHAIN_CLASS = {
    "juxt": "mat",
    "*": "mat",
    "@": "mat",
    "/": "mat",
    ".*": "had",
    "./": "div",
    "⊗": "kron",
}
_PRODUCT_OPS = {"*": "*", "@": "@", ".*": ".*", "./": "./", "/": "/", "⊗": "⊗", "×": "*"}
_TYPE_WORDS = ("scalar", "vector", "matrix", "symmetric")
_SPLIT_DIMS = re.compile(r"^([A-Za-z]|\d+)x([A-Za-z]|\d+)$")


@dataclass(frozen=True)
class _Info:
    """What the parser knows about a node (see the module docstring).

    ``num`` and ``den`` bound log10 of the numerator and the denominator of the numbers that
    folding constants can make in the node's value (a power multiplies them); ``extra`` bounds
    the digits that exponents add to it and to its derivatives (they only add up: the derivative
    of x^k has the coefficient k); ``decimal`` says the denominators divide powers of ten (so a
    sum's common denominator is the largest, not the product); ``value`` is the exact value of a
    node made of numbers only (when it is small enough to compute).
    """

    depth: int = 1
    scalar: bool = False
    num: float = 0.0
    den: float = 0.0
    decimal: bool = True
    value: Fraction | None = None
    extra: float = 0.0
    kind: str | None = None  # "add" for a sum, a chain class for a product: what it merges with
    power: int = 1  # the exponent a power of powers (X^8)^8 comes to: X^64 has 64 terms of dX

    @property
    def digits(self) -> float:
        return max(self.num, self.den) + self.extra


_NAME_INFO = _Info()
_SCALAR_NAME_INFO = _Info(scalar=True)


def _decimal_power(q: int) -> int | None:
    """The smallest k with q | 10**k, or None when q has a prime factor other than 2 and 5."""
    twos = (q & -q).bit_length() - 1
    q >>= twos
    fives = 0
    while q % 5 == 0:
        q //= 5
        fives += 1
    return max(twos, fives) if q == 1 else None


def _number_info(value: Fraction) -> _Info:
    p, q = abs(value.numerator), value.denominator
    num = math.log10(p) if p > 1 else 0.0
    k = _decimal_power(q)
    if k is not None:
        return _Info(1, True, num, float(k), True, value)
    return _Info(1, True, num, math.log10(q), False, value)


def _times(a: _Info, b: _Info, depth: int, scalar: bool, divide: bool = False) -> _Info:
    """The info of a * b (or a / b)."""
    extra = a.extra + b.extra
    if not divide:
        value = a.value * b.value if a.value is not None and b.value is not None else None
        return _Info(
            depth, scalar, a.num + b.num, a.den + b.den, a.decimal and b.decimal, value, extra
        )
    value = None
    if a.value is not None and b.value is not None and b.value != 0:
        value = a.value / b.value
    decimal = a.decimal and b.decimal and b.num == 0
    return _Info(depth, scalar, a.num + b.den, a.den + b.num, decimal, value, extra)


def _opaque(depth: int, scalar: bool, *parts: _Info) -> _Info:
    """The info of something that may combine its parts' numbers in any way (no value)."""
    total = sum(p.num + p.den for p in parts)
    return _Info(depth, scalar, total, total, total == 0, None, sum(p.extra for p in parts))


class Parser:
    def __init__(
        self,
        source: str,
        known_names: set[str] | None = None,
        scalar_names: set[str] | None = None,
    ) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.pos = 0
        self.depth = 0
        self.bars = 0
        self.norms = 0
        self.known = set(known_names or ())
        # names declared scalar (in the text, or by the caller): chains of them stay flat
        self.scalars: set[str] = set(scalar_names or ())
        self.definitions: dict[str, _Info] = {}  # what is known about each definition
        self._info: dict[int, tuple[S.Node, _Info]] = {}

    # -- token helpers ------------------------------------------------------------------------
    @property
    def tok(self) -> Token:
        return self.tokens[self.pos]

    def peek(self, k: int = 1) -> Token:
        return self.tokens[min(self.pos + k, len(self.tokens) - 1)]

    def advance(self) -> Token:
        tok = self.tokens[self.pos]
        if tok.kind != "EOF":
            self.pos += 1
        return tok

    def error(self, message: Msg, span: Span | None = None, hint: Msg | None = None) -> ParseError:
        return ParseError(message, source=self.source, span=span or self.tok.span, hint=hint)

    def error_found(self, expected: Msg) -> ParseError:
        """The error "<expected>, found <the current token>" at the current token."""
        return self.error(Msg("parse.found", expected=expected, found=self.tok.found()))

    def expect_op(self, value: str, expected: Msg) -> Token:
        if not self.tok.is_op(value):
            raise self.error_found(expected)
        return self.advance()

    def skip_newlines(self) -> None:
        while self.tok.kind == "NEWLINE":
            self.advance()

    # -- what is known about nodes --------------------------------------------------------------
    def info(self, node: S.Node) -> _Info:
        found = self._info.get(id(node))
        return found[1] if found is not None and found[0] is node else _NAME_INFO

    def note(self, node: S.Node, info: _Info, where: Span) -> S.Node:
        """Remember ``info`` for ``node``; refuse it (caret at ``where``) beyond the limits."""
        if info.depth > MAX_TREE_DEPTH:
            raise self.error(Msg("parse.tree_too_deep", limit=MAX_TREE_DEPTH), where)
        if info.digits > MAX_CONSTANT_DIGITS:
            raise self.error(Msg("parse.numbers_too_large", limit=MAX_CONSTANT_DIGITS), where)
        self._info[id(node)] = (node, info)
        return node

    def name_info(self, name: str) -> _Info:
        found = self.definitions.get(name)
        if found is not None:
            return found
        return _SCALAR_NAME_INFO if name in self.scalars else _NAME_INFO

    # -- program ------------------------------------------------------------------------------
    def parse_program(self) -> list[S.Statement]:
        statements: list[S.Statement] = []
        while True:
            while self.tok.kind == "NEWLINE" or self.tok.is_op(";"):
                self.advance()
            if self.tok.kind == "EOF":
                return statements
            statements.extend(self.parse_statement())
            if not (self.tok.kind in ("NEWLINE", "EOF") or self.tok.is_op(";")):
                raise self.error(Msg("parse.unexpected", token=self.tok.describe()))

    def parse_statement(self) -> list[S.Statement]:
        if self._at_declaration():
            return self.parse_declarations()
        tok = self.tok
        if tok.kind == "NAME" and self.peek().is_op("="):
            if tok.value in FUNCTIONS:
                raise self.error(Msg("parse.function_defined", name=tok.value))
            self.advance()
            self.advance()
            self.skip_newlines()
            expr = self.parse_expression()
            self.known.add(tok.value)
            self.definitions[tok.value] = self.info(expr)
            return [S.Definition(tok.span.join(expr.span), tok.value, tok.span, expr)]
        expr = self.parse_expression()
        return [S.ExprStatement(expr.span, expr)]

    def _at_declaration(self) -> bool:
        i = self.pos
        while True:
            tok = self.tokens[i]
            if tok.kind != "NAME":
                return False
            nxt = self.tokens[i + 1]
            if nxt.is_op(":", "∈") or (nxt.kind == "NAME" and nxt.value == "in"):
                return True
            if nxt.is_op(","):
                i += 2
                continue
            return False

    # -- declarations ------------------------------------------------------------------------
    def parse_declarations(self) -> list[S.Statement]:
        out: list[S.Statement] = []
        while True:
            names: list[tuple[str, Span]] = []
            start = self.tok.span
            while True:
                tok = self.advance()
                if tok.kind != "NAME":
                    raise self.error(Msg("parse.expected_variable"), tok.span)
                if tok.value in FUNCTIONS:
                    raise self.error(Msg("parse.function_declared", name=tok.value), tok.span)
                names.append((tok.value, tok.span))
                if self.tok.is_op(","):
                    self.advance()
                    continue
                break
            if self.tok.is_op(":"):
                self.advance()
                spec = self.parse_type()
            else:  # ∈ or in
                self.advance()
                spec = self.parse_space()
            out.append(S.Declaration(start.join(spec.span), tuple(names), spec))
            self.known.update(name for name, _ in names)
            for name, _ in names:
                if spec.kind == "scalar":
                    self.scalars.add(name)
                else:
                    self.scalars.discard(name)
                self.definitions.pop(name, None)
            if self.tok.is_op(",") and self.peek().kind == "NAME":
                self.advance()
                continue
            return out

    def parse_type(self) -> S.TypeSpec:
        tok = self.tok
        if tok.kind == "NAME" and tok.value in ("R", "ℝ", "S", "𝕊"):
            return self.parse_space()
        if tok.kind != "NAME" or tok.value not in (*_TYPE_WORDS, "real", "sym"):
            raise self.error(Msg("parse.expected_type"))
        self.advance()
        kind = {"real": "scalar", "sym": "symmetric"}.get(tok.value, tok.value)
        wanted = {"scalar": 0, "vector": 1, "symmetric": 1, "matrix": 2}[kind]
        if wanted == 0:
            if self.tok.is_op("("):
                self.advance()
                end = self.expect_op(")", Msg("parse.expected_scalar_close"))
                return S.TypeSpec("scalar", (), tok.span.join(end.span))
            return S.TypeSpec("scalar", (), tok.span)
        self.expect_op("(", Msg("parse.expected_size", kind=tok.value))
        dims: list[str | int] = []
        spans: list[Span] = []
        while True:
            d, span = self.parse_dim()
            dims.append(d)
            spans.append(span)
            if self.tok.is_op(","):
                self.advance()
                continue
            break
        end = self.expect_op(")", Msg("parse.expected_size_close", kind=tok.value))
        if kind == "matrix" and len(dims) == 1:
            dims = dims * 2  # matrix(n) is square
            spans = spans * 2
        if len(dims) != wanted:
            key = "parse.sizes.many" if wanted > 1 else "parse.sizes.one"
            raise self.error(
                Msg(key, kind=kind, wanted=wanted, got=len(dims)), tok.span.join(end.span)
            )
        return S.TypeSpec(kind, tuple(dims), tok.span.join(end.span), tuple(spans))

    def parse_space(self) -> S.TypeSpec:
        tok = self.tok
        if tok.kind != "NAME" or tok.value not in ("R", "ℝ", "S", "𝕊", "real"):
            raise self.error(Msg("parse.expected_space"))
        self.advance()
        symmetric = tok.value in ("S", "𝕊")
        if not self.tok.is_op("^"):
            if symmetric:
                raise self.error(Msg("parse.expected_symmetric_size"))
            return S.TypeSpec("scalar", (), tok.span)
        self.advance()
        dims, spans, end = self.parse_dim_spec()
        span = tok.span.join(end)
        if symmetric:
            if len(dims) == 2 and dims[0] != dims[1]:
                raise self.error(Msg("parse.symmetric_square"), span)
            return S.TypeSpec("symmetric", dims[:1], span, spans[:1])
        if len(dims) == 1:
            return S.TypeSpec("vector", dims, span, spans)
        return S.TypeSpec("matrix", dims, span, spans)

    def parse_dim_spec(self) -> tuple[tuple[str | int, ...], tuple[Span, ...], Span]:
        closing = {"{": "}", "(": ")"}.get(self.tok.value) if self.tok.kind == "OP" else None
        if closing is None:
            d, span = self.parse_dim(allow_split=True)
            if isinstance(d, tuple):
                return d, (span, span), span
            return (d,), (span,), span
        self.advance()
        first, span1 = self.parse_dim(allow_split=True)
        if isinstance(first, tuple):
            end = self.expect_op(closing, Msg("parse.expected_close", closing=closing))
            return first, (span1, span1), end.span
        dims: list[str | int] = [first]
        spans = [span1]
        if self.tok.is_op("×", "*", ",") or (self.tok.kind == "NAME" and self.tok.value == "x"):
            self.advance()
            d, span = self.parse_dim()
            dims.append(d)
            spans.append(span)
        elif self.tok.kind == "NAME" and re.fullmatch(r"x(\d+|[A-Za-z])", self.tok.value):
            # "3x4" lexes as 3 then x4
            tok = self.advance()
            rest = tok.value[1:]
            dims.append(int(rest) if rest.isdigit() else rest)
            spans.append(tok.span)
        end = self.expect_op(closing, Msg("parse.expected_close_dims", closing=closing))
        return tuple(dims), tuple(spans), end.span

    def parse_dim(
        self, allow_split: bool = False
    ) -> tuple[str | int | tuple[str | int, ...], Span]:
        tok = self.tok
        if tok.kind == "NAME":
            if tok.value == "_":  # a size to be inferred from use: A: matrix(_, n)
                self.advance()
                return "_", tok.span
            if allow_split and (m := _SPLIT_DIMS.match(tok.value)):
                self.advance()
                parts = tuple(int(p) if p.isdigit() else p for p in m.groups())
                return parts, tok.span
            if tok.value in FUNCTIONS or tok.value in _TYPE_WORDS:
                raise self.error(Msg("parse.expected_dimension"))
            self.advance()
            return tok.value, tok.span
        if (
            tok.kind == "NUMBER"
            and tok.number is not None
            and tok.number.denominator == 1
            and tok.number >= 1
            and "." not in tok.value
        ):
            self.advance()
            return int(tok.number), tok.span
        raise self.error(Msg("parse.expected_dimension"))

    # -- expressions ---------------------------------------------------------------------------
    def _enter(self, span: Span) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(Msg("parse.too_deep", limit=MAX_DEPTH), span)

    def parse_expression(self) -> S.Node:
        self._enter(self.tok.span)
        try:
            return self.parse_sum()
        finally:
            self.depth -= 1

    def parse_sum(self) -> S.Node:
        first = self.parse_product()
        items: list[tuple[str, Span | None, S.Node]] = [("+", None, first)]
        if not self.tok.is_op("+", "-"):
            return first
        info = self.info(first)
        depth, top, extra = info.depth + (info.kind != "add"), info.num, info.extra
        scalars = int(info.scalar)  # how many terms are certainly scalars
        decimal_den = info.den if info.decimal else 0.0
        other_den = 0.0 if info.decimal else info.den
        value = info.value
        while self.tok.is_op("+", "-"):
            op = self.advance()
            self.skip_newlines()
            term = self.parse_product()
            items.append((op.value, op.span, term))
            t = self.info(term)
            # a sum in a sum is flattened into it; any other term is one level below the sum
            below = t.depth + (t.kind != "add" or op.value == "-")
            depth, top, extra = max(depth, below), max(top, t.num), max(extra, t.extra)
            scalars += t.scalar
            if t.decimal:
                decimal_den = max(decimal_den, t.den)
            else:
                other_den += t.den
            if value is not None and t.value is not None:
                value = value + t.value if op.value == "+" else value - t.value
            else:
                value = None
            # a scalar term broadcast to a matrix is one more level
            scalar = scalars == len(items)
            grows = 1 if 0 < scalars < len(items) else 0
            den = decimal_den + other_den
            # n terms of at most 10^top over a common denominator of at most 10^den
            num = top + den + math.log10(len(items))
            summary = _Info(depth + grows, scalar, num, den, other_den == 0, value, extra, "add")
            if summary.depth > MAX_TREE_DEPTH or summary.digits > MAX_CONSTANT_DIGITS:
                self.note(term, summary, op.span)  # raises, with the caret at this operator
        node = S.Sum(first.span.join(items[-1][2].span), tuple(items))
        return self.note(node, summary, node.span)

    def _starts_operand(self, tok: Token) -> bool:
        if tok.kind in ("NAME", "NUMBER"):
            return True
        if tok.is_op("(", "𝟏"):
            return True
        if tok.is_op("|"):
            return self.bars == 0
        if tok.is_op("‖", "||"):
            return self.norms == 0
        return False

    def parse_product(self) -> S.Node:
        first = self.parse_unary()
        items: list[tuple[str | None, Span | None, S.Node]] = [(None, None, first)]
        acc = self.info(first)
        previous = acc.kind  # the class of the node the chain so far is
        while True:
            tok = self.tok
            if tok.kind == "OP" and tok.value in _PRODUCT_OPS:
                self.advance()
                self.skip_newlines()
                op, where, operand = _PRODUCT_OPS[tok.value], tok.span, self.parse_unary()
            elif self._starts_operand(tok):
                op, where = "juxt", Span(tok.span.start, tok.span.start + 1)
                operand = self.parse_postfix()
            else:
                break
            items.append((op, where if op != "juxt" else Span(where.start, where.start), operand))
            acc, previous = self._chain_step(acc, previous, op, self.info(operand), where)
        if len(items) == 1:
            return first
        node = S.Product(first.span.join(items[-1][2].span), tuple(items))
        return self.note(node, acc, node.span)

    def _chain_step(
        self, acc: _Info, previous: str | None, op: str, item: _Info, where: Span
    ) -> tuple[_Info, str | None]:
        """The chain so far, times one more operand: its info and its operator class."""
        scalar = acc.scalar and item.scalar
        if scalar or item.scalar or (acc.scalar and op != "./"):
            kind = "mat"  # scaling: one flat product, whatever the operator
        else:
            kind = _CHAIN_CLASS[op]
        flat = kind in ("mat", "had")
        # the chain so far is the node (a run of one flat class), or one level below a new one
        below = acc.depth if flat and kind == previous else acc.depth + 1
        # so is the operand: (a b) in a run of products joins it, anything else is below
        below = max(below, item.depth if flat and item.kind == kind else item.depth + 1)
        broadcast = acc.scalar and not item.scalar and op == "./"  # 1 ./ x: 1 becomes 𝟏 1
        info = _times(acc, item, below + broadcast, scalar, divide=op in ("./", "/"))
        info = replace(info, kind=kind)
        if info.depth > MAX_TREE_DEPTH or info.digits > MAX_CONSTANT_DIGITS:
            self.note(S.Num(where, Fraction(0)), info, where)  # raises at the operator
        return info, kind

    def parse_unary(self) -> S.Node:
        if self.tok.is_op("-", "+"):
            op = self.advance()
            self._enter(op.span)
            try:
                operand = self.parse_unary()
            finally:
                self.depth -= 1
            node = S.Unary(op.span.join(operand.span), op.value, operand)
            return self.note(node, self._negated(self.info(operand), op.value), op.span)
        return self.parse_postfix()

    @staticmethod
    def _negated(info: _Info, sign: str) -> _Info:
        value = -info.value if info.value is not None and sign == "-" else info.value
        kind = info.kind if info.kind == "mat" else None  # -(a b) is one product
        return replace(info, depth=info.depth + 1, value=value, kind=kind)

    def parse_postfix(self) -> S.Node:
        node = self.parse_primary()
        count = 0
        while True:
            tok = self.tok
            if tok.is_op("'", "ᵀ", "⊤", ".T"):
                self.advance()
                node = self._postfix(node, "T", tok.span, tok.span)
            elif tok.is_op("⁻¹", "⁻ᵀ"):
                self.advance()
                op = "inv" if tok.value == "⁻¹" else "invT"
                node = self._postfix(node, op, tok.span, tok.span)
            elif tok.is_op("²", "³"):
                self.advance()
                value = Fraction(2 if tok.value == "²" else 3)
                exponent = self.note(S.Num(tok.span, value), _number_info(value), tok.span)
                node = self._postfix(node, "pow", tok.span, tok.span, exponent)
            elif tok.is_op("^", ".^"):
                self.advance()
                kind, exponent, end = self.parse_power_arg(elementwise=tok.value == ".^")
                op = "hpow" if tok.value == ".^" else kind
                node = self._postfix(node, op, tok.span.join(end), end, exponent)
            else:
                return node
            count += 1
            if count > MAX_POSTFIX:
                raise self.error(Msg("parse.too_many_postfix", limit=MAX_POSTFIX), tok.span)

    def _postfix(
        self, node: S.Node, op: str, op_span: Span, end: Span, exponent: S.Node | None = None
    ) -> S.Node:
        """``node`` with a postfix operator; ``1'``, ``1ᵀ`` and ``1^T`` are the ones vector
        transposed (a row of ones), while a bare ``1`` stays the number one."""
        if op == "T" and isinstance(node, S.Num) and self._text(node) == "1":
            node = self.note(S.Ones(node.span), _NAME_INFO, node.span)
        result = S.Postfix(node.span.join(end), op, node, op_span, exponent)
        base = self.info(node)
        if op == "T":
            info = replace(base, depth=base.depth + 1, kind=None)
        elif op in ("inv", "invT"):
            value = 1 / base.value if base.value else None
            info = replace(
                base,
                depth=base.depth + 1,
                num=base.den,
                den=base.num,
                value=value,
                decimal=base.decimal and base.num == 0,
                kind=None,
            )
        else:
            assert exponent is not None
            info = self._power_info(base, self.info(exponent))
            k = self.info(exponent).value
            if op == "pow" and not base.scalar and k is not None and k.denominator == 1 and k:
                # (X^8)^8 is X^64, whose derivative has 64 terms: bound the power of powers
                power = base.power * abs(int(k)) if base.power > 1 else abs(k.numerator)
                if base.power > 1 and power > MAX_POWER:
                    raise self.error(Msg("build.power_limit", limit=MAX_POWER), op_span)
                info = replace(info, power=power)
        return self.note(result, info, op_span)

    @staticmethod
    def _power_info(base: _Info, exponent: _Info) -> _Info:
        """base^exponent: a number exponent k multiplies the digits of the base's numbers by
        |k| (by the numerator of a fraction); the exponent's own digits only add."""
        depth = max(base.depth, exponent.depth) + 1
        extra = base.extra + exponent.digits
        k = exponent.value
        if k is None:  # a symbolic exponent: nothing is folded
            return replace(_opaque(depth, base.scalar, base), extra=extra)
        m = float(abs(k.numerator)) if abs(k.numerator) < 10**300 else math.inf
        if base.value is not None and abs(base.value) in (0, 1):
            m = 0.0  # 0^k and (±1)^k stay small

        def scaled(digits: float) -> float:
            return m * digits if digits else 0.0

        num, den = scaled(base.num), scaled(base.den)
        if k < 0:
            num, den = den, num
        info = _Info(depth, base.scalar, num, den, den == 0, None, extra)
        if info.digits > MAX_CONSTANT_DIGITS:
            return info  # refused by note()
        if base.value is not None and k.denominator == 1 and (base.value != 0 or k >= 0):
            info = replace(info, value=base.value ** int(k))
        return info

    def _text(self, node: S.Node) -> str:
        return self.source[node.span.start : node.span.end]

    def parse_power_arg(self, elementwise: bool) -> tuple[str, S.Node | None, Span]:
        tok = self.tok
        what = "'.^'" if elementwise else "'^'"
        if not elementwise and (tok.is_op("⊤") or (tok.kind == "NAME" and tok.value == "T")):
            self.advance()
            return "T", None, tok.span
        if (
            not elementwise
            and tok.is_op("-")
            and self.peek().kind == "NAME"
            and self.peek().value == "T"
        ):
            self.advance()
            end = self.advance()
            return "invT", None, end.span
        if tok.is_op("{"):
            self.advance()
            inner = self.tok
            if (
                not elementwise
                and (inner.is_op("⊤") or (inner.kind == "NAME" and inner.value == "T"))
                and self.peek().is_op("}")
            ):
                self.advance()
                end = self.advance()
                return "T", None, end.span
            if (
                not elementwise
                and inner.is_op("-")
                and self.peek().kind == "NAME"
                and self.peek().value == "T"
                and self.peek(2).is_op("}")
            ):
                self.advance()
                self.advance()
                end = self.advance()
                return "invT", None, end.span
            expr = self.parse_expression()
            end = self.expect_op("}", Msg("parse.expected_exponent_close", closing="}", op=what))
            return "pow", expr, end.span
        if tok.is_op("("):
            self.advance()
            expr = self.parse_expression()
            end = self.expect_op(")", Msg("parse.expected_exponent_close", closing=")", op=what))
            return "pow", expr, end.span
        if tok.is_op("-", "+"):
            op = self.advance()
            self._enter(op.span)
            try:
                kind, inner, end = self.parse_power_arg(elementwise)
            finally:
                self.depth -= 1
            if inner is None:
                raise self.error(Msg("parse.exponent_sign", sign=op.value), end)
            signed = S.Unary(op.span.join(end), op.value, inner)
            return "pow", self.note(signed, self._negated(self.info(inner), op.value), end), end
        if tok.kind == "NUMBER":
            self.advance()
            return "pow", self._number(tok), tok.span
        if tok.kind == "NAME" and tok.value not in FUNCTIONS:
            self.advance()
            node = S.Name(tok.span, tok.value)
            return "pow", self.note(node, self.name_info(tok.value), tok.span), tok.span
        raise self.error(Msg("parse.expected_exponent", op=what))

    def _number(self, tok: Token) -> S.Node:
        assert tok.number is not None
        return self.note(S.Num(tok.span, tok.number), _number_info(tok.number), tok.span)

    def _call(self, span: Span, func: str, args: tuple[S.Node, ...], name_span: Span) -> S.Node:
        infos = [self.info(a) for a in args]
        info = _Info(
            max((i.depth for i in infos), default=0) + 1,
            func in _SCALAR_FUNCTIONS or all(i.scalar for i in infos),
            sum(i.num for i in infos),  # f(c X) keeps c (tr, sum, kron, ...)
            sum(i.den for i in infos),
            all(i.decimal for i in infos),
            None,
            sum(i.extra for i in infos),
        )
        if func == "inv":  # inv(c X) = 1/c inv(X)
            info = replace(info, num=info.den, den=info.num, decimal=info.num == 0)
        return self.note(S.Call(span, func, args, name_span), info, name_span)

    def parse_primary(self) -> S.Node:
        tok = self.tok
        if tok.kind == "NUMBER":
            self.advance()
            return self._number(tok)
        if tok.is_op("𝟏"):  # the ones vector (a column; its size is inferred)
            self.advance()
            return self.note(S.Ones(tok.span), _NAME_INFO, tok.span)
        if tok.kind == "NAME":
            return self.parse_name()
        if tok.is_op("("):
            self.advance()
            self.skip_newlines()
            inner = self.parse_expression()
            self.skip_newlines()
            if not self.tok.is_op(")"):
                raise self.error_found(Msg("parse.unclosed_paren", column=self._column(tok.span)))
            end = self.advance()
            span = tok.span.join(end.span)
            return self.note(_respan(inner, span), self.info(inner), span)
        if tok.is_op("|") and self.bars == 0:
            self.advance()
            self.bars += 1
            try:
                inner = self.parse_expression()
            finally:
                self.bars -= 1
            if not self.tok.is_op("|"):
                raise self.error_found(Msg("parse.unclosed_det", column=self._column(tok.span)))
            end = self.advance()
            return self._call(tok.span.join(end.span), "det", (inner,), tok.span)
        if tok.is_op("‖", "||") and self.norms == 0:
            self.advance()
            self.norms += 1
            try:
                inner = self.parse_expression()
            finally:
                self.norms -= 1
            if not self.tok.is_op(tok.value):
                raise self.error_found(
                    Msg("parse.unclosed_norm", bar=tok.value, column=self._column(tok.span))
                )
            end = self.advance()
            if (
                self.tok.kind == "NAME"
                and not self.tok.space_before
                and self.tok.value in ("_2", "_F", "_fro")
            ):
                end = self.advance()
            return self._call(tok.span.join(end.span), "norm", (inner,), tok.span)
        if tok.is_op("["):
            raise self.error(Msg("parse.matrix_literal"))
        raise self.error_found(Msg("parse.expected_expression"))

    def parse_name(self) -> S.Node:
        tok = self.advance()
        name = tok.value
        is_function = name in FUNCTIONS and name not in self.known
        if is_function:
            if not self.tok.is_op("("):
                raise self.error(Msg("parse.expected_call", name=name), tok.span)
            open_tok = self.advance()
            self.skip_newlines()
            args: list[S.Node] = []
            if not self.tok.is_op(")"):
                while True:
                    args.append(self.parse_expression())
                    self.skip_newlines()
                    if self.tok.is_op(","):
                        self.advance()
                        self.skip_newlines()
                        continue
                    break
            if not self.tok.is_op(")"):
                raise self.error_found(
                    Msg("parse.unclosed_call", name=name, column=self._column(open_tok.span))
                )
            end = self.advance()
            spec = FUNCTIONS[name]
            if len(args) != spec.arity:
                key = "parse.arguments.one" if spec.arity == 1 else "parse.arguments.many"
                raise self.error(
                    Msg(key, name=name, arity=spec.arity, got=len(args)), tok.span.join(end.span)
                )
            return self._call(tok.span.join(end.span), spec.name, tuple(args), tok.span)
        if (
            self.tok.is_op("(")
            and not self.tok.space_before
            and len(name) > 1
            and name not in self.known
            and name not in GREEK
        ):
            close = difflib.get_close_matches(name, FUNCTION_NAMES, n=1, cutoff=0.6)
            hint = (
                Msg("hint.did_you_mean", name=close[0])
                if close
                else Msg(
                    "hint.known_functions",
                    names=", ".join(sorted({FUNCTIONS[f].name for f in FUNCTIONS})),
                )
            )
            raise self.error(Msg("parse.unknown_function", name=name), tok.span, hint=hint)
        return self.note(S.Name(tok.span, name), self.name_info(name), tok.span)

    def _column(self, span: Span) -> int:
        return span.start - self.source.rfind("\n", 0, span.start)


def _respan(node: S.Node, span: Span) -> S.Node:
    """The node with the span of its enclosing parentheses (so messages quote "(A + B)")."""
    return replace(node, span=span)


def parse(
    source: str, known_names: set[str] | None = None, scalar_names: set[str] | None = None
) -> list[S.Statement]:
    return Parser(source, known_names, scalar_names).parse_program()
