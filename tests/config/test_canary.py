"""A canary secret must never show: not in logs, reprs, error messages or tracebacks (with locals).

The canary profile takes its HMAC secret from an environment variable. It is loaded, used against
the simulator, and made to fail in every way we can think of; then everything a person or a log
could see is searched for the canary.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.config.conftest import sim_profile_toml
from tui.config.config_reader import load_config
from tui.exchange.clock import ServerClock
from tui.exchange.endpoints import Endpoints
from tui.exchange.errors import ExchangeError
from tui.exchange.signing import HmacSigner, check_read_only
from tui.exchange.spot.ws_api import WsApiClient
from tui.keystore.load import load_signer
from tui.keystore.verify import verify_key

CANARY = "CANARYsecret7Qx93LmZpWvT0do0not0leak"
CANARY_PASSPHRASE = "CANARY-passphrase-5521"
CANARY_PEM = "-----BEGIN PRIVATE KEY-----\nCANARYpem0not0a0key\n-----END PRIVATE KEY-----\n"
CANARIES = (CANARY, CANARY_PASSPHRASE, "CANARYpem0not0a0key")
API_KEY = "CanaryApiKey" + "x" * 52


def _rendered(exc: BaseException) -> str:
    """Everything an error can show: str, repr, the traceback with locals, and its whole chain."""
    parts = [str(exc), repr(exc)]
    parts += traceback.format_exception(exc)
    parts += traceback.TracebackException.from_exception(exc, capture_locals=True).format()
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        parts += [str(link), repr(link)]
        link = link.__cause__ or link.__context__
    return "\n".join(parts)


def _error_of(call: Callable[[], Any]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("expected an error")


async def _async_error_of(call: Callable[[], Any]) -> BaseException:
    try:
        await call()
    except Exception as exc:
        return exc
    raise AssertionError("expected an error")


def _assert_clean(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


@pytest.fixture
def canary_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CANARY_SECRET", CANARY)
    monkeypatch.setenv("CANARY_PEM", CANARY_PEM)


async def test_the_canary_secret_never_shows(
    sim: Any, canary_env: None, write_config: Callable[[str], Path], caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    hmac_key = f'type = "hmac"\napi_key = "{API_KEY}"\nsecret_env = "CANARY_SECRET"'
    real_key = f'type = "hmac"\napi_key = "{sim.keys.hmac_api_key}"\nsecret_env = "CANARY_SECRET"'
    pem_key = f'type = "ed25519"\napi_key = "{API_KEY}"\nprivate_key_env = "CANARY_PEM"'
    path = write_config(
        sim_profile_toml("canary", sim, hmac_key)
        + sim_profile_toml("canary-real", sim, real_key)
        + sim_profile_toml("canary-watch", sim, hmac_key, flags="read_only = true")
        + sim_profile_toml("canary-pem", sim, pem_key)
    )
    config = load_config(path)
    profile = config.profile("canary")
    signer = load_signer(profile)
    assert isinstance(signer, HmacSigner)
    # it really holds the canary: the signature matches one made with it
    assert signer.sign("a=1") == HmacSigner(API_KEY, CANARY).sign("a=1")
    seen = [repr(config), str(config), repr(profile), repr(profile.key), repr(signer), str(signer)]

    endpoints = Endpoints(rest=sim.rest_url, ws_api=sim.ws_api_url, streams=sim.stream_url)
    errors: list[BaseException] = []
    # unknown API key (-2015), then a known key with the wrong secret (-1022), via verify_key
    errors.append(await _async_error_of(lambda: verify_key(endpoints, signer)))
    real = load_signer(config.profile("canary-real"))
    assert real is not None
    errors.append(await _async_error_of(lambda: verify_key(endpoints, real)))
    # a client request that fails on the wire, and a client whose repr is logged
    client = WsApiClient(sim.ws_api_url, signer=real, clock=ServerClock())
    await client.connect()
    try:
        seen.append(repr(client))
        errors.append(await _async_error_of(lambda: client.request("account.status", signed=True)))
        logging.getLogger("tui.test").error("client %r failed", client, exc_info=errors[-1])
    finally:
        await client.close()
    # the read-only guard
    watch = load_signer(config.profile("canary-watch"))
    seen += [repr(watch), str(watch)]
    errors.append(_error_of(lambda: check_read_only(watch, "order.place")))
    errors.append(_error_of(lambda: watch.sign("side=BUY&symbol=BTCUSDT")))  # type: ignore[union-attr]
    # a PEM variable holding junk
    errors.append(_error_of(lambda: load_signer(config.profile("canary-pem"))))
    # an encrypted key file with a wrong passphrase, then a missing prompt
    key_file = tmp_path / "ed.pem"
    key_file.write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"the-right-passphrase"),
        )
    )
    key_file.chmod(0o600)
    enc = write_config(
        sim_profile_toml(
            "enc", sim, f'type = "ed25519"\napi_key = "{API_KEY}"\nprivate_key_file = "{key_file}"\npassphrase = true'
        )
    )
    enc_profile = load_config(enc).profile("enc")
    errors.append(_error_of(lambda: load_signer(enc_profile, lambda _: CANARY_PASSPHRASE)))
    for error in errors:
        logging.getLogger("tui.test").warning("failed: %s", error, exc_info=error)

    assert {type(e).__name__ for e in errors} >= {"ExchangeError", "ReadOnlyRefused", "KeyLoadError", "WrongPassphrase"}
    assert any(isinstance(e, ExchangeError) and e.code == -1022 for e in errors)
    for error in errors:
        _assert_clean(_rendered(error))
    _assert_clean("\n".join(seen))
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    for record in caplog.records:
        _assert_clean(formatter.format(record))
        _assert_clean(repr(record.args))
    _assert_clean(caplog.text)
    assert caplog.records  # the checks above did look at something
