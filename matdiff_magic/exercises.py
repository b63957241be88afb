"""Exercises: ``md.exercise(topic, level, seed, lang)`` draws a random problem of a topic.

The problem is composed from the blocks of :mod:`matdiff_magic.exercise_templates`, parsed with
the library's parser and derived with the topic's method before it is handed out, so every
exercise has a solution matdiff derives and verifies. ``check`` is :func:`check_answer` for the
problem and layout, ``solution`` the verified :class:`Result` (derived when first asked),
``hint(k)`` three hints from the message catalogue, each more specific.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from matdiff_magic import dims
from matdiff_magic.answers import AnswerCheck, _parse_answer, check_against
from matdiff_magic.api import derive_problem
from matdiff_magic.errors import Join, MatDiffError, Msg
from matdiff_magic.exercise_templates import LEVELS, TOPICS, Draft, draft
from matdiff_magic.language.problem import Problem, parse_problem
from matdiff_magic.messages import format_message
from matdiff_magic.name_forms import latex_name
from matdiff_magic.printing.latex import latex
from matdiff_magic.printing.text import text
from matdiff_magic.rendering import VIEWS
from matdiff_magic.result import Result

ATTEMPTS = 100  # drafts tried before giving up (each draw is deterministic in the seed)


@dataclass(frozen=True)
class Statement:
    """A problem's statement in one language: ``text`` and ``latex``."""

    text: str
    latex: str

    def __str__(self) -> str:
        return self.text


class Exercise:
    """One problem: its statement, a checker, hints and (when asked) the solution."""

    def __init__(
        self,
        topic: str,
        level: int,
        seed: int,
        draft_: Draft,
        problem: Problem,
        lang: str,
        solution: Result | None = None,
    ) -> None:
        self.topic = topic
        self.level = level
        self.seed = seed
        self.draft = draft_
        self.parsed = problem
        self.lang = lang
        self._solution = solution

    # -- what the student sees ---------------------------------------------------------------
    @property
    def layout(self) -> str:
        return self.draft.layout

    @property
    def wrt(self) -> str:
        return self.draft.wrt

    @property
    def order(self) -> int:
        return self.draft.order

    @property
    def problem(self) -> Statement:
        return self.statement(self.lang)

    def statement(self, lang: str = "en") -> Statement:
        """The problem in ``lang``: declarations, function, variable and the layout asked for."""
        key = "exercise.statement_hessian" if self.order == 2 else "exercise.statement"
        layout = Msg("answer.layout." + self.layout)
        decls = [(name, kind) for name, kind in self.draft.declarations]
        said = format_message(
            key,
            {
                "declarations": Join([f"{n}: {k}" for n, k in decls], "semicolon"),
                "function": text(self.parsed.expr),
                "wrt": self.wrt,
                "layout": layout,
            },
            lang,
        )
        latex_decls = Join([rf"{latex_name(n)}: \text{{{k}}}" for n, k in decls], "semicolon")
        said_latex = format_message(
            key,
            {
                "declarations": f"${latex_decls.render(lang)}$",
                "function": f"${latex(self.parsed.expr)}$",
                "wrt": f"${latex_name(self.wrt)}$",
                "layout": layout,
            },
            lang,
        )
        return Statement(said, said_latex)

    @property
    def text(self) -> str:
        return self.problem.text

    @property
    def latex(self) -> str:
        return self.problem.latex

    # -- checking, hints and the solution ----------------------------------------------------
    @property
    def solution(self) -> Result:
        """The verified derivative by the topic's method (derived the first time it is asked,
        unless drawing the exercise already derived it)."""
        if self._solution is None:
            self._solution = derive_problem(
                self.parsed, self.wrt, self.layout, self.draft.method, self.order, verify=True
            )
        return self._solution

    def check(self, answer: str, seed: int = 0) -> AnswerCheck:
        """The verdict on ``answer`` (text in the matdiff language): :func:`md.check_answer`
        for this problem and layout."""
        return check_against(self.solution, answer, seed)

    def hint(self, k: int = 1, lang: str | None = None) -> str:
        """Hint ``k``: 1 the method, 2 the first step of the derivation, 3 the answer's shape."""
        return self.hint_message(k).render(lang or self.lang)

    def hint_message(self, k: int) -> Msg:
        if k not in (1, 2, 3):
            raise MatDiffError(Msg("exercise.hint_number", k=k))
        r = self.solution
        if k == 1:
            method = Msg("method." + r.method)
            if self.order == 2:
                return Msg("exercise.hint.hessian", wrt=self.wrt, method=method)
            return Msg("exercise.hint.method", method=method)
        if k == 2:
            return Msg("exercise.hint.step", step=_first_step(r))
        shape = r.expr.shape
        ones = sum(1 for d in shape if dims.is_one(d))
        kind = ("matrix", "vector", "scalar")[min(ones, 2)]
        return Msg(
            "exercise.hint.shape",
            kind=Msg("kind." + kind),
            shape=dims.shape_text(shape),
            layout=Msg("answer.layout." + self.layout),
        )

    def hints(self, lang: str | None = None) -> list[str]:
        return [self.hint(k, lang) for k in (1, 2, 3)]

    def _repr_html_(self) -> str:
        return VIEWS["exercise_html"](self) if "exercise_html" in VIEWS else f"<p>{self.text}</p>"

    def __repr__(self) -> str:
        return f"Exercise({self.topic!r}, level={self.level}, seed={self.seed}: {self.text})"


def _first_step(r: Result) -> str:
    """The first step that applies a rule (after the line that only restates the function)."""
    steps = list(r.steps)
    for step in steps:
        if step.rules:
            return step.text
    return steps[min(1, len(steps) - 1)].text if steps else text(r.expr)


def exercise(
    topic: str | None = None, level: int = 1, seed: int | None = None, lang: str = "en"
) -> Exercise:
    """A random exercise on ``topic`` (one of :data:`TOPICS`; ``None``: any) at ``level``
    1 to 3. The same (topic, level, seed) always gives the same exercise."""
    if topic is not None and topic not in TOPICS:
        raise MatDiffError(Msg("exercise.unknown_topic", topic=topic, choices=Join(TOPICS)))
    if level not in LEVELS:
        raise MatDiffError(Msg("exercise.level", level=level))
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    rng = random.Random(f"matdiff-exercise:{topic}:{level}:{seed}")
    chosen = topic if topic is not None else rng.choice(TOPICS)
    last: MatDiffError | None = None
    for _ in range(ATTEMPTS):
        d = draft(chosen, level, rng)
        try:
            problem = parse_problem(d.source)
            solution = derive_problem(problem, d.wrt, d.layout, d.method, d.order)
            # the printed solution must read back as an answer (a student may copy its form)
            _parse_answer(problem, solution, solution.text)
        except MatDiffError as err:  # a composition the method does not cover: draw again
            last = err
            continue
        return Exercise(chosen, level, seed, d, problem, lang, solution)
    assert last is not None
    raise last


def exercises(
    topic: str | None = None, level: int = 1, count: int = 10, start: int = 0, lang: str = "en"
) -> list[Exercise]:
    """``count`` exercises with seeds ``start``, ``start + 1``, ..."""
    return [exercise(topic, level, seed, lang) for seed in range(start, start + count)]


__all__ = ["Exercise", "Statement", "exercise", "exercises", "TOPICS", "LEVELS"]
