"""A clinic's participants: list, add, edit and remove them (removing is undoable)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import N_, _
from klinikka.models import ParticipantView
from klinikka.services.history import undo
from klinikka.services.participants import (
    add_participant,
    delete_participant,
    list_groups,
    list_participants,
    update_participant,
)
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.saving import QueuedChanges, QueuedSave
from klinikka.tui.screens.clinic_form import line
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from klinikka.writes import Outcome

# Cells are cut to these lengths so the three columns fit a dialog in an 80-column terminal.
NAME_LIMIT = 22
GROUP_LIMIT = 16


class ParticipantForm(Guarded, QueuedSave, ModalScreen[bool]):
    """Add a participant, or edit one: name, organisation and a group of the clinic.

    ctrl+s (or Enter in a line) saves, Escape cancels; a user error is shown in the form.
    Dismisses True when saved.
    """

    DEFAULT_CSS = """
    ParticipantForm Grid { grid-size: 2; grid-columns: 14 1fr; grid-gutter: 0 1; height: auto; }
    ParticipantForm Grid > Label { color: $text-muted; }
    ParticipantForm Input, ParticipantForm SelectCurrent { background: $boost; }
    ParticipantForm Input:focus, ParticipantForm Select:focus > SelectCurrent {
        background: $primary 25%;
    }
    ParticipantForm #form-error { color: $error; height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="participant_form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="participant_form.cancel"),
        # A modal screen hides the app's keys: the app's own help, again (listed once, there).
        Binding("f1", "app.help", show=False),
    ]

    def __init__(
        self, engine: Engine, clinic_id: int, participant: ParticipantView | None = None
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.participant = participant

    def compose(self) -> ComposeResult:
        who = self.participant
        groups = [(user_text(g.name), g.id) for g in list_groups(self.engine, self.clinic_id)]
        group = who.group_id if who and who.group_id is not None else Select.NULL
        with Vertical(classes="dialog"):
            yield Label(_("Edit the participant") if who else _("New participant"), classes="title")
            with Grid():
                yield Label(_("Name"))
                yield LineInput(line(who.name) if who else "", id="name", compact=True)
                yield Label(_("Organisation"))
                yield LineInput(
                    line(who.organisation) if who else "", id="organisation", compact=True
                )
                yield Label(_("Group"))
                yield Select(groups, prompt=_("No group"), value=group, id="group", compact=True)
            yield Static(id="form-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def action_save(self) -> None:
        if self.saving:
            return
        name = self.query_one("#name", Input).value
        organisation = self.query_one("#organisation", Input).value
        chosen = self.query_one("#group", Select).value
        group_id = chosen if isinstance(chosen, int) else None
        who = self.participant
        if who and (who.name, who.organisation, who.group_id) == (name, organisation, group_id):
            self.dismiss(False)
            return
        clinic_id = self.clinic_id
        if who is None:
            self.save_queued(
                lambda engine: add_participant(
                    engine, clinic_id, name, organisation=organisation, group_id=group_id
                )
            )
        else:
            who_id = who.id
            self.save_queued(
                lambda engine: update_participant(
                    engine, who_id, name=name, organisation=organisation, group_id=group_id
                )
            )

    def saved_meanwhile(self, result: object) -> None:
        if isinstance(result, ParticipantView):
            self.participant = result  # added: the next save edits it

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)


class ParticipantsScreen(Guarded, QueuedChanges, ModalScreen[None]):
    """The clinic's participants in a table; n adds, e edits, delete removes, Escape closes."""

    DEFAULT_CSS = """
    ParticipantsScreen DataTable { height: auto; max-height: 15; }
    ParticipantsScreen #no-participants { color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("n", "add", N_("Add"), id="participants.add"),
        Binding("e", "edit", N_("Edit"), id="participants.edit"),
        Binding("delete", "remove", N_("Remove"), id="participants.remove"),
        Binding("ctrl+z", "undo", N_("Undo"), id="participants.undo"),
        Binding("escape", "close", N_("Close"), id="participants.close"),
        Binding("f1,question_mark", "app.help", show=False),
    ]

    def __init__(self, engine: Engine, clinic_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.participants: dict[str, ParticipantView] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(_("Participants"), classes="title")
            table: DataTable[object] = DataTable(cursor_type="row", id="participants")
            table.add_columns(_("Name"), _("Organisation"), _("Group"))
            yield table
            yield Label(_("No participants yet: press n to add one."), id="no-participants")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def reload(self) -> None:
        """Read the participants again; the selected one stays selected."""
        try:
            found = list_participants(self.engine, self.clinic_id)
        except KlinikkaError as error:  # the clinic was deleted, in another klinikka
            self.notify(line(str(error)), severity="error", markup=False)
            self.dismiss(None)
            return
        table = self.query_one(DataTable)
        selected = self.selected()
        table.clear()
        self.participants = {str(p.id): p for p in found}
        for key, who in self.participants.items():
            table.add_row(
                user_text(who.name, limit=NAME_LIMIT),
                user_text(who.organisation, limit=NAME_LIMIT),
                user_text(who.group_name, limit=GROUP_LIMIT),
                key=key,
            )
        if selected is not None and str(selected.id) in table.rows:
            table.move_cursor(row=table.get_row_index(str(selected.id)))
        self.query_one("#no-participants").display = table.row_count == 0

    def selected(self) -> ParticipantView | None:
        """The participant under the cursor, if there is one."""
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.participants.get(key or "")

    def _saved(self, saved: bool | None) -> None:
        if saved:
            self.reload()

    def action_add(self) -> None:
        self.app.push_screen(ParticipantForm(self.engine, self.clinic_id), self._saved)

    def action_edit(self) -> None:
        who = self.selected()
        if who is not None:
            self.app.push_screen(ParticipantForm(self.engine, self.clinic_id, who), self._saved)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_remove(self) -> None:
        # Removing is undoable (ctrl+z here or in the workspace), so it asks nothing.
        who = self.selected()
        if who is None:
            return
        message = _("Removed the participant {name}. ctrl+z undoes.").format(name=who.name)
        who_id = who.id
        self.queue_change(lambda engine: delete_participant(engine, who_id), lambda _done: message)

    def action_undo(self) -> None:
        clinic_id = self.clinic_id

        def said(done: object) -> str:
            return _("Undone: {what}").format(what=done) if done else _("Nothing to undo.")

        self.queue_change(lambda engine: undo(engine, clinic_id), said)

    def saved(self, outcome: Outcome) -> None:
        self.reload()
        said = outcome.write.tag
        if callable(said) and not outcome.already_done:
            self.notify(line(said(outcome.result)), markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
