"""One calm line beside the typing line: the write queue waiting, or why a line was refused."""

from __future__ import annotations

import time

from textual.widgets import Static

from klinikka.i18n import _, ngettext
from klinikka.tui.guard import Guarded
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput

# How often the line looks at the queue, and how long a refusal stays shown.
LOOK_SECONDS = 0.25
REFUSAL_SECONDS = 15.0


class WriteStatus(Guarded, Static):
    DEFAULT_CSS = """
    WriteStatus { height: auto; max-height: 2; padding: 0 1; color: $text-warning; }
    WriteStatus.-refused { color: $text-error; }
    WriteStatus.-empty { display: none; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="-empty")
        self._refusal = ""
        self._refused_at = 0.0
        self._shown = ""

    def on_mount(self) -> None:
        self.set_interval(LOOK_SECONDS, self.look)

    def refused(self, line: str, reason: str, back: bool = True) -> None:
        """A typed line was not saved: say which and why (it is back in its field, or kept
        for Enter on the empty field)."""
        text = " ".join(line.split())
        if len(text) > 40:
            text = text[:39] + "…"
        self._refusal = _("Not saved: “{line}” — {reason}").format(line=text, reason=reason)
        if not back:
            self._refusal += " " + _("Enter on the empty line brings it back.")
        self._refused_at = time.monotonic()
        self.look()

    def tell(self, message: str) -> None:
        """Something about the typing line the typist must see (shown as a refusal is)."""
        self._refusal = message
        self._refused_at = time.monotonic()
        self.look()

    def clear_refusal(self) -> None:
        self._refusal = ""
        self.look()

    def look(self) -> None:
        writes = getattr(self.app, "writes", None)
        waiting = ""
        watch = getattr(self.app, "data_changed", None)
        lost = bool(watch is not None and watch.lost)
        if writes is not None:
            state = writes.state()
            if lost:
                # One line for a server restarting or a network gone; it goes when it is back.
                waiting = _("No connection to the database: connecting again…")
                if state.lines:
                    waiting += " " + ngettext(
                        "{n} line kept; it is saved once the connection is back.",
                        "{n} lines kept; they are saved, in order, once the connection is back.",
                        state.lines,
                    ).format(n=state.lines)
            elif state.waiting and state.pending:
                if state.lines:
                    waiting = ngettext(
                        "Waiting for the database — {n} line kept",
                        "Waiting for the database — {n} lines kept",
                        state.lines,
                    ).format(n=state.lines)
                else:
                    waiting = ngettext(
                        "Waiting for the database — {n} change queued",
                        "Waiting for the database — {n} changes queued",
                        state.pending,
                    ).format(n=state.pending)
            if state.keep_error and state.lines:
                waiting += " " + _("(they cannot be kept in a file: {reason})").format(
                    reason=state.keep_error
                )
        if self._refusal and time.monotonic() - self._refused_at > REFUSAL_SECONDS:
            self._refusal = ""
        kept = sum(len(field.returned) for field in self.screen.query(LineInput))
        if kept and not self._refusal:
            waiting = " ".join(
                part
                for part in (
                    waiting,
                    ngettext(
                        "{n} line not saved is kept: Enter on the empty line brings it back.",
                        "{n} lines not saved are kept: Enter on the empty line brings them back.",
                        kept,
                    ).format(n=kept),
                )
                if part
            )
        shown = "\n".join(part for part in (self._refusal, waiting) if part)
        if shown != self._shown:
            self._shown = shown
            self.update(user_text(shown))
            self.set_class(not shown, "-empty")
            self.set_class(bool(self._refusal), "-refused")
