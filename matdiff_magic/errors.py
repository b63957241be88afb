"""The exceptions matdiff raises for bad input.

Every error a user can provoke is a ``MatDiffError`` (a ``ValueError``), so front ends can catch
one class and show its message without a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """A stretch of the user's source text: 0-based offsets ``start`` (inclusive) to ``end``."""

    start: int
    end: int

    def join(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


def caret_block(source: str, span: Span) -> tuple[int, int, str]:
    """Line number, column (both 1-based) and a two-line excerpt with carets under ``span``."""
    start = max(0, min(span.start, len(source)))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    line_text = source[line_start:line_end]
    column = start - line_start
    width = max(1, min(span.end, line_end) - start)
    # Tabs would shift the caret; show them as single spaces.
    shown = line_text.replace("\t", " ")
    block = f"  {shown}\n  {' ' * column}{'^' * width}"
    line_no = source.count("\n", 0, start) + 1
    return line_no, column + 1, block


class MatDiffError(ValueError):
    """Base class of every error caused by the user's input."""

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        span: Span | None = None,
        hint: str | None = None,
    ) -> None:
        self.message = message
        self.source = source
        self.span = span
        self.hint = hint
        self.line: int | None = None
        self.column: int | None = None
        self.excerpt: str | None = None
        if source is not None and span is not None:
            self.line, self.column, self.excerpt = caret_block(source, span)
        super().__init__(self.render())

    def render(self) -> str:
        text = self.message
        if self.line is not None:
            text += f" (line {self.line}, column {self.column})"
        if self.excerpt is not None:
            text += "\n" + self.excerpt
        if self.hint:
            text += "\n" + self.hint
        return text

    def located(self, source: str, span: Span) -> MatDiffError:
        """The same error with a caret under ``span`` of ``source`` (if it had none)."""
        if self.span is not None:
            return self
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        MatDiffError.__init__(clone, self.message, source=source, span=span, hint=self.hint)
        return clone

    def __str__(self) -> str:
        return self.render()


class ParseError(MatDiffError):
    """The text is not valid matdiff language; the message says what was expected where."""


class ShapeError(MatDiffError):
    """Operand shapes do not fit the operation (or values do not fit the declarations)."""


class UnsupportedError(MatDiffError):
    """The request is well formed but this method (or feature) cannot handle it."""


class EvaluationError(MatDiffError):
    """Numeric evaluation failed: a value is missing or cannot be used."""
