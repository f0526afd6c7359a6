"""The note-taker's hot path, on the database driver itself.

Capturing an idea must cost little more than the INSERT and COMMIT it needs (the goal is
≤ 3× a raw sqlite3 INSERT + COMMIT, bench/bench_foundation.py). A Session, or even a Core
``execute``, costs more than that on its own, so a capture runs on the pooled DBAPI connection:
statements compiled once by SQLAlchemy, values converted by the columns' own SQLAlchemy types,
in one ``BEGIN IMMEDIATE`` … ``COMMIT`` that also writes the activity log entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, Table, insert

from klinikka.models import Activity, utcnow
from klinikka.services._base import actor, encode_value, summary_json

Processor = Callable[[Any], Any] | None


class PreparedInsert:
    """An INSERT into some columns of a table, compiled once for an engine's dialect."""

    def __init__(self, table: Table, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self._compiled: dict[int, tuple[str, list[tuple[str, Processor]]]] = {}

    def _for(self, engine: Engine) -> tuple[str, list[tuple[str, Processor]]]:
        key = id(engine.dialect)
        if key not in self._compiled:
            dialect = engine.dialect
            compiled = insert(self.table).compile(dialect=dialect, column_keys=list(self.columns))
            order = compiled.positiontup or list(self.columns)
            processors = [self.table.c[name].type.bind_processor(dialect) for name in order]
            self._compiled[key] = (str(compiled), list(zip(order, processors, strict=True)))
        return self._compiled[key]

    def run(self, engine: Engine, cursor: Any, values: Mapping[str, Any]) -> int:
        """Insert one row; returns its id."""
        sql, processors = self._for(engine)
        params = [
            process(values[name]) if process else values[name] for name, process in processors
        ]
        cursor.execute(sql, params)
        return int(cursor.lastrowid)


_LOG = PreparedInsert(
    Activity.__table__,  # type: ignore[attr-defined]
    ["clinic_id", "at", "action", "summary", "actor", "undo_data"],
)


class FastAction:
    """One write transaction on the driver; ``inserted`` rows become the undo data."""

    def __init__(self, engine: Engine, cursor: Any) -> None:
        self.engine = engine
        self.cursor = cursor
        self.changes: list[dict[str, Any]] = []

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        self.cursor.execute(sql, params)
        return list(self.cursor.fetchall())

    def update(self, table: str, row_id: int, column: str, before: Any, after: Any) -> None:
        """Change one column of one row (the names are the code's own, never user text)."""
        self.cursor.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?", (after, row_id))
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
    """Like ``services._base.action`` for an action that only inserts rows."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            act = FastAction(engine, cursor)
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
                },
            )
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        cursor.execute("COMMIT")
    finally:
        connection.close()
