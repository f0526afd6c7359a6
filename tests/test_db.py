"""Storage: SQLite set up for safety, migrations, and files klinikka must refuse untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from backends import SQLITE_ONLY
from klinikka import db as db_module
from klinikka.db import (
    HEAD_REVISION,
    SCHEMA_REVISIONS,
    alembic_config,
    make_engine,
    open_database,
)
from klinikka.errors import DatabaseFileError
from klinikka.models import SQLModel
from klinikka.services import clinics, ideas


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@SQLITE_ONLY
def test_pragmas_are_set_on_every_connection(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_a_new_file_and_its_folder_are_created_with_the_newest_schema(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "still" / "klinikka.db"
    engine = open_database(path)
    with engine.connect() as connection:
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    engine.dispose()
    assert path.exists()
    assert revision == HEAD_REVISION


def test_an_empty_file_gets_the_schema(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.touch()
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Klinikka")
    assert [c.id for c in clinics.list_clinics(engine)] == [clinic.id]


def test_migrations_build_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "k.db")
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_the_known_revisions_are_alembics_revisions(engine: Engine) -> None:
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    history = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    assert tuple(history) == SCHEMA_REVISIONS
    assert scripts.get_current_head() == HEAD_REVISION


def test_reopening_keeps_everything(db_path: Path) -> None:
    engine = open_database(db_path)
    clinic = clinics.create_clinic(engine, "Klinikka")
    ideas.capture_idea(engine, clinic.id, "Kokeilukulttuuri kuntiin")
    engine.dispose()
    again = open_database(db_path)
    assert [i.text for i in ideas.search_ideas(again, clinic.id)] == ["Kokeilukulttuuri kuntiin"]


def test_a_file_that_is_not_a_database_is_refused_and_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Tämä on muistio, ei tietokanta.\n" * 100, encoding="utf-8")
    before = digest(path)
    with pytest.raises(DatabaseFileError, match="is not a klinikka database"):
        open_database(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_damaged_database_is_refused_and_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "k.db"
    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Klinikka")
    for number in range(300):
        ideas.capture_idea(engine, clinic.id, f"Idea {number} " + "x" * 200)
    engine.dispose()
    # Fold the WAL into the file and leave it in rollback mode, as a copied file would be.
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 3 : page * 6] = b"\xde\xad\xbe\xef" * (page * 3 // 4)
    path.write_bytes(bytes(data))
    before = digest(path)
    with pytest.raises(DatabaseFileError, match="is damaged"):
        open_database(path)
    assert digest(path) == before


def test_a_file_from_a_newer_klinikka_is_refused_and_not_modified(db_path: Path) -> None:
    engine = open_database(db_path)
    clinics.create_clinic(engine, "Klinikka")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    before = digest(db_path)
    with pytest.raises(DatabaseFileError, match="newer klinikka"):
        open_database(db_path)
    assert digest(db_path) == before


def test_another_programs_database_is_refused_and_not_modified(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.execute("INSERT INTO contacts VALUES ('Maija')")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(DatabaseFileError, match="is not a klinikka database"):
        open_database(path)
    assert digest(path) == before


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseFileError, match="is a folder"):
        open_database(tmp_path)


def test_the_error_is_translated(tmp_path: Path) -> None:
    from klinikka import i18n

    path = tmp_path / "notes.txt"
    path.write_text("ei tietokanta", encoding="utf-8")
    with pytest.raises(DatabaseFileError) as caught:
        open_database(path)
    english = caught.value.translated("en")
    finnish = caught.value.translated("fi")
    i18n.set_language("sv")
    swedish = str(caught.value)
    assert str(path) in finnish and str(path) in swedish
    assert len({english, finnish, swedish}) == 3


def test_two_engines_on_one_file_see_each_others_commits(db_path: Path) -> None:
    first = open_database(db_path)
    second = open_database(db_path)
    clinic = clinics.create_clinic(first, "Klinikka")
    ideas.capture_idea(second, clinic.id, "Toisen koneen idea")
    assert [i.text for i in ideas.search_ideas(first, clinic.id)] == ["Toisen koneen idea"]


def test_engine_from_a_url(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'url.db'}")
    clinics.create_clinic(engine, "Klinikka")
    assert (tmp_path / "url.db").exists()
    assert make_engine(f"sqlite:///{tmp_path / 'url.db'}").dialect.name == "sqlite"


_OLD_ROWS = (
    "INSERT INTO clinic (id, uid, title, goal, facilitator, note_taker, language, status,"
    " created_at, updated_at) VALUES (1, 'c1', 'Vanha klinikka', '', '', '', 'fi', 'active',"
    " '2026-11-01 09:00:00.000000', '2026-11-01 09:00:00.000000')",
    "INSERT INTO idea (uid, clinic_id, text, author, starred, created_at, updated_at, source)"
    " VALUES ('i1', 1, 'Säilyy päivityksessä', '', 0, '2026-11-01 09:01:00.000000',"
    " '2026-11-01 09:01:00.000000', 'live')",
    "INSERT INTO activity (clinic_id, at, action, summary, actor, undo_data)"
    " VALUES (1, '2026-11-01 09:01:00.000000', 'idea.capture', '', 'old', '')",
)


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_a_file_of_an_older_version_is_upgraded_with_its_data(
    tmp_path: Path, revision: str
) -> None:
    from alembic import command
    from sqlalchemy import create_engine

    path = tmp_path / "old.db"
    old = create_engine(f"sqlite:///{path}")
    command.upgrade(alembic_config(old), revision)  # a file that klinikka made
    old.dispose()
    with sqlite3.connect(path) as raw:
        for statement in _OLD_ROWS:
            raw.execute(statement)
    raw.close()

    engine = open_database(path)
    with engine.connect() as connection:
        found = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        indexes = {
            row[1] for row in connection.exec_driver_sql("PRAGMA index_list(idea)").fetchall()
        }
        logged = connection.exec_driver_sql("SELECT action, request_uid FROM activity").all()
    assert found == HEAD_REVISION == SCHEMA_REVISIONS[-1]
    assert "ix_idea_clinic_order" in indexes and "ix_idea_clinic_id" not in indexes
    assert [tuple(row) for row in logged] == [("idea.capture", None)]
    assert [i.text for i in ideas.search_ideas(engine, 1)] == ["Säilyy päivityksessä"]
    # The upgraded file takes requests: one committed once, however often it is tried.
    from klinikka.errors import AlreadyDone
    from klinikka.services._base import requesting

    with requesting("r-upgraded"):
        ideas.capture_idea(engine, 1, "Uusi idea")
    with pytest.raises(AlreadyDone), requesting("r-upgraded"):
        ideas.capture_idea(engine, 1, "Uusi idea")
    assert len(ideas.search_ideas(engine, 1)) == 2
    engine.dispose()


def test_a_process_opening_the_file_during_the_check_keeps_its_commits(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another klinikka opens the file and commits while this one is still checking it: its
    # -wal and -shm are in use and must be left alone, or its commits are lost.
    engine = open_database(db_path)
    clinic = clinics.create_clinic(engine, "Klinikka")
    engine.dispose()
    others: list[sqlite3.Connection] = []
    original = db_module._check_contents

    def check_while_another_opens(path: Path, **options: bool) -> str | None:
        revision = original(path, **options)
        other = sqlite3.connect(db_path)
        other.execute("PRAGMA wal_autocheckpoint = 0")
        other.execute("UPDATE clinic SET title = 'Toisen prosessin' WHERE id = ?", (clinic.id,))
        other.commit()
        others.append(other)
        return revision

    monkeypatch.setattr(db_module, "_check_contents", check_while_another_opens)
    second = open_database(db_path)
    monkeypatch.undo()
    assert [c.title for c in clinics.list_clinics(second)] == ["Toisen prosessin"]
    second.dispose()
    others[0].close()
    again = open_database(db_path)
    assert [c.title for c in clinics.list_clinics(again)] == ["Toisen prosessin"]
    with again.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    again.dispose()


# Another process reads the file and closes its connection: if it finds no other process
# holding the file, it checkpoints and deletes the WAL.
OTHER_READER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1])
connection.execute("SELECT COUNT(*) FROM clinic").fetchone()
connection.close()
"""


def test_checking_a_file_never_drops_the_locks_of_this_process(db_path: Path) -> None:
    # Closing any descriptor of a file drops every POSIX lock the process holds on it. If the
    # check opened the file by hand, this process's SQLite connections would be left without
    # their locks, and another klinikka closing its last connection would delete the WAL they
    # still use (the "database disk image is malformed" a bench run met).
    engine = open_database(db_path)
    clinic = clinics.create_clinic(engine, "Klinikka")
    engine.dispose()
    mine = sqlite3.connect(db_path)
    try:
        assert mine.execute("SELECT COUNT(*) FROM clinic").fetchone() == (1,)
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        db_module.check_file(db_path)
        subprocess.run([sys.executable, "-c", OTHER_READER, str(db_path)], check=True)
        assert wal.exists()  # the other process saw this one still open
        mine.execute("UPDATE clinic SET title = 'Tämän prosessin' WHERE id = ?", (clinic.id,))
        mine.commit()
    finally:
        mine.close()
    again = open_database(db_path)
    assert [c.title for c in clinics.list_clinics(again)] == ["Tämän prosessin"]
    with again.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    again.dispose()
