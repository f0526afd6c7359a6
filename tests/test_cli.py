"""The command line as a new user tries it: the contract's commands, exit codes and errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import Run, run_cli
from klinikka.db import open_database
from klinikka.services import clinics, ideas, themes, voting


@pytest.fixture
def klinikka(capfd: pytest.CaptureFixture[str], db_path: Path):  # type: ignore[no-untyped-def]
    """Run klinikka in this process on the test's database, as the console script would."""

    def run(*args: str) -> Run:
        return run_cli(capfd, ["--db", str(db_path), *args])

    return run


def seeded_vote(db_path: Path) -> int:
    engine = open_database(db_path)
    clinic = clinics.create_clinic(engine, "Verkkoklinikka 3.11.")
    first = themes.create_theme(engine, clinic.id, "Ennaltaehkäisevät palvelut")
    second = themes.create_theme(engine, clinic.id, "Digipalvelut")
    ideas.capture_idea(engine, clinic.id, "Matalan kynnyksen palvelut", theme_id=first.id)
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    for voter, theme in (("Aino", first), ("Ville", first), ("Sari", second)):
        voting.cast_ballot(engine, voting_round.id, voter, [theme.id])
    voting.close_round(engine, voting_round.id)
    engine.dispose()
    return clinic.id


def test_new_prints_the_id_and_list_shows_the_clinic(klinikka) -> None:  # type: ignore[no-untyped-def]
    created = klinikka("new", "Innovaatioverkoston klinikka", "--date", "2026-09-08")
    assert created.code == 0
    clinic_id = int(created.out.strip())
    listed = klinikka("list")
    assert listed.code == 0
    fields = listed.out.strip().split("\t")
    assert fields[:3] == [str(clinic_id), "2026-09-08", "Innovaatioverkoston klinikka"]
    as_json = json.loads(klinikka("list", "--json").out)
    assert as_json[0]["title"] == "Innovaatioverkoston klinikka"
    assert as_json[0]["starts_at"].startswith("2026-09-08")


def test_list_on_an_empty_database_says_how_to_start(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = klinikka("list")
    assert result.code == 0
    assert result.out == ""
    assert "klinikka new" in result.err
    assert not db_path.exists(), "a command that only reads creates no database"


@pytest.mark.parametrize("command", ["tally", "export"])
def test_an_unknown_clinic_is_a_clear_error(klinikka, command: str) -> None:  # type: ignore[no-untyped-def]
    klinikka("new", "Klinikka")
    result = klinikka(command, "42")
    assert result.code == 1
    assert result.err == "klinikka: There is no clinic with id 42.\n"


@pytest.mark.parametrize("clinic_id", ["0", "-3", "99999999999999999999999"])
def test_an_impossible_id_is_wrong_usage(klinikka, clinic_id: str) -> None:  # type: ignore[no-untyped-def]
    result = (
        klinikka("tally", "--", clinic_id)
        if clinic_id.startswith("-")
        else klinikka("tally", clinic_id)
    )
    assert result.code == 2
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "args, message",
    [
        (("new", "x", "--date", "2026-02-30"), "is not a date"),
        (("new", "   "), "cannot be empty"),
        (("tally", "42"), "There is no database at"),
        (("export", "42"), "There is no database at"),
        (("import", "nowhere.json"), "There is no file"),
    ],
)
def test_user_errors_are_one_line_on_stderr_with_exit_code_1(klinikka, args, message) -> None:  # type: ignore[no-untyped-def]
    result = klinikka(*args)
    assert result.code == 1
    assert result.out == ""
    assert result.err.count("\n") == 1
    assert message in result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    "args",
    [
        ("frobnicate",),
        ("new",),
        ("tally", "abc"),
        ("export", "1", "--format", "pdf"),
        ("import", "x.csv", "--format", "pdf"),
    ],
)
def test_wrong_usage_exits_with_2(klinikka, args) -> None:  # type: ignore[no-untyped-def]
    result = klinikka(*args)
    assert result.code == 2
    assert "Usage:" in result.err


def test_tally_prints_the_ranked_results_and_the_winner(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    result = klinikka("tally", str(clinic_id))
    assert result.code == 0
    lines = result.out.splitlines()
    assert "round 1" in lines[0] and "ballots: 3" in lines[0]
    assert "Ennaltaehkäisevät palvelut" in lines[1] and "66.7 %" in lines[1]
    assert "Digipalvelut" in lines[2]
    assert lines[-1] == "Winner: Ennaltaehkäisevät palvelut"
    data = json.loads(klinikka("tally", str(clinic_id), "--round", "1", "--json").out)
    assert data["winner"] == data["scores"][0]["theme_id"]
    assert [s["score"] for s in data["scores"]] == [2, 1]
    missing = klinikka("tally", str(clinic_id), "--round", "5")
    assert missing.code == 1 and "no round 5" in missing.err


def test_tally_keeps_hidden_results_hidden(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    engine = open_database(db_path)
    clinic = clinics.create_clinic(engine, "Klinikka")
    a = themes.create_theme(engine, clinic.id, "A")
    themes.create_theme(engine, clinic.id, "B")
    voting_round = voting.create_round(engine, clinic.id, "single", hide_results=True)
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Aino", [a.id])
    result = klinikka("tally", str(clinic.id))
    assert result.code == 1
    assert "hidden until it is closed" in result.err
    assert "A" not in result.out


def test_export_markdown_to_stdout_and_to_a_file(klinikka, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    shown = klinikka("export", str(clinic_id))
    assert shown.code == 0
    assert shown.out.startswith("# Verkkoklinikka 3.11.\n")
    assert "Matalan kynnyksen palvelut" in shown.out
    target = tmp_path / "summary.md"
    written = klinikka("export", str(clinic_id), "-o", str(target))
    assert written.code == 0
    assert target.read_text(encoding="utf-8") == shown.out
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".summary")) == []


def test_export_to_a_missing_folder_fails_cleanly(klinikka, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    result = klinikka("export", str(clinic_id), "-o", str(tmp_path / "no" / "such" / "x.md"))
    assert result.code == 1
    assert "does not exist" in result.err
    assert not (tmp_path / "no").exists()


def test_a_failed_export_leaves_the_old_file_whole(klinikka, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    target = tmp_path / "summary.json"
    target.write_text("previous export", encoding="utf-8")
    result = klinikka("export", "999", "--format", "json", "-o", str(target))
    assert result.code == 1
    assert target.read_text(encoding="utf-8") == "previous export"
    assert klinikka("export", str(clinic_id), "--format", "json", "-o", str(target)).code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["format"] == "klinikka"


def test_import_dry_run_then_for_real_then_again(klinikka, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    exported = tmp_path / "clinic.json"
    assert klinikka("export", str(clinic_id), "--format", "json", "-o", str(exported)).code == 0
    other_db = tmp_path / "other.db"

    def in_other(*args: str) -> Run:
        return klinikka("--db", str(other_db), *args)

    dry = in_other("import", str(exported), "--dry-run")
    assert dry.code == 0 and "Dry run" in dry.out
    assert in_other("list").out == ""
    real = in_other("import", str(exported))
    assert real.code == 0 and "Verkkoklinikka 3.11." in real.out
    assert len(in_other("list").out.splitlines()) == 1
    again = in_other("import", str(exported))
    assert again.code == 0 and "already in the database" in again.out
    assert len(in_other("list").out.splitlines()) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "The file is empty"),
        (b"{not json", "not valid JSON"),
        (b'{"format": "something else"}', "not a klinikka JSON document"),
        (
            b'{"format": "klinikka", "version": 99, "exported_at": "x", "clinics": []}',
            "newer klinikka",
        ),
        (b"\xff\xfe\x00\x00garbage", "not UTF-8"),
    ],
)
def test_bad_import_files_get_a_clear_error_and_change_nothing(
    klinikka,
    tmp_path: Path,
    content: bytes,
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    result = klinikka("import", str(path))
    assert result.code == 1
    assert message in result.err
    assert klinikka("list").out == ""


def test_an_import_with_a_broken_reference_imports_nothing(
    klinikka, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    exported = tmp_path / "clinic.json"
    klinikka("export", str(clinic_id), "--format", "json", "-o", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["clinics"][0]["ideas"][0]["theme"] = 12345
    exported.write_text(json.dumps(document), encoding="utf-8")
    result = klinikka("--db", str(tmp_path / "other.db"), "import", str(exported))
    assert result.code == 1
    assert "12345" in result.err
    assert klinikka("--db", str(tmp_path / "other.db"), "list").out == ""


def test_import_into_a_clinic_adds_only_new_ideas(klinikka, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    exported = tmp_path / "clinic.json"
    klinikka("export", str(clinic_id), "--format", "json", "-o", str(exported))
    target = int(klinikka("new", "Seuraava klinikka").out)
    first = klinikka("import", str(exported), "--clinic", str(target))
    assert first.code == 0 and "1 idea added, 0 already there" in first.out
    second = klinikka("import", str(exported), "--clinic", str(target))
    assert "0 ideas added, 1 already there" in second.out
    engine = open_database(db_path)
    [idea] = ideas.search_ideas(engine, target)
    assert idea.text == "Matalan kynnyksen palvelut"
    assert idea.source == "import" and idea.source_file == "clinic.json"
    assert idea.theme_name == "Ennaltaehkäisevät palvelut"


def test_a_database_that_is_not_one_is_refused(klinikka, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "text.db"
    path.write_text("hello", encoding="utf-8")
    result = klinikka("--db", str(path), "list")
    assert result.code == 1
    assert "not a klinikka database" in result.err
    assert path.read_text(encoding="utf-8") == "hello"


def test_the_database_comes_from_klinikka_db(tmp_path: Path) -> None:
    env = {**os.environ, "KLINIKKA_DB": str(tmp_path / "env.db"), "KLINIKKA_LANG": "en"}
    subprocess.run(
        [sys.executable, "-m", "klinikka", "new", "Klinikka"],
        env=env,
        check=True,
        capture_output=True,
    )
    assert (tmp_path / "env.db").exists()


def test_the_default_database_is_in_the_user_data_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "KLINIKKA_DB"}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "data"), KLINIKKA_LANG="en")
    result = subprocess.run(
        [sys.executable, "-m", "klinikka", "new", "Klinikka"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "klinikka" / "klinikka.db").exists()


def test_a_traceback_never_reaches_the_user(tmp_path: Path) -> None:
    env = {**os.environ, "KLINIKKA_LANG": "en"}
    result = subprocess.run(
        [sys.executable, "-m", "klinikka", "--db", str(tmp_path), "list"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("klinikka: ") and result.stderr.count("\n") == 1


def test_version_and_help(klinikka) -> None:  # type: ignore[no-untyped-def]
    from klinikka import __version__

    version = klinikka("--version")
    assert version.code == 0 and version.out.strip() == f"klinikka {__version__}"
    shown = klinikka("--help")
    assert shown.code == 0
    for command in ("list", "new", "import", "export", "tally"):
        assert f"  {command} " in shown.out


@pytest.mark.parametrize("flag", ["--help", "--version"])
def test_help_and_version_do_not_import_textual_or_sqlmodel(flag: str) -> None:
    code = (
        "import sys\n"
        "from klinikka.cli import main\n"
        f"try:\n    main([{flag!r}])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('textual', 'sqlmodel', 'sqlalchemy', 'alembic', 'babel') "
        "if m in sys.modules]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr.strip() == "[]"


@pytest.mark.parametrize(
    "language, word", [("fi", "Komennot"), ("sv", "Kommandon"), ("en", "Commands")]
)
def test_help_and_version_answer_without_click(language: str, word: str) -> None:
    code = (
        "import sys\n"
        "from klinikka.entry import main\n"
        "sys.argv = ['klinikka', sys.argv[1]]\n"
        "main()\n"
        "print('click' in sys.modules, file=sys.stderr)\n"
    )
    env = {**os.environ, "KLINIKKA_LANG": language, "COLUMNS": "120"}
    shown = subprocess.run(
        [sys.executable, "-c", code, "--help"], env=env, capture_output=True, text=True
    )
    assert word in shown.stdout and "tally" in shown.stdout
    assert shown.stderr.strip() == "False"
    version = subprocess.run(
        [sys.executable, "-c", code, "--version"], env=env, capture_output=True, text=True
    )
    assert version.stdout.startswith("klinikka ") and version.stderr.strip() == "False"
    narrow = subprocess.run(
        [sys.executable, "-m", "klinikka", "--help"],
        env={**env, "COLUMNS": "60"},
        capture_output=True,
        text=True,
    )
    assert word in narrow.stdout
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60


HOSTILE = "\x1b]52;c;aGVsbG8=\x07[/][bold]x\x1b[31mred\x1b[0m \u202eevil\x9b2J ✓"


def test_hostile_text_never_reaches_the_terminal(klinikka, db_path: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    created = klinikka("new", HOSTILE)
    assert created.code == 0
    clinic_id = created.out.strip()
    engine = open_database(db_path)
    a = themes.create_theme(engine, int(clinic_id), HOSTILE)
    b = themes.create_theme(engine, int(clinic_id), "B")
    voting_round = voting.create_round(engine, int(clinic_id), "single")
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, HOSTILE, [a.id])
    voting.cast_ballot(engine, voting_round.id, "Ville", [b.id])
    voting.close_round(engine, voting_round.id)
    outputs = [
        klinikka("list"),
        klinikka("tally", clinic_id),
        klinikka("export", clinic_id),
        klinikka("export", clinic_id, "--format", "json"),
        klinikka("new", "x", "--date", HOSTILE),
    ]
    for result in outputs:
        for text in (result.out, result.err):
            assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
            assert "\u202e" not in text
    assert "[/][bold]xred evil ✓" in outputs[0].out
    assert "red" in outputs[1].out


def test_an_imported_file_cannot_smuggle_escape_sequences(
    klinikka, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    exported = tmp_path / "clinic.json"
    klinikka("export", str(clinic_id), "--format", "json", "-o", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["clinics"][0]["uid"] = "another"
    document["clinics"][0]["title"] = "Tuotu \x1b]52;c;aGk=\x07klinikka"
    document["clinics"][0]["ideas"][0]["text"] = "Idea \x1b[2Jtässä"
    exported.write_text(json.dumps(document), encoding="utf-8")
    imported = klinikka("import", str(exported))
    assert imported.code == 0
    engine = open_database(db_path)
    [new] = [c for c in clinics.list_clinics(engine) if c.id != clinic_id]
    assert new.title == "Tuotu klinikka"
    assert [i.text for i in ideas.search_ideas(engine, new.id)] == ["Idea tässä"]


def test_export_of_a_file_edited_outside_klinikka_is_a_clear_error(tmp_path: Path) -> None:
    import sqlite3

    from klinikka.db import open_database
    from klinikka.services import clinics as clinic_service

    path = tmp_path / "k.db"
    engine = open_database(path)
    clinic = clinic_service.create_clinic(engine, "Klinikka", language="fi")
    engine.dispose()
    with sqlite3.connect(path) as raw:  # another program wrote a name no typing allows
        raw.execute("UPDATE stakeholder_group SET name = ?", ("x" * 500,))
    target = tmp_path / "out.md"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "klinikka",
            "--db",
            str(path),
            "--lang",
            "en",
            "export",
            str(clinic.id),
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "A summary cannot hold this name: “xxxxx" in result.stderr
    assert not target.exists()


def test_export_csv_writes_the_ideas_and_the_results_beside_them(
    klinikka, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    target = tmp_path / "kooste.csv"
    result = klinikka(
        "--lang", "fi", "export", str(clinic_id), "--format", "csv", "-o", str(target)
    )
    assert result.code == 0
    results = tmp_path / "kooste-results.csv"
    assert str(target) in result.err and str(results) in result.err
    ideas_file = target.read_bytes().decode("utf-8-sig")
    assert ideas_file.splitlines()[0].startswith("Nro;Teema;Idea;")
    assert "Matalan kynnyksen palvelut" in ideas_file
    lines = results.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[1].split(";")[6:9] == ["Ennaltaehkäisevät palvelut", "2", "66,7"]
    # Standard output gets both tables, one after the other.
    shown = klinikka("--lang", "fi", "export", str(clinic_id), "--format", "csv")
    assert shown.code == 0
    assert ideas_file in shown.out and lines[1] in shown.out


def test_export_html_to_stdout_is_a_whole_page(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    shown = klinikka("--lang", "sv", "export", str(clinic_id), "--format", "html")
    assert shown.code == 0
    assert shown.out.startswith('<!DOCTYPE html>\n<html lang="sv">')
    assert "Vinnare: Ennaltaehkäisevät palvelut" in shown.out
    assert shown.out.rstrip().endswith("</html>")


def test_a_csv_export_that_cannot_write_both_files_writes_neither(
    klinikka, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    (tmp_path / "kooste-results.csv").mkdir()  # where the results would go
    target = tmp_path / "kooste.csv"
    result = klinikka("export", str(clinic_id), "--format", "csv", "-o", str(target))
    assert result.code == 1
    assert "kooste-results.csv is a folder" in result.err and "Traceback" not in result.err
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir() if "kooste" in p.name] == ["kooste-results.csv"]


def test_an_unknown_export_format_is_a_usage_error(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    result = klinikka("export", str(clinic_id), "--format", "pdf")
    assert result.code == 2
    assert "pdf" in result.err and "Traceback" not in result.err


def test_the_command_line_offers_every_export_format() -> None:
    from klinikka.cli import EXPORT_FORMATS
    from klinikka.services.exporting import FORMATS

    assert EXPORT_FORMATS == FORMATS


IMPORTS = Path(__file__).resolve().parent.parent / "sample_data" / "imports"


def test_import_a_zoom_chat_dry_run_then_for_real_then_again(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    chat = str(IMPORTS / "zoom-meeting_saved_chat.txt")
    dry = klinikka("import", chat, "--clinic", str(clinic_id), "--dry-run")
    assert dry.code == 0, dry.err
    assert "would be added" in dry.out and "nothing was changed" in dry.out
    assert "a reaction, not a message" in dry.out and "a private message" in dry.out
    assert "Palveluohjaus yhteen numeroon" in dry.out  # the first ideas are shown
    engine = open_database(db_path)
    assert len(ideas.search_ideas(engine, clinic_id)) == 1  # the seeded one only
    done = klinikka("import", chat, "--clinic", str(clinic_id))
    assert done.code == 0 and "added from zoom-meeting_saved_chat.txt" in done.out
    imported = [i for i in ideas.search_ideas(engine, clinic_id) if i.source == "import"]
    assert len(imported) > 3 and {i.source_format for i in imported} == {"zoom"}
    assert all(i.source_file == "zoom-meeting_saved_chat.txt" for i in imported)
    assert any(i.original_author == "Mikko Korhonen" for i in imported)
    again = klinikka("import", chat, "--clinic", str(clinic_id))
    assert again.code == 0 and "0 ideas added" in again.out
    assert f"not added again: {len(imported)}" in again.out
    engine.dispose()


def test_import_a_csv_list_needs_its_columns_named(klinikka, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    listed = str(IMPORTS / "lista.csv")
    refused = klinikka("import", listed, "--clinic", str(clinic_id), "--format", "csv")
    assert refused.code == 1 and "--text-column" in refused.err
    wrong = klinikka(
        "import", listed, "--clinic", str(clinic_id), "--format", "csv", "--text-column", "Teksti"
    )
    assert wrong.code == 1 and "Idea" in wrong.err and "Traceback" not in wrong.err
    done = klinikka(
        "import",
        listed,
        "--clinic",
        str(clinic_id),
        "--format",
        "csv",
        "--text-column",
        "idea",
        "--author-column",
        "NIMI",
        "--group-column",
        "Ryhmä",
    )
    assert done.code == 0, done.err
    engine = open_database(db_path)
    grouped = [i for i in ideas.search_ideas(engine, clinic_id) if i.source_format == "csv"]
    assert grouped and any(i.group_name for i in grouped)
    engine.dispose()


def test_ideas_from_a_chat_need_a_clinic_and_bad_files_are_refused(
    klinikka, db_path: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    clinic_id = seeded_vote(db_path)
    no_clinic = klinikka("import", str(IMPORTS / "teams-fi.txt"))
    assert no_clinic.code == 1 and "--clinic" in no_clinic.err
    empty = tmp_path / "tyhjä.txt"
    empty.write_bytes(b"")
    result = klinikka("import", str(empty), "--clinic", str(clinic_id))
    assert result.code == 1 and "empty" in result.err
    binary = tmp_path / "kuva.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = klinikka("import", str(binary), "--clinic", str(clinic_id))
    assert result.code == 1 and "Traceback" not in result.err
    engine = open_database(db_path)
    assert len(ideas.search_ideas(engine, clinic_id)) == 1  # nothing was imported
    engine.dispose()


def test_a_postgresql_url_that_cannot_be_used_is_one_line_without_its_password(
    klinikka,  # type: ignore[no-untyped-def]
) -> None:
    # No server listens on port 1; without the driver installed it says how to get it.
    result = klinikka("--db", "postgresql://klinikka:salainen@127.0.0.1:1/klinikka", "list")
    assert result.code == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    assert "salainen" not in result.err + result.out
    assert "klinikka[postgres]" in lines[0] or "127.0.0.1" in lines[0]
