"""The list of clinics: open, create, edit, duplicate, archive and delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from klinikka.i18n import N_, _, current_language
from klinikka.models import ClinicSummary
from klinikka.tui.bindings import FooterOrder, translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.messages import Reloads
from klinikka.tui.saving import QueuedChanges
from klinikka.tui.screens.dialogs import Confirm
from klinikka.tui.text import user_text
from klinikka.tui.widgets.write_status import WriteStatus

if TYPE_CHECKING:
    from klinikka.tui.app import KlinikkaApp
    from klinikka.writes import Outcome


class ClinicsScreen(Guarded, QueuedChanges, Reloads, FooterOrder, Screen[None]):
    BINDINGS = [
        # Priority: it opens the clinic at once, not through the list's own Enter (a message
        # later), so that what is typed straight after goes into the clinic.
        Binding("enter", "open", N_("Open"), id="clinics.open", priority=True),
        Binding("n", "new", N_("New"), id="clinics.new"),
        Binding("e", "edit", N_("Edit details"), id="clinics.edit"),
        Binding("c", "duplicate", N_("Copy as template"), id="clinics.duplicate"),
        Binding("a", "archive", N_("Archive"), id="clinics.archive"),
        Binding("delete", "delete", N_("Delete"), id="clinics.delete"),
        Binding("h", "show_archived", N_("Show archived"), id="clinics.archived"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.show_archived = False
        self._select: int | None = None

    @property
    def klinikka(self) -> KlinikkaApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(user_text(self.app.title), classes="app-title")
        yield Static(_("Clinics"), classes="title")
        table: DataTable[object] = DataTable(cursor_type="row", id="clinics")
        table.add_columns(_("Date"), _("Title"), _("Ideas"), _("Themes"), _("Rounds"), _("Status"))
        yield table
        yield Static(_("No clinics yet: press n to create one."), id="empty")
        yield WriteStatus(id="write-status")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()

    def on_screen_resume(self, _event: object) -> None:
        # Back from a clinic: its counts have changed.
        self.needs_reload = False
        self.reload()

    def reload(self) -> None:
        from klinikka.services.clinics import list_clinics
        from klinikka.when import format_day

        table = self.query_one("#clinics", DataTable)
        selected = self._select if self._select is not None else self.selected_id()
        self._select = None
        table.clear()
        engine = self.klinikka.engine
        assert engine is not None
        language = current_language()
        for clinic in list_clinics(engine, include_archived=self.show_archived):
            table.add_row(
                format_day(clinic.starts_at.date(), language) if clinic.starts_at else "",
                user_text(clinic.title, limit=80),
                str(clinic.idea_count),
                str(clinic.theme_count),
                str(clinic.round_count),
                _("archived") if clinic.status == "archived" else "",
                key=str(clinic.id),
            )
        self.query_one("#empty").display = table.row_count == 0
        if selected is not None and str(selected) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected)))
        table.focus()

    def selected_id(self) -> int | None:
        table = self.query_one("#clinics", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def saved(self, outcome: Outcome) -> None:
        made = outcome.result
        if isinstance(made, ClinicSummary):
            self._select = made.id  # a new clinic (or copy) is where the cursor goes
        self.reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        from klinikka.tui.screens.workspace import WorkspaceScreen

        clinic_id = self.selected_id()
        if clinic_id is not None:
            self.app.push_screen(WorkspaceScreen(clinic_id))

    def action_new(self) -> None:
        from klinikka.tui.screens.clinic_form import ClinicForm

        engine = self.klinikka.engine
        if engine is None:
            return
        form = ClinicForm(engine)

        def created(done: bool | None) -> None:
            if done and form.clinic is not None:
                self._select_new(form.clinic.id)

        self.app.push_screen(form, created)

    def _select_new(self, clinic_id: int) -> None:
        self._select = clinic_id  # the cursor goes to the new clinic
        self.reload()

    def action_edit(self) -> None:
        from klinikka.tui.screens.clinic_form import ClinicForm

        clinic_id, engine = self.selected_id(), self.klinikka.engine
        if clinic_id is None or engine is None:
            return

        def saved(done: bool | None) -> None:
            if done:
                self.reload()

        self.app.push_screen(ClinicForm(engine, clinic_id), saved)

    def action_duplicate(self) -> None:
        from klinikka.services.clinics import duplicate_clinic

        clinic_id = self.selected_id()
        if clinic_id is not None:
            self.queue_change(lambda engine: duplicate_clinic(engine, clinic_id))

    def action_archive(self) -> None:
        from klinikka.services.clinics import get_clinic_summary, set_archived

        clinic_id, engine = self.selected_id(), self.klinikka.engine
        if clinic_id is None or engine is None:
            return
        archived = get_clinic_summary(engine, clinic_id).status == "archived"
        self.queue_change(lambda engine: set_archived(engine, clinic_id, not archived))

    def action_show_archived(self) -> None:
        self.show_archived = not self.show_archived
        self.reload()

    def action_delete(self) -> None:
        from klinikka.services.clinics import delete_clinic, get_clinic_summary

        clinic_id, engine = self.selected_id(), self.klinikka.engine
        if clinic_id is None or engine is None:
            return
        title = get_clinic_summary(engine, clinic_id).title

        def delete(sure: bool | None) -> None:
            if sure:
                self.queue_change(lambda engine: delete_clinic(engine, clinic_id))

        question = _("Delete the clinic “{title}” and everything in it for good?")
        self.app.push_screen(Confirm(question.format(title=title)), delete)
