"""What the magic shows, as strings: pure functions of results (no IPython, no widgets).

``build_content`` renders every layout and every method once; the widget only swaps these
strings, and the static fallback (text/latex, text/markdown, text/plain) uses the same pieces.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape

from matdiff_magic.check import CheckReport
from matdiff_magic.compare import Comparison
from matdiff_magic.errors import MatDiffError
from matdiff_magic.frontend.per_layout import PerLayout
from matdiff_magic.frontend.render_header import header_parts, header_rows
from matdiff_magic.frontend.render_steps import MIN_COLUMN
from matdiff_magic.frontend.render_views import Badge, MethodView, badge, method_view
from matdiff_magic.frontend.render_words import (
    ALL,
    BAD_COLOUR,
    NEUTRAL_COLOUR,
    Formula,
    as_option,
    fill,
    layout_description,
    method_title,
)
from matdiff_magic.i18n import message, separator
from matdiff_magic.layout import LAYOUTS
from matdiff_magic.messages import format_message
from matdiff_magic.printing.base import sharing_memos
from matdiff_magic.printing.steps import latex_text
from matdiff_magic.result import Result


# -- everything --------------------------------------------------------------------------------
@dataclass
class Content:
    """Every string the display needs, for every layout and method (one language)."""

    lang: str
    methods: list[str]
    titles: dict[str, str]
    headers: Mapping[str, dict[str, str]]  # layout -> mode -> header
    views: Mapping[str, dict[str, MethodView]]  # layout -> method -> view
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
            # As many columns as fit at MIN_COLUMN each (but never wider than the box); the
            # other methods wrap onto further rows.
            body = (
                "<div class='matdiff-grid' style='display:grid;grid-template-columns:"
                f"repeat(auto-fit,minmax(min({MIN_COLUMN},100%),1fr));gap:1em 1.5em'>"
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

    def stacked_html(self, layout: str) -> str:
        """Every method one below the other, each with its rule names: what a ``Comparison``
        shows on its own (no columns to clip, in any width), the badge under the header."""
        methods = "".join(v.html for v in self.views[layout].values())
        return (
            "<div class='matdiff-stacked'>"
            + self.headers[layout]["html"]
            + (f"<p>{self.badge.html}</p>" if self.badge.text else "")
            + methods
            + self._failed_html()
            + self._skipped_html()
            + self._notes_html()
            + "</div>"
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
        colon = separator("colon", self.lang)
        title = message("ui.not_applicable", self.lang)
        return f"{title}{colon}{method_title(method, self.lang)}{colon}{why}"

    def static_bundle(self, layout: str) -> dict[str, str]:
        """text/latex, text/markdown and text/plain for a notebook read without a kernel."""
        return {
            "text/latex": self.latex(layout),
            "text/markdown": self.markdown(layout),
            "text/plain": self.plain(layout),
        }


def _header(r: Result, lang: str, statements: Sequence[str] = ()) -> dict[str, str]:
    parts = header_parts(r, lang)  # the formulas printed once for the four modes

    def rows(mode: str) -> list[str]:
        out = [fill(template, mode, **fields) for template, fields in parts]
        # ``statements`` (where sizes came from) go with the variables, before what to find
        return out[:-1] + [fill("{s}", mode, s=s) for s in statements] + out[-1:]

    return {
        "latex": r"\begin{array}{l}" + r" \\ ".join(rows("latex")) + r"\end{array}",
        "html": "<div class='matdiff-header'>"
        + "".join(f"<div>{row}</div>" for row in rows("html"))
        + "</div>",
        "markdown": "\n\n".join(rows("markdown")),
        "text": "\n".join(rows("text")),
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
    statements: Sequence[str] = (),
) -> Content:
    """Render ``results`` (layout -> method -> Result) once, for every layout and method.

    ``skipped`` says why methods do not apply; ``reasons`` (method -> error) says it in ``lang``.
    ``failed`` (method -> error) are methods that failed while others succeeded: each is shown
    as an error of its own and the badge is red. ``sizes_note``: see :func:`badge`.
    ``statements``: sentences the problem statement adds (which names the namespace gave).
    """
    failed = dict(failed or {})
    layouts = [layout for layout in LAYOUTS if layout in results]
    # the methods, read from a layout already made (results may be made per layout on demand)
    made = results.made() if isinstance(results, PerLayout) else layouts
    methods = list(results[(made or layouts)[0]])
    # Rendered when a layout is first shown: the cell shows one, the layout toggle the others
    # (printing every derivation in every layout up front was most of a cell's cost); every
    # expression printed once for all of them (the methods share lines, the header the result's
    # symbol, the HTML the LaTeX's formulas).
    memos: dict = {}

    def views_in(layout: str) -> dict[str, MethodView]:
        with sharing_memos(memos):
            return {m: method_view(m, r, lang) for m, r in results[layout].items()}

    def header_in(layout: str) -> dict[str, str]:
        with sharing_memos(memos):
            return _header(next(iter(results[layout].values())), lang, statements)

    views = PerLayout(layouts, views_in)
    headers = PerLayout(layouts, header_in)
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
    return f"{message('error', lang)}{separator('colon', lang)}{body}"


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
    return {m: as_option(why) for m, why in out.items()}


def error_text(err: Exception, lang: str = "en", first_line: int = 1) -> str:
    """An error as the user reads it: "error: message (line, column)", caret and hints;
    ``first_line``: the editor's number of the source's first line."""
    text = err.render(lang, first_line) if isinstance(err, MatDiffError) else str(err)
    return f"{message('error', lang)}{separator('colon', lang)}{as_option(text)}"


def error_bundle(err: Exception, lang: str = "en", first_line: int = 1) -> dict[str, str]:
    """A short error message with its caret (no traceback), in ``lang``."""
    body = error_text(err, lang, first_line)
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
