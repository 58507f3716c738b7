"""tui/exchange is the network layer: it never imports the UI, Textual or the simulator."""

from __future__ import annotations

import ast
from pathlib import Path

import tui.exchange

FORBIDDEN = ("textual", "tui.widgets", "tui.screens", "tui.sim", "tui.app", "tui.feeds")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_exchange_imports_no_ui_and_no_sim() -> None:
    package = Path(tui.exchange.__file__).parent
    bad = {
        f"{path.name}: {name}"
        for path in package.glob("*.py")
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in FORBIDDEN)
    }
    assert not bad
