"""The interactive view: layout and view toggles over precomputed content.

Toggling swaps strings from a :class:`~matdiff_magic.frontend.render.Content` into one
``HTMLMath`` widget: nothing is re-derived, and no ``Output`` widget is used (its content would
leak into nbval comparisons).
"""

from __future__ import annotations

import ipywidgets as widgets

from matdiff_magic.frontend.render import ALL, Content
from matdiff_magic.i18n import message

# ipywidgets sizes an HTMLMath's content to its own content, and an auto-fit grid's own width
# is one column: without this the side-by-side grid would stack every method in one column.
# (A <style> element in a widget's HTML applies to the page; only our widgets carry the class.)
FILL_WIDTH = (
    "<style>.matdiff-math > .widget-htmlmath-content, .matdiff-math > .widget-html-content"
    "{flex:1 1 auto;min-width:0}</style>"
)


class DerivationWidget(widgets.VBox):
    """ToggleButtons for the layout and the view, a badge, and the derivation in HTMLMath."""

    def __init__(self, content: Content, layout: str = "mixed", view: str | None = None) -> None:
        self.content = content
        lang = content.lang
        self.layout_buttons = widgets.ToggleButtons(
            options=[(message(f"ui.{name}", lang), name) for name in content.layouts],
            value=layout,
            description=message("ui.layout", lang),
            style={"button_width": "auto"},
        )
        views = content.view_names
        self.view_buttons = widgets.ToggleButtons(
            options=[
                (message("ui.view.all", lang) if v == ALL else content.titles[v], v) for v in views
            ],
            value=view or content.default_view,
            description=message("ui.view", lang),
            style={"button_width": "auto"},
        )
        self.badge = widgets.HTML(FILL_WIDTH + content.badge.html)
        # The whole width of the output: the side-by-side grid fits as many columns as the
        # width allows, so the widget must not shrink to its content.
        self.math = widgets.HTMLMath(self._value())
        self.math.add_class("matdiff-math")
        self.layout_buttons.observe(self._update, names="value")
        self.view_buttons.observe(self._update, names="value")
        children: list[widgets.Widget] = [self.layout_buttons]
        if len(views) > 1:
            children.append(self.view_buttons)
        children += [self.badge, self.math]
        super().__init__(children)

    def __repr__(self) -> str:
        # ipywidgets' own repr lists every trait of every child: its text/plain is replaced by
        # the derivation's anyway (magic.bundle), and building it cost a few ms per cell
        return f"<DerivationWidget layout={self.layout_value!r} view={self.view!r}>"

    @property
    def layout_value(self) -> str:
        return self.layout_buttons.value

    @property
    def view(self) -> str:
        return self.view_buttons.value

    def _value(self) -> str:
        return self.content.html(self.layout_buttons.value, self.view_buttons.value)

    def _update(self, change: dict | None = None) -> None:
        self.math.value = self._value()


def derivation_widget(content: Content, layout: str = "mixed") -> DerivationWidget:
    return DerivationWidget(content, layout)


__all__ = ["DerivationWidget", "derivation_widget"]
