"""What a review of the Vote and Summary work found, each now refused or handled."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from klinikka.db import open_database
from klinikka.errors import ValidationError
from klinikka.models import VotingMethod
from klinikka.services import clinics, ideas, themes, voting
from klinikka.tui.app import Settings, make_app
from klinikka.tui.countdown import parse_duration
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.export_dialog import ExportDialog
from klinikka.tui.screens.round_form import RoundForm
from klinikka.tui.widgets.summary_panel import SummaryPanel
from tui_helpers import open_workspace, until


def a_clinic(path: Path, *, open_round: bool = False) -> int:
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Klinikka", language="en")
    for name in ("Ennaltaehkäisy", "Digipalvelut"):
        themes.create_theme(engine, clinic.id, name)
    if open_round:
        made = voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
        voting.open_round(engine, made.id)
    engine.dispose()
    return clinic.id


@pytest.mark.parametrize(
    ("typed", "seconds", "label"),
    [("7", 420, ""), ("7:30 Ryhmätyö", 450, "Ryhmätyö"), ("2 \x1b]52;c;SGk=\x07x", 120, "x")],
)
def test_a_timer_is_read_as_typed_and_its_label_is_text(
    typed: str, seconds: int, label: str
) -> None:
    assert parse_duration(typed) == (seconds, label)


@pytest.mark.parametrize("typed", ["45sek", "90s", "2h", "7,5", "7.5", "1000", "1:30:00", "0", ""])
def test_a_time_that_could_be_misread_is_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_duration(typed)


async def test_odd_digits_in_a_round_limit_are_refused_not_crashed_on(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("f4", "ctrl+r")
        await until(pilot, lambda: isinstance(app.screen, RoundForm))
        form = app.screen
        form.query_one("#method", Select).value = "dots"
        await pilot.pause()
        form.query_one("#dots", Input).value = "²"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "whole number" in str(form.query_one("#form-error", Static).content)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
    engine = open_database(path)
    assert voting.list_rounds(engine, clinic_id) == []
    engine.dispose()


async def test_an_export_path_the_system_refuses_is_a_message(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f5", "ctrl+x")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog))
        dialog = app.screen
        error = dialog.query_one("#form-error", Static)
        for typed in ("~nosuchuser-klinikka/x.md", "bad\x00name.md"):
            error.update("")
            dialog.query_one("#path", Input).value = typed
            await pilot.press("ctrl+s")
            await until(pilot, lambda: "not a path" in str(error.content))
            assert app.screen is dialog


async def test_a_clinic_deleted_elsewhere_returns_to_the_list(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await open_workspace(app, pilot)
        await pilot.press("f9")  # present mode on top of the workspace
        other = open_database(path)
        clinics.delete_clinic(other, clinic_id)
        other.dispose()
        await until(pilot, lambda: isinstance(app.screen, ClinicsScreen))
        await until(
            pilot, lambda: any("deleted in another" in str(n.message) for n in app._notifications)
        )
        assert len(app.screen_stack) == 2  # the list, on the app's default screen


async def test_the_line_keeps_ctrl_u_in_the_vote_phase(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    a_clinic(path, open_round=True)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("f4")
        ballot = screen.query_one("#ballot", Input)
        await until(pilot, lambda: ballot.has_focus)
        await pilot.press(*"Maija: 2", "ctrl+u")
        await pilot.pause()
        assert screen.phase == "vote"
        assert ballot.value == ""  # Input's own ctrl+u: delete to the start


async def test_a_mistyped_ballot_is_deleted_and_the_summary_follows(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    clinic_id = a_clinic(path, open_round=True)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.press("f2", *"Uusi idea yhteenvetoon", "enter")
        await pilot.press("f4")
        ballot = screen.query_one("#ballot", Input)
        await until(pilot, lambda: ballot.has_focus)
        for line in ("Maija: 1", "Maija V: 1", "Pekka: 2"):
            ballot.value = line
            await pilot.press("enter")
            await pilot.pause()
        await pilot.press("up", "ctrl+d")  # "Maija V" was Maija again
        await pilot.pause()
        await pilot.press("f5")
        await app.workers.wait_for_complete()
        await pilot.pause()
        preview = screen.query_one(SummaryPanel).preview_source
        assert "Uusi idea yhteenvetoon" in preview
    engine = open_database(path)
    [made] = voting.list_rounds(engine, clinic_id)
    assert [b.voter for b in voting.list_ballots(engine, made.id)] == ["Maija", "Pekka"]
    assert len(ideas.search_ideas(engine, clinic_id)) == 1
    engine.dispose()


def test_our_own_commit_does_not_hide_anothers_made_in_the_same_moment(tmp_path: Path) -> None:
    from klinikka.db import SqliteChanges

    path = tmp_path / "k.db"
    clinic_id = a_clinic(path)
    committed = [0]  # what the app's write queue counts
    watch = SqliteChanges(str(path), lambda: committed[0])
    ours, theirs = open_database(path), open_database(path)
    try:
        ideas.capture_idea(ours, clinic_id, "Oma idea")
        committed[0] += 1
        assert watch() is False  # our own commit alone: nothing to read again
        ideas.capture_idea(theirs, clinic_id, "Toisen koneen idea")
        ideas.capture_idea(ours, clinic_id, "Toinen oma idea")
        committed[0] += 1
        assert watch() is True  # the other one's idea must still be read
    finally:
        ours.dispose()
        theirs.dispose()
        watch.close()


def test_a_change_tells_which_clinics_it_touched(tmp_path: Path) -> None:
    from klinikka.db import SqliteChanges

    path = tmp_path / "k.db"
    first = a_clinic(path)
    other = open_database(path)
    try:
        second = clinics.create_clinic(other, "Toinen klinikka").id
        watch = SqliteChanges(str(path), lambda: 0)
        ideas.capture_idea(other, second, "Toisen klinikan idea")
        assert watch() is True
        assert watch.clinics == frozenset({second})  # the first clinic's screen need not read
        ideas.capture_idea(other, first, "Ensimmäisen idea")
        ideas.capture_idea(other, second, "Vielä yksi")
        assert watch() is True
        assert watch.clinics == frozenset({first, second})
        clinics.delete_clinic(other, second)  # its log goes with it: anything may have changed
        assert watch() is True
        assert watch.clinics is None
    finally:
        other.dispose()
        watch.close()


def test_a_deleted_clinic_whose_log_ids_are_reused_is_still_seen(tmp_path: Path) -> None:
    from klinikka.db import SqliteChanges

    path = tmp_path / "k.db"
    first = a_clinic(path)
    watch = SqliteChanges(str(path), lambda: 0)
    other = open_database(path)
    try:
        # The clinic's log goes with it, and the next rows take its ids again.
        clinics.delete_clinic(other, first)
        clinics.create_clinic(other, "Uusi")
        clinics.create_clinic(other, "Toinen uusi")
        clinics.create_clinic(other, "Kolmas uusi")
        assert watch() is True
        assert watch.clinics is None
    finally:
        other.dispose()
        watch.close()


async def test_an_error_in_a_dialogs_answer_is_reported_and_the_app_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klinikka.paths import state_dir

    path = tmp_path / "k.db"
    a_clinic(path)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("rikki vastaus")

    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32), notifications=True) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ClinicsScreen))
        listed = app.screen
        monkeypatch.setattr(listed, "_select_new", broken)
        await pilot.press("n", *"Uusi klinikka", "enter")  # the form's answer callback raises
        await until(pilot, lambda: any("rikki" in str(n.message) for n in app._notifications))
        assert app.is_running
        assert isinstance(app.screen, ClinicsScreen)
        [report] = list((state_dir() / "errors").iterdir())
        assert "rikki vastaus" in report.read_text(encoding="utf-8")
        await pilot.press("h")  # the list still answers
        await pilot.pause()
        assert app.screen.show_archived  # type: ignore[attr-defined]


async def test_a_screen_under_the_one_shown_reads_a_change_only_when_shown_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The clinics list under a workspace read every clinic's counts again at each change
    # another klinikka made (tens of milliseconds with large clinics, in the middle of typing).
    path = tmp_path / "k.db"
    a_clinic(path)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        await open_workspace(app, pilot)
        listed = app.screen_stack[-2]
        assert isinstance(listed, ClinicsScreen)
        reads: list[int] = []
        original = ClinicsScreen.reload
        monkeypatch.setattr(
            ClinicsScreen, "reload", lambda self: (reads.append(1), original(self))[1]
        )
        other = open_database(path)
        elsewhere = clinics.create_clinic(other, "Toinen klinikka", language="fi")
        ideas.capture_idea(other, elsewhere.id, "Idea toisessa klinikassa")
        other.dispose()
        await until(pilot, lambda: listed.needs_reload)
        assert reads == []
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is listed)
        table = listed.query_one("#clinics")
        await until(pilot, lambda: table.row_count == 2)
        assert reads


async def test_notifications_never_cover_a_question_or_present_mode(tmp_path: Path) -> None:
    from klinikka.tui.screens.dialogs import Confirm
    from klinikka.tui.screens.present import PresentScreen

    path = tmp_path / "k.db"
    a_clinic(path, open_round=True)
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await open_workspace(app, pilot)
        messages = lambda: [str(n.message) for n in app._notifications]  # noqa: E731
        # A question on top: a notification waits until it is answered.
        app.push_screen(Confirm("Really?"))
        await until(pilot, lambda: isinstance(app.screen, Confirm))
        app.notify("taustatapahtuma")
        await pilot.pause(0.6)
        assert "taustatapahtuma" not in messages()
        await pilot.press("n")
        await until(pilot, lambda: "taustatapahtuma" in messages())
        # Present mode (the shared screen): the same.
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, PresentScreen))
        app.notify("toinen tapahtuma")
        await pilot.pause(0.6)
        assert "toinen tapahtuma" not in messages()
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        await until(pilot, lambda: "toinen tapahtuma" in messages())
        # Never more than two at once, an error kept longest.
        app.notify("virhe", severity="error")
        for n in range(4):
            app.notify(f"tieto {n}")
        await pilot.pause()
        assert messages() == ["virhe", "tieto 3"]
