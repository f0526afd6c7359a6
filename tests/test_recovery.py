"""The recovery file: typed lines not yet saved survive the app's end, each database its own."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest

from klinikka import recovery
from klinikka.paths import state_dir

HOSTILE = [
    "Äänestys ja öljyn hinta: Åland",
    "\x1b[31mpunainen\x1b[0m \x1b]0;otsikko\x07",
    "[bold]not markup[/] [/]",
    "🦆 emoji 👩‍👩‍👧 and ZWJ",
    "NUL\x00inside",
    "line\nbreak\ttab",
]


def line(text: str, n: int = 0, **fields: Any) -> dict[str, Any]:
    return {"kind": "idea", "uid": f"uid-{n:04d}", "text": text, "clinic_id": 3, **fields}


def test_lines_come_back_as_saved_and_in_order(db_path: Path) -> None:
    lines = [line(text, n) for n, text in enumerate(HOSTILE)]
    lines.append(line("ääni", 99, kind="ballot", round_id=7, points=[1, 2], note=None))
    recovery.save(str(db_path), lines)
    assert recovery.load(str(db_path)) == lines


def test_the_file_is_readable_json_with_its_version(db_path: Path) -> None:
    recovery.save(str(db_path), [line("Äänestys", 1)])
    document = json.loads(recovery.recovery_file(str(db_path)).read_text(encoding="utf-8"))
    assert document["format"] == recovery.FORMAT_VERSION
    assert document["database"] == str(db_path.resolve())
    assert document["lines"] == [line("Äänestys", 1)]


def test_the_file_is_in_the_state_folder(db_path: Path) -> None:
    path = recovery.recovery_file(str(db_path))
    assert path.parent == state_dir() / recovery.UNSAVED_FOLDER
    assert path.suffix == ".json" and len(path.stem) == 16


def test_a_missing_file_is_no_lines(db_path: Path) -> None:
    assert recovery.load(str(db_path)) == []


def test_an_empty_list_removes_the_file(db_path: Path) -> None:
    recovery.save(str(db_path), [line("one")])
    assert recovery.recovery_file(str(db_path)).exists()
    recovery.save(str(db_path), [])
    assert not recovery.recovery_file(str(db_path)).exists()
    assert recovery.load(str(db_path)) == []
    recovery.save(str(db_path), [])  # nothing to remove: no error


def test_a_save_replaces_what_was_kept(db_path: Path) -> None:
    recovery.save(str(db_path), [line("one", 1), line("two", 2)])
    recovery.save(str(db_path), [line("two", 2)])
    assert recovery.load(str(db_path)) == [line("two", 2)]
    assert [p.name for p in recovery.recovery_file(str(db_path)).parent.iterdir()] == [
        recovery.recovery_file(str(db_path)).name
    ]  # no temporary left behind


def test_clear_forgets_and_never_fails(db_path: Path) -> None:
    recovery.clear(str(db_path))
    recovery.save(str(db_path), [line("one")])
    recovery.clear(str(db_path))
    assert recovery.load(str(db_path)) == []


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe broken bytes",
        b"[]",
        b'{"format": 1, "lines": {"uid": "a"}}',
        b'{"format": 1, "lines": [{"kind": "idea", "text": "no uid"}]}',
        b'{"format": 1, "lines": ["just text"]}',
        b'{"format": 99, "lines": []}',
        b"",
    ],
)
def test_a_damaged_file_is_kept_aside(db_path: Path, content: bytes) -> None:
    path = recovery.recovery_file(str(db_path))
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert recovery.load(str(db_path)) == []
    assert not path.exists()
    aside = list(path.parent.glob(f"{path.name}.damaged-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == content
    recovery.save(str(db_path), [line("new")])  # and the next save goes on as usual
    assert recovery.load(str(db_path)) == [line("new")]


def test_two_databases_have_two_files(tmp_path: Path) -> None:
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    assert recovery.recovery_file(first) != recovery.recovery_file(second)
    recovery.save(first, [line("for a")])
    recovery.save(second, [line("for b")])
    assert recovery.load(first) == [line("for a")]
    assert recovery.load(second) == [line("for b")]


def test_one_database_spelled_two_ways_has_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert recovery.recovery_file("k.db") == recovery.recovery_file(str(tmp_path / "k.db"))
    assert recovery.recovery_file("./sub/../k.db") == recovery.recovery_file("k.db")


def test_a_urls_password_is_not_in_the_file() -> None:
    url = "postgresql://klinikka:s3cr3t@db.example:5432/klinikka"
    recovery.save(url, [line("Idea")])
    path = recovery.recovery_file(url)
    content = path.read_text(encoding="utf-8")
    assert "s3cr3t" not in content
    assert "postgresql://klinikka:***@db.example:5432/klinikka" in content
    assert "s3cr3t" not in path.name
    assert recovery.load(url) == [line("Idea")]
    # The same database after a change of password: the lines are still found.
    assert recovery.load(url.replace("s3cr3t", "n3w")) == [line("Idea")]


def test_a_lone_surrogate_round_trips(db_path: Path) -> None:
    lines = [line("broken \udcff byte")]
    recovery.save(str(db_path), lines)
    assert recovery.load(str(db_path)) == lines


def test_save_raises_when_the_folder_cannot_be_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))
    with pytest.raises(OSError):
        recovery.save(str(db_path), [line("lost?")])
    assert recovery.load(str(db_path)) == []  # load and clear stay quiet
    recovery.clear(str(db_path))


def test_saves_from_several_threads_leave_one_whole_file(db_path: Path) -> None:
    errors: list[BaseException] = []

    def keep(n: int) -> None:
        try:
            for round_ in range(20):
                recovery.save(str(db_path), [line(f"{n}-{round_}-{k}", k) for k in range(n + 1)])
        except BaseException as error:  # pragma: no cover - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=keep, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    lines = recovery.load(str(db_path))
    assert lines and lines[0]["text"].endswith("-19-0")
    assert len(list(recovery.recovery_file(str(db_path)).parent.iterdir())) == 1


def test_a_running_keepers_lines_are_not_left_behind_until_it_closes(db_path: Path) -> None:
    keeper = recovery.Keeper(str(db_path))
    keeper.save([line("vielä tallentamatta", 1)])
    assert recovery.left_behind(str(db_path)).lines == []
    keeper.close()
    assert recovery.load(str(db_path)) == [line("vielä tallentamatta", 1)]


def test_two_keepers_of_one_database_never_overwrite_each_other(db_path: Path) -> None:
    first, second = recovery.Keeper(str(db_path)), recovery.Keeper(str(db_path))
    first.save([line("ensimmäisen", 1)])
    second.save([line("toisen", 2)])
    second.save([])  # the second saved its line: its file goes, the first's stays
    first.close()
    second.close()
    assert recovery.load(str(db_path)) == [line("ensimmäisen", 1)]


def test_lines_left_by_several_runs_come_merged_in_order_each_once(db_path: Path) -> None:
    recovery.save(str(db_path), [line("vanhin", 1)])  # as an earlier version left it
    first = recovery.Keeper(str(db_path))
    first.save([line("toinen", 2), line("kolmas", 3)])
    first.close()
    second = recovery.Keeper(str(db_path))
    second.save([line("kolmas", 3), line("neljäs", 4)])  # offered once, saved again, cut
    second.close()
    left = recovery.left_behind(str(db_path))
    assert [kept["text"] for kept in left.lines] == ["vanhin", "toinen", "kolmas", "neljäs"]
    assert len(left.files) == 3
    recovery.discard(left.files)
    assert recovery.left_behind(str(db_path)) == recovery.LeftBehind([], ())
    assert list((state_dir() / recovery.UNSAVED_FOLDER).iterdir()) == []


def test_a_damaged_keepers_file_is_set_aside_and_the_others_still_come(db_path: Path) -> None:
    good, bad = recovery.Keeper(str(db_path)), recovery.Keeper(str(db_path))
    good.save([line("ehjä", 1)])
    bad.save([line("rikki", 2)])
    good.close()
    bad.close()
    bad.path.write_bytes(b"{not json")
    assert recovery.load(str(db_path)) == [line("ehjä", 1)]
    assert list(bad.path.parent.glob(f"{bad.path.name}.damaged-*"))
