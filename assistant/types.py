"""The small value types that flow through the pipeline."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Literal

# Typed values instead of bare strings. Literals, not Enums: they are written to Chroma metadata
# and JSON as they are, and a type checker still rejects a misspelt value.
AnswerStyle = Literal["kort", "uitgebreid"]
ANSWER_STYLES: tuple[AnswerStyle, ...] = ("kort", "uitgebreid")
AnswerMode = Literal["extractive", "llm"]
DocType = Literal["handbook", "case", "law", "study", "document"]
SectionKind = Literal["text", "box", "footnote", "references"]

SECTION_SEPARATOR = " > "

# Any "[" or "]" that is not part of a citation marker [n]: escaping them means no Markdown link,
# image or reference definition (whatever its scheme: javascript:, data:, ...) can form.
_NON_CITATION_BRACKET_RE = re.compile(r"\[(?!\d+\])|(?<!\[\d)(?<!\[\d\d)(?<!\[\d\d\d)\]")


def safe_markdown(markdown: str) -> str:
    """The answer's Markdown made safe for a client that renders it: a document's `<script>`,
    `<img onerror>` or `[x](javascript:...)` comes out as text. `&`, `<` and `>` become entities
    (no raw HTML, no autolinks), and brackets other than the [n] markers are backslash-escaped."""
    escaped = markdown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _NON_CITATION_BRACKET_RE.sub(lambda m: "\\" + m.group(0), escaped)


@dataclass(frozen=True)
class Section:
    """A contiguous piece of a cleaned document: body text under a heading, a side box or a
    footnote. `start`/`end` are character offsets into the cleaned document text."""

    path: tuple[str, ...]
    text: str
    start: int
    end: int
    kind: SectionKind = "text"
    letter: str | None = None  # GROEI letter of the chapter, if any
    phase: int | None = None
    theme: str | None = None
    level: int = 1

    @property
    def label(self) -> str:
        return SECTION_SEPARATOR.join(self.path)


@dataclass(frozen=True)
class Document:
    """A cleaned corpus document with its section tree and metadata."""

    doc_id: str  # path relative to the corpus root, e.g. "handreiking-ambtelijke-fusie-groei.txt"
    title: str
    text: str
    sections: tuple[Section, ...]
    metadata: dict[str, Any] = field(default_factory=dict)
    sha256: str = ""


@dataclass(frozen=True)
class Chunk:
    """The unit of retrieval. Never crosses a section boundary; `text == document.text[start:end]`."""

    id: str
    doc_id: str
    title: str
    section: tuple[str, ...]
    text: str
    start: int
    end: int
    kind: SectionKind = "text"
    letter: str | None = None
    phase: int | None = None
    theme: str | None = None
    doc_type: DocType = "document"
    page: int | None = None

    @property
    def section_label(self) -> str:
        return SECTION_SEPARATOR.join(self.section)

    @property
    def search_text(self) -> str:
        """What embedders and BM25 see: the heading path gives a chunk its topic."""
        return f"{self.section_label}\n{self.text}"

    @staticmethod
    def make_id(doc_id: str, section: tuple[str, ...], text: str) -> str:
        digest = hashlib.sha256("\x1f".join((doc_id, *section, text)).encode("utf-8"))
        return digest.hexdigest()[:24]


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk with the scores that ranked it."""

    chunk: Chunk
    score: float  # fused score (z-score mean or RRF, see search/fusion.py)
    dense: float | None = None  # cosine similarity of query and chunk, if the dense arm found it
    lexical: float | None = None  # BM25 score, if the lexical arm found it
    sentence: float | None = None  # best cosine of one of its sentences, if the ranker looked
    # The learned ranker's probability that this chunk answers the question (search/ranker.py),
    # when a ranker is fitted for the embedder: whether a passage may be cited on its own.
    relevance: float | None = None


@dataclass(frozen=True)
class Quote:
    """Sentence(s) chosen from a retrieved chunk, before they are numbered as a source."""

    hit: Hit
    text: str  # exact substring of hit.chunk.text
    score: float


@dataclass(frozen=True)
class Source:
    """A numbered source of an answer: `[n]` in the answer text points here."""

    n: int
    chunk: Chunk
    quote: str  # exact sentence(s) of chunk.text the answer uses
    score: float
    note: str | None = None  # "Let op: bijgewerkt" text when a later document updates this passage

    def to_json(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "doc": self.chunk.doc_id,
            "title": self.chunk.title,
            "section": self.chunk.section_label,
            "text": self.chunk.text,
            "quote": self.quote,
            "score": round(self.score, 4),
            "phase": self.chunk.phase,
            "letter": self.chunk.letter,
            "page": self.chunk.page,
            "note": self.note,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str  # Markdown with [n] markers
    answered: bool
    mode: AnswerMode
    sources: tuple[Source, ...] = ()
    nearest: tuple[str, ...] = ()  # section labels offered when abstaining
    notices: tuple[str, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    query: str = ""  # the standalone query actually searched

    @classmethod
    def extractive(
        cls, question: str, query: str, text: str, sources: list[Source], notices: list[str], timings: dict[str, float]
    ) -> Answer:
        """An answer of quotes from the corpus."""
        return cls(question, text, True, "extractive", tuple(sources), (), tuple(notices), timings, query)

    @classmethod
    def abstention(
        cls, question: str, query: str, text: str, nearest: list[str], notices: list[str], timings: dict[str, float]
    ) -> Answer:
        """The corpus does not support an answer; `nearest` names the sections closest to it."""
        return cls(question, text, False, "extractive", (), tuple(nearest), tuple(notices), timings, query)

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            # Markdown from corpus text: escaped for clients that render it. The sources' `text`
            # and `quote` stay the documents' exact plain text (a client shows them as text).
            "answer": safe_markdown(self.answer),
            "answered": self.answered,
            "mode": self.mode,
            "sources": [s.to_json() for s in self.sources],
            "nearest": list(self.nearest),
            "notices": list(self.notices),
            "query": self.query,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
