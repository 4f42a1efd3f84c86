"""Logins in the audit log, with the address they came from.

Gradio calls `auth(username, password)` without the request, so a small ASGI middleware keeps the
client address of each /login request in a context variable that the wrapped check reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from starlette.middleware import Middleware

from assistant.state.audit import AuditEvent, AuditLog

log = logging.getLogger("fusiewijzer.ui")
_address: ContextVar[str] = ContextVar("login_address", default="")


class LoginAddress:
    """Pure ASGI middleware: the client address of a /login request, for `audited()`."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope.get("type") != "http" or not scope.get("path", "").rstrip("/").endswith("/login"):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        token = _address.set(client[0] if client else "")
        try:
            await self.app(scope, receive, send)
        finally:
            _address.reset(token)


def app_kwargs() -> dict[str, Any]:
    """For `demo.launch(app_kwargs=...)`."""
    return {"middleware": [Middleware(LoginAddress)]}


def audited(check: Callable[[str, str], bool], audit: AuditLog) -> Callable[[str, str], bool]:
    """`check` (Gradio's auth=) that also records each login and failed login."""

    def auth(username: str, password: str) -> bool:
        ok = check(username, password)
        try:
            audit.record(AuditEvent.LOGIN_OK if ok else AuditEvent.LOGIN_FAILED, username, "", _address.get())
        except Exception:  # a full disk must not lock everyone out; the log says why
            log.exception("recording a login in the audit log failed")
        return ok

    return auth
