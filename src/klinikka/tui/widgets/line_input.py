"""The one-line input every klinikka field uses: Enter takes the line typed so far.

Textual's Input submits through its "enter" binding, which runs only once the key has gone up
to the app, after the keys typed behind it (a fast typist's, a paste's, a lagging app's) have
already been put into the field: two lines became one. Here Enter is taken in the input's own
key handling, in order with the other keys: the line submitted is exactly what was typed
before Enter, and a field that ``clears`` is empty for the very next key.

A screen with a ``take_line(input, value)`` method (the workspace) is handed the line at once,
inside the Enter's own handling, instead of through a Submitted message: what the line asks for
is in the write queue before the next key is handled, so a key that acts at once (ctrl+z,
which the app runs only once the keys before it are handled) comes after it.

A line the database refused comes back (``restore``) only into the field it left, only while
that field is empty and nothing has been typed into it since that line's Enter: text never
appears under the typist's fingers to be merged with the next line. Otherwise it is kept in
``returned``, and Enter on the empty field brings back the oldest.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from klinikka.text import strip_controls
from klinikka.tui.guard import Guarded


class LineInput(Guarded, Input):
    def __init__(self, value: str | None = None, *, clears: bool = False, **kwargs: object):
        # Coming back to a field must not select its text: the next key would replace it.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(value, **kwargs)  # type: ignore[arg-type]
        # Empty the field at Enter (a phase's typing line); a form's field keeps its value.
        self.clears = clears
        # Refused lines that could not come back at once, oldest first.
        self.returned: list[str] = []
        self._last_taken: str | None = None
        self._typed_since_taken = False

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            value = self.value
            if not value and self.returned:  # a refused line, asked back
                self._put_back(self.returned.pop(0))
                return
            self._last_taken, self._typed_since_taken = value, False
            if self.clears:
                self.value = ""
            take_line = getattr(self.screen, "take_line", None)
            if callable(take_line):
                take_line(self, value)
                return
            validation = self.validate(value) if "submitted" in self.validate_on else None
            self.post_message(self.Submitted(self, value, validation))
            return
        self._typed_since_taken = True
        # The input's own editing keys (backspace, delete, arrows, ctrl+w, ...) are bindings,
        # which Textual runs only once the key has bubbled up to the app: in a burst the
        # characters behind them were inserted first ("abc", backspace, "d" gave "abc", and
        # backspaces before Enter emptied the next line instead). Run here, they act in order.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)

    def restore(self, line: str) -> bool:
        """A line that was not saved: back in the field if it is the last line taken from it
        and nothing was typed since (True), else kept in ``returned`` (False)."""
        if not self.value and not self._typed_since_taken and self._last_taken == line:
            self._put_back(line)
            return True
        self.returned.append(line)
        return False

    def _put_back(self, line: str) -> None:
        self.value = line
        self.cursor_position = len(line)
        self._last_taken = None

    def _on_paste(self, event: events.Paste) -> None:
        # Input keeps only a paste's first line; the words of every line are kept here, and
        # control characters and escape sequences (a copied coloured text) are left out, as
        # they would be when saved: what the field shows is what will be saved.
        text = strip_controls(event.text, keep_newlines=False)
        if text:
            self._typed_since_taken = True
            line = " ".join(text.split())
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(line)
            else:
                self.replace(line, *selection)
        event.stop()
        event.prevent_default()  # Input's own paste handler would insert the first line again
