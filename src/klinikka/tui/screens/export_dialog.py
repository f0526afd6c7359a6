"""Export the summary: format, path, anonymised or not — through the command line's own code."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Select, Static

from klinikka.errors import KlinikkaError
from klinikka.i18n import LANGUAGES, N_, _, ngettext
from klinikka.services.exporting import FORMATS, export_paths, suggested_name, write_export
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.saving import shown_message
from klinikka.tui.screens.clinic_form import LANGUAGE_NAMES
from klinikka.tui.text import plain, user_text
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.tick_box import TickBox

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from klinikka.models import ClinicSummary

# Added to the suggested name of an anonymised summary (a file name: not translated).
ANONYMISED = "anonymised"
FORMAT_NAMES = {
    "md": N_("Markdown (e-mail, wiki)"),
    "html": N_("HTML (web page with charts, prints on A4)"),
    "csv": N_("CSV (Excel: ideas, and results beside them)"),
    "json": N_("JSON (complete, re-importable)"),
}


class ExportDialog(Guarded, ModalScreen[list[Path] | None]):
    """ctrl+s or Enter writes the file; an error keeps the dialog open with what was typed."""

    DEFAULT_CSS = """
    ExportDialog Grid { grid-size: 2; grid-columns: 12 1fr; grid-gutter: 0 1; height: auto; }
    ExportDialog Grid > Label { color: $text-muted; }
    ExportDialog Input, ExportDialog SelectCurrent { background: $boost; }
    ExportDialog #form-error { color: $error; height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Export"), id="export.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="export.cancel"),
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self, engine: Engine, clinic_id: int, folder: Path | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.folder = folder or export_folder()
        self._writing = False  # an export is being written (ctrl+s again does nothing)

    def compose(self) -> ComposeResult:
        formats = [(_(FORMAT_NAMES[name]), name) for name in FORMATS]
        with Vertical(classes="dialog"):
            yield Label(_("Export the summary"), classes="title")
            with Grid():
                yield Label(_("Format"))
                yield Select(formats, value="md", allow_blank=False, id="format")
                yield Label(_("Language"))
                yield Select(
                    [(_(LANGUAGE_NAMES[code]), code) for code in LANGUAGES],
                    value=self._clinic().language,
                    allow_blank=False,
                    id="language",
                )
                yield Label(_("File"))
                yield LineInput(id="path", compact=True)
                yield Label("")
                yield Static(id="folder", classes="hint")
            yield TickBox(_("Anonymised: no names or organisations"), id="anonymize")
            yield Static(id="form-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#path", Input).value = str(self.folder / self._file_name("md"))
        self.query_one("#path", Input).focus()
        self._show_folder()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "path":
            self._show_folder()

    def _show_folder(self) -> None:
        """The folder the file goes to, whole (the field shows only the end of a long path)."""
        typed = self.query_one("#path", Input).value.strip()
        try:
            folder = (self.folder / Path(typed).expanduser()).parent if typed else self.folder
        except (ValueError, OSError):
            folder = self.folder
        self.query_one("#folder", Static).update(
            shown_message(_("Into the folder {folder}").format(folder=folder))
        )

    def _clinic(self) -> ClinicSummary:
        from klinikka.services.clinics import get_clinic_summary

        return get_clinic_summary(self.engine, self.clinic_id)

    def _file_name(self, file_format: str) -> str:
        clinic = self._clinic()
        day = clinic.starts_at.date().isoformat() if clinic.starts_at else ""
        return suggested_name(clinic.title, day, file_format)

    def on_select_changed(self, event: Select.Changed) -> None:
        # The suggested name follows the format, unless the user has written another.
        if event.select.id != "format":
            return
        field = self.query_one("#path", Input)
        path = Path(field.value)
        if path.suffix.lstrip(".") in FORMATS:
            field.value = str(path.with_suffix(f".{event.value}"))

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        # An anonymised summary is named so: it must not replace the full one, nor the reverse.
        field = self.query_one("#path", Input)
        path = Path(field.value)
        suffix = "-" + ANONYMISED
        if event.value and not path.stem.endswith(suffix):
            field.value = str(path.with_name(path.stem + suffix + path.suffix))
        elif not event.value and path.stem.endswith(suffix):
            field.value = str(path.with_name(path.stem.removesuffix(suffix) + path.suffix))

    def _error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(shown_message(message))

    def action_save(self) -> None:
        from klinikka.tui.screens.dialogs import Confirm

        typed = self.query_one("#path", Input).value.strip()
        file_format = str(self.query_one("#format", Select).value)
        try:
            # A name alone goes into the folder shown; the path said afterwards is whole.
            path = (self.folder / Path(typed).expanduser()).absolute()
            existing = [other for other in export_paths(path, file_format) if other.is_file()]
        except KlinikkaError as error:  # a folder
            self._error(str(error))
            return
        except (RuntimeError, ValueError, OSError):  # "~nobody/x", a NUL, a name too long
            self._error(_("“{path}” is not a path that can be written.").format(path=typed))
            return
        if not existing:
            self._write(path)
            return

        def answer(sure: bool | None) -> None:
            if sure:
                self._write(path)

        names = ", ".join(str(other) for other in existing)
        question = ngettext(
            "{path} exists. Replace it?", "{path} exist. Replace them?", len(existing)
        ).format(path=names)
        self.app.push_screen(Confirm(question), answer)

    def _write(self, path: Path) -> None:
        # A big clinic's HTML takes seconds: written in a thread, the app stays responsive.
        if self._writing:
            return
        self._writing = True
        self.query_one("#form-error", Static).update(user_text(_("Writing…"), style="italic"))
        self._write_in_thread(
            path,
            str(self.query_one("#format", Select).value),
            str(self.query_one("#language", Select).value),
            self.query_one("#anonymize", Checkbox).value,
        )

    @work(thread=True, exclusive=True, group="export")
    def _write_in_thread(
        self, path: Path, file_format: str, language: str, anonymize: bool
    ) -> None:
        try:
            written = write_export(
                self.engine,
                self.clinic_id,
                file_format,
                path,
                language=language,
                anonymize=anonymize,
            )
        except KlinikkaError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        except (ValueError, OSError):  # a path the system refuses in its own way
            message = _("“{path}” is not a path that can be written.").format(path=path)
            self.app.call_from_thread(self._failed, message)
            return
        except Exception as error:  # no check foresaw it: said in one line, not crashed
            reason = " ".join(str(error).split())[:200] or type(error).__name__
            message = _("Cannot write {path}: {reason}").format(path=path, reason=reason)
            self.app.call_from_thread(self._failed, message)
            return
        self.app.call_from_thread(self._done, written)

    def _done(self, written: list[Path]) -> None:
        if self.is_current:
            self.dismiss(written)
            return
        for path in written:  # closed while it was written: still said
            self.app.notify(plain(_("Wrote {path}.").format(path=path)), markup=False)

    def _failed(self, message: str) -> None:
        self._writing = False
        if self.is_current:
            self._error(message)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)


def export_folder() -> Path:
    """Where exports go unless the user says otherwise: the user's documents folder (as
    platformdirs knows it), else the home folder; never the folder klinikka happened to be
    started from."""
    from platformdirs import user_documents_path

    for folder in (user_documents_path(), Path.home()):
        if folder.is_dir():
            return folder
    return Path.cwd()
