"""The exceptions matdiff raises for bad input.

Every error a user can provoke is a ``MatDiffError`` (a ``ValueError``), so front ends can catch
one class and show its message without a traceback. Each is made from a message key of
:mod:`matdiff_magic.messages` and its parameters, so it can be shown in English or Chinese
(``err.render("zh")``); ``err.message`` and ``str(err)`` are English.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from matdiff_magic.messages import Join, Msg, format_message, render_value


@dataclass(frozen=True)
class Span:
    """A stretch of the user's source text: 0-based offsets ``start`` (inclusive) to ``end``."""

    start: int
    end: int

    def join(self, other: Span) -> Span:
        return Span(min(self.start, other.start), max(self.end, other.end))


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


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
    # A wide character (Chinese, full-width （ｘ＇）) is matched by an ideographic space before
    # the caret and a full-width caret under it, so the caret stays under its character.
    pad = "".join("\u3000" if _wide(ch) else " " for ch in shown[:column])
    marks = "".join("＾" if _wide(ch) else "^" for ch in shown[column : column + width])
    block = f"  {shown}\n  {pad}{marks.ljust(width, '^')}"
    line_no = source.count("\n", 0, start) + 1
    return line_no, column + 1, block


class MatDiffError(ValueError):
    """Base class of every error caused by the user's input.

    ``message`` is the English text (``str(err)`` adds the caret and hints). An error made from
    a :class:`~matdiff_magic.messages.Msg` (or ``key=`` and ``params=``) can also be shown in
    Chinese: ``err.render("zh")``. Hints are texts or ``Msg`` too.
    """

    def __init__(
        self,
        message: str | Msg | None = None,
        *,
        key: str | None = None,
        params: Mapping[str, Any] | None = None,
        source: str | None = None,
        span: Span | None = None,
        hint: str | Msg | Sequence[str | Msg] | None = None,
    ) -> None:
        if isinstance(message, Msg):
            key, params, message = message.key, message.params, None
        self.key = key
        self.params: dict[str, Any] = dict(params or {})
        if message is None:
            if key is None:
                raise TypeError("a MatDiffError needs a message or a key")
            message = format_message(key, self.params, "en")
        self.message = message
        self.source = source
        self.span = span
        self.hints: tuple[str | Msg, ...] = _hints(hint)
        self.line: int | None = None
        self.column: int | None = None
        self.excerpt: str | None = None
        if source is not None and span is not None:
            self.line, self.column, self.excerpt = caret_block(source, span)
        super().__init__(self.render())

    # -- hints ------------------------------------------------------------------------------
    @property
    def hint(self) -> str | None:
        """The hints in English, one a line (None without hints)."""
        return "\n".join(str(render_value(h, "en")) for h in self.hints) or None

    @hint.setter
    def hint(self, value: str | Msg | Sequence[str | Msg] | None) -> None:
        self.hints = _hints(value)

    def add_hint(self, hint: str | Msg) -> None:
        """One more hint (shown after the others)."""
        self.hints = (*self.hints, hint)

    # -- text -------------------------------------------------------------------------------
    def message_in(self, lang: str = "en") -> str:
        """The message alone (no position, caret or hint) in ``lang``; English without a key."""
        if self.key is None or lang == "en":
            return self.message
        return format_message(self.key, self.params, lang)

    def render(self, lang: str = "en", first_line: int = 1) -> str:
        """The message, its position and caret, and the hints, in ``lang``. ``first_line``: the
        number the editor gives the source's first line (2 in a cell under its %%magic line)."""
        text = self.message_in(lang)
        if self.line is not None:
            line = self.line + first_line - 1
            text += format_message("error.position", {"line": line, "column": self.column}, lang)
        if self.excerpt is not None:
            text += "\n" + self.excerpt
        for hint in self.hints:
            text += "\n" + str(render_value(hint, lang))
        return text

    # -- copies -----------------------------------------------------------------------------
    def evolve(self, **changes: Any) -> MatDiffError:
        """A copy (same class, key and parameters) with ``source``, ``span`` or ``hint`` changed."""
        unknown = set(changes) - {"source", "span", "hint"}
        if unknown:
            raise TypeError(f"evolve() cannot change {', '.join(sorted(unknown))}")
        clone = type(self).__new__(type(self))
        clone.__dict__.update(self.__dict__)
        MatDiffError.__init__(
            clone,
            self.message,
            key=self.key,
            params=self.params,
            source=changes.get("source", self.source),
            span=changes.get("span", self.span),
            hint=changes.get("hint", self.hints),
        )
        return clone

    def located(self, source: str, span: Span) -> MatDiffError:
        """The same error with a caret under ``span`` of ``source`` (if it had none)."""
        if self.span is not None:
            return self
        return self.evolve(source=source, span=span)

    def __str__(self) -> str:
        return self.render()


def _hints(value: str | Msg | Sequence[str | Msg] | None) -> tuple[str | Msg, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str | Msg):
        return (value,)
    return tuple(h for h in value if h)


class ParseError(MatDiffError):
    """The text is not valid matdiff language; the message says what was expected where."""


class ShapeError(MatDiffError):
    """Operand shapes do not fit the operation (or values do not fit the declarations)."""


class UnsupportedError(MatDiffError):
    """The request is well formed but cannot be answered as asked: one of the two below."""


class NotApplicableError(UnsupportedError):
    """This method does not apply to this problem (another method may): the differential
    method for a vector-valued function of a vector, the chain rule without an inner function,
    a Hessian of a non-scalar function."""


class NotSupportedYetError(UnsupportedError):
    """matdiff cannot do this yet, whichever method is asked: a node without a rule, a result
    beyond a size limit, an expression SymPy or the code printer has no form for."""


class EvaluationError(MatDiffError):
    """Numeric evaluation failed: a value is missing or cannot be used."""


class NotDifferentiableError(EvaluationError):
    """The function has no derivative at these values (a repeated top eigenvalue or singular
    value, a rank-deficient matrix under the nuclear norm): no number is returned."""


class VerificationError(MatDiffError):
    """A derivation failed its own numeric check: a bug in matdiff, never shown as an answer.

    ``verification`` is the :class:`~matdiff_magic.verify.Verification` that failed."""

    verification: Any = None


__all__ = [
    "Span",
    "caret_block",
    "MatDiffError",
    "ParseError",
    "ShapeError",
    "UnsupportedError",
    "NotApplicableError",
    "NotSupportedYetError",
    "EvaluationError",
    "NotDifferentiableError",
    "VerificationError",
    "Msg",
    "Join",
]
