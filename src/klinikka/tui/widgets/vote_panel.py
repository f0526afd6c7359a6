"""The Vote phase: a round's state and bars, its ballots, and the line that enters a ballot.

The workspace's keys call the methods here (``new_round``, ``toggle_open``, …); every change
goes through the services, and the panel then reads the round again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Static

from klinikka.errors import BallotExistsError, KlinikkaError
from klinikka.i18n import N_, _, ngettext
from klinikka.models import BallotView, RoundStatus, RoundView, VotingMethod
from klinikka.tally import METHOD_NAMES
from klinikka.tui.messages import WriteDone
from klinikka.tui.text import plain, user_text
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.panel import PhasePanel
from klinikka.tui.widgets.results import group_lines, result_bars

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from klinikka.tally import RoundResult

STATUS_NAMES = {
    RoundStatus.DRAFT: N_("draft"),
    RoundStatus.OPEN: N_("open"),
    RoundStatus.CLOSED: N_("closed"),
}
# How a ballot is typed, for the method of the round shown.
SYNTAX = {
    VotingMethod.SINGLE: N_("Name: 2 — the number of the chosen theme"),
    VotingMethod.DOTS: N_("Name: 1 1 3 — a number a dot (or 1=2 3=1)"),
    VotingMethod.RANKING: N_("Name: 3 1 2 — the themes in order of preference"),
    VotingMethod.POINTS: N_("Name: 1=50 2=30 — points for each theme"),
    VotingMethod.AGGREGATE: N_("Teams: 1=12 2=7 n=25 — counts from a poll (n = respondents)"),
}


def limits_text(voting_round: RoundView) -> str:
    """The round's limits in words: "3 dots per voter, at most 2 on one theme"."""
    parts = []
    if voting_round.method is VotingMethod.DOTS:
        dots = voting_round.dots_per_voter or 3
        parts.append(ngettext("{n} dot per voter", "{n} dots per voter", dots).format(n=dots))
    if voting_round.method is VotingMethod.POINTS:
        points = voting_round.points_budget or 100
        per_voter = ngettext("{n} point per voter", "{n} points per voter", points)
        parts.append(per_voter.format(n=points))
    if voting_round.cap_per_theme:
        parts.append(_("at most {n} on one theme").format(n=voting_round.cap_per_theme))
    if voting_round.hide_results and voting_round.status is not RoundStatus.CLOSED:
        parts.append(_("results hidden until closed"))
    return ", ".join(parts)


def choices_text(ballot: BallotView, order: list[int], *, hidden: bool = False) -> str:
    """A ballot's choices as the ballot line writes them (theme numbers); with the results
    hidden, only that there is a ballot (the list would give the count away)."""
    if hidden:
        return "✓"
    number = {theme_id: n for n, theme_id in enumerate(order, start=1)}
    if ballot.ranking:
        return " ".join(str(number.get(theme, "?")) for theme in ballot.ranking)
    if all(value == 1 for value in ballot.values.values()):
        return " ".join(str(number.get(theme, "?")) for theme in ballot.values)
    return " ".join(f"{number.get(theme, '?')}={value}" for theme, value in ballot.values.items())


# A ballot typed is listed as being saved once its save has taken this long (seconds).
PENDING_AFTER = 0.15


class VotePanel(PhasePanel):
    CURSOR_LIST = "#ballots"
    DEFAULT_CSS = """
    VotePanel #round-head { text-style: bold; padding: 0 1; height: 1; }
    VotePanel #round-limits { color: $text-muted; padding: 0 1; height: 1; }
    VotePanel #bars-scroll { width: 1fr; padding: 0 1; }
    VotePanel #ballots { width: 27; border-left: solid $primary-darken-2; }
    VotePanel #round-note { padding: 0 1; height: auto; color: $text-warning; }
    VotePanel #ballots-pending {
        padding: 0 1; height: auto; max-height: 3; color: $text-muted; display: none;
    }
    VotePanel #ballot { dock: bottom; }
    """

    def __init__(self, engine: Engine, clinic_id: int, *, id: str | None = None):
        super().__init__(engine, clinic_id, id=id)
        self.round_id: int | None = None  # the round shown (None: the latest)
        self.by_group = False
        self.round: RoundView | None = None
        self.result: RoundResult | None = None
        self._shown_ballots: list[int] = []
        self._round_ids: list[int] = []
        self._ballots_hidden = False
        # Ballots typed and not saved yet: uid -> the line.
        self._pending: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="round-head")
        yield Static(id="round-limits")
        with Horizontal():
            with VerticalScroll(id="bars-scroll"):
                yield Static(id="bars")
            yield DataTable(cursor_type="row", id="ballots")
        yield Static(id="round-note")
        # Shown only while ballots are being saved: no line taken from the list otherwise.
        yield Static(id="ballots-pending")
        yield LineInput(clears=True, id="ballot")

    def on_mount(self) -> None:
        table = self.query_one("#ballots", DataTable)
        table.add_column(_("Voter"), width=13)
        table.add_column(_("Choices"), width=8)
        self.app.theme_changed_signal.subscribe(self, lambda _theme: self.on_resize())

    # ------------------------------------------------------------------ reading

    def on_resize(self) -> None:
        if self.round is not None:
            self._show(len(self._round_ids))

    def reload(self) -> None:
        from klinikka.services.voting import list_rounds, tally_round

        rounds = list_rounds(self.engine, self.clinic_id)
        self._round_ids = ids = [r.id for r in rounds]
        if self.round_id not in ids:
            self.round_id = ids[-1] if ids else None
        if self.round_id is None:
            self.round = self.result = None
        else:
            self.round = next(r for r in rounds if r.id == self.round_id)
            self.result = tally_round(self.engine, self.round_id, by_group=self.by_group)
        self._show(len(rounds))
        self._reload_ballots()

    def _show(self, round_count: int) -> None:
        head = self.query_one("#round-head", Static)
        limits = self.query_one("#round-limits", Static)
        bars = self.query_one("#bars", Static)
        note = self.query_one("#round-note", Static)
        field = self.query_one("#ballot", Input)
        voting_round, result = self.round, self.result
        if voting_round is None or result is None:
            head.update(_("No voting rounds yet."))
            limits.update("")
            bars.update(_("ctrl+r sets up a round: its method, limits and the themes on it."))
            note.update("")
            field.placeholder = ""
            field.disabled = True
            return
        # The facts first, the round's own title last: a narrow screen cuts the title, never
        # the status or the ballot count.
        facts = [
            _("Round {number}").format(number=voting_round.number),
            _(METHOD_NAMES[voting_round.method]),
            _(STATUS_NAMES[voting_round.status]),
            _("ballots: {n}").format(n=result.ballot_count),
        ]
        if round_count > 1:
            facts.append(_("PgUp/PgDn: other rounds"))
        shown_head = " · ".join(facts)
        if voting_round.title:
            shown_head += " — " + voting_round.title
        head_text = user_text(shown_head)
        head_text.no_wrap, head_text.overflow = True, "ellipsis"
        head.update(head_text)
        limits.update(user_text(limits_text(voting_round)))
        # The panel may not be laid out yet when it is first shown: the screen's width then.
        # (less the ballots list, the padding and a scrollbar)
        width = max(30, (self.size.width or self.app.size.width) - 32)
        hidden = result.hidden
        colour = self.app.current_theme.success or "green"
        shown = result_bars(result, voting_round.theme_ids, width, hidden=hidden, colour=colour)
        if self.by_group and not hidden:
            shown = Text("\n").join([shown, *self._group_lines(result)])
        bars.update(shown)
        note.update(user_text(self._note(voting_round, result)))
        is_open = voting_round.status is RoundStatus.OPEN
        field.disabled = not is_open
        field.placeholder = _(SYNTAX[voting_round.method]) if is_open else ""
        if is_open and self.display and not field.has_focus:
            field.focus()  # an open round shown (browsed to, a runoff): ballots come next

    def _group_lines(self, result: RoundResult) -> list[Text]:
        lines = [Text(""), user_text(_("By stakeholder group"), style="bold")]
        lines += group_lines(result.by_group)
        if not result.by_group:
            lines.append(user_text(_("No ballots yet.")))
        return lines

    def _note(self, voting_round: RoundView, result: RoundResult) -> str:
        names = {score.theme_id: score.name for score in result.scores}
        if voting_round.status is RoundStatus.DRAFT:
            return _("A draft: ctrl+o opens it for ballots, ctrl+e changes its settings.")
        if result.hidden:
            return _("The results are hidden until the round is closed (ctrl+o).")
        if voting_round.status is RoundStatus.OPEN:
            return _("Open: type ballots below; ctrl+o closes the round.")
        tied = ", ".join(names[theme] for theme in result.leaders)
        if result.winner is not None:
            how = {
                "runoff": _("won the runoff"),
                "decision": _("chosen by the facilitator"),
            }.get(result.decided_by or "", "")
            winner = _("Winner: {theme}").format(theme=names[result.winner])
            return f"{winner} ({how})" if how else winner
        if result.tie:
            message = _(
                "A tie between {themes}: ctrl+w starts a runoff, ctrl+k records a decision."
            )
            return message.format(themes=tied)
        return _("Closed without votes.")

    def _reload_ballots(self) -> None:
        from klinikka.services.voting import ballot_ids, list_ballots

        table = self.query_one("#ballots", DataTable)
        ids = ballot_ids(self.engine, self.round_id) if self.round_id else []
        hidden = self.result is not None and self.result.hidden
        shown = self._shown_ballots
        if (
            shown
            and ids[: len(shown)] == shown
            and self.round is not None
            and hidden == self._ballots_hidden
        ):  # the usual case: one more ballot, read alone (500 read again took 27 ms)
            new = list_ballots(self.engine, self.round_id, after=shown[-1]) if ids != shown else []
        else:
            table.clear()
            shown = []
            new = list_ballots(self.engine, self.round_id) if self.round_id else []
        order = self.round.theme_ids if self.round else []
        for ballot in new:
            choices = choices_text(ballot, order, hidden=hidden)
            table.add_row(user_text(ballot.voter, limit=30), user_text(choices))
        # What the table lists (a ballot saved between the two reads is in ``new``).
        self._shown_ballots = [*shown, *(ballot.id for ballot in new)]
        self._ballots_hidden = hidden
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    # ------------------------------------------------------------------ actions

    def cast(self, line: str, *, replace: bool = False) -> None:
        """Enter a typed ballot: its syntax is checked at once (a mistake puts the line back
        with the reason), the round's rules when it is saved; shown as being saved till then."""
        from klinikka.services.ballot_lines import parse_ballot_line
        from klinikka.writes import line_write, typed_line

        voting_round = self.round
        if not line.strip() or voting_round is None:
            return
        try:
            parse_ballot_line(line, voting_round.method, len(voting_round.theme_ids))
        except KlinikkaError as error:
            self.refused(line, error, "#ballot")
            return
        typed = typed_line(
            "ballot", line, round_id=voting_round.id, clinic_id=self.clinic_id, replace=replace
        )
        self._pending[typed["uid"]] = line
        # Shown only if the save takes a moment: a line that comes and goes at each ballot
        # would move the list under it twice (the whole panel laid out and drawn again).
        self.set_timer(PENDING_AFTER, self._show_pending)
        self.save_line(line_write(typed))

    def on_write_done(self, message: WriteDone) -> None:
        message.stop()
        outcome = message.outcome
        line = outcome.write.line
        assert line is not None
        self._pending.pop(str(line["uid"]), None)
        self._show_pending()
        text = str(line["text"])
        if isinstance(outcome.error, BallotExistsError):
            self._ask_replace(text, outcome.error)
        elif outcome.error is not None:
            self.refused(text, outcome.error, "#ballot")
        elif (
            isinstance(outcome.result, BallotView)
            and outcome.result.round_id == self.round_id
            and not line.get("replace")
        ):
            self._after_ballot(outcome.result)
        else:  # a replaced ballot, saved by an earlier try, or into a round not shown now
            self.reload()
            self.changed()

    def _ask_replace(self, line: str, error: BallotExistsError) -> None:
        from klinikka.tui.screens.dialogs import Confirm

        def replace(sure: bool | None) -> None:
            if sure:
                self.cast(line, replace=True)
            else:
                self.query_one("#ballot", LineInput).restore(line)

        question = _("{message} Replace the ballot?").format(message=plain(str(error)))
        self.app.push_screen(Confirm(question), replace)

    def _show_pending(self) -> None:
        """Ballots typed and not saved yet, under the bars (the list shows saved ones)."""
        pending = self.query_one("#ballots-pending", Static)
        if not self._pending:
            if pending.display:
                pending.display = False
                pending.update("")
            return
        pending.display = True
        lines = " · ".join(" ".join(line.split()) for line in self._pending.values())
        pending.update(user_text(_("Being saved: {lines}").format(lines=lines), style="italic"))

    def _after_ballot(self, ballot: BallotView) -> None:
        """One more ballot: the bars and the list change, nothing else needs reading."""
        from klinikka.services.voting import tally_round

        if self.round is None or self.round_id is None:
            return
        self.result = tally_round(self.engine, self.round_id, by_group=self.by_group)
        self.round = self.round.model_copy(update={"ballot_count": self.result.ballot_count})
        self._show(len(self._round_ids))
        table = self.query_one("#ballots", DataTable)
        table.add_row(
            user_text(ballot.voter, limit=30),
            user_text(choices_text(ballot, self.round.theme_ids, hidden=self.result.hidden)),
        )
        self._shown_ballots.append(ballot.id)
        table.move_cursor(row=table.row_count - 1)
        self.changed()

    def new_round(self) -> None:
        from klinikka.tui.screens.round_form import RoundForm

        def created(saved: RoundView | None) -> None:
            if saved is not None:
                self.round_id = saved.id
                self.reload()

        self.app.push_screen(RoundForm(self.engine, self.clinic_id), created)

    def edit_round(self) -> None:
        from klinikka.tui.screens.round_form import RoundForm

        if self.round is None:
            return

        def saved(changed: RoundView | None) -> None:
            if changed is not None:
                self.reload()

        self.app.push_screen(RoundForm(self.engine, self.clinic_id, self.round), saved)

    def toggle_open(self) -> None:
        from klinikka.services.voting import close_round, open_round

        voting_round = self.round
        if voting_round is None:
            return

        def done(_result: object) -> None:
            field = self.query_one("#ballot", LineInput)
            if not field.disabled:
                field.focus()

        def close() -> None:
            self.save(lambda: close_round(self.engine, voting_round.id), done)

        def reopen() -> None:
            self.save(lambda: open_round(self.engine, voting_round.id), done)

        ballots = self.result.ballot_count if self.result is not None else 0
        if voting_round.status is RoundStatus.OPEN:
            if ballots:
                close()
            else:  # closing a round nobody voted in is rarely meant
                self._ask(_("No ballots have been cast in this round. Close it anyway?"), close)
        elif voting_round.status is RoundStatus.CLOSED:
            # Its result may be on the shared screen: reopening takes the winner away.
            self._ask(
                _("The round is closed and its result is shown. Reopen it for more ballots?"),
                reopen,
            )
        else:
            reopen()  # a draft opens at once

    def _ask(self, question: str, then: Callable[[], None]) -> None:
        from klinikka.tui.screens.dialogs import Confirm

        self.app.push_screen(Confirm(question), lambda sure: then() if sure else None)

    def toggle_by_group(self) -> None:
        self.by_group = not self.by_group
        self.reload()

    def step_round(self, step: int) -> None:
        from klinikka.services.voting import list_rounds

        ids = [r.id for r in list_rounds(self.engine, self.clinic_id)]
        if self.round_id in ids:
            index = max(0, min(len(ids) - 1, ids.index(self.round_id) + step))
            self.round_id = ids[index]
            self.reload()

    def runoff(self) -> None:
        from klinikka.services.voting import start_runoff

        if self.round is None:
            return
        round_id = self.round.id

        def started(runoff: object) -> None:
            if isinstance(runoff, RoundView):
                self.round_id = runoff.id
                self.reload()

        self.save(lambda: start_runoff(self.engine, round_id), started)

    def decide(self) -> None:
        from klinikka.services.voting import record_decision
        from klinikka.tui.screens.dialogs import AskText, Choose

        voting_round, result = self.round, self.result
        if voting_round is None or result is None:
            return
        if not (result.closed and result.tie and result.winner is None):
            self.notify(plain(_("There is no tie to decide in this round.")), markup=False)
            return
        names = {score.theme_id: score.name for score in result.scores}
        options = [(str(theme), names[theme]) for theme in result.leaders]

        def chosen(theme: str | None) -> None:
            if theme is None:
                return

            def reason(note: str | None) -> None:
                if note is not None:
                    self.save(
                        lambda: record_decision(self.engine, voting_round.id, int(theme), note)
                    )

            self.app.push_screen(AskText(_("The reason for the decision (optional):")), reason)

        question = _("Which of the tied themes did the facilitator choose?")
        self.app.push_screen(Choose(question, options), chosen)

    def delete(self) -> None:
        """The selected ballot (a mistyped voter), undoable; a round without ballots, asked."""
        from klinikka.services.voting import delete_ballot

        table = self.query_one("#ballots", DataTable)
        if not self._shown_ballots:
            self.delete_round()
            return
        ballot_id = self._shown_ballots[min(table.cursor_row, len(self._shown_ballots) - 1)]
        self.save(
            lambda: delete_ballot(self.engine, ballot_id),
            lambda _result: self.notify(
                plain(_("Deleted the ballot (ctrl+z brings it back).")), markup=False
            ),
        )

    def delete_round(self) -> None:
        from klinikka.services.voting import delete_round
        from klinikka.tui.screens.dialogs import Confirm

        voting_round = self.round
        if voting_round is None:
            return

        def delete(sure: bool | None) -> None:
            if sure:

                def deleted(_result: object) -> None:
                    self.round_id = None
                    self.reload()

                self.save(lambda: delete_round(self.engine, voting_round.id), deleted)

        question = _("Delete round {number} and its ballots? (ctrl+z undoes)").format(
            number=voting_round.number
        )
        self.app.push_screen(Confirm(question), delete)
