"""The simulator's default symbols (BTCUSDT, ETHUSDT, BNBUSDT, and BTCUSDC for Smart Order Routing) and
the demo account it opens."""

from __future__ import annotations

from decimal import Decimal

from tui.sim.spot.filters import SymbolRules
from tui.sim.spot.matching.engine import SymbolSpec

ORDER_TYPES = ("LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
# TRANSFER needs trade groups, which the simulator does not have. The default stays NONE (the demo
# account may trade with itself unless an order asks otherwise), as in stp_faq.md's example symbol.
STP_MODES = ("NONE", "EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH", "DECREMENT")

DEMO_ACCOUNT = "demo"
DEMO_BALANCES: dict[str, Decimal] = {
    "USDT": Decimal("10000"),
    "BTC": Decimal("0.5"),
    "ETH": Decimal("5"),
    "BNB": Decimal("20"),
    "USDC": Decimal("5000"),
}

# Start prices of the synthetic market (the fair value it mean-reverts to).
START_PRICES: dict[str, Decimal] = {
    "BTCUSDT": Decimal("60000"),
    "ETHUSDT": Decimal("3000"),
    "BNBUSDT": Decimal("600"),
    "BTCUSDC": Decimal("60000"),  # its own book, same fair value: SOR (sor.py) picks whichever is cheaper
}


def _spec(symbol: str, base: str, step: str, max_qty: str, market_max_qty: str, quote: str = "USDT") -> SymbolSpec:
    return SymbolSpec(
        SymbolRules(
            symbol=symbol,
            base_asset=base,
            quote_asset=quote,
            tick_size=Decimal("0.01"),
            min_price=Decimal("0.01"),
            max_price=Decimal("1000000"),
            step_size=Decimal(step),
            min_qty=Decimal(step),
            max_qty=Decimal(max_qty),
            min_notional=Decimal("5"),
            max_notional=Decimal("9000000"),
            apply_min_to_market=True,
            apply_max_to_market=False,
            market_step_size=Decimal(step),
            market_min_qty=Decimal("0"),
            market_max_qty=Decimal(market_max_qty),
            base_asset_precision=8,
            quote_asset_precision=8,
            order_types=ORDER_TYPES,
            iceberg_allowed=True,
            allow_trailing_stop=True,
            iceberg_parts=10,
            min_trailing_above_delta=10,
            max_trailing_above_delta=2000,
            min_trailing_below_delta=10,
            max_trailing_below_delta=2000,
            max_num_algo_orders=5,
            default_stp_mode="NONE",
            allowed_stp_modes=STP_MODES,
            peg_instructions_allowed=True,
        )
    )


def default_specs() -> list[SymbolSpec]:
    """Rules modelled on Binance's own for these pairs (tick 0.01; steps per asset). BTCUSDC comes last
    so lists that show the first symbols (pickers, tests) keep the USDT pairs first."""
    return [
        _spec("BTCUSDT", "BTC", "0.00001", "9000", "100"),
        _spec("ETHUSDT", "ETH", "0.0001", "9000", "2000"),
        _spec("BNBUSDT", "BNB", "0.001", "900000", "10000"),
        _spec("BTCUSDC", "BTC", "0.00001", "9000", "100", quote="USDC"),
    ]
