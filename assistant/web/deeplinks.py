"""Deep links: a URL that asks a question again (`?vraag=...&stijl=kort`) and one that opens a
passage in the Handboek tab with the quoted sentences marked (`?bron=<chunk id>&zin=2-3&sectie=...`).

Pure functions, no gradio: app.py reads the page's query parameters on load and hands them to
`parse_link`; the answer HTML builds its links with `question_href` and `passage_href`.
A passage is named by its chunk id, which is a content hash (types.Chunk.make_id: document, section
path and text), so a link survives `assistant ingest --force` over unchanged text and names nothing
once the text has changed. `sectie` (the section key) is carried along so that a link to a passage
that is gone can still say which section it pointed at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from assistant.text.sentences import sentence_spans
from assistant.types import ANSWER_STYLES, AnswerStyle

QUESTION, STYLE, SOURCE, SENTENCES, SECTION = "vraag", "stijl", "bron", "zin", "sectie"
DEFAULT_STYLE: AnswerStyle = "uitgebreid"
CHUNK_ID_RE = re.compile(r"[0-9a-f]{24}")  # types.Chunk.make_id: 24 hex digits of a sha256
SENTENCES_RE = re.compile(r"(\d{1,4})(?:-(\d{1,4}))?")
MAX_QUESTION_CHARS = 4000  # the pipeline truncates long questions with a notice; this stops absurd URLs
MAX_SECTION_CHARS = 1000


@dataclass(frozen=True)
class QuestionLink:
    """`?vraag=`: ask this question on page load. `problem`: a Dutch note about a part of the link
    that was ignored (an unknown style), shown beside the answer."""

    question: str
    style: AnswerStyle = DEFAULT_STYLE
    problem: str = ""


@dataclass(frozen=True)
class PassageLink:
    """`?bron=`: open this chunk in the Handboek tab; `sentences` is a 1-based inclusive range of
    the chunk's sentences to mark (None: the whole chunk); `section` the section key it was in."""

    chunk_id: str
    sentences: tuple[int, int] | None = None
    section: str | None = None


@dataclass(frozen=True)
class BadLink:
    """A link whose parameters cannot be used; `message` says why, in Dutch."""

    message: str


DeepLink = QuestionLink | PassageLink | BadLink


def question_href(question: str, style: str | None = None) -> str:
    """The relative link (`?vraag=...`) that asks `question` again, in `style` when given."""
    params = {QUESTION: question}
    if style in ANSWER_STYLES:
        params[STYLE] = style
    return "?" + urlencode(params)


def passage_href(chunk_id: str, sentences: tuple[int, int] | None = None, section: str | None = None) -> str:
    """The relative link (`?bron=...`) that opens a chunk in the Handboek tab."""
    params = {SOURCE: chunk_id}
    if sentences is not None:
        first, last = sentences
        params[SENTENCES] = str(first) if first == last else f"{first}-{last}"
    if section:
        params[SECTION] = section
    return "?" + urlencode(params)


def parse_query(query: str) -> DeepLink | None:
    """`parse_link` for a query string ("?bron=...&zin=1-2" or without the "?")."""
    return parse_link(parse_qsl(query.lstrip("?"), keep_blank_values=True))


def parse_link(params: Mapping[str, str] | Iterable[tuple[str, str]]) -> DeepLink | None:
    """The deep link in a page's query parameters; None when there is none (other parameters are
    left alone). A repeated parameter counts by its first value."""
    pairs = params.items() if isinstance(params, Mapping) else params
    values: dict[str, str] = {}
    for key, value in pairs:
        values.setdefault(str(key), str(value))
    has_question, has_source = QUESTION in values, SOURCE in values
    if has_question and has_source:
        return BadLink("Deze link is niet geldig: een link opent óf een vraag (vraag=) óf een passage (bron=).")
    if has_question:
        return _question(values)
    if has_source:
        return _passage(values)
    if STYLE in values or SENTENCES in values or SECTION in values:
        return BadLink("Deze link is onvolledig: er staat geen vraag (vraag=) of passage (bron=) in.")
    return None


def _question(values: dict[str, str]) -> DeepLink:
    question = " ".join(values[QUESTION].split())
    if not question:
        return BadLink("Deze link bevat geen vraag. Typ je vraag hieronder.")
    if len(question) > MAX_QUESTION_CHARS:
        return BadLink(f"De vraag in deze link is te lang (meer dan {MAX_QUESTION_CHARS} tekens).")
    style = values.get(STYLE, "").strip().lower()
    if not style:
        return QuestionLink(question)
    if style not in ANSWER_STYLES:
        problem = f"De antwoordstijl “{values[STYLE][:40]}” in de link bestaat niet; gekozen is “Uitgebreid”."
        return QuestionLink(question, DEFAULT_STYLE, problem)
    return QuestionLink(question, style)  # type: ignore[arg-type]  # checked against ANSWER_STYLES


def _passage(values: dict[str, str]) -> DeepLink:
    chunk_id = values[SOURCE].strip().lower()
    if not CHUNK_ID_RE.fullmatch(chunk_id):
        return BadLink("Deze link naar een passage is niet geldig: het kenmerk na bron= klopt niet.")
    sentences = None
    if SENTENCES in values:
        match = SENTENCES_RE.fullmatch(values[SENTENCES].strip())
        first = int(match.group(1)) if match else 0
        last = int(match.group(2) or first) if match else 0
        if not match or first < 1 or last < first:
            return BadLink(
                "Deze link naar een passage is niet geldig: zin= moet een zin of reeks zijn, zoals 2 of 2-4."
            )
        sentences = (first, last)
    section = values.get(SECTION, "").strip()[:MAX_SECTION_CHARS] or None
    return PassageLink(chunk_id, sentences, section)


def sentence_range(text: str, quote: str) -> tuple[int, int] | None:
    """The 1-based, inclusive range of `text`'s sentences that `quote` (a substring) covers."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return None
    end = start + len(quote)
    covered = [i for i, (s, e) in enumerate(sentence_spans(text), start=1) if s < end and e > start]
    return (covered[0], covered[-1]) if covered else None


def sentences_span(text: str, sentences: tuple[int, int]) -> tuple[int, int] | None:
    """The character span of sentences first..last of `text`; None when the range lies outside it."""
    spans = sentence_spans(text)
    first, last = sentences
    if not 1 <= first <= last <= len(spans):
        return None
    return spans[first - 1][0], spans[last - 1][1]


def section_label(key: str) -> str:
    """The readable part of a section key (`doc_id::label` -> label)."""
    return key.split("::", 1)[-1]
