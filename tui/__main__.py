"""Command line: `python -m tui` runs the console; `python -m tui sim` runs the embedded exchange alone.

With no venue given, the console starts the embedded exchange on a free loopback port in a
background thread and trades against it with the demo keys, so it works offline on a fresh machine.
"""

from __future__ import annotations

import argparse
import logging
import sys

from . import __version__
from .config import Endpoints, Settings, data_dir, demo_keys_dir


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tui", description="Terminal trading console for Binance spot.")
    parser.add_argument("--version", action="version", version=__version__)
    parser.add_argument("--seed", type=int, default=7, help="seed of the embedded exchange's synthetic market")
    parser.add_argument(
        "--key-type", choices=["ed25519", "hmac", "rsa"], default="ed25519", help="which demo key signs requests"
    )
    parser.add_argument(
        "--symbol", action="append", help="symbol to show (repeatable); default BTCUSDT ETHUSDT BNBUSDT"
    )
    venue = parser.add_argument_group("external venue (e.g. a `python -m tui sim` running elsewhere on loopback)")
    venue.add_argument("--rest", help="REST base URL, e.g. http://127.0.0.1:8080")
    venue.add_argument("--ws-api", help="WebSocket API URL, e.g. ws://127.0.0.1:8080/ws-api/v3")
    venue.add_argument("--streams", help="market streams base URL, e.g. ws://127.0.0.1:8080")
    venue.add_argument("--futures-rest", help="USD-M futures REST base URL for history exports (optional)")
    venue.add_argument("--options-rest", help="European options REST base URL (optional)")
    venue.add_argument("--options-streams", help="European options streams base URL (optional)")
    return parser.parse_args(argv)


def _setup_logging() -> None:
    # A full-screen app must not write to the terminal; logs go to a file in the data dir.
    path = data_dir()
    path.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        filename=path / "tui.log", level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )


def run_console(argv: list[str]) -> int:
    args = _parse(argv)
    _setup_logging()
    from .app import make_app
    from .exchange.session import Session
    from .exchange.signing import load_demo_signer

    symbols = tuple(s.upper() for s in args.symbol) if args.symbol else Settings.symbols
    server = None
    if args.rest or args.ws_api or args.streams:
        if not (args.rest and args.ws_api and args.streams):
            print("--rest, --ws-api and --streams go together", file=sys.stderr)
            return 2
        endpoints = Endpoints(
            rest=args.rest,
            ws_api=args.ws_api,
            streams=args.streams,
            futures_rest=args.futures_rest,
            options_rest=args.options_rest,
            options_streams=args.options_streams,
        )
        venue = "external sim"
    else:
        from .sim.server import SimServer

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
    settings = Settings(endpoints=endpoints, key_type=args.key_type, symbols=symbols, seed=args.seed)
    try:
        signer = load_demo_signer(demo_keys_dir(), args.key_type)
        session = Session(endpoints, signer)
        make_app(settings, session, venue=venue).run()
    finally:
        if server is not None:
            server.stop_thread()
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "sim":
        from .sim.cli import main as sim_main

        return sim_main(argv[1:])
    return run_console(argv)


if __name__ == "__main__":
    sys.exit(main())
