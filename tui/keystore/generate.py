"""New Ed25519 key pairs for Binance: the private half encrypted on disk, the public half to paste.

Binance's "self-generated" API keys (faqs/api_key_types.md): you register the public key (PEM) in
API Management and Binance shows the API key that goes with it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tui.exchange.key_files import Secret

MIN_PASSPHRASE = 8


@dataclass(frozen=True)
class KeyPair:
    """A generated pair: the encrypted private PEM (wrapped) and the public PEM to register."""

    private_pem: Secret
    public_pem: str
    private_key: Ed25519PrivateKey


def generate_ed25519(passphrase: Secret) -> KeyPair:
    """A new Ed25519 key pair, the private key as PKCS#8 PEM encrypted with `passphrase`."""
    if len(passphrase.reveal()) < MIN_PASSPHRASE:
        raise ValueError(f"the passphrase must be at least {MIN_PASSPHRASE} characters")
    key = Ed25519PrivateKey.generate()
    private_pem = Secret(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase.reveal()),
        )
    )
    public_pem = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )
    return KeyPair(private_pem, public_pem, key)


def _write(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def write_key_pair(pair: KeyPair, private_path: Path, *, overwrite: bool = False) -> Path:
    """Write the private key (0600; its directory created 0700) and `<name>.pub` next to it.

    Returns the public key's path. Refuses to replace an existing private key unless `overwrite`.
    """
    private_path = Path(private_path)
    if private_path.exists() and not overwrite:
        raise FileExistsError(
            f"{private_path} already exists; its API key stops working if it is replaced. "
            f"Pass --force to replace it, or choose another profile."
        )
    directory = private_path.parent
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(directory, 0o700)
    _write(private_path, pair.private_pem.reveal(), 0o600)
    public_path = private_path.with_suffix(".pub")
    _write(public_path, pair.public_pem.encode("ascii"), 0o600)
    return public_path
