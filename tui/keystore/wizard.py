"""`python -m tui keys`: create an Ed25519 key pair for a profile, register it, record it, check it.

Steps: (1) generate a key pair, the private key encrypted with a passphrase (asked twice, never
echoed), saved 0600 under `keys_dir()`; (2) print the public key to register on Binance
(API Management -> Create API -> Self-generated); (3) ask for the API key Binance shows and record
it in the profile; (4) verify it with `account.status` and show what the account allows.

`--verify-only` runs step 4 with the key the profile already names. For scripts and tests,
`--non-interactive` takes the passphrase from `--passphrase-env VAR` or `--passphrase-stdin` and
the API key from `--api-key` / `--api-key-env`, and never prompts.

Exit codes: 0 done, 1 the key was saved but verification failed, 2 usage or config errors.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from tui.config.config_reader import load_config
from tui.config.key_table import record_key
from tui.config.paths import config_path, keys_dir
from tui.config.profiles import ConfigError, KeySpec, Profile
from tui.exchange.errors import ExchangeError
from tui.exchange.key_files import KeyLoadError, Secret, signer_for
from tui.exchange.signing import ReadOnlySigner, Signer
from tui.keystore.generate import MIN_PASSPHRASE, generate_ed25519, write_key_pair
from tui.keystore.load import load_signer
from tui.keystore.verify import verify_key

REGISTER_HELP = {
    "testnet": "https://testnet.binance.vision/ (log in, then 'Register' an Ed25519 public key)",
    "demo-mode": "https://demo.binance.com/en/my/settings/api-management (Create API -> Self-generated)",
    "live": "https://www.binance.com/en/my/settings/api-management (Create API -> Self-generated)",
}


class WizardError(Exception):
    """A step cannot go on; the message says why and what to do."""


@dataclass
class Terminal:
    """How the wizard talks to the person: replaceable in tests."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    ask: Callable[[str], str] = input
    ask_secret: Callable[[str], str] = getpass.getpass

    def say(self, text: str = "") -> None:
        print(text, file=self.out)


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tui keys",
        description="Create an Ed25519 API key pair for a profile, record it and verify it with account.status.",
    )
    parser.add_argument("--profile", default=None, help="profile to set up (default: ask; testnet)")
    parser.add_argument("--config", type=Path, default=None, help="config file (default: the user config dir)")
    parser.add_argument("--verify-only", action="store_true", help="only check the key the profile already names")
    parser.add_argument("--no-verify", action="store_true", help="save and record the key, skip account.status")
    parser.add_argument("--force", action="store_true", help="replace the profile's existing key file")
    parser.add_argument("--non-interactive", action="store_true", help="never prompt (for scripts and tests)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--passphrase-env", metavar="VAR", help="read the passphrase from this environment variable")
    source.add_argument("--passphrase-stdin", action="store_true", help="read the passphrase from stdin's first line")
    api = parser.add_mutually_exclusive_group()
    api.add_argument("--api-key", help="the API key Binance showed for the registered public key")
    api.add_argument("--api-key-env", metavar="VAR", help="record api_key_env = VAR instead of the key itself")
    return parser.parse_args(argv)


class _Wizard:
    def __init__(self, args: argparse.Namespace, term: Terminal) -> None:
        self.args = args
        self.term = term
        self.path = args.config or config_path()
        self._stdin_passphrase: Secret | None = None

    # --- inputs ------------------------------------------------------------------------------

    def passphrase(self, prompt: str, *, confirm: bool = False) -> Secret:
        """The passphrase, from the env var or stdin when given, else asked (twice for a new key)."""
        if self.args.passphrase_env:
            value = os.environ.get(self.args.passphrase_env)
            if not value:
                raise WizardError(f"environment variable {self.args.passphrase_env} is not set or empty")
            return Secret(value)
        if self.args.passphrase_stdin:
            if self._stdin_passphrase is None:
                self._stdin_passphrase = Secret(sys.stdin.readline().rstrip("\r\n"))
            return self._stdin_passphrase
        if self.args.non_interactive:
            raise WizardError("--non-interactive needs --passphrase-env VAR or --passphrase-stdin")
        first = Secret(self.term.ask_secret(prompt))
        if confirm:
            again = Secret(self.term.ask_secret("Again, to confirm: "))
            if first.reveal() != again.reveal():
                raise WizardError("the two passphrases differ; nothing was written")
        return first

    def profile(self) -> Profile:
        config = load_config(self.path)
        name = self.args.profile
        if name is None:
            name = "testnet"
            if not self.args.non_interactive:
                name = self.term.ask(f"Profile to set up [{name}]: ").strip() or name
        profile = config.profile(name)
        if profile.embedded:
            raise WizardError(
                f"profile {name!r} is the embedded exchange, which signs with its own demo keys; "
                f"choose testnet, demo-mode, live or a custom profile"
            )
        return profile

    # --- steps -------------------------------------------------------------------------------

    def verify(self, profile: Profile, signer: Signer) -> int:
        assert profile.endpoints is not None
        self.term.say(f"Checking the key with account.status on {profile.endpoints.ws_api} ...")
        try:
            report = asyncio.run(verify_key(profile.endpoints, signer, read_only=profile.read_only))
        except ExchangeError as exc:
            self.term.say(f"Verification failed: {exc}")
            if exc.code in (-2014, -2015, -1022):
                self.term.say(
                    "Binance does not accept this key yet: check that the public key is registered and the "
                    "API key recorded in the profile is the one shown for it (and any IP restriction)."
                )
            return 1
        for line in report.lines():
            self.term.say(line)
        return 0

    def verify_only(self) -> int:
        profile = self.profile()
        if profile.key is None:
            raise WizardError(
                f"profile {profile.name!r} names no key; run `python -m tui keys --profile {profile.name}`"
            )
        signer = load_signer(profile, lambda prompt: self.passphrase(prompt).reveal().decode("utf-8"))
        assert signer is not None
        return self.verify(profile, signer)

    def create(self) -> int:
        profile = self.profile()
        private_path = keys_dir() / f"{profile.name}-ed25519.pem"
        if private_path.exists() and not self.args.force:
            raise WizardError(
                f"{private_path} already exists; its API key stops working if it is replaced. "
                f"Use --verify-only to check it, or --force to replace it."
            )
        self.term.say(f"A new Ed25519 key pair for profile {profile.name!r}.")
        self.term.say(f"The private key is encrypted with a passphrase (at least {MIN_PASSPHRASE} characters);")
        self.term.say("you will type it each time the console starts with this profile. It is not stored.")
        passphrase = self.passphrase("Passphrase: ", confirm=True)
        if len(passphrase.reveal()) < MIN_PASSPHRASE:
            raise WizardError(f"the passphrase must be at least {MIN_PASSPHRASE} characters; nothing was written")
        pair = generate_ed25519(passphrase)
        public_path = write_key_pair(pair, private_path, overwrite=self.args.force)
        self.term.say(f"Private key: {private_path} (mode 600)")
        self.term.say(f"Public key:  {public_path}")
        self.term.say()
        self.term.say("Register this public key on Binance as a self-generated Ed25519 API key:")
        self.term.say(f"  {REGISTER_HELP.get(profile.name, 'Binance API Management -> Create API -> Self-generated')}")
        self.term.say("Give it only the permissions you need; never enable withdrawals for a trading console.")
        self.term.say()
        self.term.say(pair.public_pem.rstrip())
        self.term.say()

        api_key = self.args.api_key
        api_key_env = self.args.api_key_env
        if not api_key and not api_key_env and not self.args.non_interactive:
            api_key = self.term.ask("API key Binance shows for it (empty: record later): ").strip()
        if not api_key and not api_key_env:
            self.term.say(
                f"No API key given: the key pair is saved but not recorded. When Binance shows the API key, run\n"
                f"  python -m tui keys --profile {profile.name} --api-key KEY --force  (new pair), or add to\n"
                f"  [profiles.{profile.name}.key] in {self.path}: type, api_key, private_key_file, passphrase"
            )
            return 0
        spec = KeySpec(
            type="ed25519",
            api_key=api_key or None,
            api_key_env=api_key_env or None,
            private_key_file=private_path,
            passphrase=True,
        )
        config = record_key(profile.name, spec, self.path)
        self.term.say(f"Recorded the key in [profiles.{profile.name}.key] of {self.path}")
        if self.args.no_verify:
            return 0
        profile = config.profile(profile.name)
        key_api = api_key or os.environ.get(api_key_env or "", "")
        if not key_api:
            self.term.say(f"${api_key_env} is not set, so the key cannot be checked now.")
            return 1
        signer: Signer = signer_for("ED25519", key_api, pair.private_key)
        if profile.read_only:
            signer = ReadOnlySigner(signer, profile=profile.name)
        return self.verify(profile, signer)


def main(argv: list[str] | None = None, *, term: Terminal | None = None) -> int:
    args = _parse(list(sys.argv[1:] if argv is None else argv))
    wizard = _Wizard(args, term or Terminal())
    try:
        return wizard.verify_only() if args.verify_only else wizard.create()
    except (ConfigError, KeyLoadError, WizardError, PermissionError, FileExistsError, ValueError) as exc:
        print(f"python -m tui keys: {exc}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("\ncancelled; nothing more was written", file=sys.stderr)
        return 2
