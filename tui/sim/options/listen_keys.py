"""listenKeys of the options user-data stream: valid 60 minutes, extended by PUT, closed by DELETE.

POST on an account that already has a valid key returns that key and extends it (as the seed says).
Validity is judged against the venue clock, so tests can expire keys on an accelerated clock.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass

from tui.sim.protocol.errors import ApiError

VALIDITY_MS = 60 * 60 * 1000


def unknown_key() -> ApiError:
    return ApiError(-1125, "This listenKey does not exist.")


@dataclass
class _Key:
    account: str
    expires_ms: int


class ListenKeys:
    def __init__(self, clock_ms: Callable[[], int], validity_ms: int = VALIDITY_MS) -> None:
        self.clock_ms = clock_ms
        self.validity_ms = validity_ms
        self._keys: dict[str, _Key] = {}

    def _live(self, key: str) -> _Key | None:
        entry = self._keys.get(key)
        if entry is not None and entry.expires_ms <= self.clock_ms():
            del self._keys[key]
            return None
        return entry

    def create(self, account: str) -> str:
        for key in list(self._keys):
            entry = self._live(key)
            if entry is not None and entry.account == account:
                entry.expires_ms = self.clock_ms() + self.validity_ms
                return key
        key = secrets.token_hex(32)
        self._keys[key] = _Key(account, self.clock_ms() + self.validity_ms)
        return key

    def keepalive(self, key: str, account: str) -> None:
        entry = self._live(key)
        if entry is None or entry.account != account:
            raise unknown_key()
        entry.expires_ms = self.clock_ms() + self.validity_ms

    def close(self, key: str, account: str) -> None:
        entry = self._live(key)
        if entry is None or entry.account != account:
            raise unknown_key()
        del self._keys[key]

    def account_of(self, key: str) -> str | None:
        entry = self._live(key)
        return entry.account if entry is not None else None

    def expires_ms(self, key: str) -> int | None:
        entry = self._live(key)
        return entry.expires_ms if entry is not None else None
