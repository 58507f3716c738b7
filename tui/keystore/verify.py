"""Check a key against a venue with `account.status`, and say what the account lets it do.

`account.status` (web-socket-api.md, "Account information") reports `canTrade`, `canWithdraw`,
`canDeposit` and `permissions` for the account the key acts for. The key's own restrictions
(Enable Reading / Spot Trading / Withdrawals) are set in Binance's API Management page; the
warnings below say what to check there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.exchange.clock import ServerClock
from tui.exchange.endpoints import Endpoints
from tui.exchange.signing import Signer
from tui.exchange.spot.ws_api import WsApiClient


def _short(api_key: str) -> str:
    return f"{api_key[:6]}…" if len(api_key) > 8 else "…"


@dataclass(frozen=True)
class KeyReport:
    """What `account.status` said about the account behind a key, and what to worry about."""

    api_key: str  # shortened: enough to recognise, not to reuse
    key_type: str
    account_type: str
    can_trade: bool
    can_withdraw: bool
    can_deposit: bool
    permissions: tuple[str, ...]
    warnings: tuple[str, ...]

    def lines(self) -> list[str]:
        """The report as text for the terminal."""
        yes = {True: "yes", False: "no"}
        out = [
            f"Key {self.api_key} ({self.key_type}) works: account type {self.account_type or '?'}",
            f"  can trade: {yes[self.can_trade]}   can withdraw: {yes[self.can_withdraw]}   "
            f"can deposit: {yes[self.can_deposit]}",
            f"  permissions: {', '.join(self.permissions) or '(none listed)'}",
        ]
        out.extend(f"  WARNING: {w}" for w in self.warnings)
        return out


def report_from_account(signer: Signer, account: Any, *, read_only: bool = False) -> KeyReport:
    """A KeyReport from an `account.status` result."""
    data = account if isinstance(account, dict) else {}
    can_trade = bool(data.get("canTrade", False))
    can_withdraw = bool(data.get("canWithdraw", False))
    perms = data.get("permissions")
    warnings: list[str] = []
    if can_withdraw:
        warnings.append(
            "the account can withdraw. A trading console never needs that: make sure this API key has "
            "'Enable Withdrawals' turned off in Binance's API Management."
        )
    if read_only and can_trade:
        warnings.append(
            "this profile is read-only but the account can trade: the console refuses orders, yet the key "
            "could trade elsewhere. For read-only use, create a key with only 'Enable Reading'."
        )
    if not read_only and not can_trade:
        warnings.append("the account cannot trade: orders will be rejected (check the key's trading permission).")
    return KeyReport(
        api_key=_short(signer.api_key),
        key_type=signer.key_type,
        account_type=str(data.get("accountType", "")),
        can_trade=can_trade,
        can_withdraw=can_withdraw,
        can_deposit=bool(data.get("canDeposit", False)),
        permissions=tuple(str(p) for p in perms) if isinstance(perms, list) else (),
        warnings=tuple(warnings),
    )


async def verify_key(
    endpoints: Endpoints, signer: Signer, *, read_only: bool = False, timeout: float = 10.0
) -> KeyReport:
    """Send a signed `account.status` with `signer` to `endpoints.ws_api` and report what it says.

    Raises the exchange layer's errors (ExchangeError: -2014/-2015 for an unknown or unregistered
    key, -1022 for a bad signature; NotConnected when the venue cannot be reached).
    """
    client = WsApiClient(endpoints.ws_api, signer=signer, clock=ServerClock(), timeout=timeout)
    await client.connect()
    try:
        account = await client.request("account.status", {"omitZeroBalances": True}, signed=True)
    finally:
        await client.close()
    return report_from_account(signer, account, read_only=read_only)
