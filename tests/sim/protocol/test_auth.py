"""Signature verification, key registry and timing rules (tui/sim/auth.py) plus demo key files."""

from __future__ import annotations

import os
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from tui.sim.keys import InsecureKeyFileError, ensure_demo_keys
from tui.sim.protocol.auth import KeyRegistry, check_timestamp, rest_payload, verify_signed, ws_payload
from tui.sim.protocol.errors import ApiError

# web-socket-api.md "SIGNED request example (HMAC)" and its Chinese twin (seed 004)
DOC_API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
ASCII_PARAMS = {
    "symbol": "BTCUSDT",
    "side": "SELL",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "0.01000000",
    "price": "52000.00",
    "recvWindow": 100,
    "timestamp": 1645423376532,
    "apiKey": DOC_API_KEY,
}
ASCII_PAYLOAD = (
    f"apiKey={DOC_API_KEY}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL"
    "&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"
)
ASCII_SIG = "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
# The documented payload uses quantity 1.00000000 (the request JSON above it says 0.01; the payload wins).
UNICODE_PARAMS = {
    "symbol": "１２３４５６",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "1.00000000",
    "price": "0.10000000",
    "recvWindow": 5000,
    "timestamp": 1645423376532,
    "apiKey": DOC_API_KEY,
}
UNICODE_SIG = "b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd"


@pytest.fixture
def registry() -> KeyRegistry:
    reg = KeyRegistry()
    reg.add_hmac(DOC_API_KEY, DOC_SECRET, "acct")
    return reg


def test_doc_payload_is_built_exactly() -> None:
    assert ws_payload({**ASCII_PARAMS, "signature": "x"}) == ASCII_PAYLOAD


@pytest.mark.parametrize(("params", "sig"), [(ASCII_PARAMS, ASCII_SIG), (UNICODE_PARAMS, UNICODE_SIG)])
def test_doc_hmac_vectors_verify(registry: KeyRegistry, params: dict, sig: str) -> None:
    assert verify_signed(registry, {**params, "signature": sig}).account_id == "acct"
    # HMAC signatures are case-insensitive
    assert verify_signed(registry, {**params, "signature": sig.upper()}).account_id == "acct"


def test_tampered_request_is_rejected(registry: KeyRegistry) -> None:
    with pytest.raises(ApiError) as err:
        verify_signed(registry, {**ASCII_PARAMS, "price": "52000.01", "signature": ASCII_SIG})
    assert (err.value.code, err.value.msg) == (-1022, "Signature for this request is not valid.")


def test_api_key_errors(registry: KeyRegistry) -> None:
    with pytest.raises(ApiError) as err:
        verify_signed(registry, {**ASCII_PARAMS, "apiKey": "bad key!", "signature": ASCII_SIG})
    assert (err.value.code, err.value.msg) == (-2014, "API-key format invalid.")
    with pytest.raises(ApiError) as err:
        verify_signed(registry, {**ASCII_PARAMS, "apiKey": "A" * 64, "signature": ASCII_SIG})
    assert (err.value.code, err.value.msg) == (-2015, "Invalid API-key, IP, or permissions for action.")


def test_booleans_and_numbers_sign_as_json_text() -> None:
    assert ws_payload({"b": True, "a": Decimal("6000.5"), "c": 100}) == "a=6000.5&b=true&c=100"


def test_timing_rules() -> None:
    now = 1_700_000_000_000
    check_timestamp({"timestamp": now - 4999}, now)
    check_timestamp({"timestamp": (now - 100) * 1000}, now)  # microseconds
    check_timestamp({"timestamp": now - 59_000, "recvWindow": 60000}, now)
    with pytest.raises(ApiError) as err:
        check_timestamp({"timestamp": now - 5001}, now)
    assert (err.value.code, err.value.msg) == (-1021, "Timestamp for this request is outside of the recvWindow.")
    with pytest.raises(ApiError) as err:
        check_timestamp({"timestamp": now + 1000}, now)
    assert err.value.msg == "Timestamp for this request was 1000ms ahead of the server's time."
    with pytest.raises(ApiError) as err:
        check_timestamp({"timestamp": now, "recvWindow": 60001}, now)
    assert err.value.code == -1102
    with pytest.raises(ApiError) as err:
        check_timestamp({}, now)
    assert err.value.code == -1102


def test_rest_payload_strips_signature() -> None:
    payload, sig = rest_payload("symbol=BTCUSDT&timestamp=1", "&signature=abc")
    assert (payload, sig) == ("symbol=BTCUSDT&timestamp=1", "abc")


def test_demo_keys_created_private_and_reused(tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    first = ensure_demo_keys(keys_dir)
    assert stat.S_IMODE(keys_dir.stat().st_mode) == 0o700
    for name in ("demo-keys.json", "rsa.pem", "ed25519.pem"):
        assert stat.S_IMODE((keys_dir / name).stat().st_mode) == 0o600
    assert len(first.hmac_api_key) == 64 and first.hmac_api_key.isalnum()
    assert (keys_dir / "rsa.pem").read_text().startswith("-----BEGIN PRIVATE KEY-----")
    again = ensure_demo_keys(keys_dir)
    assert again.ed25519_api_key == first.ed25519_api_key and again.hmac_secret == first.hmac_secret


def test_world_readable_key_file_is_refused(tmp_path: Path) -> None:
    keys_dir = tmp_path / "keys"
    ensure_demo_keys(keys_dir)
    os.chmod(keys_dir / "ed25519.pem", 0o644)
    with pytest.raises(InsecureKeyFileError, match="chmod 600"):
        ensure_demo_keys(keys_dir)
