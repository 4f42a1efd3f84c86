"""Suggested next questions under an answer: two or three questions the corpus answers from a
passage the answer did not cite.

Deterministic, no language model: the candidates are the headings of the sections around the cited
passages (the cited section's subsections, then its neighbours under the same parent, nearest first;
side boxes included), phrased as Dutch questions by a few fixed patterns. Each candidate is put
through the pipeline as a question of its own (the same scope and style as the answer); it is
offered only when the answerability decision answers it and its first cited passage is not one the
answer already cites (nor the first passage of another suggestion). A candidate that reads as
referring back ("de eerste ...") is left out: the conversation would rewrite it when clicked, so the
click would not ask what was checked. Nothing here changes how
answers are ranked or composed: it only asks the pipeline more questions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.answers.chat import refers_back
from assistant.answers.pipeline import Assistant
from assistant.index.reader import IndexReader
from assistant.search.scope import Scope
from assistant.text.tokens import fold
from assistant.types import Answer, AnswerStyle, Chunk

MAX_SUGGESTIONS = 3
MAX_CHECKS = 8  # candidates put through the pipeline per answer: bounds the added time
# Headings that say nothing about their content: no question can be made of them.
VAGUE_HEADINGS = frozenset(
    ["tenslotte", "tot slot", "tip", "tips", "inleiding", "voorwoord", "bronnen", "samenvatting"]
)
SKIPPED_KINDS = frozenset(["footnote", "references"])
CHAPTER_RE = re.compile(r"^[A-Z] · ")  # "G · Gemeenschappelijke ambitie"
PHASE_RE = re.compile(r"^Fase (\d)\b")
TOPIC_END_RE = re.compile(r"\s*[:;=]\s*")  # "De ambtelijke aansturing: keuzes rondom …" -> the part before
# A word after a lower-case word (or a comma) and a space: mid-sentence, so its case is its own.
MID_SENTENCE_WORD_RE = re.compile(r"(?<=[a-zà-ÿ,] )([^\W\d_][\w’']*)")
FIRST_WORD_RE = re.compile(r"^([^\W\d_][\w’']*)(.*)$", re.DOTALL)
# The recurring headings of the case documents, as questions about that organisation.
CASE_QUESTIONS = {
    "samenwerking en start": "Hoe is de samenwerking van {org} begonnen?",
    "bestuur en topstructuur": "Hoe zijn bestuur en topstructuur bij {org} geregeld?",
    "personeel en financiën": "Hoe zijn personeel en financiën bij {org} geregeld?",
    "evaluaties en ontwikkeling": "Hoe heeft {org} zich ontwikkeld?",
    "verhouding tot het handboek (2014)": "Hoe verhoudt {org} zich tot de handreiking?",
}


@dataclass(frozen=True)
class Candidate:
    question: str
    doc_id: str
    section: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    question: str
    chunk_id: str  # the first passage the pipeline cites for it
    section: str  # that passage's section label


def word_forms(texts: Iterable[str]) -> dict[str, str]:
    """Lower-case word -> how the corpus writes it mid-sentence, for the words it writes there with a
    capital more often than without ("Gideonsbende", "Wgr"); other words are lower-cased."""
    counts: Counter[tuple[str, bool]] = Counter()
    for text in texts:
        for word in MID_SENTENCE_WORD_RE.findall(text):
            counts[word.lower(), word[:1].isupper()] += 1
    return {
        lower: lower[:1].upper() + lower[1:]
        for (lower, upper), n in counts.items()
        if upper and n > counts[lower, False]
    }


@lru_cache(maxsize=2)
def _forms_of(reader: IndexReader) -> dict[str, str]:
    """word_forms of one index version, worked out once per version (not on every answer: a key
    made of every chunk's text cost a pass over the whole corpus per answer)."""
    return word_forms(chunk.text for chunk in reader.chunks)


def phrase(section: tuple[str, ...], doc_type: str, forms: Mapping[str, str]) -> str | None:
    """A Dutch question about the section headed `section[-1]`; None for a heading that names no
    topic. `forms` (word_forms): so that "Motivatie" becomes "motivatie" mid-sentence and
    "Gideonsbende" and "BUCH" stay."""
    heading = CHAPTER_RE.sub("", section[-1]).strip()
    if not heading or heading.lower() in VAGUE_HEADINGS:
        return None
    if doc_type == "case":
        if len(section) < 2:
            return None
        pattern = CASE_QUESTIONS.get(heading.lower())
        return (
            pattern.format(org=section[0]) if pattern else f"Wat weten we over {_mid(heading, forms)} bij {section[0]}?"
        )
    if heading.endswith("?"):
        return heading.replace("; ", ": ")
    if match := PHASE_RE.match(heading):
        return f"Wat gebeurt er in fase {match.group(1)}?"
    topic = TOPIC_END_RE.split(heading, maxsplit=1)[0].strip()
    if not topic:
        return None
    if doc_type == "handbook":
        return f"Wat zegt de handreiking over {_mid(topic, forms)}?"
    return f"Wat zeggen de documenten over {_mid(topic, forms)}?"


def _mid(text: str, forms: Mapping[str, str]) -> str:
    """`text` placed mid-sentence: its first word as the corpus writes it mid-sentence (a word with
    a capital inside, like "BUCH" or "SED-organisatie", as it is)."""
    match = FIRST_WORD_RE.match(text)
    if not match or any(c.isupper() for c in match.group(1)[1:]):
        return text
    word = match.group(1)
    return forms.get(word.lower(), word.lower()) + match.group(2)


def candidates(answer: Answer, chunks: Sequence[Chunk], forms: Mapping[str, str]) -> list[Candidate]:
    """Questions from the headings around the answer's cited passages, nearest first. `chunks`: the
    index's chunks in document order (IndexReader.chunks)."""
    sections: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}  # doc -> its sections in order
    for chunk in chunks:
        order = sections.setdefault(chunk.doc_id, [])
        if chunk.kind not in SKIPPED_KINDS and all(path != chunk.section for path, _, _ in order):
            order.append((chunk.section, chunk.doc_type, chunk.doc_id))
    cited = {(s.chunk.doc_id, s.chunk.section) for s in answer.sources}
    asked, out, seen = fold(answer.question).strip(" ?"), [], set()
    for source in answer.sources:
        order = sections.get(source.chunk.doc_id, [])
        for path, doc_type, doc_id in _around(source.chunk.section, order):
            question = phrase(path, doc_type, forms)
            key = fold(question or "").strip(" ?")
            if question is None or (doc_id, path) in cited or key in seen or key == asked:
                continue
            if refers_back(question):
                # "De eerste ambtelijke fusie" would be read as "the first one" of the answer and
                # rewritten with its topic when clicked: not the question that was checked.
                continue
            seen.add(key)
            out.append(Candidate(question, doc_id, path))
    return out


def _around(path: tuple[str, ...], order: list[tuple[tuple[str, ...], str, str]]) -> list:
    """The sections of one document around `path`: its subsections in order, then the sections
    with the same parent, nearest first (the next one before the previous one), then the parent."""
    paths = [p for p, _, _ in order]
    here = paths.index(path) if path in paths else 0
    children = [item for item in order if len(item[0]) == len(path) + 1 and item[0][: len(path)] == path]
    siblings = [
        (i, item)
        for i, item in enumerate(order)
        if len(item[0]) == len(path) and item[0][:-1] == path[:-1] and item[0] != path
    ]
    siblings.sort(key=lambda pair: (abs(pair[0] - here), pair[0] < here))
    parent = [item for item in order if item[0] == path[:-1]]
    return children + [item for _, item in siblings] + parent


def suggest(
    engine: Assistant,
    answer: Answer,
    scope: Scope | None = None,
    style: AnswerStyle = "uitgebreid",
    limit: int = MAX_SUGGESTIONS,
) -> list[Suggestion]:
    """Up to `limit` follow-up questions that the pipeline answers from a passage `answer` does not
    cite; none for a refused answer."""
    if not answer.answered or not answer.sources:
        return []
    index = engine.loaded()
    cited = {s.chunk.id for s in answer.sources}
    found: list[Suggestion] = []
    forms = _forms_of(index.reader)
    for candidate in candidates(answer, index.reader.chunks, forms)[:MAX_CHECKS]:
        with engine.limits.cpu():
            checked = engine.draft(candidate.question, scope, style, None).answer
        if not checked.answered or not checked.sources:
            continue
        first = checked.sources[0].chunk
        if first.id in cited:
            continue
        cited.add(first.id)  # two suggestions never lead to the same passage
        found.append(Suggestion(candidate.question, first.id, first.section_label))
        if len(found) >= limit:
            break
    return found
