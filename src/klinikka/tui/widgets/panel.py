"""What every phase's panel has: the clinic it shows and the workspace's way to run a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The workspace's ``_run``: a service call whose user error is shown, not raised; it returns
# the call's result (True for None) or None after an error, and reads the phases again.
Run = Callable[..., object | None]


class PhasePanel(Vertical):
    # The list the arrows move in, in this phase (the capture line keeps the focus).
    CURSOR_LIST: ClassVar[str] = ""

    class Changed(Message):
        """The panel changed the clinic without the workspace reading it again (a typed idea
        or ballot): the other phases are read again when next shown."""

    def __init__(self, engine: Engine, clinic_id: int, run: Run, *, id: str | None = None):
        super().__init__(id=id)
        self.engine = engine
        self.clinic_id = clinic_id
        self.run = run

    def changed(self) -> None:
        self.post_message(self.Changed())

    def move_cursor(self, step: int) -> None:
        if not self.CURSOR_LIST:
            return
        table = self.query_one(self.CURSOR_LIST, DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def reload(self) -> None:
        """Read this phase's part of the clinic again (every phase's panel has its own)."""
