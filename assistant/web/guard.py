"""What stands in front of Gradio's routes: an ASGI middleware plus the login check.

- Without login (the loopback app, one user with admin rights) only loopback Host headers are
  served: a DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its own host name and
  gets 403, so it cannot use the admin functions through the visitor's browser.
- With login: `Guard.auth` is Gradio's `auth=`. It refuses blocked names and addresses without
  checking the password (admin/logins.py), runs argon2 in a worker thread so the event loop keeps
  serving everyone else, and logs each failure (logger "fusiewijzer.auth"). The middleware
  refuses POST /login from a blocked address with 429, ends the session of a user who was removed
  or whose session is older than ASSISTANT_SESSION_HOURS (it drops Gradio's token, so Gradio sees
  nobody logged in), and refuses Gradio's upload route to anyone but an admin.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse, PlainTextResponse

from assistant.admin.logins import Clock, LoginThrottle, Sessions
from assistant.admin.users import UserStore, is_loopback
from assistant.config import Settings

log = logging.getLogger("fusiewijzer.auth")
CLIENT_ADDRESS: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")
FORBIDDEN_HOST = "Deze app is alleen bereikbaar via 127.0.0.1 of localhost."
UPLOAD_REFUSED = "Alleen beheerders mogen bestanden uploaden."
UPLOAD_ROUTES = ("/upload", "/process_recording")  # Gradio's routes that write a client's file to disk


def host_name(host_header: str) -> str:
    """The host part of a Host header: "127.0.0.1:7860" -> "127.0.0.1", "[::1]:7860" -> "::1"."""
    host = host_header.strip()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    def __init__(self, settings: Settings, login: bool, clock: Clock | None = None) -> None:
        self.login = login
        self.users = UserStore(settings.users_file)
        self.throttle = LoginThrottle(clock) if clock else LoginThrottle()
        self.sessions = Sessions(settings.session_hours, clock) if clock else Sessions(settings.session_hours)

    async def auth(self, username: str, password: str) -> bool:
        """Gradio's `auth=` (a coroutine, so Gradio awaits it instead of blocking its loop)."""
        address = CLIENT_ADDRESS.get()
        wait = self.throttle.blocked_for(username, address)
        if wait > 0:
            log.warning("login refused for %r from %s: blocked for %.0f s more", username, address, wait)
            return False
        ok = await asyncio.to_thread(self.users.check, username, password)
        if ok:
            self.throttle.succeeded(username, address)
            log.info("login of %r from %s", username, address)
        else:
            blocked = self.throttle.failed(username, address)
            log.warning("failed login for %r from %s; blocked for %.0f s", username, address, blocked)
        return ok

    def session_user(self, token: str, tokens: dict[str, str]) -> str | None:
        """The user of a session token, after ending the session if it expired or its user is gone."""
        username = tokens.get(token)
        if username is None:
            return None
        if self.sessions.expired(token) or self.users.get(username) is None:
            tokens.pop(token, None)
            self.sessions.forget(token)
            log.info("session of %r ended (expired or user removed)", username)
            return None
        return username

    def middleware(self) -> Middleware:
        return Middleware(GuardMiddleware, guard=self)


class GuardMiddleware:
    """Pure ASGI (not BaseHTTPMiddleware): the client address set here reaches `Guard.auth`
    through a context variable, and streamed responses pass through untouched."""

    def __init__(self, app: Any, guard: Guard) -> None:
        self.app, self.guard = app, guard

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope)
        if refusal is not None:
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await refusal(scope, receive, send)
            return
        address = scope["client"][0] if scope.get("client") else ""
        reset = CLIENT_ADDRESS.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(reset)

    def _refusal(self, scope: dict) -> Any:
        guard = self.guard
        if not guard.login:
            return None if is_loopback(host_name(Headers(scope=scope).get("host", ""))) else _forbidden_host()
        path = scope.get("path", "").rstrip("/")
        if path == "/login" and scope.get("method") == "POST":
            address = scope["client"][0] if scope.get("client") else ""
            wait = guard.throttle.address_blocked_for(address)
            if wait > 0:
                log.warning("login from %s refused: blocked for %.0f s more", address, wait)
                detail = f"Te veel mislukte inlogpogingen. Probeer het over {int(wait) + 1} seconden opnieuw."
                return JSONResponse({"detail": detail}, status_code=429, headers={"Retry-After": str(int(wait) + 1)})
        app = scope.get("app")
        tokens: dict[str, str] = getattr(app, "tokens", {})
        cookie_id = getattr(app, "cookie_id", "")
        cookies = HTTPConnection(scope).cookies
        user = None
        for name in (f"access-token-{cookie_id}", f"access-token-unsecure-{cookie_id}"):
            if name in cookies:
                user = guard.session_user(cookies[name], tokens) or user
        if path.endswith(UPLOAD_ROUTES) and guard.users.role(user) != "admin":
            return PlainTextResponse(UPLOAD_REFUSED, status_code=403)
        return None


def _forbidden_host() -> PlainTextResponse:
    return PlainTextResponse(FORBIDDEN_HOST, status_code=403)
