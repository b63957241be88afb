"""A recursive-descent parser for the matdiff language (see README: "The language").

It produces the syntax tree of :mod:`syntax`; types and shapes are the builder's job. Nesting is
limited so that no input can exhaust Python's recursion limit.

Besides the syntax, the parser keeps a few facts about every node (:class:`NodeInfo`), computed
bottom-up as the node is made, so that an input that would make a typed tree too deep for the
recursive parts of matdiff, or numbers too big to print, is refused here with a caret instead of
failing later: a bound on the depth of the typed tree (a flat chain ``x ./ y ./ z ./ ...`` of
vectors nests one level per operator, ``a b c`` and ``a .* b .* c`` do not), whether the node is
certainly a scalar (a chain of scalars flattens whatever its operators), and bounds on the digits
of any number that folding constants can make from it (``2^1e300`` is refused at once).
"""

from __future__ import annotations

import math
from dataclasses import replace
from fractions import Fraction

from matdiff_magic.errors import ParseError, Span
from matdiff_magic.language import syntax as S
from matdiff_magic.language.functions import FUNCTIONS
from matdiff_magic.language.lexer import Token, tokenize
from matdiff_magic.language.parse_declarations import DeclarationParsing
from matdiff_magic.language.parse_info import (
    CHAIN_CLASS,
    MAX_CONSTANT_DIGITS,
    MAX_DEPTH,
    MAX_TREE_DEPTH,
    NAME_INFO,
    PRODUCT_OPS,
    SCALAR_NAME_INFO,
    NodeInfo,
    number_info,
    times_info,
)
from matdiff_magic.language.parse_names import NameParsing
from matdiff_magic.language.parse_powers import PowerParsing
from matdiff_magic.messages import Msg


class Parser(DeclarationParsing, PowerParsing, NameParsing):
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
        self.definitions: dict[str, NodeInfo] = {}  # what is known about each definition
        self._info: dict[int, tuple[S.Node, NodeInfo]] = {}

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

    def error_found(self, expected: Msg, opened: Span | None = None) -> ParseError:
        """The error "<expected>, found <the current token>" at the current token; at the end
        of the input, under the bracket ``opened`` that is not closed, else just after the last
        thing written (not under an empty last line)."""
        span = None
        if self.tok.kind == "EOF" and opened is not None:
            span = opened
        elif self.tok.kind == "EOF":
            written = [t for t in self.tokens[: self.pos] if t.kind not in ("NEWLINE", "EOF")]
            if written:
                end = written[-1].span.end
                span = Span(end, end + 1)
        return self.error(Msg("parse.found", expected=expected, found=self.tok.found()), span)

    def expect_op(self, value: str, expected: Msg) -> Token:
        if not self.tok.is_op(value):
            raise self.error_found(expected)
        return self.advance()

    def skip_newlines(self) -> None:
        while self.tok.kind == "NEWLINE":
            self.advance()

    # -- what is known about nodes --------------------------------------------------------------
    def info(self, node: S.Node) -> NodeInfo:
        found = self._info.get(id(node))
        return found[1] if found is not None and found[0] is node else NAME_INFO

    def note(self, node: S.Node, info: NodeInfo, where: Span) -> S.Node:
        """Remember ``info`` for ``node``; refuse it (caret at ``where``) beyond the limits."""
        if info.depth > MAX_TREE_DEPTH:
            raise self.error(Msg("parse.tree_too_deep", limit=MAX_TREE_DEPTH), where)
        if info.digits > MAX_CONSTANT_DIGITS:
            raise self.error(Msg("parse.numbers_too_large", limit=MAX_CONSTANT_DIGITS), where)
        self._info[id(node)] = (node, info)
        return node

    def name_info(self, name: str) -> NodeInfo:
        found = self.definitions.get(name)
        if found is not None:
            return found
        return SCALAR_NAME_INFO if name in self.scalars else NAME_INFO

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
            summary = NodeInfo(depth + grows, scalar, num, den, other_den == 0, value, extra, "add")
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
            if tok.kind == "OP" and tok.value in PRODUCT_OPS:
                self.advance()
                self.skip_newlines()
                op, where, operand = PRODUCT_OPS[tok.value], tok.span, self.parse_unary()
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
        self, acc: NodeInfo, previous: str | None, op: str, item: NodeInfo, where: Span
    ) -> tuple[NodeInfo, str | None]:
        """The chain so far, times one more operand: its info and its operator class."""
        scalar = acc.scalar and item.scalar
        if scalar or item.scalar or (acc.scalar and op != "./"):
            kind = "mat"  # scaling: one flat product, whatever the operator
        else:
            kind = CHAIN_CLASS[op]
        flat = kind in ("mat", "had")
        # the chain so far is the node (a run of one flat class), or one level below a new one
        below = acc.depth if flat and kind == previous else acc.depth + 1
        # so is the operand: (a b) in a run of products joins it, anything else is below
        below = max(below, item.depth if flat and item.kind == kind else item.depth + 1)
        broadcast = acc.scalar and not item.scalar and op == "./"  # 1 ./ x: 1 becomes 𝟏 1
        info = times_info(acc, item, below + broadcast, scalar, divide=op in ("./", "/"))
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
    def _negated(info: NodeInfo, sign: str) -> NodeInfo:
        value = -info.value if info.value is not None and sign == "-" else info.value
        kind = info.kind if info.kind == "mat" else None  # -(a b) is one product
        return replace(info, depth=info.depth + 1, value=value, kind=kind)

    def _number(self, tok: Token) -> S.Node:
        assert tok.number is not None
        return self.note(S.Num(tok.span, tok.number), number_info(tok.number), tok.span)

    def parse_primary(self) -> S.Node:
        tok = self.tok
        if tok.kind == "NUMBER":
            self.advance()
            return self._number(tok)
        if tok.kind == "TEXT":
            self.advance()
            return self.note(S.Text(tok.span, tok.value), NAME_INFO, tok.span)
        if tok.is_op("𝟏"):  # the ones vector (a column; its size is inferred)
            self.advance()
            return self.note(S.Ones(tok.span), NAME_INFO, tok.span)
        if tok.kind == "NAME":
            return self.parse_name()
        if tok.is_op("("):
            self.advance()
            self.skip_newlines()
            inner = self.parse_expression()
            self.skip_newlines()
            if not self.tok.is_op(")"):
                raise self.error_found(
                    Msg("parse.unclosed_paren", column=self._column(tok.span)), tok.span
                )
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
                raise self.error_found(
                    Msg("parse.unclosed_det", column=self._column(tok.span)), tok.span
                )
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
                    Msg("parse.unclosed_norm", bar=tok.value, column=self._column(tok.span)),
                    tok.span,
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

    def _column(self, span: Span) -> int:
        return span.start - self.source.rfind("\n", 0, span.start)


def _respan(node: S.Node, span: Span) -> S.Node:
    """The node with the span of its enclosing parentheses (so messages quote "(A + B)")."""
    return replace(node, span=span)


def parse(
    source: str, known_names: set[str] | None = None, scalar_names: set[str] | None = None
) -> list[S.Statement]:
    return Parser(source, known_names, scalar_names).parse_program()
