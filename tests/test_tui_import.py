"""The import dialog (ctrl+l in Ideas): a file previewed, then imported, all from the keyboard."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from klinikka.db import open_database
from klinikka.services import clinics, ideas, themes
from klinikka.tui.app import Settings, make_app
from klinikka.tui.screens.import_dialog import ImportDialog
from klinikka.tui.widgets.idea_list import IdeaList
from tui_helpers import open_workspace, until

IMPORTS = Path(__file__).resolve().parent.parent / "sample_data" / "imports"


def a_clinic(path: Path) -> int:
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka 3.11.", language="fi")
    ideas.capture_idea(engine, clinic.id, "Etävastaanotot iltaisin")
    engine.dispose()
    return clinic.id


async def test_a_padlet_board_is_previewed_then_imported(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    app = make_app(Settings(database=str(path), language="fi"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, ImportDialog))
        dialog = app.screen
        preview = dialog.query_one("#preview-text", Static)
        error = dialog.query_one("#form-error", Static)
        # A file that is not there: said so, the dialog stays.
        dialog.query_one("#path", Input).value = str(tmp_path / "ei-ole.csv")
        await pilot.press("enter")
        await until(pilot, lambda: "ei-ole.csv" in str(error.render()))
        # The board: Enter shows what would come in, and nothing is imported yet.
        dialog.query_one("#path", Input).value = str(IMPORTS / "padlet.csv")
        await pilot.press("enter")
        await until(pilot, lambda: "padlet.csv" in str(preview.render()))
        shown = str(preview.render())
        assert "lisättäisiin" in shown  # "… ideaa lisättäisiin tiedostosta padlet.csv."
        assert str(error.render()) == ""
        engine = open_database(path)
        assert len(ideas.search_ideas(engine, clinic_id)) == 1
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        assert any("tuotiin" in str(n.message).lower() for n in app._notifications)
        listed = screen.query_one("#idea-list", IdeaList)
        await until(pilot, lambda: listed.row_count > 5)
    found = [idea for idea in ideas.search_ideas(engine, clinic_id) if idea.source == "import"]
    assert found and all(idea.source_file == "padlet.csv" for idea in found)
    assert len(themes.list_themes(engine, clinic_id)) >= 2  # the board's sections
    engine.dispose()


async def test_an_import_that_fails_is_said_and_the_app_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klinikka.services import importing

    def broken(*_args: object, **_kwargs: object) -> object:
        raise RuntimeError("database disk image is malformed")

    monkeypatch.setattr(importing, "import_ideas", broken)
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, ImportDialog))
        dialog = app.screen
        dialog.query_one("#path", Input).value = str(IMPORTS / "ideat.txt")
        await pilot.press("enter")
        preview = dialog.query_one("#preview-text", Static)
        await until(pilot, lambda: "ideat.txt" in str(preview.render()))
        await pilot.press("ctrl+s")
        error = dialog.query_one("#form-error", Static)
        await until(pilot, lambda: "nothing was changed" in str(error.render()))
        assert app.screen is dialog and app.is_running
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ImportDialog))


@pytest.mark.parametrize("suffix", ["", "-wal"])
async def test_the_database_itself_is_refused_unread(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, ImportDialog))
        dialog = app.screen
        dialog.query_one("#path", Input).value = str(path) + suffix
        await pilot.press("enter")
        error = dialog.query_one("#form-error", Static)
        await until(pilot, lambda: "own database" in str(error.render()))
        assert app.screen is dialog
