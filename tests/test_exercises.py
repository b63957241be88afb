"""md.exercise: generated problems, their solutions, checks, hints and the widget."""

from __future__ import annotations

import itertools
import re
import time

import numpy as np
import pytest

import matdiff_magic as md
from matdiff_magic.check import random_values
from matdiff_magic.exercise_templates import LEVELS, TOPICS

TRANSPOSE_VERDICTS = {"correct-other-layout", "wrong"}


def _symmetric_answer(r: md.Result) -> bool:
    """Whether the derivative's matrix equals its transpose at a random point (independent of
    check_answer: plain NumPy on the evaluated derivative)."""
    values = random_values(r.problem.variables | {r.wrt.name: r.wrt}, np.random.default_rng(1),
                           f=r.function)  # fmt: skip
    value = np.atleast_2d(r.evaluate(values))
    return value.shape[0] == value.shape[1] and np.allclose(value, value.T, rtol=1e-7, atol=1e-9)


def _exercise_round_trip(topic: str, level: int, seed: int) -> None:
    e = md.exercise(topic, level, seed)
    r = e.solution
    assert r.order == e.order == (2 if topic == "hessian" else 1)
    if topic not in ("layouts", "hessian", "ml"):
        assert r.method == topic, (e, r.method)
    assert r.verify().ok, e
    verdict = e.check(r.text).verdict
    assert verdict == "correct", (e, r.text, verdict)
    if r.order == 1 and not _symmetric_answer(r):
        assert e.check(f"({r.text})'").verdict in TRANSPOSE_VERDICTS, (e, r.text)


def _cases(per_topic_level: int, start: int = 0) -> list[tuple[str, int, int]]:
    seeds = range(start, start + per_topic_level)
    return list(itertools.product(TOPICS, LEVELS, seeds))


@pytest.mark.parametrize(("topic", "level"), list(itertools.product(TOPICS, LEVELS)))
def test_solutions_check_as_correct(topic: str, level: int) -> None:
    for seed in range(5):  # 7 topics x 3 levels x 5 seeds = 105 exercises
        _exercise_round_trip(topic, level, seed)


@pytest.mark.slow
def test_a_thousand_exercises() -> None:
    start = time.perf_counter()
    cases = _cases(48, start=100)[:1000]  # 7 x 3 x 48 = 1008 drafts, the first 1000
    for topic, level, seed in cases:
        _exercise_round_trip(topic, level, seed)
    assert len(cases) == 1000
    print(f"1000 exercises in {time.perf_counter() - start:.1f} s")


@pytest.mark.parametrize("topic", TOPICS)
def test_deterministic_and_distinct(topic: str) -> None:
    for level in LEVELS:
        texts = [md.exercise(topic, level, seed).text for seed in range(50)]
        assert len(set(texts)) >= 30, (topic, level, len(set(texts)))
        again = [md.exercise(topic, level, seed).text for seed in range(5)]
        assert again == texts[:5]


def test_topic_none_and_errors() -> None:
    e = md.exercise(seed=3)
    assert e.topic in TOPICS and md.exercise(seed=3).text == e.text
    with pytest.raises(md.MatDiffError):
        md.exercise("no-such-topic")
    with pytest.raises(md.MatDiffError):
        md.exercise("chain", level=4)
    with pytest.raises(md.MatDiffError):
        e.hint(4)


def test_topic_constraints() -> None:
    for seed in range(10):
        v = md.exercise("vectorization", 2, seed)
        f, x = v.solution.function, v.solution.wrt
        assert not (f.shape[0] == 1 and f.shape[1] == 1 and x.shape[1] == 1), v
        h = md.exercise("hessian", 1, seed)
        assert h.order == 2 and "Hessian" in h.text
        d = md.exercise("definition", 3, seed).solution
        assert d.method == "definition"


def test_statement_en_zh() -> None:
    e = md.exercise("differential", 2, 7)
    en, zh = e.statement("en"), e.statement("zh")
    for name, kind in e.draft.declarations:
        assert f"{name}: {kind}" in en.text and f"{name}: {kind}" in zh.text
    assert e.layout.split()[0] in en.text and "布局" in zh.text
    assert "$" in en.latex and "求" in zh.text
    assert md.exercise("differential", 2, 7, lang="zh").problem.text == zh.text


def test_hints_en_zh() -> None:
    for topic in TOPICS:
        e = md.exercise(topic, 2, 11)
        en, zh = e.hints("en"), e.hints("zh")
        assert len(en) == len(zh) == 3 and all(en) and all(zh)
        assert en != zh
        assert any(word in en[0] for word in ("method", "gradient")), en[0]
        assert e.solution.wrt.name in en[1] or "d" in en[1]
        assert "shape" in en[2] and "尺寸" in zh[2]


def test_least_squares_against_a_hand_derivation() -> None:
    """ml level 1 draws least squares ‖X w - y‖² (names drawn); its gradient 2 Xᵀ (X w - y)
    is written by hand here from the names in the problem."""
    pattern = re.compile(r"^norm\((\w+) (\w+) - (\w+)\)\^2$")
    found = 0
    for seed in range(60):
        e = md.exercise("ml", 1, seed)
        match = pattern.match(e.draft.function)
        if not match:
            continue
        found += 1
        X, w, y = match.groups()
        hand = f"2 ({X} {w} - {y})' {X}" if e.layout == "numerator" else f"2 {X}' ({X} {w} - {y})"
        assert e.check(hand).verdict == "correct", (e, hand)
        assert e.check(f"{X}' ({X} {w} - {y})").verdict != "correct"
    assert found


def test_widget_callbacks() -> None:
    pytest.importorskip("ipywidgets")
    from matdiff_magic.frontend.exercise_widget import ExerciseWidget

    e = md.exercise("layouts", 1, 2)
    w = ExerciseWidget(e)
    assert "$" in w.problem.value and w.solution.value == ""
    w.answer.value = e.solution.text
    assert w.on_check() == "correct" and "Correct" in w.verdict.value
    w.answer.value = "0 +"
    assert w.on_check() == "invalid"
    said = [w.on_hint() for _ in range(4)]
    assert said[:3] == e.hints() and said[3] == "No more hints."
    w.check_button.click()  # the buttons are wired to the callbacks
    w.solution_button.click()
    assert w.solution.value.startswith("$$") and len(w.solution.value) > 10
    zh = ExerciseWidget(e, lang="zh")
    assert zh.check_button.description == "检查"
    assert "$" in e._repr_html_()
