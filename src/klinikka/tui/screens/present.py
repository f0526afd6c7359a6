"""Present mode: the round on a shared screen, large and high-contrast; Escape returns.

While a round is open it shows the themes on the ballot with their numbers (what voters type
or say), with live bars unless the results are hidden; once closed, the final results and the
winner. The countdown, when set, is shown in large digits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Digits, Static

from klinikka.i18n import N_, _
from klinikka.models import RoundStatus
from klinikka.tally import METHOD_NAMES, RoundResult
from klinikka.tui.bindings import translate_bindings
from klinikka.tui.countdown import clock
from klinikka.tui.guard import Guarded
from klinikka.tui.messages import Reloads
from klinikka.tui.saving import klinikka_app
from klinikka.tui.text import user_text
from klinikka.tui.widgets.results import (
    WINNER_MARK,
    ballot_order,
    bar,
    group_lines,
    mark,
    percent,
)
from klinikka.tui.widgets.timer import countdown_of

if TYPE_CHECKING:
    from sqlalchemy import Engine


class PresentScreen(Guarded, Reloads, Screen[None]):
    DEFAULT_CSS = """
    PresentScreen { background: $background; color: $foreground; }
    PresentScreen #present-head { height: auto; }
    PresentScreen #present-title { width: 1fr; text-style: bold; padding: 1 2 0 2; }
    PresentScreen #present-clock { width: auto; color: $warning; padding: 0 2; }
    PresentScreen #present-clock.-rang { color: $error; }
    PresentScreen #present-round { text-style: bold; color: $warning; padding: 0 2; }
    PresentScreen .theme-name { text-style: bold; padding: 1 2 0 2; }
    PresentScreen .theme-name.leader { color: $success; }
    PresentScreen #present-groups { padding: 1 2 0 2; height: auto; }
    PresentScreen #present-groups.-none { display: none; }
    PresentScreen .theme-row { height: 3; padding: 0 2; }
    PresentScreen .theme-bar { width: 1fr; }
    PresentScreen .theme-share { width: 8; text-align: right; }
    PresentScreen .theme-score { width: auto; min-width: 12; text-align: right; }
    PresentScreen #present-winner { text-style: bold; color: $background; background: $success;
        padding: 1 2; margin: 1 2; height: auto; }
    PresentScreen #present-winner.-none { display: none; }
    PresentScreen #present-footer { dock: bottom; color: $text-muted; padding: 0 2; }
    """
    BINDINGS = [
        Binding("escape,f9", "close", N_("Back"), id="present.close"),
        Binding("g", "by_group", N_("By group"), id="present.by_group"),
        Binding("f1", "app.help", show=False),
    ]

    def __init__(self, engine: Engine, clinic_id: int, round_id: int | None) -> None:
        super().__init__()
        translate_bindings(self)
        self.engine = engine
        self.clinic_id = clinic_id
        self.round_id = round_id
        # Results by stakeholder group (g), small groups folded together.
        self.by_group = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="present-head"):
            yield Static(id="present-title")
            yield Digits("", id="present-clock")
        yield Static(id="present-round")
        yield VerticalScroll(id="present-themes")
        yield Static(id="present-groups", classes="-none")
        yield Static(id="present-winner", classes="-none")
        footer = _("★ winner · ▲ in the lead · g: by group · Esc returns to the workspace")
        yield Static(footer, id="present-footer")

    def on_mount(self) -> None:
        self.reload()
        self.show_clock()
        self.set_interval(0.5, self.show_clock)

    def show_clock(self) -> None:
        countdown = countdown_of(self)  # type: ignore[arg-type]
        digits = self.query_one("#present-clock", Digits)
        if countdown is None or not countdown.active:
            digits.update("")
            return
        digits.update(clock(countdown.left()))
        digits.set_class(countdown.rang, "-rang")

    def reload(self) -> None:
        """Read the round again (a ballot came in here or in another klinikka)."""
        from klinikka.services.clinics import get_clinic_title
        from klinikka.services.voting import get_round, list_rounds, tally_round

        self.query_one("#present-title", Static).update(
            user_text(get_clinic_title(self.engine, self.clinic_id))
        )
        ids = [r.id for r in list_rounds(self.engine, self.clinic_id)]
        if self.round_id not in ids:
            self.round_id = ids[-1] if ids else None
        themes = self.query_one("#present-themes", VerticalScroll)
        winner = self.query_one("#present-winner", Static)
        themes.remove_children()
        if self.round_id is None:
            self.query_one("#present-round", Static).update(_("No voting rounds yet."))
            winner.add_class("-none")
            return
        voting_round = get_round(self.engine, self.round_id)
        result = tally_round(self.engine, self.round_id, by_group=self.by_group)
        status = {
            RoundStatus.DRAFT: _("not open yet"),
            RoundStatus.OPEN: _("voting is open"),
            RoundStatus.CLOSED: _("final results"),
        }[voting_round.status]
        head = _("Round {number}").format(number=voting_round.number)
        if voting_round.title:
            head += " — " + voting_round.title
        ballots = _("ballots: {n}").format(n=result.ballot_count)
        method = _(METHOD_NAMES[voting_round.method])
        self.query_one("#present-round", Static).update(
            user_text(f"{head} · {method} · {status} · {ballots}")
        )
        top = max((s.score for s in result.scores), default=0)
        width = max(10, self.size.width - 40)
        colour = self.app.current_theme.success or "green"
        rows: list[Static | Horizontal] = []
        for number, score in enumerate(ballot_order(result, voting_round.theme_ids), start=1):
            leader = score.theme_id in result.leaders and not result.hidden
            name = user_text(f"{number}  {score.name}")
            if not result.hidden:  # the rank and a symbol: not by colour alone
                name.append(f"   {mark(result, score)} {score.rank}.")
            rows.append(Static(name, classes="theme-name leader" if leader else "theme-name"))
            if not result.hidden:
                line = bar(score.score / top if top else 0, width) or " "
                bars = Text("\n".join([line] * 3), style=colour)
                share = Static(f"\n{percent(score.share)}", classes="theme-share")
                rows.append(
                    Horizontal(
                        Static(bars, classes="theme-bar"),
                        share,
                        Digits(str(score.score), classes="theme-score"),
                        classes="theme-row",
                    )
                )
        themes.mount_all(rows)
        self._show_groups(result, voting_round.theme_ids)
        names = {score.theme_id: score.name for score in result.scores}
        if result.hidden:
            winner.update(_("The results are shown when voting closes."))
            winner.remove_class("-none")
        elif result.winner is not None:
            won = _("Winner: {theme}").format(theme=names[result.winner])
            winner.update(user_text(f"{WINNER_MARK} {won}"))
            winner.remove_class("-none")
        elif result.closed and result.tie:
            tied = ", ".join(names[theme] for theme in result.leaders)
            winner.update(user_text(_("A tie between {themes}").format(themes=tied)))
            winner.remove_class("-none")
        else:
            winner.add_class("-none")

    def _show_groups(self, result: RoundResult, theme_order: list[int]) -> None:
        """Results by stakeholder group, when asked (g): a group of fewer ballots than the
        user's smallest group (settings.toml, 3 by default) is folded into "other groups"."""
        from klinikka.tally import fold_small_groups

        shown = self.query_one("#present-groups", Static)
        if not self.by_group or result.hidden:
            shown.add_class("-none")
            return
        smallest = klinikka_app(self).user_settings.smallest_group
        groups = fold_small_groups(result.by_group, smallest, theme_order, _("Other groups"))
        lines = [Text(_("By stakeholder group"), style="bold"), *group_lines(groups)]
        if not groups:
            message = _("Too few ballots to show by group: a group needs {n} or more.")
            lines.append(user_text(message.format(n=smallest)))
        shown.update(Text("\n").join(lines))
        shown.remove_class("-none")

    def action_by_group(self) -> None:
        self.by_group = not self.by_group
        self.reload()

    def action_close(self) -> None:
        self.app.pop_screen()
