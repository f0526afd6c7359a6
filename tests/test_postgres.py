"""What only a PostgreSQL server does for klinikka: change notices to every open app (LISTEN/
NOTIFY), and the one-ballot-per-voter rule held by the server under concurrency."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine

from backends import POSTGRES_ONLY
from klinikka.db import PostgresChanges, open_database
from klinikka.errors import BallotExistsError
from klinikka.services import clinics, ideas, themes, voting


def noticed(watch: PostgresChanges, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if watch():
            return True
        time.sleep(0.01)
    return False


@POSTGRES_ONLY
def test_another_apps_change_is_noticed_and_ones_own_is_not(
    engine: Engine, database_target: str
) -> None:
    theirs = open_database(database_target)  # another laptop's klinikka
    watch = PostgresChanges(engine)
    try:
        clinic = clinics.create_clinic(engine, "Tiimiklinikka", language="fi")
        ideas.capture_line(engine, clinic.id, "Oma idea")
        assert not noticed(watch, 0.5)  # our own: the app shows it already
        started = time.monotonic()
        ideas.capture_line(theirs, clinic.id, "Toisen koneen idea")
        assert noticed(watch)
        assert time.monotonic() - started < 1.0
        assert watch.clinics == frozenset({clinic.id})
        other = clinics.create_clinic(theirs, "Toinen", language="fi")
        themes.create_theme(theirs, other.id, "Teema")
        assert noticed(watch) and watch.clinics == frozenset({other.id})
    finally:
        watch.close()
        theirs.dispose()


@POSTGRES_ONLY
def test_one_ballot_per_voter_holds_when_two_apps_enter_it_at_once(
    engine: Engine, database_target: str
) -> None:
    clinic = clinics.create_clinic(engine, "Äänestys", language="fi")
    theme = themes.create_theme(engine, clinic.id, "Teema")
    themes.create_theme(engine, clinic.id, "Toinen teema")
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    engines = [open_database(database_target) for _ in range(4)]
    try:

        def cast(one: Engine) -> str:
            try:
                voting.cast_ballot(one, voting_round.id, "Maija Virtanen", [theme.id])
            except BallotExistsError:
                return "refused"
            return "saved"

        with ThreadPoolExecutor(len(engines)) as pool:
            outcomes = sorted(pool.map(cast, engines))
    finally:
        for one in engines:
            one.dispose()
    assert outcomes.count("saved") == 1
    assert [b.voter for b in voting.list_ballots(engine, voting_round.id)] == ["Maija Virtanen"]
    assert voting.tally_round(engine, voting_round.id).ballot_count == 1
