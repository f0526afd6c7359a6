"""Import ideas from a file (Padlet, Zoom, Teams, text, a CSV list): preview, then import.

Enter on the file reads it and shows what would be imported — how many ideas, the first ones,
what is left out and why, what was typed by hand already — and ctrl+s imports exactly that,
through the command line's own service (``services/importing.py``), all or nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import N_, _, ngettext
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.messages import WriteDone
from klinikka.tui.saving import klinikka_app, shown_message
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.tick_box import TickBox

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


class ImportDialog(Guarded, ModalScreen[int | None]):
    """Returns how many ideas were imported, or None if nothing was."""

    DEFAULT_CSS = """
    ImportDialog .dialog { width: 90%; max-width: 100; height: 90%; }
    ImportDialog Grid { grid-size: 2; grid-columns: 22 1fr; grid-gutter: 0 1; height: auto; }
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
        self._working = False  # a file is being read or imported

    def compose(self) -> ComposeResult:
        formats = [(_(name), code) for code, name in FORMAT_NAMES.items()]
        with Vertical(classes="dialog"):
            yield Label(_("Import ideas from a file"), classes="title")
            with Grid():
                yield Label(_("File"))
                yield LineInput(id="path", compact=True)
                yield Label(_("Format"))
                yield Select(formats, value="auto", allow_blank=False, id="format")
            with Grid(id="columns"):
                yield Label(_("Ideas column"))
                yield LineInput(id="text-column", compact=True)
                yield Label(_("Author column"))
                yield LineInput(id="author-column", compact=True)
                yield Label(_("Group column"))
                yield LineInput(id="group-column", compact=True)
            yield TickBox(_("Zoom: private messages too"), id="private")
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
        # A path typed whole replaces nothing; a bare name is looked for in this folder.
        field.placeholder = str(self.folder) + "/…"
        field.focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self.query_one("#columns").set_class(event.value == "csv", "shown")
        self.query_one("#private").display = event.value in {"auto", "zoom"}
        self._clear()

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._previewed = None  # the preview no longer matches what is typed
        self._error("")

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

    def action_preview(self) -> None:
        choices = self._choices()
        self._error("")
        self._clear()
        if choices[1] == "csv" and not choices[2]:
            self._error(_("A CSV list needs the name of the column with the ideas."))
            return
        self._busy(_("Reading…"))
        self._preview_in_thread(choices)

    @work(thread=True, exclusive=True, group="import")
    def _preview_in_thread(self, choices: tuple[object, ...]) -> None:
        """Read, parse and plan off the event loop (a 20 MB chat takes seconds)."""
        from klinikka.services.importing import plan_import

        try:
            parsed, data = read_and_parse(choices, self.folder, self.database_file())
            name = typed_path(str(choices[0]), self.folder).name
            plan = plan_import(self.engine, self.clinic_id, parsed, file_name=name)
        except KlinikkaError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        except Exception as error:  # the database went away, a disk error: said, not crashed
            self.app.call_from_thread(self._failed, unexpected(error))
            return
        self.app.call_from_thread(self._show, choices, parsed, data, plan)

    def _show(
        self, choices: tuple[object, ...], parsed: Parsed, data: bytes, plan: ImportPlan
    ) -> None:
        if not self.is_current:
            return  # closed while the file was read
        self._busy("")
        if choices != self._choices():
            return  # changed while it was read: Enter again reads what is typed now
        self.query_one("#preview-text", Static).update(describe(plan, preview=True))
        self._previewed = (choices, parsed, data)

    def _failed(self, message: str) -> None:
        if not self.is_current:
            return
        self._busy("")
        self._error(message)

    def _done(self, added: int) -> None:
        if self.is_current:
            self.dismiss(added)

    def _busy(self, message: str) -> None:
        self._working = bool(message)
        hint = message or _("Enter shows what would be imported; ctrl+s imports it.")
        self.query_one("#hint", Static).update(user_text(hint, style="italic" if message else ""))

    def action_save(self) -> None:
        if self._working:
            return
        if self._previewed is None or self._previewed[0] != self._choices():
            self.action_preview()  # shown first: ctrl+s again imports what it shows
            return
        choices, parsed, data = self._previewed
        self._busy(_("Importing…"))
        self._import_in_thread(typed_path(str(choices[0]), self.folder).name, parsed, data)

    def database_file(self) -> Path | None:
        """The file of the database open (None for a server's)."""
        from klinikka.db import sqlite_path

        return sqlite_path(self.engine.url.render_as_string(hide_password=True))

    def _import_in_thread(self, name: str, parsed: Parsed, data: bytes) -> None:
        """The import goes through the write queue, in its turn (a locked database is waited
        for; the dialog says "Importing…" meanwhile)."""
        from klinikka.services.importing import import_ideas
        from klinikka.writes import Write

        clinic_id = self.clinic_id

        def run(engine: Engine) -> object:
            return import_ideas(engine, clinic_id, parsed, file_name=name, raw=data)

        klinikka_app(self).write(Write(run, owner=self))

    def on_write_done(self, message: WriteDone) -> None:
        message.stop()
        outcome, error = message.outcome, message.outcome.error
        if isinstance(error, KlinikkaError):
            self._failed(str(error))
        elif error is not None:  # all or nothing: the transaction rolled back
            from klinikka.crash import report

            report(error, context="an import")
            self._failed(unexpected(error))
        else:
            from klinikka.services.importing import ImportPlan

            plan = outcome.result
            self._done(plan.added if isinstance(plan, ImportPlan) else 0)

    def action_cancel(self) -> None:
        self.dismiss(None)


def unexpected(error: BaseException) -> str:
    """An error no check foresaw, as one line for the dialog."""
    reason = " ".join(str(error).split())[:200] or type(error).__name__
    return _("The import failed and nothing was changed: {reason}").format(reason=reason)


def typed_path(typed: str, folder: Path) -> Path:
    """The path as typed or dropped into the terminal: quotes and ``\\ `` escapes undone, a
    relative path taken from ``folder``."""
    text = typed.strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    elif "\\ " in text:
        text = text.replace("\\ ", " ")
    path = Path(text).expanduser()
    return path if path.is_absolute() else folder / path


def read_and_parse(
    choices: tuple[object, ...], folder: Path, database: Path | None = None
) -> tuple[Parsed, bytes]:
    """The file the dialog names, read and parsed; KlinikkaError says what is wrong. The
    database file itself (``database``) is refused unread: reading it here would drop this
    process's locks on it."""
    from klinikka.db import is_database_file
    from klinikka.errors import ImportFormatError
    from klinikka.importers.base import MAX_FILE_BYTES, CsvColumns, too_large
    from klinikka.importers.detect import parse_file

    typed, file_format, text_column, author_column, group_column, private = choices
    try:
        path = typed_path(str(typed), folder)
        if is_database_file(path, database):
            raise ImportFormatError(
                N_("{path} is klinikka’s own database: choose the file to import from."),
                path=typed,
            )
        if path.stat().st_size > MAX_FILE_BYTES:
            raise too_large(path.stat().st_size)
        data = path.read_bytes()
    except FileNotFoundError as error:
        raise ImportFormatError(N_("There is no file {path}."), path=typed) from error
    except IsADirectoryError as error:
        raise ImportFormatError(N_("{path} is a folder."), path=typed) from error
    except (OSError, RuntimeError, ValueError) as error:
        reason = getattr(error, "strerror", None) or ""
        raise ImportFormatError(
            N_("Cannot read {path}: {reason}"), path=typed, reason=reason
        ) from error
    columns = (
        CsvColumns(str(text_column), str(author_column), str(group_column)) if text_column else None
    )
    parsed = parse_file(
        data, path.name, str(file_format), columns=columns, include_private=bool(private)
    )
    return parsed, data


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
    lines += [user_text(line) for line in plan.preview_lines(_)]
    if plan.first:
        lines.append(user_text(_("The first ideas:"), style="bold"))
        for item in plan.first:
            who = f" — {item.author}" if item.author else ""
            lines.append(user_text("  • " + item.text.replace("\n", " ") + who))
    return Text("\n").join(lines)
