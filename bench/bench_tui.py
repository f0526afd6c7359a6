"""Terminal app benchmarks: ratios against floors measured in the same run.

    python bench/bench_tui.py [--quick]

Goals (issue 3):
- the first frame of ``klinikka demo`` ≤ 1.5× the first frame of a bare Textual app with one
  Label;
- Enter → the new idea visible, with 5,000 ideas in the clinic, ≤ 1.3× Enter → a row appended
  to a bare DataTable of 5,000 rows;
- opening a clinic of 10,000 ideas ≤ 1.5× opening one of 1,000;
- (issue 4) Enter on a typed ballot → the frame with the ballot listed and the bars redrawn,
  with 500 ballots in the round, ≤ 1.3× the Enter → visible floor above (a bare DataTable).

How it is measured. Both apps of a pair run headless, the same way, with one hook: the moment
Textual hands a frame to its driver (``App._display``), which also renders the frame to the
bytes a terminal would get (a headless app skips that step). Start-up is timed from the
parent's spawning the process to the child's report of its first frame (klinikka's Loading
screen or, if the database is open first, its clinics list), so Python's start and every
import count. Enter is timed from the key press to the first frame that draws the new row
(scrolled into view in both apps). Opening a clinic is timed from Enter on its row to the
first frame with all its ideas in the table (the goal), and to the first frame showing its
first ideas. Pairs are timed in alternation and reported as medians.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

# What a start-up child prints at its first frame, and the bare app's one Label.
FRAME = "frame"
BARE_LABEL = "klinikka benchmark"


def install_frame_hook(on_frame: Callable[[Any, Any, str], None]) -> None:
    """Call ``on_frame(app, screen, text)`` for every frame Textual hands to its driver.

    ``text`` is what a terminal would be sent: rendering it is the step a headless app skips.
    """
    from textual.app import App
    from textual.screen import Screen

    original = App._display

    def display(self: App[Any], screen: Screen[Any], renderable: Any) -> None:
        if renderable is not None and not self._batch_count:
            render = getattr(renderable, "render_segments", None)
            text = render(self.console) if render is not None else ""
            original(self, screen, renderable)
            on_frame(self, screen, text)
        else:
            original(self, screen, renderable)

    App._display = display  # type: ignore[method-assign]


def force_headless() -> None:
    """``App.run`` headless at 80×24, whoever calls it (here: klinikka's own CLI)."""
    from textual.app import App

    original = App.run

    def run(self: App[Any], *args: Any, **kwargs: Any) -> Any:
        kwargs["headless"] = True
        kwargs.setdefault("size", (80, 24))
        return original(self, *args, **kwargs)

    App.run = run  # type: ignore[method-assign]


# ---------------------------------------------------------------------------- start-up


def child(kind: str, database: str | None) -> None:
    """Run one app headless; print a line at the first frame (and at the clinics), then exit."""
    force_headless()
    seen: set[str] = set()

    def report(line: str) -> None:
        if line not in seen:
            seen.add(line)
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    def on_frame(app: Any, screen: Any, _text: str) -> None:
        name = type(screen).__name__
        if kind == "bare":
            report(f"{FRAME} {name}")
            os._exit(0)
        # The app's default screen is blank until klinikka pushes its own: that is no frame.
        if name in {"Loading", "ClinicsScreen"}:
            report(f"{FRAME} {name}")
        if name == "ClinicsScreen" and screen.query_one("#clinics").row_count:
            report("clinics")
            os._exit(0)

    install_frame_hook(on_frame)
    if kind == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Label

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Label(BARE_LABEL)

        Bare().run()
    else:
        from klinikka.entry import main

        sys.argv = ["klinikka", "demo"] if kind == "demo" else ["klinikka", "--db", str(database)]
        main()
    os._exit(3)  # the app ended without a frame


def spawn(kind: str, database: Path) -> dict[str, float]:
    """Seconds from spawning a child to each line it reports."""
    command = [sys.executable, __file__, "--child", kind, "--database", str(database)]
    # The child ends at once, without cleaning up: ``klinikka demo``'s temporary copy is
    # made in our own temporary folder, which goes with the run.
    env = {**os.environ, "KLINIKKA_LANG": "en", "TMPDIR": str(database.parent)}
    env.pop("KLINIKKA_DB", None)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert process.stdout is not None
    times: dict[str, float] = {}
    for line in process.stdout:
        at = time.perf_counter() - start
        words = line.decode().split()
        times.setdefault(words[0], at)  # the first frame, whichever screen it shows
        times.setdefault(" ".join(words), at)
    _out, err = process.communicate()
    if process.returncode != 0 or FRAME not in times:
        raise RuntimeError(f"{kind}: exit {process.returncode}: {err.decode()[-2000:]}")
    return times


def bench_start(repeat: int, database: Path) -> dict[str, float]:
    for kind in ("bare", "demo", "open"):  # warm the file cache and the bytecode
        spawn(kind, database)
    names = ("bare", "demo", "demo clinics", "open", "open clinics")
    runs: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(repeat):
        runs["bare"].append(spawn("bare", database)[FRAME])
        demo = spawn("demo", database)
        runs["demo"].append(demo[FRAME])
        runs["demo clinics"].append(demo["clinics"])
        opened = spawn("open", database)
        runs["open"].append(opened[FRAME])
        runs["open clinics"].append(opened["clinics"])
    return {name: statistics.median(times) for name, times in runs.items()}


# ---------------------------------------------------------------------------- databases


def fill_clinic(path: Path, title: str, count: int) -> int:
    """A clinic of ``count`` ideas, a third in themes, half attributed: SQL, not the services."""
    from klinikka.db import open_database
    from klinikka.models import utcnow
    from klinikka.services import clinics, themes

    engine = open_database(path)
    clinic = clinics.create_clinic(engine, title, language="fi")
    theme_ids = [themes.create_theme(engine, clinic.id, f"Teema {n}").id for n in range(6)]
    engine.dispose()
    connection = sqlite3.connect(path, isolation_level=None)
    groups = [
        row[0]
        for row in connection.execute(
            "SELECT id FROM stakeholder_group WHERE clinic_id = ?", (clinic.id,)
        )
    ]
    now = utcnow().isoformat(sep=" ")
    connection.execute("BEGIN")
    connection.executemany(
        "INSERT INTO idea (uid, clinic_id, text, author, group_id, theme_id, starred,"
        " created_at, updated_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'live')",
        (
            (
                f"bench-{clinic.id}-{n}",
                clinic.id,
                f"Idea {n}: etävastaanotot iltaisin ja kokeilukulttuuri hyvinvointialueelle",
                f"Osallistuja {n % 97}" if n % 2 else "",
                groups[n % len(groups)] if n % 2 else None,
                theme_ids[n % len(theme_ids)] if n % 3 == 0 else None,
                n % 17 == 0,
                now,
                now,
            )
            for n in range(count)
        ),
    )
    connection.execute("COMMIT")
    connection.close()
    return clinic.id


# ---------------------------------------------------------------------------- in the app


class FrameWatch:
    """Times frames that satisfy conditions on what they show (the frame's text)."""

    def __init__(self) -> None:
        self.pending: dict[str, Callable[[str], bool]] = {}
        self.seen: dict[str, float] = {}
        self.done = asyncio.Event()
        install_frame_hook(self.on_frame)

    def on_frame(self, _app: Any, _screen: Any, text: str) -> None:
        now = time.perf_counter()
        for name, condition in list(self.pending.items()):
            if condition(text):
                self.seen[name] = now
                del self.pending[name]
                if not self.pending:
                    self.done.set()

    async def time(
        self, act: Callable[[], Awaitable[object]], **until: Callable[[str], bool]
    ) -> dict[str, float]:
        """Seconds from ``act`` starting to the first frame where each ``until`` holds."""
        self.seen = {}
        self.pending = dict(until)
        self.done.clear()
        start = time.perf_counter()
        await act()
        await asyncio.wait_for(self.done.wait(), timeout=60)
        return {name: at - start for name, at in self.seen.items()}


def shows_new_row(table: Any, before: int, n: int) -> Callable[[str], bool]:
    """A frame showing the new row: the table grew and the typed text is drawn.

    The input is cleared in the handler that adds the row, so after the table has grown the
    text can only be in the table.
    """
    marker = f"Uusi idea {n}"
    return lambda text: table.row_count > before and marker in text


async def type_ideas(pilot: Any, table: Any, repeat: int, watch: FrameWatch) -> list[float]:
    """Type an idea, then time Enter → the frame that shows it; ``repeat`` times."""
    times = []
    for n in range(repeat):
        await pilot.press(*f"Uusi idea {n}")
        before = table.row_count
        shown = await watch.time(
            lambda: pilot.press("enter"), visible=shows_new_row(table, before, n)
        )
        times.append(shown["visible"])
        await pilot.pause()
    return times


async def capture_times(path: Path, repeat: int, watch: FrameWatch) -> list[float]:
    from textual.widgets import Input

    from klinikka.tui.app import Settings, make_app
    from klinikka.tui.widgets.idea_list import IdeaList

    app = make_app(Settings(database=str(path), language="en"))
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        table = app.screen.query_one("#idea-list", IdeaList)
        while table.row_count < 5_000:
            await pilot.pause()
        capture = app.screen.query_one("#capture", Input)
        assert capture.has_focus
        return await type_ideas(pilot, table, repeat, watch)


def fill_round(path: Path, ballots: int) -> None:
    """A clinic with five themes and an open dot-voting round of ``ballots`` ballots."""
    from klinikka.db import open_database
    from klinikka.services import clinics, themes, voting

    engine = open_database(path)
    clinic = clinics.create_clinic(engine, "Äänestys", language="fi")
    theme_ids = [themes.create_theme(engine, clinic.id, f"Teema {n}").id for n in range(5)]
    created = voting.create_round(engine, clinic.id, "dots", dots_per_voter=3)
    voting.open_round(engine, created.id)
    for n in range(ballots):
        picks = [theme_ids[n % 5], theme_ids[(n * 7) % 5], theme_ids[(n * 3 + 1) % 5]]
        voting.cast_ballot(engine, created.id, f"Äänestäjä {n}", picks)
    engine.dispose()


async def ballot_times(path: Path, repeat: int, watch: FrameWatch) -> list[float]:
    """Type a ballot in the Vote phase, then time Enter → the frame that lists it."""
    from textual.widgets import DataTable, Input

    from klinikka.tui.app import Settings, make_app

    app = make_app(Settings(database=str(path), language="en"))
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("f4")
        await pilot.pause()
        table = app.screen.query_one("#ballots", DataTable)
        field = app.screen.query_one("#ballot", Input)
        assert field.has_focus and table.row_count >= 500
        for n in range(repeat):
            voter = f"Uusi {len(times)}-{n}-{table.row_count}"
            field.value = f"{voter}: 1 2 3"
            await pilot.pause()
            before = table.row_count
            shown = await watch.time(
                lambda: pilot.press("enter"),
                visible=lambda text, before=before, voter=voter: (  # type: ignore[misc]
                    table.row_count > before and voter[:14] in text
                ),
            )
            times.append(shown["visible"])
            await pilot.pause()
    return times


async def bare_table_times(rows: int, repeat: int, watch: FrameWatch) -> list[float]:
    """The floor: an Input under a DataTable of ``rows``; Enter appends the typed row."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class BareTable(App[None]):
        def compose(self) -> ComposeResult:
            table: DataTable[object] = DataTable(cursor_type="row")
            table.add_columns("★", "Idea", "Author", "Group", "Theme")
            for n in range(rows):
                table.add_row("", f"Idea {n}: etävastaanotot iltaisin", "", "", "", key=str(n))
            yield table
            yield Input()

        def on_input_submitted(self, event: Input.Submitted) -> None:
            table = self.query_one(DataTable)
            table.add_row("", event.value, "", "", "", key=f"new-{table.row_count}")
            table.move_cursor(row=table.row_count - 1)  # into view, as klinikka does
            event.input.value = ""
            table.refresh()

    app = BareTable()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.query_one(Input).focus()
        await pilot.pause()
        return await type_ideas(pilot, app.query_one(DataTable), repeat, watch)


async def open_times(
    path: Path, sizes: list[int], repeat: int, watch: FrameWatch
) -> dict[tuple[int, str], list[float]]:
    """Enter on each clinic in turn → the first frame with its first ideas shown ("shown"),
    and the first frame with all of them in the table ("filled")."""
    from textual.widgets import DataTable

    from klinikka.tui.app import Settings, make_app
    from klinikka.tui.screens.clinics import ClinicsScreen
    from klinikka.tui.screens.workspace import WorkspaceScreen
    from klinikka.tui.widgets.idea_list import IdeaList

    app = make_app(Settings(database=str(path), language="en"))
    times: dict[tuple[int, str], list[float]] = {
        (size, what): [] for size in sizes for what in ("shown", "filled")
    }

    def idea_rows() -> int:
        screen = app.screen
        if not isinstance(screen, WorkspaceScreen):
            return -1
        return screen.query_one("#idea-list", IdeaList).row_count

    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        clinics = app.screen
        assert isinstance(clinics, ClinicsScreen)
        table = clinics.query_one("#clinics", DataTable)
        rows = {int(table.get_row_at(row)[2]): row for row in range(table.row_count)}
        for _ in range(repeat):
            for size in sizes:
                table.move_cursor(row=rows[size])
                await pilot.pause()
                seen = await watch.time(
                    lambda: pilot.press("enter"),
                    shown=lambda text: idea_rows() > 0 and "Idea 0:" in text,
                    filled=lambda text, size=size: idea_rows() == size,  # type: ignore[misc]
                )
                for what, at in seen.items():
                    times[(size, what)].append(at)
                await pilot.press("escape")
                await pilot.pause()
                assert app.screen is clinics
    return times


async def in_app(folder: Path, repeat: int) -> dict[str, float]:
    watch = FrameWatch()
    capture_db = folder / "capture.db"
    fill_clinic(capture_db, "5,000 ideas", 5_000)
    open_db = folder / "open.db"
    fill_clinic(open_db, "1,000 ideas", 1_000)
    fill_clinic(open_db, "10,000 ideas", 10_000)

    vote_db = folder / "vote.db"
    fill_round(vote_db, 500)

    # Whole rounds of the apps in alternation, so that drift on the machine hits all alike.
    captured: list[float] = []
    appended: list[float] = []
    balloted: list[float] = []
    await capture_times(capture_db, 2, watch)  # warm-up: imports, compiled statements
    await bare_table_times(5_000, 2, watch)
    await ballot_times(vote_db, 2, watch)
    for _ in range(3):
        captured += await capture_times(capture_db, repeat, watch)
        appended += await bare_table_times(5_000, repeat, watch)
        balloted += await ballot_times(vote_db, repeat, watch)
    opened = await open_times(open_db, [1_000, 10_000], repeat, watch)
    figures = {
        "capture": statistics.median(captured),
        "append": statistics.median(appended),
        "ballot": statistics.median(balloted),
    }
    for (size, what), times in opened.items():
        figures[f"open {size} {what}"] = statistics.median(times)
    return figures


# ---------------------------------------------------------------------------- report


def report(name: str, value: float, floor: float, goal: float) -> None:
    ratio = value / floor
    verdict = "ok" if ratio <= goal else "OVER GOAL"
    print(
        f"{name:<44} {value * 1000:9.2f} ms  floor {floor * 1000:8.2f} ms"
        f"  ratio {ratio:5.2f}  goal ≤ {goal:<4} {verdict}"
    )


def note(name: str, value: float, floor: float | None = None) -> None:
    """A figure without a goal of its own, and its ratio to the floor of the line above."""
    ratio = f"  (ratio {value / floor:5.2f} to that floor)" if floor else ""
    print(f"  {name:<42} {value * 1000:9.2f} ms{ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--child", choices=["bare", "demo", "open"], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.database)
        return
    repeat = 3 if args.quick else 11
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        # The plain ``klinikka --db`` start, on a copy of what ``klinikka demo`` imports.
        from klinikka.db import open_database
        from klinikka.importers.klinikka_json import parse_document
        from klinikka.paths import sample_data_dir
        from klinikka.services.transfer import import_document

        sample = folder / "sample.db"
        engine = open_database(sample)
        for path in sorted(sample_data_dir().glob("*.json")):
            import_document(engine, parse_document(path.read_bytes()), file_name=path.name)
        engine.dispose()

        start = bench_start(repeat, sample)
        bare = start["bare"]
        report("klinikka demo: first frame (vs bare Label)", start["demo"], bare, 1.5)
        note("klinikka demo: the clinics list shown", start["demo clinics"], bare)
        note("klinikka --db FILE: first frame", start["open"], bare)
        note("klinikka --db FILE: the clinics list shown", start["open clinics"], bare)

        figures = asyncio.run(in_app(folder, 3 if args.quick else 5))
    report(
        "Enter → idea visible, 5,000 (vs bare append)", figures["capture"], figures["append"], 1.3
    )
    report("ballot → bars, 500 ballots (vs bare append)", figures["ballot"], figures["append"], 1.3)
    report(
        "open 10,000-idea clinic, filled (vs 1,000)",
        figures["open 10000 filled"],
        figures["open 1000 filled"],
        1.5,
    )
    note("first screenful shown, 1,000 ideas", figures["open 1000 shown"])
    note(
        "first screenful shown, 10,000 (vs 1,000)",
        figures["open 10000 shown"],
        figures["open 1000 shown"],
    )


if __name__ == "__main__":
    main()
