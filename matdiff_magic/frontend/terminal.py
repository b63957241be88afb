"""Writing to a terminal safely: what matdiff echoes from its input is shown with control
characters escaped (``\\x1b``), so an escape sequence in an expression never reaches the terminal
raw; a stream that cannot encode Unicode gets the language's ASCII spelling (``x'``, ``X^-1``,
``.*``, ``theta``); errors are one message with a caret under the spot, in the columns the
terminal shows."""

from __future__ import annotations

import sys
import unicodedata
from typing import TextIO

from matdiff_magic.errors import MatDiffError
from matdiff_magic.frontend.render_words import as_option
from matdiff_magic.i18n import message, separator
from matdiff_magic.messages import format_message, render_value
from matdiff_magic.printing.text import ascii_text

# An excerpt line longer than this is shown as a window around the caret.
EXCERPT_WIDTH = 100


def encodes(stream: TextIO, s: str) -> bool:
    """Whether ``stream`` can write ``s`` (a stream without an encoding takes any text)."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return True
    try:
        s.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def write(stream: TextIO, s: str) -> None:
    """Print ``s``; what the stream cannot encode is written as backslash escapes."""
    if not encodes(stream, s):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            s = s.encode(encoding, "backslashreplace").decode(encoding)
        except LookupError:
            s = s.encode("ascii", "backslashreplace").decode("ascii")
    print(s, file=stream)


def shown_as(ch: str, ascii_only: bool) -> tuple[str, int]:
    """How a character of user text is shown, and how many columns it takes."""
    if ch == "\t":
        return " ", 1
    category = unicodedata.category(ch)
    if category[0] == "C" or category in ("Zl", "Zp"):  # controls, bidi and format characters
        return hex_escape(ch), len(hex_escape(ch))
    if ascii_only and not ch.isascii():
        spelled = ascii_text(ch)
        s = spelled if spelled.isascii() else hex_escape(ch)
        return s, len(s)
    if category in ("Mn", "Me"):
        return ch, 0
    return ch, 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def hex_escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escape(s: str, ascii_only: bool) -> str:
    """Text for the terminal: control characters escaped (line breaks kept), and in ASCII mode
    everything spelled in ASCII."""
    if ascii_only:
        s = ascii_text(s)
    return "\n".join("".join(shown_as(ch, ascii_only)[0] for ch in line) for line in s.split("\n"))


def excerpt(source: str, start: int, end: int, ascii_only: bool) -> str:
    """The line of ``source`` around ``start`` with carets under ``start``..``end``, in the
    columns the terminal shows (escapes and wide characters counted), long lines windowed."""
    start = max(0, min(start, len(source)))
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", start)
    if line_end == -1:
        line_end = len(source)
    pieces = [shown_as(ch, ascii_only) for ch in source[line_start:line_end]]
    columns = [0]
    for _, width in pieces:
        columns.append(columns[-1] + width)
    first = start - line_start
    last = max(first + 1, min(end, line_end) - line_start)
    caret_from = columns[first]
    caret_to = columns[min(last, len(pieces))] if first < len(pieces) else caret_from + 1
    caret_to = max(caret_to, caret_from + 1)
    lo, hi = 0, len(pieces)
    if columns[-1] > EXCERPT_WIDTH:  # a window around the caret
        want = max(0, caret_from - EXCERPT_WIDTH // 3)
        lo = next(i for i, c in enumerate(columns) if c >= want)
        hi = next((i for i, c in enumerate(columns) if c > columns[lo] + EXCERPT_WIDTH), None)
        hi = len(pieces) if hi is None else hi - 1
    shown = "".join(s for s, _ in pieces[lo:hi])
    prefix = "..." if lo > 0 else ""
    suffix = "..." if hi < len(pieces) else ""
    offset = columns[lo] - len(prefix)
    carets = min(caret_to, columns[hi]) - caret_from if caret_from < columns[hi] else 1
    line = f"  {prefix}{shown}{suffix}"
    return line.rstrip() + "\n  " + " " * (caret_from - offset) + "^" * max(1, carets)


def render_error(err: MatDiffError, lang: str, ascii_only: bool) -> str:
    """``err.render(lang)``, made safe for the terminal (see :func:`escape`, :func:`excerpt`)."""
    out = escape(as_option(err.message_in(lang)), ascii_only)
    if err.line is not None:
        position = {"line": err.line, "column": err.column}
        out += escape(format_message("error.position", position, lang), ascii_only)
    if err.source is not None and err.span is not None:
        out += "\n" + excerpt(err.source, err.span.start, err.span.end, ascii_only)
    for hint in err.hints:
        out += "\n" + escape(str(render_value(hint, lang)), ascii_only)
    return out


def report(err: MatDiffError, lang: str, ascii_only: bool) -> None:
    colon = ": " if ascii_only else separator("colon", lang)
    full = f"{message('error', lang)}{colon}{render_error(err, lang, ascii_only)}"
    if not ascii_only and not encodes(sys.stderr, full):
        lang = lang if encodes(sys.stderr, message("error", lang)) else "en"
        full = f"{message('error', lang)}: {render_error(err, lang, True)}"
    write(sys.stderr, full)


def decoded(arg: str) -> str:
    """An argument as typed: in a C locale Python reads UTF-8 arguments as lone surrogates
    (θ becomes two of them); decode those bytes as UTF-8 where they are UTF-8."""
    try:
        return arg.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return arg
