"""The Summary phase: notes written beside the preview, and the export dialog."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Select, Static

from klinikka.db import open_database
from klinikka.models import NoteKind
from klinikka.services import clinics, ideas, notes, participants
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.dialogs import Confirm
from klinikka.tui.screens.export_dialog import ExportDialog
from klinikka.tui.screens.workspace import WorkspaceScreen
from klinikka.tui.widgets.summary_panel import SummaryPanel
from tui_helpers import open_workspace, until


def a_clinic(path: Path) -> int:
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka [b]3.11.[/b]", language="fi")
    group = participants.list_groups(engine, clinic.id)[0]
    participants.add_participant(
        engine,
        clinic.id,
        "Maija Virtanen",
        organisation="Pirkanmaan hyvinvointialue",
        group_id=group.id,
    )
    ideas.capture_line(engine, clinic.id, "Maija Virtanen: Neuvolat mukaan")
    engine.dispose()
    return clinic.id


async def summary_phase(app: KlinikkaApp, pilot: Pilot[Any]) -> WorkspaceScreen:
    screen = await open_workspace(app, pilot)
    await pilot.press("f5")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await until(pilot, lambda: screen.query_one("#note", Input).has_focus)
    return screen


async def write(pilot: Pilot[Any], field: Input, text: str) -> None:
    field.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_notes_of_each_kind_are_written_edited_deleted_and_undone(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await summary_phase(app, pilot)
        field = screen.query_one("#note", Input)
        kind = screen.query_one("#note-kind", Static)
        assert "Decision" in str(kind.render())
        await write(pilot, field, "Ennaltaehkäisy on seuraavan klinikan teema.")
        await pilot.press("ctrl+t")
        assert "Next step" in str(kind.render())
        await write(pilot, field, "Kutsutaan neuvolat.")
        await pilot.press("ctrl+t", "ctrl+t")  # note, then back to decision
        assert "Decision" in str(kind.render())
        table = screen.query_one("#notes", DataTable)
        assert table.row_count == 2
        # Edit the selected (last) note, delete the first, undo the deletion.
        await pilot.press("ctrl+e")
        await pilot.pause()
        app.screen.query_one("#answer", Input).value = "Kutsutaan neuvolat ja koulut."
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("up", "ctrl+d")
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert table.row_count == 2
        # The preview is the exported Markdown: the notes are in it, the title as text.
        await app.workers.wait_for_complete()
        await pilot.pause()
        preview = screen.query_one(SummaryPanel).preview_source
        assert "Kutsutaan neuvolat ja koulut." in preview
        assert "\\[b\\]3.11.\\[/b\\]" in preview

    engine = open_database(path)
    written = [(n.kind, n.text) for n in notes.list_notes(engine, clinic_id)]
    engine.dispose()
    assert written == [
        (NoteKind.DECISION, "Ennaltaehkäisy on seuraavan klinikan teema."),
        (NoteKind.NEXT_STEP, "Kutsutaan neuvolat ja koulut."),
    ]


async def export_dialog(app: KlinikkaApp, pilot: Pilot[Any]) -> tuple[WorkspaceScreen, Any]:
    """The Summary phase, and the export dialog opened from it with ctrl+x."""
    screen = await summary_phase(app, pilot)
    await pilot.press("ctrl+x")
    await until(pilot, lambda: isinstance(app.screen, ExportDialog))
    return screen, app.screen


async def test_the_export_dialog_reports_a_missing_folder_then_writes(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="fi"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        screen, dialog = await export_dialog(app, pilot)
        suggested = dialog.query_one("#path", Input).value
        assert suggested.endswith(".md") and "verkkoklinikka" in suggested
        missing = tmp_path / "ei-ole" / "yhteenveto.md"
        dialog.query_one("#path", Input).value = str(missing)
        await pilot.press("ctrl+s")
        error = dialog.query_one("#form-error", Static)
        await until(pilot, lambda: "ei-ole" in str(error.render()))  # written in a thread
        assert app.screen is dialog  # stays open, with the reason
        assert not missing.parent.exists()
        # JSON, anonymised, into a folder that exists.
        dialog.query_one("#format", Select).value = "json"
        await pilot.pause()
        dialog.query_one("#path", Input).value = str(tmp_path / "yhteenveto.json")
        dialog.query_one("#anonymize", Checkbox).value = True
        await pilot.pause()
        # An anonymised summary is named so: it replaces neither the full one nor the reverse.
        target = tmp_path / "yhteenveto-anonymised.json"
        assert dialog.query_one("#path", Input).value == str(target)
        target.write_text("vanha", encoding="utf-8")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, Confirm))  # it exists: asked first
        await pilot.press("n")
        await until(pilot, lambda: app.screen is dialog)
        assert target.read_text(encoding="utf-8") == "vanha"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen)
        assert any(str(target) in str(n.message) for n in app._notifications)
    written = target.read_text(encoding="utf-8")
    assert '"version"' in written
    for name in ("Maija Virtanen", "Pirkanmaan hyvinvointialue"):
        assert name not in written


async def test_the_export_dialog_writes_csv_in_another_language(tmp_path: Path) -> None:
    """A Finnish-speaking facilitator sends the Swedish-speaking network its own summary:
    the CSV's two files, in Swedish, both asked about before they are replaced."""
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="fi"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        screen, dialog = await export_dialog(app, pilot)
        assert dialog.query_one("#language", Select).value == "fi"  # the clinic's language
        dialog.query_one("#format", Select).value = "csv"
        dialog.query_one("#language", Select).value = "sv"
        await pilot.pause()
        assert dialog.query_one("#path", Input).value.endswith(".csv")
        target = tmp_path / "kooste.csv"
        results = tmp_path / "kooste-results.csv"
        results.write_text("vanha", encoding="utf-8")
        dialog.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, Confirm))  # the results file exists
        assert "kooste-results.csv" in app.screen.question  # type: ignore[attr-defined]
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen)
        shown = " ".join(str(n.message) for n in app._notifications)
        assert str(target) in shown and str(results) in shown
    header = target.read_bytes().decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Nr;Tema;Idé;Skribent;")
    assert results.read_bytes().decode("utf-8-sig").startswith("Omgång;")


async def test_tab_and_a_click_never_take_typing_away_from_the_note_line(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await summary_phase(app, pilot)
        field = screen.query_one("#note", Input)
        await pilot.press("tab")
        await pilot.click("#preview-scroll")
        await pilot.press(*"Kutsutaan neuvolat", "enter")
        await until(pilot, lambda: screen.query_one("#notes", DataTable).row_count == 1)
        assert field.has_focus
    engine = open_database(path)
    assert [note.text for note in notes.list_notes(engine, clinic_id)] == ["Kutsutaan neuvolat"]
    engine.dispose()


async def test_the_preview_scrolls_from_the_note_line(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    engine = open_database(path)
    for n in range(60):
        ideas.capture_idea(engine, clinic_id, f"Idea numero {n}: kotihoito ja neuvolat")
    engine.dispose()
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await summary_phase(app, pilot)
        preview = screen.query_one("#preview-scroll")
        await until(pilot, lambda: preview.max_scroll_y > 0)
        await pilot.press("pagedown")
        await until(pilot, lambda: preview.scroll_y > 0)
        await pilot.press("end")
        await until(pilot, lambda: preview.scroll_y == preview.max_scroll_y)
        await pilot.press("pageup", "home")
        await until(pilot, lambda: preview.scroll_y == 0)
        # With text in the line, Home and End are the line's own again.
        field = screen.query_one("#note", Input)
        await pilot.press(*"Päätös", "home")
        await until(pilot, lambda: field.cursor_position == 0)
        assert preview.scroll_y == 0 and field.has_focus


async def test_exports_go_to_the_documents_folder_and_the_whole_path_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "koti"
    documents = home / "Documents"
    documents.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_DOCUMENTS_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen, dialog = await export_dialog(app, pilot)
        assert dialog.query_one("#path", Input).value.startswith(str(documents))
        assert str(documents) in str(dialog.query_one("#folder", Static).render())
        dialog.query_one("#path", Input).value = "tulos.md"  # a name alone: into that folder
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is screen)
        target = documents / "tulos.md"
        assert any(str(target) in str(n.message) for n in app._notifications)
    assert target.is_file()
