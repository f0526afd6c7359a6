"""Who the user is: the name their actions are logged under, kept in ``user.toml`` so that
undo stays theirs across restarts, whatever the operating system calls them later."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from klinikka import identity
from klinikka.identity import MAX_PERSON, clean_name, person, user_file
from klinikka.services import _base, clinics, history, ideas


@pytest.fixture
def os_user(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operating system's user name, as a list the test can change ("the OS user changed")."""
    name = ["maija"]
    monkeypatch.setattr(identity, "_os_user", lambda: name[0])
    return name


def kept() -> dict[str, object]:
    return tomllib.loads(user_file().read_text(encoding="utf-8"))


# ---------------------------------------------------------------- where the name comes from


def test_klinikka_user_wins_over_the_file_and_the_os(
    monkeypatch: pytest.MonkeyPatch, os_user: list[str]
) -> None:
    user_file().parent.mkdir(parents=True)
    user_file().write_text('name = "Pekka"\n', encoding="utf-8")
    monkeypatch.setenv("KLINIKKA_USER", "  Anna   Korhonen ")
    assert person() == "Anna Korhonen"
    assert kept() == {"name": "Pekka"}  # the setting is for this run, not kept


def test_klinikka_user_is_not_written_into_the_file(
    monkeypatch: pytest.MonkeyPatch, os_user: list[str]
) -> None:
    monkeypatch.setenv("KLINIKKA_USER", "Anna")
    assert person() == "Anna"
    monkeypatch.delenv("KLINIKKA_USER")
    assert person() == "maija"


def test_a_blank_klinikka_user_is_no_name(
    monkeypatch: pytest.MonkeyPatch, os_user: list[str]
) -> None:
    monkeypatch.setenv("KLINIKKA_USER", " \t\x1b[0m\n")
    assert person() == "maija"


def test_the_os_name_is_kept_and_stays_when_the_os_user_changes(os_user: list[str]) -> None:
    assert not user_file().exists()
    assert person() == "maija"
    assert kept() == {"name": "maija"}

    os_user[0] = "m.virtanen"  # the account renamed, or klinikka started with sudo -u
    assert person() == "maija"
    assert kept() == {"name": "maija"}


@pytest.mark.parametrize("name", ['Mä"ki \\ Öhman', "Ñoño 🦉", "O'Brien = [x]"])
def test_any_os_name_comes_back_from_the_file_as_it_was(os_user: list[str], name: str) -> None:
    os_user[0] = name
    assert person() == name
    os_user[0] = "joku muu"
    assert person() == name


def test_a_name_written_in_the_file_by_hand_is_used(os_user: list[str]) -> None:
    user_file().parent.mkdir(parents=True)
    user_file().write_text('name = "  Maija   Virtanen\\u001b[2J "\n', encoding="utf-8")
    assert person() == "Maija Virtanen"


def test_other_settings_in_the_file_are_kept(os_user: list[str]) -> None:
    settings = '# my settings\nlanguage = "fi"\n\n[keymap]\n"app.quit" = "ctrl+x"\n'
    user_file().parent.mkdir(parents=True)
    user_file().write_text(settings, encoding="utf-8")

    assert person() == "maija"
    written = user_file().read_text(encoding="utf-8")
    assert written.endswith(settings)  # comments and layout too
    assert kept() == {"name": "maija", "language": "fi", "keymap": {"app.quit": "ctrl+x"}}
    os_user[0] = "root"
    assert person() == "maija"


@pytest.mark.parametrize(
    "content",
    [
        b'name = "unterminated\n',
        b"this is not toml at all\n",
        b"\xff\xfe\x00binary",
        b"name = 42\n",
        b'name = ""\n',
        b"[name]\nfirst = 'Maija'\n",
    ],
)
def test_a_file_that_is_not_a_name_is_left_as_it_is(os_user: list[str], content: bytes) -> None:
    user_file().parent.mkdir(parents=True)
    user_file().write_bytes(content)

    assert person() == "maija"
    assert user_file().read_bytes() == content  # the user's to fix, not ours to overwrite
    os_user[0] = "pekka"
    assert person() == "pekka"  # nothing kept: the OS name each time
    assert user_file().read_bytes() == content


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_whatever_the_os_calls_the_user_the_kept_name_comes_back(
    os_user: list[str], name: str
) -> None:
    user_file().unlink(missing_ok=True)
    os_user[0] = name
    first = person()
    assert first == (clean_name(name) or identity.FALLBACK)
    os_user[0] = "joku muu"
    assert person() == first


# ---------------------------------------------------------------- names that are no names


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Maija\nVirtanen", "Maija Virtanen"),
        ("Maija\r\n\tVirtanen\x07", "Maija Virtanen"),
        ("\x1b[31mroot\x1b[0m", "root"),
        ("\x1b]0;title\x07maija", "maija"),
        ("ma\u202eija", "maija"),
        ("  ", ""),
        ("x" * (MAX_PERSON + 50), "x" * MAX_PERSON),
    ],
)
def test_a_name_is_one_clean_line(raw: str, clean: str) -> None:
    assert clean_name(raw) == clean


def test_undecodable_bytes_in_a_name_are_not_kept() -> None:
    # os.environ gives bytes that are not UTF-8 as lone surrogates.
    name = clean_name(os.fsdecode(b"ma\xffija"))
    name.encode("utf-8")  # would raise on a surrogate
    assert name.startswith("ma") and name.endswith("ija")


def test_control_characters_in_the_os_name_are_not_kept(os_user: list[str]) -> None:
    os_user[0] = "maija\n[keymap]\x1b[2J"
    assert person() == "maija [keymap]"
    assert kept() == {"name": "maija [keymap]"}


def test_an_os_name_of_nothing_but_controls_gives_a_name_still(os_user: list[str]) -> None:
    os_user[0] = "\x1b[2J\n"
    assert person() == identity.FALLBACK


def test_no_os_user_name_at_all_gives_a_name_still(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise KeyError("getpwuid(): uid not found: 12345")

    monkeypatch.setattr(identity.getpass, "getuser", no_user)
    assert person() == identity.FALLBACK


# ---------------------------------------------------------------- a config folder we cannot use


def test_a_config_folder_that_cannot_be_made_does_not_stop_klinikka(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, os_user: list[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(blocker))
    assert person() == "maija"
    assert person() == "maija"
    assert blocker.read_text(encoding="utf-8") == ""


def test_a_user_file_pointing_nowhere_does_not_stop_klinikka(
    tmp_path: Path, os_user: list[str]
) -> None:
    user_file().parent.mkdir(parents=True)
    user_file().symlink_to(tmp_path / "gone" / "user.toml")
    assert person() == "maija"
    assert not (tmp_path / "gone").exists()


def test_a_user_file_that_is_a_folder_does_not_stop_klinikka(os_user: list[str]) -> None:
    user_file().mkdir(parents=True)
    assert person() == "maija"
    assert user_file().is_dir()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_read_only_config_folder_does_not_stop_klinikka(os_user: list[str]) -> None:
    folder = user_file().parent
    folder.mkdir(parents=True)
    folder.chmod(0o500)
    try:
        assert person() == "maija"
        assert not user_file().exists()
    finally:
        folder.chmod(0o700)


# ---------------------------------------------------------------- undo after a restart


def restart(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new klinikka process: it has not looked up whose actions it logs yet."""
    monkeypatch.setattr(_base, "_actor", None)


def actors(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(text("SELECT actor FROM activity ORDER BY id")).scalars())


def test_undo_after_a_restart_is_the_persons_own_by_the_name_in_their_file(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, os_user: list[str]
) -> None:
    restart(monkeypatch)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka")
    ideas.capture_line(engine, clinic.id, "Vertaistuki")
    ideas.capture_line(engine, clinic.id, "Neuvolat")
    assert actors(engine) == ["maija"] * 3
    assert kept() == {"name": "maija"}

    # Started again after the OS user was renamed: the file still says who this is.
    restart(monkeypatch)
    os_user[0] = "m.virtanen"
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert [idea.text for idea in ideas.search_ideas(engine, clinic.id)] == ["Vertaistuki"]

    # Someone else on the same file (their own KLINIKKA_USER) cannot undo Maija's capture.
    restart(monkeypatch)
    monkeypatch.setenv("KLINIKKA_USER", "Pekka")
    assert history.undo(engine, clinic.id) is None

    restart(monkeypatch)
    monkeypatch.delenv("KLINIKKA_USER")
    assert history.redo(engine, clinic.id) == "Captured an idea."
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert ideas.search_ideas(engine, clinic.id) == []
    assert set(actors(engine)) == {"maija"}


def test_without_the_file_a_renamed_os_user_is_someone_else(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, os_user: list[str]
) -> None:
    # Why the name is kept: a broken user.toml cannot keep it, and then the OS name decides.
    user_file().parent.mkdir(parents=True)
    user_file().write_text("not toml\n", encoding="utf-8")
    restart(monkeypatch)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka")
    ideas.capture_line(engine, clinic.id, "Vertaistuki")

    restart(monkeypatch)
    os_user[0] = "m.virtanen"
    assert history.undo(engine, clinic.id) is None
    restart(monkeypatch)
    os_user[0] = "maija"
    assert history.undo(engine, clinic.id) == "Captured an idea."
