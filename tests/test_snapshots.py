"""SVG snapshots of every view at 80×24 and 120×40, in Finnish and English.

The database is the sample clinic of 3 November 2026 (ideas, themes and two closed rounds),
imported into a fresh file; the snapshot is taken after the database-opening worker has
finished, with the cursor's blink off, so nothing on screen depends on the clock. Regenerate
after a deliberate change with ``pytest tests/test_snapshots.py --snapshot-update`` and look
at the report before committing.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from klinikka.db import open_database
from klinikka.importers.klinikka_json import parse_document
from klinikka.paths import sample_data_dir
from klinikka.services.transfer import import_document
from klinikka.tui.app import Settings, make_app
from klinikka.tui.screens.clinic_form import ClinicForm
from klinikka.tui.screens.clinics import ClinicsScreen
from klinikka.tui.screens.help import HelpScreen
from klinikka.tui.screens.present import PresentScreen
from klinikka.tui.screens.workspace import WorkspaceScreen

SAMPLE = "verkkoklinikka-2026-11-03.json"
SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
LANGUAGES = ("fi", "en")
# The keys that bring each view up from the clinics list, and the screen it is on.
VIEWS: dict[str, tuple[tuple[str, ...], type]] = {
    "clinics": ((), ClinicsScreen),
    "ideas": (("enter",), WorkspaceScreen),
    "themes": (("enter", "f3"), WorkspaceScreen),
    "vote": (("enter", "f4"), WorkspaceScreen),
    "summary": (("enter", "f5"), WorkspaceScreen),
    "help": (("enter", "f1"), HelpScreen),
    "present": (("enter", "f4", "f9"), PresentScreen),
    "new-clinic": (("n",), ClinicForm),
}


@pytest.fixture(scope="module")
def sample_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample clinic imported once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("sample") / "klinikka.db"
    engine = open_database(path)
    document = parse_document((sample_data_dir() / SAMPLE).read_bytes())
    import_document(engine, document, file_name=SAMPLE)
    engine.dispose()
    # The last connection closed checkpoints the write-ahead log into the file itself.
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def database(sample_database: Path, tmp_path: Path) -> Path:
    return Path(shutil.copy(sample_database, tmp_path / "klinikka.db"))


@pytest.fixture(autouse=True)
def fixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # A theme or an animation level from the developer's shell would change every picture.
    for name in ("TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "TEXTUAL_COLOR_SYSTEM", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def go_to(
    keys: tuple[str, ...], screen_type: type
) -> Callable[[Pilot[Any]], Coroutine[Any, Any, None]]:
    """Wait for the database to open, press ``keys``, and stop every cursor blinking."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ClinicsScreen)
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, screen_type), app.screen
        for screen in app.screen_stack:
            for field in screen.query(Input):
                field.cursor_blink = False
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("view", VIEWS)
def test_view(
    snap_compare: Callable[..., bool], database: Path, view: str, size: str, language: str
) -> None:
    keys, screen_type = VIEWS[view]
    app = make_app(Settings(database=str(database), language=language))
    assert snap_compare(app, terminal_size=SIZES[size], run_before=go_to(keys, screen_type))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("view", ["vote", "present"])
def test_the_light_high_contrast_theme(
    snap_compare: Callable[..., bool], database: Path, view: str, language: str
) -> None:
    from klinikka.tui.themes import LIGHT

    keys, screen_type = VIEWS[view]
    app = make_app(Settings(database=str(database), language=language))
    app.theme = LIGHT
    assert snap_compare(app, terminal_size=SIZES["80x24"], run_before=go_to(keys, screen_type))
