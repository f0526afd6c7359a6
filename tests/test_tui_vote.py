"""The Vote phase driven as a facilitator would: rounds, typed ballots, ties, timer, present mode.

Data is set up with the services; the app is driven with keys and typed lines; each test then
checks the database and what the vote panel (or the present screen) shows.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from klinikka.db import open_database
from klinikka.models import RoundStatus, VotingMethod
from klinikka.services import clinics, themes, voting
from klinikka.services.ballot_lines import cast_ballot_line
from klinikka.tally import METHOD_NAMES
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.dialogs import AskText, Choose, Confirm
from klinikka.tui.screens.present import PresentScreen
from klinikka.tui.screens.round_form import RoundForm
from klinikka.tui.screens.workspace import WorkspaceScreen
from klinikka.tui.widgets.timer import TimerDialog, TimerDisplay
from klinikka.tui.widgets.write_status import WriteStatus
from tui_helpers import open_workspace, refusal, until

A, B, C = THEMES = ("Neuvolat", "Digipalvelut", "Liikunta")
TIED = {"ballots": ["Maija: 1", "Pekka: 2", "Anu: 1", "Ville: 2", "Kari: 3"]}  # A and B tie
HIDDEN = {"hide_results": True, "ballots": ["Maija: 1", "Pekka: 1", "Anu: 2"]}


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "k.db"


@contextmanager
def database(path: Path) -> Iterator[Engine]:
    engine = open_database(path)
    try:
        yield engine
    finally:
        engine.dispose()


def seed(path: Path, *rounds: dict[str, Any]) -> tuple[int, list[int], list[int]]:
    """A clinic with the three themes and the rounds asked for (create_round's arguments, plus
    ``ballots``: typed lines, and ``status``): the clinic's, the themes' and the rounds' ids."""
    with database(path) as engine:
        clinic = clinics.create_clinic(engine, "Verkkoklinikka", language="fi")
        theme_ids = [themes.create_theme(engine, clinic.id, name).id for name in THEMES]
        round_ids = []
        for spec in rounds:
            settings = dict(spec)
            ballots, status = settings.pop("ballots", ()), settings.pop("status", "open")
            made = voting.create_round(engine, clinic.id, **settings)
            if status != "draft":
                voting.open_round(engine, made.id)
                for line in ballots:
                    cast_ballot_line(engine, made.id, line)
                if status == "closed":
                    voting.close_round(engine, made.id)
            round_ids.append(made.id)
        return clinic.id, theme_ids, round_ids


@asynccontextmanager
async def vote_phase(path: Path) -> AsyncIterator[tuple[Pilot[Any], WorkspaceScreen]]:
    """The app on the clinic's Vote phase, its notifications kept."""
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("f4")
        await until(pilot, lambda: screen.phase == "vote")
        yield pilot, screen


def shown(screen: Any, selector: str) -> str:
    """The plain text a Static holds (its content, as given to ``update``)."""
    return str(screen.query_one(selector, Static).content)


def bar_scores(screen: WorkspaceScreen) -> dict[str, int]:
    """Theme name -> the score its bar line shows (the score, then the share in %)."""
    found = (
        re.match(r"\s*\d+\s+(\S+).*?\s(\d+)\s+\d+\s*%", line)
        for line in shown(screen, "#bars").splitlines()
    )
    return {match.group(1): int(match.group(2)) for match in found if match}


def listed(screen: WorkspaceScreen) -> list[str]:
    """The voters in the #ballots table."""
    table = screen.query_one("#ballots", DataTable)
    return [str(table.get_row_at(n)[0]) for n in range(table.row_count)]


def tallied(path: Path, round_id: int) -> dict[str, int]:
    with database(path) as engine:
        return {s.name: s.score for s in voting.tally_round(engine, round_id).scores}


def voters(path: Path, round_id: int) -> dict[str, dict[int, int]]:
    with database(path) as engine:
        return {b.voter: b.values for b in voting.list_ballots(engine, round_id)}


def errors(app: KlinikkaApp) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "error"]


async def cast(pilot: Pilot[Any], screen: WorkspaceScreen, line: str) -> None:
    field = screen.query_one("#ballot", Input)
    await until(pilot, lambda: field.has_focus)
    field.value = line
    await pilot.press("enter")
    await pilot.pause()


async def choose(pilot: Pilot[Any], option_id: str) -> None:
    """Pick an option of the dialog on top, moving to it with the arrows."""
    options = pilot.app.screen.query_one(OptionList)
    await until(pilot, lambda: options.has_focus)
    target = options.get_option_index(option_id)
    while options.highlighted != target:
        await pilot.press("down" if (options.highlighted or 0) < target else "up")
    await pilot.press("enter")
    await pilot.pause()


async def timer(pilot: Pilot[Any], option_id: str) -> None:
    await pilot.press("ctrl+b")
    await until(pilot, lambda: isinstance(pilot.app.screen, TimerDialog))
    await choose(pilot, option_id)


# ---------------------------------------------------------------- one test a method

# The method: limits typed in the form (else set up with the services), ballots, scores.
METHODS: dict[str, tuple[str, list[str], dict[str, int]]] = {
    "single": ("", ["Maija: 1", "Pekka: 1", "Anu: 2"], {A: 2, B: 1, C: 0}),
    "dots": ("dots=3 cap=2", ["Maija: 1 1 2", "Pekka: 3=2 2=1", "Anu: 2"], {A: 2, B: 3, C: 2}),
    "ranking": ("", ["Maija: 3 1 2", "Pekka: 1 3", "Anu: 3"], {A: 3, B: 0, C: 5}),
    "points": (
        "budget=100 cap=60",
        ["Maija: 1=60 2=40", "Pekka: 2=30 3=50", "Anu: 3=10"],
        {A: 60, B: 70, C: 60},
    ),
    "aggregate": ("", ["Teams: 1=12 2=7 3=3 n=25", "Zoom: 1=4 3=6"], {A: 16, B: 7, C: 9}),
}


@pytest.mark.parametrize("method", METHODS)
async def test_each_method_counts_typed_ballots(path: Path, method: str) -> None:
    typed, lines, scores = METHODS[method]
    limits = dict(limit.split("=") for limit in typed.split())
    clinic_id, _, _ = seed(path) if limits else seed(path, {"method": method})
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        if limits:
            await pilot.press("ctrl+r")
            await until(pilot, lambda: isinstance(app.screen, RoundForm))
            form = app.screen
            await pilot.press("enter")  # the list of methods opens on "single choice"
            await pilot.press(*["down"] * list(VotingMethod).index(VotingMethod(method)), "enter")
            assert form.query_one("#method", Select).value == method
            for name, value in limits.items():
                form.query_one(f"#{name}", Input).value = value
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is screen)
            assert "draft" in shown(screen, "#round-head")
            await pilot.press("ctrl+o")
        for line in lines:
            await cast(pilot, screen, line)
            assert screen.query_one("#ballot", Input).value == "", errors(app)
        assert bar_scores(screen) == scores
        assert listed(screen) == [line.split(":")[0] for line in lines]
        # An aggregate round counts respondents: Teams reported 25, Zoom's counts add 10.
        count = 35 if method == "aggregate" else len(lines)
        name = METHOD_NAMES[VotingMethod(method)]
        assert f"Round 1 · {name} · open · ballots: {count}" == shown(screen, "#round-head")
    with database(path) as engine:
        [made] = voting.list_rounds(engine, clinic_id)
        assert voting.tally_round(engine, made.id).ballot_count == count
    assert (made.method, made.status) == (method, RoundStatus.OPEN)
    stored = {"dots": made.dots_per_voter, "budget": made.points_budget, "cap": made.cap_per_theme}
    assert {name: str(value) for name, value in stored.items() if value} == limits
    assert tallied(path, made.id) == scores
    assert list(voters(path, made.id)) == [line.split(":")[0] for line in lines]


# ---------------------------------------------------------------- refused ballots

# The round's settings, the line typed, what the message says.
REFUSED: dict[str, tuple[dict[str, Any], str, str]] = {
    "dots": ({"method": "dots"}, "Maija: 1 2 3 1", "That is 4 dots, but each voter has 3."),
    "cap": ({"method": "dots", "cap_per_theme": 2}, "Maija: 1 1 1", f"at most 2 dots; “{A}”"),
    "budget": ({"method": "points", "cap_per_theme": 60}, "Maija: 1=60 2=50", "budget of 100"),
    "points-cap": ({"method": "points", "cap_per_theme": 60}, "Maija: 1=70", "at most 60 p"),
    "no-theme": ({}, "Maija: 4", "There is no theme 4 on the ballot (1–3)."),
    "no-voter": ({}, ": 2", "Write the voter’s name first"),
}


@pytest.mark.parametrize("case", REFUSED)
async def test_a_ballot_against_the_rules_is_refused_and_kept(path: Path, case: str) -> None:
    settings, line, said = REFUSED[case]
    _, _, [round_id] = seed(path, settings)
    async with vote_phase(path) as (pilot, screen):
        await cast(pilot, screen, line)
        # Said beside the input, in one line naming the line typed; no pop-up over it.
        assert said in refusal(screen.klinikka) and line.strip() in refusal(screen.klinikka)
        assert errors(screen.klinikka) == []
        assert screen.query_one("#ballot", Input).value == line
        assert listed(screen) == [] and "ballots: 0" in shown(screen, "#round-head")
    assert voters(path, round_id) == {}


@pytest.mark.parametrize("status", ["draft", "closed"])
async def test_no_ballot_line_in_a_round_that_is_not_open(path: Path, status: str) -> None:
    _, _, [round_id] = seed(path, {"ballots": ["Maija: 1"], "status": status})
    async with vote_phase(path) as (pilot, screen):
        field = screen.query_one("#ballot", Input)
        assert field.disabled and screen.app.focused is None and field.placeholder == ""
        await pilot.press(*"Pekka: 2", "enter")
        assert field.value == "" and status in shown(screen, "#round-head")
    assert list(voters(path, round_id)) == ([] if status == "draft" else ["Maija"])


# ---------------------------------------------------------------- the same voter again


async def test_the_same_voter_again_is_asked_before_replacing(path: Path) -> None:
    _, [a, _, c], [round_id] = seed(path, {"ballots": ["Maija Virtanen: 1", "Pekka: 2"]})
    before = voters(path, round_id)
    async with vote_phase(path) as (pilot, screen):
        app, field = screen.klinikka, screen.query_one("#ballot", Input)
        await cast(pilot, screen, "maija  virtanen: 3")  # the same voter, however written
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("n")
        await until(pilot, lambda: app.screen is screen)
        assert voters(path, round_id) == before and field.value == "maija  virtanen: 3"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: field.value == "")
        assert bar_scores(screen) == {A: 0, B: 1, C: 1}
        assert listed(screen) == ["Pekka", "maija virtanen"]
    assert before["Maija Virtanen"] == {a: 1}
    assert voters(path, round_id) == {"Pekka": before["Pekka"], "maija virtanen": {c: 1}}


# ---------------------------------------------------------------- hidden results


async def test_hidden_results_show_after_closing(path: Path) -> None:
    _, [a, _, _], [round_id] = seed(path, HIDDEN)
    async with vote_phase(path) as (pilot, screen):
        bars = shown(screen, "#bars")
        assert [line.split() for line in bars.splitlines()] == [["1", A], ["2", B], ["3", C]]
        assert "hidden" in shown(screen, "#round-note")
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "closed" in shown(screen, "#round-head"))
        assert bar_scores(screen) == {A: 2, B: 1, C: 0}
        assert shown(screen, "#round-note") == f"Winner: {A}"
    with database(path) as engine:
        result = voting.tally_round(engine, round_id)
    assert result.closed and not result.hidden and result.winner == a


async def test_hidden_results_do_not_mark_the_leader(path: Path) -> None:
    seed(path, HIDDEN)
    async with vote_phase(path) as (_pilot, screen):
        bars = screen.query_one("#bars", Static).content
        assert isinstance(bars, Text)
        assert [span for span in bars.spans if "bold" in str(span.style)] == []
        # Nor does the list of ballots give the count away: who voted, not for what.
        ballots = screen.query_one("#ballots", DataTable)
        assert ballots.row_count > 0
        assert {str(ballots.get_row_at(row)[1]) for row in range(ballots.row_count)} == {"✓"}


# ---------------------------------------------------------------- ties


async def test_a_tie_is_settled_by_a_runoff(path: Path) -> None:
    clinic_id, [a, b, _], [first] = seed(path, TIED)
    async with vote_phase(path) as (pilot, screen):
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "closed" in shown(screen, "#round-head"))
        assert f"A tie between {A}, {B}" in shown(screen, "#round-note")
        await pilot.press("ctrl+w")
        await until(pilot, lambda: "Round 2" in shown(screen, "#round-head"))
        with database(path) as engine:
            runoff = voting.list_rounds(engine, clinic_id)[-1]
        assert runoff.status is RoundStatus.OPEN and runoff.runoff_of_id == first
        assert runoff.theme_ids == [a, b] and "open" in shown(screen, "#round-head")
        assert bar_scores(screen) == {A: 0, B: 0}
        await pilot.click("#ballot")  # see test_the_ballot_line_has_the_focus_in_an_open_round
        for line in ("Maija: 2", "Pekka: 2", "Anu: 1"):
            await cast(pilot, screen, line)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "closed" in shown(screen, "#round-head"))
        assert bar_scores(screen) == {A: 1, B: 2}
        await pilot.press("pageup")
        await until(pilot, lambda: "Round 1" in shown(screen, "#round-head"))
        assert shown(screen, "#round-note") == f"Winner: {B} (won the runoff)"
    with database(path) as engine:
        result = voting.tally_round(engine, first)
    assert result.tie and (result.winner, result.decided_by) == (b, "runoff")


async def test_a_tie_is_settled_by_the_facilitators_decision(path: Path) -> None:
    _, [_, b, _], [round_id] = seed(path, {**TIED, "status": "closed"})
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        await pilot.press("ctrl+k")
        await until(pilot, lambda: isinstance(app.screen, Choose))
        assert [str(o.prompt) for o in app.screen.query_one(OptionList).options] == [A, B]
        await choose(pilot, str(b))
        await until(pilot, lambda: isinstance(app.screen, AskText))
        app.screen.query_one("#answer", Input).value = "The budget is there."
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await pilot.pause()
        assert shown(screen, "#round-note") == f"Winner: {B} (chosen by the facilitator)"
    with database(path) as engine:
        result = voting.tally_round(engine, round_id)
    assert (result.winner, result.decided_by) == (b, "decision")
    assert result.decision_note == "The budget is there."


# ---------------------------------------------------------------- by group, rounds, open/close


async def test_results_by_stakeholder_group(path: Path) -> None:
    ballots = ["Maija / yritys: 1", "Pekka / Yritys: 2", "Anu: 1", "Ville / järjestö: 3"]
    seed(path, {"ballots": ballots})
    async with vote_phase(path) as (pilot, screen):
        assert "By stakeholder group" not in shown(screen, "#bars")
        await pilot.press("ctrl+g")
        await until(pilot, lambda: "By stakeholder group" in shown(screen, "#bars"))
        lines = shown(screen, "#bars").splitlines()
        assert lines[lines.index("By stakeholder group") + 1 :] == [
            f"Yritys (2): {A} 1, {B} 1",
            f"Järjestö (1): {C} 1",
            f"No group (1): {A} 1",
        ]
        await pilot.press("ctrl+g")
        await until(pilot, lambda: "By stakeholder group" not in shown(screen, "#bars"))


async def test_earlier_rounds_with_page_keys(path: Path) -> None:
    first = {"title": "Aamu", "ballots": ["Maija: 1"], "status": "closed"}
    seed(path, first, {"method": "dots", "title": "Ilta", "ballots": ["Pekka: 2 2", "Anu: 3"]})
    async with vote_phase(path) as (pilot, screen):

        def seen() -> tuple[str, list[str], dict[str, int]]:
            head = shown(screen, "#round-head")
            # The facts first (a narrow screen cuts the title, not the count), the title last.
            number, title = head.split(" · ")[0], head.rpartition(" — ")[2]
            return f"{number} — {title}", listed(screen), bar_scores(screen)

        second = ("Round 2 — Ilta", ["Pekka", "Anu"], {A: 0, B: 2, C: 1})
        assert seen() == second
        for key in ("pageup", "pageup"):  # the first round stays the first
            await pilot.press(key)
            assert seen() == ("Round 1 — Aamu", ["Maija"], {A: 1, B: 0, C: 0})
        await pilot.press("pagedown")
        assert seen() == second


@pytest.mark.parametrize("keys", [("pageup", "pagedown"), ("ctrl+o", "ctrl+w")])
async def test_the_ballot_line_has_the_focus_in_an_open_round(
    path: Path, keys: tuple[str, str]
) -> None:
    # From the open round to a closed one and back, or closing a tied round and starting its
    # runoff: an open round is shown again, and what is typed must go to its ballot line.
    seed(path, {"ballots": ["Maija: 1"], "status": "closed"}, TIED)
    async with vote_phase(path) as (pilot, screen):
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        assert "open" in shown(screen, "#round-head")
        assert screen.query_one("#ballot", Input).has_focus


async def test_a_round_is_closed_and_reopened(path: Path) -> None:
    _, _, [round_id] = seed(path, {"ballots": ["Maija: 1"]})
    async with vote_phase(path) as (pilot, screen):
        field = screen.query_one("#ballot", Input)

        def status() -> RoundStatus:
            with database(path) as engine:
                return voting.get_round(engine, round_id).status

        await pilot.press("ctrl+o")
        await until(pilot, lambda: field.disabled)
        assert status() is RoundStatus.CLOSED and "closed" in shown(screen, "#round-head")
        assert shown(screen, "#round-note") == f"Winner: {A}"
        # Reopening takes the winner off the shared screen: asked first.
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(screen.app.screen, Confirm))
        await pilot.press("n")
        await until(pilot, lambda: screen.app.screen is screen)
        assert status() is RoundStatus.CLOSED
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(screen.app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: field.has_focus)
        assert status() is RoundStatus.OPEN and "open" in shown(screen, "#round-head")
        await cast(pilot, screen, "Pekka: 2")
    assert list(voters(path, round_id)) == ["Maija", "Pekka"]


# ---------------------------------------------------------------- the timer


async def test_the_timer_counts_down_rings_pauses_and_resets(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(path, {})
    rung: list[bool] = []
    async with vote_phase(path) as (pilot, screen):
        app, countdown = screen.klinikka, screen.klinikka.countdown
        monkeypatch.setattr(app, "bell", lambda: rung.append(True))
        assert shown(screen, "#timer") == "" and not countdown.active
        await timer(pilot, "preset-2")
        assert countdown.running and countdown.seconds == 120
        # The display follows at its own tick (see test_the_timer_dialog_updates_the_display).
        await until(pilot, lambda: shown(screen, "#timer") != "")
        assert re.fullmatch(r"⏱ 0(2:00|1:59)", shown(screen, "#timer"))
        assert screen.query_one("#ballot", Input).has_focus  # the vote goes on meanwhile

        countdown.start(1)
        countdown._ends_at = time.monotonic() - 1  # the time is up: the app's tick rings
        await until(pilot, lambda: bool(rung))
        await pilot.pause(0.3)
        assert rung == [True] and countdown.rang and not countdown.running
        assert "Time is up." in [str(n.message) for n in app._notifications]
        assert shown(screen, "#timer") == "⏱ 00:00 time is up"

        await timer(pilot, "preset-5")
        await timer(pilot, "pause")
        assert not countdown.running and countdown.seconds == 300
        await until(pilot, lambda: shown(screen, "#timer").startswith("⏸ 0"))
        await timer(pilot, "reset")
        assert not countdown.running and countdown.left() == 300
        await until(pilot, lambda: shown(screen, "#timer") == "⏸ 05:00")
        await timer(pilot, "resume")
        assert countdown.running and rung == [True]


async def test_the_timer_dialog_updates_the_display(path: Path) -> None:
    seed(path, {})
    async with vote_phase(path) as (pilot, screen):
        asked: list[bool] = []
        # The display's own half-second interval keeps the method it was mounted with.
        display = screen.query_one("#timer", TimerDisplay)
        display.show_time = lambda: asked.append(True)  # type: ignore[method-assign]
        await timer(pilot, "preset-2")
        await until(pilot, lambda: pilot.app.screen is screen)
        assert asked, "the choice shows only at the display's next tick"


# ---------------------------------------------------------------- present mode


def presented(app: KlinikkaApp) -> tuple[str, list[str], str | None]:
    """The present screen's round line, its theme lines, and the winner line if shown."""
    names = [str(s.content) for s in app.screen.query(".theme-name").results(Static)]
    winner = app.screen.query_one("#present-winner", Static)
    hidden = winner.has_class("-none")
    return shown(app.screen, "#present-round"), names, None if hidden else str(winner.content)


async def test_present_mode_follows_the_round(path: Path) -> None:
    _, _, [round_id] = seed(path, {"ballots": ["Maija: 1", "Pekka: 2", "Anu: 1"]})
    # The ballot's numbers, and each theme's rank; the leader marked ▲, not by colour alone.
    numbered = [f"1 {A}   ▲ 1.", f"2 {B}     2.", f"3 {C}     3."]
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PresentScreen))
        await pilot.pause()
        head, names, winner = presented(app)
        assert "voting is open · ballots: 3" in head and names == numbered and winner is None
        with database(path) as engine:  # another klinikka, in another process
            cast_ballot_line(engine, round_id, "Ville: 3")
        await pilot.pause(1.2)
        await until(pilot, lambda: "ballots: 4" in presented(app)[0])
        await pilot.pause()
        leading = [f"1 {A}   ▲ 1.", f"2 {B}     2.", f"3 {C}     2."]  # B and C: 1 each
        assert presented(app)[1] == leading  # redrawn, not added to
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("ctrl+o")
        await until(pilot, lambda: "closed" in shown(screen, "#round-head"))
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PresentScreen))
        await pilot.pause()
        head, names, winner = presented(app)
        assert "final results · ballots: 4" in head
        assert names == [f"1 {A}   ★ 1.", f"2 {B}     2.", f"3 {C}     2."]
        assert winner == f"★ Winner: {A}"
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    assert tallied(path, round_id) == {A: 2, B: 1, C: 1}


async def test_the_workspace_shows_a_ballot_that_came_in_while_presenting(path: Path) -> None:
    _, _, [round_id] = seed(path, {"ballots": ["Maija: 1"]})
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PresentScreen))
        with database(path) as engine:
            cast_ballot_line(engine, round_id, "Ville: 3")
        await until(pilot, lambda: "ballots: 2" in presented(app)[0])
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await pilot.pause(1.2)
        assert "ballots: 2" in shown(screen, "#round-head")
        assert listed(screen) == ["Maija", "Ville"]


async def test_the_ballot_keeps_the_themes_order_however_they_are_ticked(path: Path) -> None:
    from textual.widgets import SelectionList

    clinic_id, theme_ids, _ = seed(path)
    async with vote_phase(path) as (pilot, screen):
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(screen.app.screen, RoundForm))
        form = screen.app.screen
        ballot: SelectionList[int] = form.query_one("#themes", SelectionList)
        ballot.deselect(theme_ids[0])
        ballot.deselect(theme_ids[1])
        ballot.select(theme_ids[1])  # ticked again, last
        ballot.select(theme_ids[0])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen.app.screen is screen)
    with database(path) as engine:
        [made] = voting.list_rounds(engine, clinic_id)
    assert made.theme_ids == theme_ids


async def test_tab_never_takes_typing_away_from_the_ballot_line(path: Path) -> None:
    _, [a, _, _], [round_id] = seed(path, {"ballots": []})
    async with vote_phase(path) as (pilot, screen):
        field = screen.query_one("#ballot", Input)
        await until(pilot, lambda: field.has_focus)
        await pilot.press("tab", "shift+tab", "tab")
        await pilot.press(*"Uusi Äänestäjä: 1", "enter")
        await until(pilot, lambda: voters(path, round_id) == {"Uusi Äänestäjä": {a: 1}})
        # A round that takes no ballots says so instead of swallowing the keys.
        await pilot.press("ctrl+o")
        await until(pilot, lambda: field.disabled)
        await pilot.press(*"Myöhäinen: 2")
        status = screen.query_one(WriteStatus)
        await until(pilot, lambda: "only while the round is open" in str(status.render()))
    assert voters(path, round_id) == {"Uusi Äänestäjä": {a: 1}}


async def test_closing_a_round_nobody_voted_in_asks_first(path: Path) -> None:
    _, _, [round_id] = seed(path, {"ballots": []})
    async with vote_phase(path) as (pilot, screen):
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(screen.app.screen, Confirm))
        assert "No ballots" in " ".join(
            str(label.render()) for label in screen.app.screen.query("Label")
        )
        await pilot.press("n")
        await until(pilot, lambda: screen.app.screen is screen)
        with database(path) as engine:
            assert voting.get_round(engine, round_id).status is RoundStatus.OPEN
        await pilot.press("ctrl+o")
        await until(pilot, lambda: isinstance(screen.app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: screen.query_one("#ballot", Input).disabled)
        with database(path) as engine:
            assert voting.get_round(engine, round_id).status is RoundStatus.CLOSED


async def test_a_ballot_typed_in_ideas_is_held_and_taken_to_vote(path: Path) -> None:
    clinic_id, [_, b, _], [round_id] = seed(path, {"ballots": []})
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        capture = screen.query_one("#capture", Input)
        await pilot.press(*"Pekka Korhonen: 2", "enter")
        status = screen.query_one(WriteStatus)
        await until(pilot, lambda: "looks like a ballot" in str(status.render()))
        assert capture.value == "Pekka Korhonen: 2"
        await pilot.press("f4")
        ballot = screen.query_one("#ballot", Input)
        await until(pilot, lambda: ballot.value == "Pekka Korhonen: 2" and ballot.has_focus)
        assert capture.value == ""
        await pilot.press("enter")
        await until(pilot, lambda: voters(path, round_id) == {"Pekka Korhonen": {b: 1}})
        # Enter again in Ideas saves such a line as an idea after all; other lines go at once.
        await pilot.press("f2", *"Kohta 3: 1", "enter")
        await until(pilot, lambda: "looks like a ballot" in str(status.render()))
        await pilot.press("enter", *"Neuvolat mukaan", "enter")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: len(ideas_of(path, clinic_id)) == 2)
    assert ideas_of(path, clinic_id) == ["Kohta 3: 1", "Neuvolat mukaan"]


def ideas_of(path: Path, clinic_id: int) -> list[str]:
    from klinikka.services import ideas

    with database(path) as engine:
        return [idea.text for idea in ideas.search_ideas(engine, clinic_id)]


async def test_present_mode_shows_groups_with_the_small_ones_folded(path: Path) -> None:
    from klinikka.config import settings_file

    ballots = [
        "Maija / ammattilainen: 1",
        "Pekka / ammattilainen: 2",
        "Anu / ammattilainen: 1",
        "Ville / yritys: 3",  # a company of one: how it voted must not show
        "Laura / järjestö: 1",
        "Kari / järjestö: 3",
    ]
    seed(path, {"ballots": ballots, "status": "closed"})
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        await pilot.press("ctrl+g")  # the facilitator's own screen shows every group
        await until(pilot, lambda: "Yritys (1)" in shown(screen, "#bars"))
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PresentScreen))
        groups = app.screen.query_one("#present-groups", Static)
        assert not groups.display or groups.has_class("-none")
        await pilot.press("g")
        await until(pilot, lambda: not groups.has_class("-none"))
        lines = str(groups.content).splitlines()
        assert lines == [
            "By stakeholder group",
            f"Ammattilainen (3): {A} 2, {B} 1",
            f"Other groups (3): {C} 2, {A} 1",
        ]
        await pilot.press("g")
        await until(pilot, lambda: groups.has_class("-none"))
        await pilot.press("escape")
    # A stricter setting folds everything: nothing by group is shown, and it says why.
    settings_file().parent.mkdir(parents=True, exist_ok=True)
    settings_file().write_text("[privacy]\nsmallest_group = 4\n", encoding="utf-8")
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PresentScreen))
        await pilot.press("g")
        groups = app.screen.query_one("#present-groups", Static)
        await until(pilot, lambda: not groups.has_class("-none"))
        assert "a group needs 4 or more" in str(groups.content)
        assert "Ammattilainen" not in str(groups.content)


async def test_the_light_theme_is_chosen_in_the_palette_and_remembered(path: Path) -> None:
    from klinikka.tui.themes import LIGHT

    seed(path, {"ballots": ["Maija: 1", "Pekka: 2", "Anu: 1"], "status": "closed"})
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        assert app.theme != LIGHT
        dark_bars = screen.query_one("#bars", Static).content
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"high-contrast")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.theme == LIGHT)
        assert app.current_theme.background.upper() == "#FFFFFF"
        await until(pilot, lambda: screen.query_one("#bars", Static).content != dark_bars)
        bars = screen.query_one("#bars", Static).content
        assert isinstance(bars, Text)
        assert any("#00662a" in str(span.style).lower() for span in bars.spans)  # its green
        assert "★  1." in bars.plain  # the winner: a star and its rank, as well as colour
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.theme == LIGHT  # remembered
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"dark theme")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.theme != LIGHT)


async def test_the_hide_results_box_is_empty_until_ticked(path: Path) -> None:
    seed(path)
    async with vote_phase(path) as (pilot, screen):
        app = screen.klinikka
        await pilot.press("ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, RoundForm))
        box = app.screen.query_one("#hide")
        assert "X" not in str(box.render())  # an X in grey read as "ticked" on a projector
        box.value = True
        await pilot.pause()
        assert "X" in str(box.render())
        await pilot.press("escape")


async def test_a_closed_tie_is_not_shown_as_a_lead(path: Path) -> None:
    seed(path, {"ballots": ["Maija: 1", "Pekka: 2"], "status": "closed"})
    async with vote_phase(path) as (_pilot, screen):
        bars = shown(screen, "#bars")
        assert "▲" not in bars and "★" not in bars
        assert [line.split()[-1] for line in bars.splitlines()[:2]] == ["1.", "1."]
