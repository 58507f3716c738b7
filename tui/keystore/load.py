"""Build a profile's signer from the files and environment variables its KeySpec names.

Secrets are read straight into `Secret` wrappers and unwrapped only inline where a signer needs
them, so no frame in a traceback (Textual shows locals) holds one in plain text. Every failure is
a `KeyLoadError` (or `InsecureKeyFile`) whose message names the profile and the file or variable.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tui.config.profiles import KeySpec, Profile
from tui.exchange.key_files import (
    InsecureKeyFile,
    KeyLoadError,
    Secret,
    load_private_key,
    read_private_file,
    signer_for,
)
from tui.exchange.signing import HmacSigner, ReadOnlySigner, Signer

PassphrasePrompt = Callable[[str], str]
"""Asks for a passphrase (the console uses getpass); gets a prompt text naming the key file."""


def _env(name: str, profile: str, what: str) -> Secret:
    value = os.environ.get(name)
    if not value:
        raise KeyLoadError(f"profile {profile!r}: environment variable {name} ({what}) is not set or empty")
    return Secret(value)


def _file(path: Path, profile: str) -> Secret:
    try:
        return read_private_file(path)
    except FileNotFoundError:
        raise KeyLoadError(
            f"profile {profile!r}: key file {path} not found (run `python -m tui keys --profile {profile}` "
            f"to create one, or fix the path in the config)"
        ) from None
    except InsecureKeyFile as exc:
        raise InsecureKeyFile(f"profile {profile!r}: {exc}") from None
    except OSError as exc:
        raise KeyLoadError(f"profile {profile!r}: cannot read key file {path}: {exc.strerror or exc}") from None


def _api_key(spec: KeySpec, profile: str) -> str:
    if spec.api_key:
        return spec.api_key
    assert spec.api_key_env is not None  # the config parser requires one of the two
    return _env(spec.api_key_env, profile, "the API key").reveal().decode("utf-8").strip()


def load_signer(profile: Profile, passphrase_prompt: PassphrasePrompt | None = None) -> Signer | None:
    """The signer for `profile`'s key, or None if it names none (the embedded demo keys are separate).

    Encrypted PEM files need `passphrase_prompt`; the passphrase lives only as long as this call.
    For a read-only profile the signer is wrapped in `ReadOnlySigner` (see `check_read_only`).
    """
    spec = profile.key
    if spec is None:
        return None
    name = profile.name
    api_key = _api_key(spec, name)
    if not api_key:
        raise KeyLoadError(f"profile {name!r}: the API key is empty")
    signer: Signer
    if spec.type == "hmac":
        secret = _file(spec.secret_file, name) if spec.secret_file else _env(spec.secret_env or "", name, "HMAC secret")
        if not secret.reveal().strip():
            raise KeyLoadError(f"profile {name!r}: the HMAC secret in {spec.source} is empty")
        signer = HmacSigner(api_key, secret.reveal().strip())
    else:
        if spec.private_key_file is not None:
            pem = _file(spec.private_key_file, name)
        else:
            pem = _env(spec.private_key_env or "", name, f"{spec.type} private key PEM")
        password: Secret | None = None
        if spec.passphrase:
            if passphrase_prompt is None:
                raise KeyLoadError(f"profile {name!r}: {spec.source} is encrypted and no passphrase can be asked")
            password = Secret(passphrase_prompt(f"Passphrase for {spec.source} (profile {name}): "))
        private_key = load_private_key(pem, spec.type.upper(), password=password, source=spec.source)
        signer = signer_for(spec.type, api_key, private_key)
    if profile.read_only:
        return ReadOnlySigner(signer, profile=name)
    return signer
