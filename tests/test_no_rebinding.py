"""No module or class binds a name twice at its top level.

A second `_MODIFIERS` in tui/app/actions.py (display names, added beside
the set of modifiers `[keys]` accepts) silently replaced the first for
every function that read it, and `meta+n` was refused. Ruff's F811 flags a
redefinition only of a name nothing used before, and a test function
defined twice would silently drop the first; this scan catches both."""

import ast
import collections

from tests.conftest import REPO


def _bindings(body):
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.lineno


def test_no_name_is_bound_twice_at_the_top_of_a_module_or_class():
    twice = []
    for path in sorted([*(REPO / "tui").rglob("*.py"), *(REPO / "tests").rglob("*.py"),
                        *(REPO / "benchmarks").rglob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for body in [tree.body, *(n.body for n in ast.walk(tree) if isinstance(n, ast.ClassDef))]:
            lines = collections.defaultdict(list)
            for name, line in _bindings(body):
                lines[name].append(line)
            twice += [f"{path.relative_to(REPO)}: {name} at lines {found}"
                      for name, found in lines.items() if len(found) > 1]
    assert twice == []
