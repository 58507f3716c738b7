from dataclasses import replace
from decimal import Decimal as D

from tests.domain.spot.test_filters import RULES
from tui.domain.spot.account import CommissionRates
from tui.domain.spot.order_entry import (
    SorOrderRequest,
    fields_for,
    parse_order_entry,
    peg_available,
    sor_route_available,
    stp_choices,
)
from tui.domain.spot.orders import OrderType, PegPriceType, Side, StpMode, TimeInForce
from tui.domain.spot.sor import SorConfig

FEES = CommissionRates(maker=D("0.001"), taker=D("0.001"))
ALL_TYPES = replace(RULES, order_types=tuple(t.value for t in OrderType), iceberg_parts=10)


def test_valid_limit_order_gives_request_notional_and_fee() -> None:
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000.5", quantity_text="0.01", commission=FEES
    )
    assert entry.errors == {}
    assert entry.request is not None
    assert entry.request.price == D("60000.5") and entry.request.quantity == D("0.01")
    assert entry.request.time_in_force is TimeInForce.GTC
    assert entry.notional == D("600.005")
    assert entry.fee == D("0.00001") and entry.fee_asset == "BTC"  # a buyer pays in what it receives


def test_each_bad_field_gets_its_own_message_and_no_request() -> None:
    entry = parse_order_entry(RULES, side=Side.SELL, order_type=OrderType.LIMIT, price_text="abc", quantity_text="")
    assert entry.request is None
    assert "must be a number" in entry.errors["price"]
    assert "required" in entry.errors["quantity"]


def test_filter_failures_are_named() -> None:
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000.001", quantity_text="0.01"
    )
    assert entry.request is None
    assert "PRICE_FILTER" in entry.errors["price"]
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000", quantity_text="0.000001"
    )
    assert "LOT_SIZE" in entry.errors["quantity"]
    entry = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="10", quantity_text="0.1")
    assert "NOTIONAL" in entry.errors["form"]


def test_market_needs_exactly_one_amount() -> None:
    none = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.MARKET)
    assert none.request is None and "quantity" in none.errors
    both = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.MARKET, quantity_text="0.001", quote_text="100")
    assert both.request is None
    quote = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.MARKET, quote_text="100", reference_price=D("60000")
    )
    assert quote.request is not None and quote.request.quote_order_qty == D("100") and quote.request.price is None
    assert quote.request.time_in_force is None


def test_limit_maker_uses_maker_fee_and_no_time_in_force() -> None:
    fees = CommissionRates(maker=D("0.0002"), taker=D("0.001"))
    entry = parse_order_entry(
        RULES, side=Side.SELL, order_type=OrderType.LIMIT_MAKER, price_text="100", quantity_text="1", commission=fees
    )
    assert entry.request is not None and entry.request.time_in_force is None
    assert entry.fee == D("0.02") and entry.fee_asset == "USDT"


def test_decimal_comma_is_refused_not_guessed() -> None:
    entry = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000", quantity_text="0,5")
    assert entry.request is None
    assert "decimal point" in entry.errors["quantity"]


def test_each_type_takes_its_own_fields() -> None:
    from tui.domain.spot.order_entry import fields_for

    assert fields_for(OrderType.MARKET) == {"quantity", "quote"}
    assert "stop" in fields_for(OrderType.STOP_LOSS_LIMIT) and "tif" in fields_for(OrderType.STOP_LOSS_LIMIT)
    assert "price" not in fields_for(OrderType.TAKE_PROFIT)


def test_stop_orders_need_a_stop_price_or_a_trailing_delta() -> None:
    none = parse_order_entry(ALL_TYPES, side=Side.SELL, order_type=OrderType.STOP_LOSS, quantity_text="0.001")
    assert none.request is None and "stop price" in none.errors["stop_price"].lower()
    stop = parse_order_entry(
        ALL_TYPES, side=Side.SELL, order_type=OrderType.STOP_LOSS, quantity_text="0.001", stop_text="55000"
    )
    assert stop.request is not None and stop.request.stop_price == D("55000") and stop.request.time_in_force is None
    trail = parse_order_entry(
        ALL_TYPES,
        side=Side.SELL,
        order_type=OrderType.STOP_LOSS_LIMIT,
        quantity_text="0.001",
        price_text="55000",
        trailing_text="200",
    )
    assert (
        trail.request is not None
        and trail.request.trailing_delta == 200
        and trail.request.time_in_force is TimeInForce.GTC
    )
    bad = parse_order_entry(
        ALL_TYPES, side=Side.SELL, order_type=OrderType.STOP_LOSS, quantity_text="0.001", trailing_text="1.5"
    )
    assert "basis points" in bad.errors["trailing_delta"]


def test_trailing_trigger_follows_the_side() -> None:
    from tui.domain.spot.order_entry import trailing_trigger

    assert trailing_trigger(Side.SELL, D("60000"), 100) == D("59400")  # 1 % below the peak
    assert trailing_trigger(Side.BUY, D("60000"), 100) == D("60600")  # 1 % above the trough


def test_iceberg_needs_enough_parts() -> None:
    entry = parse_order_entry(
        ALL_TYPES,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        price_text="60000",
        quantity_text="0.01",
        iceberg_text="0.0001",
    )
    assert entry.request is None and "ICEBERG_PARTS" in entry.errors["iceberg_qty"]


STP_RULES = replace(
    RULES, default_stp_mode="EXPIRE_MAKER", allowed_stp_modes=("NONE", "EXPIRE_MAKER", "EXPIRE_TAKER", "TRANSFER")
)


def test_stp_choices_are_the_allowed_modes_default_first_without_transfer() -> None:
    assert stp_choices(STP_RULES) == (StpMode.EXPIRE_MAKER, StpMode.NONE, StpMode.EXPIRE_TAKER)
    assert stp_choices(RULES) == (StpMode.NONE,)


def test_stp_mode_is_sent_only_when_it_differs_from_the_symbols_default() -> None:
    def entry(mode: StpMode | None):  # type: ignore[no-untyped-def]
        return parse_order_entry(
            STP_RULES,
            side=Side.BUY,
            order_type=OrderType.LIMIT,
            price_text="60000",
            quantity_text="0.01",
            stp_mode=mode,
        )

    assert entry(None).request.stp_mode is None
    assert entry(StpMode.EXPIRE_MAKER).request.stp_mode is None  # the default: nothing to send
    assert entry(StpMode.EXPIRE_TAKER).request.stp_mode is StpMode.EXPIRE_TAKER
    refused = entry(StpMode.DECREMENT)
    assert refused.request is None and "DECREMENT" in refused.errors["stp_mode"]


# -- Smart Order Routing --------------------------------------------------------------------------

SOR = SorConfig(base_asset="BTC", symbols=("BTCUSDT", "BTCUSDC"))


def test_sor_limit_order_comes_out_wrapped_with_its_books() -> None:
    entry = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000", quantity_text="0.01", sor=SOR
    )
    assert entry.errors == {}
    sub = entry.submission
    assert isinstance(sub, SorOrderRequest)
    assert sub.symbols == ("BTCUSDT", "BTCUSDC")
    plain = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.LIMIT, price_text="60000", quantity_text="0.01"
    )
    assert sub.request == plain.request  # the same order, only the route differs
    assert plain.submission is plain.request  # on its own book: the plain request, unwrapped


def test_sor_market_order_takes_a_quantity_not_a_quote_amount() -> None:
    by_qty = parse_order_entry(RULES, side=Side.SELL, order_type=OrderType.MARKET, quantity_text="0.01", sor=SOR)
    assert isinstance(by_qty.submission, SorOrderRequest) and by_qty.submission.request.quantity == D("0.01")
    by_quote = parse_order_entry(
        RULES, side=Side.BUY, order_type=OrderType.MARKET, quote_text="100", reference_price=D("60000"), sor=SOR
    )
    assert by_quote.submission is None
    assert "quantity in BTC, not an amount in USDT" in by_quote.errors["quote_order_qty"]
    none = parse_order_entry(RULES, side=Side.BUY, order_type=OrderType.MARKET, sor=SOR)
    assert none.errors["quantity"] == "Enter a quantity in BTC."  # no "or an amount in USDT": SOR has none
    assert fields_for(OrderType.MARKET, via_sor=True) == {"quantity"}
    assert fields_for(OrderType.LIMIT, via_sor=True) == fields_for(OrderType.LIMIT)


def test_sor_refuses_types_it_does_not_take_and_symbols_outside_its_configuration() -> None:
    stop = parse_order_entry(
        ALL_TYPES,
        side=Side.SELL,
        order_type=OrderType.STOP_LOSS_LIMIT,
        price_text="55000",
        stop_text="55100",
        quantity_text="0.001",
        sor=SOR,
    )
    assert stop.submission is None and "LIMIT and MARKET orders only" in stop.errors["route"]
    eth = replace(RULES, symbol="ETHUSDT", base_asset="ETH")
    outside = parse_order_entry(
        eth, side=Side.BUY, order_type=OrderType.LIMIT, price_text="3000", quantity_text="0.01", sor=SOR
    )
    assert outside.submission is None and "not in a Smart Order Routing configuration" in outside.errors["route"]


def test_sor_route_is_offered_only_for_its_symbols_and_types() -> None:
    assert sor_route_available(SOR, "BTCUSDC", OrderType.LIMIT)
    assert sor_route_available(SOR, "BTCUSDT", OrderType.MARKET)
    assert not sor_route_available(SOR, "BTCUSDT", OrderType.LIMIT_MAKER)
    assert not sor_route_available(SOR, "BTCUSDT", OrderType.STOP_LOSS)
    assert not sor_route_available(SOR, "ETHUSDT", OrderType.LIMIT)
    assert not sor_route_available(None, "BTCUSDT", OrderType.LIMIT)


PEGGABLE = replace(ALL_TYPES, peg_instructions_allowed=True)


def test_pegged_limit_needs_no_price_and_carries_the_peg() -> None:
    entry = parse_order_entry(
        PEGGABLE,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity_text="0.01",
        peg=PegPriceType.PRIMARY_PEG,
        peg_offset_text="3",
        reference_price=D("60000"),
    )
    assert entry.errors == {}
    assert entry.request is not None
    assert entry.request.price is None
    assert entry.request.peg_price_type is PegPriceType.PRIMARY_PEG and entry.request.peg_offset_value == 3
    assert entry.request.time_in_force is TimeInForce.GTC
    assert entry.notional == D("600")  # estimated at the reference price
    # a price may still be given with the peg; without a peg it stays required
    priced = parse_order_entry(
        PEGGABLE,
        side=Side.SELL,
        order_type=OrderType.LIMIT_MAKER,
        price_text="60000",
        quantity_text="0.01",
        peg=PegPriceType.PRIMARY_PEG,
    )
    assert priced.request is not None and priced.request.price == D("60000")
    assert priced.request.peg_offset_value is None
    unpegged = parse_order_entry(PEGGABLE, side=Side.BUY, order_type=OrderType.LIMIT, quantity_text="0.01")
    assert unpegged.request is None and "required" in unpegged.errors["price"]


def test_pegged_stop_limit_is_accepted_with_a_stop_and_no_price() -> None:
    entry = parse_order_entry(
        PEGGABLE,
        side=Side.SELL,
        order_type=OrderType.STOP_LOSS_LIMIT,
        quantity_text="0.01",
        stop_text="59000",
        peg=PegPriceType.MARKET_PEG,
        time_in_force=TimeInForce.IOC,
    )
    assert entry.errors == {}
    assert entry.request is not None and entry.request.peg_price_type is PegPriceType.MARKET_PEG


def test_refused_peg_combinations_name_the_peg_field() -> None:
    def errors(rules=PEGGABLE, **kw) -> dict[str, str]:  # type: ignore[no-untyped-def]
        base = dict(side=Side.BUY, order_type=OrderType.LIMIT, quantity_text="0.01", peg=PegPriceType.PRIMARY_PEG)
        entry = parse_order_entry(rules, **{**base, **kw})  # type: ignore[arg-type]
        assert entry.request is None
        return entry.errors

    assert "does not allow pegged" in errors(rules=ALL_TYPES)["peg_price_type"]
    assert "cannot be pegged" in errors(order_type=OrderType.MARKET)["peg_price_type"]
    assert "cannot be pegged" in errors(order_type=OrderType.STOP_LOSS, stop_text="59000")["peg_price_type"]
    assert "cannot be pegged" in errors(order_type=OrderType.TAKE_PROFIT, stop_text="61000")["peg_price_type"]
    maker = errors(order_type=OrderType.LIMIT_MAKER, peg=PegPriceType.MARKET_PEG)
    assert "PRIMARY_PEG" in maker["peg_price_type"]
    assert "GTC" in errors(time_in_force=TimeInForce.IOC)["peg_price_type"]
    sor = SorConfig(base_asset="BTC", symbols=(PEGGABLE.symbol, "BTCUSDC"))
    assert "Smart Order Routing" in errors(sor=sor)["peg_price_type"]
    assert "0 to 100" in errors(peg_offset_text="101")["peg_offset_value"]
    assert "needs a peg" in errors(peg=None, price_text="60000", peg_offset_text="2")["peg_offset_value"]
    # MARKET_PEG on a LIMIT IOC is fine: only PRIMARY_PEG is GTC-only
    ok = parse_order_entry(
        PEGGABLE,
        side=Side.BUY,
        order_type=OrderType.LIMIT,
        quantity_text="0.01",
        peg=PegPriceType.MARKET_PEG,
        time_in_force=TimeInForce.IOC,
        peg_offset_text="0",
    )
    assert ok.errors == {} and ok.request is not None and ok.request.peg_offset_value == 0


def test_peg_offered_only_for_peggable_types_symbols_and_routes() -> None:
    assert peg_available(PEGGABLE, OrderType.LIMIT)
    assert peg_available(PEGGABLE, OrderType.TAKE_PROFIT_LIMIT)
    assert not peg_available(PEGGABLE, OrderType.MARKET)
    assert not peg_available(PEGGABLE, OrderType.STOP_LOSS)
    assert not peg_available(ALL_TYPES, OrderType.LIMIT)
    assert not peg_available(PEGGABLE, OrderType.LIMIT, via_sor=True)
