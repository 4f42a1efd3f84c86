"""User-facing errors. Messages are written for the person reading them (Dutch), and are
converted to a CLI message or a `gr.Error` only at the edges."""


class AssistantError(Exception):
    """Base class: `str(error)` is a complete message for a user."""


class EmptyQuestion(AssistantError):
    """No question, or only punctuation and symbols ("?", "..."): nothing to search for."""

    def __init__(self) -> None:
        super().__init__("Stel een vraag: de vraag is leeg.")


class IndexMissing(AssistantError):
    def __init__(self, path: str) -> None:
        super().__init__(f"Er is nog geen index in {path}. Bouw die eerst met `assistant ingest`.")


class CorpusEmpty(AssistantError):
    def __init__(self, path: str) -> None:
        super().__init__(f"Geen leesbare documenten gevonden in {path}.")


class UnreadableDocument(AssistantError):
    """A corpus file that cannot be read; ingest skips it and reports this message."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        super().__init__(f"{name} overgeslagen: {reason}")


class ConfigurationError(AssistantError):
    pass


class BadRequest(AssistantError):
    """A question or history a client sent in a shape the assistant cannot read."""


class IngestBusy(AssistantError):
    """Another process is building this index (index/lock.py)."""

    def __init__(self, pid: int | None) -> None:
        self.pid = pid
        who = f" (proces {pid})" if pid else ""
        super().__init__(f"Er loopt al een indexering{who}. Wacht tot die klaar is en probeer het dan opnieuw.")


class IndexUnavailable(AssistantError):
    """The Chroma server (ASSISTANT_CHROMA_URL) does not answer or refuses this client."""

    def __init__(self, url: str, refused: bool = False) -> None:
        if refused:
            message = f"De zoekindex op {url} weigert de toegang. Controleer ASSISTANT_CHROMA_TOKEN."
        else:
            message = (
                f"De zoekindex op {url} is niet bereikbaar. Controleer of de Chroma-server draait "
                "en probeer het daarna opnieuw."
            )
        super().__init__(message)
