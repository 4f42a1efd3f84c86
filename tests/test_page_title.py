"""The page title middleware: the page at / gets a <title> in its head (Gradio's login page has
none); a page that has one, and HTML files served from other paths, pass unchanged."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from assistant.web.page_title import title_middleware

LOGIN_PAGE = "<!doctype html><html><head><meta charset='utf-8'></head><body>login</body></html>"


def client(page: str) -> TestClient:
    routes = [Route("/", lambda request: HTMLResponse(page)), Route("/file/doc.html", lambda r: HTMLResponse(page))]
    return TestClient(Starlette(routes=routes, middleware=[title_middleware("Fusie & co")]))


def test_the_page_gets_a_title_and_a_right_length() -> None:
    response = client(LOGIN_PAGE).get("/")
    assert "<head><title>Fusie &amp; co</title><meta" in response.text
    assert int(response.headers["content-length"]) == len(response.content)


def test_a_page_with_a_title_and_other_paths_pass_unchanged() -> None:
    titled = LOGIN_PAGE.replace("<head>", "<head><title>Eigen</title>")
    assert client(titled).get("/").text == titled
    assert client(LOGIN_PAGE).get("/file/doc.html").text == LOGIN_PAGE
