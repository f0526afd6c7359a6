"""Shared fixtures: a fresh database file per test, in English unless a test says otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from klinikka import i18n
from klinikka.db import open_database
from klinikka.models import ClinicSummary
from klinikka.services import clinics


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in ("KLINIKKA_LANG", "KLINIKKA_DB", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def own_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test has its own config, state and data directories (platformdirs reads XDG_*):
    no test reads or leaves the developer's identity, error reports or recovery files."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.delenv("KLINIKKA_USER", raising=False)


@pytest.fixture(autouse=True)
def settled_writes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pilot's ``press`` and ``pause`` also wait until the app's write queue has saved what
    the keys asked for and the app has taken in the outcome, as a person would before looking
    again. Tests marked ``typing_ahead`` type without waiting, as a fast typist does."""
    if request.node.get_closest_marker("typing_ahead"):
        return
    import asyncio

    from textual.pilot import Pilot

    pause, press = Pilot.pause, Pilot.press

    async def settle(pilot: Pilot[Any]) -> None:
        writes = getattr(pilot.app, "writes", None)
        if writes is None or not writes.state().pending:
            return
        await asyncio.to_thread(writes.wait_idle, 30)
        for _ in range(3):  # the outcome goes to the app, then to the panel, which may reload
            await pause(pilot)

    async def settled_pause(self: Pilot[Any], delay: float | None = None) -> None:
        await pause(self, delay)
        await settle(self)

    async def settled_press(self: Pilot[Any], *keys: str) -> None:
        await press(self, *keys)
        await settle(self)

    monkeypatch.setattr(Pilot, "pause", settled_pause)
    monkeypatch.setattr(Pilot, "press", settled_press)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "klinikka.db"


@pytest.fixture
def engine(db_path: Path) -> Iterator[Engine]:
    engine = open_database(db_path)
    yield engine
    engine.dispose()


@pytest.fixture
def clinic(engine: Engine) -> ClinicSummary:
    return clinics.create_clinic(engine, "Verkkoklinikka 3.11.", language="fi")
