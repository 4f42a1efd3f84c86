"""Logins in the audit log, with the address they came from.

The guard (guard.py) checks each login with the client address its middleware saw; it calls the
hook made here with the outcome, so every login and failed login (also one refused while the name
or address is blocked) becomes an audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.state.audit import AuditEvent, AuditLog

log = logging.getLogger("fusiewijzer.ui")

LoginHook = Callable[[str, bool, str], None]  # (username, succeeded, address)


def recorder(audit: AuditLog) -> LoginHook:
    """A hook for `Guard(on_login=...)` that records each login attempt."""

    def record(username: str, ok: bool, address: str) -> None:
        try:
            audit.record(AuditEvent.LOGIN_OK if ok else AuditEvent.LOGIN_FAILED, username, "", address)
        except Exception:  # a full disk must not lock everyone out; the log says why
            log.exception("recording a login in the audit log failed")

    return record
