"""What a person sees in JupyterLab: a ``%%matdiff`` cell run in Debian's Chromium.

The notebook (see conftest.py) loads the extension, runs the least-squares example with every
method, and runs an input with a shape error. The assertions read the page as it is shown:
typeset math (MathJax's ``mjx-container`` elements, and the MathML MathJax attaches for screen
readers to say what each formula reads), which toggle button is pressed, where the method columns
sit on the screen, and where the caret falls under the offending name. Screenshots of each state
go to ``artifacts/browser/``.
"""

from __future__ import annotations

import json
import re
import time

import pytest

pytestmark = pytest.mark.browser

UI_TIMEOUT_MS = 90_000  # the first run imports SymPy and derives with every method

# The result of the least-squares example as MathJax reads it out (∂f/∂θ = 2 Xᵀ (X θ - y)), in
# the mixed (here denominator) layout and in numerator layout.
DENOMINATOR_FORM = "∂f∂θ=2XT(Xθ−y)"
NUMERATOR_FORM = "∂f∂θT=2(Xθ−y)TX"
# Methods that must be among those shown (the magic shows every applicable one).
SOME_METHODS = [
    "matrix differential (trace trick)",
    "chain rule",
    "vectorization (Kronecker products)",
]
ALL_VIEW = "all side by side"

# For each method column: its title and the boxed result as MathJax's MathML reads it.
BOXED_RESULTS = """(out) => Array.from(out.querySelectorAll('.matdiff-method')).map((m) => {
    const title = m.querySelector('h4');
    const box = m.querySelector('mjx-container mjx-assistive-mml menclose');
    return [title ? title.textContent : '', box ? box.textContent.replace(/\\s+/g, '') : null];
})"""

WAIT_FOR_RESULTS = """([out, want]) => {
    const boxes = Array.from(out.querySelectorAll('.matdiff-method'))
        .map((m) => m.querySelector('mjx-container mjx-assistive-mml menclose'));
    return boxes.length > 0 && (want.count === null || boxes.length === want.count)
        && boxes.every((b) => b && b.textContent.replace(/\\s+/g, '') === want.form);
}"""

# Where the caret and the character above it are drawn.
CARET_GEOMETRY = """(pre) => {
    const walker = document.createTreeWalker(pre, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = '';
    while (walker.nextNode()) {
        nodes.push([walker.currentNode, text.length]);
        text += walker.currentNode.textContent;
    }
    const rectAt = (index) => {
        for (const [node, start] of nodes) {
            if (index < start + node.textContent.length) {
                const range = document.createRange();
                range.setStart(node, index - start);
                range.setEnd(node, index - start + 1);
                const r = range.getBoundingClientRect();
                return {left: r.left, top: r.top, width: r.width};
            }
        }
        return null;
    };
    const lines = text.split('\\n');
    const caretLine = lines.findIndex((l) => /^\\s*\\^+\\s*$/.test(l));
    if (caretLine < 1) return {text, caretLine};
    const lineStart = (i) => lines.slice(0, i).reduce((n, l) => n + l.length + 1, 0);
    const column = lines[caretLine].indexOf('^');
    return {
        text, caretLine, column,
        above: lines[caretLine - 1][column],
        caret: rectAt(lineStart(caretLine) + column),
        target: rectAt(lineStart(caretLine - 1) + column),
        font: getComputedStyle(pre).fontFamily,
        color: getComputedStyle(pre).color,
    };
}"""


class NotebookPage:
    """The open notebook and the parts of it the tests look at."""

    def __init__(self, page, artifacts):
        self.page = page
        self.artifacts = artifacts
        self.cells = page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell")
        self.widget = self.cells.nth(1).locator(".jp-OutputArea-output .widget-vbox").first
        self.layout_toggle = self.widget.locator(".widget-toggle-buttons").nth(0)
        self.view_toggle = self.widget.locator(".widget-toggle-buttons").nth(1)
        self.math = self.widget.locator(".widget-htmlmath").first
        self.error_output = self.cells.nth(2).locator(".jp-OutputArea-output").first

    def screenshot(self, name: str, element=None) -> None:
        path = self.artifacts / f"{name}.png"
        (element or self.page).screenshot(path=str(path))
        print(f"screenshot: {path}")

    def click_toggle(self, toggle, label: str) -> None:
        button = toggle.get_by_role("button", name=label, exact=True)
        button.click()
        page_expect_active(button)

    @property
    def methods(self) -> list[str]:
        """The methods offered by the view toggle (its last button is "all side by side")."""
        labels = [b.inner_text().strip() for b in self.view_toggle.get_by_role("button").all()]
        assert labels and labels[-1] == ALL_VIEW, labels
        return labels[:-1]

    def wait_for_results(self, form: str, count: int | None = None) -> None:
        self.page.wait_for_function(
            WAIT_FOR_RESULTS,
            arg=[self.math.element_handle(), {"form": form, "count": count}],
            timeout=UI_TIMEOUT_MS,
        )

    def results(self) -> list[list]:
        return self.math.evaluate(BOXED_RESULTS)

    def assert_typeset(self) -> None:
        """Everything in the derivation is typeset: no TeX source, no MathJax errors."""
        shown = self.math.inner_text()
        for raw in ("\\frac", "\\begin", "\\partial", "$$", "\\boxed"):
            assert raw not in shown, f"raw TeX {raw!r} is on the screen"
        assert "\\" not in shown
        assert self.math.locator("mjx-merror").count() == 0, "MathJax could not typeset a formula"
        assert self.math.locator("mjx-container").count() >= 10
        page_text = self.page.locator(".jp-NotebookPanel .jp-Notebook").inner_text()
        assert "\\frac" not in page_text


def page_expect_active(button) -> None:
    from playwright.sync_api import expect

    expect(button).to_have_class(re.compile(r"\bmod-active\b"), timeout=10_000)


@pytest.fixture(scope="module")
def notebook(lab, chromium, artifacts) -> NotebookPage:
    """The test notebook open in JupyterLab with every cell run."""
    context = chromium.context
    page = context.pages[0] if context.pages else context.new_page()
    page.set_default_timeout(30_000)
    page.on("pageerror", lambda err: chromium.console.append(f"pageerror: {err}"))
    started = time.monotonic()
    try:
        return open_and_run(page, lab, artifacts, started)
    except Exception:
        path = artifacts / "00_setup_failure.png"
        page.screenshot(path=str(path))
        print(f"screenshot of the failure: {path}")
        raise


def open_and_run(page, lab, artifacts, started: float) -> NotebookPage:
    page.goto(lab.notebook_url())
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-CodeCell").first.wait_for()
    wait_for_kernel(lab, page)
    print(f"notebook open, kernel idle, in {time.monotonic() - started:.1f} s")
    # More room for the three columns: fold the file browser away (click its active tab).
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").first.click()
    page.locator("#jp-left-stack").wait_for(state="hidden")
    # Run > Run All Cells.
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.locator("li[data-command='runmenu:run-all']").click()
    nb = NotebookPage(page, artifacts)
    nb.math.locator("mjx-container").first.wait_for(timeout=UI_TIMEOUT_MS)
    nb.error_output.locator("pre").wait_for(timeout=UI_TIMEOUT_MS)
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
            .every((p) => /\\[\\d+\\]/.test(p.textContent))""",
        timeout=UI_TIMEOUT_MS,
    )
    nb.wait_for_results(DENOMINATOR_FORM)
    print(f"cells run and typeset in {time.monotonic() - started:.1f} s")
    nb.screenshot("01_notebook_after_run_all")
    return nb


def wait_for_kernel(lab, page, timeout: float = 60) -> None:
    """Until the notebook's kernel has started and is idle (running cells before that makes
    JupyterLab ask which kernel to start)."""
    deadline = time.monotonic() + timeout
    while True:
        sessions = json.loads(lab.api("/api/sessions"))
        kernels = [s["kernel"] for s in sessions if s.get("path", "").endswith(lab.notebook)]
        if any(k.get("execution_state") == "idle" and k.get("connections", 0) > 0 for k in kernels):
            break
        assert time.monotonic() < deadline, f"the kernel did not start: {sessions}"
        # Not time.sleep: Playwright's sync API serves the request routing (the network
        # guard) only while one of its calls runs, so the page would stall meanwhile.
        page.wait_for_timeout(300)
    from playwright.sync_api import expect

    expect(page.locator(".jp-NotebookPanel-toolbar .jp-KernelName")).to_have_text(
        "Python 3 (ipykernel)"
    )


def test_mathjax_typeset_the_derivation(notebook):
    nb = notebook
    shown = nb.widget.inner_text()
    assert "Loading widget" not in shown and "Error displaying widget" not in shown
    nb.assert_typeset()
    # The header restates the problem, with typeset formulas inside the sentence.
    header = nb.math.locator(".matdiff-header")
    assert "Differentiate" in header.inner_text()
    assert header.locator("mjx-container").count() >= 4
    # Every method column shows its derivation and its boxed result, typeset.
    methods = nb.methods
    assert set(SOME_METHODS) <= set(methods), methods
    assert nb.results() == [[m, DENOMINATOR_FORM] for m in methods]
    for column in nb.math.locator(".matdiff-method").all():
        assert column.locator("mjx-container").count() >= 2
        box = column.locator("mjx-container mjx-assistive-mml menclose")
        assert box.count() == 1
    # the badge is the first line of the derivation's widget, above the problem statement
    badge = nb.math.locator(".matdiff-badge")
    assert f"the {len(methods)} methods agree" in badge.inner_text()
    assert badge.bounding_box()["y"] < header.bounding_box()["y"]
    nb.screenshot("02_widget_mixed_layout", nb.widget)


def test_layout_toggle_shows_the_other_layouts_form(notebook):
    nb = notebook
    assert nb.layout_toggle.locator(".widget-label").inner_text() == "Layout"
    mixed = nb.layout_toggle.get_by_role("button", name="mixed", exact=True)
    page_expect_active(mixed)
    methods = nb.methods
    first_box = nb.math.locator(".matdiff-method").first.locator("mjx-container").last
    before = first_box.screenshot()
    try:
        nb.click_toggle(nb.layout_toggle, "numerator")
        nb.wait_for_results(NUMERATOR_FORM, len(methods))
        assert nb.results() == [[m, NUMERATOR_FORM] for m in methods]
        assert "numerator layout" in nb.math.locator(".matdiff-header").inner_text()
        nb.assert_typeset()
        after = first_box.screenshot()
        assert after != before, "the boxed result looks the same in both layouts"
        nb.screenshot("03_widget_numerator_layout", nb.widget)

        nb.click_toggle(nb.layout_toggle, "denominator")
        nb.wait_for_results(DENOMINATOR_FORM, len(methods))
        nb.assert_typeset()
    finally:
        nb.click_toggle(nb.layout_toggle, "mixed")
    nb.wait_for_results(DENOMINATOR_FORM, len(methods))


def test_method_view_shows_the_methods_side_by_side(notebook):
    nb = notebook
    assert nb.view_toggle.locator(".widget-label").inner_text() == "View"
    methods = nb.methods
    assert len(methods) >= 2 and set(SOME_METHODS) <= set(methods), methods
    page_expect_active(nb.view_toggle.get_by_role("button", name=ALL_VIEW))

    columns = nb.math.locator(".matdiff-grid > .matdiff-method")
    assert columns.count() == len(methods)
    assert [c.locator("h4").inner_text() for c in columns.all()] == methods
    boxes = [c.bounding_box() for c in columns.all()]
    assert all(b and b["width"] > 150 and b["height"] > 100 for b in boxes), boxes
    tops = [b["y"] for b in boxes]
    assert max(tops) - min(tops) < 2, f"the columns are not side by side: {boxes}"
    for left, right in zip(boxes, boxes[1:], strict=False):
        assert left["x"] + left["width"] <= right["x"] + 1, f"columns overlap: {boxes}"
    nb.screenshot("04_methods_side_by_side", nb.math)

    try:
        nb.click_toggle(nb.view_toggle, "chain rule")
        nb.wait_for_results(DENOMINATOR_FORM, 1)
        assert nb.math.locator(".matdiff-grid").count() == 0
        assert nb.results() == [["chain rule", DENOMINATOR_FORM]]
        nb.assert_typeset()
        nb.screenshot("05_view_chain_rule_only", nb.widget)
    finally:
        nb.click_toggle(nb.view_toggle, ALL_VIEW)
    nb.wait_for_results(DENOMINATOR_FORM, len(methods))


def test_input_error_shows_the_message_and_caret(notebook):
    nb = notebook
    out = nb.error_output
    pre = out.locator("pre")
    assert pre.count() == 1
    geometry = pre.evaluate(CARET_GEOMETRY)
    text = geometry["text"]
    assert text.startswith("error: cannot multiply A (m×n) by B (m×n): n ≠ m"), text
    assert "Traceback" not in nb.cells.nth(2).inner_text()
    assert nb.cells.nth(2).locator(".widget-vbox").count() == 0
    lines = text.split("\n")
    assert lines[1].strip() == "f = tr(A B)"
    # The caret is drawn under the B, in a monospace font, in red.
    assert geometry["caretLine"] == 2 and geometry["above"] == "B", geometry
    assert "monospace" in geometry["font"], geometry["font"]
    assert abs(geometry["caret"]["left"] - geometry["target"]["left"]) < 1.5, geometry
    assert geometry["caret"]["top"] > geometry["target"]["top"], geometry
    # JupyterLab's own error output (the cell failed), in the theme's colours rather than ours
    mime = out.evaluate(
        "e => e.getAttribute('data-mime-type')"
        " || e.querySelector('[data-mime-type]')?.getAttribute('data-mime-type')"
    )
    assert mime == "application/vnd.jupyter.stderr", mime
    nb.screenshot("06_input_error_caret", nb.cells.nth(2))


def test_requests_off_the_machine_are_blocked(notebook, chromium):
    page = notebook.page
    outcome = page.evaluate(
        """() => fetch('http://example.com/matdiff-network-guard')
                .then(() => 'reached', () => 'blocked')"""
    )
    assert outcome == "blocked"
    assert "http://example.com/matdiff-network-guard" in chromium.guard.blocked
    page.evaluate(
        """() => new Promise((done) => {
            const ws = new WebSocket('ws://example.com/matdiff-network-guard');
            ws.onclose = ws.onerror = () => done();
            setTimeout(done, 3000);
        })"""
    )
    assert "ws://example.com/matdiff-network-guard" in chromium.guard.blocked
    assert chromium.guard.allowed > 0  # JupyterLab itself was served from 127.0.0.1
    notebook.screenshot("07_final_state")
