"""Key files: the demo keys' index and PEM files, and refusing files other users may read."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tui.exchange.key_files import InsecureKeyFile, load_demo_signer
from tui.exchange.signing import Ed25519Signer, HmacSigner, RsaSigner

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


def _private_pem(key: object) -> bytes:
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_keys(keys_dir: Path, mode: int = 0o600) -> None:
    keys_dir.mkdir(mode=0o700, exist_ok=True)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed_key = Ed25519PrivateKey.generate()
    (keys_dir / "rsa.pem").write_bytes(_private_pem(rsa_key))
    (keys_dir / "ed25519.pem").write_bytes(_private_pem(ed_key))
    index = {
        "hmac": {"apiKey": "hmac-api-key-123456", "secretKey": SECRET},
        "rsa": {"apiKey": "rsa-api-key-123456", "privateKeyFile": "rsa.pem"},
        "ed25519": {"apiKey": "ed-api-key-123456", "privateKeyFile": "ed25519.pem"},
    }
    (keys_dir / "demo-keys.json").write_text(json.dumps(index))
    for name in ("rsa.pem", "ed25519.pem", "demo-keys.json"):
        os.chmod(keys_dir / name, mode)


@pytest.mark.parametrize(("kind", "cls"), [("hmac", HmacSigner), ("RSA", RsaSigner), ("ed25519", Ed25519Signer)])
def test_load_demo_signer(tmp_path: Path, kind: str, cls: type) -> None:
    _write_keys(tmp_path / "keys")
    signer = load_demo_signer(tmp_path / "keys", kind)
    assert isinstance(signer, cls)
    assert signer.api_key.endswith("-api-key-123456")
    assert signer.sign("a=1")


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("kind", ["hmac", "rsa", "ed25519"])
def test_load_refuses_group_readable_files(tmp_path: Path, kind: str) -> None:
    _write_keys(tmp_path / "keys", mode=0o644)
    with pytest.raises(InsecureKeyFile) as info:
        load_demo_signer(tmp_path / "keys", kind)
    assert "chmod 600" in str(info.value)
    assert SECRET not in str(info.value)


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_load_refuses_readable_pem_even_if_index_is_private(tmp_path: Path) -> None:
    _write_keys(tmp_path / "keys")
    os.chmod(tmp_path / "keys" / "ed25519.pem", 0o640)
    with pytest.raises(InsecureKeyFile, match=r"ed25519\.pem"):
        load_demo_signer(tmp_path / "keys", "ed25519")


def test_load_unknown_type_and_missing_dir(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        load_demo_signer(tmp_path, "dsa")
    with pytest.raises(FileNotFoundError):
        load_demo_signer(tmp_path / "nope", "hmac")
