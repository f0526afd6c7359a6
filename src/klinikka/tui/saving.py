"""Forms and dialogs that save through the app's write queue, never on the event loop.

A ``QueuedSave`` screen hands its change to the queue (``save_queued``), says "Saving…" under
its fields (``#form-error``) while the database has it, ignores a second save meanwhile, and
then either is dismissed with the result or, when a rule refuses the change, shows why in the
same place and stays open with everything typed. Escape while saving closes the form: the
change still goes through in its turn, and the screen beneath hears of it from the app.
Typing goes on while the database has the change; what was typed meanwhile is not thrown
away: the form stays open, saying so, with what was saved as its new starting point
(``saved_meanwhile``), and ctrl+s saves the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual.widgets import Static

from klinikka.i18n import _
from klinikka.tui.messages import DatabaseChanged, WriteDone
from klinikka.tui.text import user_text

if TYPE_CHECKING:
    from rich.text import Text
    from sqlalchemy import Engine
    from textual.dom import DOMNode
    from textual.screen import Screen

    from klinikka.tui.app import KlinikkaApp
    from klinikka.writes import Outcome


def klinikka_app(node: DOMNode) -> KlinikkaApp:
    """The app of a klinikka screen or widget, with klinikka's own methods (``write``)."""
    return cast("KlinikkaApp", node.app)


def shown_message(message: str) -> Text:
    """A message that may quote user text: literal, and wrapped rather than cut short."""
    text = user_text(message)
    text.no_wrap, text.overflow = False, "fold"
    return text


def say_under_fields(screen: Screen[Any], message: str, *, error: bool = True) -> None:
    """A message under a form's fields (``#form-error``); not an error: "Saving…"."""
    field = screen.query_one("#form-error", Static)
    field.update(shown_message(message))
    field.set_class(not error, "-saving")


class QueuedSave:
    """A modal form whose save goes through the write queue (mix in before the screen)."""

    _saving = False
    _sent: tuple[object, ...] = ()

    @property
    def saving(self) -> bool:
        """A change of this form's is with the database now."""
        return self._saving

    def save_queued(
        self,
        run: Callable[[Engine], object],
        *,
        result: Callable[[object], object] = lambda value: True,
    ) -> None:
        """Queue ``run(engine)``; once committed the form is dismissed with ``result`` of what
        ``run`` returned. A second save while one is with the database does nothing."""
        from klinikka.writes import Write

        screen: Any = self
        if self._saving:
            return
        self._saving = True
        self._sent = self.typed()
        say_under_fields(screen, _("Saving…"), error=False)
        klinikka_app(screen).write(Write(run, owner=screen, tag=result))

    def typed(self) -> tuple[object, ...]:
        """Everything the form's fields hold now."""
        from textual.widgets import Checkbox, Input, Select, SelectionList, TextArea

        screen: Any = self
        values: list[object] = []
        for field in screen.query("Input, TextArea, Select, Checkbox, SelectionList"):
            if isinstance(field, Input):
                values.append(field.value)
            elif isinstance(field, TextArea):
                values.append(field.text)
            elif isinstance(field, Select | Checkbox):
                values.append(field.value)
            elif isinstance(field, SelectionList):
                values.append(tuple(field.selected))
        return tuple(values)

    def saved_meanwhile(self, result: object) -> None:
        """The change is saved, and the fields were changed since: ``result`` (what the save
        returned) becomes what the next save is compared with (the form's to say how)."""

    def on_write_done(self, message: WriteDone) -> None:
        screen: Any = self
        message.stop()
        outcome = message.outcome
        self._saving = False
        if outcome.error is None:
            if self.typed() != self._sent and outcome.result is not None:
                self.saved_meanwhile(outcome.result)
                for beneath in screen.app.screen_stack[:-1]:  # they show what was saved
                    beneath.post_message(DatabaseChanged())
                say_under_fields(
                    screen,
                    _("Saved. What you typed since is not saved yet: ctrl+s saves it."),
                    error=False,
                )
                return
            finish = outcome.write.tag
            screen.dismiss(finish(outcome.result) if callable(finish) else True)
            return
        from klinikka.errors import KlinikkaError

        if isinstance(outcome.error, KlinikkaError):
            say_under_fields(screen, str(outcome.error))
        else:  # unforeseen: reported, and the form stays with what was typed
            say_under_fields(screen, "")
            screen.app.report_error(outcome.error, context="a form's save")


class QueuedChanges:
    """A list screen whose changes go through the write queue (mix in before the screen): a
    refusal is told in one line, a change saved goes to ``saved`` (the screen reads again)."""

    def queue_change(self, run: Callable[[Engine], object], tag: object = None) -> None:
        from klinikka.writes import Write

        screen: Any = self
        klinikka_app(screen).write(Write(run, owner=screen, tag=tag))

    def on_write_done(self, message: WriteDone) -> None:
        message.stop()
        outcome = message.outcome
        if outcome.error is not None:
            screen: Any = self
            klinikka_app(screen).tell_error(outcome.error)
            return
        self.saved(outcome)

    def saved(self, outcome: Outcome) -> None:
        """A change of this screen's is saved (``outcome.write.tag`` is what it was queued
        with)."""
