"""Signing: Binance's published HMAC vectors, RSA/Ed25519 round trips, and keeping secrets secret."""

from __future__ import annotations

import base64
import logging
import traceback

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tui.exchange.signing import Ed25519Signer, HmacSigner, RsaSigner, ws_api_payload

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"

ASCII_PARAMS = {
    "symbol": "BTCUSDT",
    "side": "SELL",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "0.01000000",
    "price": "52000.00",
    "recvWindow": 100,
    "timestamp": 1645423376532,
    "apiKey": API_KEY,
}
ASCII_PAYLOAD = (
    f"apiKey={API_KEY}&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL"
    "&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"
)
UNICODE_PARAMS = {
    "symbol": "１２３４５６",
    "side": "BUY",
    "type": "LIMIT",
    "timeInForce": "GTC",
    "quantity": "1.00000000",
    "price": "0.10000000",
    "recvWindow": 5000,
    "timestamp": 1645423376532,
    "apiKey": API_KEY,
}
UNICODE_PAYLOAD = (
    f"apiKey={API_KEY}&price=0.10000000&quantity=1.00000000&recvWindow=5000&side=BUY"
    "&symbol=１２３４５６&timeInForce=GTC&timestamp=1645423376532&type=LIMIT"
)


def test_payload_matches_docs_ascii() -> None:
    assert ws_api_payload(ASCII_PARAMS) == ASCII_PAYLOAD


def test_payload_matches_docs_unicode() -> None:
    assert ws_api_payload(UNICODE_PARAMS) == UNICODE_PAYLOAD


def test_hmac_vector_ascii() -> None:
    signer = HmacSigner(API_KEY, SECRET)
    assert (
        signer.sign(ws_api_payload(ASCII_PARAMS)) == "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24"
    )


def test_hmac_vector_unicode() -> None:
    signer = HmacSigner(API_KEY, SECRET)
    assert (
        signer.sign(ws_api_payload(UNICODE_PARAMS))
        == "b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd"
    )


def test_payload_rules() -> None:
    params = {"b": True, "a": False, "signature": "x", "c": None, "d": "a b&c"}
    assert ws_api_payload(params) == "a=false&b=true&d=a b&c"


def test_payload_refuses_float() -> None:
    with pytest.raises(TypeError):
        ws_api_payload({"price": 1.5})


def test_rsa_roundtrip() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    signer = RsaSigner("rsa-key", pem)
    signature = signer.sign(UNICODE_PAYLOAD)
    key.public_key().verify(base64.b64decode(signature), UNICODE_PAYLOAD.encode(), padding.PKCS1v15(), hashes.SHA256())
    assert signer.key_type == "RSA"


def test_ed25519_roundtrip() -> None:
    key = Ed25519PrivateKey.generate()
    signer = Ed25519Signer("ed-key", key)
    signature = signer.sign(ASCII_PAYLOAD)
    key.public_key().verify(base64.b64decode(signature), ASCII_PAYLOAD.encode())
    assert signer.key_type == "ED25519"


def test_wrong_key_type_refused() -> None:
    with pytest.raises(ValueError):
        RsaSigner("k", Ed25519PrivateKey.generate())


def _private_pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_secrets_not_in_repr_logs_or_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    ed_key = Ed25519PrivateKey.generate()
    ed_pem = _private_pem(ed_key).decode()
    signers = [HmacSigner(API_KEY, SECRET), Ed25519Signer(API_KEY, ed_key)]
    for signer in signers:
        text = repr(signer) + str(signer) + f"{signer}"
        assert SECRET not in text
        assert API_KEY not in text  # shortened
        assert "redacted" in text
        logging.getLogger("t").warning("signer %r", signer)
    assert SECRET not in caplog.text
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(signers[0])
    # A garbled PEM must not echo the key material in the error.
    garbled = ed_pem.replace("A", "B", 3)
    with pytest.raises(ValueError) as info:
        Ed25519Signer("k", garbled)
    rendered = "".join(traceback.format_exception(info.value))
    body = "".join(ed_pem.splitlines()[1:-1])
    assert body[:20] not in rendered
