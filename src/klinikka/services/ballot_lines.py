"""Ballots typed as one line, as the facilitator hears them (docs/voting.md, "Typing ballots").

    Maija Virtanen: 2                 single choice: theme 2 of the ballot
    Maija Virtanen / yritys: 1 1 3    dots: a number a dot (or 1=2 3=1)
    Pekka: 3 1 2                      ranking: the themes in order of preference
    Anna: 1=50 2=30 3=20              points
    Teams: 1=12 2=7 3=3 n=25          poll counts, with the number of respondents
    / yritys: 1=5 2=3                 poll counts of one stakeholder group

Themes are numbered as the ballot lists them. ``parse_ballot_line`` is pure; ``cast_ballot_line``
enters the ballot through ``voting.cast_ballot``, which checks the round's rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Engine

from klinikka.errors import ValidationError
from klinikka.i18n import N_, _
from klinikka.models import BallotView, RoundView, VotingMethod
from klinikka.services.voting import cast_ballot, get_round

_VALUE = re.compile(r"^(\d+)(?:=(\d+))?$")
_RESPONDENTS = re.compile(r"^n=(\d+)$", re.IGNORECASE)
_MAX_NUMBER = 10**9


@dataclass(frozen=True)
class BallotLine:
    """What a typed ballot line says; ``choices`` map ballot positions (1…) to values, or
    list them in order (single, dots, ranking)."""

    voter: str
    group: str = ""
    order: list[int] = field(default_factory=list)
    values: dict[int, int] = field(default_factory=dict)
    respondents: int | None = None


def parse_ballot_line(line: str, method: VotingMethod, themes_on_ballot: int) -> BallotLine:
    """Split ``Name / group: choices`` and read the choices (see the module's docstring)."""
    who, colon, rest = line.partition(":")
    if not colon:
        who, rest = "", line
    voter, _slash, group = (part.strip() for part in who.partition("/"))
    voter, group = " ".join(voter.split()), " ".join(group.split())
    if method is not VotingMethod.AGGREGATE and not voter:
        raise ValidationError(
            N_("Write the voter’s name first, then a colon and the choices: “Maija: 2”.")
        )
    if method is VotingMethod.AGGREGATE and not voter:
        # One block of counts a group; a poll named neither is "poll" in the user's language.
        voter = group or _("poll")
    order: list[int] = []
    values: dict[int, int] = {}
    respondents: int | None = None
    for word in rest.replace(",", " ").replace(";", " ").split():
        counted = _RESPONDENTS.match(word)
        if counted and method is VotingMethod.AGGREGATE:
            respondents = _number(counted.group(1))
            continue
        match = _VALUE.match(word)
        if not match:
            raise ValidationError(
                N_("“{word}” is not a theme number or number=value."), word=word[:40]
            )
        position = _number(match.group(1))
        if not 1 <= position <= themes_on_ballot:
            raise ValidationError(
                N_("There is no theme {number} on the ballot (1–{count})."),
                number=position,
                count=themes_on_ballot,
            )
        if match.group(2) is not None:
            if position in values:
                raise ValidationError(N_("Theme {number} is given twice."), number=position)
            values[position] = _number(match.group(2))
        else:
            order.append(position)
    if order and values:
        raise ValidationError(
            N_("Write either theme numbers (“1 3”) or numbers with values (“1=2 3=1”), not both.")
        )
    if not order and not values:
        raise ValidationError(N_("The ballot has no choices: write theme numbers after the colon."))
    needs_values = method in {VotingMethod.POINTS, VotingMethod.AGGREGATE}
    if needs_values and order:
        raise ValidationError(
            N_("Give each theme its points or count: “1=50 2=30”."),
        )
    if method is VotingMethod.RANKING and values:
        raise ValidationError(N_("Rank the themes by listing their numbers in order: “3 1 2”."))
    return BallotLine(voter, group, order, values, respondents)


def _number(digits: str) -> int:
    value = int(digits[:12])
    if value > _MAX_NUMBER:
        raise ValidationError(N_("{value} is too large a number."), value=digits[:12])
    return value


def cast_ballot_line(
    engine: Engine,
    round_id: int,
    line: str,
    *,
    replace: bool = False,
    shown: RoundView | None = None,
) -> BallotView:
    """Enter the ballot a typed line describes; the round's rules are checked as always.

    ``shown`` is the round as the screen shows it: its theme numbers are the ones the
    facilitator typed (and it spares reading the round again).
    """
    voting_round = (
        shown if shown is not None and shown.id == round_id else get_round(engine, round_id)
    )
    themes = voting_round.theme_ids
    parsed = parse_ballot_line(line, voting_round.method, len(themes))
    choices: list[int] | dict[int, int]
    if parsed.values:
        choices = {themes[position - 1]: value for position, value in parsed.values.items()}
    else:
        choices = [themes[position - 1] for position in parsed.order]
    return cast_ballot(
        engine,
        round_id,
        parsed.voter,
        choices,
        group=parsed.group,
        respondents=parsed.respondents,
        replace=replace,
    )
