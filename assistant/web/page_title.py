"""The page's <title> in the HTML itself: Gradio's template has none and sets it from the app's
config in the browser, but its login page gets no config and so stayed untitled (WCAG 2.4.2;
axe-core's document-title, tests/test_accessibility.py). An ASGI middleware puts one in the head
of the page Gradio serves at / (the app, or its login form); on the app's page Gradio then sets
the same title again.
"""

from __future__ import annotations

import html
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware import Middleware

HEAD = b"<head>"


class TitleMiddleware:
    """Pure ASGI; only the page itself (GET /, text/html, ~100 kB) is buffered: files Gradio serves
    from other paths (an uploaded .html document, say) pass through as they are."""

    def __init__(self, app: Any, title: str) -> None:
        self.app = app
        self.tag = f"<title>{html.escape(title)}</title>".encode()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path", "/") not in ("/", ""):
            await self.app(scope, receive, send)
            return
        start: dict | None = None
        chunks: list[bytes] = []

        async def titled_send(message: dict) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                if Headers(raw=message["headers"]).get("content-type", "").startswith("text/html"):
                    start = message  # held back until the whole body is here
                    return
            elif message["type"] == "http.response.body" and start is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(chunks)
                if b"<title>" not in body.split(b"</head>", 1)[0]:
                    body = body.replace(HEAD, HEAD + self.tag, 1)
                headers = MutableHeaders(raw=list(start["headers"]))
                headers["content-length"] = str(len(body))
                await send({**start, "headers": headers.raw})
                await send({"type": "http.response.body", "body": body})
                return
            await send(message)

        await self.app(scope, receive, titled_send)


def title_middleware(title: str) -> Middleware:
    return Middleware(TitleMiddleware, title=title)
