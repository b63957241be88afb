"""What the magic shows, as strings: pure functions of results (no IPython, no widgets).

``build_content`` renders every layout and every method once; the widget only swaps these
strings, and the static fallback (text/latex, text/markdown, text/plain) uses the same pieces.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

import sympy

from matdiff_magic.check import CheckReport
from matdiff_magic.compare import Comparison
from matdiff_magic.dims import ONE, dim_text
from matdiff_magic.errors import MatDiffError
from matdiff_magic.i18n import MESSAGES, message
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.messages import Join, format_message
from matdiff_magic.notation import kind_of, shape_latex
from matdiff_magic.printing.latex import latex, latex_dim
from matdiff_magic.printing.names import latex_name, text_name
from matdiff_magic.printing.steps import latex_text
from matdiff_magic.printing.text import text
from matdiff_magic.result import Result
from matdiff_magic.tree import nodes as N
from matdiff_magic.tree.base import Expr

ALL = "all"
MODES = ("latex", "html", "markdown", "text")
OK_COLOUR, BAD_COLOUR, NEUTRAL_COLOUR = "#1a7f37", "#cf222e", "#57606a"


@dataclass(frozen=True)
class Formula:
    """A formula in both notations (LaTeX without $, and Unicode text)."""

    latex: str
    text: str


def formula(e: Expr) -> Formula:
    return Formula(latex(e), text(e))


def fill(template: str, mode: str, **fields: Formula | str) -> str:
    """Fill a message template: words stay words, Formula fields become math in ``mode``.

    ``mode`` is "latex" (inside math: words go in \\text{}), "html" (words escaped, math in
    $...$), "markdown" (math in $...$) or "text" (formulas as Unicode text).
    """
    out = []
    for literal, name, _, _ in string.Formatter().parse(template):
        if literal:
            out.append(_words(literal, mode))
        if name is None:
            continue
        value = fields[name]
        if isinstance(value, Formula):
            out.append(_math(value, mode))
        else:
            out.append(_words(value, mode))
    return "".join(out)


def _words(s: str, mode: str) -> str:
    if mode == "latex":
        return r"\text{" + latex_text(s) + "}" if s else ""
    if mode == "html":
        return escape(s)
    return s


def _math(f: Formula, mode: str) -> str:
    if mode == "latex":
        return f.latex
    if mode == "html":
        return "$" + escape(f.latex, quote=False) + "$"
    if mode == "markdown":
        return "$" + f.latex + "$"
    return f.text


def method_title(method: str, lang: str) -> str:
    key = f"method.{method}"
    return message(key, lang) if key in MESSAGES else method


def _kind_word(var: N.Var, lang: str) -> str:
    if var.symmetric:
        return message("ui.symmetric_matrix", lang)
    return message(f"kind.{kind_of(var.shape)}", lang)


def _space(var: N.Var) -> Formula:
    """ℝ^{m×n} for the variable's type."""
    rows, cols = var.shape
    if rows == ONE and cols == ONE:
        return Formula(r"\mathbb{R}", "ℝ")
    if cols == ONE:
        return Formula(r"\mathbb{R}^{" + latex_dim(rows) + "}", "ℝ^" + dim_label(rows))
    return Formula(
        r"\mathbb{R}^{" + latex_dim(rows) + r" \times " + latex_dim(cols) + "}",
        f"ℝ^({dim_label(rows)}×{dim_label(cols)})",
    )


def _member(var: N.Var) -> Formula:
    space = _space(var)
    return Formula(
        latex_name(var.name) + r" \in " + space.latex, text_name(var.name) + " ∈ " + space.text
    )


def dim_label(d: sympy.Expr) -> str:
    """A dimension as text, powers included (m² rather than m**2)."""
    return dim_text(d)


def _shape(shape: tuple) -> Formula:
    return Formula(shape_latex(shape), f"{dim_label(shape[0])}×{dim_label(shape[1])}")


def layout_description(r: Result, lang: str) -> str:
    if r.orientation == "hessian":
        return message("hessian", lang)
    name = message(f"layout.{r.layout}", lang)
    if r.layout == "mixed":
        return message("ui.layout_here", lang).format(
            layout=name, orientation=message(f"layout.{r.orientation}", lang)
        )
    return name


# -- the header: the problem restated -------------------------------------------------------------
def header_rows(r: Result, lang: str, mode: str) -> list[str]:
    """The problem: the function, its definitions, each variable with kind and size, the goal."""
    problem = r.problem
    fname = Formula(latex_name(r.name), text_name(r.name))
    outer = formula(problem.outer)
    function = Formula(fname.latex + " = " + outer.latex, fname.text + " = " + outer.text)
    task = message("ui.task.hessian" if r.order == 2 else "ui.task", lang)
    rows = [fill(task, mode, f=function, x=Formula(latex_name(r.wrt.name), text_name(r.wrt.name)))]
    if problem.definitions:
        defs = [
            Formula(
                latex_name(d.name) + " = " + latex(d.expr),
                text_name(d.name) + " = " + text(d.expr),
            )
            for d in problem.definitions
        ]
        fields = {f"d{i}": d for i, d in enumerate(defs)}
        template = message("ui.where", lang) + " " + ", ".join("{" + k + "}" for k in fields)
        rows.append(fill(template, mode, **fields))
    for var in problem.variables.values():
        rows.append(
            fill(
                message("ui.variable", lang),
                mode,
                v=_member(var),
                kind=_kind_word(var, lang),
                size=_shape(var.shape),
            )
        )
    if r.wrt.name in problem.definition_names:
        rows.append(
            fill(
                message("ui.variable.intermediate", lang),
                mode,
                v=_member(r.wrt),
                kind=message("ui.intermediate", lang),
            )
        )
    find = message("ui.find", lang)
    rows.append(
        fill(
            find,
            mode,
            symbol=formula(r.symbol),
            where=layout_description(r, lang),
            size=_shape(r.shape),
        )
    )
    return rows


# -- one method ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class MethodView:
    """One method's derivation in one layout, in every output form."""

    method: str
    title: str
    derivation_latex: str  # \begin{aligned} ... \end{aligned}
    boxed_latex: str  # \boxed{∂f/∂x = ...} and the shape
    text: str  # the derivation as text, then the result and its shape
    compact_latex: str = ""  # the derivation without the rule names (side-by-side view)

    @property
    def html(self) -> str:
        return self._html(self.derivation_latex)

    @property
    def compact_html(self) -> str:
        """For the side-by-side grid: the rule names are left out so the columns fit; the
        single-method view shows them."""
        return self._html(self.compact_latex or self.derivation_latex)

    def _html(self, derivation: str) -> str:
        return (
            "<div class='matdiff-method' style='overflow-x:auto'>"
            f"<h4 style='margin:0.4em 0'>{escape(self.title)}</h4>"
            f"<div>$${escape(derivation, quote=False)}$$</div>"
            f"<div>$${escape(self.boxed_latex, quote=False)}$$</div></div>"
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
    size = fill(message("ui.size", lang), "latex", size=_shape(r.shape))
    boxed = r"\boxed{" + latex(r.symbol) + " = " + r.latex + r"}\qquad " + size
    result_line = (
        f"⇒ {text(r.symbol)} = {r.text}   ("
        + fill(message("ui.size", lang), "text", size=_shape(r.shape))
        + ")"
    )
    return MethodView(
        method,
        method_title(method, lang),
        r.steps.latex(lang=lang),
        boxed,
        r.steps.text(lang=lang) + "\n" + result_line,
        r.steps.latex(lang=lang, rules=False),
    )


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
    return Badge("; ".join(parts), all(verdicts) if verdicts else None)


# -- everything --------------------------------------------------------------------------------
@dataclass
class Content:
    """Every string the display needs, for every layout and method (one language)."""

    lang: str
    methods: list[str]
    titles: dict[str, str]
    headers: dict[str, dict[str, str]]  # layout -> mode -> header
    views: dict[str, dict[str, MethodView]]  # layout -> method -> view
    badge: Badge
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # method -> "error: <method> failed: <why>" (a method that failed while others succeeded)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def layouts(self) -> list[str]:
        return list(self.views)

    @property
    def view_names(self) -> list[str]:
        return [*self.methods, ALL] if len(self.methods) > 1 else list(self.methods)

    @property
    def default_view(self) -> str:
        return ALL if len(self.methods) > 1 else self.methods[0]

    # -- html for the widget ------------------------------------------------------------------
    def html(self, layout: str, view: str | None = None) -> str:
        """The HTMLMath value for one layout and one view (a method, or "all" side by side)."""
        view = view or self.default_view
        views = self.views[layout]
        if view == ALL:
            columns = len(views)
            body = (
                "<div class='matdiff-grid' style='display:grid;"
                f"grid-template-columns:repeat({columns},minmax(0,1fr));gap:1.5em'>"
                + "".join(v.compact_html for v in views.values())
                + "</div>"
            )
        else:
            body = views[view].html
        return (
            self.headers[layout]["html"]
            + body
            + self._failed_html()
            + self._skipped_html()
            + self._notes_html()
        )

    def _failed_html(self) -> str:
        return "".join(
            f"<pre class='matdiff-failed' style='color:{BAD_COLOUR};white-space:pre-wrap'>"
            f"{escape(text)}</pre>"
            for text in self.failed.values()
        )

    def _skipped_html(self) -> str:
        if not self.skipped:
            return ""
        items = "".join(
            f"<li>{escape(method_title(m, self.lang))}: {escape(why)}</li>"
            for m, why in self.skipped.items()
        )
        return (
            f"<details style='color:{NEUTRAL_COLOUR}'><summary>"
            f"{escape(message('ui.not_applicable', self.lang))} ({len(self.skipped)})"
            f"</summary><ul>{items}</ul></details>"
        )

    def _notes_html(self) -> str:
        return "".join(
            f"<p style='color:{NEUTRAL_COLOUR};font-size:90%'>{escape(n)}</p>" for n in self.notes
        )

    # -- the static fallback ------------------------------------------------------------------
    def plain(self, layout: str) -> str:
        parts = [self.headers[layout]["text"]]
        for v in self.views[layout].values():
            parts.append(f"[{v.title}]\n{v.text}")
        if self.badge.text:
            parts.append(self.badge.text)
        parts += list(self.failed.values())
        parts += [self._skipped_line(m, why) for m, why in self.skipped.items()]
        parts += self.notes
        return "\n\n".join(parts)

    def markdown(self, layout: str) -> str:
        parts = [self.headers[layout]["markdown"]]
        parts += [v.markdown for v in self.views[layout].values()]
        if self.badge.text:
            parts.append(f"**{self.badge.text}**")
        parts += ["```text\n" + text + "\n```" for text in self.failed.values()]
        if self.skipped:
            parts.append(
                "\n".join(f"- {self._skipped_line(m, why)}" for m, why in self.skipped.items())
            )
        parts += [f"*{n}*" for n in self.notes]
        return "\n\n".join(parts)

    def latex(self, layout: str) -> str:
        parts = ["$$" + self.headers[layout]["latex"] + "$$"]
        parts += [v.latex for v in self.views[layout].values()]
        lines = [self.badge.text] if self.badge.text else []
        lines += [line for text in self.failed.values() for line in text.splitlines()]
        lines += [self._skipped_line(m, why) for m, why in self.skipped.items()] + self.notes
        if lines:
            parts.append(
                r"$$\begin{array}{l}"
                + r" \\ ".join(r"\text{" + latex_text(s) + "}" for s in lines)
                + r"\end{array}$$"
            )
        return "\n".join(parts)

    def _skipped_line(self, method: str, why: str) -> str:
        return (
            f"{message('ui.not_applicable', self.lang)}: {method_title(method, self.lang)}: {why}"
        )

    def static_bundle(self, layout: str) -> dict[str, str]:
        """text/latex, text/markdown and text/plain for a notebook read without a kernel."""
        return {
            "text/latex": self.latex(layout),
            "text/markdown": self.markdown(layout),
            "text/plain": self.plain(layout),
        }


def _header(r: Result, lang: str) -> dict[str, str]:
    latex_rows = header_rows(r, lang, "latex")
    return {
        "latex": r"\begin{array}{l}" + r" \\ ".join(latex_rows) + r"\end{array}",
        "html": "<div class='matdiff-header'>"
        + "".join(f"<div>{row}</div>" for row in header_rows(r, lang, "html"))
        + "</div>",
        "markdown": "\n\n".join(header_rows(r, lang, "markdown")),
        "text": "\n".join(header_rows(r, lang, "text")),
    }


def build_content(
    results: Mapping[str, Mapping[str, Result]],
    lang: str = "en",
    *,
    comparison: Comparison | None = None,
    skipped: Mapping[str, str] | None = None,
    reasons: Mapping[str, MatDiffError] | None = None,
    checks: Mapping[str, CheckReport] | None = None,
    check_error: str | None = None,
    notes: Sequence[str] = (),
    failed: Mapping[str, MatDiffError] | None = None,
    sizes_note: str | None = None,
) -> Content:
    """Render ``results`` (layout -> method -> Result) once, for every layout and method.

    ``skipped`` says why methods do not apply; ``reasons`` (method -> error) says it in ``lang``.
    ``failed`` (method -> error) are methods that failed while others succeeded: each is shown
    as an error of its own and the badge is red. ``sizes_note``: see :func:`badge`.
    """
    failed = dict(failed or {})
    layouts = [layout for layout in LAYOUTS if layout in results]
    methods = list(results[layouts[0]])
    views = {
        layout: {m: method_view(m, r, lang) for m, r in results[layout].items()}
        for layout in layouts
    }
    headers = {layout: _header(next(iter(results[layout].values())), lang) for layout in layouts}
    return Content(
        lang=lang,
        methods=methods,
        titles={m: method_title(m, lang) for m in methods},
        headers=headers,
        views=views,
        badge=badge(
            methods,
            lang,
            comparison,
            checks,
            check_error,
            failed=list(failed),
            sizes_note=sizes_note,
        ),
        skipped=_skipped(skipped or {}, reasons or {}, lang),
        notes=list(notes),
        failed={m: failure_text(m, err, lang) for m, err in failed.items()},
    )


def failure_text(method: str, err: Exception, lang: str = "en") -> str:
    """A method's failure as the user reads it: "error: <method> failed: <why>"."""
    reason = err.render(lang) if isinstance(err, MatDiffError) else str(err)
    body = format_message(
        "error.method_failed", {"method": method_title(method, lang), "reason": reason}, lang
    )
    return f"{message('error', lang)}: {body}"


def content_for(obj: Result | Comparison, lang: str = "en") -> Content:
    """The content for a ``Result`` or ``Comparison`` (every layout via ``with_layout``)."""
    if isinstance(obj, Comparison):
        results = {layout: obj.with_layout(layout).results for layout in LAYOUTS}
        return build_content(
            results, lang, comparison=obj, skipped=obj.skipped, reasons=obj.reasons
        )
    results = {layout: {obj.method: obj.with_layout(layout)} for layout in LAYOUTS}
    return build_content(results, lang)


def _skipped(
    skipped: Mapping[str, str], reasons: Mapping[str, MatDiffError], lang: str
) -> dict[str, str]:
    """Method -> why it does not apply, in ``lang`` where the reason is known as an error."""
    out = {m: reasons[m].message_in(lang) if m in reasons else why for m, why in skipped.items()}
    for m, err in reasons.items():
        out.setdefault(m, err.message_in(lang))
    return out


def error_text(err: Exception, lang: str = "en") -> str:
    """An error as the user reads it: "error: message (line, column)", caret and hints."""
    text = err.render(lang) if isinstance(err, MatDiffError) else str(err)
    return f"{message('error', lang)}: {text}"


def error_bundle(err: Exception, lang: str = "en") -> dict[str, str]:
    """A short error message with its caret (no traceback), in ``lang``."""
    body = error_text(err, lang)
    return {
        "text/plain": body,
        "text/html": f"<pre style='color:{BAD_COLOUR};white-space:pre-wrap'>{escape(body)}</pre>",
    }


__all__ = [
    "Content",
    "MethodView",
    "Badge",
    "Formula",
    "build_content",
    "content_for",
    "badge",
    "fill",
    "header_rows",
    "method_view",
    "error_bundle",
    "error_text",
    "failure_text",
    "layout_description",
    "ALL",
]
