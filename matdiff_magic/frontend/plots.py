"""Pictures of a derivative: the Taylor-model check and the Jacobian (or Hessian) heatmap.

    import matdiff_magic as md
    from matdiff_magic.frontend import plots

    r = md.derive("x' A x", "x")
    plots.check_plot(r)             # a matplotlib Figure: error against t, log-log, slope 2
    plots.jacobian_heatmap(md.derive("A X B", "X"))

Figures are built without pyplot (``matplotlib.figure.Figure`` on an Agg canvas), so nothing
depends on the backend and no global figure state is touched. Only the function is evaluated
along the line X + tV: the picture is evidence that shares nothing with the symbolic work.

The margins are fixed in inches (room for the labels and a two-line title) rather than found by
matplotlib's constrained layout, which measured every tick label once more on every save and was
most of what ``--plot`` cost; the log axes' labels (10⁻⁴) are plain text for the same reason
(mathtext parsed each of them again on every figure). A caller adding artists of its own can
still ask for ``fig.set_layout_engine("constrained")``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter, LogFormatterSciNotation

from matdiff_magic.compare import Comparison
from matdiff_magic.frontend.fonts import plot_font as _font
from matdiff_magic.frontend.plot_data import (
    CheckCurves,
    check_curves,
    fitted_slope,
    jacobian_matrix,
    jacobian_sizes,
    point,
    results_of,
    to_jacobian,
)
from matdiff_magic.i18n import MESSAGES, default_language, message
from matdiff_magic.printing.text import text as to_text
from matdiff_magic.result import Result


# -- figures ----------------------------------------------------------------------------------
class MatDiffFigure(Figure):
    """A matplotlib Figure that displays itself as PNG in Jupyter, even without
    ``%matplotlib inline`` (the figures here are built without pyplot)."""

    def _repr_png_(self) -> bytes:
        return figure_png(self)


def _new_figure(
    size: tuple[float, float], margins: tuple[float, float, float, float]
) -> Figure:
    """A figure of ``size`` inches whose axes leave ``margins`` inches (left, right, bottom,
    top) for the tick labels, axis labels and title."""
    fig = MatDiffFigure(figsize=size)
    FigureCanvasAgg(fig)
    left, right, bottom, top = margins
    width, height = size
    fig.subplots_adjust(
        left=left / width, right=1 - right / width, bottom=bottom / height, top=1 - top / height
    )
    return fig


_SUPERSCRIPT = str.maketrans("0123456789-−.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻·")


class PlainLogFormatter(Formatter):
    """The log axis labels of :class:`LogFormatterSciNotation` (10⁻⁴, 2×10⁻³) written in plain
    text with superscript digits: the same labels without a mathtext parse each."""

    def __init__(self) -> None:
        self.inner = LogFormatterSciNotation()  # as a log axis labels by default

    def set_axis(self, axis: Axis | None) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs: Sequence[float]) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return plain_power(self.inner(x, pos))


def plain_power(label: str) -> str:
    """``$\\mathdefault{2\\times10^{-3}}$`` as ``2×10⁻³`` (anything else as it is)."""
    if not (label.startswith("$\\mathdefault{") and label.endswith("}$")):
        return label
    body = label[len("$\\mathdefault{") : -2].replace("\\times", "×")
    base, caret, exponent = body.partition("^{")
    if caret:
        if not exponent.endswith("}"):
            return label
        body = base + exponent[:-1].translate(_SUPERSCRIPT)
    return label if any(ch in body for ch in "\\${}^_") else body


def _plain_log_labels(ax: Axes) -> None:
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(PlainLogFormatter())
        axis.set_minor_formatter(PlainLogFormatter())


def _method_label(method: str, lang: str) -> str:
    key = f"method.{method}"
    return message(key, lang) if key in MESSAGES else method


def check_plot(
    obj: Result | Comparison,
    values: Mapping[str, object] | None = None,
    *,
    seed: int = 0,
    steps: Sequence[float] | np.ndarray | None = None,
    direction: np.ndarray | None = None,
    method: str | None = None,
    lang: str | None = None,
) -> Figure:
    """The derivative check: |f(X + tV) - f(X) - t⟨G, V⟩| against t on log-log axes.

    A right gradient G leaves an error of order t², so the curve follows the dashed slope-2
    guide; a wrong one leaves order t (slope 1). For a Hessian H the second-order model
    (minus t²/2 ⟨V, H V⟩) is drawn too, with a slope-3 guide. ``values`` fixes some variables
    (the others are random); with a ``Comparison`` there is one curve per method.
    """
    lang, font = _font(lang or default_language())
    curves = check_curves(obj, values, seed=seed, steps=steps, direction=direction, method=method)
    ts = curves.steps
    fig = _new_figure((6.4, 4.4), (0.95, 0.2, 0.55, 0.62))
    ax = fig.add_subplot()
    markers = "os^vD<>"
    several = len(curves.first) > 1
    for i, (name, errors) in enumerate(curves.first.items()):
        label = message("plot.first_order", lang)
        if several:
            label += f" — {_method_label(name, lang)}"
        if curves.exact(name):
            # f is linear along V: the error is rounding noise, and a slope means nothing.
            label += f" ({message('plot.exact', lang)})"
        else:
            slope = f"{fitted_slope(ts, errors):.2f}"
            label += f" ({message('plot.slope', lang).format(k=slope)})"
        ax.loglog(
            ts, _positive(errors), marker=markers[i % len(markers)], markersize=4,
            linestyle="-", label=label, gid=f"first-order:{name}",
        )  # fmt: skip
    if not all(curves.exact(name) for name in curves.first):
        _guide(ax, ts, next(iter(curves.first.values())), 2, lang)
    for i, (name, errors) in enumerate(curves.second.items()):
        label = message("plot.second_order", lang)
        if several:
            label += f" — {_method_label(name, lang)}"
        if curves.exact(name, "second"):
            label += f" ({message('plot.exact', lang)})"
        else:
            slope = f"{fitted_slope(ts, errors):.2f}"
            label += f" ({message('plot.slope', lang).format(k=slope)})"
        ax.loglog(
            ts, _positive(errors), marker=markers[(i + 3) % len(markers)], markersize=4,
            linestyle="-", label=label, gid=f"second-order:{name}",
        )  # fmt: skip
    if curves.second and not all(curves.exact(name, "second") for name in curves.second):
        _guide(ax, ts, next(iter(curves.second.values())), 3, lang)
    ax.set_xlabel(message("plot.step", lang), fontproperties=font)
    model = r"$\|f(X+tV)-f(X)-t\langle G,V\rangle\|$"
    if curves.second:
        model += "\n" + r"$\|f(X+tV)-f(X)-t\langle G,V\rangle-\frac{t^2}{2}\langle V,HV\rangle\|$"
    ax.set_ylabel(message("plot.error", lang) + " " + model, fontproperties=font, fontsize=9)
    first_result = results_of(obj, method)[0][1]
    title = message("plot.check_title", lang) + f"\n{to_text(first_result.symbol)}"
    ax.set_title(title, fontproperties=font, fontsize=11)
    ax.grid(True, which="major", alpha=0.3)
    _plain_log_labels(ax)
    ax.legend(loc="lower right", prop=font if font is not None else {"size": 8})
    return fig


def _positive(errors: np.ndarray) -> np.ndarray:
    out = np.asarray(errors, dtype=float).copy()
    out[~(out > 0)] = np.nan  # log axes cannot show an exact zero
    return out


def _guide(ax, ts: np.ndarray, errors: np.ndarray, k: int, lang: str) -> None:
    """A dashed line of slope k, anchored below the curve in the middle of the range."""
    good = np.isfinite(errors) & (errors > 0)
    middle = len(ts) // 2
    index = middle if good[middle] else (int(np.argmax(good)) if good.any() else None)
    scale = errors[index] / ts[index] ** k / 3 if index is not None else 1.0
    ax.loglog(
        ts, scale * ts**k, linestyle="--" if k == 2 else ":", color="0.45", linewidth=1,
        label=message("plot.slope", lang).format(k=k), gid=f"guide-{k}",
    )  # fmt: skip


def jacobian_heatmap(
    obj: Result | Comparison,
    values: Mapping[str, object] | None = None,
    *,
    sizes: Mapping[str, int] | None = None,
    seed: int = 0,
    method: str | None = None,
    lang: str | None = None,
) -> Figure:
    """The Jacobian (or Hessian) at small concrete sizes, its Kronecker blocks outlined.

    ``sizes`` fixes dimensions by name (``{"m": 2, "n": 3}``); unnamed ones get small distinct
    sizes. Block boundaries are lines with ``gid="block-boundary"``.
    """
    lang, font = _font(lang or default_language())
    matrix, (br, bc) = jacobian_matrix(obj, values, sizes=sizes, seed=seed, method=method)
    r = results_of(obj, method)[0][1]
    rows, cols = matrix.shape
    size = (min(2.0 + 0.35 * cols, 9.0) + 1.2, min(1.6 + 0.35 * rows, 9.0) + 0.6)
    fig = _new_figure(size, (0.7, 0.15, 0.55, 0.62))
    ax = fig.add_subplot()
    bound = float(np.max(np.abs(matrix))) or 1.0
    image = ax.imshow(matrix, cmap="RdBu_r", vmin=-bound, vmax=bound, interpolation="nearest")
    fig.colorbar(image, ax=ax, shrink=0.8)
    for k in range(br, rows, br):
        ax.axhline(k - 0.5, color="black", linewidth=1.2, gid="block-boundary")
    for k in range(bc, cols, bc):
        ax.axvline(k - 0.5, color="black", linewidth=1.2, gid="block-boundary")
    env_sizes = jacobian_sizes(r, values, sizes=sizes, seed=seed)
    sizes_text = ", ".join(f"{name} {a}×{b}" for name, (a, b) in env_sizes.items())
    title = message("plot.heatmap_title", lang).format(symbol=to_text(r.symbol), sizes=sizes_text)
    if br < rows or bc < cols:
        title += "\n" + message("plot.blocks", lang).format(rows=br, cols=bc)
    ax.set_title(title, fontproperties=font, fontsize=10)
    ax.set_xlabel(message("plot.col_index", lang), fontproperties=font)
    ax.set_ylabel(message("plot.row_index", lang), fontproperties=font)
    return fig


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


__all__ = [
    "check_plot",
    "check_curves",
    "CheckCurves",
    "fitted_slope",
    "jacobian_heatmap",
    "jacobian_matrix",
    "to_jacobian",
    "figure_png",
    "point",
]
