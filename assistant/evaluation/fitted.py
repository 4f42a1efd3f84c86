"""What `assistant calibrate` fits: its own module, so the command line can offer the choices
without importing scikit-learn and torch."""

from __future__ import annotations

from enum import StrEnum


class Fitted(StrEnum):
    """What `assistant calibrate` fits (`--only`)."""

    ALL = "all"
    RANKER = "ranker"
    ANSWERABILITY = "answerability"
    ADAPTER = "adapter"
