"""The widget without a browser: toggles swap precomputed HTMLMath content."""

from __future__ import annotations

import re

import ipywidgets as widgets
import pytest

import matdiff_magic as md
from matdiff_magic.frontend.magic import bundle
from matdiff_magic.frontend.render import ALL, content_for
from matdiff_magic.frontend.widgets import FILL_WIDTH, DerivationWidget

LEAST_SQUARES = "X: matrix(m, n); y: vector(m)\ne = X θ - y\nf = e' e"


@pytest.fixture(scope="module")
def comparison() -> md.Comparison:
    return md.compare(LEAST_SQUARES, "θ")


@pytest.fixture(scope="module")
def content(comparison):
    return content_for(comparison, "en")


def formulas(html: str) -> str:
    """The HTML with each formula's pieces joined again (render_steps cuts formulas so that
    the browser can wrap them)."""
    return re.sub(r"\$</span><wbr><span class='matdiff-piece'[^>]*>\$\{\}", " ", html)


def shown(w: DerivationWidget) -> str:
    """What the derivation's widget shows below its badge (the badge is its first line)."""
    value = w.math.value
    assert value.startswith(FILL_WIDTH + "<div class='matdiff-badge-row'")
    return value.split("</span></div>", 1)[1]


def badge(w: DerivationWidget) -> str:
    """The badge at the top of the derivation's widget (shown above every layout and view)."""
    value = w.math.value
    assert value.count("matdiff-badge'") == 1
    return value[value.index("<span class='matdiff-badge'") :].split("</span>", 1)[0]


def all_widgets(w: widgets.Widget) -> list[widgets.Widget]:
    out = [w]
    for child in getattr(w, "children", ()):
        out += all_widgets(child)
    return out


def test_layout_toggle_swaps_in_the_other_layout(content):
    w = DerivationWidget(content, "mixed")
    assert shown(w) == content.html("mixed", ALL)
    assert r"\frac{\partial f}{\partial \theta}" in w.math.value
    w.layout_buttons.value = "numerator"
    assert shown(w) == content.html("numerator", ALL)
    assert r"\frac{\partial f}{\partial \theta^{T}}" in w.math.value
    assert "2 e^{T} X" in formulas(w.math.value)  # the definition e kept by name
    assert "matdiff-where'>where $e = X \\theta - y$" in w.math.value
    w.layout_buttons.value = "denominator"
    assert shown(w) == content.html("denominator", ALL)


def test_view_toggle_shows_one_method_or_all(content, comparison):
    w = DerivationWidget(content, "mixed")
    methods = list(comparison.results)
    assert len(methods) >= 2
    assert [v for _, v in w.view_buttons.options] == [*methods, ALL]
    assert w.view_buttons.value == ALL
    assert "matdiff-grid" in w.math.value
    w.view_buttons.value = methods[0]
    assert shown(w) == content.html("mixed", methods[0])
    assert "matdiff-grid" not in w.math.value
    assert content.titles[methods[1]] not in w.math.value
    w.layout_buttons.value = "numerator"  # the view is kept across layouts
    assert shown(w) == content.html("numerator", methods[0])


def test_toggling_does_not_rederive(content, monkeypatch):
    w = DerivationWidget(content, "mixed")

    def forbidden(*args, **kwargs):
        raise AssertionError("toggling must not derive again")

    monkeypatch.setattr(md.Result, "with_layout", forbidden)
    monkeypatch.setattr("matdiff_magic.api.run", forbidden)
    for layout in ("numerator", "denominator", "mixed"):
        w.layout_buttons.value = layout
        for _, view in w.view_buttons.options:
            w.view_buttons.value = view


def test_no_output_widgets(content):
    w = DerivationWidget(content)
    kinds = {type(x) for x in all_widgets(w)}
    assert widgets.Output not in kinds
    assert widgets.HTMLMath in kinds
    assert sum(isinstance(x, widgets.ToggleButtons) for x in all_widgets(w)) == 2


def test_the_badge_is_the_first_line_of_the_derivation(content):
    # one HTMLMath for the badge and the derivation (an HTML widget of its own was two models
    # more): the toggles, then one widget that shows both, the badge the same in every view
    w = DerivationWidget(content)
    assert [type(x) for x in w.children] == [
        widgets.ToggleButtons,
        widgets.ToggleButtons,
        widgets.HTMLMath,
    ]
    assert "matdiff-math" in w.math._dom_classes
    first = badge(w)
    assert "methods agree" in first
    for layout in ("numerator", "denominator", "mixed"):
        w.layout_buttons.value = layout
        for _, view in w.view_buttons.options:
            w.view_buttons.value = view
            assert badge(w) == first
            assert w.math.value.index("matdiff-badge") < w.math.value.index("matdiff-header")


def test_badge_says_whether_the_methods_agree(content):
    w = DerivationWidget(content)
    assert "methods agree" in badge(w)
    assert "#1a7f37" in badge(w)  # green


def test_single_method_has_no_view_toggle():
    c = content_for(md.derive("x' x", "x"), "en")
    w = DerivationWidget(c)
    assert w.view_buttons is None and w.view == "differential"
    assert "one method" in badge(w)
    w.layout_buttons.value = "numerator"
    assert shown(w) == c.html("numerator", "differential")


def test_the_widgets_share_one_layout_model(content):
    # one Layout model (none of them styles its own box) rather than one each
    w = DerivationWidget(content)
    assert len({id(x.layout) for x in all_widgets(w)}) == 1


def test_every_derivation_widget_shares_its_layout_and_styles(content):
    # nothing changes them: one model of each for every cell, made again once closed
    first, second = DerivationWidget(content), DerivationWidget(content)
    for a, b in ((first, second), (first.view_buttons, second.view_buttons)):
        assert a.layout is b.layout
    assert first.layout_buttons.style is second.view_buttons.style
    assert first.layout_buttons.style.button_width == "auto"
    assert first.math.style is second.math.style
    first.layout.close()
    third = DerivationWidget(content)
    assert third.layout is not first.layout and third.layout.comm is not None
    assert third.math.style is first.math.style


def test_chinese_widget_labels():
    c = content_for(md.derive("x' A x", "x", {"x": "vector(n)", "A": "matrix(n, n)"}), "zh")
    w = DerivationWidget(c, "mixed")
    labels = [label for label, _ in w.layout_buttons.options]
    assert labels == ["分子布局", "分母布局", "混合布局"]
    assert w.layout_buttons.description == "布局"
    assert "矩阵微分法" in w.math.value
    w.layout_buttons.value = "numerator"
    assert "分子布局" in w.math.value


def test_the_magic_bundle_holds_the_widget_and_the_fallbacks(content):
    data = bundle(content, "mixed")
    assert set(data) == {
        "application/vnd.jupyter.widget-view+json",
        "text/latex",
        "text/markdown",
        "text/plain",
    }
    model_id = data["application/vnd.jupyter.widget-view+json"]["model_id"]
    from ipywidgets.widgets.widget import _instances

    w = _instances[model_id]
    assert isinstance(w, DerivationWidget)
    w.layout_buttons.value = "numerator"
    assert shown(w) == content.html("numerator", ALL)
    assert set(bundle(content, "mixed", static=True)) == {
        "text/latex",
        "text/markdown",
        "text/plain",
    }


def test_static_fallback_has_the_same_derivations(content, comparison):
    static = content.static_bundle("mixed")
    for method, r in comparison.results.items():
        block = r.steps.latex()
        assert block in static["text/latex"]
        assert block in static["text/markdown"]
        assert r"\boxed{" in static["text/latex"]
        assert content.titles[method] in static["text/plain"]
        assert r.steps.text() in static["text/plain"]
    assert "matdiff-grid" not in static["text/markdown"]


def test_html_is_escaped_for_the_browser(content):
    from matdiff_magic.frontend.render_steps import math_pieces

    html = content.html("mixed", ALL)
    assert "<script" not in html
    # < and & in a formula reach MathJax as text, not as markup
    piece = math_pieces(r"\begin{cases} a < b & c \end{cases}")
    assert "&lt;" in piece and "&amp;" in piece and "<b" not in piece


def test_a_failed_method_is_an_error_in_every_view(comparison):
    """A method that failed (its verification, say) has no toggle and no column, but its error
    is shown under every view, and the badge is red."""
    from matdiff_magic.frontend.render import build_content

    results = {
        layout: {m: r for m, r in comparison.with_layout(layout).results.items() if m != "chain"}
        for layout in ("numerator", "denominator", "mixed")
    }
    err = md.MatDiffError("step 2 does not hold numerically; please report this as a bug")
    c = build_content(results, "en", comparison=comparison, failed={"chain": err})
    w = DerivationWidget(c, "mixed")
    assert "chain" not in [v for _, v in w.view_buttons.options]
    failure = "error: chain rule failed: step 2 does not hold numerically"
    for layout in ("numerator", "mixed"):
        w.layout_buttons.value = layout
        for _, view in w.view_buttons.options:
            w.view_buttons.value = view
            assert "matdiff-failed" in w.math.value and failure in w.math.value
    assert "#cf222e" in badge(w) and "✗ failed: chain rule" in badge(w)
    static = c.static_bundle("mixed")
    assert all(failure in text for text in static.values())
