"""The activity log and undo."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import Engine, Table, and_, delete, func, insert, text, update
from sqlalchemy import select as core_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from klinikka import i18n
from klinikka.errors import ConflictError
from klinikka.i18n import N_
from klinikka.models import Activity, ActivityView, Idea, utcnow
from klinikka.services._base import (
    actor,
    decode_value,
    encode_value,
    give_back_request,
    read_session,
    request_write,
    summary_json,
)
from klinikka.text import name_key


def describe(summary: str, language: str | None = None) -> str:
    """The activity log's stored summary as a sentence in the given (or current) language."""
    try:
        data = json.loads(summary)
        message = str(data["message"])
        fields = {
            key: describe(value["$summary"], language)
            if isinstance(value, dict) and "$summary" in value
            else decode_value(value)
            for key, value in data.get("fields", {}).items()
        }
    except (ValueError, KeyError, TypeError):
        return summary
    catalog = i18n.translations(language or i18n.current_language())
    if "plural" in data:
        template = catalog.ngettext(message, str(data["plural"]), int(fields.get("count", 1)))
    else:
        template = catalog.gettext(message)
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):
        return template


def list_activity(engine: Engine, clinic_id: int, limit: int = 200) -> list[ActivityView]:
    """The newest entries of a clinic's activity log first."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Activity)
            .where(Activity.clinic_id == clinic_id)
            .order_by(col(Activity.id).desc())
            .limit(limit)
        ).all()
        return [
            ActivityView(
                id=row.id or 0,
                at=row.at,
                action=row.action,
                summary=describe(row.summary),
                undoable=bool(row.undo_data)
                and row.undone_at is None
                and row.action not in (_UNDO, _REDO),
                undone=row.undone_at is not None,
            )
            for row in rows
        ]


def _table(name: str) -> Table:
    return SQLModel.metadata.tables[name]


def _where(table: Table, values: dict[str, Any]) -> Any:
    return and_(*(table.c[key] == decode_value(value) for key, value in values.items()))


def _stale() -> ConflictError:
    return ConflictError(N_("This can no longer be undone: it has been changed since."))


def _unchanged(connection: Any, table: Table, pk: dict[str, Any], values: dict[str, Any]) -> bool:
    """Whether the row still has exactly these (encoded) values."""
    current = connection.execute(
        core_select(*(table.c[key] for key in values)).where(_where(table, pk))
    ).first()
    return current is not None and [encode_value(v) for v in current] == list(values.values())


def _referenced(connection: Any, table: Table, pk: dict[str, Any]) -> bool:
    """Whether another row points at this one (deleting it would cascade or unlink it)."""
    for other in SQLModel.metadata.tables.values():
        if other.name == "activity":
            continue
        for key in other.foreign_keys:
            if key.column.table is table and key.column.key in pk:
                found = connection.execute(
                    core_select(func.count())
                    .select_from(other)
                    .where(key.parent == decode_value(pk[key.column.key]))
                ).scalar()
                if found:
                    return True
    return False


# Every column of an imported idea, read from the table: a column added to ``idea`` is then
# in the fingerprint without anyone listing it, so an undo never misses a change to it.
_BATCH_COLUMNS = ", ".join(column.name for column in Idea.__table__.columns)  # type: ignore[attr-defined]
_BATCH_ROWS = text(f"SELECT {_BATCH_COLUMNS} FROM idea WHERE import_batch_id = :b ORDER BY id")


def batch_digest(connection: Any, batch_id: int) -> str:
    """A fingerprint of the ideas one import added, as they are now (every column): an import's
    undo is recorded as its batch and this fingerprint, not as ten thousand rows."""
    rows = connection.execute(_BATCH_ROWS, {"b": batch_id}).all()
    encoded = json.dumps([[encode_value(value) for value in row] for row in rows])
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def _revert_batch(connection: Any, change: dict[str, Any]) -> list[dict[str, Any]]:
    """Delete the ideas an import added, if none was changed since and nothing points at them;
    returns them as deletes (redo inserts them again)."""
    batch_id = int(change["batch"])
    if batch_digest(connection, batch_id) != change["digest"]:
        raise _stale()
    merged_into_them = connection.execute(
        text(
            "SELECT count(*) FROM idea WHERE merged_into_id IN"
            " (SELECT id FROM idea WHERE import_batch_id = :b)"
        ),
        {"b": batch_id},
    ).scalar()
    if merged_into_them:
        raise _stale()
    table = _table("idea")
    rows = connection.execute(
        core_select(table).where(table.c.import_batch_id == batch_id).order_by(table.c.id)
    ).mappings()
    done = [_deleted(table, row) for row in rows]
    connection.execute(text("DELETE FROM idea WHERE import_batch_id = :b"), {"b": batch_id})
    return done


def _deleted(table: Table, row: Any) -> dict[str, Any]:
    """A row about to be deleted, as undo data records a delete (reverting re-inserts it)."""
    values = {key: encode_value(value) for key, value in dict(row).items()}
    pk = {column.key: values[column.key] for column in table.primary_key}
    return {"op": "delete", "table": table.name, "pk": pk, "row": values}


def _revert(connection: Any, change: dict[str, Any]) -> list[dict[str, Any]]:
    """Put back one recorded change; returns what that did, recorded as an action's undo data
    records its changes, so reverting those in turn (a redo) makes the change again."""
    if change["op"] == "insert_batch":
        return _revert_batch(connection, change)
    table = _table(change["table"])
    if change["op"] == "insert":
        # Undoing an insert deletes the row: only if nobody changed it or came to rely on it.
        row = change.get("row", change["pk"])
        if not _unchanged(connection, table, change["pk"], row):
            raise _stale()
        if _referenced(connection, table, change["pk"]):
            raise _stale()
        where = _where(table, change["pk"])
        current = connection.execute(core_select(table).where(where)).mappings().one()
        connection.execute(delete(table).where(where))
        return [_deleted(table, current)]
    if change["op"] == "delete":
        connection.execute(
            insert(table).values({k: decode_value(v) for k, v in change["row"].items()})
        )
        pk = {column.key: change["row"][column.key] for column in table.primary_key}
        return [{"op": "insert", "table": table.name, "pk": pk, "row": change["row"]}]
    if not _unchanged(connection, table, change["pk"], change["after"]):
        raise _stale()
    connection.execute(
        update(table)
        .where(_where(table, change["pk"]))
        .values({k: decode_value(v) for k, v in change["before"].items()})
    )
    return [
        {
            "op": "update",
            "table": table.name,
            "pk": change["pk"],
            "before": change["after"],
            "after": change["before"],
        }
    ]


# Names that must stay unique in a clinic (ignoring case and spacing), by table.
_NAMED_TABLES = ("theme", "participant", "stakeholder_group")


def _check_names(connection: Any, clinic_id: int, tables: set[str]) -> None:
    """Refuse an undo that would bring back a name someone has since given to another row."""
    for name in _NAMED_TABLES:
        if name not in tables:
            continue
        table = _table(name)
        query = core_select(table.c.name).where(table.c.clinic_id == clinic_id)
        if "deleted_at" in table.c:
            query = query.where(table.c.deleted_at.is_(None))
        keys = [name_key(value) for (value,) in connection.execute(query)]
        if len(keys) != len(set(keys)):
            raise ConflictError(
                N_("This can no longer be undone: the name is now used by something else.")
            )


_LINKS_TO_DELETED = (
    text(
        "SELECT COUNT(*) FROM idea AS i JOIN theme AS t ON t.id = i.theme_id"
        " WHERE i.clinic_id = :clinic AND i.deleted_at IS NULL AND t.deleted_at IS NOT NULL"
    ),
    text(
        "SELECT COUNT(*) FROM idea AS i JOIN idea AS target ON target.id = i.merged_into_id"
        " WHERE i.clinic_id = :clinic AND i.deleted_at IS NULL AND target.deleted_at IS NOT NULL"
    ),
)


def _check_links(connection: Any, clinic_id: int) -> None:
    """Refuse an undo that brings back an idea into a theme or idea deleted since."""
    for query in _LINKS_TO_DELETED:
        if connection.execute(query, {"clinic": clinic_id}).scalar():
            raise _stale()


_ROUND_RULES = {"method", "dots_per_voter", "cap_per_theme", "points_budget"}


def _rounds_touched(connection: Any, changes: list[dict[str, Any]]) -> tuple[set[int], set[int]]:
    """Rounds whose ballots an undo changes, and rounds whose rules or ballot it changes."""
    ballots: set[int] = set()
    rules: set[int] = set()
    for change in changes:
        table, row = change["table"], change.get("row") or {}
        pk = {key: decode_value(value) for key, value in change.get("pk", {}).items()}
        if table in ("ballot", "ballot_entry"):
            round_id = row.get("round_id")
            if round_id is None:
                ballot_id = pk.get("id") if table == "ballot" else pk.get("ballot_id")
                round_id = connection.execute(
                    text("SELECT round_id FROM ballot WHERE id = :id"), {"id": ballot_id}
                ).scalar()
            if round_id is not None:
                ballots.add(int(round_id))
        elif table == "round_theme":
            rules.add(int(pk.get("round_id") or row["round_id"]))
        elif table == "voting_round" and change["op"] == "update":
            if _ROUND_RULES & set(change["after"]):
                rules.add(int(pk["id"]))
            if change["before"].get("status") == "draft":
                # Undoing the opening puts the round back to draft, where ballots cannot be.
                rules.add(int(pk["id"]))
    return ballots, rules


def _check_rounds(connection: Any, ballots: set[int], rules: set[int]) -> None:
    """Ballots change only in an open round; a round with ballots keeps its rules and ballot."""
    for round_id in ballots | rules:
        found = connection.execute(
            text(
                "SELECT status, (SELECT COUNT(*) FROM ballot WHERE round_id = :id"
                " AND deleted_at IS NULL) FROM voting_round WHERE id = :id"
            ),
            {"id": round_id},
        ).first()
        if found is None:  # the undo removed the round itself
            continue
        status, live_ballots = found
        if round_id in ballots and status != "open":
            raise _stale()
        if round_id in rules and live_ballots:
            raise _stale()


# Log entries that take back or make again another entry's changes: never undone themselves.
_UNDO, _REDO = "undo", "redo"


def _revert_all(connection: Any, clinic_id: int, changes: list[dict[str, Any]]) -> list[Any]:
    """Revert an entry's changes, newest first, checking that nothing changed since (else
    ConflictError; the caller's transaction then rolls back). Returns what the revert did,
    as undo data: reverting that in turn makes the entry's changes again."""
    rounds = _rounds_touched(connection, changes)
    done: list[dict[str, Any]] = []
    try:
        for change in reversed(changes):
            done.extend(_revert(connection, change))
        _check_names(connection, clinic_id, {change["table"] for change in changes})
        _check_links(connection, clinic_id)
        _check_rounds(connection, *rounds)
    except ConflictError:
        raise
    except IntegrityError as error:  # a later change depends on this one
        raise _stale() from error
    return done


def _latest(session: Session, clinic_id: int, own_only: bool, *where: Any) -> Activity | None:
    """A clinic's newest log entry with undo data that matches ``where`` (this actor's own, if
    ``own_only``)."""
    query = select(Activity).where(
        Activity.clinic_id == clinic_id, Activity.undo_data != "", *where
    )
    if own_only:
        query = query.where(Activity.actor == actor())
    return session.exec(query.order_by(col(Activity.id).desc()).limit(1)).first()


# An ordinary action, done and not undone: what undo takes back, and what ends a redo.
_UNDOABLE = (col(Activity.undone_at).is_(None), col(Activity.action).not_in((_UNDO, _REDO)))


def undo(engine: Engine, clinic_id: int, *, own_only: bool = True) -> str | None:
    """Undo the latest undoable action in a clinic (this person's own, if ``own_only``).

    Returns what was undone, as a sentence, or None when there is nothing to undo. Raises
    ConflictError, changing nothing, when a row it would restore has been changed since.
    The "undo" entry it logs keeps what it did as its undo data, so ``redo`` can do it again.
    In a ``requesting`` block, a retry of an undo committed before undoes nothing more.
    """
    with request_write(engine) as (session, request):
        entry = _latest(session, clinic_id, own_only, *_UNDOABLE)
        if entry is None:
            give_back_request(request)  # nothing done: no commit of it
            return None
        done = _revert_all(session.connection(), clinic_id, json.loads(entry.undo_data))
        entry.undone_at = utcnow()
        session.add(
            Activity(
                clinic_id=clinic_id,
                action=_UNDO,
                # "entry" is the id of the entry undone, for redo; the sentence ignores it.
                summary=summary_json(
                    N_("Undone: {what}"), {"what": {"$summary": entry.summary}, "entry": entry.id}
                ),
                actor=actor(),
                request_uid=request,
                undo_data=json.dumps(done, ensure_ascii=False),
            )
        )
        return describe(entry.summary)


def redo(engine: Engine, clinic_id: int, *, own_only: bool = True) -> str | None:
    """Make again the latest undone action in a clinic (this person's own undo, if ``own_only``).

    Only an undo newer than every action that can still be undone is redone: a new action
    ends what can be redone. Returns what was redone, as a sentence, or None when there is
    nothing to redo. Raises ConflictError, changing nothing, when a row has changed since.
    The action can then be undone again. In a ``requesting`` block, as ``undo``.
    """
    with request_write(engine) as (session, request):
        latest_undo = _latest(
            session,
            clinic_id,
            own_only,
            Activity.action == _UNDO,
            col(Activity.undone_at).is_(None),
        )
        if latest_undo is None:
            give_back_request(request)  # nothing done: no commit of it
            return None
        latest_action = _latest(session, clinic_id, own_only, *_UNDOABLE)
        if latest_action is not None and (latest_action.id or 0) > (latest_undo.id or 0):
            give_back_request(request)  # nothing done: no commit of it
            return None
        original = session.get(Activity, _undone_entry(latest_undo.summary))
        if original is None or original.clinic_id != clinic_id or original.undone_at is None:
            give_back_request(request)  # nothing done: no commit of it
            return None
        try:
            _revert_all(session.connection(), clinic_id, json.loads(latest_undo.undo_data))
        except ConflictError as error:
            # Also when a row's id was taken meanwhile: SQLite gives a new row the highest
            # id plus one, so an idea captured after an undone capture gets the same id.
            raise ConflictError(
                N_("This can no longer be redone: it has been changed since.")
            ) from error
        latest_undo.undone_at = utcnow()
        original.undone_at = None
        session.add(
            Activity(
                clinic_id=clinic_id,
                action=_REDO,
                summary=summary_json(
                    N_("Redone: {what}"), {"what": {"$summary": original.summary}}
                ),
                actor=actor(),
                request_uid=request,
            )
        )
        return describe(original.summary)


def _undone_entry(summary: str) -> int:
    """The id of the entry an "undo" entry undid (0, which no entry has, if it does not say)."""
    try:
        return int(json.loads(summary)["fields"]["entry"])
    except (ValueError, KeyError, TypeError):
        return 0
