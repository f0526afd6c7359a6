"""What every service shares: one transaction per action, the activity log and undo capture.

An action runs in ``action(engine, ...)``: a session in a write transaction that records, as it
flushes, every row it inserts, changes or deletes. The activity row written at the end keeps
that record, so ``undo`` can put each row back as it was, after checking nobody changed it since.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine, bindparam, event, insert, inspect, select
from sqlmodel import Session, SQLModel

from klinikka.db import WRITE
from klinikka.errors import AlreadyDone, NotFoundError, ValidationError
from klinikka.i18n import N_, NP_
from klinikka.identity import person
from klinikka.models import Activity, Clinic, utcnow
from klinikka.text import strip_controls

Row = TypeVar("Row", bound=SQLModel)

# Statements built once: building a Core statement per call costs more than running it.
INSERT_ACTIVITY = insert(Activity.__table__)  # type: ignore[attr-defined]
FIND_REQUEST = select(Activity.__table__.c.id).where(  # type: ignore[attr-defined]
    Activity.__table__.c.request_uid == bindparam("uid")  # type: ignore[attr-defined]
)

# Who did it: the person (identity.person), so each of two people undoes their own actions,
# also after a restart. Looked up on first use: importing klinikka must not touch files.
_actor: str | None = None

MAX_TITLE = 200
MAX_NAME = 200
MAX_TEXT = 20_000


def actor() -> str:
    """Whose actions this process logs (and, by default, undoes and redoes)."""
    global _actor
    if _actor is None:
        _actor = person()
    return _actor


def set_actor(name: str) -> None:
    """Name the person this process acts for in the activity log (the app may set it at start)."""
    global _actor
    _actor = name


# The request the calls inside ``requesting`` belong to: the app's write queue names each
# write, so that a retry after an unknown outcome (the COMMIT raised, but may have happened)
# is recognised instead of saved twice. It is a context variable: each thread has its own.
request_uid: ContextVar[str | None] = ContextVar("klinikka_request_uid", default=None)

MAX_REQUEST_UID = 64


@contextmanager
def requesting(uid: str) -> Iterator[None]:
    """Run the calls inside as the request ``uid`` (at most 64 characters).

    The first action inside that commits stores the uid in its activity row; an action that
    finds a row with it already raises AlreadyDone and writes nothing. Only that first action
    uses the uid: it takes it as it starts, and gives it back if it does not commit, so any
    later action in the block (none does so today) is a plain action of its own.
    """
    if not uid or len(uid) > MAX_REQUEST_UID:
        raise ValueError(f"a request uid is 1 to {MAX_REQUEST_UID} characters: {uid!r}")
    token = request_uid.set(uid)
    try:
        yield
    finally:
        request_uid.reset(token)


def take_request() -> str | None:
    """The running request's uid, for the action starting now; later actions get None."""
    uid = request_uid.get()
    if uid is not None:
        request_uid.set(None)
    return uid


def give_back_request(uid: str | None) -> None:
    """Return a taken uid to the request: the action that took it did not commit."""
    if uid is not None:
        request_uid.set(uid)


def committed_request(connection: Any, uid: str) -> int | None:
    """The id of the activity row a request wrote, if it was committed."""
    found = connection.execute(FIND_REQUEST, {"uid": uid}).scalar()
    return None if found is None else int(found)


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; objects stay usable after it closes."""
    with Session(engine, expire_on_commit=False) as session:
        yield session


@contextmanager
def request_write(engine: Engine) -> Iterator[tuple[Session, str | None]]:
    """A write session that takes the running request's uid (``requesting``), if any: a
    request committed before raises AlreadyDone, writing nothing; else the caller stores the
    uid in the activity row it writes. A failure gives the uid back to the request."""
    request = take_request()
    try:
        with write_session(engine) as session:
            if request is not None:
                # First in the write transaction: a request committed before is not redone.
                done = committed_request(session.connection(), request)
                if done is not None:
                    raise AlreadyDone(done)
            yield session, request
    except BaseException:
        give_back_request(request)
        raise


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session in one write transaction, committed on success and rolled back on error."""
    with (
        Session(engine.execution_options(**{WRITE: True}), expire_on_commit=False) as session,
        session.begin(),
    ):
        yield session


def encode_value(value: Any) -> Any:
    """A column value as JSON (datetimes tagged so they come back as datetimes)."""
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, enum.Enum):
        return value.value
    return value


def decode_value(value: Any) -> Any:
    if isinstance(value, dict):
        if "$dt" in value:
            return datetime.fromisoformat(value["$dt"])
        if "$date" in value:
            return date.fromisoformat(value["$date"])
    return value


_RECORDER = "klinikka_recorder"


@event.listens_for(Session, "after_flush")
def _record_flush(session: Session, context: Any) -> None:
    # One listener for all sessions (listening per session costs more than a capture may):
    # it records for the session of an undoable action, which keeps its recorder in .info.
    recorder = session.info.get(_RECORDER)
    if recorder is not None:
        recorder.after_flush(session, context)


class ChangeRecorder:
    """Collects the row changes a session flushes, in order, as undo data."""

    def __init__(self, session: Session) -> None:
        self.changes: list[dict[str, Any]] = []
        session.info[_RECORDER] = self

    def after_flush(self, session: Session, _context: Any) -> None:
        # In after_flush the new/dirty/deleted sets and attribute histories are still pre-flush.
        for obj in session.new:
            state = inspect(obj)
            row = {
                attr.key: encode_value(getattr(obj, attr.key)) for attr in state.mapper.column_attrs
            }
            self.changes.append(
                {
                    "op": "insert",
                    "table": state.mapper.local_table.name,
                    "pk": _pk(state),
                    "row": row,
                }
            )
        for obj in session.dirty:
            state = inspect(obj)
            before: dict[str, Any] = {}
            after: dict[str, Any] = {}
            for attr in state.mapper.column_attrs:
                history = state.attrs[attr.key].history
                if not history.has_changes():
                    continue
                old = history.deleted[0] if history.deleted else None
                new = history.added[0] if history.added else None
                if old == new:
                    continue
                before[attr.key] = encode_value(old)
                after[attr.key] = encode_value(new)
            if before:
                self.changes.append(
                    {
                        "op": "update",
                        "table": state.mapper.local_table.name,
                        "pk": _pk(state),
                        "before": before,
                        "after": after,
                    }
                )
        for obj in session.deleted:
            state = inspect(obj)
            row = {
                attr.key: encode_value(state.attrs[attr.key].loaded_value)
                for attr in state.mapper.column_attrs
            }
            self.changes.append(
                {"op": "delete", "table": state.mapper.local_table.name, "row": row}
            )


def _pk(state: Any) -> dict[str, Any]:
    return {
        column.key: encode_value(getattr(state.object, column.key))
        for column in state.mapper.primary_key
    }


class Action:
    """The running action: its session, and what the activity log will say about it."""

    def __init__(
        self, session: Session, recorder: ChangeRecorder | None, clinic_id: int | None
    ) -> None:
        self.session = session
        # The clinic the log entry belongs to; an action that creates one sets it.
        self.clinic_id = clinic_id
        self.recorder = recorder
        self.fields: dict[str, object] = {}
        # What the log will say; the body may change it once it knows what it did.
        self.message: str | tuple[str, str] | None = None

    def record(self, change: dict[str, object]) -> None:
        """Record an undo step of its own kind (``history._revert`` knows each ``op``)."""
        if self.recorder is not None:
            self.recorder.changes.append(change)

    def inserted(self, table: str, row: dict[str, object]) -> None:
        """Record a row inserted with Core (no flush sees it), so undo can delete it."""
        if self.recorder is not None:
            self.recorder.changes.append(
                {
                    "op": "insert",
                    "table": table,
                    "pk": {"id": encode_value(row["id"])},
                    "row": {k: encode_value(v) for k, v in row.items()},
                }
            )


@contextmanager
def action(
    engine: Engine,
    clinic_id: int | None,
    code: str,
    message: str | tuple[str, str],
    *,
    undoable: bool = True,
    **fields: object,
) -> Iterator[Action]:
    """Run one user action in one transaction and log it (with undo data if ``undoable``).

    ``message`` is a msgid with ``{name}`` fields, translated when the log is shown (a pair
    from ``NP_`` picks its plural form by the ``count`` field); the body
    may add fields through ``act.fields`` once it knows them (a new row's id, say).
    """
    with request_write(engine) as (session, request):
        recorder = ChangeRecorder(session) if undoable else None
        act = Action(session, recorder, clinic_id)
        act.fields.update(fields)
        yield act
        session.flush()
        session.info.pop(_RECORDER, None)
        # The log entry is written with one prepared Core statement: it is not part of
        # what an undo reverts, and this keeps the hot path (capture) cheap.
        session.connection().execute(
            INSERT_ACTIVITY,
            {
                "clinic_id": act.clinic_id,
                "at": utcnow(),
                "action": code,
                "summary": summary_json(act.message or message, act.fields),
                "actor": actor(),
                # An action that changed nothing has nothing to undo.
                "undo_data": json.dumps(recorder.changes, ensure_ascii=False)
                if recorder and recorder.changes
                else "",
                "undone_at": None,
                # The unique index makes a second commit of one request fail, not double.
                "request_uid": request,
            },
        )


def summary_json(message: str | tuple[str, str], fields: dict[str, object]) -> str:
    """How the activity log stores a sentence: its msgid(s) and fields, to translate later."""
    data: dict[str, object] = {"fields": {k: encode_value(v) for k, v in fields.items()}}
    if isinstance(message, tuple):
        data["message"], data["plural"] = message
    else:
        data["message"] = message
    return json.dumps(data, ensure_ascii=False)


# "Leave as it is": an argument left out, where None means "none".
UNSET: Any = object()

Ordered = TypeVar("Ordered", bound=SQLModel)
Choice = TypeVar("Choice", bound=enum.Enum)


def reorder(rows: list[Ordered], row_id: int, position: int) -> list[Ordered]:
    """Move the row with ``row_id`` to ``position`` (0 is first) and renumber them all."""
    moving = next(row for row in rows if getattr(row, "id", None) == row_id)
    rows.remove(moving)
    rows.insert(max(0, min(position, len(rows))), moving)
    for index, row in enumerate(rows):
        row.position = index
    return rows


def choose(kind: type[Choice], value: object, message: str, field: str) -> Choice:
    """``value`` as a member of ``kind``, or ValidationError naming the choices."""
    try:
        return kind(value)
    except ValueError:
        raise ValidationError(
            message, **{field: str(value)}, choices=", ".join(str(m.value) for m in kind)
        ) from None


def get_or_404(
    session: Session, model: type[Row], row_id: int, message: str, *, lock: bool = False
) -> Row:
    """A row by id (not one marked deleted), or NotFoundError with ``message`` and the id.

    ``lock`` holds the row until the transaction ends (SELECT … FOR UPDATE on PostgreSQL,
    where writers run side by side; a SQLite writer holds the whole file already)."""
    row = session.get(model, row_id, with_for_update=lock)
    if row is None or getattr(row, "deleted_at", None) is not None:
        raise NotFoundError(message, id=row_id)
    return row


def get_clinic(session: Session, clinic_id: int) -> Clinic:
    return get_or_404(session, Clinic, clinic_id, N_("There is no clinic with id {id}."))


def clean_text(
    value: str | None,
    *,
    field: str,
    limit: int,
    required: bool = True,
    single_line: bool = True,
) -> str:
    """Trim user text, check it is there and not too long; ``field`` is a translated name."""
    text = strip_controls(value or "", keep_newlines=not single_line).strip()
    if single_line:
        text = " ".join(text.split())
    else:
        # Trailing spaces go and runs of blank lines shrink to one; the words all stay.
        lines = [line.rstrip() for line in text.split("\n")]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    if required and not text:
        raise ValidationError(N_("{field} cannot be empty."), field=field)
    if len(text) > limit:
        raise ValidationError(
            NP_(
                "{field} is too long: at most {limit} character.",
                "{field} is too long: at most {limit} characters.",
            ),
            plural_by="limit",
            field=field,
            limit=limit,
        )
    return text
