"""What every phase's panel has: the clinic it shows, and the way it asks for a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

from klinikka.tui.guard import Guarded
from klinikka.tui.saving import klinikka_app
from klinikka.writes import Write

if TYPE_CHECKING:
    from sqlalchemy import Engine

# What to do once a change is saved, with what the service returned (None when it had been
# saved already, by a try whose outcome was not known).
Done = Callable[[object], None]
# What to do when a rule refused it (after the reason is told): e.g. ask again.
Failed = Callable[[BaseException], None]


class Saving:
    """What the workspace keeps about a change a panel asked for, until it is saved."""

    def __init__(self, done: Done | None, reload: bool, failed: Failed | None = None) -> None:
        self.done = done
        self.reload = reload
        self.failed = failed


class PhasePanel(Guarded, Vertical):
    # The list the arrows move in, in this phase (the capture line keeps the focus).
    CURSOR_LIST: ClassVar[str] = ""

    class Changed(Message):
        """The panel changed the clinic without the workspace reading it again (a typed idea
        or ballot): the other phases are read again when next shown."""

    def __init__(self, engine: Engine, clinic_id: int, *, id: str | None = None):
        super().__init__(id=id)
        self.engine = engine
        self.clinic_id = clinic_id

    def changed(self) -> None:
        self.post_message(self.Changed())

    def save(
        self,
        work: Callable[[], object],
        done: Done | None = None,
        *,
        reload: bool = True,
        failed: Failed | None = None,
    ) -> None:
        """Ask for a change (``work`` calls a service, in the write queue's thread). Once it
        is saved the workspace reads the phase again (if ``reload``) and calls ``done``; a user
        error is shown and changes nothing. It is in the queue when this returns (in order with
        the lines typed before it)."""
        saving = Saving(done, reload, failed)
        self._write(Write(lambda _engine: work(), owner=self.screen, tag=saving))

    def save_line(self, write: Write) -> None:
        """Ask for a typed line to be saved; its outcome comes back to this panel."""
        write.owner = self
        self._write(write)

    def _write(self, write: Write) -> None:
        klinikka_app(self).write(write)

    class Refused(Message):
        """A typed line was not saved: the workspace says why, beside the input."""

        def __init__(self, line: str, reason: str, back: bool = True) -> None:
            super().__init__()
            self.line = line
            self.reason = reason
            # Back in its field now; else kept for Enter on the empty field.
            self.back = back

    def refused(self, line: str, error: BaseException, field_id: str) -> None:
        """A typed line was refused: back into its field if nothing was typed since (else kept
        for Enter on the empty field), and why, beside the input; an unforeseen error is also
        reported."""
        from klinikka.errors import KlinikkaError
        from klinikka.tui.widgets.line_input import LineInput

        if isinstance(error, KlinikkaError):
            reason = str(error)
        else:
            from klinikka.crash import one_line

            reason = one_line(error)
            klinikka_app(self).report_error(error, context="saving a typed line")
        back = self.query_one(field_id, LineInput).restore(line)
        self.post_message(self.Refused(line, reason, back))

    def move_cursor(self, step: int) -> None:
        if not self.CURSOR_LIST:
            return
        table = self.query_one(self.CURSOR_LIST, DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def reload(self) -> None:
        """Read this phase's part of the clinic again (every phase's panel has its own)."""
