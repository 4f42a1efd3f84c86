"""The server-log check the browser and API tests end with: a user message (gr.Error) and
Gradio's own stream-session race pass, every other traceback is reported as a bug."""

from __future__ import annotations

import traceback

import gradio as gr
import pytest
from fastapi import HTTPException

from scripts.ui_app import unexpected_tracebacks


def logged(error: BaseException, header: str = "ERROR:    Exception in ASGI application") -> str:
    return header + "\n" + "".join(traceback.format_exception(error))


def raised(function) -> BaseException:
    try:
        function()
    except BaseException as error:  # noqa: BLE001 - the point is to capture it
        return error
    raise AssertionError("nothing raised")


def ask_json() -> None:
    raise gr.Error("style moet kort of uitgebreid zijn.", title="Fout")


def sse_stream() -> None:  # named like Gradio's event stream
    raise HTTPException(status_code=404)


def collapsing_task_group() -> None:  # how Starlette re-raises the stream's error, chained
    try:
        sse_stream()
    except HTTPException as error:
        raise error from ExceptionGroup("unhandled errors in a TaskGroup", [ValueError("x")])


def other_route() -> None:
    raise HTTPException(status_code=404)


def buggy_handler() -> None:
    {}["missing"]


def message_then_crash() -> None:
    try:
        ask_json()
    except gr.Error:
        raise TypeError("unsupported operand") from None


def message_while_crashing() -> None:
    try:
        buggy_handler()
    except KeyError:
        ask_json()


@pytest.mark.parametrize(
    ("function", "is_bug"),
    [
        (ask_json, False),
        (sse_stream, False),
        (collapsing_task_group, False),
        (other_route, True),
        (buggy_handler, True),
        (message_then_crash, True),
        (message_while_crashing, False),  # the user sees the message; the KeyError is its context
    ],
)
def test_each_logged_traceback_is_judged_by_the_exception_it_ends_in(function, is_bug: bool) -> None:
    log = "INFO:     Started server process\n" + logged(raised(function)) + "INFO:     Shutting down\n"
    assert bool(unexpected_tracebacks(log)) is is_bug


def test_a_bug_among_user_messages_is_reported_once_with_its_text() -> None:
    log = "".join(logged(raised(f)) for f in (ask_json, collapsing_task_group, buggy_handler, ask_json))
    bugs = unexpected_tracebacks(log)
    assert len(bugs) == 1
    assert "KeyError: 'missing'" in bugs[0] and "buggy_handler" in bugs[0]


def test_a_clean_log_has_no_bugs() -> None:
    assert unexpected_tracebacks("INFO:     Uvicorn running on http://127.0.0.1:7860\n") == []
