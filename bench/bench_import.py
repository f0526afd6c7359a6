"""Import benchmark: a 20,000-message meeting chat into a clinic, against the bare minimum.

    python bench/bench_import.py [--quick]

Issue 6 asks for the figure, with no goal: importing a Zoom chat of 20,000 messages
(``klinikka import FILE --clinic ID``'s work: read, decode, parse, check against what the
clinic has, insert in one transaction) as a ratio to reading the same file and inserting the
same rows with raw sqlite3 (split on the headers, one INSERT a message, one commit). Each
figure is the median of runs timed in alternation, each into a fresh clinic; absolute times
drift on shared machines, ratios hold.
"""

from __future__ import annotations

import argparse
import random
import re
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from klinikka.db import open_database
from klinikka.importers.detect import parse_file
from klinikka.models import utcnow
from klinikka.services import clinics
from klinikka.services.importing import import_ideas

MESSAGES = 20_000
NAMES = ["Maija Virtanen", "Pekka Salo", "Liisa Nieminen", "Anu Lehtonen", "Kari Hämäläinen"]
WORDS = [
    "etävastaanotot",
    "iltaisin",
    "kokeilukulttuuri",
    "hyvinvointialue",
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
]
HEADER = re.compile(r"^(\d\d:\d\d:\d\d) From (.+?) to Everyone:$")


def chat(path: Path) -> None:
    """A Zoom chat (the newer two-line layout) of MESSAGES messages."""
    rng = random.Random(3)
    lines = []
    for n in range(MESSAGES):
        seconds = 9 * 3600 + n
        stamp = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        lines.append(f"{stamp} From {rng.choice(NAMES)} to Everyone:")
        lines.append("\t" + f"Viesti {n}: " + " ".join(rng.choices(WORDS, k=12)))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def raw_import(path: Path, database: Path, clinic_id: int) -> int:
    """The floor: read the file, split it into messages, insert them with sqlite3."""
    text = path.read_text(encoding="utf-8")
    now = utcnow().isoformat(sep=" ")
    rows = []
    author = ""
    for line in text.splitlines():
        header = HEADER.match(line)
        if header:
            _stamp, author = header.groups()
        elif line.startswith("\t"):
            rows.append((f"raw-{len(rows)}-{clinic_id}", clinic_id, line[1:], author, now, now))
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA synchronous = FULL")
    connection.execute("BEGIN IMMEDIATE")
    connection.executemany(
        "INSERT INTO idea (uid, clinic_id, text, author, created_at, updated_at, source, starred)"
        " VALUES (?, ?, ?, ?, ?, ?, 'import', 0)",
        rows,
    )
    connection.execute("COMMIT")
    connection.close()
    return len(rows)


def paired(
    measured: Callable[[int], object],
    floor: Callable[[int], object],
    fresh: Callable[[], int],
    repeat: int,
) -> tuple[float, float]:
    first, second = [], []
    for _ in range(repeat):
        for action, times in ((measured, first), (floor, second)):
            clinic_id = fresh()
            start = time.perf_counter()
            action(clinic_id)
            times.append(time.perf_counter() - start)
    return statistics.median(first), statistics.median(second)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run)")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        file = folder / "meeting_saved_chat.txt"
        chat(file)
        database = folder / "import.db"
        engine = open_database(database)
        made = iter(range(1_000_000))

        def fresh() -> int:
            return clinics.create_clinic(engine, f"Klinikka {next(made)}", language="fi").id

        def klinikka(clinic_id: int) -> int:
            data = file.read_bytes()
            parsed = parse_file(data, file.name)
            plan = import_ideas(engine, clinic_id, parsed, file_name=file.name, raw=data)
            return plan.added

        check = fresh()
        added = klinikka(check)
        assert added == MESSAGES, added
        value, floor = paired(klinikka, lambda c: raw_import(file, database, c), fresh, repeat)
        size = file.stat().st_size / 1e6
        print(f"{MESSAGES:,}-message Zoom chat ({size:.1f} MB) into a clinic")
        print(
            f"import {value * 1000:9.1f} ms  floor (read + raw INSERTs) {floor * 1000:7.1f} ms"
            f"  ratio {value / floor:5.2f}"
        )
        start = time.perf_counter()
        again = klinikka(check)
        print(
            f"the same file again: {again} added in {(time.perf_counter() - start) * 1000:.1f} ms"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
