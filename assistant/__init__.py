"""Fusiewijzer: a cited, offline advisory assistant over the handbook on ambtelijke fusie."""

from assistant import offline as _offline

_offline.apply()

__version__ = "0.1.0"
