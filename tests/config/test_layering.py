"""Profiles and keys stay below the UI: no Textual, widgets, screens, app or simulator imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tui"
FORBIDDEN = ("textual", "rich", "tui.widgets", "tui.screens", "tui.app", "tui.feeds", "tui.sim")
FILES = [PACKAGE / "profiles.py", *sorted((PACKAGE / "keystore").glob("*.py"))]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_no_ui_or_simulator_imports(path: Path) -> None:
    for name in _imports(path):
        resolved = name.replace("..", "tui.").lstrip(".")
        for forbidden in FORBIDDEN:
            assert not (resolved == forbidden or resolved.startswith(forbidden + ".")), f"{path.name} imports {name}"
        assert not name.startswith(("..app", "..widgets", "..screens", "..sim", ".app", ".widgets", ".screens", ".sim"))
