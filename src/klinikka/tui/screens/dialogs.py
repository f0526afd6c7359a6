"""Small modal dialogs: ask for a line of text, confirm, choose one of several."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from klinikka.i18n import N_, _
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput


class AskText(Guarded, ModalScreen[str | None]):
    """Ask for one line of text; Enter answers, Escape cancels."""

    # Notifications wait until the question is answered (KlinikkaApp.notify).
    QUESTION = True
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self, question: str, value: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(user_text(self.question))
            yield LineInput(value=self.value, id="answer")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Confirm(Guarded, ModalScreen[bool]):
    """Ask yes or no; y confirms, n or Escape declines."""

    # Notifications wait until the question is answered (KlinikkaApp.notify).
    QUESTION = True
    BINDINGS = [
        Binding("y", "answer(True)", N_("Yes"), id="dialog.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="dialog.no"),
        Binding("f1,question_mark", "app.help", show=False),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(user_text(self.question))
            yield Label(_("y = yes, n = no"), classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class Choose(Guarded, ModalScreen[str | None]):
    """Choose one of several options by keyboard; returns the option's id."""

    # Notifications wait until the question is answered (KlinikkaApp.notify).
    QUESTION = True
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("f1,question_mark", "app.help", show=False),
    ]

    def __init__(self, question: str, options: list[tuple[str, str]]) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(user_text(self.question))
            yield OptionList(
                *(Option(user_text(label), id=key) for key, label in self.options), id="choices"
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
