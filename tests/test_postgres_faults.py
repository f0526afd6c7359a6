"""A team's server restarted or crashed, or the network gone, in the middle of a clinic: the
lines typed meanwhile wait in the write queue and are written once each, in order, when the
server is back; the app says so in one line and listens for others' changes again by itself.

These run on a PostgreSQL server of the tests' own (``pg_server``, tests/pg_server.py), which
they stop and start.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from klinikka.db import PostgresChanges, open_database
from klinikka.services import clinics, ideas
from klinikka.tui.app import Settings, make_app
from klinikka.tui.widgets.idea_list import IdeaList
from klinikka.tui.widgets.write_status import WriteStatus
from klinikka.writes import Outcome, WriteQueue, line_write, typed_line
from pg_server import CuttableProxy, ThrowawayServer
from tui_helpers import open_workspace, type_ahead, until


@pytest.fixture
def server(pg_server: ThrowawayServer) -> ThrowawayServer:
    return pg_server


_made = 0


@pytest.fixture
def database(server: ThrowawayServer) -> Iterator[str]:
    """A klinikka database on the test's own server, with one clinic (id 1)."""
    global _made
    _made += 1
    name = f"faults_{_made}"
    server.admin(f'CREATE DATABASE "{name}"')
    engine = open_database(server.url(name))
    clinics.create_clinic(engine, "Tiimiklinikka", language="fi")
    engine.dispose()
    yield name
    if not _running(server):  # a test stopped it and failed before starting it again
        server.start()
    server.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _running(server: ThrowawayServer) -> bool:
    return (server.data / "postmaster.pid").exists()


def saved_texts(url: str) -> list[str]:
    engine = open_database(url)
    try:
        return [idea.text for idea in ideas.search_ideas(engine, 1)]
    finally:
        engine.dispose()


class Capture:
    """A note-taker typing a line every few milliseconds into the app's write queue."""

    def __init__(self, engine: Engine) -> None:
        self.outcomes: list[Outcome] = []
        self.queue = WriteQueue(engine, self.outcomes.append, delays=(0.05, 0.1, 0.25))
        self.queue.start()
        self.typed: list[str] = []

    def type(self, count: int, label: str) -> None:
        for n in range(count):
            line = f"{label} {n}: kotihoidon ideat"
            self.typed.append(line)
            self.queue.put(line_write(typed_line("idea", line, clinic_id=1)))
            time.sleep(0.005)

    def finish(self) -> None:
        assert self.queue.wait_idle(90), self.queue.state()
        self.queue.stop()


def noticed(watch: PostgresChanges, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if watch():
            return True
        time.sleep(0.02)
    return False


def until_lost(watch: PostgresChanges, seconds: float = 10.0) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not watch.lost:
        watch()
        time.sleep(0.02)
    return watch.lost


@pytest.mark.parametrize("mode", ["fast", "immediate"], ids=["restarted", "crashed"])
def test_a_server_restart_mid_capture_writes_every_line_once_in_order(
    server: ThrowawayServer, database: str, mode: str
) -> None:
    url = server.url(database)
    engine = open_database(url)
    watch = PostgresChanges(engine, reconnect_seconds=0.1)
    capture = Capture(engine)
    try:
        capture.type(40, "Ennen")
        # Stopped while the queue is still writing the lines above.
        server.stop(mode)
        assert until_lost(watch)
        capture.type(40, "Katkon aikana")
        assert capture.queue.state().pending > 0  # nothing could be written meanwhile
        time.sleep(1.0)
        server.start()
        capture.type(40, "Jälkeen")
        capture.finish()
        # The app listens again by itself, says the connection is back, and hears others.
        assert noticed(watch)
        assert watch.lost == ""
        theirs = open_database(url)  # the facilitator's laptop
        ideas.capture_line(theirs, 1, "Fasilitaattorin idea")
        theirs.dispose()
        assert noticed(watch) and watch.clinics == frozenset({1})
    finally:
        watch.close()
        engine.dispose()
    assert [outcome.error for outcome in capture.outcomes if outcome.error] == []
    assert saved_texts(url) == [*capture.typed, "Fasilitaattorin idea"]


def test_a_network_gone_mid_capture_writes_every_line_once_in_order(
    server: ThrowawayServer, database: str
) -> None:
    proxy = CuttableProxy(server.port)
    url = server.url(database, port=proxy.port)  # the laptop's way to the server
    engine = open_database(url)
    watch = PostgresChanges(engine, reconnect_seconds=0.1)
    capture = Capture(engine)
    try:
        typing = threading.Thread(target=capture.type, args=(150, "Rivi"))
        typing.start()
        time.sleep(0.2)
        proxy.cut()
        assert until_lost(watch)
        time.sleep(3.0)  # the network stays gone while lines keep coming
        proxy.mend()
        typing.join()
        capture.finish()
        assert noticed(watch) and watch.lost == ""
    finally:
        watch.close()
        engine.dispose()
        proxy.close()
    assert [outcome.error for outcome in capture.outcomes if outcome.error] == []
    assert saved_texts(server.url(database)) == capture.typed


@pytest.mark.typing_ahead  # Pilot's press would wait for the writes, which wait for the server
async def test_the_app_says_the_server_is_gone_keeps_the_lines_and_writes_them_when_back(
    server: ThrowawayServer, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr("klinikka.db.RECONNECT_SECONDS", 0.1)
    url = server.url(database)
    app = make_app(Settings(database=url, language="en"))
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await open_workspace(app, pilot)
        idea_list = screen.query_one("#idea-list", IdeaList)
        status = screen.query_one(WriteStatus)
        await pilot.press(*"Ennen katkoa", "enter")
        await until(pilot, lambda: idea_list.row_count == 1 and idea_list.pending_count == 0)
        await asyncio.to_thread(server.stop, "fast")
        lines = [f"Katkon aikana {n}" for n in range(5)]
        type_ahead(app, "".join(f"{line}\n" for line in lines))
        # One calm line says what is going on; every line typed is on the screen meanwhile.
        await until(pilot, lambda: "No connection to the database" in str(status.render()))
        await until(pilot, lambda: "5 lines kept" in str(status.render()))
        assert [idea_list.shown_text(n) for n in range(6)] == ["Ennen katkoa", *lines]
        await asyncio.to_thread(server.start)
        await until(pilot, lambda: idea_list.pending_count == 0, tries=400)
        await until(pilot, lambda: "No connection" not in str(status.render()), tries=200)
        # Another laptop's idea shows again: the app listens again by itself.
        theirs = open_database(url)
        ideas.capture_line(theirs, 1, "Toisen koneen idea")
        theirs.dispose()
        await until(pilot, lambda: idea_list.row_count == 7, tries=200)
        await app.workers.wait_for_complete()
    assert saved_texts(url) == ["Ennen katkoa", *lines, "Toisen koneen idea"]


def test_commands_say_in_one_line_that_the_server_is_out_of_reach(
    server: ThrowawayServer, database: str
) -> None:
    import subprocess
    import sys

    proxy = CuttableProxy(server.port)
    proxy.cut()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "klinikka",
                "--db",
                server.url(database, port=proxy.port),
                "--lang",
                "fi",
                "list",
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        proxy.close()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert database in done.stderr  # which database could not be reached
