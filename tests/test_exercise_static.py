"""A displayed exercise carries its problem as Markdown and text beside the widget view, so a
notebook read without a kernel (nbconvert, GitHub) shows the problem, never the solution."""

from __future__ import annotations

import pytest

import matdiff_magic as md
from matdiff_magic.frontend.exercise_widget import show

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("topic", ["layouts", "chain"])
def test_displayed_exercise_has_a_static_problem_without_the_solution(topic, lang):
    exercise = md.exercise(topic, level=2, seed=3, lang=lang)
    bundle = show(exercise)._repr_mimebundle_()
    assert WIDGET_VIEW in bundle
    statement = exercise.statement(lang)
    assert bundle["text/plain"] == statement.text
    assert bundle["text/markdown"] == statement.latex
    assert "VBox" not in bundle["text/plain"]
    solution = exercise.solution
    for mime in ("text/plain", "text/markdown"):
        assert solution.text not in bundle[mime]
        assert solution.latex not in bundle[mime]
