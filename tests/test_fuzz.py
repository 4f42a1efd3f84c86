"""Bad input, generated systematically, through the three ways in: `assistant ask "..."` (one
process per argument), `assistant ask --json -` (one line each, a good line after every bad one)
and the app's /ask API (gradio_client and raw HTTP). Nothing may end in a traceback; every bad
input gets a Dutch error or, where it still holds a readable question, an answer; every good
question after a bad one is answered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from assistant.config import Settings
from scripts.ui_app import running_app
from tests.test_cli import run_json_stream

pytestmark = pytest.mark.slow

GOOD = "Wat is een Gideonsbende?"
CONTROL = [chr(c) for c in [*range(0x00, 0x20), 0x7F]]
ODD_TEXT = [
    "\ufeffWat is een bestuurspunt?",  # byte-order mark
    "\u202eWat is een bestuurspunt?",  # right-to-left override
    "Wat\u200b is\u200b een\u200b bestuurspunt?",  # zero-width spaces
    "e\u0301" * 500,  # combining marks
    "🦆" * 300,
    "合并 слияние fusión Zusammenschluss",
    "\ud800 bestuurspunt",  # a lone surrogate
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "[klik](javascript:alert(1)) ![x](data:text/html,x)",
    "' OR 1=1; DROP TABLE users; --",
    "{{7*7}} ${7*7} %s %n",
    "../../../../etc/passwd",
    "\\" * 1000,
    "?" * 2000,
    "",
    "   ",
    "\n\n",
]
SIZES = [10_000, 100_000, 999_000]


def bad_questions() -> list[object]:
    """Wrong types, odd text, control characters, sizes and nesting for the `question` field."""
    values: list[object] = [None, 0, 123, -1.5, True, [], ["a"], {}, {"question": GOOD}, [[GOOD, ""]]]
    values += ODD_TEXT
    values += [f"Wat is{c}een bestuurspunt?" for c in CONTROL]
    values += ["bestuurspunt " * (n // 13) for n in SIZES]
    nested: object = GOOD
    for depth in (5, 50, 500):
        for _ in range(depth):
            nested = [nested]
        values.append(nested)
    return values


def bad_histories() -> list[object]:
    return [
        "abc",
        123,
        {"a": "b"},
        [None],
        [["a"]],
        [["a", "b", "c"]],
        [[1, 2]],
        [["\ud800", "x"]],
        [[GOOD, None]],
        [[GOOD, "x"]] * 5000,  # long: only the last turns count
        [["bestuurspunt " * 50_000, "antwoord " * 50_000]],
        [[[[["diep"]]], "x"]],
    ]


def raw_lines() -> list[bytes]:
    """Lines that are not (valid) JSON or not UTF-8: encodings and broken structure."""
    return [
        b"{not json",
        b"{",
        b"}",
        b'{"question": "open',
        b"caf\xe9 bestuurspunt",
        b"\xff\xfe\x00W\x00a\x00t",
        b"\xc3\x28",
        b"\xed\xa0\x80",  # a surrogate encoded as UTF-8
        b"\xf4\x90\x80\x80",  # beyond U+10FFFF
        b"\x00\x00\x00",
        b"[1, 2, 3]",
        b'"just a string"',
        b"null",
        b"{" + b'"a":{' * 10_000 + b"}" * 10_001,
        b"[" * 200_000 + b"]" * 200_000,
        b'{"question": "' + b"x" * 1_100_000 + b'"}',
        b'{"question": "Wat is een bestuurspunt?", "question": 5}',
        b'{"question": NaN}',
        b'{"question": 1e999}',
    ]


def json_lines() -> list[bytes]:
    lines = [json.dumps({"question": q}).encode() for q in bad_questions()]
    lines += [json.dumps({"question": "Wat is een bestuurspunt?", "history": h}).encode() for h in bad_histories()]
    # Raw control characters in a plain line and unescaped inside a JSON string (invalid JSON).
    lines += [f"Wat is{c}een bestuurspunt?".encode() for c in CONTROL]
    lines += [b'{"question": "Wat is' + c.encode() + b'een bestuurspunt?"}' for c in CONTROL[::4]]
    return [line for line in lines + raw_lines() if b"\n" not in line]


def test_ask_json_stream_survives_every_bad_line(handbook_settings: Settings) -> None:
    bad = json_lines()
    assert len(bad) >= 100
    payload = b"\n".join(line for item in bad for line in (item, GOOD.encode())) + b"\n"
    rows = run_json_stream(handbook_settings, payload)
    blank = sum(1 for item in bad if not item.strip())  # an empty line is skipped, not answered
    assert len(rows) == 2 * len(bad) - blank
    goods = [row for row in rows if row.get("question") == GOOD]
    assert len(goods) >= len(bad) and all(row.get("answered") for row in goods)
    assert all(("error" in row and row["error"]) or "answer" in row for row in rows)


def argv_questions() -> list[bytes]:
    """Arguments as a shell passes them: bytes, so invalid UTF-8 too (no NUL: argv cannot hold it)."""
    texts = [q for q in bad_questions() if isinstance(q, str) and "\x00" not in q and len(q) < 100_000]
    raw = [b"caf\xe9 bestuurspunt", b"\xff\xfe", b"\xed\xa0\x80 fusie", b"--", b"-x", b"--json"]
    return [t.encode("utf-8", "surrogatepass") for t in texts if t not in ("", "   ", "\n\n")][:40] + raw


def test_cli_arguments_never_end_in_a_traceback(handbook_settings: Settings) -> None:
    env = {**os.environ, **handbook_settings.paths_env()}
    for argument in argv_questions():
        result = subprocess.run(
            [sys.executable.encode(), b"-m", b"assistant.cli", b"ask", b"--json", b"--", argument],
            capture_output=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert b"Traceback" not in result.stderr, (argument[:60], result.stderr[-2000:])
        if result.returncode == 0:
            assert "answer" in json.loads(result.stdout), argument[:60]
        else:
            assert result.returncode == 2 and result.stderr.startswith(b"Error: "), (argument[:60], result.stderr)


@pytest.fixture(scope="module")
def app_url(handbook_settings: Settings) -> Iterator[str]:
    with running_app(handbook_settings.paths_env()) as url:  # stops with a check for server tracebacks
        yield url


def test_ask_api_answers_bad_input_in_dutch_and_goes_on(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    calls = [{"question": q} for q in bad_questions()]
    calls += [{"question": "Wat is een bestuurspunt?", "history": h} for h in bad_histories()]
    calls += [{"question": GOOD, "style": s} for s in ("lang", "", None, 3, ["kort"])]
    calls += [{"question": GOOD, "phase": p} for p in (-1, 99, "drie", None, 2.5)]
    calls += [{"question": GOOD, "letter": x} for x in ("Z", "GROEI", 5, "\x00")]
    calls += [{"question": GOOD, "doc_type": d} for d in ("video", 1, ["case"])]
    calls += [{"question": GOOD, "section": x} for x in ("Z" * 10_000, 5, "\x00", "../", "<script>", ["G"])]
    calls += [{"question": "En in fase 3?", "history": [[f"Welke{c}fasen zijn er?", ""]]} for c in CONTROL[::8]]
    assert len(calls) >= 100
    for call in calls:
        try:
            result = client.predict(api_name="/ask", **call)
        except Exception as error:  # noqa: BLE001 - gradio_client raises AppError for a gr.Error
            message = str(error)
            assert message and "Traceback" not in message, (str(call)[:80], message)
        else:
            assert "answer" in result, str(call)[:80]
        assert client.predict(question=GOOD, api_name="/ask")["answered"], str(call)[:80]


def test_ask_api_raw_http_bodies_get_a_client_error_or_a_dutch_one(app_url: str) -> None:
    """REST calls (/gradio_api/call/ask): a body Gradio cannot read gets 4xx; one it can is
    completed with the parameters' defaults and answered, or refused with a Dutch message."""
    url = app_url.rstrip("/") + "/gradio_api/call/ask"
    bodies: list[bytes] = [
        b"",
        b"{",
        b"null",
        b"[]",
        b'{"data": null}',
        b'{"data": "abc"}',
        b'{"data": {}}',
        b"\xff\xfe",
        b'{"data": [' + b"[" * 100_000 + b"]",
        b'{"dat": ["Wat?"]}',
        b'{"data": ["' + b"x" * 5_000_000 + b'"]}',
        b'{"data": []}',
        b'{"data": [1,2,3,4,5,6,7,8,9,10]}',
        b'{"data": [null]}',
        b'{"data": ["Wat?"], "extra": 1}',
        b'{"data": ["' + b"x" * 2_000_000 + b'"]}',
        b'{"data": ["Wat is een bestuurspunt?", "abc"]}',
    ]
    with httpx.Client(timeout=120) as client:
        for body in bodies:
            response = client.post(url, content=body, headers={"Content-Type": "application/json"})
            assert response.status_code < 500, (body[:60], response.status_code, response.text[:300])
            if response.status_code == 200:
                events = client.get(f"{url}/{response.json()['event_id']}").text
                assert "event: complete" in events or '"error": "' in events, (body[:60], events[:300])
        response = client.post(url, json={"data": [GOOD]})  # only the question: the rest are defaults
        events = client.get(f"{url}/{response.json()['event_id']}").text
        assert "event: complete" in events and '"answered": true' in events, events[:300]
