"""What the Pilot tests share: waiting for the app, and getting to a clinic's workspace."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from klinikka.tui.app import KlinikkaApp
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.workspace import WorkspaceScreen


def type_ahead(app: KlinikkaApp, text: str) -> None:
    """Post every key of ``text`` ("\\n" is Enter) at once, as a paste-fast typist would
    (for tests marked ``typing_ahead``: Pilot's ``press`` waits for the writes)."""
    from textual import events
    from textual.keys import _character_to_key

    for character in text:
        if character == "\n":
            app.post_message(events.Key("enter", "\r"))
        else:
            app.post_message(events.Key(_character_to_key(character), character))


async def until(pilot: Pilot[Any], condition: Callable[[], bool], tries: int = 100) -> None:
    """Let the app run until ``condition()`` holds (it is busy on a loaded machine)."""
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    assert condition()


def refusal(app: KlinikkaApp) -> str:
    """What the line beside the input says about a typed line that was not saved ('' if none)."""
    from klinikka.tui.widgets.write_status import WriteStatus

    found = app.screen.query(WriteStatus)
    return str(found.first().render()) if found else ""


async def started(app: KlinikkaApp, pilot: Pilot[Any]) -> None:
    """The database is open and the clinics list has the focus."""
    await app.workers.wait_for_complete()
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, ClinicsScreen)
            and app.screen.query_one("#clinics", DataTable).has_focus
        ),
    )


async def open_workspace(app: KlinikkaApp, pilot: Pilot[Any]) -> WorkspaceScreen:
    """The selected clinic opened, its capture line ready."""
    await started(app, pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, WorkspaceScreen))
    screen = app.screen
    assert isinstance(screen, WorkspaceScreen)
    await until(pilot, lambda: screen.query_one("#capture", Input).has_focus)
    return screen


def idea_texts(path: Path, clinic_id: int) -> list[str]:
    """The clinic's ideas as saved, in order, read as another klinikka would."""
    from klinikka.db import open_database
    from klinikka.services import ideas

    engine = open_database(path)
    try:
        return [idea.text for idea in ideas.search_ideas(engine, clinic_id)]
    finally:
        engine.dispose()
