"""Set up a voting round: method, limits, hidden results and the themes on the ballot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Footer, Input, Label, Select, SelectionList, Static

from klinikka.errors import KlinikkaError, ValidationError
from klinikka.i18n import N_, _
from klinikka.models import RoundView, VotingMethod
from klinikka.tally import DEFAULT_DOTS, DEFAULT_POINTS, METHOD_NAMES
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.guard import Guarded
from klinikka.tui.saving import QueuedSave, say_under_fields
from klinikka.tui.screens.clinic_form import line
from klinikka.tui.text import user_text
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.tick_box import TickBox

if TYPE_CHECKING:
    from sqlalchemy import Engine

# Which limits each method has (the others are hidden in the form).
LIMITS = {
    VotingMethod.DOTS: ("dots", "cap"),
    VotingMethod.POINTS: ("budget", "cap"),
}


def whole_number(value: str, field: str) -> int | None:
    """A typed limit: empty is "the default", else a whole number."""
    value = value.strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise ValidationError(N_("{field} must be a whole number."), field=field)
    return int(value)


def saved_round(result: object) -> RoundView | None:
    """What the form is dismissed with: the round saved (None when a retry found it saved
    already: the screen beneath reads it again anyway)."""
    return result if isinstance(result, RoundView) else None


class RoundForm(Guarded, QueuedSave, ModalScreen[RoundView | None]):
    """A new round (a draft), or a draft's settings; ctrl+s saves, Escape cancels."""

    DEFAULT_CSS = """
    RoundForm Grid { grid-size: 2; grid-columns: 20 1fr; grid-gutter: 0 1; height: auto; }
    RoundForm Grid > Label { color: $text-muted; }
    RoundForm Input, RoundForm SelectCurrent { background: $boost; }
    RoundForm Input:focus, RoundForm Select:focus > SelectCurrent { background: $primary 25%; }
    RoundForm Checkbox, RoundForm SelectionList { border: none; padding: 0; margin-top: 1; }
    RoundForm SelectionList { height: auto; max-height: 8; background: $boost; }
    RoundForm #form-error { color: $error; height: auto; margin-top: 1; }
    RoundForm .hidden { display: none; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="round_form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="round_form.cancel"),
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self, engine: Engine, clinic_id: int, editing: RoundView | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.editing = editing

    def compose(self) -> ComposeResult:
        from klinikka.services.themes import list_themes

        editing = self.editing
        method = editing.method if editing else VotingMethod.SINGLE
        methods = [(_(METHOD_NAMES[m]), m.value) for m in VotingMethod]
        on_ballot = set(editing.theme_ids) if editing else None
        themes = [
            (user_text(t.name, limit=60), t.id, on_ballot is None or t.id in on_ballot)
            for t in list_themes(self.engine, self.clinic_id)
        ]
        with Vertical(classes="dialog"):
            title = _("Round {number}").format(number=editing.number) if editing else _("New round")
            yield Label(title, classes="title")
            with Grid():
                yield Label(_("Method"))
                yield Select(
                    methods, value=method.value, allow_blank=False, id="method", compact=True
                )
                yield Label(_("Title (optional)"))
                yield LineInput(
                    value=line(editing.title) if editing else "",
                    placeholder=_("e.g. The theme of the next clinic"),
                    id="title",
                    compact=True,
                )
                yield Label(_("Dots per voter"), classes="dots")
                yield LineInput(
                    value=str(editing.dots_per_voter or "") if editing else "",
                    placeholder=str(DEFAULT_DOTS),
                    id="dots",
                    classes="dots",
                    compact=True,
                )
                yield Label(_("Points per voter"), classes="budget")
                yield LineInput(
                    value=str(editing.points_budget or "") if editing else "",
                    placeholder=str(DEFAULT_POINTS),
                    id="budget",
                    classes="budget",
                    compact=True,
                )
                yield Label(_("At most on one theme"), classes="cap")
                yield LineInput(
                    value=str(editing.cap_per_theme or "") if editing else "",
                    placeholder=_("no limit"),
                    id="cap",
                    classes="cap",
                    compact=True,
                )
            yield TickBox(
                _("Hide the results until the round is closed"),
                value=editing.hide_results if editing else False,
                id="hide",
            )
            yield Label(_("Themes on the ballot (space toggles)"), classes="hint")
            yield SelectionList[int](*themes, id="themes")
            yield Static(id="form-error")
        yield Footer()

    def on_mount(self) -> None:
        self._show_limits()
        self.query_one("#method", Select).focus()

    def _method(self) -> VotingMethod:
        return VotingMethod(self.query_one("#method", Select).value)

    def _show_limits(self) -> None:
        shown = LIMITS.get(self._method(), ())
        for name in ("dots", "budget", "cap"):
            for widget in self.query(f".{name}"):
                widget.set_class(name not in shown, "hidden")

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._show_limits()

    def settings(self) -> dict[str, Any]:
        """What the form says, checked as far as the form can (the service checks the rest)."""
        method = self._method()
        shown = LIMITS.get(method, ())

        def limit(name: str, label: str) -> int | None:
            if name not in shown:
                return None
            return whole_number(self.query_one(f"#{name}", Input).value, label)

        return {
            "method": method,
            "title": self.query_one("#title", Input).value,
            "dots_per_voter": limit("dots", _("Dots per voter")),
            "points_budget": limit("budget", _("Points per voter")),
            "cap_per_theme": limit("cap", _("At most on one theme")),
            "hide_results": self.query_one("#hide", Checkbox).value,
            # In the themes' own order, whatever order they were ticked in.
            "theme_ids": self._ballot(),
        }

    def _ballot(self) -> list[int]:
        """The ticked themes in the themes' own order, whatever order they were ticked in."""
        themes: SelectionList[int] = self.query_one("#themes", SelectionList)
        ticked = set(themes.selected)
        order = [themes.get_option_at_index(n).value for n in range(themes.option_count)]
        return [theme_id for theme_id in order if theme_id in ticked]

    def action_save(self) -> None:
        from klinikka.services.voting import create_round, update_round

        if self.saving:
            return
        try:
            settings = self.settings()
        except KlinikkaError as error:
            say_under_fields(self, str(error))
            return
        if self.editing is None:
            clinic_id = self.clinic_id
            self.save_queued(
                lambda engine: create_round(engine, clinic_id, **settings), result=saved_round
            )
            return
        # Only what changed: a round with ballots keeps its rules but may still, say, hide its
        # results or change its title.
        current = self.editing.model_dump()
        if set(settings["theme_ids"]) == set(self.editing.theme_ids):
            del settings["theme_ids"]
        changed = {k: v for k, v in settings.items() if current.get(k) != v}
        round_id = self.editing.id
        self.save_queued(
            lambda engine: update_round(engine, round_id, **changed), result=saved_round
        )

    def saved_meanwhile(self, result: object) -> None:
        if isinstance(result, RoundView):
            self.editing = result  # created: the next save edits it

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(None)
