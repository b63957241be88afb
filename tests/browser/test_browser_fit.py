"""Every lecture notebook fits its box in JupyterLab (and one in Notebook 7), in the light and the
dark theme, and an error stops Run All.

Each ``notebooks/0*.ipynb`` is copied to a temporary root, opened in JupyterLab (windowing off,
so that every cell is laid out), run once with Run All, and then measured at 1400 px and at
1000 px wide, in JupyterLab Light and JupyterLab Dark: no derivation element (the widget's
HTMLMath, the side-by-side grid, each method, each derivation and each formula row) is wider than
its box (``scrollWidth <= clientWidth``), every rule name's toggle lies inside the output area,
and every colour matdiff writes (badge, errors, notes) has a contrast of at least 4.5:1 on the
background it is drawn on (computed styles). Notebook 7 runs one notebook the same way.

Screenshots of every state are kept in ``tests/browser/screenshots/`` (ignored by git), named
``<server>-<notebook>-<theme>-<width>.png``, with the measurements in ``fit.json``.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from conftest import REPO, launch, serve

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
# The lecture notebooks that show derivations (08_identities prints its table from Python).
LECTURES = sorted(
    p for p in (REPO / "notebooks").glob("0*.ipynb") if "%%matdiff" in p.read_text("utf-8")
)
NOTEBOOK7_LECTURE = "04_chain_rule.ipynb"
WIDTHS = (1400, 1000)
THEMES = ("JupyterLab Light", "JupyterLab Dark")
RUN_TIMEOUT_MS = 240_000
NO_WINDOWING = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
BAD_CELL = "%%matdiff\nA: matrix(m, n); B: matrix(m, n)\nf = tr(A B)"

# Elements that hold a derivation, and what is measured of each.
MEASURE = """() => {
    // MathJax's assistive MathML (for screen readers) is absolutely positioned and clipped to
    // 1 px: invisible, but it counts in scrollWidth. It is hidden while measuring.
    const hide = document.createElement('style');
    hide.textContent = 'mjx-assistive-mml { display: none !important; }';
    document.head.appendChild(hide);
    const selectors = ['.widget-htmlmath', '.matdiff-grid', '.matdiff-method',
        '.matdiff-derivation', '.matdiff-rhs', '.matdiff-result', '.matdiff-header'];
    const overflowing = [];
    let measured = 0;
    for (const sel of selectors) {
        for (const el of document.querySelectorAll('.jp-OutputArea-output ' + sel)) {
            measured += 1;
            if (el.scrollWidth > el.clientWidth + 1) {
                overflowing.push({sel, scroll: el.scrollWidth, client: el.clientWidth,
                    text: el.textContent.slice(0, 80)});
            }
        }
    }
    const outside = [];
    let rules = 0;
    for (const s of document.querySelectorAll('.jp-OutputArea-output .matdiff-rule summary')) {
        rules += 1;
        const area = s.closest('.jp-OutputArea-output').getBoundingClientRect();
        const range = document.createRange();  // the words, not the block they sit in
        range.selectNodeContents(s);
        const r = range.getBoundingClientRect();
        if (r.width === 0 || r.left < area.left - 1 || r.right > area.right + 1) {
            outside.push({text: s.textContent, left: r.left, right: r.right,
                area: [area.left, area.right]});
        }
    }
    const rgba = (css) => {
        const n = (css.match(/[\\d.]+/g) || []).map(Number);
        const a = n.length > 3 ? n[3] : 1;
        if (css.startsWith('color(')) return [n[0] * 255, n[1] * 255, n[2] * 255, a];
        return [n[0], n[1], n[2], a];
    };
    const lum = ([r, g, b]) => {
        const f = (c) => {
            c /= 255;
            return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
        for (let e = el; e; e = e.parentElement) {
            const c = rgba(getComputedStyle(e).backgroundColor);
            if (c[3] > 0.5) return c;
        }
        return [255, 255, 255, 1];
    };
    const contrast = [];
    for (const el of document.querySelectorAll(
            '.jp-OutputArea-output [class^="matdiff"][style*="color"], '
            + '.jp-OutputArea-output [class^="matdiff"] [style*="color"]')) {
        if (!el.textContent.trim()) continue;
        const bg = background(el);
        const fg = rgba(getComputedStyle(el).color);
        const mix = fg.slice(0, 3).map((c, i) => c * fg[3] + bg[i] * (1 - fg[3]));
        const [hi, lo] = [lum(mix), lum(bg)].sort((a, b) => b - a);
        contrast.push({ratio: (hi + 0.05) / (lo + 0.05), color: getComputedStyle(el).color,
            background: bg.join(','), text: el.textContent.slice(0, 60)});
    }
    hide.remove();
    return {measured, overflowing, rules, outside, contrast, width: window.innerWidth};
}"""

DONE = """(bad) => {
    const prompts = Array.from(document.querySelectorAll('.jp-CodeCell .jp-InputPrompt'))
        .map((p) => p.textContent);
    if (prompts.some((p) => p.includes('*'))) return false;
    const typesetting = Array.from(document.querySelectorAll('.widget-htmlmath'))
        .some((e) => e.textContent.includes('$'));
    const loading = document.body.innerText.includes('Loading widget');
    if (typesetting || loading) return false;
    if (bad) return document.querySelectorAll('.jp-OutputArea-output pre').length > 0;
    return prompts.length > 0 && prompts.every((p) => /\\[\\d+\\]/.test(p));
}"""


@pytest.fixture(scope="module")
def screenshots(tools) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture(scope="module")
def course(tools, tmp_path_factory, screenshots):
    """A root with the lecture notebooks and a notebook whose second cell is bad."""
    base = tmp_path_factory.mktemp("course")
    root = base / "root"
    root.mkdir()
    for path in LECTURES:
        shutil.copy(path, root / path.name)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)"}
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext matdiff_magic"),
        nbformat.v4.new_code_cell(BAD_CELL),
        nbformat.v4.new_code_cell("after_the_bad_cell = 1"),
    ]
    nbformat.write(nb, root / "bad_cell.ipynb")
    return base, root


@pytest.fixture(scope="module")
def browser(tools, tmp_path_factory, screenshots):
    with launch(tools, tmp_path_factory.mktemp("profile"), screenshots, "fit-") as b:
        yield b


def run_all(page, server, name: str, app: str, bad: bool = False) -> float:
    """Open ``name`` in a fresh workspace, run every cell, wait until typeset."""
    started = time.monotonic()
    if app == "jupyterlab":
        url = f"{server.url}/lab/workspaces/w{int(started * 1000)}/tree/{name}?token={server.token}"
    else:
        url = f"{server.url}/notebooks/{name}?token={server.token}"
    page.goto(url)
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.wait_for_function(
        """() => window.jupyterapp && window.jupyterapp.shell.currentWidget
            && window.jupyterapp.shell.currentWidget.sessionContext
            && window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel
            && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status
               === 'idle'""",
        timeout=60_000,
    )
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_timeout(1000)
    page.wait_for_function(DONE, arg=bad, timeout=RUN_TIMEOUT_MS, polling=500)
    return time.monotonic() - started


def set_theme(page, theme: str) -> None:
    page.evaluate(
        "(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme
    )
    light = "true" if "Light" in theme else "false"
    page.wait_for_function(f"() => document.body.dataset.jpThemeLight === '{light}'")
    page.wait_for_timeout(500)


def measure_everywhere(page, tag: str, screenshots: Path) -> list[str]:
    """Measure at every width and theme; returns the failures (screenshots either way)."""
    failures: list[str] = []
    report = {}
    for theme in THEMES:
        set_theme(page, theme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_timeout(400)
            m = page.evaluate(MEASURE)
            key = f"{tag}-{'dark' if 'Dark' in theme else 'light'}-{width}"
            report[key] = m
            first = page.locator(".jp-OutputArea-output .matdiff-method").first
            if first.count():
                first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / f"{key}.png"))
            if m["measured"] == 0:
                failures.append(f"{key}: no derivation element was found")
            failures += [f"{key}: wider than its box: {o}" for o in m["overflowing"]]
            failures += [f"{key}: rule name outside the output: {o}" for o in m["outside"]]
            failures += [
                f"{key}: contrast {c['ratio']:.2f} < 4.5: {c}"
                for c in m["contrast"]
                if c["ratio"] < 4.5
            ]
    log = screenshots / "fit.json"
    previous = json.loads(log.read_text()) if log.exists() else {}
    log.write_text(json.dumps({**previous, **report}, indent=1, ensure_ascii=False))
    return failures


def stop_kernels(server) -> None:
    for session in json.loads(server.api("/api/sessions")):
        server.api(f"/api/sessions/{session['id']}", method="DELETE", timeout=20)


def test_lecture_notebooks_fit_in_jupyterlab(course, browser, screenshots):
    base, root = course
    with serve(base / "lab", root, screenshots, settings=NO_WINDOWING) as server:
        page = browser.context.pages[0] if browser.context.pages else browser.context.new_page()
        failures: list[str] = []
        for path in LECTURES:
            page.set_viewport_size({"width": 1400, "height": 900})
            took = run_all(page, server, path.name, "jupyterlab")
            print(f"{path.name}: run and typeset in {took:.1f} s")
            failures += measure_everywhere(page, f"lab-{path.stem}", screenshots)
            set_theme(page, THEMES[0])
            stop_kernels(server)
        assert not failures, "\n".join(failures[:30])


def test_bad_cell_stops_run_all(course, browser, screenshots):
    base, root = course
    with serve(base / "lab-bad", root, screenshots) as server:
        page = browser.context.pages[0]
        run_all(page, server, "bad_cell.ipynb", "jupyterlab", bad=True)
        page.wait_for_timeout(2000)  # time for the cell after it to run, were it to run
        prompts = page.locator(".jp-CodeCell .jp-InputPrompt").all_inner_texts()
        page.screenshot(path=str(screenshots / "lab-bad_cell.png"))
        assert "error" in page.locator(".jp-CodeCell").nth(1).inner_text()
        assert [p.strip() for p in prompts][2] in ("[ ]:", ""), prompts
        assert all(ch.isdigit() for ch in prompts[1].strip("[]: ")), prompts
        stop_kernels(server)


def test_a_lecture_notebook_fits_in_notebook7(course, browser, screenshots):
    base, root = course
    with serve(base / "nb7", root, screenshots, app="notebook", settings=NO_WINDOWING) as server:
        page = browser.context.pages[0]
        page.set_viewport_size({"width": 1400, "height": 900})
        took = run_all(page, server, NOTEBOOK7_LECTURE, "notebook")
        print(f"Notebook 7, {NOTEBOOK7_LECTURE}: run and typeset in {took:.1f} s")
        failures = measure_everywhere(page, f"nb7-{Path(NOTEBOOK7_LECTURE).stem}", screenshots)
        stop_kernels(server)
        assert not failures, "\n".join(failures[:30])
