"""The countdown, always visible, and the dialog that sets it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from klinikka.i18n import N_, _, ngettext
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.countdown import PRESET_MINUTES, Countdown, clock
from klinikka.tui.guard import Guarded

if TYPE_CHECKING:
    from klinikka.tui.app import KlinikkaApp


def countdown_of(widget: Static | ModalScreen[object]) -> Countdown | None:
    return getattr(widget.app, "countdown", None)


def timer_text(countdown: Countdown) -> Text:
    if not countdown.active:
        return Text("")
    symbol = "⏸" if not countdown.running and not countdown.rang else "⏱"
    shown = Text(f"{symbol} {clock(countdown.left())}")
    if countdown.label:
        shown.append(" " + countdown.label)
    if countdown.rang:
        shown.append(" " + _("time is up"), style="bold")
    return shown


class TimerDisplay(Guarded, Static):
    """The countdown on one line; it flashes when the time is up."""

    DEFAULT_CSS = """
    TimerDisplay { width: auto; height: 1; padding: 0 1; }
    TimerDisplay.-flash { background: $error; color: $text; text-style: bold; }
    TimerDisplay.-rang { color: $text-error; }
    """

    def on_mount(self) -> None:
        self.show_time()
        self.set_interval(0.5, self.show_time)

    def show_time(self) -> None:
        countdown = countdown_of(self)
        if countdown is not None:
            self.update(timer_text(countdown))
            self.set_class(countdown.rang, "-rang")

    def flash(self) -> None:
        self.add_class("-flash")
        self.set_timer(3, lambda: self.remove_class("-flash"))


class TimerDialog(Guarded, ModalScreen[None]):
    """Presets, a custom time for the agenda item, pause or resume, reset, stop."""

    BINDINGS = [
        Binding("escape", "close", N_("Close"), id="timer.close"),
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        countdown = countdown_of(self)
        options = [
            Option(
                ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes),
                id=f"preset-{minutes}",
            )
            for minutes in PRESET_MINUTES
        ]
        options.append(Option(_("Other time and agenda item…"), id="custom"))
        if countdown is not None and countdown.active:
            if countdown.running:
                options.append(Option(_("Pause"), id="pause"))
            elif not countdown.rang:
                options.append(Option(_("Continue"), id="resume"))
            options.append(Option(_("Reset to the full time"), id="reset"))
            options.append(Option(_("Stop and hide the timer"), id="stop"))
        with Vertical(classes="dialog"):
            yield Label(_("Timer for the current agenda item"), classes="title")
            yield OptionList(*options, id="timer-options")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        from klinikka.tui.screens.dialogs import AskText

        event.stop()
        app: KlinikkaApp = self.app  # type: ignore[assignment]
        countdown = app.countdown
        choice = event.option.id or ""
        if choice.startswith("preset-"):
            countdown.start(int(choice.removeprefix("preset-")) * 60, countdown.label)
        elif choice == "custom":
            self.dismiss(None)
            app.push_screen(
                AskText(_("Minutes (or mm:ss) and the agenda item, e.g. “7:30 Ryhmätyö”:")),
                app.start_custom_timer,
            )
            return
        elif choice == "pause":
            countdown.pause()
        elif choice == "resume":
            countdown.resume()
        elif choice == "reset":
            countdown.reset()
        elif choice == "stop":
            countdown.stop()
        app.show_timers()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
