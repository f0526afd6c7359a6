"""The clinic form and the participants screen, driven by keys on a running app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Label, Static

from klinikka.db import open_database
from klinikka.models import ClinicSummary, ParticipantView
from klinikka.services import clinics, participants
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.clinic_form import ClinicForm
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.participants import ParticipantForm, ParticipantsScreen

HOSTILE = ["[/]", "[bold]x", "\x1b[31mpunainen\x1b[0m", "\x1b]52;c;aGVsbG8=\x07leike"]


@pytest.fixture
def clinic_db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "klinikka.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(
        engine, "Verkkoklinikka", starts_at=datetime(2025, 11, 3, 9, 0), language="fi"
    )
    engine.dispose()
    return path, clinic.id


@asynccontextmanager
async def running(path: Path) -> AsyncIterator[tuple[KlinikkaApp, Pilot[None]]]:
    """The app on the database, its clinics list shown."""
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ClinicsScreen)
        yield app, pilot


def clinic_in_db(path: Path, clinic_id: int) -> ClinicSummary:
    engine = open_database(path)
    try:
        return clinics.get_clinic_summary(engine, clinic_id)
    finally:
        engine.dispose()


def participants_in_db(path: Path, clinic_id: int) -> list[ParticipantView]:
    engine = open_database(path)
    try:
        return participants.list_participants(engine, clinic_id)
    finally:
        engine.dispose()


def group_names(path: Path, clinic_id: int) -> list[str]:
    engine = open_database(path)
    try:
        return [group.name for group in participants.list_groups(engine, clinic_id)]
    finally:
        engine.dispose()


async def retype(pilot: Pilot[None], text: str) -> None:
    """Empty the focused line and type ``text``."""
    await pilot.press("end", "ctrl+u", *text)


def shown(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_every_detail_of_a_clinic_is_edited(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    results: list[bool | None] = []
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ClinicForm(app.engine, clinic_id), results.append)
        await pilot.pause()
        assert app.screen.query_one("#starts", Input).value == "2025-11-03 09:00"
        await retype(pilot, "Digiklinikka")
        await pilot.press("tab")
        await retype(pilot, "2025-12-01 13:00")
        await pilot.press("tab")
        await retype(pilot, "15:30")
        await pilot.press("tab")
        await retype(pilot, "Fasilitaattori Aino")
        await pilot.press("tab")
        await retype(pilot, "Kirjuri Ville")
        await pilot.press("tab", "enter", "down", "enter")  # the language: fi → sv
        await pilot.pause()
        await pilot.press("tab", *"Ideat talteen", "enter", *"Teemat valiten")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ClinicsScreen)
    assert results == [True]
    clinic = clinic_in_db(path, clinic_id)
    assert (clinic.title, clinic.starts_at, clinic.ends_at) == (
        "Digiklinikka",
        datetime(2025, 12, 1, 13, 0),
        datetime(2025, 12, 1, 15, 30),
    )
    assert (clinic.facilitator, clinic.note_taker) == ("Fasilitaattori Aino", "Kirjuri Ville")
    assert (clinic.language, clinic.goal) == ("sv", "Ideat talteen\nTeemat valiten")


async def test_a_bad_date_is_shown_and_changes_nothing(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    before = clinic_in_db(path, clinic_id)
    results: list[bool | None] = []
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ClinicForm(app.engine, clinic_id), results.append)
        await pilot.pause()
        await retype(pilot, "Uusi nimi")
        await pilot.press("tab")
        await retype(pilot, "2025-13-45 [/]")
        await pilot.press("ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ClinicForm)
        error = str(form.query_one("#form-error", Static).content)
        assert "is not a date" in error and "[/]" in error
        assert form.query_one("#title", Input).value == "Uusi nimi"
        await retype(pilot, "2025-12-01 13:00")
        await pilot.press("tab")
        await retype(pilot, "12:00")  # before the start
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is form
        assert "cannot end before it starts" in str(form.query_one("#form-error", Static).content)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClinicsScreen)
    assert results == [False]
    assert clinic_in_db(path, clinic_id) == before


async def test_a_participant_is_added_edited_and_removed(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    groups = group_names(path, clinic_id)
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ParticipantsScreen(app.engine, clinic_id))
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(DataTable)
        assert screen.query_one("#no-participants", Label).display

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ParticipantForm)
        await pilot.press(*"Maija Virtanen", "tab", *"Espoon kaupunki", "tab")
        await pilot.press("enter", "down", "down", "enter")  # no group → the second group
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert shown(table) == [["Maija Virtanen", "Espoon kaupunki", groups[1]]]
        [maija] = participants_in_db(path, clinic_id)
        assert (maija.name, maija.organisation, maija.group_name) == (
            "Maija Virtanen",
            "Espoon kaupunki",
            groups[1],
        )

        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#name", Input).value == "Maija Virtanen"
        await pilot.press("tab")
        await retype(pilot, "HUS")
        await pilot.press("tab", "enter", "up", "up", "enter")  # back to no group
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert shown(table) == [["Maija Virtanen", "HUS", ""]]
        [maija] = participants_in_db(path, clinic_id)
        assert (maija.organisation, maija.group_id) == ("HUS", None)

        await pilot.press("delete")
        await pilot.pause()
        assert table.row_count == 0
        assert participants_in_db(path, clinic_id) == []
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert shown(table) == [["Maija Virtanen", "HUS", ""]]
        assert [p.name for p in participants_in_db(path, clinic_id)] == ["Maija Virtanen"]

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClinicsScreen)


async def test_a_duplicate_name_is_shown_in_the_form(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    async with running(path) as (app, pilot):
        assert app.engine is not None
        participants.add_participant(app.engine, clinic_id, "Maija")
        await app.push_screen(ParticipantsScreen(app.engine, clinic_id))
        await pilot.pause()
        await pilot.press("n", *"maija", "enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ParticipantForm)
        assert "already in this clinic" in str(form.query_one("#form-error", Static).content)
        assert form.query_one("#name", Input).value == "maija"
    assert [p.name for p in participants_in_db(path, clinic_id)] == ["Maija"]


async def test_hostile_names_show_literally(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ParticipantsScreen(app.engine, clinic_id))
        await pilot.pause()
        screen = app.screen
        for text in HOSTILE:
            await pilot.press("n")
            await pilot.pause()
            app.screen.query_one("#name", Input).value = text
            app.screen.query_one("#organisation", Input).value = text
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is screen
        cells = [cell for row in shown(screen.query_one(DataTable)) for cell in row]
        assert {"[/]", "[bold]x", "punainen", "leike"} <= set(cells)
        assert all("\x1b" not in cell and "\x07" not in cell for cell in cells)

        # The same name again: the error quotes it, literally, in the form.
        await pilot.press("n")
        await pilot.pause()
        app.screen.query_one("#name", Input).value = "[/]"
        await pilot.press("ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#form-error", Static).content)
        assert "“[/]”" in error
        await pilot.press("escape")
        await pilot.pause()

        # Editing shows the stored name as it is, and removing it says so without markup.
        await pilot.press("home")
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#name", Input).value in {"[/]", "[bold]x"}
        await pilot.press("escape", "delete")
        await pilot.pause()
    names = {p.name for p in participants_in_db(path, clinic_id)}
    assert len(names) == len(HOSTILE) - 1
    assert all("\x1b" not in name and "\x07" not in name for name in names)


async def test_hostile_clinic_details_show_literally(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    engine = open_database(path)
    clinics.update_clinic(engine, clinic_id, title="[bold]x [/]", goal="[/]\nrivi\x1b[31m")
    engine.dispose()
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ClinicForm(app.engine, clinic_id))
        await pilot.pause()
        assert app.screen.query_one("#title", Input).value == "[bold]x [/]"
        await pilot.press("ctrl+s")  # nothing changed: closes and writes nothing
        await pilot.pause()
        assert isinstance(app.screen, ClinicsScreen)
    assert clinic_in_db(path, clinic_id).goal == "[/]\nrivi"
