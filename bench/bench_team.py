"""Team mode on PostgreSQL: ratios against floors measured in the same run.

    python bench/bench_team.py [--quick] [--server URL]

The server: ``--server`` (an administrator's URL), else ``KLINIKKA_TEST_POSTGRES``, else a
throwaway one started with the machine's initdb (tests/pg_server.py). The bench works in a
database of its own on it, made and dropped here.

Goals (issue 14):
- capturing an idea through the service on PostgreSQL ≤ 2× a raw psycopg INSERT + COMMIT;
- tallying 100,000 dot entries ≤ 1.5× the raw ``GROUP BY`` on PostgreSQL;
- a change committed in one process → drawn in another klinikka's screen: median and p95, on
  both backends (goal: within a second; aim: a median under 200 ms). The floor printed beside
  them is the reading alone: what the other app spends after it hears of the change;
- 5 processes typing 1,000 ideas each at once through the app's write queue: errors, lost and
  duplicated lines (goal 0, 0, 0), on both backends.
Each figure is the median of several runs; absolute times drift on shared machines, ratios hold.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_foundation import paired, report
from bench_tui import FrameWatch

ROOT = Path(__file__).resolve().parent.parent

# The other laptop: captures an idea each time a line comes on stdin, and prints the moment
# (perf_counter: the machine's monotonic clock, the same in every process) it was committed.
WRITER = """
import sys, time
from klinikka.db import open_database
from klinikka.services import ideas
engine = open_database(sys.argv[1])
print("ready", flush=True)
for line in sys.stdin:
    ideas.capture_idea(engine, int(sys.argv[2]), line.strip(), author="Toinen")
    print(time.perf_counter(), flush=True)
"""

# One of five laptops typing at once: every line through the write queue, as the app does.
TYPIST = """
import sys
from klinikka.db import open_database
from klinikka.writes import WriteQueue, line_write, typed_line
engine = open_database(sys.argv[1])
outcomes = []
queue = WriteQueue(engine, outcomes.append)
queue.start()
print("ready", flush=True)
sys.stdin.readline()  # all five start together
for n in range(int(sys.argv[4])):
    queue.put(line_write(typed_line("idea", f"{sys.argv[3]} idea {n}", clinic_id=int(sys.argv[2]))))
assert queue.wait_idle(300), queue.state()
queue.stop()
print(sum(1 for outcome in outcomes if not outcome.saved), flush=True)
"""


@contextlib.contextmanager
def server(given: str | None) -> Iterator[str]:
    """An administrator's URL of a PostgreSQL server for as long as the bench runs."""
    url = given or os.environ.get("KLINIKKA_TEST_POSTGRES")
    if url:
        yield url
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import ThrowawayServer, server_bin

    if server_bin() is None:
        raise SystemExit("No PostgreSQL server: give --server URL or install PostgreSQL.")
    throwaway = ThrowawayServer()
    try:
        throwaway.start()
        yield throwaway.url()
    finally:
        throwaway.close()


@contextlib.contextmanager
def bench_database(admin_url: str, name: str) -> Iterator[str]:
    """A new, empty database ``name`` on the server; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def raw_connection(url: str) -> Any:
    """A plain psycopg connection to the database of ``url`` (an SQLAlchemy URL)."""
    import psycopg
    from sqlalchemy import create_engine

    from klinikka.db import database_url

    engine = create_engine(database_url(url))
    args, kwargs = engine.dialect.create_connect_args(engine.url)
    engine.dispose()
    return psycopg.connect(*args, **kwargs)


def bench_capture(url: str, repeat: int) -> tuple[float, float, float]:
    from klinikka.db import open_database
    from klinikka.models import utcnow
    from klinikka.services import clinics, ideas

    engine = open_database(url)
    clinic = clinics.create_clinic(engine, "Benchmark")
    texts = iter([f"Idea number {n}: kokeilukulttuuri hyvinvointialueelle" for n in range(10**6)])
    raw = raw_connection(url)

    def insert() -> None:
        now = utcnow()
        raw.execute(
            "INSERT INTO idea (uid, clinic_id, text, author, starred, created_at, updated_at,"
            " source) VALUES (%s, %s, %s, '', false, %s, %s, 'live')",
            (f"raw-{next(texts)}", clinic.id, next(texts), now, now),
        )
        raw.commit()

    def insert_logged() -> None:
        # The same two rows the service writes: the idea and its log row (for undo, and
        # whose trigger tells the other laptops).
        now = utcnow()
        idea_id = raw.execute(
            "INSERT INTO idea (uid, clinic_id, text, author, starred, created_at, updated_at,"
            " source) VALUES (%s, %s, %s, '', false, %s, %s, 'live') RETURNING id",
            (f"raw-{next(texts)}", clinic.id, next(texts), now, now),
        ).fetchone()[0]
        raw.execute(
            "INSERT INTO activity (clinic_id, at, action, summary, actor, undo_data)"
            " VALUES (%s, %s, 'idea.capture', '{}', 'bench', %s)",
            (clinic.id, now, f'[{{"op": "insert", "table": "idea", "pk": {{"id": {idea_id}}}}}]'),
        )
        raw.commit()

    for _ in range(20):  # warm: compiled statements, the pool's connection
        ideas.capture_idea(engine, clinic.id, next(texts))
        insert()
        insert_logged()
    service, floor = paired(
        lambda: ideas.capture_idea(engine, clinic.id, next(texts)), insert, repeat
    )
    _, logged = paired(
        lambda: ideas.capture_idea(engine, clinic.id, next(texts)), insert_logged, repeat
    )
    raw.close()
    engine.dispose()
    return service, floor, logged


def bench_tally(url: str, entries: int, repeat: int) -> tuple[float, float]:
    from klinikka.db import open_database
    from klinikka.models import utcnow
    from klinikka.services import clinics, themes, voting

    engine = open_database(url)
    clinic = clinics.create_clinic(engine, "Benchmark")
    theme_ids = [themes.create_theme(engine, clinic.id, f"Teema {n}").id for n in range(10)]
    voting_round = voting.create_round(engine, clinic.id, "dots", dots_per_voter=3)
    voting.open_round(engine, voting_round.id)
    # Fill the round directly: 3 entries (of one dot each) per ballot.
    raw = raw_connection(url)
    rng = random.Random(7)
    now = utcnow()
    voters = entries // 3
    with raw.cursor() as cursor:
        with cursor.copy("COPY ballot (round_id, voter, voter_key, cast_at) FROM STDIN") as copy:
            for voter in range(voters):
                copy.write_row((voting_round.id, f"V{voter}", f"v{voter}", now))
        cursor.execute("SELECT id FROM ballot WHERE round_id = %s ORDER BY id", (voting_round.id,))
        ballots = [row[0] for row in cursor.fetchall()]
        with cursor.copy(
            "COPY ballot_entry (ballot_id, theme_id, round_id, value, live) FROM STDIN"
        ) as copy:
            for ballot in ballots:
                for theme in rng.sample(theme_ids, 3):
                    copy.write_row((ballot, theme, voting_round.id, 1, True))
    raw.commit()
    raw.autocommit = True
    raw.execute("ANALYZE")
    total = raw.execute("SELECT COUNT(*) FROM ballot_entry").fetchone()[0]

    result = voting.tally_round(engine, voting_round.id)
    assert result.total == total, (result.total, total)

    def group_by() -> list[tuple[int, int]]:
        return raw.execute(
            "SELECT theme_id, SUM(value) FROM ballot_entry WHERE round_id = %s AND live"
            " GROUP BY theme_id",
            (voting_round.id,),
        ).fetchall()

    group_by()
    service, floor = paired(lambda: voting.tally_round(engine, voting_round.id), group_by, repeat)
    raw.close()
    engine.dispose()
    return service, floor


async def seen_times(url: str, samples: int) -> tuple[list[float], list[float]]:
    """Another process captures an idea; the time until this app draws it (and the time the
    app spent reading it again, once it heard)."""
    from klinikka.db import open_database
    from klinikka.services import clinics, ideas
    from klinikka.tui.app import Settings, make_app
    from klinikka.tui.widgets.idea_list import IdeaList

    engine = open_database(url)
    clinic = clinics.create_clinic(engine, "Kaksi konetta")
    ideas.capture_idea(engine, clinic.id, "Ensimmäinen idea")
    engine.dispose()
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, url, str(clinic.id)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdin is not None and writer.stdout is not None
    assert writer.stdout.readline().strip() == "ready"
    watch = FrameWatch()
    seen: list[float] = []
    app = make_app(Settings(database=url, language="fi"))
    async with app.run_test(size=(100, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the only clinic
        table = app.screen.query_one("#idea-list", IdeaList)
        while table.row_count < 1:
            await pilot.pause()
        loop = asyncio.get_running_loop()
        for n in range(samples):
            # Out of step with the app's look at the database, as another person is.
            await asyncio.sleep(random.uniform(0.05, 0.4))
            before = table.row_count
            watch.seen = {}
            watch.pending = {"drawn": lambda _text, before=before: table.row_count > before}
            watch.done.clear()
            writer.stdin.write(f"Toisen koneen idea {n}\n")
            writer.stdin.flush()
            committed = float(await loop.run_in_executor(None, writer.stdout.readline))
            await asyncio.wait_for(watch.done.wait(), timeout=30)
            seen.append(watch.seen["drawn"] - committed)
        reading = []
        for _ in range(samples):  # what the app does once it hears: read the clinic again
            start = time.perf_counter()
            app.screen.reload()
            reading.append(time.perf_counter() - start)
    writer.stdin.close()
    writer.wait(timeout=30)
    return seen, reading


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20)[-1]


def bench_five_typists(url: str, count: int) -> tuple[int, int, int, float]:
    """Five processes type ``count`` ideas each at once; (errors, lost, duplicated, seconds)."""
    from sqlalchemy import text

    from klinikka.db import open_database
    from klinikka.services import clinics

    engine = open_database(url)
    clinic = clinics.create_clinic(engine, "Viisi konetta")
    typists = [
        subprocess.Popen(
            [sys.executable, "-c", TYPIST, url, str(clinic.id), f"kone{k}", str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(5)
    ]
    for typist in typists:
        assert typist.stdout is not None and typist.stdout.readline().strip() == "ready"
    start = time.perf_counter()
    for typist in typists:
        assert typist.stdin is not None
        typist.stdin.write("go\n")
        typist.stdin.flush()
    errors = 0
    for typist in typists:
        out, _ = typist.communicate(timeout=600)
        errors += int(out.strip() or count) if typist.returncode == 0 else count
    seconds = time.perf_counter() - start
    with engine.connect() as connection:
        saved = Counter(
            row[0]
            for row in connection.execute(
                text("SELECT text FROM idea WHERE clinic_id = :c"), {"c": clinic.id}
            )
        )
    engine.dispose()
    typed = {f"kone{k} idea {n}" for k in range(5) for n in range(count)}
    lost = len(typed - set(saved))
    duplicated = sum(times - 1 for times in saved.values() if times > 1)
    return errors, lost, duplicated, seconds


def report_live(name: str, seen: list[float], reading: list[float]) -> None:
    median, high = statistics.median(seen), p95(seen)
    verdict = "ok" if median <= 0.2 and high <= 1.0 else "OVER GOAL"
    print(
        f"{name:<44} median {median * 1000:7.1f} ms  p95 {high * 1000:7.1f} ms"
        f"  (reading {statistics.median(reading) * 1000:.1f} ms)"
        f"  aim median ≤ 200, all ≤ 1000 {verdict}"
    )


def report_typists(name: str, figures: tuple[int, int, int, float], count: int) -> None:
    errors, lost, duplicated, seconds = figures
    verdict = "ok" if (errors, lost, duplicated) == (0, 0, 0) else "OVER GOAL"
    print(
        f"{name:<44} errors {errors}  lost {lost}  duplicated {duplicated}"
        f"  ({5 * count / seconds:.0f} ideas/s)  goal 0, 0, 0 {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    parser.add_argument("--server", help="an administrator's URL of a PostgreSQL server")
    args = parser.parse_args()
    repeat = 5 if args.quick else 30
    samples = 10 if args.quick else 40
    count = 100 if args.quick else 1_000
    with server(args.server) as admin, tempfile.TemporaryDirectory() as folder:
        with bench_database(admin, "klinikka_bench") as url:
            service, floor, logged = bench_capture(url, repeat * 4)
            report("capture an idea on PostgreSQL (vs psycopg)", service, floor, 2)
            print(
                f"{'  (raw psycopg writing the idea and its log row':<44} {logged * 1000:9.2f} ms)"
            )
        with bench_database(admin, "klinikka_bench") as url:
            tally, group_by = bench_tally(url, 100_000, repeat)
            report("tally 100,000 dot entries, PostgreSQL", tally, group_by, 1.5)
        for name, target in (
            ("SQLite", str(Path(folder) / "live.db")),
            ("PostgreSQL", None),
        ):
            with contextlib.ExitStack() as stack:
                url = target or stack.enter_context(bench_database(admin, "klinikka_bench"))
                seen, reading = asyncio.run(seen_times(url, samples))
                report_live(f"another's idea drawn, {name}", seen, reading)
        for name, target in (
            ("SQLite", str(Path(folder) / "typists.db")),
            ("PostgreSQL", None),
        ):
            with contextlib.ExitStack() as stack:
                url = target or stack.enter_context(bench_database(admin, "klinikka_bench"))
                report_typists(
                    f"5 × {count} ideas at once, {name}", bench_five_typists(url, count), count
                )


if __name__ == "__main__":
    main()
