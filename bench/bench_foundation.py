"""Foundation benchmarks: ratios against floors measured in the same run.

    python bench/bench_foundation.py [--quick]

Goals (issue 2):
- capturing an idea through the service ≤ 3× a raw sqlite3 INSERT + COMMIT, same pragmas;
- tallying 100,000 dot-vote entries ≤ 1.5× the raw SQL GROUP BY;
- ``klinikka --version`` and ``klinikka --help`` ≤ 4× ``python -c pass``.
Each figure is the median of several runs; absolute times drift on shared machines, ratios hold.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from klinikka.db import BUSY_TIMEOUT_MS, open_database
from klinikka.models import utcnow
from klinikka.services import clinics, ideas, themes, voting


def median_time(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(
    measured: Callable[[], object], floor: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of the two, timed in alternation so that the machine's drift hits both alike."""
    first, second = [], []
    for _ in range(repeat):
        first.append(median_time(measured, 1))
        second.append(median_time(floor, 1))
    return statistics.median(first), statistics.median(second)


def raw_connection(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
    return connection


def bench_capture(folder: Path, repeat: int) -> tuple[float, float]:
    engine = open_database(folder / "capture.db")
    clinic = clinics.create_clinic(engine, "Benchmark")
    texts = iter([f"Idea number {n}: kokeilukulttuuri hyvinvointialueelle" for n in range(10**6)])
    raw = raw_connection(folder / "capture.db")
    now = utcnow().isoformat(sep=" ")

    def insert() -> None:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute(
            "INSERT INTO idea (uid, clinic_id, text, author, starred, created_at, updated_at,"
            " source) VALUES (?, ?, ?, '', 0, ?, ?, 'live')",
            (f"raw-{next(texts)}", clinic.id, next(texts), now, now),
        )
        raw.execute("COMMIT")

    service, floor = paired(
        lambda: ideas.capture_idea(engine, clinic.id, next(texts)), insert, repeat
    )
    raw.close()
    engine.dispose()
    return service, floor


def bench_tally(folder: Path, entries: int, repeat: int) -> tuple[float, float, float]:
    engine = open_database(folder / "tally.db")
    clinic = clinics.create_clinic(engine, "Benchmark")
    theme_ids = [themes.create_theme(engine, clinic.id, f"Teema {n}").id for n in range(10)]
    voting_round = voting.create_round(engine, clinic.id, "dots", dots_per_voter=3)
    voting.open_round(engine, voting_round.id)
    # Fill the round directly: 3 entries (of one dot each) per ballot.
    connection = raw_connection(folder / "tally.db")
    rng = random.Random(7)
    now = utcnow().isoformat(sep=" ")
    connection.execute("BEGIN")
    for voter in range(entries // 3):
        cursor = connection.execute(
            "INSERT INTO ballot (round_id, voter, voter_key, cast_at) VALUES (?, ?, ?, ?)",
            (voting_round.id, f"V{voter}", f"v{voter}", now),
        )
        for theme in rng.sample(theme_ids, 3):
            connection.execute(
                "INSERT INTO ballot_entry (ballot_id, theme_id, round_id, value, live)"
                " VALUES (?, ?, ?, 1, 1)",
                (cursor.lastrowid, theme, voting_round.id),
            )
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    total_entries = connection.execute("SELECT COUNT(*) FROM ballot_entry").fetchone()[0]

    result = voting.tally_round(engine, voting_round.id)
    assert result.total == total_entries, (result.total, total_entries)

    def group_by() -> list[tuple[int, int]]:
        return connection.execute(
            "SELECT theme_id, SUM(value) FROM ballot_entry WHERE round_id = ? AND live = 1"
            " GROUP BY theme_id",
            (voting_round.id,),
        ).fetchall()

    def joined_group_by() -> list[tuple[int, int]]:
        return connection.execute(
            "SELECT e.theme_id, SUM(e.value) FROM ballot_entry AS e JOIN ballot AS b"
            " ON b.id = e.ballot_id WHERE b.round_id = ? AND b.deleted_at IS NULL"
            " GROUP BY e.theme_id",
            (voting_round.id,),
        ).fetchall()

    service, floor = paired(lambda: voting.tally_round(engine, voting_round.id), group_by, repeat)
    joined = median_time(joined_group_by, repeat)
    connection.close()
    engine.dispose()
    return service, floor, joined


def bench_start(repeat: int) -> tuple[float, float, float]:
    script = Path(sys.executable).parent / "klinikka"
    command = [str(script)] if script.exists() else [sys.executable, "-m", "klinikka"]

    def run(args: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(args, check=True, capture_output=True)

    run([sys.executable, "-c", "pass"])()  # warm the file cache
    run([*command, "--help"])()
    bare = median_time(run([sys.executable, "-c", "pass"]), repeat)
    version = median_time(run([*command, "--version"]), repeat)
    shown = median_time(run([*command, "--help"]), repeat)
    return version, shown, bare


def report(name: str, value: float, floor: float, goal: float) -> None:
    ratio = value / floor
    verdict = "ok" if ratio <= goal else "OVER GOAL"
    print(
        f"{name:<44} {value * 1000:9.2f} ms  floor {floor * 1000:8.2f} ms"
        f"  ratio {ratio:5.2f}  goal ≤ {goal:<4} {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    repeat = 5 if args.quick else 30
    with tempfile.TemporaryDirectory() as folder:
        service, floor = bench_capture(Path(folder), repeat * 4)
        report("capture an idea (service vs INSERT+COMMIT)", service, floor, 3)
        tally, group_by, joined = bench_tally(Path(folder), 100_000, repeat)
        report("tally 100,000 dot entries (vs GROUP BY)", tally, group_by, 1.5)
        print(f"{'  (a GROUP BY joining ballots would take':<44} {joined * 1000:9.2f} ms)")
    version, shown, bare = bench_start(repeat)
    report("klinikka --version (vs python -c pass)", version, bare, 4)
    report("klinikka --help (vs python -c pass)", shown, bare, 4)


if __name__ == "__main__":
    main()
