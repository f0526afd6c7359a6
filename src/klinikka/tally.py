"""The voting engine: ballot rules and results, as pure functions over what SQL aggregated.

Nothing here touches the database. ``validate_ballot`` turns what a voter chose into the value
each theme gets, enforcing the method's limits; the service stores those values and sums them
with ``GROUP BY``; ``build_result`` ranks the sums, names ties and says who won.

The methods (docs/voting.md has the whole rule book):
- single: one theme, one vote.
- dots: up to ``dots_per_voter`` dots spread over the themes, at most ``cap_per_theme`` on one.
- ranking (Borda): with k themes on the ballot, the theme ranked r-th gets k − r points, so the
  first gets k − 1 and the last 0. A partial ranking gives the same points to the themes it
  ranks and none to the others.
- points: up to ``points_budget`` points (default 100) spread over the themes, with the cap.
- aggregate: counts per theme typed in from an external poll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from klinikka.enums import VotingMethod
from klinikka.errors import ValidationError
from klinikka.i18n import N_, NP_

# Each method's name as the app, the command line and the summaries show it.
METHOD_NAMES = {
    VotingMethod.SINGLE: N_("single choice"),
    VotingMethod.DOTS: N_("dot voting"),
    VotingMethod.RANKING: N_("ranking (Borda count)"),
    VotingMethod.POINTS: N_("points"),
    VotingMethod.AGGREGATE: N_("counts from an external poll"),
}

DEFAULT_DOTS = 3
DEFAULT_POINTS = 100

Choices = Sequence[int] | Mapping[int, int]


@dataclass(frozen=True)
class RoundRules:
    """What a ballot of a round may contain."""

    method: VotingMethod
    theme_ids: tuple[int, ...]
    dots_per_voter: int | None = None
    cap_per_theme: int | None = None
    points_budget: int | None = None
    theme_names: Mapping[int, str] = field(default_factory=dict)

    def name(self, theme_id: int) -> str:
        return self.theme_names.get(theme_id, str(theme_id))


@dataclass(frozen=True)
class BallotValue:
    """What one ballot gives one theme; ``rank`` only for ranking."""

    theme_id: int
    value: int
    rank: int | None = None


def borda_points(themes_on_ballot: int, rank: int) -> int:
    """Borda points of the theme ranked ``rank`` (1 is first) among ``themes_on_ballot``."""
    return themes_on_ballot - rank


def _as_counts(choices: Choices) -> dict[int, int]:
    if isinstance(choices, Mapping):
        return {int(theme): value for theme, value in choices.items()}
    counts: dict[int, int] = {}
    for theme in choices:
        counts[int(theme)] = counts.get(int(theme), 0) + 1
    return counts


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_on_ballot(rules: RoundRules, theme_ids: Sequence[int]) -> None:
    for theme_id in theme_ids:
        if theme_id not in rules.theme_ids:
            raise ValidationError(
                N_("Theme {theme} is not on the ballot of this round."), theme=rules.name(theme_id)
            )


def _check_cap(rules: RoundRules, counts: Mapping[int, int]) -> None:
    cap = rules.cap_per_theme
    if cap is None:
        return
    if rules.method is VotingMethod.DOTS:
        message = NP_(
            "A theme can get at most {cap} dot; “{theme}” got {given}.",
            "A theme can get at most {cap} dots; “{theme}” got {given}.",
        )
    else:
        message = NP_(
            "A theme can get at most {cap} point; “{theme}” got {given}.",
            "A theme can get at most {cap} points; “{theme}” got {given}.",
        )
    for theme_id, value in counts.items():
        if value > cap:
            raise ValidationError(
                message,
                plural_by="cap",
                cap=cap,
                theme=rules.name(theme_id),
                given=value,
            )


def validate_ballot(rules: RoundRules, choices: Choices) -> list[BallotValue]:
    """Check a ballot against the round's rules; return what each theme gets.

    ``choices`` is a list of themes (single: one; dots: one entry a dot; ranking: in order)
    or a mapping of theme to dots, points or count. Raises ValidationError with a message
    that names the broken rule. Themes given nothing are left out.
    """
    method = rules.method
    if method is VotingMethod.RANKING:
        if isinstance(choices, Mapping):
            if len(set(choices.values())) != len(choices):
                raise ValidationError(N_("Two themes cannot share a rank."))
            order = [theme for theme, _ in sorted(choices.items(), key=lambda item: item[1])]
        else:
            order = [int(theme) for theme in choices]
        if not order:
            raise ValidationError(N_("Rank at least one theme."))
        if len(set(order)) != len(order):
            raise ValidationError(N_("A theme can be ranked only once."))
        _check_on_ballot(rules, order)
        k = len(rules.theme_ids)
        return [
            BallotValue(theme_id, borda_points(k, rank), rank)
            for rank, theme_id in enumerate(order, start=1)
        ]

    counts = _as_counts(choices)
    _check_on_ballot(rules, list(counts))
    if any(not _whole(value) or value < 0 for value in counts.values()):
        raise ValidationError(N_("Votes, dots, points and counts are whole numbers, zero or more."))
    given = {theme: value for theme, value in counts.items() if value > 0}

    if method is VotingMethod.SINGLE:
        if len(given) != 1 or next(iter(given.values())) != 1:
            raise ValidationError(N_("Choose exactly one theme."))
    elif method is VotingMethod.DOTS:
        limit = rules.dots_per_voter or DEFAULT_DOTS
        used = sum(given.values())
        if used == 0:
            raise ValidationError(N_("Place at least one dot."))
        if used > limit:
            raise ValidationError(
                NP_(
                    "That is {used} dot, but each voter has {limit}.",
                    "That is {used} dots, but each voter has {limit}.",
                ),
                plural_by="used",
                used=used,
                limit=limit,
            )
        _check_cap(rules, given)
    elif method is VotingMethod.POINTS:
        budget = rules.points_budget or DEFAULT_POINTS
        used = sum(given.values())
        if used == 0:
            raise ValidationError(N_("Give points to at least one theme."))
        if used > budget:
            raise ValidationError(
                N_("The points add up to {used}, more than the budget of {budget}."),
                used=used,
                budget=budget,
            )
        _check_cap(rules, given)
    elif method is VotingMethod.AGGREGATE and not given:
        raise ValidationError(N_("Enter a count above zero for at least one theme."))
    return [BallotValue(theme_id, value) for theme_id, value in given.items()]


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class ThemeScore:
    theme_id: int
    name: str
    score: int
    # How many ballots gave this theme something (for aggregate counts: the count).
    supporters: int
    share: float
    rank: int


@dataclass(frozen=True)
class GroupResult:
    group_id: int | None
    group_name: str | None
    ballot_count: int
    scores: list[ThemeScore]


@dataclass(frozen=True)
class RoundResult:
    round_id: int
    number: int
    method: VotingMethod
    closed: bool
    hidden: bool
    ballot_count: int
    total: int
    scores: list[ThemeScore]
    # The themes with the highest score (more than one: a tie), none before any vote.
    leaders: list[int]
    tie: bool
    winner: int | None
    # How the winner was found: "votes", "runoff" or "decision"; None while undecided.
    decided_by: str | None
    decision_note: str = ""
    runoff_round: int | None = None
    by_group: list[GroupResult] = field(default_factory=list)


def rank_scores(
    totals: Mapping[int, int],
    supporters: Mapping[int, int],
    theme_order: Sequence[int],
    names: Mapping[int, str],
) -> list[ThemeScore]:
    """Themes by score, highest first; equal scores share a rank (1, 1, 3) and keep ballot order."""
    total = sum(totals.get(theme, 0) for theme in theme_order)
    ordered = sorted(enumerate(theme_order), key=lambda item: (-totals.get(item[1], 0), item[0]))
    scores: list[ThemeScore] = []
    for index, (_, theme) in enumerate(ordered):
        score = totals.get(theme, 0)
        rank = scores[-1].rank if scores and scores[-1].score == score else index + 1
        scores.append(
            ThemeScore(
                theme_id=theme,
                name=names.get(theme, str(theme)),
                score=score,
                supporters=supporters.get(theme, 0),
                share=score / total if total else 0.0,
                rank=rank,
            )
        )
    return scores


K = TypeVar("K")


def groups_to_fold(counts: Mapping[K, int], smallest: int) -> set[K]:
    """Which of the groups (ballots by group) to fold together: those of fewer than
    ``smallest`` ballots, and while these are together still under ``smallest``, the next
    smallest too, so that no vote can be worked out from the others and the total. Every
    group, when the rest would be a single group (nothing is then shown by group)."""
    small = [key for key, count in counts.items() if count < smallest]
    if not small:
        return set()
    rest = sorted((key for key in counts if counts[key] >= smallest), key=lambda key: counts[key])
    while rest and sum(counts[key] for key in small) < smallest:
        small.append(rest.pop(0))
    return set(counts) if not rest else set(small)


def fold_small_groups(
    groups: Sequence[GroupResult], smallest: int, theme_order: Sequence[int], other_name: str
) -> list[GroupResult]:
    """``groups`` with the small ones (``groups_to_fold``) folded into one group called
    ``other_name``, last; [] when every group would fold (nothing to show by group)."""
    folding = groups_to_fold({index: g.ballot_count for index, g in enumerate(groups)}, smallest)
    if not folding:
        return list(groups)
    if len(folding) == len(groups):
        return []
    small = [group for index, group in enumerate(groups) if index in folding]
    totals: dict[int, int] = {}
    supporters: dict[int, int] = {}
    names: dict[int, str] = {}
    for group in small:
        for score in group.scores:
            totals[score.theme_id] = totals.get(score.theme_id, 0) + score.score
            supporters[score.theme_id] = supporters.get(score.theme_id, 0) + score.supporters
            names[score.theme_id] = score.name
    order = [theme for theme in theme_order if theme in names]
    order += [theme for theme in names if theme not in order]
    other = GroupResult(
        group_id=None,
        group_name=other_name,
        ballot_count=sum(group.ballot_count for group in small),
        scores=rank_scores(totals, supporters, order, names),
    )
    kept = [group for index, group in enumerate(groups) if index not in folding]
    return [*kept, other]


def leaders_of(scores: Sequence[ThemeScore]) -> list[int]:
    """The themes sharing the highest score, if anything was scored at all."""
    if not scores or scores[0].score <= 0:
        return []
    return [score.theme_id for score in scores if score.score == scores[0].score]


@dataclass(frozen=True)
class Resolution:
    """How a tie was settled, if it was: a facilitator's decision or a runoff's winner."""

    decision_theme_id: int | None = None
    decision_note: str = ""
    runoff_number: int | None = None
    runoff_winner: int | None = None


def build_result(
    *,
    round_id: int,
    number: int,
    method: VotingMethod,
    closed: bool,
    hidden: bool,
    theme_order: Sequence[int],
    names: Mapping[int, str],
    totals: Mapping[int, int],
    supporters: Mapping[int, int],
    ballot_count: int,
    resolution: Resolution = Resolution(),
    by_group: Sequence[GroupResult] = (),
) -> RoundResult:
    """A round's result from its summed values; a tie stays one unless ``resolution`` settles it."""
    scores = rank_scores(totals, supporters, theme_order, names)
    leaders = leaders_of(scores)
    tie = len(leaders) > 1
    winner: int | None = None
    decided_by: str | None = None
    if len(leaders) == 1:
        winner, decided_by = leaders[0], "votes"
    elif tie and resolution.decision_theme_id in leaders:
        winner, decided_by = resolution.decision_theme_id, "decision"
    elif tie and resolution.runoff_winner in leaders:
        winner, decided_by = resolution.runoff_winner, "runoff"
    return RoundResult(
        round_id=round_id,
        number=number,
        method=method,
        closed=closed,
        hidden=hidden,
        ballot_count=ballot_count,
        total=sum(score.score for score in scores),
        scores=scores,
        leaders=leaders,
        tie=tie,
        winner=winner if closed else None,
        decided_by=decided_by if closed else None,
        decision_note=resolution.decision_note if decided_by == "decision" else "",
        runoff_round=resolution.runoff_number,
        by_group=list(by_group),
    )
