"""The ``%%matdiff`` cell magic and ``%matdiff`` line magic (``%load_ext matdiff_magic``).

The magic is glue: options are parsed here, the work is done by ``session.solve`` (through
the public API), strings come from ``render``, and one ``display`` call shows the widget with
its static fallback. Errors are shown as one short message with its caret; the namespace is
only written by ``-o NAME``, and only on success (and never a name Python or IPython needs:
``In``, ``Out``, ``get_ipython``, built-in names, names starting with "_"). Numbers (agreement,
--check, --plot) are computed at small sizes whatever the size of the arrays in the namespace.
"""

from __future__ import annotations

import base64
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from IPython.display import display
from traitlets import Enum
from traitlets.config import Configurable

from matdiff_magic.answers import check_against
from matdiff_magic.compare import Comparison
from matdiff_magic.derivation_check import check_derivation
from matdiff_magic.errors import MatDiffError, Msg
from matdiff_magic.frontend import completion
from matdiff_magic.frontend.answer_view import answer_bundle, derivation_bundle
from matdiff_magic.frontend.display_once import shown_once
from matdiff_magic.frontend.options import MAGIC_OPTIONS, METHOD_HELP, code_for
from matdiff_magic.frontend.render import Content, build_content, error_bundle, error_text
from matdiff_magic.frontend.session import (
    LANGS,
    Options,
    Solved,
    describe_namespace,
    requested_language,
    solve,
    split_line,
)
from matdiff_magic.i18n import default_language, message
from matdiff_magic.messages import Join, format_message
from matdiff_magic.result import Result

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure


class MatDiff(Configurable):
    """Settings of the ``%%matdiff`` magic: ``%config MatDiff.lang = "zh"``."""

    lang = Enum(
        LANGS,
        default_value=None,
        allow_none=True,
        help="Language of derivations and messages (en or zh); unset: $MATDIFF_LANG, else en.",
    ).tag(config=True)

    def language(self, override: str | None = None) -> str:
        return override or self.lang or default_language()


class CellError(Exception):
    """A ``%%matdiff`` cell that failed: IPython shows ``_render_traceback_()`` in place of a
    traceback, so the user sees the one message with its caret, and the cell is in the error
    state (Run All stops, ``nbconvert --execute`` fails, nbval reports it unless the cell is
    tagged ``raises-exception``)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def _render_traceback_(self) -> list[str]:
        return self.text.splitlines()


def with_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The magic's options from the one table (``options.OPTIONS``, which the command line
    reads too), and its docstring (what ``%%matdiff?`` shows) ending with what each method
    does; IPython's ``magic_arguments`` adds the usage and every option with its default."""
    methods = [
        textwrap.fill(f"{name}: {what}", 88, initial_indent=" " * 10, subsequent_indent=" " * 12)
        for name, what in METHOD_HELP.items()
    ]
    func.__doc__ = (func.__doc__ or "").rstrip() + "\n\n        Methods (--method)::\n\n"
    func.__doc__ += "\n".join(methods) + "\n"
    for option in reversed(MAGIC_OPTIONS):
        func = argument(*option.flags, **option.argparse_keywords("magic"))(func)
    return magic_arguments()(func)


@magics_class
class MatDiffMagics(Magics):
    """Holds the ``matdiff`` magic; ``settings`` is the :class:`MatDiff` configurable."""

    def __init__(self, shell: InteractiveShell, settings: MatDiff | None = None) -> None:
        super().__init__(shell)
        self.settings = settings if settings is not None else MatDiff(parent=shell)

    @with_options
    @no_var_expand
    @line_cell_magic
    def matdiff(self, line: str, cell: str | None = None) -> Result | Comparison | None:
        """Differentiate a matrix expression and show the derivation step by step.

        Cell magic: declarations, optional definitions and comments, then the expression to
        differentiate on the last line (bare, or as ``f = ...``)::

            %%matdiff --wrt θ --check
            X: matrix(m, n); y: vector(m)
            e = X θ - y          # an intermediate (used by the chain rule)
            f = e' e

        Line magic, options after the expression::

            %matdiff x' A x --wrt x --layout numerator

        The result is returned too (``r = %matdiff x' A x --wrt x``) and stored by ``-o NAME``:
        a ``Result`` when one method is shown, a ``Comparison`` when several are (used like a
        Result: ``.latex``, ``.text``, ``.sympy()``, ``.evaluate(values)``, ``.with_layout()``,
        ``.numpy_code()``; each method's own result is in ``.results``). It is shown once.

        Names in the cell that are bound to NumPy arrays (or numbers) in the namespace and not
        declared in the cell take their shapes from those arrays, and their values are used by
        --check and --plot (numbers are computed at small sizes: a larger array is replaced by
        its leading block, and the badge says so); the problem statement says which names did,
        and ``--no-namespace`` ignores the namespace. The line is not subject to {}/$
        expansion, so LaTeX-style braces pass through. An error fails the cell with one message
        and a caret under the offending spot (lines numbered as the editor numbers them).
        """
        solved = self.run(line, cell)
        if solved is None:
            return None
        shown_once(self.shell, solved.result)
        return solved.result

    # -- the work ---------------------------------------------------------------------------
    def run(self, line: str, cell: str | None = None) -> Solved | None:
        """Run the magic; returns what was computed. An error fails the cell (:class:`CellError`),
        so Run All and ``nbconvert --execute`` stop there."""
        lang = self.settings.language()
        try:
            source, option_text = split_line(line) if cell is None else (cell, line)
            # --lang applies to errors in the options themselves, too.
            lang = self.settings.language(requested_language(option_text))
            if cell is None and not source:
                raise MatDiffError(Msg("error.empty_line"))
            options = self.options(option_text, lang)
            lang = self.settings.language(options.lang)
            if options.check_steps:
                return self.check_steps(cell, options, lang)
            hidden = getattr(self.shell, "user_ns_hidden", {})
            namespace = {} if options.no_namespace else self.shell.user_ns
            solved = solve(source, options, namespace, lang, reserved=set(hidden))
        except MatDiffError as err:
            # in a cell the editor numbers the %%matdiff line 1, the cell's text from 2
            raise CellError(error_text(err, lang, first_line=1 if cell is None else 2)) from None
        if isinstance(solved.result, Comparison):
            solved.result = solved.result.in_language(lang)
        self.show(solved)
        if options.output:
            self.shell.user_ns[options.output] = solved.result
        return solved

    def options(self, text: str, lang: str) -> Options:
        try:
            args = parse_argstring(self.matdiff, text)
        except (UsageError, ValueError) as err:
            raise MatDiffError(Msg("error.option", detail=str(err))) from None
        return Options(
            wrt=args.wrt,
            layout=args.layout,
            method=args.method,
            order=args.order,
            symmetric=args.symmetric,
            expand_names=args.expand_names,
            check=args.check,
            plot=args.plot,
            code=args.code,
            lang=args.lang,
            static=args.static,
            output=args.output,
            answer=_unquoted(args.answer),
            check_steps=args.check_steps,
            no_namespace=args.no_namespace,
        )

    def check_steps(self, cell: str | None, options: Options, lang: str) -> None:
        """--check-steps: the cell is a hand derivation; show the verdict on every line."""
        if cell is None or not options.wrt:
            raise MatDiffError(Msg("derivation.magic_usage"))
        checked = check_derivation(cell, options.wrt, lang=lang, seed=options.seed)
        display(derivation_bundle(checked, lang), raw=True)
        return None

    # -- showing ----------------------------------------------------------------------------
    def show(self, solved: Solved) -> None:
        options = solved.options
        content = content_of(solved)
        if options.answer is not None:
            display(answer_bundle(check_against(solved.primary, options.answer), solved.lang),
                    raw=True)  # fmt: skip
        display(bundle(content, options.layout, static=options.static), raw=True)
        if options.code:
            self.show_code(solved)
        if options.plot:
            self.show_plots(solved)

    def show_code(self, solved: Solved) -> None:
        try:
            print(code_for(solved.primary, solved.options.code, solved.lang))
        except MatDiffError as err:
            display(error_bundle(err, solved.lang), raw=True)

    def show_plots(self, solved: Solved) -> None:
        from matdiff_magic.frontend import plots

        # The small-size twin: plotting never evaluates at the namespace's (possibly huge) sizes.
        twin = solved.numeric_result or solved.result
        try:
            figures = [plots.check_plot(twin, solved.values, lang=solved.lang)]
            if wants_heatmap(solved):
                figures.append(plots.jacobian_heatmap(twin, solved.values, lang=solved.lang))
        except MatDiffError as err:
            display(error_bundle(err, solved.lang), raw=True)
            return
        for fig in figures:
            display(figure_bundle(fig), raw=True)


def _unquoted(text: str | None) -> str | None:
    """--answer "2 A x": IPython's argument parser keeps the quotes."""
    if text is not None and len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def wants_heatmap(solved: Solved) -> bool:
    """A heatmap says something for a Jacobian of a non-scalar function, or a Hessian."""
    r = solved.primary
    if r.orientation == "hessian":
        return r.wrt_kind != "scalar"
    return r.f_kind != "scalar" and r.wrt_kind != "scalar"


def figure_bundle(fig: Figure) -> dict[str, str]:
    from matdiff_magic.frontend.plots import figure_png

    png = figure_png(fig)
    title = fig.axes[0].get_title().replace("\n", "; ") if fig.axes else "figure"
    return {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": f"<{title}>"}


def namespace_statement(solved: Solved) -> str | None:
    """The problem statement's sentence naming the names that took their sizes (or kinds) and
    values from NumPy arrays in the namespace (None when none did)."""
    if not solved.declarations:
        return None
    inferred = any("_" in decl for decl in solved.declarations.values())
    key = "ui.namespace_kinds_header" if inferred else "ui.namespace_header"
    return format_message(key, {"names": describe_namespace(solved)}, solved.lang)


def content_of(solved: Solved) -> Content:
    notes = []
    statement = namespace_statement(solved)
    if solved.declarations:
        if solved.values is not None:
            names = ", ".join(solved.declarations)
            if solved.resized:
                notes.append(format_message("eval.sampled_values", {"names": names}, solved.lang))
            else:
                notes.append(message("ui.values_from_namespace", solved.lang).format(names=names))
    return build_content(
        solved.results,
        solved.lang,
        comparison=solved.comparison,
        skipped=solved.skipped,
        reasons=solved.reasons,
        checks=solved.checks,
        check_error=solved.check_error,
        notes=notes,
        failed=solved.failed,
        sizes_note=sizes_note(solved),
        statements=[statement] if statement else [],
    )


def sizes_note(solved: Solved) -> str | None:
    """Where numbers were computed at smaller sizes than the namespace's, which ones (None when
    they were not, or when nothing numeric is shown)."""
    numeric = len(solved.methods) > 1 or solved.options.check or solved.options.plot
    if not solved.resized or not numeric:
        return None
    sizes = Join(
        [
            Msg("eval.smaller_size", name=name, small=_shape(small), real=_shape(real))
            for name, (real, small) in solved.resized.items()
        ],
        "comma",
    )
    return format_message("eval.smaller_sizes", {"sizes": sizes}, solved.lang)


def _shape(shape: tuple[int, ...]) -> str:
    """(3000,) -> 3000×1, (3, 4) -> 3×4 (as the derivations write sizes)."""
    rows, cols = (*shape, 1, 1)[:2]
    return f"{rows}×{cols}"


def bundle(content: Content, layout: str, static: bool = False) -> dict[str, object]:
    """The display bundle: the widget (unless ``static``) with text/latex, markdown, plain."""
    data: dict[str, object] = {}
    if not static:
        from matdiff_magic.frontend.widgets import DerivationWidget

        widget = DerivationWidget(content, layout)
        shown = widget._repr_mimebundle_()
        if isinstance(shown, tuple):
            shown = shown[0]
        data.update(shown or {})
    data.update(content.static_bundle(layout))
    return data


# -- registration ----------------------------------------------------------------------------
def load(ipython: InteractiveShell) -> MatDiffMagics:
    settings = next((c for c in ipython.configurables if isinstance(c, MatDiff)), None)
    if settings is None:
        settings = MatDiff(parent=ipython)
        ipython.configurables.append(settings)
    magics = MatDiffMagics(ipython, settings)
    ipython.register_magics(magics)
    completion.unregister(ipython)  # loaded again: one completer, not two
    completion.register(ipython)
    return magics


def unload(ipython: InteractiveShell) -> None:
    manager = ipython.magics_manager
    for kind in ("line", "cell"):
        bound = manager.magics[kind].get("matdiff")
        if isinstance(getattr(bound, "__self__", None), MatDiffMagics):
            del manager.magics[kind]["matdiff"]
    manager.registry.pop(MatDiffMagics.__name__, None)
    completion.unregister(ipython)
    ipython.configurables[:] = [c for c in ipython.configurables if not isinstance(c, MatDiff)]


__all__ = ["MatDiff", "MatDiffMagics", "load", "unload", "bundle", "content_of"]
