"""Shared fixtures: a fresh database file per test, in English unless a test says otherwise."""

from __future__ import annotations

import os
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


# The PostgreSQL server the tests may use: a libpq URL of a role that may create databases
# (.ci/run starts a throwaway server and sets it). Without it the PostgreSQL half of the tests
# is skipped, with the reason; KLINIKKA_REQUIRE_ALL=1 (CI) makes it an error instead.
POSTGRES = os.environ.get("KLINIKKA_TEST_POSTGRES", "")
REQUIRE_ALL = os.environ.get("KLINIKKA_REQUIRE_ALL") == "1"
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated database on the test server that each test's database is copied from."""
    if not POSTGRES:
        if REQUIRE_ALL:
            raise RuntimeError("KLINIKKA_REQUIRE_ALL=1 but KLINIKKA_TEST_POSTGRES is not set")
        pytest.skip("no PostgreSQL server: set KLINIKKA_TEST_POSTGRES to run these on it too")
    name = f"klinikka_template_{os.getpid()}"
    _admin(f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    engine = open_database(_database_url(name))
    engine.dispose()
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}"')


def _database_url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def _admin(*statements: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Any]:
    """A PostgreSQL server of the tests' own, which a test may stop and start again (the
    shared one of KLINIKKA_TEST_POSTGRES must stay up); see tests/pg_server.py."""
    from pg_server import ThrowawayServer, server_bin

    if server_bin() is None:
        if REQUIRE_ALL:
            raise RuntimeError("KLINIKKA_REQUIRE_ALL=1 but this machine has no PostgreSQL server")
        pytest.skip("no PostgreSQL server programs (initdb, pg_ctl) on this machine")
    made = ThrowawayServer()
    try:
        made.start()
        yield made
    finally:
        made.close()


_copies = 0


@pytest.fixture(params=BACKENDS)
def database_target(request: pytest.FixtureRequest, db_path: Path) -> Iterator[str]:
    """The test's own empty klinikka database: a SQLite file, and a PostgreSQL database."""
    global _copies
    if request.param == "sqlite":
        yield str(db_path)
        return
    template = request.getfixturevalue("postgres_template")
    _copies += 1
    name = f"klinikka_test_{os.getpid()}_{_copies}"
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    try:
        yield _database_url(name)
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def engine(database_target: str) -> Iterator[Engine]:
    engine = open_database(database_target)
    yield engine
    engine.dispose()


@pytest.fixture
def clinic(engine: Engine) -> ClinicSummary:
    return clinics.create_clinic(engine, "Verkkoklinikka 3.11.", language="fi")
