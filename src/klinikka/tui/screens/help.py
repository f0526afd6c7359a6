"""Every key of the screen underneath, and the attribution syntax."""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from klinikka.i18n import N_, _
from klinikka.text import strip_controls
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.text import plain, user_text

SYNTAX = (
    N_("Typing ideas: one idea a line, Enter saves."),
    N_("  Maija Virtanen / asukas: the idea   author and stakeholder group"),
    N_("  Maija Virtanen: the idea            author (their group, if known)"),
    N_("  / järjestö: the idea                only the group"),
    N_("  : Note: the idea                    a leading colon keeps the text as it is"),
    N_("Searching (ctrl+f): words in the text, * starred, @group, #theme."),
    N_(
        "Grouping: F6 marks ideas (shift+arrows mark while moving), ctrl+t moves them to a"
        " theme, F7 merges them into the selected idea."
    ),
    N_("Typing ballots (F4): the voter, a colon, then the themes' numbers on the ballot."),
    N_("  Maija: 2                            single choice"),
    N_("  Maija / yritys: 1 1 3               dots (or 1=2 3=1), with the voter's group"),
    N_("  Pekka: 3 1 2                        ranking, the first choice first"),
    N_("  Anna: 1=50 2=30                     points"),
    N_("  Teams: 1=12 2=7 n=25                counts from a poll, n = respondents"),
)


# Which heading a binding's keys are listed under, by the first part of its id ("" is the
# first list: the keys that work everywhere on the screen).
KEY_GROUPS = {
    "idea": N_("Ideas (F2)"),
    "theme": N_("Themes (F3)"),
    "vote": N_("Vote (F4)"),
    "summary": N_("Summary (F5)"),
}


class HelpScreen(Guarded, ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,question_mark", "close", N_("Close"), id="help.close")]

    def __init__(self, underneath: Screen[object]) -> None:
        super().__init__()
        translate_bindings(self)
        self.underneath = underneath

    def compose(self) -> ComposeResult:
        # The keys in groups: the ones that work everywhere, then each phase's own (ctrl+t
        # is "to theme" in Ideas and "decision/next step" in Summary).
        groups: dict[str, list[tuple[str, str]]] = {}
        seen = set()
        for key, binding in list(self.underneath._bindings) + list(self.app._bindings):
            # Ours have ids; Textual's own (focus, copy) are not klinikka's keys to explain.
            if binding.id and binding.description and (binding.action, key) not in seen:
                seen.add((binding.action, key))
                group = KEY_GROUPS.get(binding.id.partition(".")[0], "")
                groups.setdefault(group, []).append(
                    (plain(self.app.get_key_display(binding)), plain(binding.description))
                )
        groups.setdefault("", []).append(("ctrl+p", plain(_("All commands"))))
        width = max(len(key) for keys in groups.values() for key, _description in keys)
        lines = []
        for line in SYNTAX:
            # "example   what it means": the meaning on a line of its own, so a narrow
            # terminal wraps neither.
            parts = re.split(r"\s{2,}", strip_controls(_(line), keep_newlines=False).strip())
            if len(parts) == 2:
                lines.append(Text("  " + parts[0], style="bold"))
                lines.append(Text("      " + parts[1]))
            else:
                lines.append(Text(" ".join(parts)))
        for group in ("", *dict.fromkeys(KEY_GROUPS.values())):
            if group not in groups:
                continue
            heading = _("Keys") if not group else _(group)
            lines += [Text(""), user_text(heading, style="bold")]
            lines += [Text(f"  {key:<{width}}  {text}") for key, text in groups[group]]
        with VerticalScroll(classes="dialog help", id="help-scroll"):
            yield Static(Text("\n").join(lines), id="help-text")

    def on_mount(self) -> None:
        # Focused, the text scrolls with the arrows and page keys (80×24 shows half of it).
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)
