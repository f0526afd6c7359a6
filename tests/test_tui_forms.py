"""The clinic form and the participants screen, driven by keys on a running app."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from klinikka.db import open_database
from klinikka.models import ClinicSummary, ParticipantView
from klinikka.services import clinics, participants
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.clinic_form import ClinicForm
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.help import HelpScreen
from klinikka.tui.screens.participants import ParticipantForm, ParticipantsScreen
from tui_helpers import until

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


async def on_top(pilot: Pilot[None], kind: type[Screen[Any]]) -> None:
    """Wait until a screen of this kind is on top."""
    await until(pilot, lambda: isinstance(pilot.app.screen, kind))


@asynccontextmanager
async def running(
    path: Path, *, notifications: bool = False
) -> AsyncIterator[tuple[KlinikkaApp, Pilot[None]]]:
    """The app on the database, its clinics list shown (and its notifications, if asked)."""
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=notifications) as pilot:
        await app.workers.wait_for_complete()
        await on_top(pilot, ClinicsScreen)
        yield app, pilot


@contextmanager
def reading(path: Path) -> Iterator[Engine]:
    """An engine of its own on the file, as a second klinikka would have."""
    engine = open_database(path)
    try:
        yield engine
    finally:
        engine.dispose()


def clinic_in_db(path: Path, clinic_id: int) -> ClinicSummary:
    with reading(path) as engine:
        return clinics.get_clinic_summary(engine, clinic_id)


def participants_in_db(path: Path, clinic_id: int) -> list[ParticipantView]:
    with reading(path) as engine:
        return participants.list_participants(engine, clinic_id)


async def retype(pilot: Pilot[None], text: str) -> None:
    """Empty the focused line and type ``text``."""
    await pilot.press("end", "ctrl+u", *text)


async def choose(pilot: Pilot[None], *keys: str) -> None:
    """Open the focused Select, move with ``keys`` and take the highlighted option."""
    select = pilot.app.focused
    assert isinstance(select, Select)
    await pilot.press("enter")
    await until(pilot, lambda: select.expanded)
    await pilot.press(*keys, "enter")
    await until(pilot, lambda: not select.expanded)


def error_shown(screen: Screen[Any]) -> str:
    return str(screen.query_one("#form-error", Static).content)


def on_screen(app: KlinikkaApp) -> str:
    """The text the terminal shows, notifications included."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def shown(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(row)] for row in range(table.row_count)]


async def test_every_detail_of_a_clinic_is_edited(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    results: list[bool | None] = []
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ClinicForm(app.engine, clinic_id), results.append)
        await until(pilot, lambda: app.screen.query_one("#title", Input).has_focus)
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
        await pilot.press("tab")
        await choose(pilot, "down")  # Finnish → Swedish
        await pilot.press("tab", *"Ideat talteen", "enter", *"Teemat valiten", "ctrl+s")
        await on_top(pilot, ClinicsScreen)
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
        form = app.screen
        await until(pilot, lambda: form.query_one("#title", Input).has_focus)
        await retype(pilot, "Uusi nimi")
        await pilot.press("tab")
        await retype(pilot, "2025-13-45 [/]")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "is not a date" in error_shown(form))
        assert "“2025-13-45 [/]”" in error_shown(form)
        assert form.query_one("#title", Input).value == "Uusi nimi"
        await retype(pilot, "2025-12-01 13:00")
        await pilot.press("tab")
        await retype(pilot, "12:00")  # before the start
        await pilot.press("enter")
        await until(pilot, lambda: "cannot end before it starts" in error_shown(form))
        assert app.screen is form
        await pilot.press("escape")
        await on_top(pilot, ClinicsScreen)
    assert results == [False]
    assert clinic_in_db(path, clinic_id) == before


async def test_a_participant_is_added_edited_and_removed(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    async with running(path) as (app, pilot):
        assert app.engine is not None
        groups = [group.name for group in participants.list_groups(app.engine, clinic_id)]
        await app.push_screen(ParticipantsScreen(app.engine, clinic_id))
        screen = app.screen
        table = screen.query_one(DataTable)
        await until(pilot, lambda: table.has_focus)
        assert screen.query_one("#no-participants", Label).display

        await pilot.press("n")
        await on_top(pilot, ParticipantForm)
        await pilot.press(*"Maija Virtanen", "tab", *"Espoon kaupunki", "tab")
        await choose(pilot, "down", "down")  # from "no group" to the second group
        await pilot.press("ctrl+s")
        await on_top(pilot, ParticipantsScreen)
        assert shown(table) == [["Maija Virtanen", "Espoon kaupunki", groups[1]]]
        assert not screen.query_one("#no-participants", Label).display
        [maija] = participants_in_db(path, clinic_id)
        assert (maija.name, maija.organisation, maija.group_name) == (
            "Maija Virtanen",
            "Espoon kaupunki",
            groups[1],
        )

        await pilot.press("e")
        await on_top(pilot, ParticipantForm)
        assert app.screen.query_one("#name", Input).value == "Maija Virtanen"
        await pilot.press("tab")
        await retype(pilot, "HUS")
        await pilot.press("tab")
        await choose(pilot, "up", "up")  # back to no group
        await pilot.press("ctrl+s")
        await on_top(pilot, ParticipantsScreen)
        assert shown(table) == [["Maija Virtanen", "HUS", ""]]
        [maija] = participants_in_db(path, clinic_id)
        assert (maija.organisation, maija.group_id) == ("HUS", None)

        await pilot.press("delete")
        await until(pilot, lambda: table.row_count == 0)
        assert participants_in_db(path, clinic_id) == []
        await pilot.press("ctrl+z")
        await until(pilot, lambda: table.row_count == 1)
        assert shown(table) == [["Maija Virtanen", "HUS", ""]]
        assert [p.name for p in participants_in_db(path, clinic_id)] == ["Maija Virtanen"]

        await pilot.press("f1")  # a modal screen hides the app's keys; help is still there
        await on_top(pilot, HelpScreen)
        await pilot.press("escape")
        await on_top(pilot, ParticipantsScreen)
        await pilot.press("escape")
        await on_top(pilot, ClinicsScreen)


async def test_a_duplicate_name_is_shown_in_the_form(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    async with running(path) as (app, pilot):
        assert app.engine is not None
        participants.add_participant(app.engine, clinic_id, "Maija")
        await app.push_screen(ParticipantsScreen(app.engine, clinic_id))
        await pilot.press("n")
        await on_top(pilot, ParticipantForm)
        form = app.screen
        await pilot.press(*"maija", "enter")
        await until(pilot, lambda: "already in this clinic" in error_shown(form))
        assert app.screen is form
        assert form.query_one("#name", Input).value == "maija"
    assert [p.name for p in participants_in_db(path, clinic_id)] == ["Maija"]


async def test_hostile_names_show_literally(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    async with running(path, notifications=True) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ParticipantsScreen(app.engine, clinic_id))
        screen = app.screen
        table = screen.query_one(DataTable)
        for count, text in enumerate(HOSTILE, start=1):
            await pilot.press("n")
            await on_top(pilot, ParticipantForm)
            app.screen.query_one("#name", Input).value = text
            app.screen.query_one("#organisation", Input).value = text
            await pilot.press("ctrl+s")
            await until(pilot, lambda count=count: table.row_count == count)
        cells = [cell for row in shown(table) for cell in row]
        assert {"[/]", "[bold]x", "punainen", "leike"} <= set(cells)
        assert all("\x1b" not in cell and "\x07" not in cell for cell in cells)

        # The same name again: the error quotes it, literally, in the form.
        await pilot.press("n")
        await on_top(pilot, ParticipantForm)
        form = app.screen
        form.query_one("#name", Input).value = "[/]"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "“[/]”" in error_shown(form))
        await pilot.press("escape")
        await on_top(pilot, ParticipantsScreen)

        # Editing shows the stored name as it is; removing it says so without markup.
        await pilot.press("ctrl+home", "e")
        await on_top(pilot, ParticipantForm)
        assert app.screen.query_one("#name", Input).value == "[/]"
        await pilot.press("escape")
        await on_top(pilot, ParticipantsScreen)
        await pilot.press("delete")
        await until(pilot, lambda: "Removed the participant [/]. ctrl+z undoes." in on_screen(app))
        assert table.row_count == len(HOSTILE) - 1
        assert "\x1b" not in on_screen(app)
    names = {p.name for p in participants_in_db(path, clinic_id)}
    assert "[/]" not in names and len(names) == len(HOSTILE) - 1
    assert all("\x1b" not in name and "\x07" not in name for name in names)


async def test_hostile_clinic_details_show_literally(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    with reading(path) as engine:
        clinics.update_clinic(engine, clinic_id, title="[bold]x [/]", goal="[/]\nrivi\x1b[31m")
    before = clinic_in_db(path, clinic_id)
    results: list[bool | None] = []
    async with running(path) as (app, pilot):
        assert app.engine is not None
        await app.push_screen(ClinicForm(app.engine, clinic_id), results.append)
        form = app.screen
        await until(pilot, lambda: form.query_one("#title", Input).has_focus)
        assert form.query_one("#title", Input).value == "[bold]x [/]"
        assert form.query_one("#goal", TextArea).text == "[/]\nrivi"
        await pilot.press("ctrl+s")  # nothing changed: it closes and writes nothing
        await on_top(pilot, ClinicsScreen)
    assert results == [False]
    assert clinic_in_db(path, clinic_id) == before


@asynccontextmanager
async def running_in(
    path: Path, language: str, size: tuple[int, int] = (100, 32)
) -> AsyncIterator[tuple[KlinikkaApp, Pilot[None]]]:
    """The app in ``language`` on the database, its clinics list shown."""
    app = make_app(Settings(database=str(path), language=language))
    async with app.run_test(size=size) as pilot:
        await app.workers.wait_for_complete()
        await on_top(pilot, ClinicsScreen)
        yield app, pilot


async def test_a_new_clinic_is_started_in_one_form_the_finnish_way(tmp_path: Path) -> None:
    path = tmp_path / "klinikka.db"
    open_database(path).dispose()
    async with running_in(path, "fi", size=(80, 24)) as (app, pilot):
        await pilot.press("n")
        await on_top(pilot, ClinicForm)
        form = app.screen
        assert "3.11.2026 9.00" in form.query_one("#starts", Input).placeholder
        assert form.query_one("#language", Select).value == "fi"
        await pilot.press(*"Hyvinvointiklinikka", "tab", *"3.11.2026 klo 9.00", "tab")
        await pilot.press(*"11.30", "tab", "tab", "tab")
        await choose(pilot, "down")  # Finnish → Swedish
        await pilot.press("ctrl+s")
        await on_top(pilot, ClinicsScreen)
        table = app.screen.query_one("#clinics", DataTable)
        await until(pilot, lambda: table.row_count == 1)
        [clinic] = clinics.list_clinics(app.engine)  # type: ignore[arg-type]
        # The list's cursor is on the new clinic; e shows its times the Finnish way.
        await pilot.press("e")
        await on_top(pilot, ClinicForm)
        assert app.screen.query_one("#starts", Input).value == "3.11.2026 9.00"
        assert app.screen.query_one("#ends", Input).value == "11.30"
        await pilot.press("escape")
    assert (clinic.title, clinic.language) == ("Hyvinvointiklinikka", "sv")
    assert (clinic.starts_at, clinic.ends_at) == (
        datetime(2026, 11, 3, 9, 0),
        datetime(2026, 11, 3, 11, 30),
    )
    with reading(path) as engine:  # the default groups are named in the clinic's language
        names = [group.name for group in participants.list_groups(engine, clinic.id)]
    assert "Forskning och utbildning" in names


async def test_a_new_clinic_needs_a_title_and_a_real_date(tmp_path: Path) -> None:
    path = tmp_path / "klinikka.db"
    open_database(path).dispose()
    async with running_in(path, "fi") as (app, pilot):
        await pilot.press("n")
        await on_top(pilot, ClinicForm)
        form = app.screen
        await pilot.press("tab", *"31.2.2026", "enter")
        await until(pilot, lambda: "ei ole päivämäärä" in error_shown(form))
        await retype(pilot, "1.3.2026 13.00")
        await pilot.press("enter")
        await until(pilot, lambda: "Otsikko ei voi olla tyhjä" in error_shown(form))
        assert app.screen is form and form.query_one("#starts", Input).value == "1.3.2026 13.00"
        await pilot.press("shift+tab", *"Klinikka", "enter")
        await on_top(pilot, ClinicsScreen)
    with reading(path) as engine:
        [clinic] = clinics.list_clinics(engine)
    assert (clinic.title, clinic.starts_at) == ("Klinikka", datetime(2026, 3, 1, 13, 0))


@pytest.mark.parametrize(
    ("language", "no", "yes", "hint"),
    [
        ("fi", "e", "k", "y tai k = kyllä, n tai e = ei"),
        ("sv", "n", "j", "y eller j = ja, n = nej"),
        ("en", "n", "y", "y = yes, n = no"),
    ],
)
async def test_a_question_is_answered_with_the_languages_own_keys(
    clinic_db: tuple[Path, int], language: str, no: str, yes: str, hint: str
) -> None:
    from klinikka.tui.screens.dialogs import Confirm

    path, _clinic_id = clinic_db
    async with running_in(path, language) as (app, pilot):
        table = app.screen.query_one("#clinics", DataTable)
        await pilot.press("delete")
        await on_top(pilot, Confirm)
        assert hint in on_screen(app)
        await pilot.press(no)
        await on_top(pilot, ClinicsScreen)
        assert table.row_count == 1
        await pilot.press("delete")
        await on_top(pilot, Confirm)
        await pilot.press(yes)
        await until(pilot, lambda: table.row_count == 0)
    with reading(path) as engine:
        assert clinics.list_clinics(engine, include_archived=True) == []
