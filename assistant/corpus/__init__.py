"""Corpus files to documents: loaders.py (txt, md, pdf, docx, html) -> cleaning.py (PDF page
layout) -> structure.py (section tree) -> documents.py (a Document) -> chunking.py (chunks that
never cross a section). links.py reads the links between documents kept in metadata; toc.py is
the section tree for `assistant toc`, the Handboek tab and the Beheer catalog."""
