"""Typing while the database is busy elsewhere: ratios against floors measured in the same run.

    python bench/bench_typing.py [--quick]

Goals (issue 11):
- Enter → the new idea visible, with 5,000 ideas in the clinic, while ANOTHER PROCESS holds
  the database's write lock, ≤ 1.3× Enter → a row appended to a bare DataTable of 5,000 rows
  (the floor of bench_tui.py). The idea shows at once, marked as being saved; the bench then
  lets the lock go and checks that every idea typed was saved once.
- keystroke → the frame that shows it, while a second process imports a 20,000-message chat
  into another clinic of the same database: the 95th percentile as a ratio to the same
  keystrokes with nothing else running (≤ 1.5). The import holds the write lock for seconds
  and, when it commits, the app notices (another klinikka changed the file). The first key
  after the clinic opens is typed untimed in both sets (a one-off layout pass, see below).

Both apps run headless with the frame hook of bench_tui.py; each figure is the median (or
p95) of rounds run in alternation. (The capture goal of issue 2 — the service's INSERT and
COMMIT ≤ 3× raw sqlite3 — is bench_foundation.py's.)
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench_tui import FrameWatch, bare_table_times, fill_clinic, report, type_ideas

LOCKER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()  # held until the parent closes our stdin
connection.execute("ROLLBACK")
"""


TITLE = "5,000 ideas"


async def open_clinic(pilot: Any, title: str) -> Any:
    """Once the app has started: open the clinic titled ``title`` from the clinics list and
    wait until all its ideas are listed (it has 5,000); returns the idea list."""
    from textual.widgets import DataTable

    from klinikka.tui.widgets.idea_list import IdeaList

    app = pilot.app
    await app.workers.wait_for_complete()
    await pilot.pause()
    table = app.screen.query_one("#clinics", DataTable)
    for row in range(table.row_count):
        if any(title in str(cell) for cell in table.get_row_at(row)):
            table.move_cursor(row=row)
            break
    else:
        raise AssertionError(f"no clinic {title!r} in the list")
    await pilot.pause()
    await pilot.press("enter")
    ideas = app.screen.query_one("#idea-list", IdeaList)
    while ideas.row_count < 5_000:
        await pilot.pause()
    return ideas


class Lock:
    """Another process holding the file's write lock (BEGIN IMMEDIATE) until ``release``."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


async def locked_capture_times(
    path: Path, clinic_id: int, repeat: int, watch: FrameWatch
) -> list[float]:
    """Enter → the idea visible, with the write lock held by another process throughout."""
    from textual.widgets import Input

    from klinikka.tui.app import Settings, make_app

    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        table = await open_clinic(pilot, TITLE)
        assert app.screen.query_one("#capture", Input).has_focus
        before = saved_ideas(path, clinic_id)
        lock = Lock(path)
        try:
            times = await type_ideas(pilot, table, repeat, watch)
            assert app.writes is not None
            state = app.writes.state()
            assert state.lines == repeat, f"{state.lines} lines queued, {repeat} typed"
        finally:
            lock.release()
        assert await asyncio.to_thread(app.writes.wait_idle, 60)
    saved = saved_ideas(path, clinic_id) - before
    assert saved == repeat, f"{repeat} ideas typed under the lock, {saved} saved"
    return times


def saved_ideas(path: Path, clinic_id: int) -> int:
    with sqlite3.connect(path) as connection:
        return int(
            connection.execute(
                "SELECT COUNT(*) FROM idea WHERE clinic_id = ?", (clinic_id,)
            ).fetchone()[0]
        )


# Starts the command it is given once told to ("go" on stdin), and ends as it ends. The import
# is started by this process, not by the app's: a fork of the app's own process (with its
# pages to copy on write) would slow the app's next keys, which no user's import does (it
# runs in another terminal).
LAUNCHER = """
import subprocess, sys
sys.stdin.readline()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.buffer.write(done.stderr)
sys.exit(done.returncode)
"""


def start_import(path: Path, chat: Path, clinic_id: int) -> subprocess.Popen[bytes]:
    """A launcher ready to run the import (``go`` starts it): see LAUNCHER."""
    klinikka = Path(sys.executable).with_name("klinikka")
    command = [str(klinikka), "--db", str(path), "import", str(chat), "--clinic", str(clinic_id)]
    return subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *command],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def go(process: subprocess.Popen[bytes]) -> None:
    assert process.stdin is not None
    process.stdin.write(b"go\n")
    process.stdin.flush()


async def keystroke_times(
    path: Path, keys: int, watch: FrameWatch, during: Any = None
) -> list[float]:
    """Seconds from each key press to the first frame after it with the key in the input.

    With ``during`` (a function making a launcher, see ``start_import``; made before the
    app starts), the keys are typed from the process's start until a second after it ended
    (when the app reads the change), and only those are timed; else ``keys`` keys.
    """
    from textual.widgets import Input

    from klinikka.tui.app import Settings, make_app

    process = during() if during else None
    app = make_app(Settings(database=str(path), language="en"))
    times: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await open_clinic(pilot, TITLE)
        field = app.screen.query_one("#capture", Input)
        # The first key after a clinic opens costs a layout pass of the whole screen (20-35
        # ms, once, idle or not): untimed, so that both sets time the keys that follow.
        await pilot.press("x", "backspace")
        if process is not None:
            go(process)
        ended: float | None = None
        line = "Kotihoito iltaisin ja viikonloppuisin "
        n = 0
        while True:
            if process is None:
                if n == keys:
                    break
            elif ended is None:
                if process.poll() is not None:
                    ended = time.perf_counter()
            elif time.perf_counter() - ended > 1.0:
                break
            character = line[n % len(line)]
            expected = field.value + character

            def shows(_text: str, expected: str = expected) -> bool:
                return field.value == expected

            seen = await watch.time(lambda c=character: pilot.press(c), shown=shows)
            times.append(seen["shown"])
            n += 1
            if n % len(line) == 0:
                await pilot.press("enter")  # a line saved now and then, as a note-taker does
            await asyncio.sleep(0.03)  # a fast typist's pace, not a paste
        if process is not None:
            _, errors = await asyncio.to_thread(process.communicate)
            assert process.returncode == 0, errors.decode()
        assert app.writes is not None
        assert await asyncio.to_thread(app.writes.wait_idle, 60)
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


async def run(folder: Path, quick: bool) -> None:
    from bench_import import chat
    from klinikka.db import open_database
    from klinikka.services import clinics

    watch = FrameWatch()
    database = folder / "typing.db"
    clinic_id = fill_clinic(database, TITLE, 5_000)
    repeat = 5 if quick else 10
    rounds = 2 if quick else 3

    # Enter → visible under another process's lock, against a bare DataTable append.
    await bare_table_times(5_000, 2, watch)  # warm-up: imports, compiled statements
    await locked_capture_times(database, clinic_id, 2, watch)
    captured: list[float] = []
    appended: list[float] = []
    for _ in range(rounds):
        captured += await locked_capture_times(database, clinic_id, repeat, watch)
        appended += await bare_table_times(5_000, repeat, watch)
    report(
        "Enter → idea visible, write lock held elsewhere",
        statistics.median(captured),
        statistics.median(appended),
        1.3,
    )

    # Keystrokes while a 20,000-message import runs in a second process, against idle.
    messages = folder / "chat.txt"
    chat(messages)
    keys = 60 if quick else 150
    idle: list[float] = []
    busy: list[float] = []
    for n in range(2 if quick else 5):  # an import lasts seconds: five give ~150 keys
        target = open_database(database)
        import_into = clinics.create_clinic(target, f"Tuonti {n}", language="fi").id
        target.dispose()
        idle += await keystroke_times(database, keys, watch)
        busy += await keystroke_times(
            database,
            keys,
            watch,
            during=lambda into=import_into: start_import(database, messages, into),
        )
        with sqlite3.connect(database) as connection:
            imported = connection.execute(
                "SELECT COUNT(*) FROM idea WHERE clinic_id = ?", (import_into,)
            ).fetchone()[0]
        assert imported == 20_000, f"the import saved {imported} of 20,000 messages"
    report("keystroke → frame p95, 20,000-message import", p95(busy), p95(idle), 1.5)
    print(
        f"  median {statistics.median(busy) * 1000:.2f} ms during the import,"
        f" {statistics.median(idle) * 1000:.2f} ms idle;"
        f" {len(busy)} keys during the imports, {len(idle)} idle"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        asyncio.run(run(Path(name), args.quick))


if __name__ == "__main__":
    main()
