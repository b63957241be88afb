"""The printers: LaTeX and text (sharing precedence in base.py), derivations (steps.py), NumPy
code. Importing the package installs the printers the lower layers use for their text, and the
code printer ``Result.numpy_code`` calls (see ``matdiff_magic/rendering.py``)."""

from matdiff_magic import rendering
from matdiff_magic.printing import steps as _steps
from matdiff_magic.printing.latex import latex as _latex
from matdiff_magic.printing.numpy_code import numpy_code as _numpy_code
from matdiff_magic.printing.text import text as _text

rendering.PRINTERS.update(
    text=_text,
    latex=_latex,
    step_text=_steps.step_text,
    step_latex=_steps.step_latex,
    step_explanation=_steps.step_explanation,
    derivation_text=_steps.derivation_text,
    derivation_latex=_steps.derivation_latex,
    numpy_code=_numpy_code,
)
