"""A mapping layout -> value made on first use: a cell shows one layout, and the layout toggle
asks for the others only when it is used (making every layout's results and derivations up
front was most of what a cell cost beyond deriving)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TypeVar

T = TypeVar("T")


class PerLayout(Mapping[str, T]):
    """layout -> what ``make(layout)`` gives, made on first use and kept; ``made`` holds the
    values known from the start."""

    def __init__(
        self,
        layouts: Sequence[str],
        make: Callable[[str], T],
        made: Mapping[str, T] | None = None,
    ) -> None:
        self._layouts = list(layouts)
        self._make = make
        self._made: dict[str, T] = dict(made or {})

    def __getitem__(self, layout: str) -> T:
        if layout not in self._layouts:
            raise KeyError(layout)
        if layout not in self._made:
            self._made[layout] = self._make(layout)
        return self._made[layout]

    def __contains__(self, layout: object) -> bool:
        # Mapping's own ``in`` calls __getitem__, which would make the layout being asked about
        return layout in self._layouts

    def __iter__(self) -> Iterator[str]:
        return iter(self._layouts)

    def __len__(self) -> int:
        return len(self._layouts)

    def made(self) -> list[str]:
        """The layouts made so far, in order."""
        return [layout for layout in self._layouts if layout in self._made]
