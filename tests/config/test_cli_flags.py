"""Command-line flags as a new user types them: good values start the console, bad ones stop at once
with one line that says what is wrong (exit 2), never a console showing something else."""

from __future__ import annotations

from typing import Any

import pytest

import tui.app
from tui.__main__ import main
from tui.config.settings import Settings


class Started(Exception):
    """Raised instead of running the console: the flags got through."""

    def __init__(self, settings: Settings) -> None:
        super().__init__("console started")
        self.settings = settings


@pytest.fixture(autouse=True)
def no_console(monkeypatch: pytest.MonkeyPatch) -> None:
    def make_app(settings: Settings, session: Any, *, venue: str = "") -> Any:
        raise Started(settings)

    monkeypatch.setattr(tui.app, "make_app", make_app)


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("python -m tui: ")
    return err


def test_a_symbol_the_venue_does_not_list_stops_with_its_name(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--symbol", "BTCUSDT", "--symbol", "FOOBAR"]) == 2
    err = one_line_error(capsys)
    assert "FOOBAR" in err and "BTCUSDT" not in err


def test_listed_symbols_in_any_case_start_the_console() -> None:
    with pytest.raises(Started) as started:
        main(["--symbol", "ethusdt", "--symbol", "BTCUSDT", "--symbol", "ETHUSDT"])
    assert started.value.settings.symbols == ("ETHUSDT", "BTCUSDT")


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--symbol", "BTC/USDT"], "'BTC/USDT' is not a symbol"),
        (["--seed", "seven"], "--seed"),
        (["--key-type", "dsa"], "--key-type"),
        (["--rest", "localhost:9000", "--ws-api", "ws://x", "--streams", "ws://x"], "not a http or https URL"),
        (["--streams", "http://127.0.0.1:1"], "not a ws or wss URL"),
        (["--no-such-flag"], "unrecognized arguments: --no-such-flag"),
    ],
)
def test_a_bad_flag_stops_with_one_line(argv: list[str], says: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert says in one_line_error(capsys)


def test_help_names_the_sim_and_keys_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--help"])
    assert stopped.value.code == 0
    out = capsys.readouterr().out
    assert "python -m tui sim" in out and "python -m tui keys" in out
