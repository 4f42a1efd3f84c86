"""Starting the app: `python ui.py [--host H] [--port N] [--login]`.

Builds the index when there is none, loads the models before the first user, and launches the page
(app.py) with the bounds on memory and disk and the guard (guard.py) in front of every route.
"""

from __future__ import annotations

import argparse
import logging
import os
from typing import Any

from assistant import offline
from assistant.admin.users import UserStore, login_required
from assistant.answers.pipeline import Assistant
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.index.ingest import build_index
from assistant.index.store import IndexStore
from assistant.state.audit import AuditLog
from assistant.state.db import Database
from assistant.web import login_audit
from assistant.web.access import ACCESS_CSS, FOCUS_HEAD, PRINT_CSS, PRINT_HEAD, with_access_js
from assistant.web.app import build_app
from assistant.web.assets import CSS, HEAD, JS, LOGIN_MESSAGE
from assistant.web.guard import Guard
from assistant.web.page_title import title_middleware

offline.apply()  # already done by `import assistant`; gradio reads these variables on import
import gradio as gr  # noqa: E402

# Bounds on memory and disk, from the probe (issue 11): Gradio keeps ~150 kB of state per session
# and by default 10,000 sessions (2.6 GB RSS seen). 300 sessions (~45 MB) still holds the open tabs
# of a municipality's advisers; beyond it the oldest idle tab loses its conversation, not the app.
STATE_SESSION_CAPACITY = 300
# Answers take 30-500 ms, one at a time per kind: 64 waiting requests is at most ~30 s of work.
# Beyond that a client gets "queue full" at once instead of the queue growing without bound.
QUEUE_MAX_SIZE = 64
# Gradio's queue recomputes a pandas summary of its last 10,000 events after every event, for a
# monitoring page this app does not serve: 10% of the server's time under 30 users at once (py-spy,
# 2026-12-03), growing with the server's age. Once per 1,000 events keeps the summary and drops the cost.
QUEUE_ANALYTICS_ENV = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000"}
# /ask's parameters after `question`, with ask_json's defaults: the guard completes a REST call
# that sends fewer (Gradio needs them all).
PAGE_TITLE = "Fusiewijzer"  # also on the login page, which Gradio leaves untitled (page_title.py)
ASK_DEFAULTS: tuple[Any, ...] = ("", None, "uitgebreid", "", "", 0, "")


def theme() -> gr.themes.Base:
    """Gradio's default theme with WCAG AA contrast (axe-core, tests/test_accessibility.py): its
    orange primary buttons (2.8:1 with white), red stop buttons (3.8:1) and light grey secondary
    text (1.9:1) fall short of 4.5:1; blue 700, red 700 and zinc 600 reach it."""
    return gr.themes.Default(
        primary_hue="blue", font=[gr.themes.Font("system-ui"), "sans-serif"], font_mono=["monospace"]
    ).set(
        body_text_color_subdued="*neutral_600",
        body_text_color_subdued_dark="*neutral_300",
        button_primary_background_fill="*primary_700",
        button_primary_background_fill_hover="*primary_800",
        button_primary_background_fill_dark="*primary_700",
        button_primary_background_fill_hover_dark="*primary_800",
        button_cancel_background_fill=gr.themes.colors.red.c700,
        button_cancel_background_fill_hover=gr.themes.colors.red.c800,
    )


def launch_options() -> dict[str, Any]:
    return {
        "theme": theme(),
        "css": CSS + ACCESS_CSS + PRINT_CSS,
        "js": with_access_js(JS),
        "head": HEAD + FOCUS_HEAD + PRINT_HEAD,
        "footer_links": [],
    }


def guarded_launch_options(settings: Settings, login: bool, guard: Guard | None = None) -> dict[str, Any]:
    """Options for demo.launch that bound memory and disk and put the guard (guard.py) in front
    of every route; with login, the guard also checks passwords."""
    guard = guard or Guard(settings, login, api_defaults={"ask": ASK_DEFAULTS})
    auth = {"auth": guard.auth, "auth_message": LOGIN_MESSAGE} if login else {}
    max_bytes = int((2 * settings.max_upload_mb + 1) * 1024 * 1024)  # a guard; uploads.py gives the Dutch refusal
    return {
        "state_session_capacity": STATE_SESSION_CAPACITY,
        "max_file_size": max_bytes,
        "app_kwargs": {"middleware": [guard.middleware(), title_middleware(PAGE_TITLE)]},
        **auth,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fusiewijzer in de browser")
    parser.add_argument("--host", default=os.environ.get("ASSISTANT_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("ASSISTANT_PORT", "7860")))
    forced = os.environ.get("ASSISTANT_LOGIN", "") not in ("", "0")
    parser.add_argument("--login", action="store_true", default=forced, help="log in on loopback too")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    login = login_required(args.host, force=args.login)
    users = UserStore(settings.users_file)
    try:
        if login and not users.users():
            raise SystemExit(
                f"Fusiewijzer kan niet starten: op {args.host} is inloggen verplicht, maar {settings.users_file} "
                "bevat nog geen gebruikers. Maak er een met: assistant users add NAAM --role admin"
            )
        store = IndexStore.for_settings(settings)
        if store.manifest() is None:
            print(f"Nog geen index in {store.location}; die wordt nu gebouwd…", flush=True)
            build_index(settings)
        else:
            store.sweep()  # what killed ingests and dropped versions left behind
        engine = Assistant(settings)
        engine.ask("ambtelijke fusie")  # load the index and the models before the first user
        if engine.retriever.translate is not None:
            engine.retriever.translate.prepare()  # and the words' vectors for English questions
    except AssistantError as error:
        raise SystemExit(f"Fusiewijzer kan niet starten: {error}") from None
    demo = build_app(settings, engine, login)
    for key, value in QUEUE_ANALYTICS_ENV.items():
        os.environ.setdefault(key, value)  # read when the queue is made, just below
    demo.queue(default_concurrency_limit=1, max_size=QUEUE_MAX_SIZE)
    guard = Guard(
        settings, login, api_defaults={"ask": ASK_DEFAULTS}, on_login=login_audit.recorder(AuditLog(Database(settings)))
    )
    demo.launch(
        server_name=args.host,
        server_port=args.port,
        show_error=False,
        **guarded_launch_options(settings, login, guard),
        **launch_options(),
    )


if __name__ == "__main__":
    main()
