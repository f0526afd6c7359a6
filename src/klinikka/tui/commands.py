"""The command palette in the user's language.

Textual's palette and its system commands are in English; klinikka's own palette has the
same behaviour with translated words, and lists klinikka's commands (see
``KlinikkaApp.get_system_commands``).
"""

from __future__ import annotations

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette
from textual.widgets.option_list import Option

from klinikka.i18n import _
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded


class KlinikkaPalette(Guarded, CommandPalette):
    def __init__(self) -> None:
        super().__init__(placeholder=_("Search for commands…"), id="--command-palette")
        translate_bindings(self)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own, with its one English sentence translated (textual is pinned exactly).
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(
                        Align.center(Text(_("No matches found"), style="not bold")),
                        disabled=True,
                        id=self._NO_MATCHES,
                    )
                )
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
