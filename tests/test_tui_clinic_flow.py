"""A whole clinic run from the keyboard, as a facilitator would, then checked against the file.

Create the clinic, capture twenty ideas, group them into three themes, open a single-choice
round, enter seven ballots, close it, write the decisions, export Markdown — and the exported
summary must say what the database holds.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from textual.widgets import Checkbox, DataTable, Input, Select

from klinikka.db import open_database
from klinikka.models import RoundStatus, VotingMethod
from klinikka.services import clinics, ideas, notes, themes, voting
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.export_dialog import ExportDialog
from klinikka.tui.screens.round_form import RoundForm
from klinikka.tui.screens.workspace import WorkspaceScreen
from klinikka.tui.widgets.vote_panel import VotePanel
from tui_helpers import started, until

THEMES = ("Ennaltaehkäisy", "Digipalvelut", "Monialaisuus")
PEOPLE = ("Maija Virtanen / asukas", "Pekka Ojala / yritys", "Anu Lehtonen / järjestö", "")


def idea_line(n: int) -> str:
    who = PEOPLE[n % len(PEOPLE)]
    text = f"Idea {n + 1}: neuvolan ja koulun yhteistyö, osa {n + 1}"
    return f"{who}: {text}" if who else text


async def type_line(pilot, field: Input, line: str) -> None:  # type: ignore[no-untyped-def]
    field.value = line
    await pilot.press("enter")
    await pilot.pause()


async def a_whole_clinic(app: KlinikkaApp, pilot, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    await started(app, pilot)
    # A new clinic from the list: title, date and time the local way, in one form; opened.
    await pilot.press("n")
    await until(pilot, lambda: app.screen.query_one("#title", Input).has_focus)
    await pilot.press(*"Verkkoklinikka 24.11.", "tab", *"24.11.2026 9.00", "tab", *"11.00")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ClinicsScreen))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
    screen = app.screen
    assert isinstance(screen, WorkspaceScreen)
    capture = screen.query_one("#capture", Input)
    await until(pilot, lambda: capture.has_focus)
    for n in range(20):
        await type_line(pilot, capture, idea_line(n))
    # Three themes, then the ideas into them: each theme gets a run of marked ideas.
    await pilot.press("f3")
    for name in THEMES:
        await type_line(pilot, screen.query_one("#new-theme", Input), name)
    await pilot.press("f2")
    await pilot.pause()
    for _ in range(25):
        await pilot.press("up")
    for index in range(len(THEMES)):
        for _ in range(6):
            await pilot.press("shift+down")
        await pilot.press("ctrl+t")
        await pilot.pause()
        await pilot.press(str(index + 1))  # the theme's number picks it at once
        # (the cursor stays on the next idea, unmarked)
        await pilot.pause()
    # A single-choice round on all three themes, opened, seven ballots, closed.
    await pilot.press("f4", "ctrl+r")
    await until(pilot, lambda: isinstance(app.screen, RoundForm))
    await pilot.press("ctrl+s")
    await until(pilot, lambda: app.screen is screen)
    await pilot.press("ctrl+o")
    await pilot.pause()
    ballot = screen.query_one("#ballot", Input)
    await until(pilot, lambda: ballot.has_focus)
    for voter, choice in (
        ("Maija", 1),
        ("Pekka", 1),
        ("Anu", 2),
        ("Ville / yritys", 1),
        ("Laura", 3),
        ("Tiina", 1),
        ("Kari", 2),
    ):
        await type_line(pilot, ballot, f"{voter}: {choice}")
        assert ballot.value == "", app._notifications
    await pilot.press("ctrl+o")
    await pilot.pause()
    # Decisions and next steps in the Summary phase.
    await pilot.press("f5")
    await pilot.pause()
    note = screen.query_one("#note", Input)
    await type_line(pilot, note, "Seuraavan klinikan teema on ennaltaehkäisy.")
    await pilot.press("ctrl+t")
    await type_line(pilot, note, "Kutsutaan neuvolat mukaan joulukuussa.")
    # Export Markdown through the dialog.
    target = tmp_path / "yhteenveto.md"
    await pilot.press("ctrl+x")
    await until(pilot, lambda: isinstance(app.screen, ExportDialog))
    dialog = app.screen
    assert dialog.query_one("#format", Select).value == "md"
    assert dialog.query_one("#anonymize", Checkbox).value is False
    dialog.query_one("#path", Input).value = str(target)
    await pilot.press("ctrl+s")
    await until(pilot, lambda: app.screen is screen)
    return target


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
async def test_a_whole_clinic_from_the_keyboard(
    tmp_path: Path, language: str, size: tuple[int, int]
) -> None:
    path = tmp_path / "klinikka.db"
    app = make_app(Settings(database=str(path), language=language))
    async with app.run_test(size=size) as pilot:
        exported = await a_whole_clinic(app, pilot, tmp_path)
        panel = app.screen.query_one(VotePanel)
        assert panel.round is not None and panel.round.status is RoundStatus.CLOSED
        ballots = app.screen.query_one("#ballots", DataTable)
        assert ballots.row_count == 7

    engine = open_database(path)
    [clinic] = clinics.list_clinics(engine)
    assert (clinic.starts_at, clinic.ends_at) == (
        datetime(2026, 11, 24, 9, 0),
        datetime(2026, 11, 24, 11, 0),
    )
    assert clinic.language == language
    found = ideas.search_ideas(engine, clinic.id)
    assert len(found) == 20
    listed = themes.list_themes(engine, clinic.id)
    assert [t.name for t in listed] == list(THEMES)
    assert [t.idea_count for t in listed] == [6, 6, 6]
    [voting_round] = voting.list_rounds(engine, clinic.id)
    assert voting_round.method is VotingMethod.SINGLE
    result = voting.tally_round(engine, voting_round.id)
    assert {s.name: s.score for s in result.scores} == {THEMES[0]: 4, THEMES[1]: 2, THEMES[2]: 1}
    assert result.winner == listed[0].id
    written = [n.text for n in notes.list_notes(engine, clinic.id)]
    assert written == [
        "Seuraavan klinikan teema on ennaltaehkäisy.",
        "Kutsutaan neuvolat mukaan joulukuussa.",
    ]
    engine.dispose()

    summary = exported.read_text(encoding="utf-8")
    assert summary.startswith("# Verkkoklinikka 24.11.")
    for idea in found:  # every idea is in it, with its author
        assert idea.text in summary
        if idea.author:
            assert idea.author in summary
    for name in THEMES:
        assert f"## {name}" in summary or f"### {name}" in summary
    assert all(text in summary for text in written)
    winner = {"fi": "Voittaja", "sv": "Vinnare", "en": "Winner"}[language]
    assert f"{winner}" in summary and THEMES[0] in summary
