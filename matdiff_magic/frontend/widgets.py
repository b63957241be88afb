"""The interactive view: layout and view toggles over precomputed content.

Toggling swaps strings from a :class:`~matdiff_magic.frontend.render.Content` into one
``HTMLMath`` widget, the badge at its top: nothing is re-derived, and no ``Output`` widget is
used (its content would leak into nbval comparisons). Each widget is a model (and messages to the
front end) of its own, so there are as few as the controls need: the two toggles, one HTMLMath
for the badge and the derivation, the box, one Layout and one style per kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import ipywidgets as widgets
from ipywidgets.widgets.widget_selection import ToggleButtonsStyle
from ipywidgets.widgets.widget_string import HTMLMathStyle

from matdiff_magic.frontend.render import ALL, Content
from matdiff_magic.i18n import message

# ipywidgets sizes an HTMLMath's content to its own content, and an auto-fit grid's own width
# is one column: without this the side-by-side grid would stack every method in one column.
# (A <style> element in a widget's HTML applies to the page; only our widgets carry the class.)
FILL_WIDTH = (
    "<style>.matdiff-math > .widget-htmlmath-content, .matdiff-math > .widget-html-content"
    "{flex:1 1 auto;min-width:0}</style>"
)


M = TypeVar("M", bound=widgets.Widget)
# The Layout and the styles of every derivation widget: nothing changes them, so one model of
# each serves every cell of the kernel (made per cell, they were four models, and a message to
# the front end apiece, of the cell's nine); made again if closed (``Widget.close_all()``).
_SHARED: dict[str, widgets.Widget] = {}


def shared(kind: str, make: Callable[[], M]) -> M:
    """The one open model of ``kind`` that derivation widgets share (``make`` makes it)."""
    model = _SHARED.get(kind)
    if model is None or model.comm is None:
        model = _SHARED[kind] = make()
    return model  # type: ignore[return-value]


class DerivationWidget(widgets.VBox):
    """ToggleButtons for the layout and (with several methods) the view, then the badge and
    the derivation in one HTMLMath."""

    def __init__(self, content: Content, layout: str = "mixed", view: str | None = None) -> None:
        self.content = content
        lang = content.lang
        # One Layout model for the box and its children (none of them sets one), one style
        # for both toggles (the same button width), shared with every other derivation widget.
        box = shared("layout", widgets.Layout)
        buttons = shared("buttons", lambda: ToggleButtonsStyle(button_width="auto"))
        self.layout_buttons = widgets.ToggleButtons(
            options=[(message(f"ui.{name}", lang), name) for name in content.layouts],
            value=layout,
            description=message("ui.layout", lang),
            style=buttons,
            layout=box,
        )
        self.layout_buttons.observe(self._update, names="value")
        views = content.view_names
        self._view = view or content.default_view
        # One method has one view: no toggle to show (nor to make).
        self.view_buttons: widgets.ToggleButtons | None = None
        if len(views) > 1:
            self.view_buttons = widgets.ToggleButtons(
                options=[
                    (message("ui.view.all", lang) if v == ALL else content.titles[v], v)
                    for v in views
                ],
                value=self._view,
                description=message("ui.view", lang),
                style=buttons,
                layout=box,
            )
            self.view_buttons.observe(self._update, names="value")
        # The badge as the first line of the derivation's widget (it was an HTML widget of its
        # own: two models more), the same under every layout and view.
        self._badge = badge_row(content)
        # The whole width of the output: the side-by-side grid fits as many columns as the
        # width allows, so the widget must not shrink to its content (the class, given when the
        # model is made, is sent with it rather than as an update).
        self.math = widgets.HTMLMath(
            self._value(),
            layout=box,
            style=shared("math", HTMLMathStyle),
            _dom_classes=("matdiff-math",),
        )
        children: list[widgets.Widget] = [self.layout_buttons]
        if self.view_buttons is not None:
            children.append(self.view_buttons)
        children.append(self.math)
        super().__init__(children, layout=box)

    def __repr__(self) -> str:
        # ipywidgets' own repr lists every trait of every child: its text/plain is replaced by
        # the derivation's anyway (magic.bundle), and building it cost a few ms per cell
        return f"<DerivationWidget layout={self.layout_value!r} view={self.view!r}>"

    @property
    def layout_value(self) -> str:
        return self.layout_buttons.value

    @property
    def view(self) -> str:
        return self._view if self.view_buttons is None else self.view_buttons.value

    def _value(self) -> str:
        return self._badge + self.content.html(self.layout_buttons.value, self.view)

    def _update(self, change: dict | None = None) -> None:
        self.math.value = self._value()


def badge_row(content: Content) -> str:
    """What the derivation's widget shows above the derivation: the badge on a line of its own
    (and the style that lets the widget fill the output's width)."""
    if not content.badge.text:
        return FILL_WIDTH
    row = f"<div class='matdiff-badge-row' style='margin:0 0 4px'>{content.badge.html}</div>"
    return FILL_WIDTH + row


def derivation_widget(content: Content, layout: str = "mixed") -> DerivationWidget:
    return DerivationWidget(content, layout)


__all__ = ["DerivationWidget", "badge_row", "derivation_widget"]
