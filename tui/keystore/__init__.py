"""Keys for profiles: loading signers, generating Ed25519 key pairs, verifying keys, the wizard.

- `load_signer(profile, passphrase_prompt)`: the profile's signer (read-only profiles get a
  `ReadOnlySigner`), or None when the profile names no key.
- `generate_ed25519(passphrase)` / `write_key_pair(...)`: a new encrypted key pair on disk.
- `verify_key(endpoints, signer)`: `account.status` with the key, as a `KeyReport`.
- `python -m tui keys`: the interactive (or `--non-interactive`) wizard in `wizard.py`.
"""

from tui.keystore.generate import KeyPair, generate_ed25519, write_key_pair
from tui.keystore.load import PassphrasePrompt, load_signer
from tui.keystore.verify import KeyReport, verify_key

__all__ = [
    "KeyPair",
    "KeyReport",
    "PassphrasePrompt",
    "generate_ed25519",
    "load_signer",
    "verify_key",
    "write_key_pair",
]
