"""An exercise in a notebook: the problem (LaTeX), an answer box, and Check, Hint and
"Show solution" buttons. The callbacks are plain methods, so they can be tested (and driven)
without a browser. Displayed, the widget carries the problem as Markdown and text beside its
view, which is all a notebook read without a kernel (nbconvert, GitHub) shows.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from matdiff_magic.exercises import Exercise
from matdiff_magic.frontend.render_words import BAD_COLOUR, NEUTRAL_COLOUR, OK_COLOUR, WARN_COLOUR
from matdiff_magic.messages import format_message

VERDICT_COLOURS = {
    "correct": OK_COLOUR,
    "correct-other-layout": WARN_COLOUR,
    "wrong": BAD_COLOUR,
    "invalid": NEUTRAL_COLOUR,
}


class ExerciseWidget:
    """The widget of one :class:`Exercise`; ``.box`` is what a notebook displays."""

    def __init__(self, exercise: Exercise, lang: str | None = None) -> None:
        self.exercise = exercise
        self.lang = lang or exercise.lang
        self.hints_shown = 0
        say = self._say
        self.problem = widgets.HTMLMath(exercise_html(exercise, self.lang))
        self.answer = widgets.Text(placeholder=say("exercise.answer_placeholder"))
        self.check_button = widgets.Button(description=say("exercise.button.check"))
        self.hint_button = widgets.Button(description=say("exercise.button.hint"))
        self.solution_button = widgets.Button(description=say("exercise.button.solution"))
        self.verdict = widgets.HTML("")
        self.hints = widgets.HTML("")
        self.solution = widgets.HTMLMath("")
        self.check_button.on_click(lambda _: self.on_check())
        self.hint_button.on_click(lambda _: self.on_hint())
        self.solution_button.on_click(lambda _: self.on_solution())
        buttons = widgets.HBox([self.check_button, self.hint_button, self.solution_button])
        self.box = widgets.VBox(
            [self.problem, self.answer, buttons, self.verdict, self.hints, self.solution]
        )

    def _say(self, key: str) -> str:
        return format_message(key, None, self.lang)

    def on_check(self) -> str:
        """Check the answer box; show and return the verdict."""
        result = self.exercise.check(self.answer.value)
        colour = VERDICT_COLOURS.get(result.verdict, NEUTRAL_COLOUR)
        message = html.escape(result.message(self.lang))
        self.verdict.value = f'<p style="color:{colour}">{message}</p>'
        return result.verdict

    def on_hint(self) -> str:
        """Show the next hint (1, 2, then 3); afterwards say there are no more."""
        if self.hints_shown >= 3:
            said = self._say("exercise.no_more_hints")
        else:
            self.hints_shown += 1
            said = self.exercise.hint(self.hints_shown, self.lang)
        self.hints.value += f"<p>{html.escape(said)}</p>"
        return said

    def on_solution(self) -> str:
        """Show the solution's derivation (LaTeX)."""
        r = self.exercise.solution
        self.solution.value = f"$${r.derivation_latex(self.lang)}$$"
        return self.solution.value

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        """The widget view, and beside it the problem as Markdown (with its LaTeX) and as text
        for renderers without a kernel or widgets (nbconvert, GitHub): never the solution."""
        bundle = dict(self.box._repr_mimebundle_(include=include, exclude=exclude) or {})
        statement = self.exercise.statement(self.lang)
        bundle["text/markdown"] = statement.latex
        bundle["text/plain"] = statement.text
        return bundle

    def _ipython_display_(self) -> None:
        # Published raw, as the magic publishes its bundles: every kernel stores the same
        # mimetypes, whatever formatters it has switched on.
        from IPython.display import display

        display(self._repr_mimebundle_(), raw=True)


def exercise_html(exercise: Exercise, lang: str | None = None) -> str:
    """The problem as HTML with its LaTeX for MathJax (answers not included)."""
    statement = exercise.statement(lang or exercise.lang)
    return f"<p>{statement.latex}</p>"


def show(exercise: Exercise, lang: str | None = None) -> ExerciseWidget:
    """The widget of ``exercise`` (display it, or let the notebook show the returned value)."""
    return ExerciseWidget(exercise, lang)


__all__ = ["ExerciseWidget", "exercise_html", "show"]
