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
- The REST routes of the API (/gradio_api/call/ask, ...) get their `data` list completed with the
  parameters' defaults: Gradio itself needs every value and otherwise answers a call with only a
  question by an empty error and a server traceback. A body over MAX_API_BODY gets 413.
"""

from __future__ import annotations

import asyncio
import contextvars
import json
import logging
from collections.abc import Callable, Sequence
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
API_ROUTES = ("/gradio_api/call/v2/", "/gradio_api/call/", "/gradio_api/run/", "/gradio_api/api/")
MAX_API_BODY = 4 * 1024 * 1024  # a question is cut to 1000 characters and history to 10 turns anyway
TOO_LARGE = "Het verzoek is te groot."


def host_name(host_header: str) -> str:
    """The host part of a Host header: "127.0.0.1:7860" -> "127.0.0.1", "[::1]:7860" -> "::1"."""
    host = host_header.strip()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class Guard:
    def __init__(
        self,
        settings: Settings,
        login: bool,
        clock: Clock | None = None,
        api_defaults: dict[str, Sequence[Any]] | None = None,
        on_login: Callable[[str, bool, str], None] | None = None,
    ) -> None:
        self.login = login
        self.on_login = on_login  # (username, succeeded, address): the audit log's hook
        self.api_defaults = dict(api_defaults or {})  # api name -> every parameter's default, in order
        self.users = UserStore(settings.users_file)
        self.throttle = LoginThrottle(clock) if clock else LoginThrottle()
        self.sessions = Sessions(settings.session_hours, clock) if clock else Sessions(settings.session_hours)

    async def auth(self, username: str, password: str) -> bool:
        """Gradio's `auth=` (a coroutine, so Gradio awaits it instead of blocking its loop)."""
        address = CLIENT_ADDRESS.get()
        wait = self.throttle.blocked_for(username, address)
        if wait > 0:
            log.warning("login refused for %r from %s: blocked for %.0f s more", username, address, wait)
            self._report(username, False, address)
            return False
        ok = await asyncio.to_thread(self.users.check, username, password)
        self._report(username, ok, address)
        if ok:
            self.throttle.succeeded(username, address)
            log.info("login of %r from %s", username, address)
        else:
            blocked = self.throttle.failed(username, address)
            log.warning("failed login for %r from %s; blocked for %.0f s", username, address, blocked)
        return ok

    def _report(self, username: str, ok: bool, address: str) -> None:
        if self.on_login is not None:
            self.on_login(username, ok, address)

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
        defaults = self._api_defaults(scope)
        if defaults is not None:
            body = await _read_body(receive, MAX_API_BODY)
            if body is None:
                await PlainTextResponse(TOO_LARGE, status_code=413)(scope, receive, send)
                return
            body = _complete_data(body, defaults)
            scope = {**scope, "headers": _with_length(scope["headers"], len(body))}
            receive = _replay(body, receive)
        address = scope["client"][0] if scope.get("client") else ""
        reset = CLIENT_ADDRESS.set(address)
        try:
            await self.app(scope, receive, send)
        finally:
            CLIENT_ADDRESS.reset(reset)

    def _api_defaults(self, scope: dict) -> Sequence[Any] | None:
        if scope["type"] != "http" or scope.get("method") != "POST":
            return None
        path = scope.get("path", "").rstrip("/")
        prefix = next((p for p in API_ROUTES if path.startswith(p)), None)
        return None if prefix is None else self.guard.api_defaults.get(path[len(prefix) :])

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


async def _read_body(receive: Any, limit: int) -> bytes | None:
    """The request body, or None once it passes `limit` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _complete_data(body: bytes, defaults: Sequence[Any]) -> bytes:
    """`{"data": [question]}` -> `{"data": [question, <the other defaults>]}`; any other body
    goes on unchanged for Gradio to refuse (422)."""
    try:
        request = json.loads(body)
    except (ValueError, RecursionError):
        return body
    if not isinstance(request, dict) or not isinstance(request.get("data"), list):
        return body
    data = request["data"]
    if len(data) >= len(defaults):
        return body
    return json.dumps({**request, "data": [*data, *defaults[len(data) :]]}).encode()


def _with_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"transfer-encoding")]
    return [*kept, (b"content-length", str(length).encode())]


def _replay(body: bytes, original: Any) -> Any:
    """The (completed) body once, then the client's own messages (its disconnect)."""
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def _forbidden_host() -> PlainTextResponse:
    return PlainTextResponse(FORBIDDEN_HOST, status_code=403)
