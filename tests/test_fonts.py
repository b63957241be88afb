"""Chinese plot labels: CJK fonts registered with matplotlib whatever its font cache holds, the
Simplified Chinese face preferred, one warning when no CJK font exists."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from matplotlib.font_manager import FontManager, findfont

import matdiff_magic as md
from matdiff_magic.frontend import fonts, plots

REPO = Path(__file__).resolve().parents[1]


def _fc_list_has_cjk() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())


needs_cjk = pytest.mark.skipif(
    not _fc_list_has_cjk(), reason="no CJK font on this machine (apt-get install fonts-noto-cjk)"
)


@pytest.fixture
def fresh_fonts(monkeypatch):
    """A font manager whose list, like a cache built before the CJK font was installed, lacks
    every CJK face; the module's cached choice is cleared before and after."""
    manager = FontManager()
    manager.ttflist = [
        e for e in manager.ttflist if not any(e.name.startswith(f) for f in fonts.CJK_FAMILIES)
    ]
    monkeypatch.setattr(fonts, "fontManager", manager)
    fonts.cjk_family.cache_clear()
    yield manager
    fonts.cjk_family.cache_clear()


def test_simplified_chinese_face_comes_before_japanese():
    names = ["Noto Serif CJK JP", "Noto Sans CJK JP", "Noto Sans CJK SC", "DejaVu Sans"]
    assert fonts.best_family(names) == "Noto Sans CJK SC"
    assert fonts.best_family(["Noto Serif CJK JP", "Noto Serif CJK SC"]) == "Noto Serif CJK SC"
    assert fonts.best_family(["Noto Sans CJK JP", "DejaVu Sans"]) == "Noto Sans CJK JP"
    assert fonts.best_family(["DejaVu Sans"]) is None


@needs_cjk
def test_font_missing_from_the_cache_is_registered_from_its_file(fresh_fonts):
    assert fonts.best_family([e.name for e in fresh_fonts.ttflist]) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error", fonts.NoCJKFontWarning)
        lang, font = fonts.plot_font("zh")
    assert lang == "zh"
    family = fonts.cjk_family()
    assert family is not None and "JP" not in family
    path = fresh_fonts.findfont(font, fallback_to_default=False)
    assert any(key in Path(path).name.lower() for key in ("cjk", "wqy", "sourcehan", "droid"))


@needs_cjk
def test_chinese_labels_draw_every_glyph():
    """A zh check plot names its axes in Chinese, and no glyph is missing from the font."""
    fonts.cjk_family.cache_clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = plots.check_plot(md.derive("x' x", "x"), lang="zh")
        plots.figure_png(fig)
    missing = [w for w in caught if "missing from" in str(w.message).lower()]
    assert not missing, [str(w.message) for w in missing]
    label = fig.axes[0].get_xlabel()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in label), label
    assert "cjk" in Path(findfont(fig.axes[0].xaxis.label.get_fontproperties())).name.lower()


def test_without_cjk_font_one_warning_and_english_labels(fresh_fonts, monkeypatch):
    monkeypatch.setattr(fonts, "font_files", lambda dirs=fonts.FONT_DIRS: [])
    with pytest.warns(fonts.NoCJKFontWarning, match="fonts-noto-cjk"):
        assert fonts.plot_font("zh") == ("en", None)
    with warnings.catch_warnings():
        warnings.simplefilter("error", fonts.NoCJKFontWarning)
        assert fonts.plot_font("zh") == ("en", None)  # said once
        fig = plots.check_plot(md.derive("x' x", "x"), lang="zh")
    label = fig.axes[0].get_xlabel()
    assert label and not any("\u4e00" <= ch <= "\u9fff" for ch in label)


def test_font_files_finds_cjk_files_by_name(tmp_path):
    (tmp_path / "noto").mkdir()
    for name in ("NotoSansCJK-Regular.ttc", "DejaVuSans.ttf", "wqy-zenhei.ttc", "readme.txt"):
        (tmp_path / "noto" / name).write_bytes(b"")
    found = {p.name for p in fonts.font_files((str(tmp_path),))}
    assert found == {"NotoSansCJK-Regular.ttc", "wqy-zenhei.ttc"}


def test_binder_installs_a_cjk_font():
    lines = (REPO / "binder" / "apt.txt").read_text(encoding="utf-8").splitlines()
    assert "fonts-noto-cjk" in [ln.partition("#")[0].strip() for ln in lines]
