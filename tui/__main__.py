"""Command line: `python -m tui` runs the console; `python -m tui sim` runs the embedded exchange alone;
`python -m tui keys` sets up a profile's API key.

`--profile NAME` picks a profile from the config file (created with comments on first run). The
default, `demo`, starts the embedded exchange on a free loopback port in a background thread and
trades against it with the demo keys, so it works offline on a fresh machine. `--rest`, `--ws-api`
and `--streams` point the chosen profile at other URLs (with `demo`: an external simulator, still
signed with the demo keys).
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import __version__
from tui.config.config_reader import load_config
from tui.config.paths import data_dir, demo_keys_dir
from tui.config.profiles import ConfigError, Profile
from tui.config.settings import Settings
from tui.exchange.endpoints import Endpoints

if TYPE_CHECKING:
    from tui.exchange.signing import Signer


PROG = "python -m tui"
COMMANDS = """commands:
  python -m tui               the console (this help)
  python -m tui sim ...       run the embedded exchange alone, for any Binance client (sim --help)
  python -m tui keys ...      create, register and check an API key for a profile (keys --help)
"""
# Binance spot symbols are upper-case letters and digits (BTCUSDT, 1INCHUSDT); checked before asking.
SYMBOL = re.compile(r"[A-Z0-9]{2,20}")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error (what is wrong, and where help is) instead of usage + error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _url(*schemes: str) -> Any:
    def check(text: str) -> str:
        if not re.match(rf"({'|'.join(schemes)})://[^/\s]+", text):
            raise argparse.ArgumentTypeError(f"{text!r} is not a {' or '.join(schemes)} URL")
        return text

    return check


def _symbol(text: str) -> str:
    symbol = text.strip().upper()
    if not SYMBOL.fullmatch(symbol):
        raise argparse.ArgumentTypeError(f"{text!r} is not a symbol (like BTCUSDT)")
    return symbol


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = _Parser(
        prog=PROG,
        description="Terminal trading console for Binance spot, European options and USD-M futures exports.",
        epilog=COMMANDS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--profile", help="profile from the config file (default: its default_profile, demo)")
    parser.add_argument("--config", type=Path, help="config file (default: config.toml in the user config dir)")
    parser.add_argument("--seed", type=int, default=7, help="seed of the embedded exchange's synthetic market")
    parser.add_argument(
        "--key-type",
        choices=["ed25519", "hmac", "rsa"],
        default="ed25519",
        help="which demo key signs requests (embedded/demo profile)",
    )
    parser.add_argument(
        "--symbol",
        action="append",
        type=_symbol,
        help="symbol to show (repeatable); default BTCUSDT ETHUSDT BNBUSDT; must be listed on the venue",
    )
    venue = parser.add_argument_group("external venue (e.g. a `python -m tui sim` running elsewhere on loopback)")
    venue.add_argument("--rest", type=_url("http", "https"), help="REST base URL, e.g. http://127.0.0.1:8080")
    venue.add_argument("--ws-api", type=_url("ws", "wss"), help="WebSocket API URL, e.g. ws://127.0.0.1:8080/ws-api/v3")
    venue.add_argument("--streams", type=_url("ws", "wss"), help="market streams base URL, e.g. ws://127.0.0.1:8080")
    venue.add_argument(
        "--futures-rest", type=_url("http", "https"), help="USD-M futures REST base URL for history exports (optional)"
    )
    venue.add_argument("--options-rest", type=_url("http", "https"), help="European options REST base URL (optional)")
    venue.add_argument("--options-streams", type=_url("ws", "wss"), help="European options streams base URL (optional)")
    return parser.parse_args(argv)


def _setup_logging() -> None:
    # A full-screen app must not write to the terminal; logs go to a file in the data dir.
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=path / "tui.log", level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


@dataclass
class Launch:
    """Everything the console starts with: settings, the signer, and the embedded server if any."""

    settings: Settings
    signer: Signer | None
    venue: str
    server: Any = None  # SimServer when the embedded exchange runs

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop_thread()
            self.server = None


def _ask_passphrase(prompt: str) -> str:
    return getpass.getpass(prompt)


def prepare(args: argparse.Namespace, profile: Profile) -> Launch:
    """Build the settings and signer for `profile`, starting the embedded exchange if it needs one.

    Raises KeyLoadError / InsecureKeyFile (a message naming the file or variable) when the key
    cannot be loaded; nothing is left running then.
    """
    from tui.exchange.key_files import load_demo_signer
    from tui.exchange.signing import ReadOnlySigner
    from tui.keystore.load import load_signer

    symbols = tuple(dict.fromkeys(args.symbol)) if args.symbol else Settings.symbols
    server = None
    signer: Signer | None
    if args.rest or args.ws_api or args.streams:
        base = profile.endpoints
        endpoints = Endpoints(
            rest=args.rest,
            ws_api=args.ws_api,
            streams=args.streams,
            futures_rest=args.futures_rest or (base.futures_rest if base else None),
            options_rest=args.options_rest or (base.options_rest if base else None),
            options_streams=args.options_streams or (base.options_streams if base else None),
        )
        venue = "external sim" if profile.embedded else f"{profile.name} (custom URLs)"
    elif profile.endpoints is not None:
        endpoints = profile.endpoints
        venue = profile.name
    else:
        from tui.sim.server import SimServer

        server = SimServer(seed=args.seed, keys_dir=demo_keys_dir())
        server.start_in_thread()
        endpoints = Endpoints(
            rest=server.rest_url,
            ws_api=server.ws_api_url,
            streams=server.stream_url,
            futures_rest=server.futures_rest_url,
            options_rest=server.options_rest_url,
            options_streams=server.options_stream_url,
        )
        venue = "embedded sim"
    try:
        if profile.embedded:
            signer = load_demo_signer(demo_keys_dir(), args.key_type)
            if profile.read_only:
                signer = ReadOnlySigner(signer, profile=profile.name)
        else:
            signer = load_signer(profile, _ask_passphrase)
    except BaseException:
        if server is not None:
            server.stop_thread()
        raise
    settings = Settings(
        endpoints=endpoints,
        key_type=signer.key_type.lower() if signer is not None else args.key_type,
        symbols=symbols,
        seed=args.seed,
        profile_name=profile.name,
        read_only=profile.read_only,
        confirm_orders=profile.confirm_orders,
        live=profile.live,
    )
    return Launch(settings, signer, venue, server)


def run_console(argv: list[str]) -> int:
    from tui.exchange.key_files import InsecureKeyFile, KeyLoadError

    args = _parse(argv)
    if bool(args.rest) + bool(args.ws_api) + bool(args.streams) not in (0, 3):
        print("--rest, --ws-api and --streams go together", file=sys.stderr)
        return 2
    try:
        profile = load_config(args.config).profile(args.profile)
    except ConfigError as exc:
        print(f"python -m tui: {exc}", file=sys.stderr)
        return 2
    _setup_logging()
    try:
        launch = prepare(args, profile)
    except (KeyLoadError, InsecureKeyFile) as exc:
        print(f"python -m tui: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled", file=sys.stderr)
        return 2
    from tui.app import make_app
    from tui.exchange.spot.session import Session

    try:
        assert launch.settings.endpoints is not None
        unknown = asyncio.run(_unlisted(launch.settings.endpoints.rest, launch.settings.symbols))
        if unknown:
            print(f"{PROG}: not a symbol on {launch.venue}: {', '.join(unknown)}", file=sys.stderr)
            return 2
        session = Session(launch.settings.endpoints, launch.signer)
        make_app(launch.settings, session, venue=launch.venue).run()
    finally:
        launch.stop()
    return 0


async def _unlisted(rest_url: str, symbols: Sequence[str]) -> list[str]:
    """The symbols the venue does not list, or none when its exchangeInfo cannot be read now (the console
    then starts anyway and shows the connection state)."""
    from tui.exchange.errors import ExchangeError
    from tui.exchange.spot.rest import RestClient

    try:
        async with RestClient(rest_url, timeout=10.0) as rest:
            listed = await rest.exchange_info()
    except (ExchangeError, OSError, ValueError) as exc:
        logging.getLogger(__name__).warning("symbol check skipped: %s", exc)
        return []
    return [s for s in symbols if s not in listed]


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sim":
        from tui.sim.cli import main as sim_main

        return sim_main(argv[1:])
    if argv and argv[0] == "keys":
        from tui.keystore.wizard import main as keys_main

        return keys_main(argv[1:])
    return run_console(argv)


if __name__ == "__main__":
    sys.exit(main())
