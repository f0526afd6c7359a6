"""Export benchmark: the summary of a big clinic in each format, against reading its rows.

    python bench/bench_export.py [--quick]

Issue 5 asks for the figure, with no goal: exporting a clinic of 10,000 ideas and 2,000
ballots to each format (md, html, csv, json; rendered in memory, as ``klinikka export -o -``
does before it writes), as a ratio to reading the same rows with raw SQL (sqlite3: the ideas
with their themes' and groups' names, the participants, the ballots and their entries, the
notes). Each figure is the median of several runs timed in alternation with the floor;
absolute times drift on shared machines, ratios hold.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from klinikka.db import open_database
from klinikka.models import NoteKind, utcnow
from klinikka.services import clinics, notes, participants, themes, voting
from klinikka.services.exporting import FORMATS, render_export

IDEAS = 10_000
BALLOTS = 2_000
WORDS = [
    "etävastaanotot",
    "iltaisin",
    "kokeilukulttuuri",
    "hyvinvointialueelle",
    "nuorten",
    "mielenterveys",
    "ikääntyneiden",
    "kotihoito",
    "digituki",
    "järjestöjen",
    "rooli",
    "omaishoitajat",
    "neuvola",
    "koulu",
    "työllisyys",
    "monialainen",
    "yhteistyö",
    "asiakassuunnitelma",
    "ennaltaehkäisy",
    "liikuntaneuvonta",
]


def fill(path: Path) -> int:
    """A clinic of IDEAS ideas (half attributed to 300 participants, two thirds in themes) and
    a closed dot-voting round of BALLOTS ballots, three dots each."""
    engine = open_database(path)
    clinic = clinics.create_clinic(
        engine, "Suuri verkkoklinikka", language="fi", facilitator="Satu", note_taker="Jukka"
    )
    theme_ids = [themes.create_theme(engine, clinic.id, f"Teema {n}").id for n in range(8)]
    groups = [group.id for group in participants.list_groups(engine, clinic.id)]
    voting_round = voting.create_round(engine, clinic.id, "dots", dots_per_voter=3)
    voting.open_round(engine, voting_round.id)
    for n in range(3):
        notes.add_note(engine, clinic.id, NoteKind.DECISION, f"Päätös {n}")
    engine.dispose()
    rng = random.Random(5)
    now = utcnow().isoformat(sep=" ")
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN")
    people = []
    for n in range(300):
        cursor = connection.execute(
            "INSERT INTO participant (clinic_id, name, organisation, group_id, created_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (clinic.id, f"Osallistuja {n}", f"Org {n % 40}", groups[n % len(groups)], now),
        )
        people.append((cursor.lastrowid, f"Osallistuja {n}", groups[n % len(groups)]))
    connection.executemany(
        "INSERT INTO idea (uid, clinic_id, text, author, participant_id, group_id, theme_id,"
        " starred, created_at, updated_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'live')",
        (
            (
                f"i-{n}",
                clinic.id,
                f"Idea {n}: " + " ".join(rng.choices(WORDS, k=10)),
                people[n % 300][1] if n % 2 else "",
                people[n % 300][0] if n % 2 else None,
                people[n % 300][2] if n % 2 else None,
                theme_ids[n % 8] if n % 3 else None,
                n % 19 == 0,
                now,
                now,
            )
            for n in range(IDEAS)
        ),
    )
    for n in range(BALLOTS):
        cursor = connection.execute(
            "INSERT INTO ballot (round_id, voter, voter_key, group_id, cast_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (voting_round.id, f"Äänestäjä {n}", f"äänestäjä {n}", groups[n % len(groups)], now),
        )
        for theme in rng.sample(theme_ids, 3):
            connection.execute(
                "INSERT INTO ballot_entry (ballot_id, theme_id, round_id, value, live)"
                " VALUES (?, ?, ?, 1, 1)",
                (cursor.lastrowid, theme, voting_round.id),
            )
    connection.execute("COMMIT")
    connection.execute("ANALYZE")
    connection.close()
    engine = open_database(path)
    voting.close_round(engine, voting_round.id)
    engine.dispose()
    return clinic.id


def raw_read(connection: sqlite3.Connection, clinic_id: int) -> int:
    """The rows a summary is made of, with plain SQL: what any export has to read."""
    rows = connection.execute(
        "SELECT i.id, i.text, i.author, i.starred, i.created_at, i.merged_into_id, t.name,"
        " g.name FROM idea AS i LEFT JOIN theme AS t ON t.id = i.theme_id"
        " LEFT JOIN stakeholder_group AS g ON g.id = i.group_id"
        " WHERE i.clinic_id = ? AND i.deleted_at IS NULL ORDER BY i.created_at, i.id",
        (clinic_id,),
    ).fetchall()
    rows += connection.execute(
        "SELECT id, name, organisation, group_id FROM participant WHERE clinic_id = ?",
        (clinic_id,),
    ).fetchall()
    rows += connection.execute(
        "SELECT b.id, b.voter, b.group_id, e.theme_id, e.value FROM ballot AS b"
        " JOIN ballot_entry AS e ON e.ballot_id = b.id JOIN voting_round AS r ON r.id ="
        " b.round_id WHERE r.clinic_id = ? AND b.deleted_at IS NULL",
        (clinic_id,),
    ).fetchall()
    rows += connection.execute(
        "SELECT kind, text FROM note WHERE clinic_id = ? AND deleted_at IS NULL", (clinic_id,)
    ).fetchall()
    return len(rows)


def paired(
    measured: Callable[[], object], floor: Callable[[], object], repeat: int
) -> tuple[float, float]:
    """Medians of the two, timed in alternation so that the machine's drift hits both alike."""
    first, second = [], []
    for _ in range(repeat):
        for action, times in ((measured, first), (floor, second)):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
    return statistics.median(first), statistics.median(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "export.db"
        clinic_id = fill(path)
        engine = open_database(path)
        connection = sqlite3.connect(path)
        print(f"{IDEAS:,} ideas, {BALLOTS:,} ballots; floor: the same rows read with sqlite3")
        for file_format in FORMATS:
            for anonymize in (False, True):

                def export(file_format: str = file_format, anonymize: bool = anonymize) -> bytes:
                    return render_export(
                        engine, clinic_id, file_format, language="fi", anonymize=anonymize
                    )

                size = len(export())  # warm: imports, compiled statements, the page cache
                value, floor = paired(export, lambda: raw_read(connection, clinic_id), repeat)
                label = f"{file_format}{' anonymised' if anonymize else ''}"
                print(
                    f"export {label:<16} {value * 1000:9.1f} ms  floor {floor * 1000:7.1f} ms"
                    f"  ratio {value / floor:6.1f}   ({size / 1e6:.1f} MB)"
                )
                sys.stdout.flush()
        connection.close()
        engine.dispose()


if __name__ == "__main__":
    main()
