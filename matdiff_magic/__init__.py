"""matdiff: matrix calculus with step-by-step derivations.

    import matdiff_magic as md
    r = md.derive("x' A x", "x")
    r.latex            # (A + A^{T}) x
    r.steps            # the derivation, step by step

Importing the package has no effect on IPython; ``%load_ext matdiff_magic`` registers the magics.
"""

from matdiff_magic.api import derive
from matdiff_magic.compare import Comparison, compare
from matdiff_magic.errors import (
    EvaluationError,
    MatDiffError,
    ParseError,
    ShapeError,
    UnsupportedError,
)
from matdiff_magic.language.builder import parse_problem
from matdiff_magic.result import Result

__version__ = "0.1.0"

__all__ = [
    "derive",
    "compare",
    "Comparison",
    "parse_problem",
    "Result",
    "MatDiffError",
    "ParseError",
    "ShapeError",
    "UnsupportedError",
    "EvaluationError",
    "__version__",
]
