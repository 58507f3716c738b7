"""Themes load from files, switch from the command palette, and the choice is remembered."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.pilot import pick_command, wait_until
from tui.themes import bundled_themes_dir, load_themes, remembered_theme, theme_from_toml

BUNDLED = {"binance-dark", "binance-light", "high-contrast"}


def test_bundled_themes_define_every_colour_we_use() -> None:
    loaded = load_themes(bundled_themes_dir())
    assert loaded.problems == ()
    assert {t.name for t in loaded.themes} == BUNDLED
    for theme in loaded.themes:
        assert {"bid", "ask"} <= set(theme.variables)
        assert theme.variables["bid"] != theme.variables["ask"]


def test_a_bad_theme_file_is_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text('name = "x"\nprimary = \n')
    (tmp_path / "odd.toml").write_text('name = "odd"\nprimary = "#fff"\ncolour = "#000"\n')
    loaded = load_themes(tmp_path)
    assert loaded.themes == ()
    assert any("not valid TOML" in p for p in loaded.problems)
    assert any("unknown keys: colour" in p for p in loaded.problems)
    with pytest.raises(ValueError, match="missing `name`"):
        (tmp_path / "anon.toml").write_text('primary = "#fff"\n')
        theme_from_toml(tmp_path / "anon.toml")


async def test_switch_theme_from_the_palette_and_it_is_remembered(make_trading_app) -> None:  # type: ignore[no-untyped-def]
    from textual.command import CommandPalette

    app = make_trading_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "binance-dark"
        assert set(app.available_themes) >= BUNDLED
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pick_command(pilot, "Theme")
        await pilot.press("enter")
        await pick_command(pilot, "high-contrast")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.theme == "high-contrast", what="theme switched")
        book = app.dashboard.query_one("#book")
        assert book.get_component_rich_style("order-book--bid").color.name.lower() in ("#00ff00", "green")
        await wait_until(pilot, lambda: remembered_theme() == "high-contrast", what="theme remembered")
    again = make_trading_app()
    async with again.run_test(size=(120, 40)):
        assert again.theme == "high-contrast"
