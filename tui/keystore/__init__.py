"""Keys for profiles: loading signers (load.py), generating Ed25519 key pairs (generate.py), verifying
keys with `account.status` (verify.py), and the `python -m tui keys` wizard (wizard.py)."""
