"""A scripted OpenAI-compatible chat server for tests (stdlib only).

Tests start it on 127.0.0.1 on a free port and choose what it answers next:

    with ScriptedLLM() as server:
        server.reply("Een Gideonsbende is ... [1].")          # plain JSON, or SSE when the client streams
        server.reply("...", chunk_chars=4, delay_s=0.05)      # streamed in small pieces
        server.slow(5.0)                                      # sleeps before answering
        server.error(500)                                     # HTTP 500
        server.garbage()                                      # 200 with a body that is not JSON
        server.hold("...")                                    # waits until server.release()

Replies are consumed in order; the last one repeats. `server.requests` holds the JSON bodies received,
so tests can inspect the prompt the client sent.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Script:
    text: str = ""
    status: int = 200
    delay_s: float = 0.0  # before the first byte
    chunk_chars: int = 12  # streamed piece size
    chunk_delay_s: float = 0.0
    garbage: bool = False
    held: bool = False  # wait for release() before answering


class ScriptedLLM:
    def __init__(self) -> None:
        self.scripts: list[Script] = [Script("Geen antwoord ingesteld.")]
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.arrived = threading.Event()  # a held request has come in
        self.gate = threading.Event()
        handler = _handler_for(self)
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="scripted-llm", daemon=True)

    def __enter__(self) -> ScriptedLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.gate.set()  # no held request outlives the server
        self.httpd.shutdown()
        self.httpd.server_close()

    # What to answer next.
    def reply(self, text: str, **options: Any) -> ScriptedLLM:
        return self._set(Script(text, **options))

    def replies(self, *texts: str) -> ScriptedLLM:
        with self._lock:
            self.scripts = [Script(t) for t in texts]
            self.requests.clear()
        return self

    def slow(self, seconds: float, text: str = "Te laat [1].") -> ScriptedLLM:
        return self._set(Script(text, delay_s=seconds))

    def hold(self, text: str) -> ScriptedLLM:
        """Answer `text`, but only once release() is called: a model as slow as a test needs."""
        self.arrived.clear()
        self.gate.clear()
        return self._set(Script(text, held=True))

    def release(self) -> None:
        self.gate.set()

    def error(self, status: int = 500) -> ScriptedLLM:
        return self._set(Script("", status=status))

    def garbage(self) -> ScriptedLLM:
        return self._set(Script("", garbage=True))

    def _set(self, script: Script) -> ScriptedLLM:
        with self._lock:
            self.scripts = [script]
            self.requests.clear()
        return self

    def next_script(self, body: dict[str, Any]) -> Script:
        with self._lock:
            self.requests.append(body)
            return self.scripts.pop(0) if len(self.scripts) > 1 else self.scripts[0]

    @property
    def last_prompt(self) -> str:
        """System and user text of the last request, joined."""
        messages = self.requests[-1]["messages"]
        return "\n".join(m["content"] if isinstance(m["content"], str) else json.dumps(m["content"]) for m in messages)


def _handler_for(server: ScriptedLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet in test output
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            script = server.next_script(body)
            if script.held:
                server.arrived.set()
                server.gate.wait()
            time.sleep(script.delay_s)
            try:
                if script.status != 200:
                    self._json(script.status, {"error": {"message": "scripted failure", "type": "server_error"}})
                elif script.garbage:
                    self._raw(200, b"<html>dit is geen JSON", "text/html")
                elif body.get("stream"):
                    self._stream(body, script)
                else:
                    self._json(200, _completion(body, script.text))
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                pass

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            self._raw(status, json.dumps(payload).encode(), "application/json")

        def _raw(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, body: dict[str, Any], script: Script) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            pieces = [script.text[i : i + script.chunk_chars] for i in range(0, len(script.text), script.chunk_chars)]
            model = body.get("model", "test-model")
            self._event(_chunk(model, {"role": "assistant", "content": ""}))
            for piece in pieces:
                self._event(_chunk(model, {"content": piece}))
                time.sleep(script.chunk_delay_s)
            self._event(_chunk(model, {}, finish="stop"))
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, payload: dict[str, Any]) -> None:
            self.wfile.write(b"data: " + json.dumps(payload).encode() + b"\n\n")
            self.wfile.flush()

    return Handler


def _completion(body: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "test-model"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
