"""Voting rounds driven as a facilitator would, on a real SQLite file: ballots, tallies, ties."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from klinikka.db import open_database
from klinikka.errors import BallotExistsError, ConflictError, NotFoundError, ValidationError
from klinikka.models import ClinicSummary, RoundStatus, RoundView, ThemeView, VotingMethod
from klinikka.services import clinics, history, participants, themes, voting
from klinikka.tally import RoundResult

THEME_NAMES = (
    "Ennaltaehkäisevät palvelut",
    "Digitaaliset palvelut",
    "Asiakasosallisuus",
    "Työhyvinvointi",
)


# ---------------------------------------------------------------- helpers


def make_themes(engine: Engine, clinic_id: int, count: int) -> list[int]:
    return [themes.create_theme(engine, clinic_id, name).id for name in THEME_NAMES[:count]]


def open_new_round(
    engine: Engine, clinic_id: int, method: VotingMethod | str, **settings_: object
) -> RoundView:
    created = voting.create_round(engine, clinic_id, method, **settings_)  # type: ignore[arg-type]
    return voting.open_round(engine, created.id)


def scores(result: RoundResult) -> dict[int, int]:
    return {score.theme_id: score.score for score in result.scores}


def group_id(engine: Engine, clinic_id: int, code: str) -> int:
    return next(
        group.id for group in participants.list_groups(engine, clinic_id) if group.code == code
    )


@pytest.fixture
def four(engine: Engine, clinic: ClinicSummary) -> list[int]:
    """Four themes on the clinic's board, in order."""
    return make_themes(engine, clinic.id, 4)


@pytest.fixture
def three(engine: Engine, clinic: ClinicSummary) -> list[int]:
    return make_themes(engine, clinic.id, 3)


# ---------------------------------------------------------------- each method, hand-counted


def test_single_choice_round_counts_one_vote_a_ballot(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, c = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    assert voting_round.theme_ids == three
    for voter, choice in (("Anna", [a]), ("Ben", [a]), ("Cecilia", [b]), ("Daniel", {c: 1})):
        voting.cast_ballot(engine, voting_round.id, voter, choice)
    voting.cast_ballot(engine, voting_round.id, "Eeva", [a])

    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 3, b: 1, c: 1}
    assert [(s.theme_id, s.rank) for s in result.scores] == [(a, 1), (b, 2), (c, 2)]
    assert [s.share for s in result.scores] == pytest.approx([0.6, 0.2, 0.2])
    assert result.ballot_count == 5 and result.total == 5
    assert result.leaders == [a]
    assert result.winner is None  # not before the round is closed

    voting.close_round(engine, voting_round.id)
    closed = voting.tally_round(engine, voting_round.id)
    assert (closed.closed, closed.winner, closed.decided_by) == (True, a, "votes")
    assert closed.scores[0].name == THEME_NAMES[0]


def test_dot_voting_round_sums_the_dots(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, d = four
    voting_round = open_new_round(
        engine, clinic.id, VotingMethod.DOTS, dots_per_voter=3, cap_per_theme=2
    )
    voting.cast_ballot(engine, voting_round.id, "Anna", {a: 2, b: 1})
    voting.cast_ballot(engine, voting_round.id, "Ben", [b, b, c])
    voting.cast_ballot(engine, voting_round.id, "Cecilia", {d: 1})
    voting.cast_ballot(engine, voting_round.id, "Daniel", [b, c, d])

    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 2, b: 4, c: 2, d: 2}
    assert {s.theme_id: s.supporters for s in result.scores} == {a: 1, b: 3, c: 2, d: 2}
    assert [(s.theme_id, s.rank) for s in result.scores] == [(b, 1), (a, 2), (c, 2), (d, 2)]
    assert result.total == 10 and result.ballot_count == 4

    with pytest.raises(ValidationError, match=r"(?i)at most 2\b"):
        voting.cast_ballot(engine, voting_round.id, "Eeva", {a: 3})
    with pytest.raises(ValidationError, match="That is 4 dots, but each voter has 3"):
        voting.cast_ballot(engine, voting_round.id, "Eeva", {a: 2, c: 2})
    assert voting.tally_round(engine, voting_round.id).ballot_count == 4

    voting.close_round(engine, voting_round.id)
    assert voting.tally_round(engine, voting_round.id).winner == b


def test_ranking_round_gives_borda_points(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, d = four
    voting_round = open_new_round(engine, clinic.id, VotingMethod.RANKING)
    # Four themes: first 3 points, then 2, 1 and 0.
    voting.cast_ballot(engine, voting_round.id, "Anna", [a, b, c, d])
    voting.cast_ballot(engine, voting_round.id, "Ben", [b, a, d, c])
    voting.cast_ballot(engine, voting_round.id, "Cecilia", [b, c])  # a partial ranking
    ballot = voting.cast_ballot(engine, voting_round.id, "Daniel", {d: 1, a: 2, c: 3, b: 4})
    assert ballot.ranking == [d, a, c, b]
    assert ballot.values == {d: 3, a: 2, c: 1, b: 0}

    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 7, b: 8, c: 4, d: 4}
    assert [(s.theme_id, s.rank) for s in result.scores] == [(b, 1), (a, 2), (c, 3), (d, 3)]
    assert result.total == 23 and result.ballot_count == 4

    with pytest.raises(ValidationError, match="only once"):
        voting.cast_ballot(engine, voting_round.id, "Eeva", [a, a])
    voting.close_round(engine, voting_round.id)
    assert voting.tally_round(engine, voting_round.id).winner == b


def test_points_round_sums_points_within_budget_and_cap(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, c = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.POINTS, cap_per_theme=60)
    assert voting_round.points_budget == 100
    voting.cast_ballot(engine, voting_round.id, "Anna", {a: 60, b: 40})
    voting.cast_ballot(engine, voting_round.id, "Ben", {b: 50, c: 50})
    voting.cast_ballot(engine, voting_round.id, "Cecilia", {a: 35, c: 15})

    with pytest.raises(ValidationError) as over_budget:
        voting.cast_ballot(engine, voting_round.id, "Daniel", {a: 60, b: 41})
    assert "101" in str(over_budget.value) and "budget of 100" in str(over_budget.value)
    with pytest.raises(ValidationError) as over_cap:
        voting.cast_ballot(engine, voting_round.id, "Daniel", {c: 61})
    assert "at most 60" in str(over_cap.value).lower()
    assert THEME_NAMES[2] in str(over_cap.value) and "61" in str(over_cap.value)

    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 95, b: 90, c: 65}
    assert result.total == 250 and result.ballot_count == 3
    voting.close_round(engine, voting_round.id)
    assert voting.tally_round(engine, voting_round.id).winner == a


def test_aggregate_counts_from_external_polls_add_up(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, c = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.AGGREGATE)
    voting.enter_counts(engine, voting_round.id, {a: 12, b: 7}, source="Teams", respondents=15)
    voting.enter_counts(engine, voting_round.id, {a: 3, c: 5}, source="Zoom")

    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 15, b: 7, c: 5}
    # For counts, the supporters are the count itself.
    assert {s.theme_id: s.supporters for s in result.scores} == {a: 15, b: 7, c: 5}
    # Respondents as Teams reported them, plus Zoom's people counted by their answers.
    assert result.ballot_count == 15 + 8
    assert result.total == 27


def test_aggregate_respondents_are_the_counts_when_none_are_reported(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, _ = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.AGGREGATE)
    voting.enter_counts(engine, voting_round.id, {a: 9, b: 4})
    assert voting.tally_round(engine, voting_round.id).ballot_count == 13
    # An unnamed poll is one source: a second one must replace it.
    with pytest.raises(BallotExistsError):
        voting.enter_counts(engine, voting_round.id, {a: 1})
    voting.enter_counts(engine, voting_round.id, {a: 10, b: 6}, respondents=14, replace=True)
    result = voting.tally_round(engine, voting_round.id)
    assert scores(result)[a] == 10 and scores(result)[b] == 6
    assert result.ballot_count == 14


def test_respondents_must_be_a_whole_number(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    voting_round = open_new_round(engine, clinic.id, VotingMethod.AGGREGATE)
    with pytest.raises(ValidationError, match="respondents"):
        voting.enter_counts(engine, voting_round.id, {three[0]: 3}, respondents=-1)
    assert voting.tally_round(engine, voting_round.id).ballot_count == 0


# ---------------------------------------------------------------- when ballots are taken


def test_a_draft_round_refuses_ballots(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    draft = voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
    assert draft.status is RoundStatus.DRAFT
    with pytest.raises(ConflictError) as refused:
        voting.cast_ballot(engine, draft.id, "Anna", [three[0]])
    assert "Round 1 is not open yet" in str(refused.value)
    assert voting.list_ballots(engine, draft.id) == []


def test_a_closed_round_refuses_ballots_until_reopened(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, _ = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.cast_ballot(engine, voting_round.id, "Anna", [a])
    voting.close_round(engine, voting_round.id)
    with pytest.raises(ConflictError) as refused:
        voting.cast_ballot(engine, voting_round.id, "Ben", [b])
    assert "Round 1 is closed" in str(refused.value) and "reopen" in str(refused.value)
    assert scores(voting.tally_round(engine, voting_round.id))[b] == 0

    reopened = voting.open_round(engine, voting_round.id)
    assert reopened.status is RoundStatus.OPEN
    voting.cast_ballot(engine, voting_round.id, "Ben", [b])
    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 1, b: 1, three[2]: 0}
    assert result.closed is False and result.winner is None


def test_an_open_round_cannot_be_opened_again_nor_a_draft_closed(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    draft = voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
    with pytest.raises(ConflictError, match="not open"):
        voting.close_round(engine, draft.id)
    voting.open_round(engine, draft.id)
    with pytest.raises(ConflictError, match="already open"):
        voting.open_round(engine, draft.id)


# ---------------------------------------------------------------- one ballot per voter


def test_the_same_voter_again_is_refused_and_nothing_changes(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, _ = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    first = voting.cast_ballot(engine, voting_round.id, "Anna Virtanen", [a])
    with pytest.raises(BallotExistsError) as again:
        voting.cast_ballot(engine, voting_round.id, "  anna   VIRTANEN ", [b])
    assert again.value.ballot_id == first.id
    assert "already voted in round 1" in str(again.value)
    assert scores(voting.tally_round(engine, voting_round.id))[a] == 1
    assert [ballot.id for ballot in voting.list_ballots(engine, voting_round.id)] == [first.id]


def test_replacing_a_ballot_counts_the_new_one_only(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, d = four
    voting_round = open_new_round(engine, clinic.id, VotingMethod.DOTS, dots_per_voter=3)
    voting.cast_ballot(engine, voting_round.id, "Anna", {a: 2, b: 1})
    voting.cast_ballot(engine, voting_round.id, "Ben", {b: 1})
    replacement = voting.cast_ballot(engine, voting_round.id, "anna", {c: 1, d: 2}, replace=True)

    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 0, b: 1, c: 1, d: 2}
    assert result.ballot_count == 2 and result.total == 4
    ballots = voting.list_ballots(engine, voting_round.id)
    assert [ballot.values for ballot in ballots] == [{b: 1}, {c: 1, d: 2}]
    assert ballots[-1].id == replacement.id


def test_the_ballots_entered_since_a_list_was_read_are_read_alone(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, _d = four
    voting_round = open_new_round(engine, clinic.id, VotingMethod.DOTS, dots_per_voter=3)
    first = voting.cast_ballot(engine, voting_round.id, "Anna", {a: 2, b: 1})
    second = voting.cast_ballot(engine, voting_round.id, "Ben", {b: 1})
    assert voting.ballot_ids(engine, voting_round.id) == [first.id, second.id]
    third = voting.cast_ballot(engine, voting_round.id, "anna", {c: 3}, replace=True)
    # Anna's first ballot is gone: a list that showed it no longer starts like the ids.
    assert voting.ballot_ids(engine, voting_round.id) == [second.id, third.id]
    since = voting.list_ballots(engine, voting_round.id, after=second.id)
    assert [(ballot.voter, ballot.values) for ballot in since] == [("anna", {c: 3})]
    assert voting.list_ballots(engine, voting_round.id, after=third.id) == []


def test_replacing_can_be_undone(engine: Engine, clinic: ClinicSummary, three: list[int]) -> None:
    a, b, c = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    original = voting.cast_ballot(engine, voting_round.id, "Anna", [a])
    voting.cast_ballot(engine, voting_round.id, "Anna", [c], replace=True)
    assert scores(voting.tally_round(engine, voting_round.id)) == {a: 0, b: 0, c: 1}

    undone = history.undo(engine, clinic.id)
    assert undone is not None and "Anna" in undone
    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 1, b: 0, c: 0}
    assert result.ballot_count == 1
    assert [ballot.id for ballot in voting.list_ballots(engine, voting_round.id)] == [original.id]


def test_deleting_a_ballot_removes_its_votes_and_can_be_undone(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, c = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.POINTS, points_budget=10)
    anna = voting.cast_ballot(engine, voting_round.id, "Anna", {a: 7, b: 3})
    voting.cast_ballot(engine, voting_round.id, "Ben", {c: 10})

    voting.delete_ballot(engine, anna.id)
    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 0, b: 0, c: 10}
    assert result.ballot_count == 1
    # The other ballot still stands: Ben cannot vote a second time.
    with pytest.raises(BallotExistsError):
        voting.cast_ballot(engine, voting_round.id, "Ben", {a: 1})

    assert "Anna" in (history.undo(engine, clinic.id) or "")
    result = voting.tally_round(engine, voting_round.id)
    assert scores(result) == {a: 7, b: 3, c: 10}
    assert result.ballot_count == 2
    assert [ballot.voter for ballot in voting.list_ballots(engine, voting_round.id)] == [
        "Anna",
        "Ben",
    ]


def test_a_ballot_of_a_closed_round_cannot_be_deleted(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    ballot = voting.cast_ballot(engine, voting_round.id, "Anna", [three[0]])
    voting.close_round(engine, voting_round.id)
    with pytest.raises(ConflictError, match="closed"):
        voting.delete_ballot(engine, ballot.id)
    assert voting.tally_round(engine, voting_round.id).ballot_count == 1
    with pytest.raises(NotFoundError):
        voting.delete_ballot(engine, ballot.id + 100)


def test_closing_a_round_can_be_undone(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, _ = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.cast_ballot(engine, voting_round.id, "Anna", [a])
    voting.close_round(engine, voting_round.id)
    assert voting.tally_round(engine, voting_round.id).winner == a

    assert "Closed voting round 1" in (history.undo(engine, clinic.id) or "")
    assert voting.get_round(engine, voting_round.id).status is RoundStatus.OPEN
    result = voting.tally_round(engine, voting_round.id)
    assert result.closed is False and result.winner is None
    voting.cast_ballot(engine, voting_round.id, "Ben", [b])
    assert voting.tally_round(engine, voting_round.id).ballot_count == 2


# ---------------------------------------------------------------- ties, runoffs, decisions


def tied_single_round(engine: Engine, clinic_id: int, four: Sequence[int]) -> RoundView:
    """A closed single-choice round where the first two themes tie with two votes each."""
    a, b, c, _ = four
    voting_round = open_new_round(engine, clinic_id, VotingMethod.SINGLE)
    for voter, theme in (("Anna", a), ("Ben", b), ("Cecilia", a), ("Daniel", b), ("Eeva", c)):
        voting.cast_ballot(engine, voting_round.id, voter, [theme])
    return voting.close_round(engine, voting_round.id)


def test_a_tie_is_reported_with_the_tied_themes(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, d = four
    voting_round = tied_single_round(engine, clinic.id, four)
    result = voting.tally_round(engine, voting_round.id)
    assert result.tie is True
    assert result.leaders == [a, b]
    assert result.winner is None and result.decided_by is None
    assert [(s.theme_id, s.rank) for s in result.scores] == [(a, 1), (b, 1), (c, 3), (d, 4)]


def test_a_runoff_among_the_tied_themes_settles_the_round(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, d = four
    voting_round = open_new_round(
        engine, clinic.id, VotingMethod.DOTS, dots_per_voter=2, cap_per_theme=1
    )
    voting.cast_ballot(engine, voting_round.id, "Anna", {a: 1, b: 1})
    voting.cast_ballot(engine, voting_round.id, "Ben", {a: 1, c: 1})
    voting.cast_ballot(engine, voting_round.id, "Cecilia", {b: 1, d: 1})
    with pytest.raises(ConflictError, match="Close round 1"):
        voting.start_runoff(engine, voting_round.id)
    voting.close_round(engine, voting_round.id)

    runoff = voting.start_runoff(engine, voting_round.id)
    assert sorted(runoff.theme_ids) == sorted([a, b])
    assert runoff.status is RoundStatus.OPEN
    assert runoff.runoff_of_id == voting_round.id
    assert (runoff.method, runoff.dots_per_voter, runoff.cap_per_theme) == (
        VotingMethod.DOTS,
        2,
        1,
    )
    with pytest.raises(ValidationError, match="not on the ballot"):
        voting.cast_ballot(engine, runoff.id, "Anna", {c: 1})
    with pytest.raises(ValidationError, match=r"(?i)at most 1\b"):
        voting.cast_ballot(engine, runoff.id, "Anna", {a: 2})
    voting.cast_ballot(engine, runoff.id, "Anna", {a: 1, b: 1})
    voting.cast_ballot(engine, runoff.id, "Ben", {a: 1})
    # An open runoff settles nothing yet.
    assert voting.tally_round(engine, voting_round.id).winner is None

    voting.close_round(engine, runoff.id)
    assert voting.tally_round(engine, runoff.id).winner == a
    settled = voting.tally_round(engine, voting_round.id)
    assert (settled.winner, settled.decided_by) == (a, "runoff")
    assert settled.runoff_round == runoff.number
    # The tie stays on record: it was settled, not erased.
    assert settled.tie is True and settled.leaders == [a, b]


def test_a_tied_runoff_leaves_the_original_round_undecided(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, _, _ = four
    voting_round = tied_single_round(engine, clinic.id, four)
    runoff = voting.start_runoff(engine, voting_round.id)
    voting.cast_ballot(engine, runoff.id, "Anna", [a])
    voting.cast_ballot(engine, runoff.id, "Ben", [b])
    voting.close_round(engine, runoff.id)
    result = voting.tally_round(engine, voting_round.id)
    assert result.winner is None and result.decided_by is None


def test_a_runoff_is_refused_when_there_is_no_tie(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.cast_ballot(engine, voting_round.id, "Anna", [three[0]])
    voting.close_round(engine, voting_round.id)
    with pytest.raises(ConflictError, match="no tie"):
        voting.start_runoff(engine, voting_round.id)
    assert len(voting.list_rounds(engine, clinic.id)) == 1


def test_a_decision_settles_a_tie_for_one_of_the_tied_themes(
    engine: Engine, clinic: ClinicSummary, four: list[int]
) -> None:
    a, b, c, _ = four
    voting_round = tied_single_round(engine, clinic.id, four)
    with pytest.raises(ValidationError, match="one of the tied themes"):
        voting.record_decision(engine, voting_round.id, c)
    assert voting.tally_round(engine, voting_round.id).winner is None

    result = voting.record_decision(engine, voting_round.id, b, "Ajankohtaisin aihe")
    assert (result.winner, result.decided_by) == (b, "decision")
    assert result.decision_note == "Ajankohtaisin aihe"
    assert result.tie is True and result.leaders == [a, b]
    assert voting.tally_round(engine, voting_round.id).winner == b
    # Once decided, there is nothing left for a runoff.
    with pytest.raises(ConflictError, match="no tie"):
        voting.start_runoff(engine, voting_round.id)

    history.undo(engine, clinic.id)
    assert voting.tally_round(engine, voting_round.id).winner is None


def test_a_decision_is_refused_without_a_tie_or_while_the_round_is_open(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, _ = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.cast_ballot(engine, voting_round.id, "Anna", [a])
    voting.cast_ballot(engine, voting_round.id, "Ben", [b])
    with pytest.raises(ConflictError, match="Close round 1"):
        voting.record_decision(engine, voting_round.id, a)

    voting.cast_ballot(engine, voting_round.id, "Cecilia", [a])
    voting.close_round(engine, voting_round.id)
    with pytest.raises(ConflictError, match="no tie"):
        voting.record_decision(engine, voting_round.id, a)
    assert voting.get_round(engine, voting_round.id).decision_theme_id is None


# ---------------------------------------------------------------- stakeholder groups


def test_results_by_stakeholder_group(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, c = three
    resident = group_id(engine, clinic.id, "resident")
    professional = group_id(engine, clinic.id, "professional")
    company = group_id(engine, clinic.id, "company")
    ngo = group_id(engine, clinic.id, "ngo")
    research = group_id(engine, clinic.id, "research")
    anna = participants.add_participant(engine, clinic.id, "Anna Virtanen", group_id=professional)
    participants.add_participant(engine, clinic.id, "Pekka Korhonen", group_id=company)
    participants.add_participant(engine, clinic.id, "Matti Mäkinen", group_id=resident)
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)

    linked = voting.cast_ballot(engine, voting_round.id, "anna virtanen", [a])
    assert (linked.participant_id, linked.group_id) == (anna.id, professional)
    # An explicit group wins over the participant's, by name or code or by id.
    by_code = voting.cast_ballot(engine, voting_round.id, "Pekka Korhonen", [b], group="ngo")
    by_id = voting.cast_ballot(engine, voting_round.id, "Matti Mäkinen", [b], group_id=research)
    assert (by_code.group_id, by_id.group_id) == (ngo, research)
    voting.cast_ballot(engine, voting_round.id, "Liisa", [a], group_id=resident)
    voting.cast_ballot(engine, voting_round.id, "Sanna", [a], group_id=resident)
    anonymous = voting.cast_ballot(engine, voting_round.id, "Vieras", [c])
    assert (anonymous.participant_id, anonymous.group_id) == (None, None)

    result = voting.tally_round(engine, voting_round.id, by_group=True)
    assert scores(result) == {a: 3, b: 2, c: 1}
    breakdown = {
        group.group_id: (group.ballot_count, scores_of(group.scores)) for group in result.by_group
    }
    assert breakdown == {
        resident: (2, {a: 2, b: 0, c: 0}),
        professional: (1, {a: 1, b: 0, c: 0}),
        ngo: (1, {a: 0, b: 1, c: 0}),
        research: (1, {a: 0, b: 1, c: 0}),
        None: (1, {a: 0, b: 0, c: 1}),
    }
    # Groups come in the clinic's order, the ungrouped last; groups without ballots are left out.
    assert [group.group_id for group in result.by_group] == [
        resident,
        professional,
        ngo,
        research,
        None,
    ]
    assert company not in breakdown
    # Without asking for the breakdown, there is none.
    assert voting.tally_round(engine, voting_round.id).by_group == []


def scores_of(theme_scores: Sequence[object]) -> dict[int, int]:
    return {s.theme_id: s.score for s in theme_scores}  # type: ignore[attr-defined]


def test_an_unknown_group_name_is_refused(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    with pytest.raises(ValidationError, match="Kuntalaiset"):
        voting.cast_ballot(engine, voting_round.id, "Anna", [three[0]], group="Kuntalaiset")
    assert voting.tally_round(engine, voting_round.id).ballot_count == 0


def test_aggregate_respondents_by_group_follow_the_same_rule_as_the_round(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, _ = three
    ngo = group_id(engine, clinic.id, "ngo")
    voting_round = open_new_round(engine, clinic.id, VotingMethod.AGGREGATE)
    voting.enter_counts(
        engine, voting_round.id, {a: 12, b: 7}, source="Teams", group="ngo", respondents=15
    )
    result = voting.tally_round(engine, voting_round.id, by_group=True)
    assert result.ballot_count == 15
    (only,) = result.by_group
    assert only.group_id == ngo
    assert only.ballot_count == result.ballot_count


# ---------------------------------------------------------------- hidden results


def test_hidden_results_stay_hidden_until_the_round_is_closed(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, _, _ = three
    draft = voting.create_round(engine, clinic.id, VotingMethod.SINGLE, hide_results=True)
    assert voting.tally_round(engine, draft.id).hidden is True
    voting.open_round(engine, draft.id)
    voting.cast_ballot(engine, draft.id, "Anna", [a])
    assert voting.tally_round(engine, draft.id).hidden is True

    voting.close_round(engine, draft.id)
    closed = voting.tally_round(engine, draft.id)
    assert closed.hidden is False
    assert closed.winner == a

    voting.open_round(engine, draft.id)
    assert voting.tally_round(engine, draft.id).hidden is True


def test_results_are_shown_live_unless_hidden(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.cast_ballot(engine, voting_round.id, "Anna", [three[1]])
    result = voting.tally_round(engine, voting_round.id)
    assert result.hidden is False
    assert result.leaders == [three[1]]


# ---------------------------------------------------------------- themes and round set-up


def test_a_theme_with_votes_cannot_be_deleted(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    a, b, c = three
    voting_round = open_new_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.cast_ballot(engine, voting_round.id, "Anna", [a])
    with pytest.raises(ConflictError) as refused:
        themes.delete_theme(engine, a)
    assert THEME_NAMES[0] in str(refused.value) and "round 1" in str(refused.value)
    assert [theme.id for theme in themes.list_themes(engine, clinic.id)] == [a, b, c]
    assert scores(voting.tally_round(engine, voting_round.id))[a] == 1
    # Nobody voted for c, but it is on the ballot of an opened round: its row in the
    # results must stay, so it stays too.
    with pytest.raises(ConflictError):
        themes.delete_theme(engine, c)
    assert [s.theme_id for s in voting.tally_round(engine, voting_round.id).scores] == [a, b, c]
    # Off every opened ballot, a theme may go; a draft round simply loses it.
    d = themes.create_theme(engine, clinic.id, "Vielä yksi").id
    draft = voting.create_round(engine, clinic.id, VotingMethod.SINGLE, theme_ids=[a, b, d])
    themes.delete_theme(engine, d)
    assert voting.get_round(engine, draft.id).theme_ids == [a, b]


def test_a_round_needs_at_least_two_themes(engine: Engine, clinic: ClinicSummary) -> None:
    (only,) = make_themes(engine, clinic.id, 1)
    with pytest.raises(ValidationError, match="at least two themes"):
        voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
    other: ThemeView = themes.create_theme(engine, clinic.id, "Toinen teema")
    for chosen in ([only], [only, only], [other.id, other.id]):
        with pytest.raises(ValidationError, match="at least two themes"):
            voting.create_round(engine, clinic.id, VotingMethod.SINGLE, theme_ids=chosen)
    with pytest.raises(NotFoundError, match="9999"):
        voting.create_round(engine, clinic.id, VotingMethod.SINGLE, theme_ids=[only, 9999])
    assert voting.list_rounds(engine, clinic.id) == []

    created = voting.create_round(
        engine, clinic.id, VotingMethod.SINGLE, theme_ids=[other.id, only]
    )
    assert created.theme_ids == [other.id, only]
    assert created.number == 1


@pytest.mark.parametrize("dots", [0, -3, 1.5, "3", 1_000_001], ids=repr)
def test_a_dot_round_refuses_bad_dots(
    engine: Engine, clinic: ClinicSummary, three: list[int], dots: object
) -> None:
    with pytest.raises(ValidationError) as refused:
        voting.create_round(engine, clinic.id, VotingMethod.DOTS, dots_per_voter=dots)  # type: ignore[arg-type]
    message = str(refused.value)
    assert "Dots per voter" in message and "from 1 to 1000000" in message
    assert voting.list_rounds(engine, clinic.id) == []


def test_dot_round_defaults_and_cap_never_above_the_dots(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    default = voting.create_round(engine, clinic.id, VotingMethod.DOTS)
    assert default.dots_per_voter == 3
    capped = voting.create_round(
        engine, clinic.id, VotingMethod.DOTS, dots_per_voter=4, cap_per_theme=9
    )
    assert (capped.dots_per_voter, capped.cap_per_theme) == (4, 4)
    assert (default.number, capped.number) == (1, 2)


def test_an_unknown_method_is_refused_naming_the_choices(
    engine: Engine, clinic: ClinicSummary, three: list[int]
) -> None:
    with pytest.raises(ValidationError) as refused:
        voting.create_round(engine, clinic.id, "approval")
    assert "approval" in str(refused.value) and "ranking" in str(refused.value)


# ---------------------------------------------------------------- SQL totals (hypothesis)


VOTERS = ("Anna", "Ben", "Cecilia", "Daniel", "Eeva", "Frans", "Greta", "Heikki")


@st.composite
def dot_election(
    draw: st.DrawFn,
) -> tuple[int, int, int, dict[str, dict[int, int]], dict[str, dict[int, int]]]:
    """Themes, dots, cap; each voter's final ballot; some voters' first ballot, replaced later.

    Ballots map a theme's index to its dots.
    """
    theme_count = draw(st.integers(2, 4))
    dots = draw(st.integers(1, 4))
    cap = draw(st.integers(1, dots))

    def ballot() -> dict[int, int]:
        placed = Counter(draw(st.lists(st.integers(0, theme_count - 1), min_size=1, max_size=dots)))
        return {index: min(count, cap) for index, count in placed.items()}

    voters = draw(st.lists(st.sampled_from(VOTERS), unique=True, max_size=len(VOTERS)))
    finals = {voter: ballot() for voter in voters}
    drafts = {voter: ballot() for voter in voters if draw(st.booleans())}
    return theme_count, dots, cap, finals, drafts


@settings(max_examples=25, deadline=None)
@given(dot_election(), st.randoms(use_true_random=False))
def test_sql_totals_equal_the_sum_of_the_ballots_cast_in_any_order(
    tmp_path_factory: pytest.TempPathFactory,
    election: tuple[int, int, int, dict[str, dict[int, int]], dict[str, dict[int, int]]],
    rnd: random.Random,
) -> None:
    theme_count, dots, cap, finals, drafts = election
    engine = open_database(tmp_path_factory.mktemp("dots") / "klinikka.db")
    try:
        clinic = clinics.create_clinic(engine, "Satunnainen klinikka", language="fi")
        theme_ids = make_themes(engine, clinic.id, theme_count)
        # The Python sum of the ballots that stand: each voter's final one.
        expected = dict.fromkeys(theme_ids, 0)
        backers = dict.fromkeys(theme_ids, 0)
        for final in finals.values():
            for index, value in final.items():
                expected[theme_ids[index]] += value
                backers[theme_ids[index]] += 1

        in_order = [*drafts, *finals]
        interleaved = list(in_order)
        rnd.shuffle(interleaved)
        for order in (in_order, interleaved):
            voting_round = open_new_round(
                engine, clinic.id, VotingMethod.DOTS, dots_per_voter=dots, cap_per_theme=cap
            )
            seen: set[str] = set()
            for voter in order:
                # A voter's first appearance casts the draft, if any; the next one replaces it.
                ballot = drafts[voter] if voter in drafts and voter not in seen else finals[voter]
                choices = {theme_ids[index]: value for index, value in ballot.items()}
                voting.cast_ballot(engine, voting_round.id, voter, choices, replace=voter in seen)
                seen.add(voter)
            result = voting.tally_round(engine, voting_round.id)
            assert scores(result) == expected
            assert {s.theme_id: s.supporters for s in result.scores} == backers
            assert result.ballot_count == len(finals)
            assert result.total == sum(expected.values())
    finally:
        engine.dispose()
