"""The note-taker's hot path, on the database driver itself.

Capturing an idea must cost little more than the INSERT and COMMIT it needs (the goal is
≤ 3× a raw sqlite3 INSERT + COMMIT, bench/bench_foundation.py). A Session, or even a Core
``execute``, costs more than that on its own, so a capture runs on the pooled DBAPI connection:
statements compiled once by SQLAlchemy, values converted by the columns' own SQLAlchemy types,
in one write transaction (``db.begin_write_sql``) that also writes the activity log entry.
What differs between backends (how a write begins, the paramstyle, how an id comes back) is
asked of ``db``; the SQL here is written once, with ``:name`` parameters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Dialect, Engine, Table, insert

from klinikka.db import begin_write_sql, driver_sql, returns_lastrowid
from klinikka.errors import AlreadyDone
from klinikka.models import Activity, utcnow
from klinikka.services._base import (
    actor,
    encode_value,
    give_back_request,
    summary_json,
    take_request,
)

Processor = Callable[[Any], Any] | None
# A column's value when the caller gives none: a constant, or a function of no arguments.
_Default = tuple[bool, Any]


def _python_default(table: Table, name: str) -> _Default:
    default = table.c[name].default
    if default is None:
        return False, None
    if default.is_scalar:
        return False, default.arg  # type: ignore[attr-defined]
    if default.is_callable:
        # SQLAlchemy wraps a function of no arguments into one that takes the context.
        wrapped = default.arg  # type: ignore[attr-defined]
        return True, lambda: wrapped(None)
    raise TypeError(f"{table.name}.{name}: a default the driver path cannot compute")


class PreparedInsert:
    """An INSERT of a whole row into a table, compiled once for an engine's dialect.

    Every column is written but the generated id; a column the caller leaves out takes its
    Python-side default (``starred=False``, ``created_at=utcnow()``…) or None, as the ORM
    would give it. A column added to the table is then written without anyone listing it.
    """

    def __init__(self, table: Table) -> None:
        self.table = table
        generated = table.autoincrement_column
        self.columns = tuple(c.key for c in table.c if c is not generated)
        self._known = frozenset(self.columns)
        self._id = generated
        self._defaults = {name: _python_default(table, name) for name in self.columns}
        # id(dialect) -> (dialect, sql, [(name, processor, default)], whether RETURNING)
        self._compiled: dict[int, tuple[Dialect, str, list[tuple[str, Processor, _Default]], bool]]
        self._compiled = {}

    def _for(
        self, dialect: Dialect
    ) -> tuple[Dialect, str, list[tuple[str, Processor, _Default]], bool]:
        found = self._compiled.get(id(dialect))
        if found is not None:
            return found
        statement = insert(self.table)
        returning = self._id is not None and not returns_lastrowid(dialect)
        if returning and self._id is not None:
            statement = statement.returning(self._id)
        compiled = statement.compile(dialect=dialect, column_keys=list(self.columns))
        order = compiled.positiontup or list(self.columns)
        steps: list[tuple[str, Processor, _Default]] = [
            (name, self.table.c[name].type.bind_processor(dialect), self._defaults[name])
            for name in order
        ]
        # The dialect is held so that its id is not reused by another while it is here.
        made = self._compiled[id(dialect)] = (dialect, str(compiled), steps, returning)
        return made

    def complete(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """``values`` with every column the caller left out at its default."""
        unknown = set(values) - self._known
        if unknown:
            raise KeyError(f"{self.table.name} has no column {sorted(unknown)}")
        row = dict(values)
        for name in self.columns:
            if name not in row:
                computed, default = self._defaults[name]
                row[name] = default() if computed else default
        return row

    def run(self, engine: Engine, cursor: Any, values: Mapping[str, Any]) -> int:
        """Insert one row; returns its id."""
        if not self._known.issuperset(values):
            self.complete(values)  # raises, naming the columns the table does not have
        _, sql, steps, returning = self._for(engine.dialect)
        params = []
        for name, process, (computed, default) in steps:
            value = values[name] if name in values else default() if computed else default
            params.append(process(value) if process else value)
        if engine.dialect.positional:
            cursor.execute(sql, params)
        else:
            cursor.execute(sql, dict(zip((step[0] for step in steps), params, strict=True)))
        if returning:
            return int(cursor.fetchone()[0])
        return int(cursor.lastrowid)


_LOG = PreparedInsert(Activity.__table__)  # type: ignore[attr-defined]
_FIND_REQUEST = "SELECT id FROM activity WHERE request_uid = :uid"


class FastAction:
    """One write transaction on the driver; ``inserted`` rows become the undo data."""

    def __init__(self, engine: Engine, cursor: Any) -> None:
        self.engine = engine
        self.cursor = cursor
        self.changes: list[dict[str, Any]] = []

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Rows of a statement written with ``:name`` parameters (the code's, not user text)."""
        statement, bound = driver_sql(sql).bind(self.engine.dialect, params)
        self.cursor.execute(statement, bound)
        return list(self.cursor.fetchall())

    def update(self, table: str, row_id: int, column: str, before: Any, after: Any) -> None:
        """Change one column of one row (the names are the code's own, never user text)."""
        statement, bound = driver_sql(f"UPDATE {table} SET {column} = :after WHERE id = :id").bind(
            self.engine.dialect, {"after": after, "id": row_id}
        )
        self.cursor.execute(statement, bound)
        self.changes.append(
            {
                "op": "update",
                "table": table,
                "pk": {"id": row_id},
                "before": {column: encode_value(before)},
                "after": {column: encode_value(after)},
            }
        )

    def insert(self, prepared: PreparedInsert, values: Mapping[str, Any]) -> int:
        row_id = prepared.run(self.engine, self.cursor, values)
        # The undo data holds what the caller gave, as it did when the columns were listed.
        row = {"id": row_id, **values}
        self.changes.append(
            {
                "op": "insert",
                "table": prepared.table.name,
                "pk": {"id": row_id},
                "row": {key: encode_value(value) for key, value in row.items()},
            }
        )
        return row_id


@contextmanager
def fast_action(
    engine: Engine, clinic_id: int, code: str, message: str, **fields: object
) -> Iterator[FastAction]:
    """Like ``services._base.action`` for an action that only inserts rows.

    In a ``requesting`` block it takes the request's uid as ``action`` does: a request already
    committed raises AlreadyDone (nothing written), else the log row stores the uid.
    """
    request = take_request()
    connection = engine.raw_connection()
    try:
        driver = connection.dbapi_connection
        assert driver is not None  # a pooled connection just checked out has one
        cursor = connection.cursor()
        begin = begin_write_sql(engine.dialect.name)
        if begin is not None:
            cursor.execute(begin)
        try:
            act = FastAction(engine, cursor)
            if request is not None:
                done = act.query(_FIND_REQUEST, uid=request)
                if done:
                    raise AlreadyDone(int(done[0][0]))
            yield act
            _LOG.run(
                engine,
                cursor,
                {
                    "clinic_id": clinic_id,
                    "at": utcnow(),
                    "action": code,
                    "summary": summary_json(message, dict(fields)),
                    "actor": actor(),
                    "undo_data": json.dumps(act.changes, ensure_ascii=False),
                    "request_uid": request,
                },
            )
        except BaseException:
            try:
                driver.rollback()
            except Exception:  # the connection is lost: not back into the pool
                connection.invalidate()
            raise
        try:
            driver.commit()
        except Exception:
            # The outcome is not known (a connection lost during COMMIT): the connection
            # goes, and a retry under the same request finds the change if it was made.
            connection.invalidate()
            raise
    except BaseException:
        give_back_request(request)
        raise
    finally:
        connection.close()
