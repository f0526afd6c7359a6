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
from klinikka.i18n import LANGUAGES, N_, _, current_language
from klinikka.models import ClinicSummary
from klinikka.services.clinics import create_clinic, get_clinic_summary, update_clinic
from klinikka.text import strip_controls
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.saving import QueuedSave, say_under_fields
from klinikka.tui.widgets.line_input import LineInput
from klinikka.when import format_time, format_when, parse_time, parse_when

if TYPE_CHECKING:
    from sqlalchemy import Engine

LANGUAGE_NAMES = {"fi": N_("Finnish"), "sv": N_("Swedish"), "en": N_("English")}
# The moments the placeholders show as examples, written the user's way.
EXAMPLE_START = datetime(2026, 11, 3, 9, 0)
EXAMPLE_END = datetime(2026, 11, 3, 11, 0)


def parse_end(value: str, starts_at: datetime | None) -> datetime | None:
    """The end as typed: a time alone on the start's day, or a full date and time."""
    moment = parse_time(value) if value.strip() else None
    if moment is None:
        return parse_when(value)
    if starts_at is None:
        raise ValidationError(N_("Give the start’s date first, or write the end as a full date."))
    return datetime.combine(starts_at.date(), moment)


def format_end(ends_at: datetime | None, starts_at: datetime | None, language: str) -> str:
    """The end as the form shows it: only the time when it is on the start's day."""
    if ends_at is None:
        return ""
    if starts_at is not None and ends_at.date() == starts_at.date():
        return format_time(ends_at, language)
    return format_when(ends_at, language)


def line(value: str) -> str:
    """A stored value as one editable line, without control characters."""
    return " ".join(strip_controls(value).split())


class ClinicForm(Guarded, QueuedSave, ModalScreen[bool]):
    """Start a clinic (``clinic_id`` None) or edit one's details; ctrl+s (or Enter in a line)
    saves, Escape cancels. Dates are typed the user's way (``3.11.2026 9.00`` in Finnish)
    or ISO.

    Dismisses True when something was saved; ``clinic`` is then what was saved. A user
    error is shown under the fields and the form stays open with everything that was typed.
    The save goes through the write queue (``QueuedSave``).
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

    def __init__(self, engine: Engine, clinic_id: int | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.clinic: ClinicSummary | None = None

    def compose(self) -> ComposeResult:
        languages = [(_(LANGUAGE_NAMES[code]), code) for code in LANGUAGES]
        language = current_language()
        starts = _("e.g. {example}").format(example=format_when(EXAMPLE_START, language))
        ends = _("e.g. {example}").format(example=format_time(EXAMPLE_END, language))
        heading = _("New clinic") if self.clinic_id is None else _("Clinic details")
        with Vertical(classes="dialog"):
            yield Label(heading, classes="title")
            with Grid():
                yield Label(_("Title"))
                yield LineInput(id="title", compact=True)
                yield Label(_("Starts"))
                yield LineInput(id="starts", placeholder=starts, compact=True)
                yield Label(_("Ends"))
                yield LineInput(id="ends", placeholder=ends, compact=True)
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
        if self.clinic_id is None:
            language = current_language()
            if language in LANGUAGES:
                self.query_one("#language", Select).value = language
            self.query_one("#title", Input).focus()
            return
        try:
            self.clinic = clinic = get_clinic_summary(self.engine, self.clinic_id)
        except KlinikkaError as error:
            self.notify(line(str(error)), severity="error", markup=False)
            self.dismiss(False)
            return
        language = current_language()
        starts = format_when(clinic.starts_at, language) if clinic.starts_at else ""
        for field_id, value in (
            ("#title", line(clinic.title)),
            ("#starts", starts),
            ("#ends", format_end(clinic.ends_at, clinic.starts_at, language)),
            ("#facilitator", line(clinic.facilitator)),
            ("#note-taker", line(clinic.note_taker)),
        ):
            self.query_one(field_id, Input).value = value
        if clinic.language in LANGUAGES:
            self.query_one("#language", Select).value = clinic.language
        self.query_one("#goal", TextArea).text = strip_controls(clinic.goal)
        self.query_one("#title", Input).focus()

    def typed_details(self) -> dict[str, Any]:
        """Everything the fields say, dates read; raises ValidationError for a bad date."""
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
        return typed

    def action_save(self) -> None:
        if self.saving or (self.clinic is None and self.clinic_id is not None):
            return
        try:
            typed = self.typed_details()
        except KlinikkaError as error:
            say_under_fields(self, str(error))
            return
        if self.clinic is None:  # a new clinic
            self.save_queued(lambda engine: create_clinic(engine, **typed), result=self.created)
            return
        clinic = self.clinic
        changes = {key: value for key, value in typed.items() if getattr(clinic, key) != value}
        if not changes:
            self.dismiss(False)
            return
        clinic_id = self.clinic_id
        self.save_queued(lambda engine: update_clinic(engine, clinic_id, **changes))

    def created(self, result: object) -> bool:
        """The new clinic is saved: it is what the form holds (for the list to select)."""
        self.saved_meanwhile(result)
        return True

    def saved_meanwhile(self, result: object) -> None:
        if isinstance(result, ClinicSummary):  # a new clinic is now edited
            self.clinic, self.clinic_id = result, result.id

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)
