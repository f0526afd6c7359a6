"""A form for a clinic's details: title, times, goal, facilitator, note-taker and language."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Select, Static, TextArea

from klinikka.errors import KlinikkaError, ValidationError
from klinikka.i18n import LANGUAGES, N_, _
from klinikka.models import ClinicSummary
from klinikka.services.clinics import get_clinic_summary, parse_when, update_clinic
from klinikka.text import strip_controls
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.saving import QueuedSave, say_under_fields
from klinikka.tui.widgets.line_input import LineInput

if TYPE_CHECKING:
    from sqlalchemy import Engine

# How the form writes a moment, and how an end on the start's day may be written.
WHEN_FORMAT = "%Y-%m-%d %H:%M"
TIME_FORMAT = "%H:%M"
LANGUAGE_NAMES = {"fi": N_("Finnish"), "sv": N_("Swedish"), "en": N_("English")}


def parse_end(value: str, starts_at: datetime | None) -> datetime | None:
    """The end as typed: HH:MM on the start's day, or a full date and time."""
    value = value.strip()
    try:
        time = datetime.strptime(value, TIME_FORMAT).time()
    except ValueError:
        return parse_when(value)
    if starts_at is None:
        raise ValidationError(N_("Give the start’s date first, or write the end as a full date."))
    return datetime.combine(starts_at.date(), time)


def format_end(ends_at: datetime | None, starts_at: datetime | None) -> str:
    """The end as the form shows it: only the time when it is on the start's day."""
    if ends_at is None:
        return ""
    if starts_at is not None and ends_at.date() == starts_at.date():
        return ends_at.strftime(TIME_FORMAT)
    return ends_at.strftime(WHEN_FORMAT)


def line(value: str) -> str:
    """A stored value as one editable line, without control characters."""
    return " ".join(strip_controls(value).split())


class ClinicForm(Guarded, QueuedSave, ModalScreen[bool]):
    """Edit a clinic's details; ctrl+s (or Enter in a line) saves, Escape cancels.

    Dismisses True when something was saved. A user error is shown under the fields and
    the form stays open with everything that was typed. The save goes through the write
    queue (``QueuedSave``).
    """

    DEFAULT_CSS = """
    ClinicForm Grid { grid-size: 2; grid-columns: 14 1fr; grid-gutter: 0 1; height: auto; }
    ClinicForm Grid > Label { color: $text-muted; }
    ClinicForm Input, ClinicForm TextArea, ClinicForm SelectCurrent { background: $boost; }
    ClinicForm Input:focus, ClinicForm TextArea:focus, ClinicForm Select:focus > SelectCurrent {
        background: $primary 25%;
    }
    ClinicForm TextArea { height: 4; padding: 0; }
    ClinicForm #form-error { color: $error; height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="clinic_form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="clinic_form.cancel"),
        # A modal screen hides the app's keys: the app's own help, again (listed once, there).
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self, engine: Engine, clinic_id: int) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.clinic: ClinicSummary | None = None

    def compose(self) -> ComposeResult:
        languages = [(_(LANGUAGE_NAMES[code]), code) for code in LANGUAGES]
        with Vertical(classes="dialog"):
            yield Label(_("Clinic details"), classes="title")
            with Grid():
                yield Label(_("Title"))
                yield LineInput(id="title", compact=True)
                yield Label(_("Starts"))
                yield LineInput(id="starts", placeholder=_("YYYY-MM-DD HH:MM"), compact=True)
                yield Label(_("Ends"))
                yield LineInput(id="ends", placeholder=_("HH:MM"), compact=True)
                yield Label(_("Facilitator"))
                yield LineInput(id="facilitator", compact=True)
                yield Label(_("Note-taker"))
                yield LineInput(id="note-taker", compact=True)
                yield Label(_("Language"))
                yield Select(languages, allow_blank=False, id="language", compact=True)
                yield Label(_("Goal"))
                yield TextArea(id="goal", compact=True)
            yield Static(id="form-error")
        yield Footer()

    def on_mount(self) -> None:
        try:
            self.clinic = clinic = get_clinic_summary(self.engine, self.clinic_id)
        except KlinikkaError as error:
            self.notify(line(str(error)), severity="error", markup=False)
            self.dismiss(False)
            return
        starts = clinic.starts_at.strftime(WHEN_FORMAT) if clinic.starts_at else ""
        for field_id, value in (
            ("#title", line(clinic.title)),
            ("#starts", starts),
            ("#ends", format_end(clinic.ends_at, clinic.starts_at)),
            ("#facilitator", line(clinic.facilitator)),
            ("#note-taker", line(clinic.note_taker)),
        ):
            self.query_one(field_id, Input).value = value
        if clinic.language in LANGUAGES:
            self.query_one("#language", Select).value = clinic.language
        self.query_one("#goal", TextArea).text = strip_controls(clinic.goal)
        self.query_one("#title", Input).focus()

    def changes(self, clinic: ClinicSummary) -> dict[str, Any]:
        """What the form would change, checked; raises ValidationError for a bad date."""
        starts_at = parse_when(self.query_one("#starts", Input).value)
        typed: dict[str, Any] = {
            "title": self.query_one("#title", Input).value,
            "starts_at": starts_at,
            "ends_at": parse_end(self.query_one("#ends", Input).value, starts_at),
            "goal": self.query_one("#goal", TextArea).text,
            "facilitator": self.query_one("#facilitator", Input).value,
            "note_taker": self.query_one("#note-taker", Input).value,
            "language": self.query_one("#language", Select).value,
        }
        return {key: value for key, value in typed.items() if getattr(clinic, key) != value}

    def action_save(self) -> None:
        if self.clinic is None or self.saving:
            return
        try:
            changes = self.changes(self.clinic)
        except KlinikkaError as error:
            say_under_fields(self, str(error))
            return
        if not changes:
            self.dismiss(False)
            return
        clinic_id = self.clinic_id
        self.save_queued(lambda engine: update_clinic(engine, clinic_id, **changes))

    def saved_meanwhile(self, result: object) -> None:
        if isinstance(result, ClinicSummary):
            self.clinic = result

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)
