"""Import ideas from a file (Padlet, Zoom, Teams, text, a CSV list): preview, then import.

Enter on the file reads it and shows what would be imported — how many ideas, the first ones,
what is left out and why, what was typed by hand already — and ctrl+s imports exactly that,
through the command line's own service (``services/importing.py``), all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import N_, _, ngettext
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.screens.clinic_form import shown_message
from klinikka.tui.text import user_text

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from klinikka.importers.base import Parsed
    from klinikka.services.importing import ImportPlan

FORMAT_NAMES = {
    "auto": N_("Recognise it"),
    "padlet": N_("Padlet (CSV or ZIP)"),
    "zoom": N_("Zoom chat"),
    "teams": N_("Teams chat (copied)"),
    "text": N_("Text: an idea a line or a paragraph"),
    "csv": N_("CSV list (name the columns)"),
}
MAX_SHOWN = 5


class ImportDialog(ModalScreen[int | None]):
    """Returns how many ideas were imported, or None if nothing was."""

    DEFAULT_CSS = """
    ImportDialog .dialog { width: 90%; max-width: 100; height: 90%; }
    ImportDialog Grid { grid-size: 2; grid-columns: 16 1fr; grid-gutter: 0 1; height: auto; }
    ImportDialog Grid > Label { color: $text-muted; }
    ImportDialog Input, ImportDialog SelectCurrent { background: $boost; }
    ImportDialog #columns { display: none; }
    ImportDialog #columns.shown { display: block; }
    ImportDialog #form-error { color: $error; height: auto; }
    ImportDialog #preview { height: 1fr; border-top: solid $panel; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Import"), id="import.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="import.cancel"),
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self, engine: Engine, clinic_id: int, folder: Path | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.folder = folder or Path.cwd()
        # What the preview showed, and for which choices: ctrl+s imports only that.
        self._previewed: tuple[tuple[object, ...], Parsed, bytes] | None = None

    def compose(self) -> ComposeResult:
        formats = [(_(name), code) for code, name in FORMAT_NAMES.items()]
        with Vertical(classes="dialog"):
            yield Label(_("Import ideas from a file"), classes="title")
            with Grid():
                yield Label(_("File"))
                yield Input(id="path", compact=True)
                yield Label(_("Format"))
                yield Select(formats, value="auto", allow_blank=False, id="format")
            with Grid(id="columns"):
                yield Label(_("Ideas column"))
                yield Input(id="text-column", compact=True)
                yield Label(_("Author column"))
                yield Input(id="author-column", compact=True)
                yield Label(_("Group column"))
                yield Input(id="group-column", compact=True)
            yield Checkbox(_("Zoom: private messages too"), id="private")
            yield Static(
                user_text(_("Enter shows what would be imported; ctrl+s imports it.")),
                id="hint",
            )
            yield Static(id="form-error")
            with VerticalScroll(id="preview"):
                yield Static(id="preview-text")
        yield Footer()

    def on_mount(self) -> None:
        field = self.query_one("#path", Input)
        field.value = str(self.folder) + "/"
        field.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#columns").set_class(event.value == "csv", "shown")
        self._clear()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._previewed = None  # the preview no longer matches what is typed

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._clear()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_preview()

    def _clear(self) -> None:
        self._previewed = None
        self.query_one("#preview-text", Static).update("")

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(shown_message(message))

    def _choices(self) -> tuple[object, ...]:
        return (
            self.query_one("#path", Input).value.strip(),
            self.query_one("#format", Select).value,
            self.query_one("#text-column", Input).value.strip(),
            self.query_one("#author-column", Input).value.strip(),
            self.query_one("#group-column", Input).value.strip(),
            self.query_one("#private", Checkbox).value,
        )

    def _parse(self) -> tuple[Parsed, bytes] | None:
        from klinikka.importers.base import MAX_FILE_BYTES, CsvColumns, too_large
        from klinikka.importers.detect import parse_file

        typed, file_format, text_column, author_column, group_column, private = self._choices()
        assert isinstance(typed, str) and isinstance(text_column, str)
        try:
            path = Path(typed).expanduser()
            if path.stat().st_size > MAX_FILE_BYTES:
                raise too_large(path.stat().st_size)
            data = path.read_bytes()
        except KlinikkaError as error:
            self._error(str(error))
            return None
        except FileNotFoundError:
            self._error(_("There is no file {path}.").format(path=typed))
            return None
        except IsADirectoryError:
            self._error(_("{path} is a folder.").format(path=typed))
            return None
        except (OSError, RuntimeError, ValueError) as error:
            reason = getattr(error, "strerror", None) or ""
            self._error(_("Cannot read {path}: {reason}").format(path=typed, reason=reason))
            return None
        if file_format == "csv" and not text_column:
            self._error(_("A CSV list needs the name of the column with the ideas."))
            return None
        columns = (
            CsvColumns(text_column, str(author_column), str(group_column)) if text_column else None
        )
        try:
            parsed = parse_file(
                data, path.name, str(file_format), columns=columns, include_private=bool(private)
            )
        except KlinikkaError as error:
            self._error(str(error))
            return None
        return parsed, data

    def action_preview(self) -> None:
        from klinikka.services.importing import plan_import

        self._error("")
        self._clear()
        found = self._parse()
        if found is None:
            return
        parsed, data = found
        name = Path(str(self._choices()[0])).name
        try:
            plan = plan_import(self.engine, self.clinic_id, parsed, file_name=name)
        except KlinikkaError as error:
            self._error(str(error))
            return
        self.query_one("#preview-text", Static).update(describe(plan, preview=True))
        self._previewed = (self._choices(), parsed, data)

    def action_save(self) -> None:
        from klinikka.services.importing import import_ideas

        if self._previewed is None or self._previewed[0] != self._choices():
            self.action_preview()  # shown first: ctrl+s again imports what it shows
            return
        choices, parsed, data = self._previewed
        name = Path(str(choices[0])).name
        try:
            plan = import_ideas(self.engine, self.clinic_id, parsed, file_name=name, raw=data)
        except KlinikkaError as error:
            self._error(str(error))
            return
        self.dismiss(plan.added)

    def action_cancel(self) -> None:
        self.dismiss(None)


def describe(plan: ImportPlan, *, preview: bool) -> Text:
    """What an import would do (or did), as lines of plain text."""
    count = len(plan.new)
    if preview:
        headline = ngettext(
            "{count} idea would be added from {file}.",
            "{count} ideas would be added from {file}.",
            count,
        )
    else:
        headline = ngettext(
            "{count} idea added from {file}.", "{count} ideas added from {file}.", count
        )
    lines = [user_text(headline.format(count=count, file=plan.file_name), style="bold")]
    if plan.already:
        lines.append(
            user_text(
                _("Already imported before, not added again: {count}.").format(count=plan.already)
            )
        )
    if plan.typed:
        lines.append(
            user_text(_("Already typed by hand, not added: {count}.").format(count=len(plan.typed)))
        )
        lines += [
            user_text("  = " + item.text.replace("\n", " ")) for item in plan.typed[:MAX_SHOWN]
        ]
    if plan.new_themes:
        lines.append(
            user_text(
                _("New themes from the file's sections: {themes}.").format(
                    themes=", ".join(plan.new_themes)
                )
            )
        )
    if plan.unknown_groups:
        lines.append(
            user_text(
                _("No stakeholder group is called {groups}: those ideas have none.").format(
                    groups=", ".join(plan.unknown_groups)
                )
            )
        )
    if plan.skipped:
        lines.append(user_text(_("Left out: {count}.").format(count=len(plan.skipped))))
        lines += [
            user_text(f"  {times} × " + _(reason)) for reason, times in plan.skipped_by_reason()
        ]
    if plan.first:
        lines.append(user_text(_("The first ideas:"), style="bold"))
        for item in plan.first:
            who = f" — {item.author}" if item.author else ""
            lines.append(user_text("  • " + item.text.replace("\n", " ") + who))
    return Text("\n").join(lines)
