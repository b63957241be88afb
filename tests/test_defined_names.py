"""The user's definitions kept by name in results: the two-layer network's gradients read
h and softmax(s) (with "where h = ..., s = ..."), in every method and layout, and still mean
the same numbers (NumPy closed forms and central finite differences, not matdiff's own output);
``names="expand"`` writes them out; answers written with the names check."""

from __future__ import annotations

import re

import numpy as np
import pytest
import sympy

import matdiff_magic as md
from matdiff_magic.frontend.cli import run as cli_run
from matdiff_magic.frontend.render import content_for

DECL = (
    "W1: matrix(h, n); b1: vector(h); W2: matrix(k, h); b2: vector(k); x: vector(n); "
    "y: vector(k)"
)
DEFS = "h = sigmoid(W1 x + b1)\ns = W2 h + b2\n"
CROSS_ENTROPY = DECL + "\n" + DEFS + "-y' log(softmax(s))"
SQUARED = DECL + "\n" + DEFS + "‖s - y‖²"
PARAMS = ("W2", "W1", "b1", "b2", "x")
METHODS = ("differential", "chain", "vectorization", "definition")
SIZES = {"n": 4, "h": 3, "k": 5}


def _values(seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n, h, k = SIZES["n"], SIZES["h"], SIZES["k"]
    return {
        "W1": rng.normal(size=(h, n)),
        "b1": rng.normal(size=h),
        "W2": rng.normal(size=(k, h)),
        "b2": rng.normal(size=k),
        "x": rng.normal(size=n),
        "y": rng.random(k),
    }


def _loss(v: dict[str, np.ndarray], loss: str) -> float:
    hid = 1 / (1 + np.exp(-(v["W1"] @ v["x"] + v["b1"])))
    s = v["W2"] @ hid + v["b2"]
    if loss == "squared":
        return float(np.sum((s - v["y"]) ** 2))
    p = np.exp(s - s.max())
    return float(-v["y"] @ np.log(p / p.sum()))


def _gradient_by_differences(v: dict[str, np.ndarray], wrt: str, loss: str) -> np.ndarray:
    g = np.zeros_like(v[wrt])
    step = 1e-6
    for i in np.ndindex(v[wrt].shape):
        up = {k: a.copy() for k, a in v.items()}
        down = {k: a.copy() for k, a in v.items()}
        up[wrt][i] += step
        down[wrt][i] -= step
        g[i] = (_loss(up, loss) - _loss(down, loss)) / (2 * step)
    return g


def _backprop(v: dict[str, np.ndarray], wrt: str) -> np.ndarray:
    """The cross-entropy gradients as the books write them, with the (𝟏ᵀy) factor (y is not
    assumed one-hot): δ₂ = (𝟏ᵀy) softmax(s) - y, δ₁ = h ⊙ (𝟏 - h) ⊙ W₂ᵀ δ₂."""
    hid = 1 / (1 + np.exp(-(v["W1"] @ v["x"] + v["b1"])))
    s = v["W2"] @ hid + v["b2"]
    p = np.exp(s - s.max())
    p /= p.sum()
    d2 = v["y"].sum() * p - v["y"]
    d1 = hid * (1 - hid) * (v["W2"].T @ d2)
    return {"W2": np.outer(d2, hid), "b2": d2, "W1": np.outer(d1, v["x"]), "b1": d1,
            "x": v["W1"].T @ d1}[wrt]  # fmt: skip


NAMED = re.compile(r"(?<![A-Za-z0-9_₀-₉])([hs])(?![A-Za-z0-9_₀-₉(])")  # h or s written as a name


def _names_in(text: str) -> set[str]:
    return set(NAMED.findall(text))


@pytest.mark.parametrize("wrt", PARAMS)
@pytest.mark.parametrize("method", METHODS)
def test_network_gradients_keep_h_and_s_and_evaluate_right(method: str, wrt: str) -> None:
    v = _values()
    for layout in ("mixed", "numerator", "denominator"):
        r = md.derive(CROSS_ENTROPY, wrt, method=method, layout=layout)
        assert "σ(W₁ x + b₁)" not in r.text, r.text  # h is never written out
        assert "softmax(W₂" not in r.text, r.text  # nor s inside the softmax
        assert "h" in _names_in(r.text) or wrt == "b2", r.text
        assert "softmax(s)" in r.text or "exp(s)" in r.text, r.text
        got = r.evaluate(v)
        want = _backprop(v, wrt)
        if layout == "numerator" and want.ndim == 2:
            want = want.T
        assert np.allclose(got.reshape(want.shape), want, atol=1e-8), (method, layout)
        fd = _gradient_by_differences(v, wrt, "cross entropy")
        fd = fd.T if layout == "numerator" and fd.ndim == 2 else fd
        assert np.allclose(want, fd, atol=1e-5)  # the closed form itself is right


@pytest.mark.parametrize("wrt", PARAMS)
def test_squared_error_through_the_network_reads_s(wrt: str) -> None:
    v = _values(2)
    for method in ("differential", "vectorization", "definition"):
        r = md.derive(SQUARED, wrt, method=method)
        assert "s" in _names_in(r.text) and "W₂ h + b₂" not in r.text, r.text
        got = r.evaluate(v)
        fd = _gradient_by_differences(v, wrt, "squared")
        assert np.allclose(got.reshape(fd.shape), fd, atol=1e-5), method


def test_the_where_clause_names_only_what_the_result_uses() -> None:
    r = md.derive(CROSS_ENTROPY, "W2")
    assert r.text == "((𝟏ᵀ y) softmax(s) - y) hᵀ"
    assert r.where_text() == "where h = σ(W₁ x + b₁), s = W₂ h + b₂"
    assert r.where_text("zh") == "其中 h = σ(W₁ x + b₁)，s = W₂ h + b₂"
    assert r.where_latex().startswith(r"\text{where }h = \sigma")
    assert r"\text{，}s = W_{2} h + b_{2}" in r.where_latex("zh")
    assert str(r).endswith("   where h = σ(W₁ x + b₁), s = W₂ h + b₂")
    assert r"\text{where }" in r._repr_latex_()
    # only h: s is not in the result, and h's definition uses no other name
    only_h = md.derive(DECL + "\n" + DEFS + "sum(h)", "b1")
    assert only_h.text == "h ⊙ (𝟏 - h)" and only_h.where_text() == "where h = σ(W₁ x + b₁)"
    # no definitions, no clause
    plain = md.derive("x: vector(n)\nx' x", "x")
    assert plain.where_text() == "" and str(plain) == "∂f/∂x = 2 x"


def test_names_expand_writes_everything_out() -> None:
    r = md.derive(CROSS_ENTROPY, "W2", names="expand")
    assert r.text == "((𝟏ᵀ y) softmax(W₂ σ(W₁ x + b₁) + b₂) - y) σ(W₁ x + b₁)ᵀ"
    assert r.where_text() == ""
    # a name used twice in the function is written out too
    shared = md.derive("e = A x - b\nsin(e'e) + e'e", "x", names="expand")
    assert "A x - b" in shared.text and shared.where_text() == ""
    v = _values()
    assert np.allclose(r.evaluate(v), md.derive(CROSS_ENTROPY, "W2").evaluate(v))
    with pytest.raises(md.MatDiffError, match="names"):
        md.derive(CROSS_ENTROPY, "W2", names="inline")


def test_sympy_and_code_see_through_the_names() -> None:
    r = md.derive(CROSS_ENTROPY, "W1")
    matrices = {str(m.name) for m in r.sympy().atoms(sympy.MatrixSymbol)}
    assert matrices == {"W1", "W2", "b1", "b2", "x", "y"}  # h and s substituted
    v = _values(3)
    namespace: dict[str, object] = {}
    exec(r.code("numpy", name="grad"), namespace)  # generated code, not user text
    got = namespace["grad"](*(v[name] for name in r.problem.variables))
    assert np.allclose(got, _backprop(v, "W1"))
    assert r.verify().ok


@pytest.mark.parametrize("wrt", PARAMS)
def test_the_printed_result_checks_as_an_answer(wrt: str) -> None:
    r = md.derive(CROSS_ENTROPY, wrt)
    check = md.check_answer(CROSS_ENTROPY, wrt, r.text)  # answers may use h and s
    assert check.verdict == "correct", (r.text, check.message())
    wrong = md.check_answer(CROSS_ENTROPY, "W2", "(softmax(s) - y) sᵀ")
    assert wrong.verdict != "correct"


def test_display_and_command_line_say_what_the_names_mean() -> None:
    content = content_for(md.derive(CROSS_ENTROPY, "W2"), "zh")
    view = next(iter(content.views["mixed"].values()))
    assert "其中 h = σ(W₁ x + b₁)，s = W₂ h + b₂" in view.text
    assert r"\text{其中 }" in view.boxed_latex and "matdiff-where" in view.html


def test_command_line_where_and_expand_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_run([CROSS_ENTROPY, "--wrt", "W2"]) == 0
    out = capsys.readouterr().out
    assert "((𝟏ᵀ y) softmax(s) - y) hᵀ" in out and "where h = σ(W₁ x + b₁), s = W₂ h + b₂" in out
    assert cli_run([CROSS_ENTROPY, "--wrt", "W2", "--expand-names"]) == 0
    out = capsys.readouterr().out
    assert "softmax(W₂ σ(W₁ x + b₁) + b₂)" in out and "where h" not in out
    assert cli_run([CROSS_ENTROPY, "--wrt", "W2", "--answer", "((1' y) softmax(s) - y) h'"]) == 0
