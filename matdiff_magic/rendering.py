"""How objects of the lower layers get their text without importing the printers.

The tree (``repr`` of a node, the operands named in a shape error) and the derivation
(``Step.latex``, ``Derivation.text`` ...) are below the printing package, so they cannot import
it; ``Result`` reaches the code printer the same way (``Result.numpy_code``). The printing
package installs its functions here when it is imported, which happens as soon as
``matdiff_magic`` is (Python imports the package before any of its modules); until then a node
shows its structure. The front end's views (plots, HTML) are installed the same
way by the package: see :data:`VIEWS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from matdiff_magic.errors import Msg, NotSupportedYetError

# name -> function; "text" and "latex" take an expression; "step_text", "step_latex",
# "step_explanation", "derivation_text", "derivation_latex" take steps (see printing/steps.py);
# "numpy_code" takes an expression and its variables (printing/numpy_code.py, for Result)
PRINTERS: dict[str, Callable[..., str]] = {}
# name -> function a front end provides for core objects: "plot_check", "plot_jacobian",
# "comparison_html", "comparison_verdict"
VIEWS: dict[str, Callable[..., Any]] = {}


def structure(e: Any) -> str:
    """A node as its class and fields, for when no printer is installed."""
    def field(value: Any) -> str:
        if hasattr(value, "_fields"):
            return structure(value)
        if isinstance(value, tuple):
            return "(" + ", ".join(field(v) for v in value) + ")"
        return str(value)

    return f"{type(e).__name__}({', '.join(field(getattr(e, f)) for f in e._fields)})"


def text(e: Any) -> str:
    printer = PRINTERS.get("text")
    return printer(e) if printer is not None else structure(e)


def printer(name: str) -> Callable[..., str]:
    found = PRINTERS.get(name)
    if found is None:
        raise NotSupportedYetError(Msg("api.no_printer", name=name))
    return found


def view(name: str) -> Callable[..., Any]:
    found = VIEWS.get(name)
    if found is None:
        raise NotSupportedYetError(Msg("api.no_view", name=name))
    return found
