"""The extractive composer: pick the sentences of the top chunks that answer the question, quote
them exactly, number the sources, and abstain when the corpus does not support an answer.

Every `[n]` in an answer points at `sources[n-1]`, whose `quote` is a substring of its chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from assistant.answers.passages import ScoredSentence, expand, list_continuation
from assistant.index.store import IndexReader, SentenceRow
from assistant.search.retrieval import LexicalIndex, Retrieval
from assistant.text.tokens import STOPWORDS, is_english, tokenize
from assistant.types import Answer, Chunk, Hit, Source

CITATION_RE = re.compile(r"\[(\d+)\]")
CANDIDATE_CHUNKS = 4
LEXICAL_WEIGHT = 0.12
RANK_PENALTY = 0.025
STYLES = ("kort", "uitgebreid")
MAX_SOURCES = {"kort": 1, "uitgebreid": 3}
SECOND_SOURCE_MARGIN = 0.025
OTHER_KIND_WINDOW = 10  # look this deep in the fused ranking for the other kind of document
OTHER_KIND_CHUNKS = 2
OTHER_KIND_MARGIN = 0.06
MAX_LIST_CHUNKS = 12  # candidate chunks, list continuations included


def lexical_coverage(sentence: str, query_tokens: list[str], lexical: LexicalIndex) -> float:
    """The idf-weighted share of the question's words that occur in `sentence`. A word matches on
    its first letters too (all but the last three, at least five), which covers Dutch inflection
    ("kostenverdeelsleutels") without letting "bestuurspunt" match "bestuurlijk"."""
    words = set(tokenize(sentence))
    total = covered = 0.0
    for token in dict.fromkeys(query_tokens):
        weight = lexical.idf(token)
        total += weight
        stem = token[: max(5, len(token) - 3)]
        if token in words or (len(token) >= 5 and any(w.startswith(stem) for w in words)):
            covered += weight
    return covered / total if total else 0.0


def score_sentences(
    retrieval: Retrieval, reader: IndexReader, lexical: LexicalIndex, candidates: int = CANDIDATE_CHUNKS
) -> list[ScoredSentence]:
    usable = [h for h in retrieval.hits if h.chunk.kind != "footnote"]
    hits = usable[:candidates]
    # Keep the other kind of document in view: a question about experiences needs both the
    # handbook's advice and what happened in practice, and they rarely tie for the top ranks.
    kinds = {h.chunk.doc_type for h in hits}
    hits += [h for h in usable[candidates:OTHER_KIND_WINDOW] if h.chunk.doc_type not in kinds][:OTHER_KIND_CHUNKS]
    # Rank within the document's kind, so the other kind's best passage is not penalised for
    # standing behind the first kind's.
    rank_of: dict[str, int] = {}
    for hit in hits:
        rank_of[hit.chunk.id] = sum(1 for h in hits[: hits.index(hit)] if h.chunk.doc_type == hit.chunk.doc_type)
    continued_by: dict[str, tuple[str, ...]] = {}
    pending = list(hits)  # continuation chunks are followed too: a list can span several chunks
    while pending:
        hit = pending.pop(0)
        continuation = list_continuation(hit.chunk, reader)
        if continuation:
            continued_by[hit.chunk.id] = tuple(c.id for c in continuation)
            known = {h.chunk.id for h in hits}
            room = max(0, MAX_LIST_CHUNKS - len(hits))
            added = [Hit(c, hit.score) for c in continuation if c.id not in known][:room]
            hits += added
            pending += added
            for c in continuation:
                rank_of.setdefault(c.id, rank_of[hit.chunk.id])
    hit_of = {h.chunk.id: h for h in hits}
    scored = []
    for row, relevance, coverage in rate_sentences({i: h.chunk for i, h in hit_of.items()}, retrieval, reader, lexical):
        rank = rank_of[row.chunk_id]
        # The chunk's fused rank favours sentences from the passages retrieval trusts most.
        score = relevance - RANK_PENALTY * rank
        follows = continued_by.get(row.chunk_id, ())
        scored.append(ScoredSentence(row, hit_of[row.chunk_id], rank, score, follows, coverage))
    scored.sort(key=lambda s: -s.score)
    return scored


def rate_sentences(
    chunks: dict[str, Chunk], retrieval: Retrieval, reader: IndexReader, lexical: LexicalIndex
) -> list[tuple[SentenceRow, float, float]]:
    """Each sentence of `chunks` (by id) with its relevance to the question, the cosine similarity
    plus the weighted share of the question's words it covers, and that share."""
    rows = reader.sentence_vectors(list(chunks))
    if not rows:
        return []
    query = np.asarray(retrieval.query_vector, dtype=np.float32)
    similarities = np.asarray([v for _, v in rows], dtype=np.float32) @ query
    rated = []
    for (row, _), similarity in zip(rows, similarities, strict=True):
        # The heading counts as context: a bullet in the box "Dilemma's bij ambtelijke fusie"
        # answers a question about dilemmas without repeating the word.
        heading = chunks[row.chunk_id].section[-1]
        coverage = lexical_coverage(f"{heading} {row.text}", retrieval.query_tokens, lexical)
        rated.append((row, float(similarity) + LEXICAL_WEIGHT * coverage, coverage))
    return rated


def select_quotes(scored: list[ScoredSentence], style: str) -> list[tuple[Hit, str, float]]:
    """(hit, exact quote, score) per source, best first."""
    if not scored:
        return []
    best_score = scored[0].score
    by_chunk: dict[str, list[ScoredSentence]] = {}
    for sentence in scored:
        by_chunk.setdefault(sentence.row.chunk_id, []).append(sentence)
    quotes: list[tuple[Hit, str, float]] = []
    for sentence in scored:
        if len(quotes) >= MAX_SOURCES.get(style, 3):
            break
        if any(q[0].chunk.id == sentence.row.chunk_id for q in quotes):
            continue
        if quotes and sentence.score < best_score - SECOND_SOURCE_MARGIN:
            break
        quote = _quote(sentence, by_chunk, style)
        quotes.append(quote)
        if sentence.continued_by and sentence.hit.chunk.text.rstrip().endswith(quote[1].rstrip()):
            # The quote ends where the chunk announces a list that goes on below.
            quotes += _continuation_quotes(sentence, by_chunk, quotes, style)
    if style != "kort" and len(quotes) < MAX_SOURCES.get(style, 3):
        quotes += _other_kind_quote(scored, quotes, by_chunk, best_score, style)
    return quotes


def _quote(sentence: ScoredSentence, by_chunk: dict[str, list[ScoredSentence]], style: str) -> tuple[Hit, str, float]:
    chosen = expand(sentence, by_chunk[sentence.row.chunk_id], style)
    text = sentence.hit.chunk.text
    return sentence.hit, text[chosen[0].row.start : chosen[-1].row.end], sentence.score


def _continuation_quotes(
    sentence: ScoredSentence,
    by_chunk: dict[str, list[ScoredSentence]],
    quotes: list[tuple[Hit, str, float]],
    style: str,
) -> list[tuple[Hit, str, float]]:
    """The opening of each chunk that continues an announced list, and of the chunks that go on
    with it in turn, so the list is not cut off."""
    out: list[tuple[Hit, str, float]] = []
    for chunk_id in sentence.continued_by:
        if chunk_id in {q[0].chunk.id for q in quotes + out} or chunk_id not in by_chunk:
            continue
        first = min(by_chunk[chunk_id], key=lambda s: s.row.start)
        out.append(_quote(first, by_chunk, style))
        if first.continued_by:
            out += _continuation_quotes(first, by_chunk, quotes + out, style)
    return out


def _other_kind_quote(
    scored: list[ScoredSentence],
    quotes: list[tuple[Hit, str, float]],
    by_chunk: dict[str, list[ScoredSentence]],
    best_score: float,
    style: str,
) -> list[tuple[Hit, str, float]]:
    """The best sentence from a kind of document the answer does not quote yet (handbook vs.
    case or law), when it is nearly as relevant: advice and practice side by side."""
    kinds = {q[0].chunk.doc_type for q in quotes}
    for sentence in scored:
        if sentence.score < best_score - OTHER_KIND_MARGIN:
            break
        if sentence.hit.chunk.doc_type not in kinds:
            return [_quote(sentence, by_chunk, style)]
    return []


def format_quote(quote: str, n: int) -> str:
    lines = [line.strip() for line in quote.split("\n") if line.strip()]
    if len(lines) == 1:
        return f"{lines[0]} [{n}]"
    return "\n".join(lines) + f" [{n}]"


# Given the quotes of an answer, passages from practice to add under their own heading.
PracticeFinder = Callable[[list[tuple[Hit, str, float]]], list[tuple[Hit, str, float]]]


def compose(
    question: str, query: str, scored: list[ScoredSentence], style: str, practice: PracticeFinder | None = None
) -> tuple[str, list[Source]]:
    quotes = select_quotes(scored, style)
    practice_quotes = practice(quotes) if practice is not None and style != "kort" else []
    sources = [Source(n, hit.chunk, quote, score) for n, (hit, quote, score) in enumerate(quotes, start=1)]
    parts = []
    if is_english(question):
        parts.append("The handbook (in Dutch) says:")
    announcer: Source | None = None  # the last quote that ended announcing a list
    for source in sources:
        label = "" if source.chunk.doc_type == "handbook" else f"*{source.chunk.title}:* "
        if announcer is not None and _is_below(source.chunk.section, announcer.chunk.section):
            label = f"**{source.chunk.section[-1]}:** "  # an item of the announced list
        parts.append(label + format_quote(source.quote, source.n))
        if source.quote.rstrip().endswith(":"):
            announcer = source
    if practice_quotes:
        parts.append("**In practice:**" if is_english(question) else "**In de praktijk:**")
        for hit, quote, score in practice_quotes:
            source = Source(len(sources) + 1, hit.chunk, quote, score)
            sources.append(source)
            parts.append(f"*{source.chunk.title}:* " + format_quote(source.quote, source.n))
    related = related_sections(scored, sources) if style == "uitgebreid" else []
    if related:
        parts.append(("*See also:* " if is_english(question) else "*Zie ook:* ") + " · ".join(related))
    return "\n\n".join(parts), sources


def related_sections(scored: list[ScoredSentence], sources: list[Source], limit: int = 3) -> list[str]:
    """Sections of the passages that were candidates but are not quoted, best first: where an
    adviser reads on."""
    quoted = {s.chunk.section_label for s in sources}
    ranked = sorted({s.hit.chunk.id: s for s in scored}.values(), key=lambda s: -s.hit.score)
    labels = [s.hit.chunk.section_label for s in ranked if s.hit.chunk.section_label not in quoted]
    return list(dict.fromkeys(labels))[:limit]


def _is_below(section: tuple[str, ...], parent: tuple[str, ...]) -> bool:
    return len(section) > len(parent) and section[: len(parent)] == parent


def abstain_text(question: str, nearest: list[str]) -> str:
    lines = (
        ["The handbook and the case documents do not cover this question."]
        if is_english(question)
        else ["De handreiking en de praktijkvoorbeelden gaan niet over deze vraag."]
    )
    if nearest:
        lines.append(
            "Het dichtst in de buurt komen deze secties:" if not is_english(question) else "The nearest sections are:"
        )
        lines.extend(f"- {label}" for label in nearest)
    return "\n".join(lines)


def nearest_sections(hits: list[Hit], limit: int = 3) -> list[str]:
    return list(dict.fromkeys(h.chunk.section_label for h in hits))[:limit]


def citations_valid(answer: str, sources: list[Source]) -> bool:
    """Every [n] in the answer refers to a source, and every quote lies in its chunk."""
    numbers = [int(n) for n in CITATION_RE.findall(answer)]
    return all(1 <= n <= len(sources) for n in numbers) and all(s.quote and s.quote in s.chunk.text for s in sources)


def unknown_terms(query_tokens: list[str], lexical: LexicalIndex) -> list[str]:
    """Content words of the question that occur nowhere in the corpus, not even as a prefix:
    a question about "paspoort" or "OZB" is about something the corpus does not contain."""
    vocabulary = lexical.document_frequency
    out = []
    for token in dict.fromkeys(query_tokens):
        if token in STOPWORDS or token.isdigit() or len(token) < 3 or token in vocabulary:
            continue
        if len(token) >= 6 and any(word.startswith(token[:6]) for word in vocabulary):
            continue
        out.append(token)
    return out


def make_answer(
    question: str,
    query: str,
    answered: bool,
    text: str,
    sources: list[Source],
    nearest: list[str],
    notices: list[str],
    timings: dict[str, float],
) -> Answer:
    return Answer(
        question=question,
        answer=text,
        answered=answered,
        mode="extractive",
        sources=tuple(sources),
        nearest=tuple(nearest),
        notices=tuple(notices),
        timings_ms=timings,
        query=query,
    )
