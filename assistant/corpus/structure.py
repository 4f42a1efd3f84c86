"""Text extracted from a laid-out publication -> cleaned text + section tree.

`cleaning.py` undoes the page layout of the PDF-extracted handbook (blank line after every line,
hyphenated words, running footers, link lines) and groups its lines into blocks. The layout still
carries the structure, and this module reads it back from those blocks:

- a GROEI chapter heading is a letter, a tab and a title ("R\\t Relatie tussen sleutelfiguren");
- a heading is a line followed by text with no blank line between;
- a sub-heading is a short line without end punctuation between a finished sentence and a long
  paragraph;
- a side box is a short title followed by bullets, or a paragraph that starts with "Tip:";
- a footnote is a number, a tab and its text; its marker in the body is removed;
- "In fase N ..." opens the phase N part of a chapter.

The first two and the footnotes are recognised while cleaning (`cleaning.clean_blocks`); the rest
here. The cleaned document is serialised from the tree, so every section is one contiguous span
(`text[start:end]`), boxes and footnotes follow the section they interrupted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.corpus.cleaning import Block, clean_blocks
from assistant.types import Section

PHASE_DEF_RE = re.compile(r"^Fase\s+([1-9])\s*:\s*(.+?)[;.]?$")
PHASE_OPEN_RE = re.compile(r"^In fase\s+([1-9])\b")
END_PUNCT = ".!?"
MAX_HEADING_CHARS = 90
MAX_BOX_TITLE_CHARS = 60
MIN_PARAGRAPH_AFTER_SUBHEADING = 150


@dataclass
class Node:
    path: tuple[str, ...]
    kind: str
    letter: str | None
    phase: int | None
    theme: str | None
    level: int
    paragraphs: list[str] = field(default_factory=list)


def _is_subheading(blocks: list[Block], i: int) -> bool:
    block = blocks[i]
    if block.kind != "para" or len(block.text) > MAX_HEADING_CHARS:
        return False
    if not block.text[:1].isupper() or block.text[-1] in END_PUNCT + ":;,":
        return False
    prev = blocks[i - 1] if i > 0 else None
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    if prev is None:
        return True  # the document's first line is its top heading ("Voorwoord")
    if prev.kind not in ("para", "item", "bullet", "footnote") or prev.text[-1] not in END_PUNCT + ":":
        return False
    return (
        nxt is not None
        and nxt.kind == "para"
        and nxt.text[:1].isupper()
        and len(nxt.text) >= MIN_PARAGRAPH_AFTER_SUBHEADING
    )


def _is_box_title(blocks: list[Block], i: int) -> bool:
    block = blocks[i]
    if block.kind != "para" or len(block.text) > MAX_BOX_TITLE_CHARS:
        return False
    following = blocks[i + 1 : i + 3]
    return len(following) == 2 and all(b.kind == "bullet" for b in following)


def _phase_names(blocks: list[Block]) -> dict[int, str]:
    names: dict[int, str] = {}
    for block in blocks:
        if block.kind == "para" and (m := PHASE_DEF_RE.match(block.text)):
            names.setdefault(int(m.group(1)), f"Fase {m.group(1)}: {m.group(2).strip()}")
    return names


def _theme_for(heading: str, themes: list[str]) -> str | None:
    """Match a heading to one of the chapter's announced themes by shared word stems."""

    def stems(text: str) -> set[str]:
        return {w[:6] for w in re.findall(r"[^\W\d_]{4,}", text.lower())}

    heading_stems = stems(heading.split(":")[0].split(";")[0])
    best, best_overlap = None, 0
    for theme in themes:
        overlap = len(stems(theme) & heading_stems)
        if overlap > best_overlap:
            best, best_overlap = theme, overlap
    return best


def chapter_label(letter: str, title: str) -> str:
    return f"{letter} · {title}"


class _TreeBuilder:
    def __init__(self, chapter_phases: dict[str, int]) -> None:
        self.nodes: list[Node] = []
        self.chapter_phases = chapter_phases
        self.chapter: Node | None = None
        self.level2: Node | None = None
        self.current: Node | None = None
        self.themes: list[str] = []
        self.phase_names: dict[int, str] = {}

    def _new(
        self, path: tuple[str, ...], kind: str, level: int, phase: int | None = None, theme: str | None = None
    ) -> Node:
        letter = self.chapter.letter if self.chapter else None
        if phase is None and self.chapter is not None:
            phase = self.chapter.phase
        node = Node(path, kind, letter, phase, theme, level)
        self.nodes.append(node)
        return node

    def open_chapter(self, title: str, letter: str | None) -> None:
        label = chapter_label(letter, title) if letter else title
        node = Node((label,), "text", letter, self.chapter_phases.get(letter or ""), None, 1)
        self.nodes.append(node)
        self.chapter = self.current = node
        self.level2 = None
        self.themes = []

    def open_heading(self, title: str, level: int) -> None:
        if self.chapter is None:
            self.open_chapter(title, None)
            return
        if level == 2 or self.level2 is None:
            theme = _theme_for(title, self.themes) if self.themes else None
            node = self._new((*self.chapter.path, title), "text", 2, theme=theme)
            self.level2 = node
        else:
            node = self._new((*self.level2.path, title), "text", 3, phase=self.level2.phase, theme=self.level2.theme)
        self.current = node

    def open_phase(self, number: int) -> None:
        assert self.chapter is not None
        title = self.phase_names.get(number, f"Fase {number}")
        node = self._new((*self.chapter.path, title), "phase", 2, phase=number)
        self.level2 = self.current = node

    def add_box(self, title: str, paragraphs: list[str], chapter: Node | None = None) -> None:
        parent = chapter or self.chapter
        base = parent.path if parent else ()
        node = Node(
            (*base, title),
            "box",
            parent.letter if parent else None,
            parent.phase if parent else None,
            None,
            2,
            list(paragraphs),
        )
        self.nodes.append(node)

    def add_paragraph(self, text: str) -> None:
        if self.current is None:
            self.open_chapter("Inleiding", None)
        assert self.current is not None
        self.current.paragraphs.append(text)


def parse_structure(raw: str, chapter_phases: dict[str, int] | None = None) -> tuple[str, list[Section]]:
    """Clean `raw` and recover its section tree.

    `chapter_phases` maps a GROEI letter to the phase its chapter is about, where the document's
    own metadata says so. Returns the cleaned text and its sections in reading order.
    """
    blocks = clean_blocks(raw)
    tree = _TreeBuilder(chapter_phases or {})
    tree.phase_names = _phase_names(blocks)
    footnotes: list[tuple[str, str, Node | None]] = []
    pending_boxes: list[tuple[str, list[str]]] = []

    i = 0
    while i < len(blocks):
        block = blocks[i]
        if block.kind == "chapter":
            tree.open_chapter(block.text, block.key)
            for title, paragraphs in pending_boxes:  # margin boxes printed just before a chapter
                tree.add_box(title, paragraphs)
            pending_boxes = []
        elif block.kind == "heading":
            tree.open_heading(block.text, 2)
        elif block.kind == "footnote":
            footnotes.append((block.key, block.text, tree.chapter))
        elif _is_box_title(blocks, i):
            bullets = []
            while i + 1 < len(blocks) and blocks[i + 1].kind == "bullet":
                i += 1
                bullets.append(f"• {blocks[i].text}")
            title = block.text.rstrip(":").strip()
            next_is_chapter = i + 1 < len(blocks) and blocks[i + 1].kind == "chapter"
            if next_is_chapter:
                pending_boxes.append((title, bullets))
            else:
                tree.add_box(title, bullets)
        elif block.kind == "para" and block.text.startswith("Tip:"):
            tree.add_box("Tip", [block.text])
        elif block.kind == "para" and _is_subheading(blocks, i):
            if i == 0:
                tree.open_chapter(block.text, None)
            else:
                tree.open_heading(block.text, 3)
        elif block.kind == "para" and tree.chapter and (m := PHASE_OPEN_RE.match(block.text)):
            tree.open_phase(int(m.group(1)))
            tree.add_paragraph(block.text)
        elif block.kind == "bullet":
            if tree.current is tree.chapter and tree.chapter is not None:
                tree.themes.append(block.text.rstrip(";.").strip())
            tree.add_paragraph(f"• {block.text}")
        elif block.kind == "item":
            tree.add_paragraph(f"{block.key}) {block.text}")
        else:
            tree.add_paragraph(block.text)
        i += 1

    for number, text, chapter in footnotes:
        node = Node(
            ((*chapter.path, f"Noot {number}") if chapter else (f"Noot {number}",)),
            "footnote",
            chapter.letter if chapter else None,
            None,
            None,
            2,
            [text],
        )
        tree.nodes.append(node)
    return serialise(tree.nodes)


def serialise(nodes: list[Node]) -> tuple[str, list[Section]]:
    """Lay the tree out as text: footnotes after the body, each node one contiguous span."""
    ordered = [n for n in nodes if n.kind != "footnote"] + [n for n in nodes if n.kind == "footnote"]
    parts: list[str] = []
    sections: list[Section] = []
    offset = 0
    for node in ordered:
        if not node.paragraphs:
            continue
        heading = node.path[-1]
        body = "\n\n".join(node.paragraphs)
        block = f"{heading}\n\n{body}"
        start = offset + len(heading) + 2
        sections.append(
            Section(
                path=node.path,
                text=body,
                start=start,
                end=start + len(body),
                kind=node.kind if node.kind in ("box", "footnote", "references") else "text",
                letter=node.letter,
                phase=node.phase,
                theme=node.theme,
                level=node.level,
            )
        )
        parts.append(block)
        offset += len(block) + 2
    return "\n\n".join(parts), sections
