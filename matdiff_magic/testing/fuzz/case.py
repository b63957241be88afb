"""A generated problem: declarations, definitions and the function, as text and as JSON."""

from __future__ import annotations

from dataclasses import dataclass, field

from matdiff_magic.testing.fuzz.ast import Node, Shape, Variable
from matdiff_magic.testing.fuzz.printer import declarations_text, to_text, type_text


@dataclass
class Case:
    """One generated problem: declarations, definitions (name = node) and the function."""

    seed: int
    sizes: dict[str, int]
    variables: list[Variable]
    definitions: list[tuple[str, Node]]
    function: Node
    fname: str | None = None
    style: int = 0
    depth: int = 0
    meta: dict = field(default_factory=dict)

    # -- text ---------------------------------------------------------------------------------
    def declared_how(self, v: Variable) -> str:
        """'text' (a declaration line), 'api' (``derive(variables=...)``) or 'inferred'
        (undeclared: a matrix if uppercase, else a column; sizes inferred from use)."""
        mode = self.style % 10
        if mode == 1 and v.style % 2 == 0 and v.kind in ("vector", "matrix"):
            return "inferred"
        if mode == 2 and v.style % 2 == 0:
            return "api"
        return "text"

    def api_variables(self) -> dict[str, str] | None:
        """Declarations passed as ``derive(..., variables=...)``."""
        out = {v.name: type_text(v) for v in self.variables if self.declared_how(v) == "api"}
        return out or None

    def text(self) -> str:
        written = [v for v in self.variables if self.declared_how(v) == "text"]
        lines = declarations_text(written, self.style)
        for name, node in self.definitions:
            lines.append(f"{name} = {to_text(node)}")
        body = to_text(self.function)
        lines.append(f"{self.fname} = {body}" if self.fname else body)
        if self.style % 7 == 3:
            lines[-1] += "  # the function"
        return "\n".join(lines)

    # -- structure ----------------------------------------------------------------------------
    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    def definition(self, name: str) -> Node | None:
        return next((n for d, n in self.definitions if d == name), None)

    def names_used(self, node: Node) -> set[str]:
        return {n.val for n in node.walk() if n.op == "var"}

    def depends(self) -> tuple[list[str], list[str]]:
        """(variables, definitions) the function depends on, directly or through definitions."""
        used: set[str] = set()
        todo = list(self.names_used(self.function))
        while todo:
            name = todo.pop()
            if name in used:
                continue
            used.add(name)
            node = self.definition(name)
            if node is not None:
                todo.extend(self.names_used(node))
        variables = [v.name for v in self.variables if v.name in used]
        definitions = [d for d, _ in self.definitions if d in used]
        return variables, definitions

    def shape_of(self, name: str) -> Shape:
        var = self.variable(name)
        if var is not None:
            return var.shape
        node = self.definition(name)
        assert node is not None, name
        return node.shape

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "sizes": self.sizes,
            "variables": [v.to_json() for v in self.variables],
            "definitions": [[d, n.to_json()] for d, n in self.definitions],
            "function": self.function.to_json(),
            "fname": self.fname,
            "style": self.style,
            "depth": self.depth,
        }

    @staticmethod
    def from_json(data: dict) -> Case:
        return Case(
            data["seed"],
            dict(data["sizes"]),
            [Variable.from_json(v) for v in data["variables"]],
            [(d, Node.from_json(n)) for d, n in data["definitions"]],
            Node.from_json(data["function"]),
            data.get("fname"),
            data.get("style", 0),
            data.get("depth", 0),
        )
