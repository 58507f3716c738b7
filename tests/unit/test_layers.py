"""The house layering rules, enforced: domain and exchange never see Textual; sim sees only domain."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "tui"

FORBIDDEN = {
    "domain": (
        "textual",
        "rich",
        "tui.widgets",
        "tui.screens",
        "tui.exchange",
        "tui.sim",
        "tui.feeds",
        "tui.app",
        "httpx",
        "websockets",
        "aiohttp",
    ),
    "exchange": ("textual", "rich", "tui.widgets", "tui.screens", "tui.sim", "tui.feeds", "tui.app", "aiohttp"),
    "sim": (
        "textual",
        "rich",
        "tui.widgets",
        "tui.screens",
        "tui.exchange",
        "tui.feeds",
        "tui.app",
        "httpx",
        "websockets",
    ),
    "widgets": ("tui.exchange", "tui.sim", "httpx", "websockets", "aiohttp"),
}
# The simulator's CLI may read the app's path settings; nothing else in sim/ may.
ALLOWED = {("sim", "cli.py", "tui.config")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    package = "tui." + ".".join(path.relative_to(PACKAGE).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports(layer: str) -> None:
    offenders = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for name in _imports(path):
            for banned in FORBIDDEN[layer]:
                if (name == banned or name.startswith(banned + ".")) and (layer, path.name, banned) not in ALLOWED:
                    offenders.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert not offenders, "\n".join(offenders)
