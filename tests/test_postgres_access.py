"""Who may open a team's database, and what klinikka says to who may not: the least-privilege
role of docs/team.md, run as written; passwords only through libpq's own means (PGPASSWORD,
a password file), never shown; a wrong password, a missing database, a role without rights and
another program's or a newer klinikka's schema each said in one translated line, exit 1,
changing nothing.

On a PostgreSQL server of the tests' own (``pg_server``): it asks every role but its
administrator for a password.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from cli_helpers import Run, run_cli
from klinikka.db import open_database
from klinikka.services import clinics, ideas
from pg_server import ThrowawayServer

DOCS = Path(__file__).parent.parent / "docs" / "team.md"
PASSWORD = "Maijan salasana 3.11."
WRONG = "vaara-salasana"


@pytest.fixture
def klinikka(capfd: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    def run(*args: str) -> Run:
        return run_cli(capfd, args)

    return run


def documented_role_sql() -> list[str]:
    """The statements of docs/team.md's role block, as a reader would paste them."""
    page = DOCS.read_text(encoding="utf-8")
    marker = page.index("tests/test_postgres_access.py runs this block")
    block = re.search(r"```sql\n(.*?)```", page[marker:], re.S)
    assert block is not None
    statements = [part.strip() for part in block.group(1).split(";")]
    return [part.replace("'…'", f"'{PASSWORD}'") for part in statements if part.strip()]


@pytest.fixture
def team(pg_server: ThrowawayServer) -> Iterator[ThrowawayServer]:
    """The team's database and maija's login, made as docs/team.md says."""
    statements = documented_role_sql()
    # The administrator's own: CREATE DATABASE runs outside a transaction.
    pg_server.admin(*statements)
    yield pg_server
    pg_server.admin(
        "DROP DATABASE IF EXISTS klinikka WITH (FORCE)",
        "DROP ROLE IF EXISTS pekka",
        "DROP ROLE IF EXISTS maija",
        "DROP ROLE IF EXISTS klinikka_team",
        "DROP ROLE IF EXISTS vieras",
    )


def maijas_url(server: ThrowawayServer, database: str = "klinikka") -> str:
    return server.url(database, user="maija")


def test_the_documented_role_is_no_superuser_and_runs_a_clinic(
    team: ThrowawayServer,
    klinikka,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    made = klinikka("--db", maijas_url(team), "new", "Tiimin klinikka")  # the first start migrates
    assert made.code == 0, made.err
    # A second person joins the team the way the page says, and uses maija's tables.
    team.admin(
        *(
            statement.replace("maija", "pekka")
            for statement in documented_role_sql()
            if "maija" in statement
        )
    )
    pekka = open_database(team.url("klinikka", user="pekka"))
    try:
        [clinic] = clinics.list_clinics(pekka)
        ideas.capture_line(pekka, clinic.id, "Pekan idea")
    finally:
        pekka.dispose()
    listed = klinikka("--db", maijas_url(team), "list")
    assert listed.code == 0 and "Tiimin klinikka" in listed.out
    admin = create_engine(team.url("klinikka"))
    with admin.connect() as connection:
        supers = connection.execute(
            text("SELECT rolname FROM pg_roles WHERE rolsuper AND rolname <> 'postgres'")
        ).all()
        owners = connection.execute(
            text("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
        ).all()
    admin.dispose()
    assert supers == []
    assert owners == [("klinikka_team",)]  # the team's, whoever started first


def test_a_password_file_is_read_and_a_wrong_password_is_one_line_without_it(
    team: ThrowawayServer,
    klinikka,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("PGPASSWORD", raising=False)
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{team.port}:klinikka:maija:{PASSWORD}\n", encoding="utf-8")
    passfile.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    assert klinikka("--db", maijas_url(team), "new", "Klinikka").code == 0

    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "none"))
    asked = klinikka("--lang", "fi", "--db", maijas_url(team), "list")
    assert asked.code == 1
    assert "PGPASSWORD" in asked.err and len(asked.err.strip().splitlines()) == 1

    in_url = team.url("klinikka", user=f"maija:{WRONG}")
    for args in (("--db", in_url, "list"), ("--lang", "fi", "--db", in_url, "list")):
        refused = klinikka(*args)
        assert refused.code == 1
        assert len(refused.err.strip().splitlines()) == 1
        assert "Traceback" not in refused.err
        assert WRONG not in refused.err + refused.out
    assert "did not accept the user name or password" in klinikka("--db", in_url, "list").err
    finnish = klinikka("--lang", "fi", "--db", in_url, "list").err
    assert "did not accept" not in finnish  # said in Finnish


def test_a_missing_database_and_a_role_without_rights_are_one_line_each(
    team: ThrowawayServer,
    klinikka,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    missing = klinikka("--db", maijas_url(team, "klinikka_eiole"), "list")
    assert missing.code == 1 and len(missing.err.strip().splitlines()) == 1
    assert "no such database" in missing.err
    team.admin(f"CREATE ROLE vieras LOGIN PASSWORD '{PASSWORD}'")
    outsider = klinikka("--db", team.url("klinikka", user="vieras"), "list")
    assert outsider.code == 1 and len(outsider.err.strip().splitlines()) == 1
    assert "may not use the database" in outsider.err


@pytest.fixture
def other_database(pg_server: ThrowawayServer) -> Iterator[str]:
    pg_server.admin('DROP DATABASE IF EXISTS "muu"', 'CREATE DATABASE "muu"')
    yield pg_server.url("muu")
    pg_server.admin('DROP DATABASE IF EXISTS "muu" WITH (FORCE)')


def table_rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            names = connection.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            return {
                name: list(connection.execute(text(f'SELECT * FROM "{name}"')).all())
                for name in sorted(names)
            }
    finally:
        engine.dispose()


def test_another_programs_database_and_a_newer_schema_are_refused_untouched(
    other_database: str,
    klinikka,  # type: ignore[no-untyped-def]
) -> None:
    engine = create_engine(other_database)
    with engine.begin() as connection:  # another program's, with Alembic of its own
        connection.execute(text("CREATE TABLE alembic_version (version_num text)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('ae1027a6acf')"))
        connection.execute(text("CREATE TABLE invoice (id int, total numeric)"))
    engine.dispose()
    before = table_rows(other_database)
    refused = klinikka("--db", other_database, "list")
    assert refused.code == 1 and "is not a klinikka database" in refused.err
    assert table_rows(other_database) == before

    other_database_engine = create_engine(other_database)
    with other_database_engine.begin() as connection:
        connection.execute(text("DROP TABLE invoice"))
        connection.execute(text("DROP TABLE alembic_version"))
    other_database_engine.dispose()
    open_database(other_database).dispose()  # klinikka's own now
    newer = create_engine(other_database)
    with newer.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        connection.execute(text("CREATE TABLE tulevaisuus (id int)"))
    newer.dispose()
    before = table_rows(other_database)
    for command in (("list",), ("new", "Klinikka")):
        refused = klinikka("--db", other_database, *command)
        assert refused.code == 1
        assert "newer klinikka" in refused.err and "Traceback" not in refused.err
    assert table_rows(other_database) == before
