"""Index (entrywise) formulas for the definition method (定义法).

``convert`` writes a matdiff expression entry by entry as a SymPy index expression (Indexed,
Sum, KroneckerDelta); ``calculus`` picks out the terms with a given entry of the variable and
differentiates them; ``assemble`` turns an entrywise result back into matrix notation;
``node.IndexFormula`` shows index formulas in derivation steps and evaluates them with NumPy.
"""
