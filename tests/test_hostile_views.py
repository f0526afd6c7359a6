"""Hostile user text in every field the views show: shown as text, never sent as a control.

The services clean what they are given, so text typed into klinikka never holds an escape.
A database written by another tool, an older klinikka or a hand edit need not be clean,
though, and the views must not trust it: each field is also overwritten below with the raw
hostile string, straight into SQLite, and every view of it is opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from textual._compositor import LayoutUpdate
from textual.pilot import Pilot
from textual.screen import Screen
from textual.strip import Strip
from textual.widgets import ContentSwitcher, Input

from klinikka.db import open_database
from klinikka.services import clinics, ideas, participants, themes, voting
from klinikka.services._base import MAX_NAME
from klinikka.tui.app import KlinikkaApp, Settings, make_app
from klinikka.tui.screens.clinic_form import ClinicForm
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.dialogs import Choose
from klinikka.tui.screens.help import HelpScreen
from klinikka.tui.screens.participants import ParticipantForm, ParticipantsScreen
from klinikka.tui.screens.workspace import WorkspaceScreen
from test_tui import HOSTILE
from tui_helpers import started

# What must never reach the terminal: an escape (starts CSI and OSC sequences), a bell (ends
# an OSC), a right-to-left override, nor the payload of the OSC 52 clipboard sequence.
FORBIDDEN = ("\x1b", "\x07", "\u202e", "aGVsbG8")
# A part of each hostile string that must be seen, so that a view that shows nothing at all
# does not pass for one that shows the text safely.
SEEN = dict(
    zip(
        HOSTILE,
        [
            "[/]",
            "[bold]x",
            "punainen",
            "leikepöytä",
            "emoji",
            "combining",
            "مرحبا",
            "override ei",
            "x" * 12,
        ],
        strict=True,
    )
)
NAMES = ["close-tag", "markup", "csi", "osc52", "emoji", "combining", "rtl", "bidi", "long"]


def hostile_clinic(path: Path, text: str) -> int:
    """A clinic whose every shown field is ``text``: made by the services, then made raw.

    One-line fields are cut to the length typing allows: the over-long is another test's.
    """
    line = text[:MAX_NAME]
    engine = open_database(path)
    try:
        clinic = clinics.create_clinic(
            engine, line, goal=text, facilitator=line, note_taker=line, language="en"
        )
        theme = themes.create_theme(engine, clinic.id, line, description=text)
        other = themes.create_theme(engine, clinic.id, "Toinen teema")
        group = participants.list_groups(engine, clinic.id)[0]
        who = participants.add_participant(
            engine, clinic.id, line, organisation=line, group_id=group.id
        )
        idea = ideas.capture_idea(
            engine, clinic.id, text, author=who.name, group_id=group.id, theme_id=theme.id
        )
        twin = ideas.capture_idea(engine, clinic.id, text)
        ideas.merge_ideas(engine, idea.id, [twin.id])
        vote = voting.create_round(
            engine, clinic.id, "single", theme_ids=[theme.id, other.id], title=line
        )
        voting.open_round(engine, vote.id)
        voting.cast_ballot(engine, vote.id, who.name, [theme.id])
        voting.close_round(engine, vote.id)
    finally:
        engine.dispose()
    with closing(sqlite3.connect(path)) as raw, raw:
        for sql, values in (
            ("UPDATE clinic SET title = ?, facilitator = ?, note_taker = ?", (line, line, line)),
            ("UPDATE clinic SET goal = ?", (text,)),
            (
                "UPDATE theme SET name = ?, description = ? WHERE id = " + str(theme.id),
                (line, text),
            ),
            ("UPDATE stakeholder_group SET name = ? WHERE id = " + str(group.id), (line,)),
            ("UPDATE participant SET name = ?, organisation = ?", (line, line)),
            ("UPDATE idea SET text = ?, author = ?", (text, line)),
            ("UPDATE voting_round SET title = ?", (line,)),
            ("UPDATE ballot SET voter = ?", (line,)),
        ):
            assert raw.execute(sql, values).rowcount >= 1, sql
    clinic_id: int = clinic.id
    return clinic_id


def screen_strips(app: KlinikkaApp) -> list[Strip]:
    """What the terminal is sent, a strip a line.

    ``export_screenshot()`` makes SVG (text escaped as XML, spaces as no-break spaces), and
    the headless driver writes nothing to read back. The compositor's full update is what the
    driver turns into terminal output (each segment's text verbatim, wrapped in style codes):
    ``export_screenshot`` renders exactly this, with the screens underneath a modal one.
    """
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    return [Strip.join(line) for line in update.strips]


def shown_in(app: KlinikkaApp, selector: str) -> str:
    """The text drawn where the top screen's widget ``selector`` is ("" before it is there)."""
    found = app.screen.query(selector)
    if not found:
        return ""
    region = found.first().region
    lines = screen_strips(app)[region.y : region.bottom]
    return "\n".join(strip.crop(region.x, region.right).text for strip in lines)


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], tries: int = 100) -> None:
    """Let the app run until ``condition()`` holds; the caller asserts, with a message."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)


async def view(
    pilot: Pilot[None], kind: type[Screen[Any]], selector: str, seen: str | None
) -> None:
    """The screen on top is a ``kind``, shows ``seen`` in ``selector`` and nothing forbidden."""
    app = pilot.app
    assert isinstance(app, KlinikkaApp)
    await wait_for(pilot, lambda: isinstance(app.screen, kind))
    assert isinstance(app.screen, kind), (kind, app.screen)
    if seen is None:
        await pilot.pause()
    else:
        await wait_for(pilot, lambda: seen in shown_in(app, selector))
        assert seen in shown_in(app, selector), (selector, shown_in(app, selector))
    drawn = [strip.text for strip in screen_strips(app)]
    for bad in FORBIDDEN:
        assert not [line for line in drawn if bad in line], (kind.__name__, bad)


async def phase(pilot: Pilot[None], key: str, name: str) -> None:
    await pilot.press(key)
    switcher = pilot.app.screen.query_one("#switcher", ContentSwitcher)
    await wait_for(pilot, lambda: switcher.current == name)
    assert switcher.current == name


@pytest.mark.parametrize("hostile", HOSTILE, ids=NAMES)
async def test_every_view_shows_hostile_text_as_text(tmp_path: Path, hostile: str) -> None:
    clinic_id = hostile_clinic(tmp_path / "k.db", hostile)
    seen = SEEN[hostile]
    app = make_app(Settings(database=str(tmp_path / "k.db"), language="en"))
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await view(pilot, ClinicsScreen, "#clinics", seen)

        await pilot.press("e")
        for field in ("#title", "#facilitator", "#note-taker", "#goal"):
            await view(pilot, ClinicForm, field, seen)
        await pilot.press("escape")

        await view(pilot, ClinicsScreen, "#clinics", seen)
        await pilot.press("enter")
        for part in ("#clinic-title", "#idea-list", "#detail", "#counts"):
            await view(pilot, WorkspaceScreen, part, seen)
        workspace = app.screen
        assert isinstance(workspace, WorkspaceScreen) and workspace.clinic_id == clinic_id
        assert workspace.query_one("#capture", Input).has_focus

        await phase(pilot, "f3", "themes")
        await view(pilot, WorkspaceScreen, "#theme-table", seen)
        await phase(pilot, "f4", "vote")
        for part in ("#round-head", "#bars", "#ballots", "#round-note"):
            await view(pilot, WorkspaceScreen, part, seen)
        await phase(pilot, "f5", "summary")
        await view(pilot, WorkspaceScreen, "#preview", seen)

        await pilot.press("f1")
        await view(pilot, HelpScreen, "#help-text", None)
        await pilot.press("escape")
        await phase(pilot, "f2", "ideas")

        await pilot.press("ctrl+n")
        await view(pilot, ParticipantsScreen, "#participants", seen)
        await pilot.press("e")
        for field in ("#name", "#organisation", "#group"):
            await view(pilot, ParticipantForm, field, seen)
        await pilot.press("escape")
        await view(pilot, ParticipantsScreen, "#participants", seen)
        await pilot.press("escape")

        await view(pilot, WorkspaceScreen, "#idea-list", seen)
        await pilot.press("ctrl+t")
        await view(pilot, Choose, "#choices", seen)
        await pilot.press("escape")
        await view(pilot, WorkspaceScreen, "#idea-list", seen)
        await pilot.press("escape")
        await view(pilot, ClinicsScreen, "#clinics", seen)


async def test_an_over_long_name_in_the_database_does_not_stop_the_app(tmp_path: Path) -> None:
    # The summary is previewed through the export document, which refuses a name longer
    # than typing allows: the preview must say so, not end the app from its worker.
    path = tmp_path / "k.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Klinikka", language="en")
    engine.dispose()
    with closing(sqlite3.connect(path)) as raw, raw:
        raw.execute(
            "UPDATE stakeholder_group SET name = ? WHERE clinic_id = ? AND code = 'other'",
            ("x" * (MAX_NAME + 1), clinic.id),
        )
    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(120, 36)) as pilot:
        await started(app, pilot)
        await pilot.press("enter")
        await view(pilot, WorkspaceScreen, "#clinic-title", "Klinikka")
        await phase(pilot, "f5", "summary")
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: shown_in(app, "#preview").strip() != "")
        assert shown_in(app, "#preview").strip() != ""
        await phase(pilot, "f2", "ideas")
        assert app.is_running and isinstance(app.screen, WorkspaceScreen)
