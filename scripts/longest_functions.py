"""The longest functions in src/dudao (migrations left out), in lines.

Usage: python scripts/longest_functions.py [N]   (default 15)

A function's length is end_lineno - lineno + 1 of its `def` (decorators left out,
docstring included). Nested functions are listed on their own and also count
inside the function that holds them.
"""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "dudao"


def functions(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    stack = [(tree, "")]
    while stack:
        node, prefix = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                name = f"{prefix}{child.name}"
                yield child.end_lineno - child.lineno + 1, name, child.lineno
                stack.append((child, name + "."))
            elif isinstance(child, ast.ClassDef):
                stack.append((child, f"{prefix}{child.name}."))
            else:
                stack.append((child, prefix))


def main(n=15):
    rows = []
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        rel = path.relative_to(ROOT.parent)
        for length, name, line in functions(path):
            rows.append((length, f"{rel}:{line}", name))
    rows.sort(key=lambda r: (-r[0], r[1]))
    for length, where, name in rows[:n]:
        print(f"{length:5d}  {where}  {name}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
