"""The terminal app driven as a note-taker would: keys in, then the database and the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from klinikka.db import open_database
from klinikka.services import clinics, ideas, themes
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.help import HelpScreen
from klinikka.tui.screens.workspace import WorkspaceScreen

HOSTILE = [
    "[/]",
    "[bold]x",
    "\x1b[31mpunainen\x1b[0m",
    "\x1b]52;c;aGVsbG8=\x07leikepöytä",
    "😀 emoji 👩‍⚕️",
    "e\u0301 combining",
    "مرحبا עברית",
    "x" * 10_000,
]


@pytest.fixture
def clinic_db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "klinikka.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka [/] 3.11.", language="fi")
    engine.dispose()
    return path, clinic.id


async def started(app: KlinikkaApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, ClinicsScreen)


def idea_texts(path: Path, clinic_id: int) -> list[str]:
    engine = open_database(path)
    try:
        return [idea.text for idea in ideas.search_ideas(engine, clinic_id)]
    finally:
        engine.dispose()


async def test_open_a_clinic_capture_an_idea_and_undo(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkspaceScreen)
        capture = app.screen.query_one("#capture", Input)
        assert capture.has_focus
        await pilot.press(*"Maija Virtanen / resident: Neuvolat mukaan")
        await pilot.press("enter")
        await pilot.pause()
        assert capture.value == ""
        engine = open_database(path)
        [idea] = ideas.search_ideas(engine, clinic_id)
        assert (idea.text, idea.author, idea.group_name) == (
            "Neuvolat mukaan",
            "Maija Virtanen",
            "Asukas tai asiakas",
        )
        table = app.screen.query_one("#idea-table", DataTable)
        assert table.row_count == 1
        assert "Neuvolat mukaan" in str(table.get_row_at(0)[1])
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert ideas.search_ideas(engine, clinic_id) == []
        assert table.row_count == 0
        engine.dispose()


async def test_a_mistake_keeps_the_typed_text(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"/ nosuchgroup: tärkeä idea", "enter")
        await pilot.pause()
        assert app.screen.query_one("#capture", Input).value == "/ nosuchgroup: tärkeä idea"
    assert idea_texts(path, clinic_id) == []


async def test_themes_are_created_and_ideas_moved_by_keyboard(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"Etävastaanotot iltaisin", "enter")
        await pilot.press("f3")
        await pilot.press(*"Digipalvelut", "enter")
        await pilot.pause()
        await pilot.press("f2", "ctrl+t")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
    engine = open_database(path)
    [theme] = themes.list_themes(engine, clinic_id)
    [idea] = ideas.search_ideas(engine, clinic_id)
    assert (theme.name, idea.theme_name) == ("Digipalvelut", "Digipalvelut")
    engine.dispose()


async def test_hostile_text_is_shown_as_text(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        capture = app.screen.query_one("#capture", Input)
        for text in HOSTILE:
            capture.value = text
            await pilot.press("enter")
            await pilot.pause()
        table = app.screen.query_one("#idea-table", DataTable)
        assert table.row_count == len(HOSTILE)
        shown = [str(table.get_row_at(row)[1]) for row in range(table.row_count)]
        assert "[/]" in shown and "[bold]x" in shown
        assert all("\x1b" not in cell and "\x07" not in cell for cell in shown)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    assert len(idea_texts(path, clinic_id)) == len(HOSTILE)


async def test_another_klinikka_is_seen_live_without_losing_the_typing(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*"puolikas")
        other = open_database(path)
        ideas.capture_idea(other, clinic_id, "Toisen koneen idea")
        other.dispose()
        await pilot.pause(1.2)
        table = app.screen.query_one("#idea-table", DataTable)
        assert table.row_count == 1
        assert app.screen.query_one("#capture", Input).value == "puolikas"


async def test_a_new_clinic_from_the_list(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await started(app, pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Ensimmäinen klinikka", "enter")
        await pilot.pause()
        assert app.screen.query_one("#clinics", DataTable).row_count == 1
    engine = open_database(path)
    assert [c.title for c in clinics.list_clinics(engine)] == ["Ensimmäinen klinikka"]
    engine.dispose()
