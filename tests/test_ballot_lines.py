"""Ballots typed as one line: what the facilitator writes, what the round counts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine

from klinikka.errors import BallotExistsError, ValidationError
from klinikka.models import ClinicSummary, VotingMethod
from klinikka.services import themes, voting
from klinikka.services.ballot_lines import cast_ballot_line, parse_ballot_line


@pytest.mark.parametrize(
    ("line", "method", "voter", "group", "order", "values", "respondents"),
    [
        ("Maija Virtanen: 2", VotingMethod.SINGLE, "Maija Virtanen", "", [2], {}, None),
        ("Maija / yritys: 1 1 3", VotingMethod.DOTS, "Maija", "yritys", [1, 1, 3], {}, None),
        ("Pekka: 1=2, 3=1", VotingMethod.DOTS, "Pekka", "", [], {1: 2, 3: 1}, None),
        ("Pekka: 3 1 2", VotingMethod.RANKING, "Pekka", "", [3, 1, 2], {}, None),
        ("Anna: 1=50 2=30 3=20", VotingMethod.POINTS, "Anna", "", [], {1: 50, 2: 30, 3: 20}, None),
        ("Teams: 1=12 2=7 n=25", VotingMethod.AGGREGATE, "Teams", "", [], {1: 12, 2: 7}, 25),
        ("/ yritys: 1=5 2=3", VotingMethod.AGGREGATE, "yritys", "yritys", [], {1: 5, 2: 3}, None),
        ("1=4 2=1", VotingMethod.AGGREGATE, "poll", "", [], {1: 4, 2: 1}, None),
    ],
)
def test_a_typed_ballot_is_read_as_the_syntax_says(
    line: str,
    method: VotingMethod,
    voter: str,
    group: str,
    order: list[int],
    values: dict[int, int],
    respondents: int | None,
) -> None:
    parsed = parse_ballot_line(line, method, 3)
    assert (parsed.voter, parsed.group, parsed.order, parsed.values, parsed.respondents) == (
        voter,
        group,
        order,
        values,
        respondents,
    )


@pytest.mark.parametrize(
    ("line", "method", "says"),
    [
        ("2", VotingMethod.SINGLE, "voter’s name"),
        ("Maija: 4", VotingMethod.SINGLE, "no theme 4"),
        ("Maija: 0", VotingMethod.SINGLE, "no theme 0"),
        ("Maija: kaksi", VotingMethod.SINGLE, "“kaksi”"),
        ("Maija:", VotingMethod.SINGLE, "no choices"),
        ("Maija: 1 2=1", VotingMethod.DOTS, "not both"),
        ("Maija: 1 2", VotingMethod.POINTS, "points or count"),
        ("Maija: 1=1 2=2", VotingMethod.RANKING, "in order"),
        ("Maija: 1=1 1=2", VotingMethod.POINTS, "twice"),
        ("Maija: 1=99999999999999", VotingMethod.POINTS, "too large"),
    ],
)
def test_a_wrong_line_says_what_is_wrong(line: str, method: VotingMethod, says: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_ballot_line(line, method, 3)
    assert says in str(error.value)


@given(st.text(max_size=80), st.sampled_from(list(VotingMethod)))
def test_any_text_is_a_ballot_or_a_clear_error(line: str, method: VotingMethod) -> None:
    try:
        parsed = parse_ballot_line(line, method, 4)
    except ValidationError as error:
        assert str(error)
    else:
        assert all(1 <= n <= 4 for n in [*parsed.order, *parsed.values])


def test_cast_a_typed_ballot_into_an_open_round(engine: Engine, clinic: ClinicSummary) -> None:
    ids = [themes.create_theme(engine, clinic.id, name).id for name in ("A", "B", "C")]
    created = voting.create_round(engine, clinic.id, VotingMethod.DOTS, dots_per_voter=3)
    voting.open_round(engine, created.id)

    cast_ballot_line(engine, created.id, "Maija: 1 1 3")
    with pytest.raises(BallotExistsError):
        cast_ballot_line(engine, created.id, "maija: 2")
    cast_ballot_line(engine, created.id, "maija: 2", replace=True)
    with pytest.raises(ValidationError, match="4 dots"):
        cast_ballot_line(engine, created.id, "Pekka: 1 1 2 3")

    result = voting.tally_round(engine, created.id)
    assert {s.theme_id: s.score for s in result.scores} == {ids[0]: 0, ids[1]: 1, ids[2]: 0}
    assert result.ballot_count == 1
