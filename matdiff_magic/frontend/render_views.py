"""One method's view (its derivation in every mode) and the badge (whether the methods agree
and match finite differences)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from matdiff_magic.check import CheckReport
from matdiff_magic.compare import Comparison
from matdiff_magic.frontend.render_header import result_wheres
from matdiff_magic.frontend.render_steps import derivation_htmls, result_html
from matdiff_magic.frontend.render_words import (
    BAD_COLOUR,
    NEUTRAL_COLOUR,
    OK_COLOUR,
    fill,
    method_title,
    shape,
)
from matdiff_magic.i18n import message, parenthesized, separator
from matdiff_magic.messages import Join, format_message
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.steps import latex_text
from matdiff_magic.printing.text import text
from matdiff_magic.result import Result


# -- one method ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MethodView:
    """One method's derivation in one layout, in every output form."""

    method: str
    title: str
    derivation_latex: str  # \begin{aligned} ... \end{aligned}
    boxed_latex: str  # \boxed{∂f/∂x = ...} and the shape
    text: str  # the derivation as text, then the result and its shape
    # The HTML views (render_steps): rows that wrap, the rule names and their identities.
    derivation_html: str = ""
    compact_derivation_html: str = ""
    result_html: str = ""

    @property
    def compact_latex(self) -> str:
        """The derivation without the rule names (plain LaTeX form): made when asked for (no
        display shows it), not printed again."""
        return without_rules(self.derivation_latex)

    @property
    def html(self) -> str:
        return self._html(self.derivation_html)

    @property
    def compact_html(self) -> str:
        """For the side-by-side grid: the rule names go under each formula, not beside it."""
        return self._html(self.compact_derivation_html or self.derivation_html)

    def _html(self, derivation: str) -> str:
        return (
            "<div class='matdiff-method' style='min-width:0;max-width:100%'>"
            f"<h4 style='margin:0.4em 0'>{escape(self.title)}</h4>"
            f"{derivation}{self.result_html}</div>"
        )

    @property
    def markdown(self) -> str:
        return f"**{self.title}**\n\n$$\n{self.derivation_latex}\n$$\n\n$$\n{self.boxed_latex}\n$$"

    @property
    def latex(self) -> str:
        return (
            r"$$\textbf{" + latex_text(self.title) + "}$$\n"
            f"$${self.derivation_latex}$$\n$${self.boxed_latex}$$"
        )


def method_view(method: str, r: Result, lang: str) -> MethodView:
    symbol = r.symbol  # worked out, and printed, once for the four forms
    symbol_latex, size = latex(symbol), shape(r.shape)
    size_message = message("ui.size", lang)
    where_latex, where_text, where_html = result_wheres(r, lang, ("latex", "text", "html"))
    boxed = r"\boxed{" + symbol_latex + " = " + r.latex + r"}\qquad "
    boxed += fill(size_message, "latex", size=size)
    boxed += r"\qquad " + where_latex if where_latex else ""
    result_line = f"⇒ {text(symbol)} = {r.text}   " + parenthesized(
        fill(size_message, "text", size=size), lang
    )
    result_line += f"\n  {where_text}" if where_text else ""
    wide_html, compact_html = derivation_htmls(r.steps, lang)  # the steps printed once for both
    return MethodView(
        method,
        method_title(method, lang),
        r.steps.latex(lang=lang),
        boxed,
        r.steps.text(lang=lang) + "\n" + result_line,
        wide_html,
        compact_html,
        result_html(symbol_latex, r.latex, fill(size_message, "html", size=size))
        + (f"<div class='matdiff-where'>{where_html}</div>" if where_html else ""),
    )


RULE_COLUMN = r" && \text{"


def without_rules(derivation: str) -> str:
    r"""A derivation's LaTeX (``Derivation.latex``) without its rule-name column: each
    `` && \text{...}`` removed (its braces balanced; ``\{``, ``\}`` inside are escaped). The
    same as printing it with ``rules=False``."""
    out, i = [], 0
    while (start := derivation.find(RULE_COLUMN, i)) != -1:
        out.append(derivation[i:start])
        j, depth = start + len(RULE_COLUMN), 1
        while depth:
            ch = derivation[j]
            if ch == "\\":
                j += 2
                continue
            depth += {"{": 1, "}": -1}.get(ch, 0)
            j += 1
        i = j
    out.append(derivation[i:])
    return "".join(out)


# -- the badge -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Badge:
    text: str
    ok: bool | None  # None: nothing was compared

    @property
    def html(self) -> str:
        colour = NEUTRAL_COLOUR if self.ok is None else OK_COLOUR if self.ok else BAD_COLOUR
        return (
            f"<span class='matdiff-badge' style='display:inline-block;padding:2px 10px;"
            f"border:1px solid {colour};border-radius:12px;color:{colour};font-weight:bold'>"
            f"{escape(self.text)}</span>"
        )


def badge(
    methods: Sequence[str],
    lang: str,
    comparison: Comparison | None = None,
    checks: Mapping[str, CheckReport] | None = None,
    check_error: str | None = None,
    *,
    failed: Sequence[str] = (),
    sizes_note: str | None = None,
) -> Badge:
    """Whether the methods agree and (with checks) whether they match finite differences.

    ``failed`` names methods that failed (their errors are shown apart): the badge is red.
    ``sizes_note`` says at which sizes the numbers were computed when they are not the sizes
    shown in the derivations."""
    parts: list[str] = []
    verdicts: list[bool] = []
    if len(methods) >= 2 and comparison is not None:
        if comparison.agree_symbolic and comparison.agree_numeric:
            parts.append(message("badge.agree", lang).format(n=len(methods)))
        elif comparison.agree_numeric:
            parts.append(message("badge.agree_numeric", lang).format(n=len(methods)))
        else:
            parts.append(
                message("badge.disagree", lang).format(err=f"{comparison.max_rel_diff:.1e}")
            )
        verdicts.append(comparison.agree_numeric)
    elif methods:
        parts.append(message("badge.one", lang).format(method=method_title(methods[0], lang)))
    if checks:
        worst = max(report.max_rel_error for report in checks.values())
        ok = all(report.ok for report in checks.values())
        parts.append(
            message("badge.fd_ok" if ok else "badge.fd_bad", lang).format(err=f"{worst:.1e}")
        )
        verdicts.append(ok)
    if check_error:
        parts.append(message("badge.fd_failed", lang).format(reason=check_error))
        verdicts.append(False)
    if failed:
        titles = Join([method_title(m, lang) for m in failed], "comma")
        parts.append(format_message("error.methods_failed", {"methods": titles}, lang))
        verdicts.append(False)
    if sizes_note:
        parts.append(sizes_note)
    return Badge(separator("semicolon", lang).join(parts), all(verdicts) if verdicts else None)
