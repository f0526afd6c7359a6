"""Small modal dialogs: ask for a line of text, confirm, choose one of several."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from klinikka.i18n import N_, _, current_language
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


# The yes and no keys of each language besides y and n: kyllä/ei, ja/nej.
YES_KEYS = {"fi": "k", "sv": "j"}
NO_KEYS = {"fi": "e"}


class Confirm(Guarded, ModalScreen[bool]):
    """Ask yes or no; y (k in Finnish, j in Swedish) confirms, n (e in Finnish) or Escape
    declines. The hint under the question names the keys of the language in use."""

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
        language = current_language()
        if language in YES_KEYS:
            self._bindings.bind(YES_KEYS[language], "answer(True)", show=False)
        if language in NO_KEYS:
            self._bindings.bind(NO_KEYS[language], "answer(False)", show=False)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(user_text(self.question))
            yield Label(_("y = yes, n = no"), classes="hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class Choose(Guarded, ModalScreen[str | None]):
    """Choose one of several options by keyboard; returns the option's id.

    It starts on ``start`` (an option's id) if given. With ``numbered``, the options after
    the first are numbered 1–9 and a digit picks one at once; letters typed move to the first
    option whose name starts with them (as in a file manager).
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="dialog.cancel"),
        Binding("f1,question_mark", "app.help", show=False),
    ]
    # Notifications wait until the question is answered (KlinikkaApp.notify).
    QUESTION = True
    # Letters typed within this long of each other make one prefix.
    TYPED_SECONDS = 1.0

    def __init__(
        self,
        question: str,
        options: list[tuple[str, str]],
        *,
        start: str | None = None,
        numbered: bool = False,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.question = question
        self.options = options
        self.start = start
        self.numbered = numbered
        self._typed = ""
        self._typed_at = 0.0

    def _label(self, index: int, label: str) -> str:
        if self.numbered and 1 <= index <= 9:
            return f"{index}  {label}"
        return f"   {label}" if self.numbered else label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(user_text(self.question))
            yield OptionList(
                *(
                    Option(user_text(self._label(n, label)), id=key)
                    for n, (key, label) in enumerate(self.options)
                ),
                id="choices",
            )

    def on_mount(self) -> None:
        keys = [key for key, _label in self.options]
        if self.start in keys:
            self.query_one("#choices", OptionList).highlighted = keys.index(self.start)

    def on_key(self, event: events.Key) -> None:
        import time

        if not event.is_printable or not event.character:
            return
        event.stop()
        if self.numbered and event.character in "123456789":
            index = int(event.character)
            if index < len(self.options):
                self.dismiss(self.options[index][0])
            return
        now = time.monotonic()
        if now - self._typed_at > self.TYPED_SECONDS:
            self._typed = ""
        self._typed, self._typed_at = self._typed + event.character.casefold(), now
        for n, (_key, label) in enumerate(self.options):
            if label.casefold().startswith(self._typed):
                self.query_one("#choices", OptionList).highlighted = n
                return

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
