"""PDF-extracted handbook text -> clean blocks (paragraphs, headings, bullets, items, footnotes).

The handbook arrives as PDF-extracted text: every line is followed by a blank line, words are
hyphenated across lines ("Combi-\\n\\nnatie"), a page starts with a leading space, running footers
and bare link lines sit between paragraphs, and side boxes and footnotes interrupt the body.
This module undoes the page layout: it drops the page furniture, rejoins hyphenated words and
wrapped lines, and groups the lines into typed blocks. `structure.py` reads the section tree
from those blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHAPTER_RE = re.compile(r"^\s*([GROEI])\s*\t\s*(\S.*?)\s*$")
BULLET_RE = re.compile(r"^\s*[•·▪◦]\s*(.*)$")
LIST_ITEM_RE = re.compile(r"^\s*([a-h])\t\s*(.*)$")
FOOTNOTE_RE = re.compile(r"^\s*(\d{1,2})\t\s*(.*)$")
LINK_LINE_RE = re.compile(r"^\s*(https?://|www\.)\S*")
# A running footer: page number + short title, standing alone between blank lines.
FOOTER_RE = re.compile(r"^\s*\d{1,3}\s+[A-Z][^.;:!?]{8,70}$")
FIGURE_RE = re.compile(r"^\s*Figuur\b")
SUSPENDED_HYPHEN_NEXT = ("en ", "of ", "tot ", "noch ", "en/of ")
MIN_WRAPPED_LINE_CHARS = 40


@dataclass
class _Line:
    text: str
    page_start: bool
    continues: bool  # ended in mid-sentence (trailing space): the paragraph goes on
    tight: bool  # the next line follows with no blank line between


@dataclass
class Block:
    kind: str  # para | heading | chapter | bullet | item | footnote
    text: str
    key: str = ""  # chapter letter, list label or footnote number


def clean_blocks(raw: str) -> list[Block]:
    """Clean `raw` into blocks in reading order, with the body's footnote markers removed."""
    blocks = _blocks(_join_hyphenated(_physical_lines(raw)))
    _strip_footnote_markers(blocks)
    return blocks


def _physical_lines(raw: str) -> list[_Line]:
    raw_lines = raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[tuple[int, str]] = []
    for i, line in enumerate(raw_lines):
        if not line.strip() or LINK_LINE_RE.match(line) or FIGURE_RE.match(line):
            continue
        blank_before = i == 0 or not raw_lines[i - 1].strip()
        blank_after = i + 1 >= len(raw_lines) or not raw_lines[i + 1].strip()
        if FOOTER_RE.match(line) and blank_before and blank_after:
            continue
        kept.append((i, line))
    lines: list[_Line] = []
    for pos, (i, line) in enumerate(kept):
        nxt = kept[pos + 1] if pos + 1 < len(kept) else None
        # Lines follow each other without a blank line under a heading, and at a page break;
        # a page's first line starts with a space, so only the first case counts as "tight".
        tight = nxt is not None and nxt[0] == i + 1 and not nxt[1][:1].isspace()
        lines.append(
            _Line(
                text=line.strip(),
                page_start=line[:1].isspace(),
                continues=line != line.rstrip(),
                tight=tight,
            )
        )
    return lines


def _join_hyphenated(lines: list[_Line]) -> list[_Line]:
    """Rejoin words split over lines; keep suspended hyphens ("frictie- en desintegratie")."""
    out: list[_Line] = []
    for line in lines:
        prev = out[-1] if out else None
        if prev is not None and re.search(r"[^\W\d_]-$", prev.text) and line.text[:1].islower():
            if line.text.startswith(SUSPENDED_HYPHEN_NEXT):
                prev.text = f"{prev.text} {line.text}"
            else:
                prev.text = prev.text[:-1] + line.text
            prev.continues = line.continues
            prev.tight = line.tight
            continue
        out.append(_Line(line.text, line.page_start, line.continues, line.tight))
    return out


def _continues(body: Block | None, last_line: _Line | None, text: str) -> bool:
    """Does `text` carry on the open body paragraph (across a wrap, page break or footnote)?"""
    if body is None or last_line is None:
        return False
    if text[:1].islower():
        return True
    # A wrapped line fills the column; a short line with a trailing space is a heading.
    wrapped = len(last_line.text) >= MIN_WRAPPED_LINE_CHARS
    return wrapped and last_line.continues and body.text.rstrip()[-1:] not in ".!?:;"


def _blocks(lines: list[_Line]) -> list[Block]:
    """Group lines into paragraphs, headings, bullets, list items, footnotes and chapters."""
    blocks: list[Block] = []
    body: Block | None = None  # the body block a following line may continue
    body_line: _Line | None = None  # the last line added to it
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.text
        if m := CHAPTER_RE.match(text):
            blocks.append(Block("chapter", m.group(2), m.group(1)))
            body = body_line = None
        elif m := FOOTNOTE_RE.match(text):
            # A footnote interrupts the body; the body may go on after it.
            blocks.append(Block("footnote", m.group(2).strip(), m.group(1)))
        elif line.tight and i + 1 < len(lines) and not BULLET_RE.match(text):
            # Lines with no blank between: all but the last form a heading, the last opens a
            # paragraph.
            run = [line]
            while run[-1].tight and i + 1 < len(lines):
                i += 1
                run.append(lines[i])
            blocks.append(Block("heading", " ".join(part.text for part in run[:-1])))
            body, body_line = Block("para", run[-1].text), run[-1]
            blocks.append(body)
        elif m := BULLET_RE.match(text):
            body, body_line = Block("bullet", m.group(1).strip()), line
            blocks.append(body)
        elif (m := LIST_ITEM_RE.match(text)) and not line.page_start:
            body, body_line = Block("item", m.group(2).strip(), m.group(1)), line
            blocks.append(body)
        elif _continues(body, body_line, text):
            assert body is not None
            body.text += " " + text
            body_line = line
        else:
            body, body_line = Block("para", text), line
            blocks.append(body)
        i += 1
    for block in blocks:
        block.text = re.sub(r"\s+", " ", block.text).strip()
    return blocks


def _strip_footnote_markers(blocks: list[Block]) -> None:
    """Remove "verschillen1." style markers of the footnotes the text defines."""
    numbers = [b.key for b in blocks if b.kind == "footnote"]
    for number in numbers:
        pattern = re.compile(rf"(?<=[^\W\d_][.,;:]){number}(?=\s|$)|(?<=[^\W\d_]){number}(?=[\s.,;:]|$)")
        for block in blocks:
            if block.kind in ("para", "item", "bullet") and pattern.search(block.text):
                block.text = pattern.sub("", block.text, count=1)
                break
