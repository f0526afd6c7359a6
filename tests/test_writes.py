"""The ordered write queue: every change saved once, in the order it was typed, whatever the
database does meanwhile (busy, locked by another klinikka, a COMMIT whose outcome is unknown)."""

from __future__ import annotations

import dataclasses
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text
from sqlalchemy import exc as sa_exc

from backends import SQLITE_ONLY
from klinikka import db
from klinikka.db import open_database
from klinikka.errors import AlreadyDone, ConflictError, KlinikkaError, ValidationError
from klinikka.models import ClinicSummary, IdeaView, VotingMethod
from klinikka.services import clinics, history, ideas, themes, voting
from klinikka.services._base import requesting
from klinikka.writes import (
    Line,
    Outcome,
    Write,
    WriteQueue,
    is_transient,
    line_write,
    typed_line,
)

FAST = (0.01,)


class Heard:
    """What a queue's thread reports or keeps, collected safely from that thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: list[Any] = []

    def __call__(self, item: Any) -> None:
        with self._lock:
            self._items.append(item)

    def all(self) -> list[Any]:
        with self._lock:
            return list(self._items)


@contextmanager
def running(
    engine: Engine, *, keep: Callable[[list[Line]], None] | None = None
) -> Iterator[tuple[WriteQueue, Heard]]:
    reports = Heard()
    queue = WriteQueue(engine, reports, keep=keep, delays=FAST)
    queue.start()
    try:
        yield queue, reports
    finally:
        queue.stop(timeout=5)


def eventually(condition: Callable[[], bool], what: str, timeout: float = 15) -> None:
    """Wait for something the queue's thread is to do (a deadline, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.005)


def locked() -> sa_exc.OperationalError:
    return sa_exc.OperationalError(
        "INSERT INTO idea", {}, sqlite3.OperationalError("database is locked")
    )


def texts(engine: Engine, clinic_id: int) -> list[str]:
    return [idea.text for idea in ideas.search_ideas(engine, clinic_id)]


def count(engine: Engine, sql: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def idea_line(clinic_id: int, body: str) -> Line:
    return typed_line("idea", body, clinic_id=clinic_id)


def failing(
    write: Write,
    times: int,
    *,
    after_commit: bool = False,
    until: threading.Event | None = None,
) -> tuple[Write, list[int]]:
    """The write, made to fail with a transient error: its first ``times`` tries (or every try
    until ``until`` is set), before the service runs or, with ``after_commit``, after it
    committed (an unknown outcome). Also returns the list its tries are counted in."""
    real = write.run
    tries: list[int] = []

    def run(engine: Engine) -> object:
        tries.append(1)
        fails = not until.is_set() if until is not None else len(tries) <= times
        if fails:
            if after_commit:
                real(engine)
            raise locked()
        return real(engine)

    return dataclasses.replace(write, run=run), tries


@contextmanager
def write_lock(path: Path) -> Iterator[sqlite3.Connection]:
    """Another klinikka (or a backup tool) holding the database's write lock."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield other
    finally:
        if other.in_transaction:
            other.execute("ROLLBACK")
        other.close()


# ---------------------------------------------------------------- order and reports


def test_writes_commit_in_the_order_put_and_each_is_reported_once(
    engine: Engine, clinic: ClinicSummary
) -> None:
    bodies = [f"Idea {n}: {'ä' * (n % 3)}ö" for n in range(25)]
    writes = [line_write(idea_line(clinic.id, body)) for body in bodies]

    with running(engine) as (queue, reports):
        # Typed on the event loop, saved in the queue's thread.
        typist = threading.Thread(target=lambda: [queue.put(write) for write in writes])
        typist.start()
        typist.join()
        assert queue.wait_idle(30)
        heard: list[Outcome] = reports.all()
        assert queue.state().pending == 0

    assert texts(engine, clinic.id) == bodies
    assert [outcome.write for outcome in heard] == writes
    assert all(outcome.saved and not outcome.already_done for outcome in heard)
    results = [outcome.result for outcome in heard]
    assert all(isinstance(result, IdeaView) for result in results)
    assert [result.text for result in results] == bodies  # type: ignore[union-attr]
    assert queue.committed == len(bodies)


def test_only_writes_that_changed_something_count_as_our_commits(
    engine: Engine, clinic: ClinicSummary
) -> None:
    # The count tells our commits from another klinikka's: an undo or redo that found
    # nothing to do committed nothing, and a change seen as ours would not be reloaded.
    with running(engine) as (queue, reports):
        queue.put(Write(lambda e: history.undo(e, clinic.id)))
        queue.put(Write(lambda e: history.redo(e, clinic.id)))
        assert queue.wait_idle(30)
        assert queue.committed == 0
        queue.put(line_write(idea_line(clinic.id, "Yksi")))
        queue.put(Write(lambda e: history.redo(e, clinic.id)))  # nothing undone yet
        queue.put(Write(lambda e: history.undo(e, clinic.id)))
        queue.put(Write(lambda e: history.redo(e, clinic.id)))
        assert queue.wait_idle(30)
        assert queue.committed == 3
    assert [outcome.result is None for outcome in reports.all()] == [
        True,
        True,
        False,
        True,
        False,
        False,
    ]
    assert texts(engine, clinic.id) == ["Yksi"]


def test_a_write_that_is_not_a_line_runs_in_its_place(
    engine: Engine, clinic: ClinicSummary
) -> None:
    first = line_write(idea_line(clinic.id, "Ennen teemaa"))
    theme = Write(lambda e: themes.create_theme(e, clinic.id, "Vertaistuki"))
    last = line_write(idea_line(clinic.id, "Teeman jälkeen"))

    with running(engine) as (queue, reports):
        for write in (first, theme, last):
            queue.put(write)
        assert queue.wait_idle(30)

    assert [outcome.write for outcome in reports.all()] == [first, theme, last]
    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["Vertaistuki"]
    assert texts(engine, clinic.id) == ["Ennen teemaa", "Teeman jälkeen"]


# ---------------------------------------------------------------- a database that cannot write


def test_a_busy_database_keeps_the_head_waiting_and_the_writes_behind_in_line(
    engine: Engine, clinic: ClinicSummary
) -> None:
    free = threading.Event()
    head, tries = failing(line_write(idea_line(clinic.id, "Ensimmäinen")), 0, until=free)
    behind = [line_write(idea_line(clinic.id, body)) for body in ("Toinen", "Kolmas")]

    with running(engine) as (queue, reports):
        for write in (head, *behind):
            queue.put(write)
        eventually(lambda: len(tries) >= 3, "the head write tried again")
        state = queue.state()
        assert state.waiting
        assert "database is locked" in state.reason
        assert "\n" not in state.reason
        assert (state.pending, state.lines) == (3, 3)
        assert [line["text"] for line in queue.lines()] == ["Ensimmäinen", "Toinen", "Kolmas"]
        assert texts(engine, clinic.id) == []  # nothing jumped the queue
        assert reports.all() == []

        free.set()
        assert queue.wait_idle(30)
        after = queue.state()

    assert texts(engine, clinic.id) == ["Ensimmäinen", "Toinen", "Kolmas"]
    assert [outcome.write for outcome in reports.all()] == [head, *behind]
    assert all(outcome.saved for outcome in reports.all())
    assert (after.pending, after.waiting, after.reason) == (0, False, "")


@SQLITE_ONLY  # the lock of a SQLite file
def test_lines_typed_while_another_connection_holds_the_lock_are_saved_once_in_order(
    engine: Engine, clinic: ClinicSummary, db_path: Path
) -> None:
    bodies = ["Neuvolat", "Koulut", "Järjestöt", "Seurakunnat"]
    writes = [line_write(idea_line(clinic.id, body)) for body in bodies]

    with running(engine) as (queue, reports), write_lock(db_path) as other:
        for write in writes:
            queue.put(write)
        # SQLite's own busy wait (db.BUSY_TIMEOUT_MS) is longer than the queue takes to show
        # that the write waits.
        eventually(lambda: queue.state().waiting, "the queue shows it is waiting")
        assert texts(engine, clinic.id) == []
        assert queue.state().pending == len(bodies)
        other.execute("COMMIT")
        assert queue.wait_idle(30)

    assert texts(engine, clinic.id) == bodies
    assert [outcome.write for outcome in reports.all()] == writes
    assert all(outcome.saved and not outcome.already_done for outcome in reports.all())
    assert count(engine, "SELECT count(*) FROM activity WHERE action = 'idea.capture'") == 4


@pytest.fixture
def impatient(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> Iterator[Engine]:
    """An engine whose SQLite gives up on a lock at once: the queue's own retries do the
    waiting (as they do once SQLite's busy timeout has run out)."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 20)
    engine = open_database(db_path)
    yield engine
    engine.dispose()


def test_a_lock_held_past_the_busy_timeout_is_waited_out(impatient: Engine, db_path: Path) -> None:
    clinic = clinics.create_clinic(impatient, "Lukittu")
    bodies = ["Yksi", "Kaksi", "Kolme"]
    writes = [line_write(idea_line(clinic.id, body)) for body in bodies]

    with running(impatient) as (queue, reports):
        with write_lock(db_path):
            for write in writes:
                queue.put(write)
            eventually(lambda: "locked" in queue.state().reason, "the reason is shown")
            state = queue.state()
            assert state.waiting and "\n" not in state.reason
            assert texts(impatient, clinic.id) == []
        assert queue.wait_idle(30)

    assert texts(impatient, clinic.id) == bodies
    assert [outcome.write for outcome in reports.all()] == writes
    assert all(outcome.saved for outcome in reports.all())


def test_stop_while_locked_returns_the_lines_not_saved_and_a_new_start_saves_them(
    impatient: Engine, db_path: Path
) -> None:
    clinic = clinics.create_clinic(impatient, "Kaatuu")
    lines = [idea_line(clinic.id, body) for body in ("Yksi", "Kaksi", "Kolme")]
    kept = Heard()
    reports = Heard()
    queue = WriteQueue(impatient, reports, keep=kept, delays=FAST)
    queue.start()
    with write_lock(db_path):
        for line in lines:
            queue.put(line_write(line))
        eventually(lambda: "locked" in queue.state().reason, "the write waits for the lock")
        left = queue.stop(timeout=5)
        assert left == lines
        assert kept.all()[-1] == lines  # the recovery file has them too
        with pytest.raises(RuntimeError):
            queue.put(line_write(idea_line(clinic.id, "Liian myöhään")))
    assert reports.all() == []

    # The next start saves what the last one could not, once.
    with running(impatient) as (again, heard):
        for line in left:
            again.put(line_write(line))
        assert again.wait_idle(30)
    assert texts(impatient, clinic.id) == ["Yksi", "Kaksi", "Kolme"]
    assert all(outcome.saved for outcome in heard.all())


# ---------------------------------------------------------------- errors that end a write


def test_a_line_that_breaks_a_rule_ends_that_write_and_the_next_still_runs(
    engine: Engine, clinic: ClinicSummary
) -> None:
    for name in ("A", "B", "C"):
        themes.create_theme(engine, clinic.id, name)
    voting_round = voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.open_round(engine, voting_round.id)
    writes = [
        line_write(idea_line(clinic.id, "Alku")),
        line_write(idea_line(clinic.id, "   ")),
        line_write(idea_line(clinic.id, "/ tuntematon: ryhmää ei ole")),
        line_write(typed_line("ballot", "Maija: 9", round_id=voting_round.id)),
        line_write(typed_line("theme", "a", clinic_id=clinic.id)),  # "A" exists already
        line_write(typed_line("ballot", "Maija: 2", round_id=voting_round.id)),
        line_write(idea_line(clinic.id, "Loppu")),
    ]

    with running(engine) as (queue, reports):
        for write in writes:
            queue.put(write)
        assert queue.wait_idle(30)

    heard = reports.all()
    assert [outcome.write for outcome in heard] == writes
    assert [outcome.saved for outcome in heard] == [True, False, False, False, False, True, True]
    errors = [outcome.error for outcome in heard if outcome.error is not None]
    assert [type(error) for error in errors] == [
        ValidationError,
        ValidationError,
        ValidationError,
        ConflictError,
    ]
    assert "cannot be empty" in str(errors[0])
    assert "tuntematon" in str(errors[1])
    assert "no theme 9" in str(errors[2])
    assert texts(engine, clinic.id) == ["Alku", "Loppu"]
    assert voting.tally_round(engine, voting_round.id).ballot_count == 1


def test_an_unforeseen_error_is_reported_once_not_retried(
    engine: Engine, clinic: ClinicSummary
) -> None:
    tries: list[int] = []

    def broken(_engine: Engine) -> object:
        tries.append(1)
        raise RuntimeError("a bug")

    bad = Write(broken)
    good = line_write(idea_line(clinic.id, "Seuraava"))
    with running(engine) as (queue, reports):
        queue.put(bad)
        queue.put(good)
        assert queue.wait_idle(30)

    heard = reports.all()
    assert [outcome.write for outcome in heard] == [bad, good]
    assert isinstance(heard[0].error, RuntimeError)
    assert not isinstance(heard[0].error, KlinikkaError)
    assert len(tries) == 1
    assert texts(engine, clinic.id) == ["Seuraava"]


# ---------------------------------------------------------------- unknown outcomes


def test_a_commit_whose_outcome_was_unknown_is_recognised_not_saved_twice(
    engine: Engine, clinic: ClinicSummary
) -> None:
    write, tries = failing(line_write(idea_line(clinic.id, "Kirjastot")), 1, after_commit=True)
    after = line_write(idea_line(clinic.id, "Sen jälkeen"))

    with running(engine) as (queue, reports):
        queue.put(write)
        queue.put(after)
        assert queue.wait_idle(30)

    first, second = reports.all()
    assert first.write is write and first.saved
    # Recognised as done: by the request's uid (AlreadyDone), or by the idea's uid.
    assert first.already_done or (
        isinstance(first.result, IdeaView) and first.result.text == "Kirjastot"
    )
    assert len(tries) == 2
    assert second.write is after and second.saved
    assert texts(engine, clinic.id) == ["Kirjastot", "Sen jälkeen"]
    assert count(engine, "SELECT count(*) FROM activity WHERE action = 'idea.capture'") == 2


def test_a_theme_whose_commit_outcome_was_unknown_is_made_once(
    engine: Engine, clinic: ClinicSummary
) -> None:
    # A Session-based service (no uid of its own): only the request's uid recognises it.
    write, tries = failing(
        line_write(typed_line("theme", "Ennaltaehkäisy", clinic_id=clinic.id)),
        1,
        after_commit=True,
    )
    with running(engine) as (queue, reports):
        queue.put(write)
        assert queue.wait_idle(30)

    (outcome,) = reports.all()
    assert outcome.saved and outcome.already_done
    assert len(tries) == 2
    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["Ennaltaehkäisy"]


def test_an_undo_whose_commit_outcome_was_unknown_undoes_one_action(
    engine: Engine, clinic: ClinicSummary
) -> None:
    for body in ("Ensimmäinen", "Toinen"):
        ideas.capture_line(engine, clinic.id, body)
    # The workspace's undo (ctrl+z) goes through the queue like any other change.
    write, tries = failing(Write(lambda e: history.undo(e, clinic.id)), 1, after_commit=True)
    with running(engine) as (queue, reports):
        queue.put(write)
        assert queue.wait_idle(30)

    assert len(tries) == 2
    assert all(outcome.saved for outcome in reports.all())
    assert texts(engine, clinic.id) == ["Ensimmäinen"]


def test_a_line_saved_before_a_crash_is_not_saved_again_on_the_next_start(
    engine: Engine, clinic: ClinicSummary
) -> None:
    line = idea_line(clinic.id, "Tallessa jo")
    with running(engine) as (queue, _reports):
        queue.put(line_write(line))
        assert queue.wait_idle(30)
    # The recovery file still had the line (the app ended before it was cleared).
    with running(engine) as (queue, reports):
        queue.put(line_write(dict(line)))
        assert queue.wait_idle(30)

    (outcome,) = reports.all()
    assert outcome.saved and outcome.already_done
    assert texts(engine, clinic.id) == ["Tallessa jo"]


def test_a_line_captured_with_its_uid_outside_the_queue_is_recognised(
    engine: Engine, clinic: ClinicSummary
) -> None:
    line = idea_line(clinic.id, "Suoraan")
    saved = ideas.capture_line(engine, clinic.id, "Suoraan", uid=line["uid"])
    with running(engine) as (queue, reports):
        queue.put(line_write(line))
        assert queue.wait_idle(30)

    (outcome,) = reports.all()
    assert outcome.saved
    assert outcome.already_done or (
        isinstance(outcome.result, IdeaView) and outcome.result.id == saved.id
    )
    assert texts(engine, clinic.id) == ["Suoraan"]


# ---------------------------------------------------------------- keeping typed lines


def test_keep_hears_the_unsaved_lines_and_at_last_that_none_are_left(
    engine: Engine, clinic: ClinicSummary
) -> None:
    free = threading.Event()
    blocker, _ = failing(Write(lambda e: themes.create_theme(e, clinic.id, "T")), 0, until=free)
    lines = [idea_line(clinic.id, body) for body in ("Yksi", "Kaksi", "Kolme")]
    kept = Heard()

    with running(engine, keep=kept) as (queue, _reports):
        queue.put(blocker)  # not a typed line: not kept
        for line in lines:
            queue.put(line_write(line))
        eventually(lambda: kept.all()[-1:] == [lines], "the three lines kept")
        assert all(all(line in lines for line in snapshot) for snapshot in kept.all()), (
            "only typed lines are kept"
        )
        free.set()
        assert queue.wait_idle(30)
        left = queue.stop(timeout=5)

    assert left == []
    assert kept.all()[-1] == []
    assert texts(engine, clinic.id) == ["Yksi", "Kaksi", "Kolme"]


def test_a_recovery_file_that_cannot_be_written_is_shown_and_the_lines_still_saved(
    engine: Engine, clinic: ClinicSummary
) -> None:
    def keep(_lines: list[Line]) -> None:
        raise PermissionError(13, "Permission denied")

    free = threading.Event()
    head, _ = failing(line_write(idea_line(clinic.id, "Yksi")), 0, until=free)
    with running(engine, keep=keep) as (queue, reports):
        queue.put(head)
        queue.put(line_write(idea_line(clinic.id, "Kaksi")))
        eventually(lambda: queue.state().keep_error != "", "the keep error is shown")
        assert queue.state().keep_error == "Permission denied"
        free.set()
        assert queue.wait_idle(30)

    assert texts(engine, clinic.id) == ["Yksi", "Kaksi"]
    assert all(outcome.saved for outcome in reports.all())


# ---------------------------------------------------------------- the pieces


@pytest.mark.parametrize(
    "error",
    [
        locked(),
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("database or disk is full"),
        sa_exc.InterfaceError("SELECT 1", {}, sqlite3.InterfaceError("closed")),
        sa_exc.DisconnectionError("gone"),
        sa_exc.TimeoutError("pool"),
        OSError(5, "Input/output error"),
        TimeoutError(),
    ],
)
def test_a_database_that_may_take_the_write_later_is_transient(error: BaseException) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        ValidationError("Idea cannot be empty."),
        ValueError("a bug"),
        RuntimeError("a bug"),
        AlreadyDone(1),
    ],
)
def test_a_rule_or_a_bug_is_not_transient(error: BaseException) -> None:
    assert not is_transient(error)


def real_sqlite_error(tmp_path: Path, statement: str, *, lock: bool = False) -> sqlite3.Error:
    """The error SQLite itself raises for ``statement`` (with a write lock held elsewhere)."""
    path = tmp_path / "real.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS t (x)")
    if lock:
        holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(path, timeout=0)
    try:
        other.execute(statement)
        other.commit()
    except sqlite3.Error as error:
        return error
    finally:
        other.close()
        holder.close()
    raise AssertionError("no error")


def test_real_sqlite_errors_tell_a_lock_from_a_schema_error(tmp_path: Path) -> None:
    locked_now = real_sqlite_error(tmp_path, "INSERT INTO t VALUES (1)", lock=True)
    assert is_transient(locked_now)
    assert is_transient(sa_exc.OperationalError("INSERT", {}, locked_now))
    # A table this version does not know (a schema error) would never go through: the write
    # is refused at once instead of retried for ever.
    missing = real_sqlite_error(tmp_path, "INSERT INTO no_such_table VALUES (1)")
    assert isinstance(missing, sqlite3.OperationalError)
    assert not is_transient(missing)
    assert not is_transient(sa_exc.OperationalError("INSERT", {}, missing))


class ServerError(Exception):
    """What psycopg raises: an error with the server's SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "transient"),
    [
        ("08006", True),  # connection failure
        ("57P01", True),  # admin shutdown: the server restarts
        ("53300", True),  # too many connections
        ("40001", True),  # serialization failure
        ("40P01", True),  # deadlock
        ("55P03", True),  # lock not available
        ("42P01", False),  # undefined table
        ("23505", False),  # unique violation
    ],
)
def test_postgresql_errors_are_told_by_their_sqlstate(sqlstate: str, transient: bool) -> None:
    error = sa_exc.OperationalError("INSERT", {}, ServerError(sqlstate))
    assert is_transient(error) is transient


def test_an_integrity_error_on_a_connection_lost_is_transient() -> None:
    error = sa_exc.IntegrityError("INSERT", {}, sqlite3.IntegrityError("x"))
    error.connection_invalidated = True
    assert is_transient(error)


def test_typed_lines_are_data_with_their_own_uid() -> None:
    first = typed_line("idea", "Neuvolat", clinic_id=3)
    second = typed_line("idea", "Neuvolat", clinic_id=3)
    assert {k: v for k, v in first.items() if k != "uid"} == {
        "kind": "idea",
        "text": "Neuvolat",
        "clinic_id": 3,
    }
    assert first["uid"] != second["uid"]
    write = line_write(first)
    assert write.uid == first["uid"] and write.line == first
    with pytest.raises(ValueError):
        typed_line("comment", "x")


# ---------------------------------------------------------------- requests at the service level


def activity_rows(engine: Engine) -> int:
    return count(engine, "SELECT count(*) FROM activity")


def test_a_request_committed_once_is_not_done_again_by_a_session_action(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with requesting("teema-1"):
        themes.create_theme(engine, clinic.id, "Vertaistuki")
    before = activity_rows(engine)
    with pytest.raises(AlreadyDone), requesting("teema-1"):
        themes.create_theme(engine, clinic.id, "Toinen nimi")
    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["Vertaistuki"]
    assert activity_rows(engine) == before


def test_a_request_committed_once_is_not_done_again_by_a_fast_action(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with requesting("idea-1"):
        ideas.capture_idea(engine, clinic.id, "Neuvolat")
    before = activity_rows(engine)
    with pytest.raises(AlreadyDone), requesting("idea-1"):
        ideas.capture_idea(engine, clinic.id, "Neuvolat")
    assert texts(engine, clinic.id) == ["Neuvolat"]
    assert activity_rows(engine) == before


def test_a_request_that_failed_can_still_commit(engine: Engine, clinic: ClinicSummary) -> None:
    themes.create_theme(engine, clinic.id, "Olemassa")
    with pytest.raises(ConflictError), requesting("r-theme"):
        themes.create_theme(engine, clinic.id, "olemassa")
    with pytest.raises(ValidationError), requesting("r-idea"):
        ideas.capture_idea(engine, clinic.id, "Idea", group="tuntematon")

    with requesting("r-theme"):
        themes.create_theme(engine, clinic.id, "Uusi")
    with requesting("r-idea"):
        ideas.capture_idea(engine, clinic.id, "Idea")

    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["Olemassa", "Uusi"]
    assert texts(engine, clinic.id) == ["Idea"]
    for uid in ("r-theme", "r-idea"):
        with pytest.raises(AlreadyDone), requesting(uid):
            themes.create_theme(engine, clinic.id, "Kolmas")


def test_in_one_request_a_failed_action_gives_its_uid_to_the_next(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with requesting("r-1"):
        with pytest.raises(ValidationError):
            themes.create_theme(engine, clinic.id, "   ")
        themes.create_theme(engine, clinic.id, "Ensimmäinen")
        # Only the first action that commits uses the uid: this one is an action of its own.
        themes.create_theme(engine, clinic.id, "Toinen")
    with pytest.raises(AlreadyDone), requesting("r-1"):
        themes.create_theme(engine, clinic.id, "Kolmas")
    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["Ensimmäinen", "Toinen"]


def test_in_one_request_a_failed_capture_gives_its_uid_to_the_next(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with requesting("r-2"):
        with pytest.raises(ValidationError):
            ideas.capture_idea(engine, clinic.id, "Idea", group="tuntematon")
        ideas.capture_idea(engine, clinic.id, "Idea")
    with pytest.raises(AlreadyDone), requesting("r-2"):
        ideas.capture_idea(engine, clinic.id, "Idea")
    assert texts(engine, clinic.id) == ["Idea"]


@pytest.mark.parametrize("uid", ["", "x" * 65])
def test_a_request_uid_is_one_to_64_characters(uid: str) -> None:
    with pytest.raises(ValueError), requesting(uid):
        pass


# ---------------------------------------------------------------- any interleaving

ALPHABET = "aeiklmnoprstuvyäöAEIKLMNPRSTVÄÖ "
BODIES = st.text(alphabet=ALPHABET, min_size=1, max_size=24).filter(lambda s: s.strip() != "")
PLANS = st.one_of(
    st.just(("none", 0)),
    st.tuples(st.just("before"), st.integers(min_value=1, max_value=3)),
    st.just(("after", 1)),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(BODIES, PLANS), min_size=1, max_size=8))
def test_any_mix_of_failures_saves_every_line_once_in_order(
    planned: list[tuple[str, tuple[str, int]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = open_database(Path(folder) / "klinikka.db")
        try:
            clinic = clinics.create_clinic(engine, "Hypoteesi")
            writes: list[Write] = []
            for body, (plan, times) in planned:
                write = line_write(idea_line(clinic.id, body))
                if plan != "none":
                    write, _ = failing(write, times, after_commit=plan == "after")
                writes.append(write)

            with running(engine) as (queue, reports):
                for write in writes:
                    queue.put(write)
                assert queue.wait_idle(30)

            heard = reports.all()
            # Idea text keeps its inner spaces; only the ends are trimmed.
            assert texts(engine, clinic.id) == [body.strip() for body, _ in planned]
            assert count(engine, "SELECT count(*) FROM idea") == len(planned)
            assert [outcome.write for outcome in heard] == writes
            assert all(outcome.saved for outcome in heard)
            for outcome, (_, (plan, _)) in zip(heard, planned, strict=True):
                if plan == "after":  # recognised: by the request's uid or the idea's
                    assert outcome.already_done or isinstance(outcome.result, IdeaView)
                else:
                    assert not outcome.already_done
        finally:
            engine.dispose()
