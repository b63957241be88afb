"""Plots render with Agg; the check plot's slope is measured: 2 for a right gradient, not 2 for
a wrong one; the heatmap shows the Jacobian with its Kronecker blocks outlined."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

import matdiff_magic as md
from matdiff_magic import check
from matdiff_magic.frontend import plots

QUADRATIC = "x: vector(n); A: matrix(n, n)\nx' A x"


def line(fig, gid: str):
    found = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == gid]
    assert found, f"no line {gid!r} in {[ln.get_gid() for ln in fig.axes[0].get_lines()]}"
    return found[0]


def measured_slope(ln, lo: float = 1e-4, hi: float = 1e-1) -> float:
    """The slope of a plotted log-log line, fitted by least squares on its own data."""
    t = np.asarray(ln.get_xdata(), dtype=float)
    e = np.asarray(ln.get_ydata(), dtype=float)
    keep = (t >= lo) & (t <= hi) & np.isfinite(e) & (e > 0)
    slope, _ = np.polyfit(np.log10(t[keep]), np.log10(e[keep]), 1)
    return float(slope)


@pytest.mark.parametrize(
    ("expr", "wrt"),
    [
        (QUADRATIC, "x"),
        ("sum(log(1 + exp(-y .* (X w))))", "w"),
        ("logdet(X) + tr(A X)", "X"),
        ("sigmoid(W x)", "x"),
        ("exp(A X B)", "X"),  # a matrix-valued function: the error is a norm of a matrix
    ],
)
def test_check_plot_has_slope_two_for_a_right_gradient(expr, wrt):
    fig = plots.check_plot(md.derive(expr, wrt))
    first = line(fig, f"first-order:{md.derive(expr, wrt).method}")
    guide = line(fig, "guide-2")
    assert measured_slope(first) == pytest.approx(2.0, abs=0.1)
    assert measured_slope(guide) == pytest.approx(2.0, abs=1e-9)
    assert fig.axes[0].get_xscale() == "log" and fig.axes[0].get_yscale() == "log"
    assert plots.figure_png(fig).startswith(b"\x89PNG")


def test_check_plot_says_a_linear_function_is_exact():
    # f = A X B: the first-order model has no error but rounding, so no slope is fitted
    fig = plots.check_plot(md.derive("A X B", "X"))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("exact" in label for label in labels)
    assert not any(ln.get_gid() == "guide-2" for ln in fig.axes[0].get_lines())
    assert fig._repr_png_().startswith(b"\x89PNG")  # shows itself without %matplotlib inline


def test_check_plot_shows_a_wrong_gradient():
    r = md.derive(QUADRATIC, "x")
    right = r.evaluate

    def wrong(values):
        return 1.1 * right(values)  # a deliberately wrong gradient

    r.evaluate = wrong  # type: ignore[method-assign]
    fig = plots.check_plot(r)
    first = line(fig, "first-order:differential")
    assert abs(measured_slope(first) - 2.0) > 0.5
    # for small t the error t |⟨G - G_true, V⟩| dominates: slope 1
    assert measured_slope(first, 1e-6, 1e-3) == pytest.approx(1.0, abs=0.1)


def test_wrong_transpose_is_caught():
    # d(a' X b)/dX = a b'; a transposed answer b a' (square X) has the wrong slope.
    r = md.derive("a' X b", "X", {"X": "matrix(n, n)"})
    right = r.evaluate
    r.evaluate = lambda values: right(values).T  # type: ignore[method-assign]
    slope = measured_slope(line(plots.check_plot(r), "first-order:differential"))
    assert abs(slope - 2.0) > 0.5


def test_hessian_adds_the_second_order_model_with_slope_three():
    r = md.derive("logdet(X) + x' X x", "X", order=2)
    fig = plots.check_plot(r)
    assert measured_slope(line(fig, "first-order:differential")) == pytest.approx(2.0, abs=0.1)
    second = line(fig, "second-order:differential")
    assert measured_slope(second, 1e-3, 1e-1) == pytest.approx(3.0, abs=0.15)
    assert measured_slope(line(fig, "guide-3")) == pytest.approx(3.0, abs=1e-9)


def test_comparison_draws_one_curve_per_method():
    c = md.compare("(X θ - y)^T (X θ - y)", "θ")
    fig = plots.check_plot(c)
    gids = {ln.get_gid() for ln in fig.axes[0].get_lines()}
    assert {f"first-order:{m}" for m in c.results} <= gids
    for m in c.results:
        assert measured_slope(line(fig, f"first-order:{m}")) == pytest.approx(2.0, abs=0.1)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any("slope 2" in t for t in legend)


def test_check_uses_given_values_and_direction():
    A = np.array([[2.0, 1.0], [0.0, 3.0]])
    x = np.array([1.0, -1.0])
    r = md.derive(QUADRATIC, "x")
    curves = plots.check_curves(r, {"A": A, "x": x}, direction=np.array([1.0, 0.0]))
    np.testing.assert_allclose(curves.values["A"], A)
    # f(x + tv) - f(x) - t g·v = t² vᵀ A v exactly, for a unit v: here A[0, 0] t²
    np.testing.assert_allclose(
        curves.first["differential"], A[0, 0] * curves.steps**2, rtol=1e-6, atol=1e-14
    )


def test_fitted_slope_helper():
    t = np.logspace(-6, 0, 25)
    assert plots.fitted_slope(t, 3 * t**2) == pytest.approx(2.0)
    assert np.isnan(plots.fitted_slope(t, np.zeros_like(t)))


@pytest.mark.parametrize("layout", ["numerator", "denominator", "mixed"])
def test_heatmap_of_a_kronecker_jacobian(layout):
    r = md.derive("A X B", "X", layout=layout)
    values = {
        "A": np.arange(6.0).reshape(2, 3) - 2,
        "X": np.ones((3, 4)),
        "B": np.arange(8.0).reshape(4, 2) / 3,
    }
    fig = plots.jacobian_heatmap(r, values)
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    expected = np.kron(values["B"].T, values["A"])  # d vec(AXB) / d vec(X)^T, 4×12
    if r.orientation == "denominator":
        expected = expected.T
    np.testing.assert_allclose(np.asarray(image), expected)
    boundaries = [ln for ln in ax.get_lines() if ln.get_gid() == "block-boundary"]
    # F is 2×2, X is 3×4: 2×4 blocks of size 2×3 -> 1 + 3 inner boundaries
    assert len(boundaries) == 4
    assert "Kronecker" in ax.get_title()


def test_heatmap_of_a_hessian_has_column_blocks():
    r = md.derive("tr(X' A X)", "X", {"X": "matrix(m, n)"}, order=2)
    matrix, block = plots.jacobian_matrix(r, sizes={"m": 2, "n": 3})
    assert matrix.shape == (6, 6) and block == (2, 2)
    fig = plots.jacobian_heatmap(r, sizes={"m": 2, "n": 3})
    boundaries = [ln for ln in fig.axes[0].get_lines() if ln.get_gid() == "block-boundary"]
    assert len(boundaries) == 4  # 3×3 blocks of 2×2


def test_heatmap_small_default_sizes():
    fig = plots.jacobian_heatmap(md.compare("X A", "X"))
    assert plots.figure_png(fig).startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("f_shape", "x_shape"),
    [((1, 1), (1, 1)), ((2, 3), (1, 1)), ((1, 1), (3, 2)), ((4, 1), (3, 1)), ((2, 3), (4, 2))],
)
@pytest.mark.parametrize("orientation", ["numerator", "denominator"])
def test_to_jacobian_inverts_arrange(f_shape, x_shape, orientation):
    rng = np.random.default_rng(0)
    jac = rng.normal(size=(f_shape[0] * f_shape[1], x_shape[0] * x_shape[1]))
    arranged = check.arrange(jac, f_shape, x_shape, orientation)
    np.testing.assert_allclose(plots.to_jacobian(arranged, f_shape, x_shape, orientation), jac)


def test_chinese_labels_do_not_break_rendering():
    fig = plots.check_plot(md.derive("x' x", "x"), lang="zh")
    assert plots.figure_png(fig).startswith(b"\x89PNG")


def test_plots_do_not_use_pyplot_state():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    plots.check_plot(md.derive("x' x", "x"))
    plots.jacobian_heatmap(md.derive("A x", "x"))
    assert plt.get_fignums() == before


def _inside_figure(fig) -> list[str]:
    """The texts drawn (title, axis labels, tick labels in view) that stick out of the figure."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    box = fig.bbox
    out = []
    for ax in fig.axes:
        texts = [ax.title, ax.xaxis.label, ax.yaxis.label]
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks():
                if lo - 1e-9 * abs(hi - lo) <= tick.get_loc() <= hi + 1e-9 * abs(hi - lo):
                    texts += [tick.label1, tick.label2]  # label2: a colorbar's, on the right
        for text in texts:
            if not text.get_visible() or not text.get_text():
                continue
            ext = text.get_window_extent(renderer)
            if not (box.x0 - 1 <= ext.x0 and ext.x1 <= box.x1 + 1):
                out.append(text.get_text())
            elif not (box.y0 - 1 <= ext.y0 and ext.y1 <= box.y1 + 1):
                out.append(text.get_text())
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_fixed_margins_hold_every_label(lang):
    # the margins are fixed in inches (no constrained layout): nothing may be cut off, even a
    # Hessian's two-line error label, a two-line heatmap title or a Chinese one
    hessian = md.derive(QUADRATIC, "x", order=2)
    kron = md.derive("A: matrix(p, m); X: matrix(m, n); B: matrix(n, q)\nA X B", "X")
    figures = [
        plots.check_plot(hessian, lang=lang),
        plots.check_plot(md.compare("X: matrix(n, k)\n1' logsumexp(W X)'", "W"), lang=lang),
        plots.jacobian_heatmap(kron, lang=lang),
        plots.jacobian_heatmap(hessian, lang=lang),
    ]
    for fig in figures:
        assert _inside_figure(fig) == []


def test_log_axis_labels_are_the_powers_of_ten_at_their_ticks():
    # plain-text labels (10⁻⁴) in place of mathtext: each names the value at its tick
    fig = plots.check_plot(md.derive(QUADRATIC, "x"))
    fig.canvas.draw()
    digits = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
    ax = fig.axes[0]
    for axis in (ax.xaxis, ax.yaxis):
        shown = [(t.get_loc(), t.label1.get_text()) for t in axis.get_major_ticks()]
        shown = [(loc, label) for loc, label in shown if label]
        assert len(shown) >= 3
        for loc, label in shown:
            assert "$" not in label and label.startswith("10")
            assert 10.0 ** int(label[2:].translate(digits)) == pytest.approx(loc)
    assert plots.plain_power(r"$\mathdefault{2\times10^{-3}}$") == "2×10⁻³"
    assert plots.plain_power(r"$\mathdefault{10^{0}}$") == "10⁰"
    assert plots.plain_power(r"$\alpha$") == r"$\alpha$"  # anything else as it was
