"""The Summary phase: the summary previewed as it will be exported, the decisions and next
steps written beside it, and the export (ctrl+x)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markdown import Markdown as RichMarkdown
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Static

from klinikka.errors import KlinikkaError
from klinikka.exports.markdown import escape
from klinikka.i18n import N_, _, current_language
from klinikka.models import NoteKind, NoteView
from klinikka.text import strip_controls
from klinikka.tui.messages import WriteDone
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.panel import PhasePanel

if TYPE_CHECKING:
    from sqlalchemy import Engine

NOTE_KINDS = (NoteKind.DECISION, NoteKind.NEXT_STEP, NoteKind.NOTE)
KIND_NAMES = {
    NoteKind.DECISION: N_("Decision"),
    NoteKind.NEXT_STEP: N_("Next step"),
    NoteKind.NOTE: N_("Note"),
}
# The preview shows this much of a long summary (ten thousand ideas make a slow Markdown
# widget); the export always has everything.
PREVIEW_CHARACTERS = 20_000


def preview_text(markdown: str, limit: int = PREVIEW_CHARACTERS) -> str:
    """``markdown`` cut at a line before ``limit`` characters, saying so."""
    if len(markdown) <= limit:
        return markdown
    cut = markdown.rfind("\n", 0, limit)
    more = _("The preview ends here; the export has the whole summary.")
    return markdown[: cut if cut > 0 else limit] + f"\n\n*… {more}*\n"


class SummaryPanel(PhasePanel):
    CURSOR_LIST = "#notes"
    DEFAULT_CSS = """
    SummaryPanel #preview-scroll { width: 1fr; border-right: solid $primary-darken-2; }
    SummaryPanel #notes { width: 40%; }
    SummaryPanel #note-kind { height: 1; padding: 0 1; color: $text-accent; }
    SummaryPanel #note { dock: bottom; }
    """

    def __init__(self, engine: Engine, clinic_id: int, *, id: str | None = None):
        super().__init__(engine, clinic_id, id=id)
        self.kind = NoteKind.DECISION
        self.notes: list[NoteView] = []
        self.preview_source = ""  # the Markdown the preview shows

    def compose(self) -> ComposeResult:
        with Horizontal():
            with VerticalScroll(id="preview-scroll"):
                yield Static(id="preview")
            yield DataTable(cursor_type="row", id="notes")
        yield Static(id="note-kind")
        yield LineInput(clears=True, id="note")

    def on_mount(self) -> None:
        self._show_kind()

    def reload(self) -> None:
        from klinikka.services.notes import list_notes

        self.notes = list_notes(self.engine, self.clinic_id)
        table = self.query_one("#notes", DataTable)
        row = table.cursor_row
        # The text column fills the list's width (40 % of the screen's) less the kind's.
        text_width = max(16, int((self.size.width or self.app.size.width) * 0.4) - 18)
        table.clear(columns=True)
        table.add_column(_("Kind"), width=12)
        table.add_column(_("Text"), width=text_width)
        for note in self.notes:
            table.add_row(_(KIND_NAMES[note.kind]), user_text(note.text, limit=text_width))
        if self.notes:
            table.move_cursor(row=min(row, len(self.notes) - 1))
        self._render_preview()

    @work(thread=True, exclusive=True, group="summary-preview")
    def _render_preview(self) -> None:
        from klinikka.services.exporting import render_export

        try:
            text = render_export(
                self.engine, self.clinic_id, "md", language=current_language()
            ).decode("utf-8")
        except KlinikkaError as error:
            text = escape(str(error))  # shown in the preview's place; the app goes on
        text = preview_text(text)
        if text != self.preview_source:  # parsed here, off the event loop
            self.app.call_from_thread(self._show_preview, text, RichMarkdown(text))

    def _show_preview(self, text: str, rendered: RichMarkdown) -> None:
        # Markdown from the exporter: user text in it is escaped, so it renders as text. Rich
        # renders it in one widget; Textual's Markdown widget made one a block and froze the
        # app for seconds on a long summary.
        self.preview_source = text
        self.query_one("#preview", Static).update(rendered)

    def _show_kind(self) -> None:
        name = _(KIND_NAMES[self.kind])
        self.query_one("#note-kind", Static).update(
            user_text(_("Writing: {kind} (ctrl+t changes)").format(kind=name))
        )
        self.query_one("#note", Input).placeholder = _("{kind} — Enter saves it").format(kind=name)

    def next_kind(self) -> None:
        self.kind = NOTE_KINDS[(NOTE_KINDS.index(self.kind) + 1) % len(NOTE_KINDS)]
        self._show_kind()

    def selected(self) -> NoteView | None:
        table = self.query_one("#notes", DataTable)
        if not self.notes or table.cursor_row >= len(self.notes):
            return None
        return self.notes[table.cursor_row]

    def write(self, line: str) -> None:
        """A typed note: saved through the queue, in the kind chosen when it was typed."""
        from klinikka.writes import line_write, typed_line

        if line.strip():
            typed = typed_line("note", line, clinic_id=self.clinic_id, note_kind=str(self.kind))
            self.save_line(line_write(typed))

    def on_write_done(self, message: WriteDone) -> None:
        message.stop()
        outcome = message.outcome
        assert outcome.write.line is not None
        if outcome.error is not None:
            self.refused(str(outcome.write.line["text"]), outcome.error, "#note")
            return
        self.reload()
        self.move_cursor(len(self.notes))
        self.changed()

    def edit(self) -> None:
        from klinikka.services.notes import edit_note
        from klinikka.tui.screens.dialogs import AskText

        note = self.selected()
        if note is None:
            return

        def save(text: str | None) -> None:
            if text:
                self.save(lambda: edit_note(self.engine, note.id, text))

        shown = " ".join(strip_controls(note.text).split())
        self.app.push_screen(AskText(_(KIND_NAMES[note.kind]) + ":", shown), save)

    def delete(self) -> None:
        from klinikka.services.notes import delete_note

        note = self.selected()
        if note is not None:
            self.save(lambda: delete_note(self.engine, note.id))
