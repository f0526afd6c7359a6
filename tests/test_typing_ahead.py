"""A fast typist on a slow database: another klinikka holds the write lock for seconds while
lines are typed without waiting for the app. Nothing is merged, lost, doubled or frozen.

Keys are posted to the app the way the terminal driver posts them, all at once, instead of
Pilot's ``press`` (which waits until each key is handled, as no typist does).
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from klinikka import recovery
from klinikka.db import BUSY_TIMEOUT_MS, open_database
from klinikka.models import VotingMethod
from klinikka.services import clinics, history, ideas, notes, themes, voting
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.widgets.idea_list import IdeaList
from klinikka.tui.widgets.line_input import LineInput
from klinikka.tui.widgets.timer import TimerDisplay
from klinikka.tui.widgets.write_status import WriteStatus
from tui_helpers import idea_texts, open_workspace, type_ahead, until

pytestmark = pytest.mark.typing_ahead

LOCK_SECONDS = 7.0


@pytest.fixture
def clinic_db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "klinikka.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka 3.11.", language="fi")
    engine.dispose()
    return path, clinic.id


@contextmanager
def write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another process's write transaction: the file's write lock held until the block ends."""
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        connection.execute("ROLLBACK")
        connection.close()


async def saved(app: KlinikkaApp, pilot: Any, timeout: float = 30) -> None:
    """Wait (off the loop) until the write queue has saved everything, then let the app
    take the outcomes in."""
    assert app.writes is not None
    assert await asyncio.to_thread(app.writes.wait_idle, timeout)
    for _ in range(3):
        await pilot.pause()


LINES = [f"Idea {n}: kotihoito ja äänestys {n}" for n in range(30)]


async def test_thirty_ideas_typed_during_a_lock_are_thirty_ideas_in_order(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        app.countdown.start(600, "Ideointi")
        timer = screen.query_one(TimerDisplay)
        with write_lock(path):
            type_ahead(app, "".join(f"{line}\n" for line in LINES))
            idea_list = screen.query_one("#idea-list", IdeaList)
            # Every line shows at once, as typed, marked as being saved.
            await until(pilot, lambda: idea_list.row_count == len(LINES))
            assert [idea_list.shown_text(n) for n in range(len(LINES))] == LINES
            assert idea_list.pending_count == len(LINES)
            assert screen.query_one("#capture", Input).value == ""
            status = screen.query_one(WriteStatus)
            await until(pilot, lambda: "Waiting for the database" in str(status.render()))
            # The app is alive: the countdown goes on while the database is locked.
            shown = str(timer.render())
            await until(pilot, lambda: str(timer.render()) != shown, tries=60)
            await asyncio.sleep(LOCK_SECONDS - 2)
        await saved(app, pilot)
        assert idea_list.pending_count == 0
        assert [idea_list.shown_text(n) for n in range(len(LINES))] == LINES
        await until(pilot, lambda: "Waiting" not in str(status.render()))
    assert idea_texts(path, clinic_id) == LINES


async def test_ballots_typed_during_a_lock_are_all_counted(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    engine = open_database(path)
    first = themes.create_theme(engine, clinic_id, "Ennaltaehkäisy")
    second = themes.create_theme(engine, clinic_id, "Digituki")
    voting_round = voting.create_round(
        engine, clinic_id, VotingMethod.SINGLE, theme_ids=[first.id, second.id]
    )
    voting.open_round(engine, voting_round.id)
    engine.dispose()
    voters = [f"Äänestäjä {n}" for n in range(30)]
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("f4")
        await until(pilot, lambda: screen.query_one("#ballot", Input).has_focus)
        with write_lock(path):
            type_ahead(app, "".join(f"{voter}: {1 + n % 2}\n" for n, voter in enumerate(voters)))
            await until(
                pilot, lambda: "Being saved" in str(screen.query_one("#ballots-pending").render())
            )
            await asyncio.sleep(LOCK_SECONDS - 1)
        await saved(app, pilot)
    engine = open_database(path)
    result = voting.tally_round(engine, voting_round.id)
    ballots = voting.list_ballots(engine, voting_round.id)
    engine.dispose()
    assert [ballot.voter for ballot in ballots] == voters
    assert result.ballot_count == 30
    assert {row.theme_id: row.score for row in result.scores} == {first.id: 15, second.id: 15}


async def test_notes_typed_during_a_lock_are_all_written(clinic_db: tuple[Path, int]) -> None:
    path, clinic_id = clinic_db
    lines = [f"Päätös {n}: jatketaan" for n in range(12)]
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("f5")
        await until(pilot, lambda: screen.query_one("#note", Input).has_focus)
        with write_lock(path):
            type_ahead(app, "".join(f"{line}\n" for line in lines))
            await until(pilot, lambda: screen.query_one("#note", Input).value == "")
            await asyncio.sleep(LOCK_SECONDS - 1)
        await saved(app, pilot)
    engine = open_database(path)
    written = [note.text for note in notes.list_notes(engine, clinic_id)]
    engine.dispose()
    assert written == lines


async def answer_the_offer(app: KlinikkaApp, pilot: Pilot[None], choice: str | None) -> None:
    """Wait for the offer of lines left behind and choose (None: Escape)."""
    await app.workers.wait_for_complete()
    await until(pilot, lambda: type(app.screen).__name__ == "Choose")
    if choice is None:
        await pilot.press("escape")
        return
    choices = app.screen.query_one("#choices", OptionList)
    index = next(
        i for i in range(choices.option_count) if choices.get_option_at_index(i).id == choice
    )
    choices.highlighted = index
    await pilot.press("enter")


async def test_lines_left_unsaved_at_quit_are_offered_at_the_next_start(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    with write_lock(path):
        async with app.run_test(size=(100, 32)) as pilot:
            await open_workspace(app, pilot)
            type_ahead(app, "eka rivi\ntoka rivi\n")
            await until(pilot, lambda: app.screen.query_one(IdeaList).pending_count == 2)
            await pilot.press("ctrl+q")
            await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
            assert "not saved" in " ".join(
                str(label.render()) for label in app.screen.query("Label")
            )
            await pilot.press("y")
        kept = recovery.load(str(path))
        assert [line["text"] for line in kept] == ["eka rivi", "toka rivi"]
    # The next start: the database is free again, and the lines are offered.
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await answer_the_offer(app, pilot, "save")
        await saved(app, pilot)
        # The clinics list under the question counts them once they are in.
        clinics_table = app.screen.query_one("#clinics", DataTable)
        await until(pilot, lambda: str(clinics_table.get_row_at(0)[2]) == "2")
    # Offered again after a crash (the same uids): nothing is saved twice.
    recovery.save(str(path), kept)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await answer_the_offer(app, pilot, "save")
        await saved(app, pilot)
    assert recovery.load(str(path)) == []
    assert idea_texts(path, clinic_id) == [
        "eka rivi",
        "toka rivi",
    ]


def time_passes(seconds: float) -> None:
    time.sleep(seconds)


def left_lines(path: Path) -> list[str]:
    return [line["text"] for line in recovery.load(str(path))]


async def test_lines_left_behind_stay_until_saved_or_thrown_away(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    kept = [
        {"kind": "idea", "uid": f"kept-{n}", "text": text, "clinic_id": clinic_id}
        for n, text in enumerate(["ensimmäinen", "toinen"])
    ]
    recovery.save(str(path), kept)
    # Escape: not now. They are offered again at the next start.
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await answer_the_offer(app, pilot, None)
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ClinicsScreen"
        # A line typed and saved now does not wipe them (the keeper's file is its own).
        await open_workspace(app, pilot)
        type_ahead(app, "uusi rivi\n")
        await saved(app, pilot)
    assert left_lines(path) == ["ensimmäinen", "toinen"]
    # Quitting while the question is open keeps them too.
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: type(app.screen).__name__ == "Choose")
        await pilot.press("ctrl+q")
    assert left_lines(path) == ["ensimmäinen", "toinen"]
    # Throwing them away asks once more; "no" asks the first question again.
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await answer_the_offer(app, pilot, "discard")
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
        await pilot.press("n")
        await answer_the_offer(app, pilot, "discard")
        await until(pilot, lambda: type(app.screen).__name__ == "Confirm")
        await pilot.press("y")
        await pilot.pause()
    assert left_lines(path) == []
    assert idea_texts(path, clinic_id) == ["uusi rivi"]


async def test_two_klinikkas_on_one_database_keep_their_own_lines(
    clinic_db: tuple[Path, int],
) -> None:
    path, _clinic_id = clinic_db
    first = make_app(Settings(database=str(path), language="en"))
    second = make_app(Settings(database=str(path), language="en"))
    with write_lock(path):
        async with first.run_test(size=(100, 32)) as one, second.run_test(size=(100, 32)) as two:
            await open_workspace(first, one)
            await open_workspace(second, two)
            type_ahead(first, "ykkösen rivi\n")
            type_ahead(second, "kakkosen rivi\n")
            await until(one, lambda: first.screen.query_one(IdeaList).pending_count == 1)
            await until(two, lambda: second.screen.query_one(IdeaList).pending_count == 1)
            assert first.writes is not None and second.writes is not None
            await asyncio.to_thread(time_passes, 0.5)
            # Both are running: neither's lines are left behind for a third.
            assert left_lines(path) == []
            for app, pilot in ((first, one), (second, two)):
                await pilot.press("ctrl+q")
                await until(pilot, lambda app=app: type(app.screen).__name__ == "Confirm")
                await pilot.press("y")
    assert sorted(left_lines(path)) == ["kakkosen rivi", "ykkösen rivi"]


async def test_a_refused_line_comes_back_and_the_next_ones_are_saved(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        # Refused alone: it is back in its field at once.
        type_ahead(app, "/ nosuchgroup: tärkeä idea\n")
        await saved(app, pilot)
        capture = screen.query_one("#capture", Input)
        assert capture.value == "/ nosuchgroup: tärkeä idea"
        shown = str(screen.query_one(WriteStatus).render())
        assert "Not saved" in shown and "nosuchgroup" in shown
        capture.value = ""
        # Refused while the next line was typed: never put under the typist's fingers (it
        # would be merged with the line typed next), but kept, and Enter on the empty
        # field brings it back.
        type_ahead(app, "/ nosuchgroup: toinen\nhyvä idea\nkesk")
        await saved(app, pilot)
        await until(pilot, lambda: capture.value == "kesk")
        status = screen.query_one(WriteStatus)
        await until(pilot, lambda: "Enter on the empty line" in str(status.render()))
        type_ahead(app, "en\n\n")
        await saved(app, pilot)
        await until(pilot, lambda: capture.value == "/ nosuchgroup: toinen")
    assert idea_texts(path, clinic_id) == ["hyvä idea", "kesken"]


async def test_a_line_refused_after_its_clinic_was_left_waits_there(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await open_workspace(app, pilot)
        with write_lock(path):
            type_ahead(app, "/ nosuchgroup: jäi jonoon\nkeskeneräinen")
            capture = app.screen.query_one("#capture", Input)
            await until(pilot, lambda: capture.value == "keskeneräinen")
            await pilot.press("escape")  # back to the clinics list, the line still queued
            await until(pilot, lambda: type(app.screen).__name__ == "ClinicsScreen")
        await saved(app, pilot)
        # Said where the user is now, with the line.
        assert any("jäi jonoon" in str(n.message) for n in app._notifications)
        screen = await open_workspace(app, pilot)
        capture = screen.query_one("#capture", Input)
        assert capture.value == "keskeneräinen"  # the draft as it was left
        capture.value = ""
        type_ahead(app, "\n")
        await until(pilot, lambda: capture.value == "/ nosuchgroup: jäi jonoon")
    engine = open_database(path)
    assert ideas.search_ideas(engine, clinic_id) == []
    engine.dispose()


async def test_an_unforeseen_error_is_reported_and_the_app_goes_on(
    clinic_db: tuple[Path, int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from klinikka.paths import state_dir
    from klinikka.tui.widgets.ideas_panel import IdeasPanel

    path, clinic_id = clinic_db

    def broken(self: IdeasPanel) -> None:
        raise RuntimeError("rikki")

    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        monkeypatch.setattr(IdeasPanel, "star", broken)
        type_ahead(app, "kesken")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.is_running
        assert screen.query_one("#capture", Input).value == "kesken"
        reports = list((state_dir() / "errors").iterdir())
        assert len(reports) == 1
        assert "rikki" in reports[0].read_text(encoding="utf-8")
        assert any("rikki" in str(note.message) for note in app._notifications)
        # The app still works.
        type_ahead(app, " idea\n")
        await saved(app, pilot)
    assert idea_texts(path, clinic_id) == ["kesken idea"]


def press_at_once(app: KlinikkaApp, *keys: str) -> None:
    """Post keys (Textual's names, e.g. "ctrl+z", "f3") at once, behind what was posted."""
    for key in keys:
        app.post_message(events.Key(key, None))


async def test_undo_pressed_straight_after_enter_undoes_that_line(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        type_ahead(app, "ensimmäinen\n")
        await saved(app, pilot)
        with write_lock(path):
            type_ahead(app, "toinen\n")
            press_at_once(app, "ctrl+z")
            type_ahead(app, "kolmas\n")
            await asyncio.sleep(1)
        await saved(app, pilot)
    assert idea_texts(path, clinic_id) == [
        "ensimmäinen",
        "kolmas",
    ]


async def test_text_typed_straight_after_a_phase_key_goes_to_that_phase(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        type_ahead(app, "idea ensin")
        press_at_once(app, "f3")
        type_ahead(app, "Uusi teema\n")
        press_at_once(app, "f2")
        type_ahead(app, "idea sitten\n")
        await saved(app, pilot)
        await until(pilot, lambda: screen.phase == "ideas")
        assert screen.query_one("#capture", Input).value == ""
    engine = open_database(path)
    assert [theme.name for theme in themes.list_themes(engine, clinic_id)] == ["Uusi teema"]
    assert [idea.text for idea in ideas.search_ideas(engine, clinic_id)] == [
        "idea ensinidea sitten"
    ]
    engine.dispose()


def error_line(app: KlinikkaApp) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


async def test_a_form_saved_during_a_lock_waits_calmly_and_saves_once(
    clinic_db: tuple[Path, int],
) -> None:
    from klinikka.tui.screens.clinic_form import ClinicForm

    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: type(app.screen).__name__ == "ClinicsScreen")
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ClinicForm))
        form = app.screen
        with write_lock(path):
            form.query_one("#facilitator", Input).value = "Kaisa Virtanen"
            press_at_once(app, "ctrl+s", "ctrl+s", "enter")  # impatient: once is saved
            await until(pilot, lambda: error_line(app) == "Saving…")
            # The app is alive meanwhile: keys still go into the form.
            type_ahead(app, " (syksy)")
            title = form.query_one("#title", Input)
            await until(pilot, lambda: title.value.endswith(" (syksy)"))
            assert app.screen is form
            await asyncio.sleep(2)
        await saved(app, pilot)
        # What was typed while saving is not thrown away: the form says so and stays.
        await until(pilot, lambda: error_line(app).startswith("Saved."))
        assert app.screen is form and title.value == "Verkkoklinikka 3.11. (syksy)"
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        await until(pilot, lambda: type(app.screen).__name__ == "ClinicsScreen")
        table = app.screen.query_one("#clinics", DataTable)
        await until(pilot, lambda: "(syksy)" in str(table.get_row_at(0)[1]))
    engine = open_database(path)
    clinic = clinics.get_clinic_summary(engine, clinic_id)
    assert (clinic.facilitator, clinic.title) == ("Kaisa Virtanen", "Verkkoklinikka 3.11. (syksy)")
    edits = [row for row in history.list_activity(engine, clinic_id) if row.action == "clinic.edit"]
    engine.dispose()
    assert len(edits) == 2  # one each: the impatient second ctrl+s and Enter saved nothing


async def test_a_refused_form_stays_open_with_what_was_typed(clinic_db: tuple[Path, int]) -> None:
    from klinikka.tui.screens.participants import ParticipantForm, ParticipantsScreen

    path, _clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("ctrl+n")
        await until(pilot, lambda: isinstance(app.screen, ParticipantsScreen))
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, ParticipantForm))
        form = app.screen
        form.query_one("#name", Input).value = "   "
        form.query_one("#organisation", Input).value = "Sote-järjestö ry"
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        await until(pilot, lambda: error_line(app) not in ("", "Saving…"))
        assert app.screen is form
        assert form.query_one("#organisation", Input).value == "Sote-järjestö ry"
        # Fixed and saved: the list under it shows the new participant.
        form.query_one("#name", Input).value = "Aino Laine"
        await pilot.press("ctrl+s")
        await saved(app, pilot)
        await until(pilot, lambda: isinstance(app.screen, ParticipantsScreen))
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 1)
        # Removed through the queue, and undone.
        await pilot.press("delete")
        await saved(app, pilot)
        await until(pilot, lambda: table.row_count == 0)
        await pilot.press("ctrl+z")
        await saved(app, pilot)
        await until(pilot, lambda: table.row_count == 1)


async def test_the_clinics_list_writes_through_the_queue(clinic_db: tuple[Path, int]) -> None:
    path, _clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.workers.wait_for_complete()
        await until(pilot, lambda: type(app.screen).__name__ == "ClinicsScreen")
        clinics_screen = app.screen
        table = clinics_screen.query_one("#clinics", DataTable)
        with write_lock(path):
            await pilot.press("c")  # a copy, while another klinikka holds the database
            status = clinics_screen.query_one(WriteStatus)
            await until(pilot, lambda: "Waiting for the database" in str(status.render()))
            assert table.row_count == 1
        await saved(app, pilot)
        await until(pilot, lambda: table.row_count == 2)
        # The cursor is on the copy.
        engine = open_database(path)
        listed = clinics.list_clinics(engine)
        engine.dispose()
        copy = max(clinic.id for clinic in listed)
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        assert key == str(copy)


async def test_an_import_during_a_lock_waits_for_the_database_instead_of_failing(
    clinic_db: tuple[Path, int],
) -> None:
    from klinikka.tui.screens.import_dialog import ImportDialog

    path, clinic_id = clinic_db
    source = path.parent / "ideat.txt"
    source.write_text("Neuvolan iltavastaanotto\nDigituki kirjastoissa\n", encoding="utf-8")
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, ImportDialog))
        dialog = app.screen
        dialog.query_one("#path", Input).value = str(source)
        await pilot.press("enter")
        preview = dialog.query_one("#preview-text", Static)
        await until(pilot, lambda: "ideat.txt" in str(preview.render()))
        with write_lock(path):
            await pilot.press("ctrl+s")
            await asyncio.sleep(BUSY_TIMEOUT_MS / 1000 + 1)  # past SQLite's own waiting
            assert app.screen is dialog
            assert "Importing" in str(dialog.query_one("#hint", Static).render())
        await saved(app, pilot)
        await until(pilot, lambda: app.screen is screen)
        listed = screen.query_one("#idea-list", IdeaList)
        await until(pilot, lambda: listed.row_count == 2)
    assert idea_texts(path, clinic_id) == [
        "Neuvolan iltavastaanotto",
        "Digituki kirjastoissa",
    ]


async def test_when_the_app_must_stop_the_text_typed_is_shown_to_copy(
    clinic_db: tuple[Path, int],
) -> None:
    path, _clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        type_ahead(app, "[bold]kesken[/] jäänyt idea")
        capture = screen.query_one("#capture", Input)
        await until(pilot, lambda: capture.value.endswith("idea"))
        screen.query_one("#capture", LineInput).returned.append("hylätty \x1b[31mrivi\x1b[0m")
        message = app.stopped_message("RuntimeError: rikki", "/tmp/report.txt")
    assert message.splitlines()[0].startswith("klinikka stopped: RuntimeError: rikki.")
    assert "Typed and not saved:" in message
    assert "[bold]kesken[/]" in message and "jäänyt idea" in message
    assert "hylätty rivi" in message


async def test_editing_keys_in_a_burst_act_where_they_were_typed(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        # All posted before any is handled: the editing keys act between the characters.
        type_ahead(app, "Kotihoidon tekoälx")
        press_at_once(app, "backspace")
        type_ahead(app, "y\nturha")
        press_at_once(app, "backspace", "backspace", "backspace", "backspace", "backspace")
        type_ahead(app, "Digituki\nalku")
        press_at_once(app, "home")
        type_ahead(app, "Vertaistuen ")
        press_at_once(app, "end")
        type_ahead(app, "un\n")
        await saved(app, pilot)
    assert idea_texts(path, clinic_id) == [
        "Kotihoidon tekoäly",
        "Digituki",
        "Vertaistuen alkuun",
    ]


async def test_a_paste_with_control_characters_keeps_its_words_and_prefix(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        capture = screen.query_one("#capture", Input)
        app.post_message(
            events.Paste("Maija Virtanen / asukas: \x1b[31mpunainen\x1b[0m\r\nidea\x07\x00 tässä")
        )
        await until(pilot, lambda: capture.value != "")
        assert capture.value == "Maija Virtanen / asukas: punainen idea tässä"
        type_ahead(app, "\n")
        await saved(app, pilot)
    assert idea_texts(path, clinic_id) == ["punainen idea tässä"]


async def test_the_capture_line_edits_like_every_terminal_input(
    clinic_db: tuple[Path, int],
) -> None:
    path, clinic_id = clinic_db
    engine = open_database(path)
    ideas.capture_idea(engine, clinic_id, "Valmis idea")
    engine.dispose()
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        capture = screen.query_one("#capture", Input)
        panel = screen.query_one("#ideas")
        type_ahead(app, "neuvolat mukaan hyte")
        press_at_once(app, "ctrl+w")  # the last word
        await until(pilot, lambda: capture.value == "neuvolat mukaan ")
        press_at_once(app, "ctrl+a", "ctrl+d", "ctrl+e")  # home, the first letter, end
        type_ahead(app, "työhön")
        await until(pilot, lambda: capture.value == "euvolat mukaan työhön")
        press_at_once(app, "ctrl+u")  # clears the line; the filter stays as it was
        await until(pilot, lambda: capture.value == "")
        assert not panel.only_unassigned
        assert idea_texts(path, clinic_id) == ["Valmis idea"]
        # On the empty line the same keys act on the list.
        press_at_once(app, "ctrl+u")
        await until(pilot, lambda: panel.only_unassigned)


async def test_keys_typed_behind_a_dialogs_ctrl_s_still_act(
    clinic_db: tuple[Path, int], tmp_path: Path
) -> None:
    # ctrl+s closed the export dialog before the screen drew again; the keys typed behind it
    # were held for a redraw of that screen that never came, and the app took no key again.
    from klinikka.tui.screens.export_dialog import ExportDialog

    path, clinic_id = clinic_db
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        for n in range(3):
            await pilot.press("f5")
            await until(pilot, lambda: screen.phase == "summary")
            await pilot.press("ctrl+x")
            await until(pilot, lambda: isinstance(app.screen, ExportDialog))
            app.screen.query_one("#path", Input).value = str(tmp_path / f"kooste-{n}.md")
            press_at_once(app, "ctrl+s")
            await until(pilot, lambda n=n: (tmp_path / f"kooste-{n}.md").exists())
            await until(pilot, lambda: app.screen is screen)
            press_at_once(app, "f2")
            type_ahead(app, f"idea {n}\n")
            await saved(app, pilot)
            await until(pilot, lambda: screen.phase == "ideas")
        await saved(app, pilot)
    engine = open_database(path)
    assert [idea.text for idea in ideas.search_ideas(engine, clinic_id)] == [
        "idea 0",
        "idea 1",
        "idea 2",
    ]
    engine.dispose()
