"""Loading a profile's key: env vars, PEM files (encrypted or not), permissions, clear messages."""

from __future__ import annotations

import base64
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from tui.config.paths import keys_dir
from tui.config.profiles import KeySpec, Profile
from tui.exchange.endpoints import Endpoints
from tui.exchange.key_files import InsecureKeyFile, KeyLoadError, Secret, WrongPassphrase
from tui.exchange.signing import Ed25519Signer, HmacSigner, ReadOnlySigner, RsaSigner
from tui.keystore.generate import generate_ed25519, write_key_pair
from tui.keystore.load import load_signer

ENDPOINTS = Endpoints(rest="http://127.0.0.1:1", ws_api="ws://127.0.0.1:1/ws-api/v3", streams="ws://127.0.0.1:1")
API_KEY = "k" * 64
PASSPHRASE = "correct horse battery"


def profile(key: KeySpec, *, read_only: bool = False) -> Profile:
    return Profile("lab", ENDPOINTS, key, read_only=read_only)


def write_pem(path: Path, key: object, *, password: str | None = None, mode: int = 0o600) -> Path:
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption))  # type: ignore[attr-defined]
    path.chmod(mode)
    return path


def never_asked(prompt: str) -> str:
    raise AssertionError(f"unexpected prompt: {prompt}")


def test_no_key_means_no_signer() -> None:
    assert load_signer(Profile("lab", ENDPOINTS, None)) is None


def test_hmac_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_KEY", API_KEY)
    monkeypatch.setenv("LAB_SECRET", "s" * 64)
    signer = load_signer(profile(KeySpec(type="hmac", api_key_env="LAB_KEY", secret_env="LAB_SECRET")))
    assert isinstance(signer, HmacSigner) and signer.api_key == API_KEY
    assert signer.sign("a=1") == HmacSigner(API_KEY, "s" * 64).sign("a=1")


def test_hmac_from_a_private_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s" * 64 + "\n")
    secret.chmod(0o600)
    signer = load_signer(profile(KeySpec(type="hmac", api_key=API_KEY, secret_file=secret)))
    assert signer is not None and signer.sign("a=1") == HmacSigner(API_KEY, "s" * 64).sign("a=1")


def test_missing_env_var_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LAB_SECRET", raising=False)
    with pytest.raises(KeyLoadError, match=r"profile 'lab': environment variable LAB_SECRET \(HMAC secret\)"):
        load_signer(profile(KeySpec(type="hmac", api_key=API_KEY, secret_env="LAB_SECRET")))


def test_unencrypted_ed25519_and_rsa_files(tmp_path: Path) -> None:
    ed = write_pem(tmp_path / "ed.pem", ed25519.Ed25519PrivateKey.generate())
    signer = load_signer(profile(KeySpec(type="ed25519", api_key=API_KEY, private_key_file=ed)), never_asked)
    assert isinstance(signer, Ed25519Signer)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_path = write_pem(tmp_path / "rsa.pem", rsa_key)
    signer = load_signer(profile(KeySpec(type="rsa", api_key=API_KEY, private_key_file=rsa_path)), never_asked)
    assert isinstance(signer, RsaSigner)


def test_private_key_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    monkeypatch.setenv("LAB_PEM", pem.decode())
    signer = load_signer(profile(KeySpec(type="ed25519", api_key=API_KEY, private_key_env="LAB_PEM")))
    assert isinstance(signer, Ed25519Signer)


def test_encrypted_pem_with_the_right_passphrase(tmp_path: Path) -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    path = write_pem(tmp_path / "ed.pem", key, password=PASSPHRASE)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return PASSPHRASE

    spec = KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path, passphrase=True)
    signer = load_signer(profile(spec), ask)
    assert isinstance(signer, Ed25519Signer)
    assert prompts == [f"Passphrase for {path} (profile lab): "]
    expected = Ed25519Signer(API_KEY, key)
    assert signer.sign("x=1") == expected.sign("x=1")


def test_encrypted_pem_with_the_wrong_passphrase(tmp_path: Path) -> None:
    path = write_pem(tmp_path / "ed.pem", ed25519.Ed25519PrivateKey.generate(), password=PASSPHRASE)
    spec = KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path, passphrase=True)
    with pytest.raises(WrongPassphrase) as info:
        load_signer(profile(spec), lambda _: "not the passphrase")
    assert str(path) in str(info.value)
    assert "not the passphrase" not in str(info.value)


def test_encrypted_pem_without_passphrase_setting_says_what_to_change(tmp_path: Path) -> None:
    path = write_pem(tmp_path / "ed.pem", ed25519.Ed25519PrivateKey.generate(), password=PASSPHRASE)
    with pytest.raises(KeyLoadError, match=r"encrypted but no passphrase was given.*passphrase = true"):
        load_signer(profile(KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path)), never_asked)
    spec = KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path, passphrase=True)
    with pytest.raises(KeyLoadError, match="no passphrase can be asked"):
        load_signer(profile(spec), None)


def test_plain_pem_with_passphrase_setting(tmp_path: Path) -> None:
    path = write_pem(tmp_path / "ed.pem", ed25519.Ed25519PrivateKey.generate())
    spec = KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path, passphrase=True)
    with pytest.raises(KeyLoadError, match=r"not encrypted.*passphrase = false"):
        load_signer(profile(spec), lambda _: PASSPHRASE)


def test_wrong_key_type_in_the_file(tmp_path: Path) -> None:
    path = write_pem(tmp_path / "ed.pem", ed25519.Ed25519PrivateKey.generate())
    with pytest.raises(KeyLoadError, match="not an RSA private key"):
        load_signer(profile(KeySpec(type="rsa", api_key=API_KEY, private_key_file=path)))


def test_missing_key_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "gone.pem"
    with pytest.raises(KeyLoadError) as info:
        load_signer(profile(KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path)))
    assert str(path) in str(info.value) and "python -m tui keys --profile lab" in str(info.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660, 0o644])
def test_key_files_readable_by_others_are_refused(tmp_path: Path, mode: int) -> None:
    path = write_pem(tmp_path / "ed.pem", ed25519.Ed25519PrivateKey.generate(), mode=mode)
    with pytest.raises(InsecureKeyFile) as info:
        load_signer(profile(KeySpec(type="ed25519", api_key=API_KEY, private_key_file=path)))
    assert f"chmod 600 {path}" in str(info.value) and "profile 'lab'" in str(info.value)
    secret = tmp_path / "secret"
    secret.write_text("s" * 64)
    secret.chmod(mode)
    with pytest.raises(InsecureKeyFile, match="chmod 600"):
        load_signer(profile(KeySpec(type="hmac", api_key=API_KEY, secret_file=secret)))


def test_read_only_profiles_get_a_read_only_signer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAB_SECRET", "s" * 64)
    signer = load_signer(profile(KeySpec(type="hmac", api_key=API_KEY, secret_env="LAB_SECRET"), read_only=True))
    assert isinstance(signer, ReadOnlySigner) and signer.key_type == "HMAC" and signer.profile == "lab"


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_generated_pairs_are_private_and_load_with_the_passphrase() -> None:
    pair = generate_ed25519(Secret(PASSPHRASE))
    private = keys_dir() / "lab-ed25519.pem"
    public = write_key_pair(pair, private)
    assert stat.S_IMODE(keys_dir().stat().st_mode) == 0o700
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    spec = KeySpec(type="ed25519", api_key=API_KEY, private_key_file=private, passphrase=True)
    signer = load_signer(profile(spec), lambda _: PASSPHRASE)
    assert signer is not None
    pair.private_key.public_key().verify(base64.b64decode(signer.sign("p=1")), b"p=1")
    with pytest.raises(FileExistsError, match="--force"):
        write_key_pair(generate_ed25519(Secret(PASSPHRASE)), private)
    with pytest.raises(ValueError, match="at least 8"):
        generate_ed25519(Secret("short"))
