"""Themes from TOML files: the bundled ones (`themes/`, shipped in the package), then `<config>/themes/`.

A theme file holds Textual's theme fields (`name`, `dark`, `primary`, ..., `foreground`) and a
`[variables]` table with our own `bid` and `ask`. Widgets use only variables, so every theme works;
a theme without bid/ask gets `BID_ASK_DEFAULTS`. A bad file is skipped with a reason, never fatal.
"""

from __future__ import annotations

import json
import logging
import tomllib
from dataclasses import dataclass
from pathlib import Path

from textual.theme import Theme

from tui.config.paths import config_dir, data_dir

log = logging.getLogger(__name__)

BID_ASK_DEFAULTS = {"bid": "#2EBD85", "ask": "#F6465D"}
DEFAULT_THEME = "binance-dark"
COLOUR_FIELDS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "background",
    "surface",
    "panel",
    "foreground",
    "boost",
)


def bundled_themes_dir() -> Path:
    """The themes that ship with the console. `tui/bundled_themes` links to the repository's `themes/`
    folder, so a checkout reads the files people edit and a wheel carries copies of them."""
    return Path(__file__).resolve().parent / "bundled_themes"


def user_themes_dir() -> Path:
    return config_dir() / "themes"


@dataclass(frozen=True)
class LoadedThemes:
    themes: tuple[Theme, ...]
    problems: tuple[str, ...]  # "file: reason" for each file that was skipped


def theme_from_toml(path: Path) -> Theme:
    """One theme file -> Theme; ValueError naming the problem otherwise."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("missing `name`")
    if not isinstance(data.get("primary"), str):
        raise ValueError("missing `primary` colour")
    unknown = set(data) - {"name", "dark", "variables", *COLOUR_FIELDS}
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    variables = data.get("variables", {})
    if not isinstance(variables, dict) or not all(isinstance(v, str) for v in variables.values()):
        raise ValueError("`variables` must be a table of colour strings")
    colours = {key: data[key] for key in COLOUR_FIELDS if key in data}
    return Theme(name=name, dark=bool(data.get("dark", True)), variables={**BID_ASK_DEFAULTS, **variables}, **colours)


def load_themes(*folders: Path) -> LoadedThemes:
    folders = folders or (bundled_themes_dir(), user_themes_dir())
    themes: dict[str, Theme] = {}
    problems: list[str] = []
    for folder in folders:
        for path in sorted(folder.glob("*.toml")) if folder.is_dir() else ():
            try:
                theme = theme_from_toml(path)
            except (OSError, ValueError) as exc:
                problems.append(f"{path}: {exc}")
                log.warning("theme %s skipped: %s", path, exc)
                continue
            themes[theme.name] = theme  # a user file may override a bundled one of the same name
    return LoadedThemes(tuple(themes.values()), tuple(problems))


def _state_path() -> Path:
    return data_dir() / "ui-state.json"


def remembered_theme() -> str | None:
    try:
        value = json.loads(_state_path().read_text()).get("theme")
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def remember_theme(name: str) -> None:
    path = _state_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"theme": name}))
        tmp.replace(path)
    except OSError as exc:
        log.warning("could not remember the theme: %s", exc)
