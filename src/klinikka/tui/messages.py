"""Messages that cross the app: the write queue's outcomes and another klinikka's changes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from klinikka.writes import Outcome


class WriteDone(Message, bubble=False):
    """A write of the queue's is done (saved, refused or failed); sent to the write's owner.

    It does not bubble: the app routes it to the owner, and an owner's parents (or the app,
    which would route it back) must not hear it again."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class DatabaseChanged(Message):
    """Another klinikka changed the database: the screen shown reads what it shows again.

    ``clinics``: the clinics changed, when known; a screen of one clinic (``clinic_id``)
    ignores changes to others. None means any may have changed."""

    def __init__(self, clinics: frozenset[int] | None = None) -> None:
        super().__init__()
        self.clinics = clinics


class Reloads:
    """A screen that shows the database: another klinikka's change is read at once while the
    screen is shown, else when it is shown again. ``reload`` may raise NotFoundError: the
    clinic shown was deleted elsewhere."""

    needs_reload = False

    def on_database_changed(self, message: DatabaseChanged) -> None:
        shown = getattr(self, "clinic_id", None)
        if message.clinics is not None and shown is not None and shown not in message.clinics:
            return  # another clinic changed
        if self._shown():
            self._reload_or_leave()
        else:
            self.needs_reload = True

    def _shown(self) -> bool:
        """On top, or under dialogs only (Textual's ``is_current`` also counts the screen
        right under the top one: the clinics list read 25,000 ideas' counts again, under a
        workspace, at every change)."""
        from textual.screen import ModalScreen

        stack = self.app.screen_stack  # type: ignore[attr-defined]
        if self not in stack:
            return False
        return all(isinstance(screen, ModalScreen) for screen in stack[stack.index(self) + 1 :])

    def on_screen_resume(self, _event: Any) -> None:
        if self.needs_reload:
            self.needs_reload = False
            self._reload_or_leave()

    def _reload_or_leave(self) -> None:
        from klinikka.errors import NotFoundError

        try:
            self.reload()  # type: ignore[attr-defined]
        except NotFoundError:
            self.app.clinic_gone()  # type: ignore[attr-defined]
