"""The database: engines, SQLite set-up, file checks and schema migrations.

Nothing is created at import time. ``open_database(path_or_url)`` is what the CLI and the app
call: it checks the file without writing to it, then makes the engine and migrates the schema.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Dialect, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from klinikka.errors import DatabaseFileError, MissingDatabaseError
from klinikka.i18n import N_

# Every revision in migrations/versions, oldest first; a test checks it against Alembic.
SCHEMA_REVISIONS = ("0001", "0002", "0003", "0004")
HEAD_REVISION = SCHEMA_REVISIONS[-1]
MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# SQLite's result code for a file that is not a database.
SQLITE_NOTADB = 26
BUSY_TIMEOUT_MS = 5000
# Execution option that makes a transaction take SQLite's write lock at BEGIN.
WRITE = "klinikka_write"


def is_url(target: str) -> bool:
    return "://" in target


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for memory databases and other dialects."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def is_database_file(candidate: Path, database: Path | None) -> bool:
    """Whether ``candidate`` is the database file or one of SQLite's companions of it. Such a
    file must never be opened by hand in a process that has the database open: closing it
    would drop SQLite's locks (see ``check_file``)."""
    if database is None:
        return False
    for suffix in ("", "-wal", "-shm", "-journal"):
        try:
            if os.path.samefile(candidate, database.with_name(database.name + suffix)):
                return True
        except OSError:  # one of them is not there
            continue
    return False


# PostgreSQL URLs without a driver: SQLAlchemy 2.0 takes psycopg2 for them (2.1 takes psycopg),
# and "postgres://" (libpq's own spelling) it does not read at all. klinikka uses psycopg 3.
_POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def database_url(target: str | Path) -> str:
    """A SQLAlchemy URL for a path or URL."""
    text = str(target)
    if is_url(text):
        for scheme in _POSTGRES_SCHEMES:
            if text.startswith(scheme):
                return "postgresql+psycopg://" + text[len(scheme) :]
        return text
    return f"sqlite:///{Path(text).expanduser()}"


CACHE_KIB = 32 * 1024


def _set_sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event issue BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")
    # SQLite's default page cache is 2 MiB, less than a 10,000-idea clinic: each reload of
    # its list read the file's pages again. 32 MiB is taken only as pages are read.
    cursor.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    cursor.close()


def _begin(connection: Any) -> None:
    # Writers take the lock at BEGIN, so two processes never deadlock upgrading a read lock.
    if connection.get_execution_options().get(WRITE):
        connection.exec_driver_sql(_SQLITE_BEGIN_WRITE)
    else:
        connection.exec_driver_sql("BEGIN")


# ---------------------------------------------------------------- SQL on the DBAPI driver
# The hot paths (services/_fast.py, the idea list) run on the driver's own cursor; what they
# say differently on each backend is here, so the services stay the same on all of them.

_SQLITE_BEGIN_WRITE = "BEGIN IMMEDIATE"


def begin_write_sql(dialect_name: str) -> str | None:
    """The statement that starts a write transaction on a DBAPI connection, or None where
    the driver starts one itself at the first statement (PostgreSQL's drivers do); either way
    the connection's ``commit()`` or ``rollback()`` ends it."""
    # pysqlite runs with isolation_level=None (see _set_sqlite_pragmas): it begins nothing.
    return _SQLITE_BEGIN_WRITE if dialect_name == "sqlite" else None


def returns_lastrowid(dialect: Dialect) -> bool:
    """Whether the driver's ``cursor.lastrowid`` is the id of the row just inserted (SQLite's
    is; PostgreSQL's drivers need ``RETURNING``)."""
    return dialect.name == "sqlite" or not dialect.insert_returning


class DriverSQL:
    """SQL written with SQLAlchemy's ``:name`` parameters, for a DBAPI cursor: compiled once a
    dialect into its paramstyle (``?`` for sqlite3, ``%(name)s`` for psycopg)."""

    __slots__ = ("_clause", "_compiled")

    def __init__(self, sql: str) -> None:
        self._clause = text(sql)
        # id(dialect) -> (dialect, sql, names in order or None for named parameters); the
        # dialect is held so that its id is not reused by another while it is here.
        self._compiled: dict[int, tuple[Dialect, str, tuple[str, ...] | None]] = {}

    def bind(self, dialect: Dialect, values: Mapping[str, Any]) -> tuple[str, Any]:
        """The statement and its parameters, as ``cursor.execute`` takes them."""
        found = self._compiled.get(id(dialect))
        if found is None:
            compiled = self._clause.compile(dialect=dialect)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            found = self._compiled[id(dialect)] = (dialect, str(compiled), order)
        _, sql, order = found
        if order is None:
            return sql, values
        return sql, [values[name] for name in order]


_DRIVER_SQL: dict[str, DriverSQL] = {}


def driver_sql(sql: str) -> DriverSQL:
    """The one DriverSQL for a statement (made the first time it is asked for)."""
    found = _DRIVER_SQL.get(sql)
    if found is None:
        found = _DRIVER_SQL[sql] = DriverSQL(sql)
    return found


# libpq's connection settings klinikka gives unless the URL gives its own: a server out of
# reach is said within seconds instead of libpq's "wait for ever" (connect_timeout), and a
# network gone quietly ends the connection within seconds (keepalives when idle; data left
# unacknowledged, tcp_user_timeout in ms) so the write queue connects again rather than
# waiting on a dead connection. Over a Unix socket the TCP ones do nothing.
POSTGRES_CONNECT = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
    "application_name": "klinikka",
}


def postgres_connect_args(url: str | Any) -> dict[str, Any]:
    """POSTGRES_CONNECT without what the URL sets itself (the URL's own settings win)."""
    given = make_url(url).query
    return {key: value for key, value in POSTGRES_CONNECT.items() if key not in given}


def make_engine(target: str | Path) -> Engine:
    """An engine for a file path or SQLAlchemy URL; SQLite gets WAL, foreign keys and more."""
    url = database_url(target)
    if make_url(url).get_backend_name() == "postgresql":
        engine = create_engine(url, connect_args=postgres_connect_args(url))
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _set_sqlite_pragmas)
        event.listen(engine, "begin", _begin)
    elif engine.dialect.name == "postgresql":
        pids = _OWN_PIDS.setdefault(engine, set())
        event.listen(engine, "connect", lambda dbapi, _record: pids.add(_backend_pid(dbapi)))
    return engine


# The server processes of each PostgreSQL engine's connections: a change notice from one of
# them is the app's own commit (PostgresChanges).
_OWN_PIDS: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


def _backend_pid(dbapi_connection: Any) -> int:
    return int(dbapi_connection.info.backend_pid)


def check_file(path: Path) -> str | None:
    """Check a database file without changing it; return its schema revision.

    None means the file is new or empty and needs the schema. Raises DatabaseFileError for a
    file that is not a database, is damaged, is not klinikka's or is from a newer klinikka.
    """
    if path.is_dir():
        raise DatabaseFileError(N_("{path} is a folder, not a database file."), path=str(path))
    if not path.exists() or path.stat().st_size == 0:
        return None
    # The file is read through SQLite only, never opened and closed by hand: closing any
    # descriptor of a file drops every POSIX lock this process holds on it, SQLite's too, and
    # another klinikka, finding no lock, would delete the WAL this process still writes to
    # (https://www.sqlite.org/howtocorrupt.html, 2.2). SQLite says itself when a file is not
    # a database (SQLITE_NOTADB).
    # Reading a WAL database makes SQLite create -wal and -shm files. When they are not there
    # (no other connection has the file open), the check reads the file as immutable, which
    # creates nothing, so a refused file is left exactly as it was found. Companions are never
    # removed afterwards: another process may have opened the file meanwhile, and removing its
    # -wal or -shm would damage the database.
    companions = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    immutable = not all(companion.exists() for companion in companions)
    return _check_contents(path, immutable=immutable)


def _check_contents(path: Path, *, immutable: bool) -> str | None:
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    except sqlite3.Error as error:
        raise DatabaseFileError(
            N_("Cannot open {path}: {reason}"), path=str(path), reason=str(error)
        ) from error
    try:
        problems = connection.execute("PRAGMA quick_check(1)").fetchone()
        if problems is None or problems[0] != "ok":
            raise DatabaseFileError(N_("{path} is damaged."), path=str(path))
        tables = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if not tables:
            return None
        if "alembic_version" not in tables or "clinic" not in tables:
            raise DatabaseFileError(N_("{path} is not a klinikka database."), path=str(path))
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError as error:
        # Not damage: a file or folder SQLite may not open (permissions, a read-only mount).
        raise DatabaseFileError(
            N_("Cannot open {path}: {reason}"), path=str(path), reason=str(error)
        ) from error
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorcode", None) == SQLITE_NOTADB:
            raise DatabaseFileError(
                N_("{path} is not a klinikka database."), path=str(path)
            ) from error
        raise DatabaseFileError(N_("{path} is damaged."), path=str(path)) from error
    finally:
        connection.close()
    if row is None:
        raise DatabaseFileError(N_("{path} is not a klinikka database."), path=str(path))
    revision = str(row[0])
    if revision not in SCHEMA_REVISIONS:
        raise DatabaseFileError(
            N_("{path} was written by a newer klinikka; update klinikka to open it."),
            path=str(path),
        )
    return revision


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        tables = set(engine.dialect.get_table_names(connection))
        if "alembic_version" not in tables:
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def check_server_schema(engine: Engine, shown: str) -> str | None:
    """Like ``check_file`` for a database on a server: its schema revision, or None for an
    empty database. Raises DatabaseFileError, changing nothing, for another program's tables
    or a newer klinikka's schema."""
    with engine.connect() as connection:
        tables = set(engine.dialect.get_table_names(connection))
        if not tables:
            return None
        if "alembic_version" not in tables or "clinic" not in tables:
            raise DatabaseFileError(N_("{path} is not a klinikka database."), path=shown)
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    if revision is None:
        raise DatabaseFileError(N_("{path} is not a klinikka database."), path=shown)
    if str(revision) not in SCHEMA_REVISIONS:
        raise DatabaseFileError(
            N_("{path} was written by a newer klinikka; update klinikka to open it."), path=shown
        )
    return str(revision)


def init_db(engine: Engine) -> None:
    """Bring the schema to the newest revision (creating it on an empty database)."""
    if engine.dialect.name == "sqlite":  # the file was checked before its engine was made
        if current_revision(engine) == HEAD_REVISION:
            return
        _upgrade(engine)
        return
    shown = engine.url.render_as_string(hide_password=True)
    if check_server_schema(engine, shown) == HEAD_REVISION:
        return
    # Two laptops starting on a new database at once: one migrates, the other waits for it
    # (a lock of the server's, held by this connection) and then finds the schema made.
    with engine.connect() as connection:
        connection.exec_driver_sql(f"SELECT pg_advisory_lock({MIGRATION_LOCK})")
        try:
            if check_server_schema(engine, shown) != HEAD_REVISION:
                _upgrade(engine)
        finally:
            connection.exec_driver_sql(f"SELECT pg_advisory_unlock({MIGRATION_LOCK})")


# The server lock that migrations take (any number, the same in every klinikka).
MIGRATION_LOCK = 0x6B6C696E  # "klin"


def _upgrade(engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def shown_target(target: str | Path) -> str:
    """The database as a message may name it: a URL without its password."""
    text = str(target)
    if not is_url(text):
        return text
    try:
        return make_url(text).render_as_string(hide_password=True)
    except ArgumentError:
        return text.split("://", 1)[0] + "://…"


def open_database(target: str | Path, *, create: bool = True) -> Engine:
    """Check, open and migrate the database at a path or URL; the one entry point for callers.

    With ``create=False`` a missing file is an error (MissingDatabaseError) instead of a new
    database, so a command that only reads never leaves a file behind for a mistyped path.
    """
    url = database_url(target)
    path = sqlite_path(url)
    if path is not None:
        if not create and not path.exists():
            raise MissingDatabaseError(N_("There is no database at {path}."), path=str(path))
        check_file(path)
        if not path.parent.exists():
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise DatabaseFileError(
                    N_("Cannot create the folder {path}."), path=str(path.parent)
                ) from error
    try:
        engine = make_engine(url)
    except ImportError as error:
        if make_url(url).get_backend_name() == "postgresql":
            raise DatabaseFileError(
                N_("PostgreSQL needs its driver: pip install 'klinikka[postgres]'.")
            ) from error
        raise DatabaseFileError(
            N_("Cannot open {path}: {reason}"), path=shown_target(target), reason=str(error)
        ) from error
    except ArgumentError as error:
        raise DatabaseFileError(
            N_("Cannot open {path}: {reason}"), path=shown_target(target), reason=str(error)
        ) from error
    try:
        init_db(engine)
    except Exception as error:
        engine.dispose()
        if isinstance(error, DatabaseFileError):
            raise
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError):
            reason = " ".join(str(error.orig).split())
            if path is not None:
                raise DatabaseFileError(
                    N_("Cannot open {path}: {reason}"), path=str(path), reason=reason
                ) from error
            raise server_refusal(shown_target(url), reason) from error
        raise
    return engine


# What a PostgreSQL server or libpq says when a connection is refused (in English, the
# default of both), and the sentence klinikka says instead; anything else is said as it is.
_REFUSALS = (
    (
        ("password authentication failed", "authentication failed for user"),
        N_("{path}: the server did not accept the user name or password."),
    ),
    (
        ("no password supplied",),
        N_("{path}: the server asks for a password; give it in PGPASSWORD or ~/.pgpass."),
    ),
    (("does not exist",), N_("{path}: there is no such database or user on the server.")),
    (
        ("permission denied for database", "permission denied for schema"),
        N_("{path}: this user may not use the database; see docs/team.md for the rights needed."),
    ),
    (
        (
            "connection refused",
            "no such file or directory",
            "failed to resolve host",
            "timeout expired",
            "could not translate host name",
            "network is unreachable",
            "no route to host",
        ),
        N_("No PostgreSQL server answers at {path}: {reason}"),
    ),
)


def server_refusal(shown: str, reason: str) -> DatabaseFileError:
    """The error for a database server that refused klinikka: one line, the user's to fix."""
    lowered = reason.lower()
    for signs, message in _REFUSALS:
        if any(sign in lowered for sign in signs):
            return DatabaseFileError(message, path=shown, reason=reason)
    return DatabaseFileError(
        N_("The database at {path} cannot be used: {reason}"), path=shown, reason=reason
    )


# ---------------------------------------------------------------- changes by others
# Each backend tells the app in its own way that another klinikka has committed; the app asks
# ``watch_changes`` for the one its engine needs and calls it every ``interval`` seconds.


class Changes(Protocol):
    """Whether another klinikka changed the database since the last call (cheap: the app
    asks often). After a call that said yes, ``clinics`` holds the clinics changed,
    or None when that cannot be told (anything may have changed). ``lost`` is why the
    database cannot be reached now, one line ('' while it can). ``interval``: how often to
    ask, in seconds."""

    clinics: frozenset[int] | None
    lost: str
    interval: float

    def __call__(self) -> bool: ...

    def close(self) -> None: ...


def watch_changes(
    engine: Engine, own_commits: Callable[[], int], busy: Callable[[], bool]
) -> Changes:
    """What tells the app about others' commits on ``engine``'s database: LISTEN/NOTIFY on
    PostgreSQL, ``PRAGMA data_version`` on SQLite. ``own_commits`` counts the app's own
    commits, ``busy`` says whether one of them is running (SQLite needs both to tell its own
    commits from others')."""
    if engine.dialect.name == "postgresql":
        return PostgresChanges(engine)
    path = sqlite_path(engine.url.render_as_string(hide_password=False))
    return SqliteChanges(str(path) if path else None, own_commits, busy)


class SqliteChanges:
    """Tells whether another klinikka changed the database since the last look.

    SQLite's ``PRAGMA data_version`` changes on a connection when any other connection
    commits; a connection of its own, kept open, is the cheapest way to notice. Our own
    commits change it too. They are counted (``own_commits``: the write queue's, which every
    change goes through), and each writes one activity row: the version changed with no
    commit of ours, or the log changed by other than one new row per commit of ours, means
    someone else wrote. While a write of ours is running (``busy``) it may have committed uncounted,
    so the look waits for the next time.

    After a call that said yes, ``clinics`` holds the clinics the new log rows belong to
    (screens of other clinics need not read again), or None when that cannot be told (rows
    were deleted, or one belongs to no clinic).
    """

    def __init__(
        self,
        path: str | None,
        own_commits: Callable[[], int],
        busy: Callable[[], bool] = lambda: False,
    ) -> None:
        self._connection = sqlite3.connect(path, check_same_thread=False) if path else None
        self._own_commits = own_commits
        self._busy = busy
        self._seen = self._version()
        self._log = self._log_shape()
        self._last_row = self._row_at(self._log[0])
        self._own_seen = own_commits()
        self.clinics: frozenset[int] | None = None
        self.lost = ""  # a file does not go away as a server does
        self.interval = 0.2  # each look: two quick queries, on the event loop

    def _version(self) -> int:
        if self._connection is None:
            return 0
        return int(self._connection.execute("PRAGMA data_version").fetchone()[0])

    def _log_shape(self) -> tuple[int, int]:
        """The activity log's newest id and its number of rows."""
        if self._connection is None:
            return 0, 0
        row = self._connection.execute("SELECT MAX(id), COUNT(*) FROM activity").fetchone()
        return int(row[0] or 0), int(row[1])

    def __call__(self) -> bool:
        try:
            if self._busy():
                return False
            version = self._version()
            if version == self._seen:
                return False
            own = self._own_commits() - self._own_seen
            newest, rows = self._log_shape()
            last_row = self._row_at(newest)
        except sqlite3.Error:  # the file is busy or gone for a moment: look again later
            return False
        # Our commits alone add one row each, with the next ids; a deleted clinic takes its
        # log with it, which no commit of ours explains unless it was ours (then the reload
        # it causes costs little).
        grown = (newest - self._log[0], rows - self._log[1])
        foreign = own == 0 or grown != (own, own)
        if foreign:
            self.clinics = self._clinics_since(self._log[0]) if grown[0] == grown[1] else None
        self._last_row = last_row
        self._seen, self._log, self._own_seen = version, (newest, rows), self._own_seen + own
        return foreign

    def _row_at(self, row_id: int) -> object:
        """What tells the log's row ``row_id`` from another that reuses its id."""
        if self._connection is None:
            return None
        return self._connection.execute(
            "SELECT at, action, actor FROM activity WHERE id = ?", (row_id,)
        ).fetchone()

    def _clinics_since(self, newest: int) -> frozenset[int] | None:
        """The clinics of the log's rows after ``newest``, if nothing before it went."""
        assert self._connection is not None
        try:
            if self._row_at(newest) != self._last_row:
                return None  # rows were deleted, and their ids taken again
            found = self._connection.execute(
                "SELECT DISTINCT clinic_id FROM activity WHERE id > ?", (newest,)
            ).fetchall()
        except sqlite3.Error:
            return None
        if any(row[0] is None for row in found):
            return None
        return frozenset(int(row[0]) for row in found)

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()


# The channel migration 0004's trigger notifies on PostgreSQL, once a change commits.
CHANGES_CHANNEL = "klinikka"
# While the server cannot be reached, how often the listener tries to connect again.
RECONNECT_SECONDS = 1.0


class PostgresChanges:
    """Tells whether another klinikka changed a PostgreSQL database since the last look.

    One connection of its own listens on ``CHANGES_CHANNEL``; the notices wait in it until
    looked at (``__call__``, cheap: nothing is asked of the server). A notice names the
    writer's server process: those of this engine's own connections (collected as they
    connect) are our own commits, which the app shows already.

    When the connection is lost (the server restarted, the network gone), ``lost`` says why
    and the listener connects again, at most once every ``RECONNECT_SECONDS``; notices sent
    meanwhile never came, so the first call after it is back says yes for everything.
    """

    def __init__(self, engine: Engine, *, reconnect_seconds: float = RECONNECT_SECONDS) -> None:
        self._engine = engine
        self._own = _OWN_PIDS.setdefault(engine, set())
        self._reconnect_seconds = reconnect_seconds
        self.clinics: frozenset[int] | None = None
        self.lost = ""
        # A look asks nothing of the server (the notices wait in the socket): often, so that
        # a change by another shows within a tenth of a second (bench/bench_team.py).
        self.interval = 0.1
        self._connection: Any = None
        self._next_try = 0.0
        self._listen()

    def _listen(self) -> None:
        import psycopg

        # Its own connection, for as long as the app runs (not the pool's); made with the
        # engine's own URL and options, through SQLAlchemy's dialect.
        url = self._engine.url
        args, kwargs = self._engine.dialect.create_connect_args(url)
        kwargs = {**postgres_connect_args(url), **kwargs}
        connection = psycopg.connect(*args, **kwargs, autocommit=True)
        connection.execute(f"LISTEN {CHANGES_CHANNEL}")
        self._connection = connection

    def __call__(self) -> bool:
        import time

        if self._connection is None:
            if time.monotonic() < self._next_try:
                return False
            try:
                self._listen()
            except Exception as error:
                self._lose(error)
                return False
            # The pool's connections are likely those of the server that went away: new ones
            # for the reads that follow. A restarted server gives out process ids again, so
            # those of our old connections would hide another's changes.
            self._engine.dispose()
            self._own.clear()
            self.lost = ""
            self.clinics = None  # what was missed meanwhile is not known
            return True
        try:
            notices = list(self._connection.notifies(timeout=0))
            if self._connection.closed or self._connection.broken:
                raise ConnectionError("the connection to the server was lost")
        except Exception as error:
            self._lose(error)
            return False
        foreign = [notice for notice in notices if notice.pid not in self._own]
        if not foreign:
            return False
        payloads = {notice.payload for notice in foreign}
        self.clinics = None if "" in payloads else frozenset(int(payload) for payload in payloads)
        return True

    def _lose(self, error: BaseException) -> None:
        import time

        from klinikka.crash import one_line

        self.close()
        self._connection = None
        self.lost = one_line(error)
        self._next_try = time.monotonic() + self._reconnect_seconds

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already gone with the server
            if self._connection is not None:
                self._connection.close()
