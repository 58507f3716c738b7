"""`python -m tui --profile NAME` and `python -m tui keys`, run through `main()`."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from tests.config.conftest import endpoints_of, sim_profile_toml
from tui.__main__ import main
from tui.config.config_reader import load_config
from tui.config.paths import config_path, keys_dir
from tui.config.settings import Settings
from tui.exchange.signing import Ed25519Signer, HmacSigner, ReadOnlySigner
from tui.keystore.load import load_signer
from tui.keystore.verify import verify_key
from tui.keystore.wizard import Terminal
from tui.keystore.wizard import main as keys_main
from tui.sim.spot.symbols import DEMO_ACCOUNT

Write = Callable[[str], Path]
PASSPHRASE = "a long enough passphrase"
NEW_API_KEY = "N" * 64


class FakeApp:
    """Stands in for the Textual app: records what it was given and checks the venue answers."""

    runs: list[dict[str, Any]] = []

    def __init__(self, settings: Settings, session: Any, venue: str) -> None:
        self.settings, self.session, self.venue = settings, session, venue

    def run(self) -> None:
        assert self.settings.endpoints is not None
        ping = httpx.get(self.settings.endpoints.rest + "/api/v3/ping", timeout=5)
        FakeApp.runs.append(
            {"settings": self.settings, "signer": self.session.signer, "venue": self.venue, "ping": ping.status_code}
        )


@pytest.fixture
def fake_app(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    import tui.app

    FakeApp.runs = []
    monkeypatch.setattr(tui.app, "make_app", lambda settings, session, *, venue="": FakeApp(settings, session, venue))
    return FakeApp.runs


def test_no_config_and_no_profile_starts_the_embedded_exchange(fake_app: list[dict[str, Any]]) -> None:
    assert not config_path().exists()
    assert main([]) == 0
    assert config_path().exists()  # first run created it
    (run,) = fake_app
    settings = run["settings"]
    assert run["venue"] == "embedded sim" and run["ping"] == 200
    assert settings.profile_name == "demo" and not settings.live and not settings.read_only and settings.confirm_orders
    assert settings.endpoints.rest.startswith("http://127.0.0.1:")
    assert isinstance(run["signer"], Ed25519Signer)


def test_profile_demo_starts_the_embedded_exchange_with_the_chosen_demo_key(fake_app: list[dict[str, Any]]) -> None:
    assert main(["--profile", "demo", "--key-type", "hmac"]) == 0
    (run,) = fake_app
    assert run["venue"] == "embedded sim" and run["ping"] == 200
    assert run["settings"].profile_name == "demo" and run["settings"].key_type == "hmac"
    assert isinstance(run["signer"], HmacSigner)


def test_unknown_profile_exits_2_with_a_clear_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--profile", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no profile 'nope'" in err and str(config_path()) in err and "demo, demo-mode, live, testnet" in err


def test_bad_config_exits_2_naming_the_file(write_config: Write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_config("[profiles.lab]\nembeded = true\n")
    assert main([]) == 2
    assert f"{path}:2: unknown key 'embeded'" in capsys.readouterr().err


def test_a_profile_with_an_env_key_and_flags(
    sim_in_thread: Any, write_config: Write, monkeypatch: pytest.MonkeyPatch, fake_app: list[dict[str, Any]]
) -> None:
    keys = sim_in_thread.keys
    monkeypatch.setenv("LAB_SECRET", keys.hmac_secret)
    key = f'type = "hmac"\napi_key = "{keys.hmac_api_key}"\nsecret_env = "LAB_SECRET"'
    write_config(
        sim_profile_toml("lab", sim_in_thread, key, flags="read_only = true\nconfirm_orders = false\nlive = true")
    )
    assert main(["--profile", "lab"]) == 0
    (run,) = fake_app
    settings = run["settings"]
    assert (settings.profile_name, settings.read_only, settings.confirm_orders, settings.live) == (
        "lab",
        True,
        False,
        True,
    )
    assert settings.endpoints == endpoints_of(sim_in_thread) and run["venue"] == "lab" and run["ping"] == 200
    assert isinstance(run["signer"], ReadOnlySigner) and run["signer"].key_type == "HMAC"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_an_insecure_key_file_exits_2_saying_how_to_fix_it(
    sim_in_thread: Any, write_config: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = tmp_path / "lab.pem"
    pem.write_bytes(
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    pem.chmod(0o644)
    write_config(
        sim_profile_toml("lab", sim_in_thread, f'type = "ed25519"\napi_key = "abc"\nprivate_key_file = "{pem}"')
    )
    assert main(["--profile", "lab"]) == 2
    assert f"chmod 600 {pem}" in capsys.readouterr().err


# --- the keys wizard ---------------------------------------------------------------------------


async def test_verify_key_with_the_sims_demo_ed25519_key(sim: Any) -> None:
    keys = sim.keys
    pem = keys.ed25519_private_key_file.read_bytes()
    signer = Ed25519Signer(keys.ed25519_api_key, pem)
    report = await verify_key(endpoints_of(sim), signer)
    assert report.key_type == "ED25519" and report.can_trade and report.account_type == "SPOT"
    assert report.api_key == keys.ed25519_api_key[:6] + "…"
    assert any("Enable Withdrawals" in w for w in report.warnings)  # the demo account can withdraw
    assert not any("read-only" in w for w in report.warnings)
    text = "\n".join(report.lines())
    assert "can trade: yes" in text and keys.ed25519_api_key not in text
    read_only = await verify_key(endpoints_of(sim), ReadOnlySigner(signer), read_only=True)
    assert any("read-only but the account can trade" in w for w in read_only.warnings)


def test_wizard_interactive_generate_register_record_verify(
    sim_in_thread: Any, write_config: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(sim_profile_toml("lab", sim_in_thread))
    out = io.StringIO()
    secrets_asked: list[str] = []

    def ask_secret(prompt: str) -> str:
        secrets_asked.append(prompt)
        return PASSPHRASE

    def ask(prompt: str) -> str:
        # The person registers the printed public key on the venue, then pastes the API key.
        text = out.getvalue()
        public = text[text.index("-----BEGIN PUBLIC KEY-----") : text.index("-----END PUBLIC KEY-----") + 24]
        key = serialization.load_pem_public_key(public.encode())
        assert isinstance(key, ed25519.Ed25519PublicKey)
        sim_in_thread.registry.add_ed25519(NEW_API_KEY, key, DEMO_ACCOUNT)
        return NEW_API_KEY

    code = keys_main(["--profile", "lab"], term=Terminal(out=out, ask=ask, ask_secret=ask_secret))
    text = out.getvalue()
    assert code == 0, text + capsys.readouterr().err
    assert secrets_asked == ["Passphrase: ", "Again, to confirm: "]
    assert PASSPHRASE not in text
    private = keys_dir() / "lab-ed25519.pem"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600 and stat.S_IMODE(keys_dir().stat().st_mode) == 0o700
    assert (
        "can trade: yes" in text and "WARNING" in text and f"Recorded the key in [profiles.lab.key] of {path}" in text
    )
    key = load_config(path).profile("lab").key
    assert key is not None and key.api_key == NEW_API_KEY and key.private_key_file == private and key.passphrase
    # the console can now load it with the passphrase
    signer = load_signer(load_config(path).profile("lab"), lambda _: PASSPHRASE)
    assert isinstance(signer, Ed25519Signer) and signer.api_key == NEW_API_KEY


def test_wizard_non_interactive_then_verify_only(
    sim_in_thread: Any, write_config: Write, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(sim_profile_toml("lab", sim_in_thread))
    monkeypatch.setenv("LAB_PASSPHRASE", PASSPHRASE)
    args = ["keys", "--profile", "lab", "--non-interactive", "--passphrase-env", "LAB_PASSPHRASE"]
    assert main([*args, "--api-key", NEW_API_KEY, "--no-verify"]) == 0
    out = capsys.readouterr().out
    assert "-----BEGIN PUBLIC KEY-----" in out and PASSPHRASE not in out
    public = serialization.load_pem_public_key((keys_dir() / "lab-ed25519.pub").read_bytes())
    # not registered yet: verification fails with exit code 1 and a hint
    assert main([*args, "--verify-only"]) == 1
    assert "public key is registered" in capsys.readouterr().out
    assert isinstance(public, ed25519.Ed25519PublicKey)
    sim_in_thread.registry.add_ed25519(NEW_API_KEY, public, DEMO_ACCOUNT)
    assert main([*args, "--verify-only"]) == 0
    assert "can trade: yes" in capsys.readouterr().out
    # passphrase from stdin works too; a wrong one is refused with exit code 2
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSPHRASE + "\n"))
    assert main(["keys", "--profile", "lab", "--non-interactive", "--passphrase-stdin", "--verify-only"]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong passphrase\n"))
    assert main(["keys", "--profile", "lab", "--non-interactive", "--passphrase-stdin", "--verify-only"]) == 2
    assert "wrong passphrase" in capsys.readouterr().err
    # an existing key is never replaced without --force
    assert main([*args, "--api-key", NEW_API_KEY, "--no-verify"]) == 2
    assert "--force" in capsys.readouterr().err
    assert load_config(path).profile("lab").key is not None


def test_wizard_refuses_the_embedded_profile_and_missing_passphrase(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "--profile", "demo", "--non-interactive"]) == 2
    assert "embedded exchange" in capsys.readouterr().err
    assert main(["keys", "--profile", "testnet", "--non-interactive"]) == 2
    assert "--passphrase-env" in capsys.readouterr().err
    assert not (keys_dir() / "testnet-ed25519.pem").exists()
