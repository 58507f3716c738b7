"""Demo API keys of all three Binance key types for the embedded exchange.

On first run `ensure_demo_keys` writes `demo-keys.json` (API keys and the HMAC secret) plus
`rsa.pem` and `ed25519.pem` (unencrypted PKCS#8 private keys) into a 0700 directory with 0600
files; later runs reuse them. The console loads the same files to sign, the simulator keeps only
what it needs to verify (HMAC secret, public keys).
"""

from __future__ import annotations

import json
import os
import secrets
import stat
import string
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

KEYS_FILE = "demo-keys.json"
RSA_FILE = "rsa.pem"
ED25519_FILE = "ed25519.pem"
_ALPHABET = string.ascii_letters + string.digits


class InsecureKeyFileError(RuntimeError):
    """A key file may be read by other users; we refuse to use it rather than leak it further."""


@dataclass(frozen=True)
class DemoKeys:
    """The demo keys: API keys, the HMAC secret, and the public halves used for verification."""

    keys_file: Path
    hmac_api_key: str
    hmac_secret: str
    rsa_api_key: str
    rsa_private_key_file: Path
    rsa_public_key: rsa.RSAPublicKey
    ed25519_api_key: str
    ed25519_private_key_file: Path
    ed25519_public_key: ed25519.Ed25519PublicKey


def new_api_key() -> str:
    """64 random alphanumerics, the shape of a Binance API key."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(64))


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.chmod(path, 0o600)


def _check_private(path: Path) -> None:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise InsecureKeyFileError(
            f"{path} is accessible by group/others (mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )


def _pem(private_key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _create(keys_dir: Path) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ed_key = ed25519.Ed25519PrivateKey.generate()
    _write_private(keys_dir / RSA_FILE, _pem(rsa_key))
    _write_private(keys_dir / ED25519_FILE, _pem(ed_key))
    doc = {
        "hmac": {"apiKey": new_api_key(), "secretKey": new_api_key()},
        "rsa": {"apiKey": new_api_key(), "privateKeyFile": RSA_FILE},
        "ed25519": {"apiKey": new_api_key(), "privateKeyFile": ED25519_FILE},
    }
    _write_private(keys_dir / KEYS_FILE, (json.dumps(doc, indent=2) + "\n").encode())


def ensure_demo_keys(keys_dir: Path) -> DemoKeys:
    """Create the demo keys in `keys_dir` if missing, then load them (refusing world-readable files)."""
    keys_dir = Path(keys_dir)
    keys_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not (keys_dir / KEYS_FILE).exists():
        os.chmod(keys_dir, 0o700)
        _create(keys_dir)
    keys_path = keys_dir / KEYS_FILE
    _check_private(keys_path)
    doc = json.loads(keys_path.read_text())
    rsa_path = keys_dir / doc["rsa"]["privateKeyFile"]
    ed_path = keys_dir / doc["ed25519"]["privateKeyFile"]
    for path in (rsa_path, ed_path):
        _check_private(path)
    rsa_private = serialization.load_pem_private_key(rsa_path.read_bytes(), password=None)
    ed_private = serialization.load_pem_private_key(ed_path.read_bytes(), password=None)
    if not isinstance(rsa_private, rsa.RSAPrivateKey) or not isinstance(ed_private, ed25519.Ed25519PrivateKey):
        raise ValueError(f"unexpected key types in {keys_dir}")
    return DemoKeys(
        keys_file=keys_path,
        hmac_api_key=doc["hmac"]["apiKey"],
        hmac_secret=doc["hmac"]["secretKey"],
        rsa_api_key=doc["rsa"]["apiKey"],
        rsa_private_key_file=rsa_path,
        rsa_public_key=rsa_private.public_key(),
        ed25519_api_key=doc["ed25519"]["apiKey"],
        ed25519_private_key_file=ed_path,
        ed25519_public_key=ed_private.public_key(),
    )
