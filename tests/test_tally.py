"""The voting rules and results of tally.py, as pure functions: limits, Borda, ranks and ties."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from klinikka.errors import ValidationError
from klinikka.models import VotingMethod
from klinikka.tally import (
    DEFAULT_DOTS,
    DEFAULT_POINTS,
    BallotValue,
    Resolution,
    RoundResult,
    RoundRules,
    borda_points,
    build_result,
    rank_scores,
    validate_ballot,
)

NAMES = {
    11: "Ennaltaehkäisy",
    12: "Digitaaliset palvelut",
    13: "Asiakasosallisuus",
    14: "Työhyvinvointi",
}
THEMES = tuple(NAMES)
A, B, C, D = THEMES
NO_RESOLUTION = Resolution()


def rules(method: VotingMethod, **limits: int | None) -> RoundRules:
    return RoundRules(method=method, theme_ids=THEMES, theme_names=NAMES, **limits)


def refusal(round_rules: RoundRules, choices: object) -> str:
    """The message of the ValidationError that the ballot must raise."""
    with pytest.raises(ValidationError) as caught:
        validate_ballot(round_rules, choices)  # type: ignore[arg-type]
    message = str(caught.value)
    # A sentence a facilitator can read out: capitalised, ended, no unfilled {field}.
    assert message[0].isupper(), message
    assert message.endswith("."), message
    assert "{" not in message and "}" not in message, message
    return message


def values(ballot: Sequence[BallotValue]) -> dict[int, int]:
    return {value.theme_id: value.value for value in ballot}


def result_of(
    totals: Mapping[int, int],
    *,
    theme_order: Sequence[int] = THEMES,
    closed: bool = True,
    resolution: Resolution = NO_RESOLUTION,
    supporters: Mapping[int, int] | None = None,
    ballot_count: int = 0,
) -> RoundResult:
    return build_result(
        round_id=1,
        number=1,
        method=VotingMethod.DOTS,
        closed=closed,
        hidden=False,
        theme_order=theme_order,
        names=NAMES,
        totals=totals,
        supporters=supporters or {},
        ballot_count=ballot_count,
        resolution=resolution,
    )


# ---------------------------------------------------------------- single choice


def test_single_choice_accepts_one_theme_as_a_list_or_a_mapping() -> None:
    assert values(validate_ballot(rules(VotingMethod.SINGLE), [B])) == {B: 1}
    assert values(validate_ballot(rules(VotingMethod.SINGLE), {C: 1, A: 0})) == {C: 1}


@pytest.mark.parametrize(
    "choices",
    [[], [A, B], [A, A], {A: 1, B: 1}, {A: 2}, {A: 0, B: 0}],
    ids=["none", "two themes", "same theme twice", "two in a mapping", "two votes", "zeros"],
)
def test_single_choice_refuses_anything_but_exactly_one_theme(choices: object) -> None:
    message = refusal(rules(VotingMethod.SINGLE), choices)
    assert "exactly one theme" in message


# ---------------------------------------------------------------- dots


def test_dots_may_be_given_as_a_list_one_entry_a_dot() -> None:
    ballot = validate_ballot(
        rules(VotingMethod.DOTS, dots_per_voter=4, cap_per_theme=2), [A, C, A, D]
    )
    assert values(ballot) == {A: 2, C: 1, D: 1}


def test_dots_within_the_limits_are_accepted_and_zeros_left_out() -> None:
    ballot = validate_ballot(
        rules(VotingMethod.DOTS, dots_per_voter=5, cap_per_theme=3), {A: 3, B: 0, C: 2}
    )
    assert values(ballot) == {A: 3, C: 2}


def test_more_dots_than_each_voter_has_is_refused_naming_both_numbers() -> None:
    message = refusal(rules(VotingMethod.DOTS, dots_per_voter=4), {A: 2, B: 2, C: 1})
    assert "5 dots" in message
    assert "each voter has 4" in message


def test_dots_default_to_three_per_voter() -> None:
    assert DEFAULT_DOTS == 3
    assert values(validate_ballot(rules(VotingMethod.DOTS), {A: 1, B: 1, C: 1})) == {
        A: 1,
        B: 1,
        C: 1,
    }
    message = refusal(rules(VotingMethod.DOTS), [A, B, C, D])
    assert "4 dots" in message and "has 3" in message


def test_more_dots_on_one_theme_than_the_cap_is_refused_naming_the_theme() -> None:
    message = refusal(rules(VotingMethod.DOTS, dots_per_voter=5, cap_per_theme=2), {B: 3})
    assert "at most 2" in message.lower()
    assert "Digitaaliset palvelut" in message
    assert re.search(r"\b3\b", message)


def test_a_dot_ballot_needs_at_least_one_dot() -> None:
    for empty in ([], {}, {A: 0, B: 0}):
        assert "at least one dot" in refusal(rules(VotingMethod.DOTS, dots_per_voter=3), empty)


@pytest.mark.parametrize("bad", [-1, 1.5, "2", None, True], ids=repr)
def test_dots_are_whole_numbers_zero_or_more(bad: object) -> None:
    message = refusal(rules(VotingMethod.DOTS, dots_per_voter=3), {A: 1, B: bad})
    assert "whole numbers, zero or more" in message


# ---------------------------------------------------------------- ranking (Borda)


def test_borda_points_are_the_number_of_themes_ranked_below() -> None:
    assert [borda_points(4, rank) for rank in (1, 2, 3, 4)] == [3, 2, 1, 0]


def test_a_full_ranking_gives_k_minus_rank_points_and_keeps_the_order() -> None:
    ballot = validate_ballot(rules(VotingMethod.RANKING), [C, A, D, B])
    assert values(ballot) == {C: 3, A: 2, D: 1, B: 0}
    assert [(value.theme_id, value.rank) for value in ballot] == [(C, 1), (A, 2), (D, 3), (B, 4)]


def test_a_ranking_given_as_theme_to_rank_mapping_counts_the_same() -> None:
    as_list = validate_ballot(rules(VotingMethod.RANKING), [C, A, D, B])
    as_mapping = validate_ballot(rules(VotingMethod.RANKING), {B: 4, A: 2, D: 3, C: 1})
    assert values(as_mapping) == values(as_list)


def test_a_partial_ranking_gives_the_ranked_themes_their_full_points() -> None:
    ballot = validate_ballot(rules(VotingMethod.RANKING), [D, B])
    assert values(ballot) == {D: 3, B: 2}


def test_a_ranking_needs_at_least_one_theme() -> None:
    assert "at least one theme" in refusal(rules(VotingMethod.RANKING), [])


def test_a_theme_cannot_be_ranked_twice() -> None:
    assert "only once" in refusal(rules(VotingMethod.RANKING), [A, B, A])


def test_two_themes_at_the_same_rank_are_refused() -> None:
    refusal(rules(VotingMethod.RANKING), {A: 1, B: 1})


# ---------------------------------------------------------------- points


def test_points_within_the_budget_and_cap_are_accepted() -> None:
    ballot = validate_ballot(
        rules(VotingMethod.POINTS, points_budget=100, cap_per_theme=60), {A: 60, B: 25, D: 15}
    )
    assert values(ballot) == {A: 60, B: 25, D: 15}


def test_points_over_the_budget_are_refused_naming_sum_and_budget() -> None:
    message = refusal(rules(VotingMethod.POINTS, points_budget=10), {A: 6, B: 5})
    assert "add up to 11" in message
    assert "budget of 10" in message


def test_the_points_budget_defaults_to_one_hundred() -> None:
    assert DEFAULT_POINTS == 100
    assert values(validate_ballot(rules(VotingMethod.POINTS), {A: 100})) == {A: 100}
    message = refusal(rules(VotingMethod.POINTS), {A: 70, B: 31})
    assert "101" in message and "budget of 100" in message


def test_points_over_the_cap_on_one_theme_are_refused() -> None:
    message = refusal(
        rules(VotingMethod.POINTS, points_budget=100, cap_per_theme=60), {A: 70, B: 30}
    )
    assert "at most 60" in message.lower()
    assert "Ennaltaehkäisy" in message
    assert "70" in message


def test_a_points_ballot_needs_points_somewhere() -> None:
    assert "at least one theme" in refusal(rules(VotingMethod.POINTS), {A: 0})


def test_negative_points_are_refused() -> None:
    message = refusal(rules(VotingMethod.POINTS), {A: 50, B: -10})
    assert "zero or more" in message


# ---------------------------------------------------------------- aggregate counts


def test_aggregate_counts_keep_each_count_above_zero() -> None:
    ballot = validate_ballot(rules(VotingMethod.AGGREGATE), {A: 17, B: 0, C: 250})
    assert values(ballot) == {A: 17, C: 250}


def test_aggregate_counts_need_a_count_above_zero() -> None:
    for empty in ({}, {A: 0, B: 0}):
        assert "above zero" in refusal(rules(VotingMethod.AGGREGATE), empty)


def test_aggregate_counts_are_not_negative() -> None:
    assert "zero or more" in refusal(rules(VotingMethod.AGGREGATE), {A: 5, B: -1})


# ---------------------------------------------------------------- the ballot's themes


@pytest.mark.parametrize("method", list(VotingMethod), ids=str)
def test_a_theme_not_on_the_ballot_is_refused_by_every_method(method: VotingMethod) -> None:
    narrow = RoundRules(method=method, theme_ids=(A, B), theme_names=NAMES, dots_per_voter=3)
    choices: object = [C] if method in (VotingMethod.SINGLE, VotingMethod.RANKING) else {C: 1}
    message = refusal(narrow, choices)
    assert "Asiakasosallisuus" in message
    assert "not on the ballot" in message


def test_an_unknown_theme_is_named_by_its_id() -> None:
    message = refusal(rules(VotingMethod.SINGLE), [999])
    assert "Theme 999 is not on the ballot" in message


# ---------------------------------------------------------------- ranks and results


def test_equal_scores_share_a_competition_rank() -> None:
    scores = rank_scores({A: 5, B: 5, C: 2, D: 2}, {}, THEMES, NAMES)
    assert [(score.theme_id, score.rank) for score in scores] == [(A, 1), (B, 1), (C, 3), (D, 3)]


def test_scores_are_highest_first_and_ties_keep_the_ballot_order() -> None:
    scores = rank_scores({D: 4, B: 7, A: 4}, {}, THEMES, NAMES)
    assert [score.theme_id for score in scores] == [B, A, D, C]
    assert [score.rank for score in scores] == [1, 2, 2, 4]
    assert [score.name for score in scores] == [NAMES[B], NAMES[A], NAMES[D], NAMES[C]]


def test_shares_are_fractions_of_the_total() -> None:
    scores = {s.theme_id: s for s in rank_scores({A: 3, B: 1}, {A: 2, B: 1}, THEMES, NAMES)}
    assert scores[A].share == pytest.approx(0.75)
    assert scores[B].share == pytest.approx(0.25)
    assert scores[C].share == 0.0
    assert scores[A].supporters == 2


def test_a_clear_leader_wins_by_votes_once_the_round_is_closed() -> None:
    closed = result_of({A: 2, B: 5, C: 1})
    assert (closed.winner, closed.decided_by, closed.tie) == (B, "votes", False)
    assert closed.total == 8
    still_open = result_of({A: 2, B: 5, C: 1}, closed=False)
    assert still_open.leaders == [B]
    assert still_open.winner is None and still_open.decided_by is None


def test_a_tie_is_declared_and_not_broken() -> None:
    result = result_of({A: 4, B: 1, C: 4})
    assert result.tie is True
    assert result.leaders == [A, C]
    assert result.winner is None and result.decided_by is None


def test_a_round_without_votes_has_no_leader_and_no_tie() -> None:
    result = result_of({})
    assert (result.leaders, result.tie, result.winner) == ([], False, None)
    assert [score.rank for score in result.scores] == [1, 1, 1, 1]


def test_a_decision_for_a_tied_theme_settles_the_tie() -> None:
    result = result_of(
        {A: 4, B: 1, C: 4},
        resolution=Resolution(decision_theme_id=C, decision_note="Ajankohtainen"),
    )
    assert (result.tie, result.winner, result.decided_by) == (True, C, "decision")
    assert result.decision_note == "Ajankohtainen"


def test_a_decision_for_a_theme_outside_the_tie_settles_nothing() -> None:
    result = result_of({A: 4, B: 1, C: 4}, resolution=Resolution(decision_theme_id=B))
    assert result.winner is None and result.decided_by is None
    assert result.decision_note == ""


def test_a_runoff_winner_among_the_leaders_settles_the_tie() -> None:
    result = result_of({A: 4, B: 1, C: 4}, resolution=Resolution(runoff_number=2, runoff_winner=A))
    assert (result.winner, result.decided_by, result.runoff_round) == (A, "runoff", 2)


def test_an_undecided_runoff_leaves_the_tie_open() -> None:
    result = result_of(
        {A: 4, B: 1, C: 4}, resolution=Resolution(runoff_number=2, runoff_winner=None)
    )
    assert result.winner is None and result.runoff_round == 2


def test_a_resolution_does_not_override_a_clear_winner() -> None:
    result = result_of({A: 4, B: 5}, resolution=Resolution(decision_theme_id=A))
    assert (result.winner, result.decided_by) == (B, "votes")


# ---------------------------------------------------------------- invariants (hypothesis)

ON_BALLOT = st.sampled_from(THEMES)
ANY_THEME = st.sampled_from((*THEMES, 98, 99))
LIMIT_METHODS = (
    VotingMethod.SINGLE,
    VotingMethod.DOTS,
    VotingMethod.POINTS,
    VotingMethod.AGGREGATE,
)


@st.composite
def round_rules(draw: st.DrawFn) -> RoundRules:
    method = draw(st.sampled_from(LIMIT_METHODS))
    size = draw(st.integers(2, len(THEMES)))
    return RoundRules(
        method=method,
        theme_ids=THEMES[:size],
        dots_per_voter=draw(st.none() | st.integers(1, 8)),
        cap_per_theme=draw(st.none() | st.integers(1, 8)),
        points_budget=draw(st.none() | st.integers(1, 30)),
        theme_names=NAMES,
    )


def obeys_limits(round_rules: RoundRules, counts: Mapping[int, int]) -> bool:
    """The rule book, written out independently of tally.py."""
    if any(theme not in round_rules.theme_ids for theme in counts):
        return False
    if any(value < 0 for value in counts.values()):
        return False
    given = {theme: value for theme, value in counts.items() if value > 0}
    used = sum(given.values())
    cap = round_rules.cap_per_theme
    method = round_rules.method
    if method is VotingMethod.SINGLE:
        return list(given.values()) == [1]
    if method is VotingMethod.DOTS:
        limit = round_rules.dots_per_voter or DEFAULT_DOTS
        return 1 <= used <= limit and (cap is None or max(given.values()) <= cap)
    if method is VotingMethod.POINTS:
        budget = round_rules.points_budget or DEFAULT_POINTS
        return 1 <= used <= budget and (cap is None or max(given.values()) <= cap)
    return used >= 1


@settings(max_examples=300)
@given(round_rules(), st.dictionaries(ANY_THEME, st.integers(-2, 12), max_size=6))
def test_a_ballot_is_accepted_exactly_when_it_keeps_the_limits(
    round_rules: RoundRules, counts: dict[int, int]
) -> None:
    try:
        ballot = validate_ballot(round_rules, counts)
    except ValidationError:
        assert not obeys_limits(round_rules, counts)
        return
    assert obeys_limits(round_rules, counts)
    given_values = values(ballot)
    assert given_values == {theme: value for theme, value in counts.items() if value > 0}
    assert set(given_values) <= set(round_rules.theme_ids)
    if round_rules.method is VotingMethod.DOTS:
        assert sum(given_values.values()) <= (round_rules.dots_per_voter or DEFAULT_DOTS)
    if round_rules.method is VotingMethod.POINTS:
        assert sum(given_values.values()) <= (round_rules.points_budget or DEFAULT_POINTS)
    if round_rules.cap_per_theme is not None and round_rules.method in (
        VotingMethod.DOTS,
        VotingMethod.POINTS,
    ):
        assert max(given_values.values()) <= round_rules.cap_per_theme


@settings(max_examples=200)
@given(round_rules(), st.lists(ANY_THEME, max_size=10))
def test_dots_as_a_list_are_judged_like_the_counts_they_make(
    round_rules: RoundRules, dots: list[int]
) -> None:
    counts = dict(Counter(dots))
    try:
        ballot = validate_ballot(round_rules, dots)
    except ValidationError:
        assert not obeys_limits(round_rules, counts)
    else:
        assert values(ballot) == counts


@st.composite
def full_rankings(draw: st.DrawFn) -> tuple[tuple[int, ...], list[list[int]]]:
    """Themes on a ballot and each voter's complete ranking of them."""
    size = draw(st.integers(2, len(THEMES)))
    themes = THEMES[:size]
    voters = draw(st.lists(st.permutations(themes), min_size=1, max_size=12))
    return themes, [list(order) for order in voters]


def textbook_borda(themes: Sequence[int], rankings: Sequence[Sequence[int]]) -> dict[int, int]:
    """Each voter gives a candidate one point for every candidate ranked below it."""
    totals = dict.fromkeys(themes, 0)
    for order in rankings:
        for position, candidate in enumerate(order):
            totals[candidate] += sum(1 for _ in order[position + 1 :])
    return totals


def summed(ballots: Sequence[Sequence[BallotValue]]) -> tuple[dict[int, int], dict[int, int]]:
    """What the service's GROUP BY computes: each theme's sum and its number of entries."""
    totals: dict[int, int] = {}
    supporters: dict[int, int] = {}
    for ballot in ballots:
        for value in ballot:
            totals[value.theme_id] = totals.get(value.theme_id, 0) + value.value
            supporters[value.theme_id] = supporters.get(value.theme_id, 0) + 1
    return totals, supporters


@settings(max_examples=200)
@given(full_rankings())
def test_borda_on_full_rankings_is_the_textbook_count(
    case: tuple[tuple[int, ...], list[list[int]]],
) -> None:
    themes, rankings = case
    ranking_rules = RoundRules(VotingMethod.RANKING, themes, theme_names=NAMES)
    ballots = [validate_ballot(ranking_rules, order) for order in rankings]
    totals, supporters = summed(ballots)
    expected = textbook_borda(themes, rankings)
    assert {theme: totals.get(theme, 0) for theme in themes} == expected

    scores = rank_scores(totals, supporters, themes, NAMES)
    assert {score.theme_id: score.score for score in scores} == expected
    result = build_result(
        round_id=1,
        number=1,
        method=VotingMethod.RANKING,
        closed=True,
        hidden=False,
        theme_order=themes,
        names=NAMES,
        totals=totals,
        supporters=supporters,
        ballot_count=len(rankings),
    )
    k = len(themes)
    assert result.total == len(rankings) * k * (k - 1) // 2
    best = max(expected.values())
    leaders = [theme for theme in themes if expected[theme] == best]
    assert result.leaders == leaders
    assert result.tie is (len(leaders) > 1)
    assert result.winner == (leaders[0] if len(leaders) == 1 else None)


@st.composite
def dot_ballots(draw: st.DrawFn) -> tuple[RoundRules, list[dict[int, int]]]:
    dots = draw(st.integers(1, 6))
    cap = draw(st.integers(1, dots))
    dot_rules = RoundRules(
        VotingMethod.DOTS, THEMES, dots_per_voter=dots, cap_per_theme=cap, theme_names=NAMES
    )
    ballots = []
    for _ in range(draw(st.integers(0, 15))):
        placed = Counter(draw(st.lists(ON_BALLOT, min_size=1, max_size=dots)))
        ballots.append({theme: min(count, cap) for theme, count in placed.items()})
    return dot_rules, ballots


def comparable(result: RoundResult) -> tuple[object, ...]:
    return (
        [(s.theme_id, s.score, s.supporters, s.rank) for s in result.scores],
        result.leaders,
        result.tie,
        result.winner,
        result.decided_by,
        result.total,
    )


def result_from(round_rules: RoundRules, ballots: Sequence[Mapping[int, int]]) -> RoundResult:
    totals, supporters = summed([validate_ballot(round_rules, ballot) for ballot in ballots])
    return build_result(
        round_id=1,
        number=1,
        method=round_rules.method,
        closed=True,
        hidden=False,
        theme_order=round_rules.theme_ids,
        names=NAMES,
        totals=totals,
        supporters=supporters,
        ballot_count=len(ballots),
    )


@settings(max_examples=200)
@given(dot_ballots(), st.randoms(use_true_random=False))
def test_the_order_of_the_ballots_never_changes_the_result(
    case: tuple[RoundRules, list[dict[int, int]]], rnd: random.Random
) -> None:
    dot_rules, ballots = case
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    # The database may also return the summed themes in any order.
    shuffled = [dict(sorted(ballot.items(), reverse=True)) for ballot in shuffled]
    assert comparable(result_from(dot_rules, shuffled)) == comparable(
        result_from(dot_rules, ballots)
    )


@settings(max_examples=200)
@given(dot_ballots())
def test_scores_are_the_sums_of_the_ballots(case: tuple[RoundRules, list[dict[int, int]]]) -> None:
    dot_rules, ballots = case
    result = result_from(dot_rules, ballots)
    for score in result.scores:
        assert score.score == sum(ballot.get(score.theme_id, 0) for ballot in ballots)
        assert score.supporters == sum(1 for ballot in ballots if ballot.get(score.theme_id))
    assert result.total == sum(sum(ballot.values()) for ballot in ballots)
    if result.total:
        assert sum(score.share for score in result.scores) == pytest.approx(1.0)


@settings(max_examples=300)
@given(st.dictionaries(ON_BALLOT, st.integers(0, 5)))
def test_ranks_are_competition_ranks(totals: dict[int, int]) -> None:
    scores = rank_scores(totals, {}, THEMES, NAMES)
    assert sorted(score.theme_id for score in scores) == sorted(THEMES)
    assert [score.score for score in scores] == sorted(
        (totals.get(theme, 0) for theme in THEMES), reverse=True
    )
    for score in scores:
        higher = sum(1 for theme in THEMES if totals.get(theme, 0) > score.score)
        assert score.rank == higher + 1


@st.composite
def tied_or_not(draw: st.DrawFn) -> tuple[dict[int, int], Resolution]:
    totals = draw(st.dictionaries(ON_BALLOT, st.integers(0, 4)))
    kind = draw(st.sampled_from(["none", "decision", "runoff"]))
    pick = draw(ON_BALLOT)
    if kind == "decision":
        return totals, Resolution(decision_theme_id=pick, decision_note="syy")
    if kind == "runoff":
        return totals, Resolution(runoff_number=2, runoff_winner=pick)
    return totals, Resolution()


@settings(max_examples=300)
@given(tied_or_not(), st.booleans())
def test_ties_are_declared_and_only_a_resolution_among_the_leaders_settles_them(
    case: tuple[dict[int, int], Resolution], closed: bool
) -> None:
    totals, resolution = case
    result = result_of(totals, resolution=resolution, closed=closed)
    best = max((totals.get(theme, 0) for theme in THEMES), default=0)
    leaders = [theme for theme in THEMES if best > 0 and totals.get(theme, 0) == best]
    assert result.leaders == leaders
    assert result.tie is (len(leaders) > 1)
    if not closed:
        assert result.winner is None and result.decided_by is None
    elif len(leaders) == 1:
        assert (result.winner, result.decided_by) == (leaders[0], "votes")
    elif resolution.decision_theme_id in leaders:
        assert (result.winner, result.decided_by) == (resolution.decision_theme_id, "decision")
    elif resolution.runoff_winner in leaders:
        assert (result.winner, result.decided_by) == (resolution.runoff_winner, "runoff")
    else:
        assert result.winner is None and result.decided_by is None


@settings(max_examples=100)
@given(st.integers(2, 4), st.data())
def test_a_top_tie_is_never_given_a_winner_without_a_resolution(
    tied: int, data: st.DataObject
) -> None:
    top = data.draw(st.integers(1, 10))
    order = data.draw(st.permutations(THEMES))
    totals = {theme: top for theme in order[:tied]}
    totals.update({theme: data.draw(st.integers(0, top - 1)) for theme in order[tied:]})
    assume(sum(1 for value in totals.values() if value == top) == tied)
    result = result_of(totals)
    assert result.tie is True
    assert result.winner is None
    assert sorted(result.leaders) == sorted(order[:tied])
    assert all(score.rank == 1 for score in result.scores if score.theme_id in result.leaders)
