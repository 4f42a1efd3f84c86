"""The chat with a language model configured: its verified text streams into the page, and a
model that fails leaves the extractive answer with a Dutch notice. The model is the scripted
OpenAI-compatible server from tests/llm_server.py; the client is the real langchain one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.config import Settings
from scripts.ui_app import running_app
from tests.llm_server import ScriptedLLM

pytestmark = [pytest.mark.browser, pytest.mark.slow]
playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

GOOD = (
    "Een Gideonsbende is een paar enthousiaste voortrekkers die voorkomen dat tussentijds de stekker "
    "uit het proces wordt getrokken [1]."
)


@pytest.fixture(scope="module")
def llm() -> Iterator[ScriptedLLM]:
    with ScriptedLLM() as server:
        yield server


@pytest.fixture(scope="module")
def llm_app(handbook_settings: Settings, llm: ScriptedLLM) -> Iterator[str]:
    env = {
        **handbook_settings.paths_env(),
        "ASSISTANT_LLM": "openai:test-model",
        "ASSISTANT_LLM_BASE_URL": llm.base_url,
        "ASSISTANT_LLM_TIMEOUT": "4",
    }
    with running_app(env) as url:
        yield url


@pytest.fixture
def page(browser, llm_app: str) -> Iterator:
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(llm_app, wait_until="load")
    expect(page.locator("#vraag textarea")).to_be_visible()
    yield page
    context.close()


def _ask(page, question: str):
    answers = page.locator("#gesprek .antwoord")
    before = answers.count()
    page.locator("#vraag textarea").fill(question)
    page.locator("#vraag textarea").press("Enter")
    answer = answers.nth(before)
    expect(answer.locator(".bezig")).to_have_count(0, timeout=60_000)
    expect(answer.locator(".bronnen, .geen-antwoord, .fout").first).to_be_visible()
    return answer


def test_model_answer_streams_in_with_verified_citation(page, llm: ScriptedLLM) -> None:
    llm.reply(GOOD, chunk_chars=8, chunk_delay_s=0.05)
    answer = _ask(page, "Wat is een Gideonsbende?")
    expect(answer).to_contain_text("enthousiaste voortrekkers")
    expect(answer.locator("a.bronlink").first).to_have_text("[1]")
    expect(answer.locator(".bron").first).to_contain_text("Gideonsbende")


def test_failing_model_leaves_the_extractive_answer_with_a_notice(page, llm: ScriptedLLM) -> None:
    llm.error(500)
    answer = _ask(page, "Wat is een bestuurspunt?")
    expect(answer.locator(".bron").first).to_be_visible()
    expect(answer).to_contain_text("bestuurspunt")
    expect(answer).to_contain_text("taalmodel")
