"""Practice beside advice: when a question asks how things went in practice and the answer quotes
the handbook, the case documents' passages on the same theme follow under "In de praktijk".

Which case sections treat a handbook section's theme is data, in the handbook's metadata:
    practice:
      - handbook_section: "De ambtelijke aansturing: keuzes rondom de topstructuur"
        case_sections: ["Bestuur en topstructuur"]
The case documents share one outline, so one link covers every organisation. For a handbook
section without a link, the case passages retrieval found for the question stand in.
"""

from __future__ import annotations

import re

from assistant.answers.relevance import lexical_coverage, rate_sentences
from assistant.corpus.links import PracticeLink
from assistant.index.store import IndexReader
from assistant.search.lexical import LexicalIndex
from assistant.search.retriever import Retrieval
from assistant.types import Chunk, Hit, Quote

# Words with which a question asks for practice rather than for the handbook's advice alone.
PRACTICE_RE = re.compile(
    r"\b(ervaring\w*|praktijk\w*|voorbeeld\w*|in het land|andere gemeenten|elders|"
    r"experience\w*|practi[cs]e\w*|examples?|elsewhere|other municipalities)\b",
    re.IGNORECASE,
)
MAX_ORGANISATIONS = 4
MARGIN = 0.03  # an organisation's best sentence may score this far below the best one
FALLBACK_CHUNKS = 6
GENERIC_SHARE = 0.15  # a word in more than this share of all passages says nothing of a topic


def asks_for_practice(question: str) -> bool:
    return bool(PRACTICE_RE.search(question))


class PracticeLinks:
    def __init__(self, links: list[PracticeLink]) -> None:
        self.links = links

    def case_sections_for(self, chunk: Chunk) -> set[str]:
        """Headings of the case sections on the theme of this handbook chunk's section (or of a
        section above it)."""
        if chunk.doc_type != "handbook":
            return set()
        return {
            heading
            for link in self.links
            if any(part.startswith(link.handbook_section) for part in chunk.section)
            for heading in link.case_sections
        }


def _generic(token: str, lexical: LexicalIndex) -> bool:
    return lexical.document_frequency.get(token, 0) > GENERIC_SHARE * max(1, len(lexical.chunks))


def practice_quotes(
    quoted: list[Chunk],
    retrieval: Retrieval,
    reader: IndexReader,
    lexical: LexicalIndex,
    links: PracticeLinks,
) -> list[Quote]:
    """Per organisation its sentence that best answers the question, from the case sections
    linked to the quoted handbook sections; the best few organisations, best first. Sentences
    are scored as the composer scores them: similarity plus the question's words covered."""
    headings = set().union(*(links.case_sections_for(c) for c in quoted)) if quoted else set()
    if headings:
        candidates = [c for c in reader.chunks if c.doc_type == "case" and c.section[-1] in headings]
    else:
        candidates = [h.chunk for h in retrieval.hits if h.chunk.doc_type == "case"][:FALLBACK_CHUNKS]
    if not candidates:
        return []
    by_id = {c.id: c for c in candidates}
    # What the question is about: its words without those that ask for practice and without the
    # corpus's everyday words ("ambtelijke", "fusie"). A passage must name some of it, or an
    # evaluation would pass for "ervaringen met centrale huisvesting".
    topic = [t for t in retrieval.query_tokens if not PRACTICE_RE.fullmatch(t) and not _generic(t, lexical)]
    best: dict[str, tuple[float, Chunk, str]] = {}
    for row, score, _ in rate_sentences(by_id, retrieval, reader, lexical):
        chunk = by_id[row.chunk_id]
        if topic and lexical_coverage(f"{chunk.section[-1]} {row.text}", topic, lexical) == 0:
            continue
        if chunk.doc_id not in best or score > best[chunk.doc_id][0]:
            best[chunk.doc_id] = (score, chunk, row.text)
    if not best:
        return []
    ranked = sorted(best.values(), key=lambda item: -item[0])
    top = ranked[0][0]
    return [
        Quote(Hit(chunk, score), text, score)
        for score, chunk, text in ranked[:MAX_ORGANISATIONS]
        if score >= top - MARGIN
    ]
