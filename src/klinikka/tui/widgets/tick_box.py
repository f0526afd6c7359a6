"""A checkbox whose box is empty when it is off.

Textual's Checkbox draws its X in both states and tells them apart by colour alone: a
facilitator read "hide the results" as ticked when it was not, and live results went to the
projector. Here the X is there only when the box is ticked.
"""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    @property  # type: ignore[override]
    def BUTTON_INNER(self) -> str:
        return "X" if self.value else " "
