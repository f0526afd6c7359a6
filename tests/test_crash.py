"""Error reports: the traceback without local variables, secrets redacted, the newest kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import klinikka
from klinikka import crash
from klinikka.paths import state_dir


def raised(error: BaseException) -> BaseException:
    """``error`` as caught, with its traceback."""
    try:
        raise error
    except BaseException as caught:
        return caught


def fail_while_typing() -> None:
    secret = "hunter2"
    typed_text = f"Idea that must not leak: {secret}"
    assert typed_text
    raise RuntimeError("the database went away")


def reports() -> list[Path]:
    folder = state_dir() / crash.ERRORS_FOLDER
    return sorted(folder.glob("*.txt")) if folder.is_dir() else []


def test_a_report_has_the_traceback_and_what_ran() -> None:
    try:
        fail_while_typing()
    except RuntimeError as error:
        path = crash.report(error, context="a write")
    assert path is not None
    assert path.parent == state_dir() / crash.ERRORS_FOLDER
    assert reports() == [path]
    text = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last):" in text
    assert "in fail_while_typing" in text
    assert "RuntimeError: the database went away" in text
    assert f"klinikka: {klinikka.__version__}" in text
    assert "context: a write" in text
    assert "python: " in text and "platform: " in text
    assert "time: 20" in text and "+00:00" in text


def test_a_report_has_no_local_variables() -> None:
    try:
        fail_while_typing()
    except RuntimeError as error:
        path = crash.report(error)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "hunter2" not in text
    assert "must not leak" not in text


def test_a_chained_error_is_reported_with_its_cause() -> None:
    try:
        try:
            raise KeyError("clinic_id")
        except KeyError as cause:
            raise ValueError("a line without its clinic") from cause
    except ValueError as error:
        path = crash.report(error)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "KeyError: 'clinic_id'" in text
    assert "ValueError: a line without its clinic" in text


@pytest.mark.parametrize(
    ("text", "secret", "kept"),
    [
        (
            "postgresql://klinikka:s3cr3t@db.example/klinikka",
            "s3cr3t",
            "postgresql://klinikka:***@db.example",
        ),
        (
            "postgresql+psycopg://u:p@ss/w0rd@host:5432/db",
            "p@ss/w0rd",
            "postgresql+psycopg://u:***@host:5432/db",
        ),
        ("redis://:only-a-password@cache", "only-a-password", "redis://:***@cache"),
        ("PGPASSWORD=s3cr3t psql -h db", "s3cr3t", "PGPASSWORD=*** psql"),
        ("host=db user=u password=s3cr3t dbname=k", "s3cr3t", "password=*** dbname=k"),
        ("password = 's3cr3t'", "s3cr3t", "password = '***'"),
        ('{"password": "s3 cr3t"}', "s3 cr3t", '{"password": "***"}'),
        ("https://api.example/feed?token=s3cr3t&page=2", "s3cr3t", "?token=***&page=2"),
        ("https://api.example/?access_token=s3cr3t", "s3cr3t", "access_token=***"),
    ],
)
def test_secrets_are_redacted(text: str, secret: str, kept: str) -> None:
    redacted = crash.redact(text)
    assert secret not in redacted
    assert kept in redacted


def test_text_without_secrets_is_kept_as_it_is() -> None:
    text = "sqlite:////home/a/klinikka.db https://sqlalche.me/e/20/e3q8 user=anna port=5432"
    assert crash.redact(text) == text


def test_a_report_redacts_the_database_password_and_pgpassword() -> None:
    error = raised(RuntimeError("cannot connect to postgresql://klinikka:s3cr3t@db.example/k"))
    path = crash.report(error, context="PGPASSWORD=hunter2 klinikka --db postgresql://a:b@c/d")
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "s3cr3t" not in text and "hunter2" not in text and ":b@" not in text
    assert "postgresql://klinikka:***@db.example/k" in text
    assert "PGPASSWORD=***" in text


def test_a_report_does_not_carry_escape_sequences() -> None:
    path = crash.report(raised(ValueError("bad \x1b]0;owned\x07title \x1b[2J")))
    assert path is not None
    text = path.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text
    assert "ValueError: bad title" in text


def test_only_the_newest_reports_are_kept() -> None:
    written = [
        crash.report(raised(RuntimeError(f"error {n}"))) for n in range(crash.KEEP_REPORTS + 5)
    ]
    assert all(path is not None for path in written)
    kept = reports()
    assert len(kept) == crash.KEEP_REPORTS
    assert kept == sorted(path for path in written[-crash.KEEP_REPORTS :] if path)
    assert "error 24" in kept[-1].read_text(encoding="utf-8")


def test_pruning_leaves_other_files_alone() -> None:
    folder = state_dir() / crash.ERRORS_FOLDER
    folder.mkdir(parents=True)
    mine = folder / "notes.txt"
    mine.write_text("kept", encoding="utf-8")
    for n in range(crash.KEEP_REPORTS + 1):
        crash.report(raised(RuntimeError(f"error {n}")))
    assert mine.read_text(encoding="utf-8") == "kept"


def test_an_unwritable_folder_gives_none_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under a regular file no folder can be made, whoever runs the tests (root included).
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))
    assert crash.report(raised(RuntimeError("disk gone"))) is None


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes through chmod"
)
def test_a_read_only_folder_gives_none_not_an_error() -> None:
    folder = state_dir() / crash.ERRORS_FOLDER
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        assert crash.report(raised(RuntimeError("read-only"))) is None
    finally:
        folder.chmod(0o700)


def test_an_error_whose_message_fails_is_still_reported() -> None:
    class Unprintable(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    error = raised(Unprintable())
    path = crash.report(error)
    assert path is not None
    assert "Unprintable" in path.read_text(encoding="utf-8")
    assert crash.one_line(error) == "Unprintable"


def test_one_line_is_the_class_and_the_first_line() -> None:
    error = ValueError("first line\nsecond line")
    assert crash.one_line(error) == "ValueError: first line"
    assert crash.one_line(KeyError()) == "KeyError"


def test_one_line_strips_escape_sequences_and_newlines() -> None:
    error = RuntimeError("\x1b[31mred\x1b[0m alert\x1b]0;title\x07\r\nmore\x00")
    line = crash.one_line(error)
    assert line == "RuntimeError: red alert"
    assert "\x1b" not in line and "\n" not in line and "\r" not in line


def test_one_line_redacts_and_is_short() -> None:
    error = RuntimeError("cannot reach postgresql://u:s3cr3t@host/db " + "x" * 500)
    line = crash.one_line(error)
    assert "s3cr3t" not in line
    assert line.startswith("RuntimeError: cannot reach postgresql://u:***@host/db")
    assert len(line) <= crash.ONE_LINE_LIMIT
    assert line.endswith("…")
