"""Failed-login back-off and session lifetimes for the browser app, without Gradio.

A login flood (50 wrong passwords, then the right one) used to succeed and, since every attempt
ran argon2, stalled the app for everyone. `LoginThrottle` counts failures per user name and per
client address: after a few free failures each further one blocks that key for a doubling time,
and while a key is blocked the password is not even checked (the right one is refused too).
`Sessions` remembers when each session token was first seen, so sessions expire after a fixed
time. Both take a clock (seconds, monotonic) so that tests need no sleeps.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Clock = Callable[[], float]
KeyKind = Literal["user", "address"]

# A person mistypes a few times; a script tries thousands. Five free failures per name, twenty per
# address (several people may share one address); then a wait of 30 s, 60 s, ... up to 15 minutes.
FREE_FAILURES: dict[KeyKind, int] = {"user": 5, "address": 20}
BASE_DELAY_S = 30.0
MAX_DELAY_S = 15 * 60.0
MAX_KEYS = 10_000  # a flood of made-up names must not grow memory without bound


@dataclass
class _Failures:
    count: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    def __init__(self, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self._keys: OrderedDict[tuple[KeyKind, str], _Failures] = OrderedDict()

    def blocked_for(self, username: str, address: str) -> float:
        """Seconds until this name and this address may try again (0: they may now)."""
        now = self.clock()
        return max(0.0, *(self._get(key).blocked_until - now for key in self._pair(username, address)))

    def address_blocked_for(self, address: str) -> float:
        return max(0.0, self._get(("address", address)).blocked_until - self.clock())

    def failed(self, username: str, address: str) -> float:
        """Count a wrong password; returns how long the pair is now blocked."""
        now = self.clock()
        for key in self._pair(username, address):
            entry = self._keys.pop(key, None) or _Failures()
            if now - entry.last > 2 * MAX_DELAY_S:  # a failure long ago no longer counts
                entry = _Failures()
            entry.count += 1
            entry.last = now
            over = entry.count - FREE_FAILURES[key[0]] + 1  # the last free failure starts the back-off
            if over > 0:
                entry.blocked_until = now + min(BASE_DELAY_S * 2 ** (over - 1), MAX_DELAY_S)
            self._keys[key] = entry
        while len(self._keys) > MAX_KEYS:
            self._keys.popitem(last=False)
        return self.blocked_for(username, address)

    def succeeded(self, username: str, address: str) -> None:
        self._keys.pop(("user", username), None)

    def _get(self, key: tuple[KeyKind, str]) -> _Failures:
        return self._keys.get(key) or _Failures()

    @staticmethod
    def _pair(username: str, address: str) -> tuple[tuple[KeyKind, str], tuple[KeyKind, str]]:
        return ("user", username.strip().lower()), ("address", address)


class Sessions:
    """When each session token was first seen; a token older than `hours` has expired."""

    def __init__(self, hours: float, clock: Clock = time.monotonic) -> None:
        self.lifetime_s = hours * 3600
        self.clock = clock
        self._first_seen: dict[str, float] = {}

    def expired(self, token: str) -> bool:
        now = self.clock()
        first = self._first_seen.setdefault(token, now)
        return now - first > self.lifetime_s

    def forget(self, token: str) -> None:
        self._first_seen.pop(token, None)
