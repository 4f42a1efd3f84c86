"""The extractive composer: pick the sentences of the top chunks that answer the question, quote
them exactly, number the sources, and abstain when the corpus does not support an answer.

Every `[n]` in an answer points at `sources[n-1]`, whose `quote` is a substring of its chunk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.retrieval import LexicalIndex, Retrieval
from assistant.store import IndexReader, SentenceRow
from assistant.tokens import STOPWORDS, is_english, tokenize
from assistant.types import Answer, Chunk, Hit, Source

CITATION_RE = re.compile(r"\[(\d+)\]")
LIST_START_RE = re.compile(r"^(•|[a-h]\))\s")
CANDIDATE_CHUNKS = 4
LEXICAL_WEIGHT = 0.12
RANK_PENALTY = 0.025
STYLES = ("kort", "uitgebreid")
MAX_SOURCES = {"kort": 1, "uitgebreid": 3}
SECOND_SOURCE_MARGIN = 0.025
OTHER_KIND_WINDOW = 10  # look this deep in the fused ranking for the other kind of document
OTHER_KIND_CHUNKS = 2
OTHER_KIND_MARGIN = 0.06
MAX_LIST_ITEMS = 8
SHORT_LINE_CHARS = 60
NUMBER_WORDS = {"twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "two": 2, "three": 3, "four": 4}
# Openings of a sentence that only makes sense with the one before it.
LEANING_STARTS = (
    "Of:",
    "Of ",
    "Dit ",
    "Dat ",
    "Deze ",
    "Die ",
    "Daarom",
    "Daardoor",
    "Zo ",
    "Ook ",
    "Maar ",
    "Zij ",
    "Ze ",
    "Hij ",
    "Het zijn ",
)


@dataclass(frozen=True)
class ScoredSentence:
    row: SentenceRow
    hit: Hit
    rank: int  # rank of its chunk in the fused list
    score: float
    continued_by: tuple[str, ...] = ()  # chunks holding the list this chunk's last line announces
    coverage: float = 0.0  # share of the question's words in the sentence (and its heading)

    @property
    def is_list_item(self) -> bool:
        """Part of a bullet or "a)" item, also when it is the item's second sentence."""
        text = self.hit.chunk.text
        paragraph_start = text.rfind("\n", 0, self.row.start) + 1
        return bool(LIST_START_RE.match(text[paragraph_start:]))


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
    for hit in list(hits):
        continuation = list_continuation(hit.chunk, reader)
        if continuation:
            continued_by[hit.chunk.id] = tuple(c.id for c in continuation)
            hits += [Hit(c, hit.score) for c in continuation if c.id not in {h.chunk.id for h in hits}]
            for c in continuation:
                rank_of.setdefault(c.id, rank_of[hit.chunk.id])
    hit_of = {h.chunk.id: h for h in hits}
    rows = reader.sentence_vectors(list(hit_of))
    if not rows:
        return []
    query = np.asarray(retrieval.query_vector, dtype=np.float32)
    similarities = np.asarray([v for _, v in rows], dtype=np.float32) @ query
    scored = []
    for (row, _), similarity in zip(rows, similarities, strict=True):
        rank = rank_of[row.chunk_id]
        # The heading counts as context: a bullet in the box "Dilemma's bij ambtelijke fusie"
        # answers a question about dilemmas without repeating the word.
        heading = hit_of[row.chunk_id].chunk.section[-1]
        coverage = lexical_coverage(f"{heading} {row.text}", retrieval.query_tokens, lexical)
        # The chunk's fused rank favours sentences from the passages retrieval trusts most.
        score = float(similarity) + LEXICAL_WEIGHT * coverage - RANK_PENALTY * rank
        follows = continued_by.get(row.chunk_id, ())
        scored.append(ScoredSentence(row, hit_of[row.chunk_id], rank, score, follows, coverage))
    scored.sort(key=lambda s: -s.score)
    return scored


def list_continuation(chunk: Chunk, reader: IndexReader) -> list[Chunk]:
    """When a chunk ends announcing a list ("... zien we twee varianten:") that continues in the
    next chunk or in the sub-sections below it, those chunks: the next one of the same section,
    or the first chunk of each following sub-section (as many as the announced number, else 2).
    Also when a chunk ends inside a list ("a) ...") that the next chunk goes on with ("b) ...")."""
    text = chunk.text.rstrip()
    last_paragraph = text[text.rfind("\n") + 1 :]
    if not text.endswith(":"):
        if not LIST_START_RE.match(last_paragraph):
            return []
        following = reader.following(chunk.id)
        if following and following[0].section == chunk.section and LIST_START_RE.match(following[0].text):
            return following[:1]
        return []
    following = reader.following(chunk.id)
    if following and following[0].section == chunk.section:
        return following[:1]
    match = re.search(rf"\b({'|'.join(NUMBER_WORDS)})\b[^:]*:$", chunk.text.rstrip())
    wanted = NUMBER_WORDS[match.group(1)] if match else 2
    firsts = list({c.section: c for c in reversed(following)}.values())[::-1]
    return firsts[:wanted]


def _introduces_list(sentence: ScoredSentence, following: ScoredSentence | None) -> bool:
    return (
        following is not None
        and not sentence.is_list_item
        and following.is_list_item
        and not _same_paragraph(sentence, following)
    )


def _announced_list_line(ordered: list[ScoredSentence], index: int) -> int:
    """When the sentence at `index` counts something ("drie verschillende fasen") and a later
    line of its chunk introduces that many ("De drie fasen zijn:"), the position of that line;
    else `index`. The quote then runs on to the list, which is what the count announced."""
    words = set(tokenize(ordered[index].row.text))
    counts = words & NUMBER_WORDS.keys()
    for position in range(index + 1, len(ordered)):
        line = ordered[position].row.text.rstrip()
        if line.endswith(":") and counts & set(tokenize(line)) and len(words & set(tokenize(line))) >= 2:
            return position
    return index


def _same_paragraph(a: ScoredSentence, b: ScoredSentence) -> bool:
    lo, hi = sorted((a.row, b.row), key=lambda r: r.start)
    return "\n" not in a.hit.chunk.text[lo.end : hi.start]


def _expand(best: ScoredSentence, siblings: list[ScoredSentence], style: str) -> list[ScoredSentence]:
    """Grow a chosen sentence into the passage a reader needs: the whole list it belongs to, or
    the list it introduces (a sentence ending in ':'); in the "uitgebreid" style also the
    sentence before it when it leans on it ("Of: ...", "Dit ...") and the one after it in the
    same paragraph."""
    ordered = sorted(siblings, key=lambda s: s.row.start)
    index = next(i for i, s in enumerate(ordered) if s.row.start == best.row.start)
    if best.is_list_item:
        lo = hi = index
        while lo > 0 and ordered[lo - 1].is_list_item:
            lo -= 1
        if lo > 0 and ordered[lo - 1].row.text.rstrip().endswith(":"):
            lo -= 1  # include the line that introduces the list
        while hi + 1 < len(ordered) and ordered[hi + 1].is_list_item:
            hi += 1
        return ordered[lo : hi + 1][: MAX_LIST_ITEMS + 1]

    lo = hi = index
    if _introduces_list(best, ordered[index + 1] if index + 1 < len(ordered) else None):
        # The last sentence of a paragraph that a list follows introduces it, also without a
        # colon (lost in the PDF text): the items are the answer.
        while hi + 1 < len(ordered) and ordered[hi + 1].is_list_item and hi - index < MAX_LIST_ITEMS:
            hi += 1
        return ordered[lo : hi + 1]
    if style != "kort":
        before = ordered[lo - 1] if lo > 0 else None
        # The sentence before comes along when this one leans on it ("Of: ...", "Dit ...") or
        # when it names the question's terms that this one only describes.
        if (
            before is not None
            and _same_paragraph(before, best)
            and (best.row.text.startswith(LEANING_STARTS) or before.coverage > best.coverage)
        ):
            lo -= 1
        if hi + 1 < len(ordered) and _same_paragraph(best, ordered[hi + 1]) and not ordered[hi].row.text.endswith(":"):
            hi += 1
    if hi + 1 < len(ordered) and ordered[hi + 1].row.text.rstrip().endswith(":"):
        hi += 1  # "... drie fasen doorlopen. De drie fasen zijn:" -> take the list along
    else:
        hi = max(hi, _announced_list_line(ordered, index))
    if ordered[hi].row.text.rstrip().endswith(":"):
        # What the colon announces: list items or short lines, else the one sentence after it.
        while hi + 1 < len(ordered) and hi - index < MAX_LIST_ITEMS:
            following = ordered[hi + 1]
            if following.is_list_item or len(following.row.text) <= SHORT_LINE_CHARS:
                hi += 1
            else:
                if ordered[hi].row.text.rstrip().endswith(":"):
                    hi += 1
                break
    return ordered[lo : hi + 1]


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
    chosen = _expand(sentence, by_chunk[sentence.row.chunk_id], style)
    text = sentence.hit.chunk.text
    return sentence.hit, text[chosen[0].row.start : chosen[-1].row.end], sentence.score


def _continuation_quotes(
    sentence: ScoredSentence,
    by_chunk: dict[str, list[ScoredSentence]],
    quotes: list[tuple[Hit, str, float]],
    style: str,
) -> list[tuple[Hit, str, float]]:
    """The opening of each chunk that continues an announced list, so the list is not cut off."""
    out = []
    quoted = {q[0].chunk.id for q in quotes}
    for chunk_id in sentence.continued_by:
        if chunk_id in quoted or chunk_id not in by_chunk:
            continue
        first = min(by_chunk[chunk_id], key=lambda s: s.row.start)
        out.append(_quote(first, by_chunk, style))
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
