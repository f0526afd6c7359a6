"""One ordered write queue, off the event loop.

Every change the app makes is a ``Write``: a service call with an identity of its own. A
thread of the queue's runs them one at a time, in the order they were put, so the screen never
waits on the database. When the database is busy, locked, full or unreachable, the write at
the head is tried again (and the ones behind it wait: order is kept) until it goes through;
each try runs inside ``services._base.requesting(uid)``, so a try whose outcome was unknown
(the COMMIT may have happened) is recognised as done instead of saved twice. A user error
(a rule the line breaks) ends that write and the next one runs.

Typed lines (``Write.line``) are also kept, by a second small thread, through ``keep`` (the
app's recovery file), so a line typed while the database was gone survives the app's end.

Nothing here imports textual: the app turns outcomes into messages (``report`` is called in the
queue's thread, and must be thread-safe, as Textual's ``post_message`` is).
"""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from klinikka.errors import KlinikkaError

if TYPE_CHECKING:
    from sqlalchemy import Engine

Line = dict[str, Any]

# A write running longer than this is shown as waiting (a lock held elsewhere, say).
WAIT_SHOWN = 0.5
# Pauses between tries of a write the database could not take, in seconds; the last repeats.
RETRY_DELAYS = (0.1, 0.25, 0.5, 1.0, 2.0)


def new_uid() -> str:
    return uuid.uuid4().hex


@dataclass(eq=False)
class Write:
    """One change to make: ``run(engine)`` calls the service (in the queue's thread)."""

    run: Callable[[Engine], object]
    uid: str = field(default_factory=new_uid)
    # A typed line, as data the next start can save again (see ``line_write``).
    line: Line | None = None
    # Who hears the outcome, and what they want to know again (opaque here).
    owner: object | None = None
    tag: object = None


@dataclass(frozen=True)
class Outcome:
    write: Write
    result: object = None
    # A KlinikkaError (the user's to fix) or an unexpected error; None when saved.
    error: BaseException | None = None
    # The write had been committed already (a retry after an unknown outcome, a recovered line).
    already_done: bool = False
    # It committed a change now (an undo with nothing to undo did not).
    committed: bool = True

    @property
    def saved(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class QueueState:
    pending: int  # writes not committed yet, the one running included
    lines: int  # of which typed lines
    waiting: bool  # the database has kept the head write waiting
    reason: str  # the last reason it could not write, one line ('' if none)
    keep_error: str  # why the unsaved lines could not be kept in their file ('' if they are)


# SQLite's primary result codes that mean "not now": BUSY, LOCKED, NOMEM, IOERR, FULL,
# CANTOPEN, PROTOCOL (https://www.sqlite.org/rescode.html). SQLITE_ERROR (a missing table, a
# schema another version made) is not: trying again would never end.
_SQLITE_TRANSIENT = frozenset({5, 6, 7, 10, 13, 14, 15})
# PostgreSQL's SQLSTATE classes and codes that mean the same: connection exceptions,
# insufficient resources, operator intervention (a restart), serialization failure and
# deadlock, lock not available.
_SQLSTATE_TRANSIENT_CLASSES = ("08", "53", "57")
_SQLSTATE_TRANSIENT = frozenset({"40001", "40P01", "55P03"})


def is_transient(error: BaseException) -> bool:
    """Whether the database may take the write later: busy, locked, full, gone."""
    import sqlite3

    from sqlalchemy import exc

    if isinstance(error, exc.DBAPIError):
        if error.connection_invalidated:
            return True
        original = error.orig
    else:
        original = error
    if isinstance(original, sqlite3.Error):
        code = getattr(original, "sqlite_errorcode", None)
        if code is not None:
            return code & 0xFF in _SQLITE_TRANSIENT
        return isinstance(original, sqlite3.OperationalError | sqlite3.InterfaceError)
    state = getattr(original, "sqlstate", None)
    if isinstance(state, str) and state:
        return state[:2] in _SQLSTATE_TRANSIENT_CLASSES or state in _SQLSTATE_TRANSIENT
    # The driver's own errors, raised on its connection (services/_fast.py) without a
    # SQLSTATE: a connection lost, a server that cannot be reached.
    psycopg = sys.modules.get("psycopg")
    if psycopg is not None and isinstance(original, psycopg.Error):
        return isinstance(original, psycopg.OperationalError | psycopg.InterfaceError)
    return isinstance(
        error,
        exc.OperationalError
        | exc.InterfaceError
        | exc.DisconnectionError
        | exc.TimeoutError
        | OSError
        | TimeoutError,
    )


class WriteQueue:
    """Writes in order, in a thread; ``report`` hears each outcome, ``keep`` the typed lines
    not yet saved (both called in the queue's threads)."""

    def __init__(
        self,
        engine: Engine,
        report: Callable[[Outcome], None],
        *,
        keep: Callable[[list[Line]], None] | None = None,
        delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.engine = engine
        self._report = report
        self._keep = keep
        self._delays = tuple(delays)
        self._queue: deque[Write] = deque()
        self._lock = threading.Condition()
        self._stopping = False
        self._started_at: float | None = None  # when the head write's first try began
        self._reason = ""
        self._keep_error = ""
        self._keep_due = threading.Event()
        self._keeping = threading.Lock()  # one save of the lines at a time, the newest last
        # Commits made, for telling our own changes from another klinikka's.
        self.committed = 0
        self._writer = threading.Thread(target=self._write_all, name="klinikka-writes", daemon=True)
        self._keeper = threading.Thread(target=self._keep_all, name="klinikka-keep", daemon=True)

    def start(self) -> None:
        self._writer.start()
        if self._keep is not None:
            self._keeper.start()

    def put(self, write: Write) -> None:
        """Queue a write (on the event loop: this never waits on the database)."""
        with self._lock:
            if self._stopping:
                raise RuntimeError("the write queue is stopped")
            self._queue.append(write)
            self._lock.notify_all()
        if write.line is not None:
            self._keep_due.set()

    def state(self) -> QueueState:
        with self._lock:
            started = self._started_at
            waiting = bool(self._reason) or (
                started is not None and time.monotonic() - started > WAIT_SHOWN
            )
            return QueueState(
                pending=len(self._queue),
                lines=sum(1 for write in self._queue if write.line is not None),
                waiting=waiting,
                reason=self._reason,
                keep_error=self._keep_error,
            )

    def busy(self) -> bool:
        """Whether a write is running now (committed or not, it has not been counted yet)."""
        with self._lock:
            return self._started_at is not None

    def lines(self) -> list[Line]:
        """The typed lines not saved yet, in order."""
        with self._lock:
            return [dict(write.line) for write in self._queue if write.line is not None]

    def wait_idle(self, timeout: float) -> bool:
        """Wait until every write is done (tests, and quitting); False if time ran out."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._queue:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
        return True

    def stop(self, timeout: float = 1.0) -> list[Line]:
        """Stop writing (after the write running now, waiting at most ``timeout`` for it) and
        keep what is left; returns the typed lines not saved."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._writer.is_alive():
            self._writer.join(timeout)
        self._keep_due.set()
        if self._keeper.is_alive():
            self._keeper.join(timeout)
        if self._keep is not None:
            # Once more, here: the keeper may have ended before the writer's last commit.
            self._keep_now()
        return self.lines()

    # ------------------------------------------------------------------ the threads

    def _write_all(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._stopping:
                    self._lock.wait()
                if self._stopping:
                    return
                write = self._queue[0]
                self._started_at = time.monotonic()
            outcome = self._try(write)
            if outcome is None:  # stopped while the database was away: the write stays
                return
            with self._lock:
                if outcome.saved and outcome.committed:
                    self.committed += 1
            # Reported before it leaves the queue: whoever waits for an idle queue then
            # finds the outcome on its way.
            self._report(outcome)
            with self._lock:
                self._queue.popleft()
                self._started_at = None
                self._reason = ""
                self._lock.notify_all()
            if write.line is not None:
                self._keep_due.set()

    def _try(self, write: Write) -> Outcome | None:
        from klinikka.errors import AlreadyDone
        from klinikka.services._base import request_uid, requesting

        attempt = 0
        while True:
            try:
                with requesting(write.uid):
                    result = write.run(self.engine)
                    # An action that commits takes the uid into its log row; one that
                    # found nothing to do gives it back.
                    committed = request_uid.get() is None
            except AlreadyDone:
                return Outcome(write, already_done=True, committed=False)
            except KlinikkaError as error:
                return Outcome(write, error=error)
            except Exception as error:
                if not is_transient(error):
                    return Outcome(write, error=error)
                from klinikka.crash import one_line

                delay = self._delays[min(attempt, len(self._delays) - 1)]
                attempt += 1
                with self._lock:
                    self._reason = one_line(error)
                    if self._lock.wait_for(lambda: self._stopping, timeout=delay):
                        return None
            else:
                return Outcome(write, result=result, committed=committed)

    def _keep_all(self) -> None:
        while True:
            self._keep_due.wait()
            self._keep_due.clear()
            with self._lock:
                stopping = self._stopping
            self._keep_now()
            if stopping:
                return

    def _keep_now(self, lines: list[Line] | None = None) -> None:
        assert self._keep is not None
        try:
            with self._keeping:
                self._keep(self.lines() if lines is None else lines)
        except OSError as error:
            with self._lock:
                self._keep_error = error.strerror or str(error)
        else:
            with self._lock:
                self._keep_error = ""


# ---------------------------------------------------------------------- typed lines

LINE_KINDS = ("idea", "theme", "ballot", "note")


def typed_line(kind: str, text: str, **fields: Any) -> Line:
    """A typed line as data: what it is, its text and where it goes (ids), with a new uid."""
    if kind not in LINE_KINDS:
        raise ValueError(kind)
    return {"kind": kind, "uid": new_uid(), "text": text, **fields}


def line_write(line: Line, **extra: Any) -> Write:
    """The write that saves a typed line (as typed now, or kept from an earlier run)."""
    kind, text = line["kind"], str(line["text"])

    def run(engine: Engine) -> object:
        if kind == "idea":
            from klinikka.services.ideas import capture_line

            return capture_line(engine, int(line["clinic_id"]), text, uid=line["uid"])
        if kind == "theme":
            from klinikka.services.themes import create_theme

            return create_theme(engine, int(line["clinic_id"]), text)
        if kind == "ballot":
            from klinikka.services.ballot_lines import cast_ballot_line

            return cast_ballot_line(
                engine, int(line["round_id"]), text, replace=bool(line.get("replace"))
            )
        if kind == "note":
            from klinikka.services.notes import add_note

            return add_note(engine, int(line["clinic_id"]), str(line["note_kind"]), text)
        raise ValueError(kind)

    return Write(run, uid=str(line["uid"]), line=line, **extra)
