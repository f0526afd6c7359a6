"""Undo never breaks what the rest of klinikka keeps true, even with two people at work."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from klinikka.errors import ConflictError
from klinikka.models import ClinicSummary
from klinikka.services import history, ideas, themes, voting
from klinikka.services._base import actor, set_actor


@pytest.fixture
def two_people():  # type: ignore[no-untyped-def]
    """Switch between the note-taker's and the facilitator's klinikka."""
    original = actor()

    def be(name: str) -> None:
        set_actor(name)

    yield be
    set_actor(original)


def test_a_ballot_cannot_be_undone_out_of_a_closed_round(
    engine: Engine, clinic: ClinicSummary, two_people
) -> None:  # type: ignore[no-untyped-def]
    a = themes.create_theme(engine, clinic.id, "A").id
    b = themes.create_theme(engine, clinic.id, "B").id
    two_people("facilitator")
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    two_people("note-taker")
    for voter, theme in (("Aino", a), ("Ville", b), ("Sari", a)):
        voting.cast_ballot(engine, voting_round.id, voter, [theme])
    two_people("facilitator")
    voting.close_round(engine, voting_round.id)
    two_people("note-taker")
    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)
    result = voting.tally_round(engine, voting_round.id)
    assert (result.winner, result.ballot_count) == (a, 3)


def test_opening_cannot_be_undone_once_there_are_ballots(
    engine: Engine, clinic: ClinicSummary, two_people
) -> None:  # type: ignore[no-untyped-def]
    a = themes.create_theme(engine, clinic.id, "A").id
    themes.create_theme(engine, clinic.id, "B")
    two_people("facilitator")
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    two_people("note-taker")
    voting.cast_ballot(engine, voting_round.id, "Aino", [a])
    two_people("facilitator")
    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)
    assert voting.get_round(engine, voting_round.id).status == "open"


def test_closing_and_reopening_can_be_undone(engine: Engine, clinic: ClinicSummary) -> None:
    a = themes.create_theme(engine, clinic.id, "A").id
    themes.create_theme(engine, clinic.id, "B")
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Aino", [a])
    voting.close_round(engine, voting_round.id)
    voting.open_round(engine, voting_round.id)
    history.undo(engine, clinic.id)
    assert voting.get_round(engine, voting_round.id).status == "closed"
    history.undo(engine, clinic.id)
    assert voting.get_round(engine, voting_round.id).status == "open"


def test_undo_cannot_bring_an_idea_back_into_a_deleted_theme(
    engine: Engine, clinic: ClinicSummary, two_people
) -> None:  # type: ignore[no-untyped-def]
    theme = themes.create_theme(engine, clinic.id, "Teema").id
    idea = ideas.capture_idea(engine, clinic.id, "Idea", theme_id=theme)
    two_people("note-taker")
    ideas.delete_ideas(engine, [idea.id])
    two_people("facilitator")
    themes.delete_theme(engine, theme)
    two_people("note-taker")
    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)
    assert ideas.search_ideas(engine, clinic.id) == []


def test_a_reopened_round_forgets_its_tie_decision(engine: Engine, clinic: ClinicSummary) -> None:
    a = themes.create_theme(engine, clinic.id, "A").id
    b = themes.create_theme(engine, clinic.id, "B").id
    c = themes.create_theme(engine, clinic.id, "C").id
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Aino", [a])
    voting.cast_ballot(engine, voting_round.id, "Ville", [b])
    voting.close_round(engine, voting_round.id)
    assert voting.record_decision(engine, voting_round.id, a, "A ensin").winner == a
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Sari", [c])
    voting.cast_ballot(engine, voting_round.id, "Kalle", [b])
    voting.close_round(engine, voting_round.id)
    result = voting.tally_round(engine, voting_round.id)
    assert result.winner == b and result.decided_by == "votes"


def test_only_one_runoff_a_round(engine: Engine, clinic: ClinicSummary) -> None:
    a = themes.create_theme(engine, clinic.id, "A").id
    b = themes.create_theme(engine, clinic.id, "B").id
    voting_round = voting.create_round(engine, clinic.id, "single")
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Aino", [a])
    voting.cast_ballot(engine, voting_round.id, "Ville", [b])
    voting.close_round(engine, voting_round.id)
    runoff = voting.start_runoff(engine, voting_round.id)
    assert runoff.status == "open" and runoff.theme_ids == [a, b]
    with pytest.raises(ConflictError, match="already has a runoff"):
        voting.start_runoff(engine, voting_round.id)
    # Starting the runoff was one action: one undo takes it all back.
    history.undo(engine, clinic.id)
    assert [r.number for r in voting.list_rounds(engine, clinic.id)] == [1]
