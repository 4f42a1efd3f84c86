"""HTML of the Beheer (admin) tab and of the logged-in user line: status messages, the document
table and "Ingelogd als ...". Every value is escaped. No gradio import.
"""

from __future__ import annotations

from collections.abc import Sequence

from assistant.web.html_parts import esc


def notice_html(message: str, ok: bool = True) -> str:
    """A status line in the Beheer tab (role=status, so screen readers announce it)."""
    if not message:
        return ""
    kind = "gelukt" if ok else "geweigerd"
    return f'<p class="beheer-{kind}" role="status">{"✓" if ok else "✕"} {esc(message)}</p>'


def user_html(username: str | None, role_label: str) -> str:
    """The "Ingelogd als ..." line with a logout link; empty without a logged-in user."""
    if not username:
        return ""
    return (
        f'<p class="gebruiker">Ingelogd als <strong>{esc(username)}</strong> ({esc(role_label)}) · '
        '<a href="logout">Uitloggen</a></p>'
    )


def documents_table_html(rows: Sequence[Sequence[object]], headers: Sequence[str]) -> str:
    """The document list of the Beheer tab; every value is escaped."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = (
        "".join("<tr>" + "".join(f"<td>{esc(str(value))}</td>" for value in row) + "</tr>" for row in rows)
        or f'<tr><td colspan="{len(headers)}">Geen documenten.</td></tr>'
    )
    return f'<table class="documenten"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def audit_table_html(rows: Sequence[Sequence[str]]) -> str:
    """The newest lines of the audit log; every value is escaped."""
    from assistant.state.audit import CSV_HEADERS

    head = "".join(f"<th>{esc(h)}</th>" for h in CSV_HEADERS)
    body = (
        "".join("<tr>" + "".join(f"<td>{esc(value)}</td>" for value in row) + "</tr>" for row in rows)
        or f'<tr><td colspan="{len(CSV_HEADERS)}">Nog niets vastgelegd.</td></tr>'
    )
    return f'<table class="logboek"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
