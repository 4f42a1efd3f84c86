"""The Beheer (admin) tab in Gradio: its components, its handlers (add or replace, remove,
re-index) and their events. The work itself is done by admin.py and uploads.py; this module only
checks the role, turns AssistantError into a Dutch status line or gr.Error, and refreshes the tab.

Without login (loopback) the one user is the admin; with login only users with the admin role see
the tab, and every handler checks the role again because a hidden tab's events can still be called.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

# Safe before the package imports: importing this module ran assistant/__init__.py, which set the
# offline variables that gradio reads on import.
import gradio as gr

from assistant.admin import catalog as admin
from assistant.admin.uploads import remove_document, save_upload
from assistant.admin.users import UserStore
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.state.audit import AuditEvent, AuditLog
from assistant.state.gaps import KnowledgeGaps
from assistant.web.admin_html import audit_table_html, documents_table_html, notice_html
from assistant.web.assets import ADMIN_INTRO
from assistant.web.gaps import KnowledgeGapsPanel
from assistant.web.html_parts import esc
from assistant.web.toc_html import toc_html

PRIVATE = "private"  # the tab's events are not API endpoints (ui.py: only /ask is)
AUDIT_ROWS = 50  # shown in the tab; the CSV export has all


class AdminTab:
    """Build it with `build()` inside the page's gr.Tabs, then `wire()` its events once the
    Handboek tab (whose table of contents and picker a re-index refreshes) exists."""

    def __init__(self, settings: Settings, catalog: admin.Catalog, login: bool, audit: AuditLog) -> None:
        self.settings, self.catalog, self.login, self.audit = settings, catalog, login, audit
        self.users = UserStore(settings.users_file)
        self.gaps = KnowledgeGapsPanel(KnowledgeGaps(audit.db), settings.retention_days, self.is_admin)

    def record(self, event: AuditEvent, request: gr.Request | None, detail: str) -> None:
        """An admin action in the audit log: who (the user; "lokaal" without login) and from where."""
        actor = (request.username if request else None) or ("" if self.login else "lokaal")
        client = getattr(request, "client", None)
        self.audit.record(event, actor, detail, getattr(client, "host", "") or "")

    def is_admin(self, request: gr.Request | None) -> bool:
        return not self.login or self.users.role(request.username if request else None) == "admin"

    def require_admin(self, request: gr.Request | None) -> None:
        if not self.is_admin(request):
            raise gr.Error("Alleen beheerders mogen documenten beheren.", title="Geen toegang")

    # --- layout ------------------------------------------------------------------------------

    def build(self) -> gr.Tab:
        # Hidden until on_load has checked the role when users log in.
        with gr.Tab("Beheer", id="beheer", visible=not self.login) as self.tab:
            gr.Markdown(ADMIN_INTRO.format(mb=f"{self.settings.max_upload_mb:g}".replace(".", ",")))
            with gr.Row():
                with gr.Column():
                    self.upload_file = gr.File(label="Document", type="filepath", elem_id="beheer-bestand")
                    with gr.Row():
                        self.upload_name = gr.Textbox(
                            label="Opslaan als (optioneel)", placeholder="naam.md", elem_id="beheer-naam"
                        )
                        self.upload_folder = gr.Dropdown(
                            ["uploads"], value="uploads", label="Map", elem_id="beheer-map"
                        )
                    self.upload_btn = gr.Button("Toevoegen of vervangen", variant="primary", elem_id="beheer-opslaan")
                with gr.Column():
                    self.remove_pick = gr.Dropdown([], label="Document verwijderen", elem_id="beheer-kies")
                    self.remove_btn = gr.Button("Verwijder", variant="stop", elem_id="beheer-verwijder")
                    self.reindex_btn = gr.Button("Opnieuw indexeren", variant="primary", elem_id="beheer-indexeer")
            self.notice = gr.HTML("", elem_id="beheer-melding")
            self.overview = gr.HTML("", elem_id="beheer-overzicht")
            self.table = gr.HTML("", elem_id="beheer-tabel")
            with gr.Accordion("Logboek", open=False, elem_id="beheer-logboek"):
                gr.Markdown(
                    "Inloggen (ook mislukt, met adres), uploads, vervangingen, verwijderingen, herindexeringen "
                    "en toegevoegde of verwijderde gebruikers. Alleen toevoegen: niets wordt gewist."
                )
                self.audit_table = gr.HTML("", elem_id="beheer-audit")
                self.audit_btn = gr.Button("Exporteer logboek als CSV", elem_id="beheer-audit-export")
                self.audit_file = gr.File(
                    label="Logboek (CSV)", visible=False, interactive=False, elem_id="beheer-audit-bestand"
                )
            self.gaps.build()
        return self.tab

    @property
    def io(self) -> list[gr.components.Component]:
        """The components `outputs()` fills, in that order."""
        return [self.notice, self.overview, self.table, self.remove_pick, self.upload_folder, self.audit_table]

    def wire(self, toc: gr.HTML, picker: gr.Dropdown) -> None:
        beheer = dict(concurrency_id="beheer", api_visibility=PRIVATE)
        self.upload_btn.click(
            self.on_upload,
            [self.upload_file, self.upload_name, self.upload_folder],
            [*self.io, self.upload_file, self.upload_name],
            **beheer,
        )
        self.remove_btn.click(self.on_remove, self.remove_pick, self.io, **beheer)
        self.reindex_btn.click(self.on_reindex, None, [*self.io, toc, picker], **beheer)
        self.audit_btn.click(self.on_export, None, self.audit_file, **beheer)
        self.gaps.wire(self.tab)

    # --- handlers ----------------------------------------------------------------------------

    def outputs(self, message: str = "", ok: bool = True) -> tuple:
        """Fresh values for `io`: the status line, summary, document table and both choice lists."""
        view = admin.AdminView.of(self.settings)
        table = documents_table_html(view.rows, admin.HEADERS)
        folders, documents = gr.update(choices=view.folders), gr.update(choices=view.documents, value=None)
        audit = audit_table_html([e.row() for e in self.audit.entries(limit=AUDIT_ROWS)])
        return notice_html(message, ok), f"<p>{esc(view.summary)}</p>", table, documents, folders, audit

    def on_export(self, request: gr.Request) -> dict:
        self.require_admin(request)
        folder = Path(tempfile.mkdtemp(prefix="logboek-"))
        path = folder / f"fusiewijzer-logboek-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        path.write_text(self.audit.to_csv(), "utf-8-sig")  # with BOM: Excel reads it as UTF-8
        return gr.update(value=str(path), visible=True)

    def on_upload(self, path: str | None, name: str, folder: str, request: gr.Request) -> tuple:
        self.require_admin(request)
        if not path:
            return (*self.outputs("Kies eerst een bestand om toe te voegen.", ok=False), gr.skip(), gr.skip())
        try:
            saved = save_upload(self.settings, Path(path), (name or "").strip() or Path(path).name, folder or "uploads")
        except AssistantError as error:
            gr.Warning(str(error), title="Geweigerd")
            return (*self.outputs(str(error), ok=False), None, gr.skip())
        self.record(AuditEvent.REPLACE if saved.replaced else AuditEvent.UPLOAD, request, saved.doc_id)
        return (*self.outputs(saved.message), None, "")

    def on_remove(self, doc: str | None, request: gr.Request) -> tuple:
        self.require_admin(request)
        if not doc:
            return self.outputs("Kies eerst een document om te verwijderen.", ok=False)
        try:
            remove_document(self.settings, doc)
        except AssistantError as error:
            return self.outputs(str(error), ok=False)
        self.record(AuditEvent.REMOVE, request, doc)
        return self.outputs(f"{doc} is verwijderd. Klik op “Opnieuw indexeren” om het ook uit de index te halen.")

    def on_reindex(self, request: gr.Request, progress: gr.Progress = gr.Progress()) -> tuple:  # noqa: B008
        self.require_admin(request)
        progress(0, desc="Documenten lezen…")
        try:
            result = admin.reindex(
                self.settings, lambda done, total, label: progress((done, total), desc=f"Embedden: {label}")
            )
        except AssistantError as error:
            return (*self.outputs(str(error), ok=False), gr.skip(), gr.skip())
        self.record(AuditEvent.REINDEX, request, result.message)
        cat = self.catalog.current()
        return (*self.outputs(result.message), toc_html(cat.entries), gr.update(choices=cat.picker_choices()))
