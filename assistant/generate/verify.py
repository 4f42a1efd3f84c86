"""Check a language model's answer against the sources it cites, sentence by sentence.

A sentence is shown only when
- it carries at least one valid `[n]` (1..number of sources given to the model), and
- at least one cited source supports it (`support.check`: its numbers, its words and its e5
  cosine against the source; see support.py for the rule and its calibrated thresholds).
Citations to sources that do not support a sentence are dropped; the remaining ones are
renumbered in order of first use, and each cited source gets as quote the sentence(s) of its
chunk that best match the sentences citing it (an exact substring).

`StreamVerifier` does this incrementally, so streamed text is verified text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant.generate.support import Evidence, Idf, check
from assistant.text.markup import CITATION_RE
from assistant.text.sentences import sentence_spans
from assistant.types import Source

BULLET_RE = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+")
TRAILING_CITATIONS_RE = re.compile(r"([.!?:;])((?:\s*\[\d+\])+)")

Embed = Callable[[str], Sequence[float]]


def bare_claim(sentence: str) -> str:
    return re.sub(r"\s+", " ", CITATION_RE.sub(" ", BULLET_RE.sub("", sentence))).strip()


@dataclass
class VerifiedAnswer:
    text: str
    sources: list[Source]
    kept: int
    removed: int


@dataclass
class StreamVerifier:
    """Feed the model's text as it arrives; get back verified, renumbered pieces to show."""

    evidence: Sequence[Evidence]
    embed: Embed | None = None
    idf: Idf | None = None
    english: bool | None = None  # the question's language; None = decided per sentence
    buffer: str = ""
    shown: str = ""
    kept: int = 0
    removed: int = 0
    numbering: dict[int, int] = field(default_factory=dict)  # model's [n] -> shown [n]
    spans: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # model's n -> quoted sentences
    _newlines: int = 0
    _bullet: str = ""
    _line_has_output: bool = False

    def feed(self, text: str) -> str:
        """Add model text; return the verified text that can be shown now (possibly empty)."""
        self.buffer += text
        return self._drain(final=False)

    def flush(self) -> str:
        """At the end of the model's reply: verify the last sentence; return what can be shown."""
        return self._drain(final=True)

    def finish(self) -> VerifiedAnswer:
        """The whole verified answer (flushes what remains)."""
        self.flush()
        order = sorted(self.numbering, key=self.numbering.get)
        sources = []
        for model_n in order:
            ev = self.evidence[model_n - 1]
            spans = self.spans[model_n]
            quote = ev.chunk.text[min(s for s, _ in spans) : max(e for _, e in spans)]
            sources.append(Source(self.numbering[model_n], ev.chunk, quote, ev.score))
        return VerifiedAnswer(self.shown.strip(), sources, self.kept, self.removed)

    def _drain(self, final: bool) -> str:
        out = []
        self.buffer = TRAILING_CITATIONS_RE.sub(r"\2\1", self.buffer)
        while True:
            newline = self.buffer.find("\n")
            line = self.buffer if newline < 0 else self.buffer[:newline]
            complete_line = newline >= 0 or final
            spans = sentence_spans(line)
            ready = spans if complete_line else spans[:-1]
            for index, (start, end) in enumerate(ready):
                sentence = line[start:end]
                if index == 0 and not self._line_has_output:
                    bullet = BULLET_RE.match(sentence)
                    self._bullet = bullet.group(0).strip() + " " if bullet else self._bullet
                out.append(self._sentence(sentence))
            if not complete_line:
                cut = ready[-1][1] if ready else 0
                self.buffer = line[cut:]
                break
            self.buffer = self.buffer[newline + 1 :] if newline >= 0 else ""
            # A blank line is a paragraph break; a line whose sentences were all removed is not.
            self._newlines = max(self._newlines, 1) if spans else self._newlines + 1
            self._line_has_output = False
            self._bullet = ""
            if newline < 0:
                break
        piece = "".join(out)
        self.shown += piece
        return piece

    def _sentence(self, sentence: str) -> str:
        claim = bare_claim(sentence)
        cited = [int(n) for n in CITATION_RE.findall(sentence)]
        valid = [n for n in dict.fromkeys(cited) if 1 <= n <= len(self.evidence)]
        if not valid or not claim:
            self.removed += bool(claim)
            return ""
        vector = np.asarray(self.embed(claim), dtype=np.float32) if self.embed else None
        supports = {n: check(claim, self.evidence[n - 1], vector, self.idf, self.english) for n in valid}
        good = [n for n in valid if supports[n].ok]
        if not good:
            self.removed += 1
            return ""
        for n in good:
            self.numbering.setdefault(n, len(self.numbering) + 1)
            span = supports[n].span
            if span is not None:
                self.spans.setdefault(n, []).append(span)
            else:
                self.spans.setdefault(n, []).append((0, len(self.evidence[n - 1].chunk.text)))
        text = self._render(sentence, good)
        if self.kept == 0:
            prefix = self._bullet
        elif self._line_has_output:
            prefix = " "
        else:
            prefix = ("\n\n" if self._newlines > 1 else "\n") + self._bullet
        self.kept += 1
        self._line_has_output = True
        self._newlines = 0
        return prefix + text

    def _render(self, sentence: str, good: list[int]) -> str:
        body = BULLET_RE.sub("", sentence).strip()

        def renumber(match: re.Match[str]) -> str:
            n = int(match.group(1))
            return f"[{self.numbering[n]}]" if n in good else ""

        body = CITATION_RE.sub(renumber, body)
        body = re.sub(r"\s+([.!?,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", body)).strip()
        return body
