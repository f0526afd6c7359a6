"""Voting rounds: set up, open, close, ballots, results, runoffs and decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session, col, func, select

from klinikka.errors import BallotExistsError, ConflictError, NotFoundError, ValidationError
from klinikka.i18n import M_, N_
from klinikka.models import (
    Ballot,
    BallotEntry,
    BallotView,
    RoundStatus,
    RoundTheme,
    RoundView,
    Theme,
    VotingMethod,
    VotingRound,
    utcnow,
)
from klinikka.services._base import (
    MAX_NAME,
    MAX_TEXT,
    UNSET,
    action,
    choose,
    clean_text,
    get_clinic,
    get_or_404,
    read_session,
)
from klinikka.services.participants import (
    find_group,
    find_participant,
    group_in_clinic,
    group_names,
    unknown_group,
)
from klinikka.tally import (
    DEFAULT_DOTS,
    DEFAULT_POINTS,
    Choices,
    GroupResult,
    Resolution,
    RoundResult,
    RoundRules,
    build_result,
    rank_scores,
    validate_ballot,
)
from klinikka.text import name_key

_NO_ROUND = N_("There is no voting round with id {id}.")
_NO_BALLOT = N_("There is no ballot with id {id}.")


# ---------------------------------------------------------------- reading


def _theme_ids(session: Session, round_id: int) -> list[int]:
    return list(
        session.exec(
            select(RoundTheme.theme_id)
            .where(RoundTheme.round_id == round_id)
            .order_by(col(RoundTheme.position))
        ).all()
    )


def _ballot_count(session: Session, round_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Ballot)
        .where(Ballot.round_id == round_id, col(Ballot.deleted_at).is_(None))
    ).one()


def _round_view(session: Session, voting_round: VotingRound) -> RoundView:
    assert voting_round.id is not None
    return RoundView.model_validate(
        voting_round,
        update={
            "theme_ids": _theme_ids(session, voting_round.id),
            "ballot_count": _ballot_count(session, voting_round.id),
        },
    )


def get_round(engine: Engine, round_id: int) -> RoundView:
    with read_session(engine) as session:
        return _round_view(session, get_or_404(session, VotingRound, round_id, _NO_ROUND))


def list_rounds(engine: Engine, clinic_id: int) -> list[RoundView]:
    """The clinic's rounds in order."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        rounds = session.exec(
            select(VotingRound)
            .where(VotingRound.clinic_id == clinic_id)
            .order_by(col(VotingRound.number))
        ).all()
        return [_round_view(session, voting_round) for voting_round in rounds]


def find_round(engine: Engine, clinic_id: int, number: int | None = None) -> RoundView:
    """A clinic's round by number, or its latest round."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        query = select(VotingRound).where(VotingRound.clinic_id == clinic_id)
        if number is None:
            query = query.order_by(col(VotingRound.number).desc()).limit(1)
        else:
            query = query.where(VotingRound.number == number)
        found = session.exec(query).first()
        if found is None:
            if number is None:
                raise NotFoundError(N_("The clinic has no voting rounds yet."))
            raise NotFoundError(N_("The clinic has no round {number}."), number=number)
        return _round_view(session, found)


def _rules(session: Session, voting_round: VotingRound) -> RoundRules:
    assert voting_round.id is not None
    theme_ids = _theme_ids(session, voting_round.id)
    names = {
        theme_id: name
        for theme_id, name in session.exec(
            select(Theme.id, Theme.name).where(col(Theme.id).in_(theme_ids))
        ).all()
        if theme_id is not None
    }
    return RoundRules(
        method=voting_round.method,
        theme_ids=tuple(theme_ids),
        dots_per_voter=voting_round.dots_per_voter,
        cap_per_theme=voting_round.cap_per_theme,
        points_budget=voting_round.points_budget,
        theme_names=names,
    )


# ---------------------------------------------------------------- setting up


def _check_settings(
    method: VotingMethod,
    dots_per_voter: int | None,
    cap_per_theme: int | None,
    points_budget: int | None,
) -> tuple[int | None, int | None, int | None]:
    for value, label in (
        (dots_per_voter, M_("Dots per voter")),
        (cap_per_theme, M_("Cap per theme")),
        (points_budget, M_("Points per voter")),
    ):
        if value is not None and (not isinstance(value, int) or value < 1 or value > 1_000_000):
            raise ValidationError(
                N_("{field} must be a whole number from 1 to 1000000."), field=label
            )
    if method is VotingMethod.DOTS:
        dots = dots_per_voter or DEFAULT_DOTS
        if cap_per_theme is not None and cap_per_theme > dots:
            cap_per_theme = dots
        return dots, cap_per_theme, None
    if method is VotingMethod.POINTS:
        return None, cap_per_theme, points_budget or DEFAULT_POINTS
    return None, None, None


def _check_ballot_themes(
    session: Session, clinic_id: int, theme_ids: Sequence[int] | None
) -> list[int]:
    themes = session.exec(
        select(Theme)
        .where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
        .order_by(col(Theme.position), col(Theme.id))
    ).all()
    known = {theme.id for theme in themes}
    chosen = (
        [theme.id for theme in themes if theme.id is not None]
        if theme_ids is None
        else list(dict.fromkeys(theme_ids))
    )
    for theme_id in chosen:
        if theme_id not in known:
            raise NotFoundError(N_("There is no theme with id {id}."), id=theme_id)
    if len(chosen) < 2:
        raise ValidationError(N_("A vote needs at least two themes on the ballot."))
    return chosen


def _method(method: VotingMethod | str) -> VotingMethod:
    message = N_("Unknown voting method “{method}”: choose one of {choices}.")
    return choose(VotingMethod, method, message, "method")


def _add_round(
    session: Session,
    clinic_id: int,
    method: VotingMethod,
    theme_ids: Sequence[int] | None,
    *,
    title: str = "",
    dots_per_voter: int | None = None,
    cap_per_theme: int | None = None,
    points_budget: int | None = None,
    hide_results: bool = False,
    runoff_of_id: int | None = None,
) -> VotingRound:
    dots, cap, budget = _check_settings(method, dots_per_voter, cap_per_theme, points_budget)
    get_clinic(session, clinic_id)
    chosen = _check_ballot_themes(session, clinic_id, theme_ids)
    last = session.exec(
        select(func.max(VotingRound.number)).where(VotingRound.clinic_id == clinic_id)
    ).one()
    voting_round = VotingRound(
        clinic_id=clinic_id,
        number=(last or 0) + 1,
        title=clean_text(title, field=M_("Title"), limit=MAX_NAME, required=False),
        method=method,
        dots_per_voter=dots,
        cap_per_theme=cap,
        points_budget=budget,
        hide_results=hide_results,
        runoff_of_id=runoff_of_id,
    )
    session.add(voting_round)
    session.flush()
    assert voting_round.id is not None
    for position, theme_id in enumerate(chosen):
        session.add(RoundTheme(round_id=voting_round.id, theme_id=theme_id, position=position))
    session.flush()
    return voting_round


def create_round(
    engine: Engine,
    clinic_id: int,
    method: VotingMethod | str = VotingMethod.SINGLE,
    *,
    theme_ids: Sequence[int] | None = None,
    title: str = "",
    dots_per_voter: int | None = None,
    cap_per_theme: int | None = None,
    points_budget: int | None = None,
    hide_results: bool = False,
) -> RoundView:
    """Set up a round (a draft until opened); the ballot has every theme unless given some."""
    chosen_method = _method(method)
    with action(engine, clinic_id, "round.create", N_("Set up voting round {number}.")) as act:
        voting_round = _add_round(
            act.session,
            clinic_id,
            chosen_method,
            theme_ids,
            title=title,
            dots_per_voter=dots_per_voter,
            cap_per_theme=cap_per_theme,
            points_budget=points_budget,
            hide_results=hide_results,
        )
        act.fields["number"] = voting_round.number
        return _round_view(act.session, voting_round)


def _clinic_of_round(engine: Engine, round_id: int) -> int:
    with read_session(engine) as session:
        return get_or_404(session, VotingRound, round_id, _NO_ROUND).clinic_id


def update_round(
    engine: Engine,
    round_id: int,
    *,
    method: VotingMethod | str | None = None,
    theme_ids: Sequence[int] | None = None,
    title: str | None = None,
    dots_per_voter: int | object | None = UNSET,
    cap_per_theme: int | object | None = UNSET,
    points_budget: int | object | None = UNSET,
    hide_results: bool | None = None,
) -> RoundView:
    """Change a round's settings; the method, limits and ballot only before any ballot."""
    clinic_id = _clinic_of_round(engine, round_id)
    with action(
        engine, clinic_id, "round.edit", N_("Changed the settings of round {number}.")
    ) as act:
        session = act.session
        voting_round = get_or_404(session, VotingRound, round_id, _NO_ROUND)
        act.fields["number"] = voting_round.number
        rules_change = (
            method is not None
            or theme_ids is not None
            or any(value is not UNSET for value in (dots_per_voter, cap_per_theme, points_budget))
        )
        if rules_change and _ballot_count(session, round_id) > 0:
            raise ConflictError(
                N_("Round {number} already has ballots: its method, limits and themes stay."),
                number=voting_round.number,
            )
        if method is not None:
            voting_round.method = _method(method)
        dots, cap, budget = _check_settings(
            voting_round.method,
            voting_round.dots_per_voter if dots_per_voter is UNSET else dots_per_voter,  # type: ignore[arg-type]
            voting_round.cap_per_theme if cap_per_theme is UNSET else cap_per_theme,  # type: ignore[arg-type]
            voting_round.points_budget if points_budget is UNSET else points_budget,  # type: ignore[arg-type]
        )
        voting_round.dots_per_voter, voting_round.cap_per_theme, voting_round.points_budget = (
            dots,
            cap,
            budget,
        )
        if title is not None:
            voting_round.title = clean_text(
                title, field=M_("Title"), limit=MAX_NAME, required=False
            )
        if hide_results is not None:
            voting_round.hide_results = hide_results
        if theme_ids is not None:
            chosen = _check_ballot_themes(session, clinic_id, theme_ids)
            for link in session.exec(
                select(RoundTheme).where(RoundTheme.round_id == round_id)
            ).all():
                session.delete(link)
            session.flush()
            for position, theme_id in enumerate(chosen):
                session.add(RoundTheme(round_id=round_id, theme_id=theme_id, position=position))
        session.flush()
        return _round_view(session, voting_round)


def open_round(engine: Engine, round_id: int) -> RoundView:
    """Open a round for ballots (a closed one reopens)."""
    clinic_id = _clinic_of_round(engine, round_id)
    with action(engine, clinic_id, "round.open", N_("Opened voting round {number}.")) as act:
        voting_round = get_or_404(act.session, VotingRound, round_id, _NO_ROUND)
        act.fields["number"] = voting_round.number
        if voting_round.status is RoundStatus.OPEN:
            raise ConflictError(N_("Round {number} is already open."), number=voting_round.number)
        voting_round.status = RoundStatus.OPEN
        voting_round.opened_at = voting_round.opened_at or utcnow()
        voting_round.closed_at = None
        # New ballots may change who is tied: an earlier decision no longer applies.
        voting_round.decision_theme_id = None
        voting_round.decision_note = ""
        return _round_view(act.session, voting_round)


def close_round(engine: Engine, round_id: int) -> RoundView:
    """Close a round: no more ballots, the results are final (undoable; or reopen it)."""
    clinic_id = _clinic_of_round(engine, round_id)
    with action(engine, clinic_id, "round.close", N_("Closed voting round {number}.")) as act:
        voting_round = get_or_404(act.session, VotingRound, round_id, _NO_ROUND)
        act.fields["number"] = voting_round.number
        if voting_round.status is not RoundStatus.OPEN:
            raise ConflictError(N_("Round {number} is not open."), number=voting_round.number)
        voting_round.status = RoundStatus.CLOSED
        voting_round.closed_at = utcnow()
        return _round_view(act.session, voting_round)


def delete_round(engine: Engine, round_id: int) -> None:
    """Delete a round that has no ballots (a mistaken set-up)."""
    clinic_id = _clinic_of_round(engine, round_id)
    with action(engine, clinic_id, "round.delete", N_("Deleted voting round {number}.")) as act:
        session = act.session
        voting_round = get_or_404(session, VotingRound, round_id, _NO_ROUND)
        act.fields["number"] = voting_round.number
        if _ballot_count(session, round_id) > 0:
            raise ConflictError(
                N_("Round {number} has ballots, so it cannot be deleted."),
                number=voting_round.number,
            )
        for link in session.exec(select(RoundTheme).where(RoundTheme.round_id == round_id)).all():
            session.delete(link)
        session.flush()
        session.delete(voting_round)


# ---------------------------------------------------------------- ballots


def _open_round(session: Session, round_id: int) -> VotingRound:
    # Locked: two ballots of one voter entered at once wait for each other, so the second
    # sees the first (and is asked about replacing it) rather than meeting the unique index.
    voting_round = get_or_404(session, VotingRound, round_id, _NO_ROUND, lock=True)
    if voting_round.status is RoundStatus.DRAFT:
        raise ConflictError(
            N_("Round {number} is not open yet: open it before entering ballots."),
            number=voting_round.number,
        )
    if voting_round.status is RoundStatus.CLOSED:
        raise ConflictError(
            N_("Round {number} is closed: reopen it to enter ballots."),
            number=voting_round.number,
        )
    return voting_round


def _retire(session: Session, ballot: Ballot) -> None:
    ballot.deleted_at = utcnow()
    for entry in session.exec(select(BallotEntry).where(BallotEntry.ballot_id == ballot.id)).all():
        entry.live = False


def _ballot_view(
    session: Session, ballot: Ballot, entries: Sequence[BallotEntry] | None = None
) -> BallotView:
    if entries is None:
        entries = session.exec(select(BallotEntry).where(BallotEntry.ballot_id == ballot.id)).all()
    ranked = sorted(
        (entry for entry in entries if entry.rank is not None), key=lambda e: e.rank or 0
    )
    return BallotView(
        id=ballot.id or 0,
        round_id=ballot.round_id,
        voter=ballot.voter,
        participant_id=ballot.participant_id,
        group_id=ballot.group_id,
        respondents=ballot.respondents,
        cast_at=ballot.cast_at,
        values={entry.theme_id: entry.value for entry in entries},
        ranking=[entry.theme_id for entry in ranked],
    )


def cast_ballot(
    engine: Engine,
    round_id: int,
    voter: str,
    choices: Choices,
    *,
    group: str = "",
    group_id: int | None = None,
    respondents: int | None = None,
    replace: bool = False,
) -> BallotView:
    """Enter one voter's ballot (or, in an aggregate round, one block of poll counts).

    A voter who already has a ballot raises BallotExistsError unless ``replace`` is true; the
    replaced ballot is kept as deleted, so the replacement can be undone. A voter named like a
    participant is linked to them and votes in their stakeholder group unless one is given.
    """
    clinic_id = _clinic_of_round(engine, round_id)
    with action(
        engine, clinic_id, "ballot.cast", N_("Entered the ballot of {voter} in round {number}.")
    ) as act:
        session = act.session
        voting_round = _open_round(session, round_id)
        act.fields["number"] = voting_round.number
        aggregate = voting_round.method is VotingMethod.AGGREGATE
        label = M_("Source") if aggregate else M_("Voter")
        name = clean_text(voter, field=label, limit=MAX_NAME, required=not aggregate)
        if aggregate and not name:
            name = "poll"
        act.fields["voter"] = name
        values = validate_ballot(_rules(session, voting_round), choices)
        if respondents is not None and (not isinstance(respondents, int) or respondents < 0):
            raise ValidationError(
                N_("The number of respondents must be a whole number, zero or more.")
            )
        key = name_key(name)
        existing = session.exec(
            select(Ballot).where(
                Ballot.round_id == round_id,
                Ballot.voter_key == key,
                col(Ballot.deleted_at).is_(None),
            )
        ).first()
        if existing is not None:
            if not replace:
                raise BallotExistsError(
                    N_("{voter} has already voted in round {number}."),
                    ballot_id=existing.id or 0,
                    voter=name,
                    number=voting_round.number,
                )
            _retire(session, existing)
            session.flush()
        participant = None if aggregate else find_participant(session, clinic_id, name)
        if group:
            found_group = find_group(session, clinic_id, group)
            if found_group is None:
                raise unknown_group(group, group_names(session, clinic_id))
            group_id = found_group.id
        else:
            group_id = group_in_clinic(session, clinic_id, group_id)
        if group_id is None and participant is not None:
            group_id = participant.group_id
        ballot = Ballot(
            round_id=round_id,
            voter=name,
            voter_key=key,
            participant_id=participant.id if participant else None,
            group_id=group_id,
            respondents=respondents if aggregate else None,
        )
        session.add(ballot)
        session.flush()
        assert ballot.id is not None
        for value in values:
            session.add(
                BallotEntry(
                    ballot_id=ballot.id,
                    theme_id=value.theme_id,
                    round_id=round_id,
                    value=value.value,
                    rank=value.rank,
                )
            )
        session.flush()
        return _ballot_view(session, ballot)


def enter_counts(
    engine: Engine,
    round_id: int,
    counts: Mapping[int, int],
    *,
    source: str = "",
    group: str = "",
    respondents: int | None = None,
    replace: bool = False,
) -> BallotView:
    """Type in the counts of an external poll (Teams, Zoom, Forms) for an aggregate round."""
    return cast_ballot(
        engine, round_id, source, counts, group=group, respondents=respondents, replace=replace
    )


def delete_ballot(engine: Engine, ballot_id: int) -> None:
    """Remove a ballot from its round (undoable); the round must be open."""
    with read_session(engine) as session:
        ballot = get_or_404(session, Ballot, ballot_id, _NO_BALLOT)
        clinic_id = get_or_404(session, VotingRound, ballot.round_id, _NO_ROUND).clinic_id
    with action(engine, clinic_id, "ballot.delete", N_("Removed the ballot of {voter}.")) as act:
        ballot = get_or_404(act.session, Ballot, ballot_id, _NO_BALLOT)
        _open_round(act.session, ballot.round_id)
        act.fields["voter"] = ballot.voter
        _retire(act.session, ballot)


def list_ballots(engine: Engine, round_id: int, *, after: int = 0) -> list[BallotView]:
    """The round's ballots in the order they were entered (only those with an id above
    ``after``: the ones entered since a list was read, see ``ballot_ids``)."""
    with read_session(engine) as session:
        get_or_404(session, VotingRound, round_id, _NO_ROUND)
        ballots = session.exec(
            select(Ballot)
            .where(
                Ballot.round_id == round_id,
                col(Ballot.deleted_at).is_(None),
                col(Ballot.id) > after,
            )
            .order_by(col(Ballot.id))
        ).all()
        # All the round's live entries in one query, not one query a ballot.
        entries: dict[int, list[BallotEntry]] = {}
        for entry in session.exec(
            select(BallotEntry).where(
                BallotEntry.round_id == round_id,
                col(BallotEntry.live),
                col(BallotEntry.ballot_id) > after,
            )
        ).all():
            entries.setdefault(entry.ballot_id, []).append(entry)
        return [
            _ballot_view(session, ballot, entries.get(ballot.id or 0, [])) for ballot in ballots
        ]


def ballot_ids(engine: Engine, round_id: int) -> list[int]:
    """The ids of the round's live ballots, in the order they were entered: whether a list
    read before is still right, and what to read since, without reading every ballot."""
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id FROM ballot WHERE round_id = :round AND deleted_at IS NULL ORDER BY id"
            ),
            {"round": round_id},
        )
        return [int(row[0]) for row in rows]


# ---------------------------------------------------------------- results
# Results are read with plain SQL on one connection: a tally is a GROUP BY, and the few small
# queries around it must not cost more than the GROUP BY itself (bench/bench_foundation.py).

_ROUND = text(
    "SELECT id, number, method, status, hide_results, decision_theme_id, decision_note,"
    " ballot_count FROM voting_round WHERE id = :round"
)
_BALLOT_THEMES = text(
    "SELECT t.id, t.name FROM round_theme AS rt JOIN theme AS t ON t.id = rt.theme_id"
    " WHERE rt.round_id = :round ORDER BY rt.position"
)
_TOTALS = text(
    "SELECT theme_id, SUM(value), COUNT(*) FROM ballot_entry"
    " WHERE round_id = :round AND live = TRUE GROUP BY theme_id"
)
_RESPONDENTS = text(
    "SELECT COALESCE(b.respondents, (SELECT SUM(e.value) FROM ballot_entry AS e"
    " WHERE e.ballot_id = b.id AND e.live = TRUE)) FROM ballot AS b"
    " WHERE b.round_id = :round AND b.deleted_at IS NULL"
)
_RUNOFF = text(
    "SELECT id FROM voting_round WHERE runoff_of_id = :round AND status = 'closed'"
    " ORDER BY number DESC LIMIT 1"
)
_TOTALS_BY_GROUP = text(
    "SELECT b.group_id, e.theme_id, SUM(e.value), COUNT(*) FROM ballot_entry AS e"
    " JOIN ballot AS b ON b.id = e.ballot_id"
    " WHERE e.round_id = :round AND e.live = TRUE GROUP BY b.group_id, e.theme_id"
)
_BALLOTS_BY_GROUP = text(
    "SELECT group_id, COUNT(*) FROM ballot WHERE round_id = :round AND deleted_at IS NULL"
    " GROUP BY group_id"
)
_RESPONDENTS_BY_GROUP = text(
    "SELECT b.group_id, SUM(COALESCE(b.respondents, (SELECT SUM(e.value) FROM ballot_entry AS e"
    " WHERE e.ballot_id = b.id AND e.live = TRUE))) FROM ballot AS b"
    " WHERE b.round_id = :round AND b.deleted_at IS NULL GROUP BY b.group_id"
)
_GROUPS = text(
    "SELECT g.id, g.name FROM stakeholder_group AS g JOIN voting_round AS r"
    " ON r.clinic_id = g.clinic_id WHERE r.id = :round ORDER BY g.position, g.id"
)


def _result(
    connection: Connection, round_id: int, *, by_group: bool, depth: int = 0
) -> RoundResult:
    row = connection.execute(_ROUND, {"round": round_id}).one_or_none()
    if row is None:
        raise NotFoundError(_NO_ROUND, id=round_id)
    _, number, method_value, status, hide, decision_theme, decision_note, ballots = row
    method = VotingMethod(method_value)
    closed = status == RoundStatus.CLOSED
    names: dict[int, str] = dict(connection.execute(_BALLOT_THEMES, {"round": round_id}).all())
    totals: dict[int, int] = {}
    supporters: dict[int, int] = {}
    for theme_id, total, count in connection.execute(_TOTALS, {"round": round_id}):
        totals[theme_id] = int(total)
        supporters[theme_id] = int(total) if method is VotingMethod.AGGREGATE else int(count)
    if method is VotingMethod.AGGREGATE:
        # People who answered an external poll: as reported, else the sum of its counts.
        ballot_count = sum(
            int(n or 0) for (n,) in connection.execute(_RESPONDENTS, {"round": round_id})
        )
    else:
        ballot_count = int(ballots)
    resolution = Resolution(decision_theme_id=decision_theme, decision_note=decision_note or "")
    top = max(totals.values(), default=0)
    if top > 0 and sum(1 for value in totals.values() if value == top) > 1 and depth < 20:
        runoff_id = connection.execute(_RUNOFF, {"round": round_id}).scalar_one_or_none()
        if runoff_id is not None:
            runoff = _result(connection, runoff_id, by_group=False, depth=depth + 1)
            resolution = Resolution(
                decision_theme_id=decision_theme,
                decision_note=decision_note or "",
                runoff_number=runoff.number,
                runoff_winner=runoff.winner,
            )
    return build_result(
        round_id=round_id,
        number=number,
        method=method,
        closed=closed,
        hidden=bool(hide) and not closed,
        theme_order=list(names),
        names=names,
        totals=totals,
        supporters=supporters,
        ballot_count=ballot_count,
        resolution=resolution,
        by_group=_by_group(connection, method, names, round_id) if by_group else (),
    )


def _by_group(
    connection: Connection, method: VotingMethod, names: dict[int, str], round_id: int
) -> list[GroupResult]:
    totals: dict[int | None, dict[int, int]] = {}
    supporters: dict[int | None, dict[int, int]] = {}
    for group_id, theme_id, total, count in connection.execute(
        _TOTALS_BY_GROUP, {"round": round_id}
    ):
        totals.setdefault(group_id, {})[theme_id] = int(total)
        supporters.setdefault(group_id, {})[theme_id] = (
            int(total) if method is VotingMethod.AGGREGATE else int(count)
        )
    # An aggregate round counts people as the round does: respondents, else the counts.
    counting = _RESPONDENTS_BY_GROUP if method is VotingMethod.AGGREGATE else _BALLOTS_BY_GROUP
    ballots: dict[int | None, int] = dict(connection.execute(counting, {"round": round_id}).all())
    order: list[tuple[int | None, str | None]] = list(
        connection.execute(_GROUPS, {"round": round_id}).all()
    )
    order.append((None, None))
    results = []
    for group_id, group_name in order:
        if group_id not in ballots and group_id not in totals:
            continue
        group_totals = totals.get(group_id, {})
        count = int(ballots.get(group_id) or 0)
        results.append(
            GroupResult(
                group_id=group_id,
                group_name=group_name,
                ballot_count=count,
                scores=rank_scores(group_totals, supporters.get(group_id, {}), list(names), names),
            )
        )
    return results


def round_results(
    engine: Engine, round_ids: Sequence[int], *, by_group: bool = False
) -> list[RoundResult]:
    """The results of several rounds, read in one transaction."""
    with engine.connect() as connection:
        return [_result(connection, round_id, by_group=by_group) for round_id in round_ids]


def tally_round(engine: Engine, round_id: int, *, by_group: bool = False) -> RoundResult:
    """The results of a round, summed in SQL; ``hidden`` tells the UI to keep them covered."""
    return round_results(engine, [round_id], by_group=by_group)[0]


# ---------------------------------------------------------------- ties


def _check_tie(connection: Connection, voting_round: VotingRound) -> RoundResult:
    """The round's result, if it is closed and ends in a tie nothing has settled yet."""
    assert voting_round.id is not None
    result = _result(connection, voting_round.id, by_group=False)
    if not result.closed:
        raise ConflictError(
            N_("Close round {number} before settling its tie."), number=voting_round.number
        )
    if not result.tie or result.winner is not None:
        raise ConflictError(N_("Round {number} has no tie to settle."), number=voting_round.number)
    return result


def start_runoff(engine: Engine, round_id: int) -> RoundView:
    """Open a runoff among the tied leaders of a closed round, with the same method and limits.

    One runoff a round: a runoff that itself ties is settled by its own runoff or decision.
    """
    clinic_id = _clinic_of_round(engine, round_id)
    with action(
        engine, clinic_id, "round.runoff", N_("Opened runoff round {number} among the tied themes.")
    ) as act:
        session = act.session
        voting_round = get_or_404(session, VotingRound, round_id, _NO_ROUND)
        result = _check_tie(session.connection(), voting_round)
        existing = session.exec(
            select(VotingRound.number).where(VotingRound.runoff_of_id == round_id)
        ).first()
        if existing is not None:
            raise ConflictError(
                N_("Round {number} already has a runoff: round {runoff}."),
                number=voting_round.number,
                runoff=existing,
            )
        runoff = _add_round(
            session,
            clinic_id,
            voting_round.method,
            result.leaders,
            title=voting_round.title,
            dots_per_voter=voting_round.dots_per_voter,
            cap_per_theme=voting_round.cap_per_theme,
            points_budget=voting_round.points_budget,
            hide_results=voting_round.hide_results,
            runoff_of_id=round_id,
        )
        runoff.status = RoundStatus.OPEN
        runoff.opened_at = utcnow()
        act.fields["number"] = runoff.number
        return _round_view(session, runoff)


def record_decision(engine: Engine, round_id: int, theme_id: int, note: str = "") -> RoundResult:
    """Settle a tie by the facilitator's decision for one of the tied themes (undoable)."""
    clinic_id = _clinic_of_round(engine, round_id)
    with action(
        engine, clinic_id, "round.decide", N_("Recorded a decision on the tie of round {number}.")
    ) as act:
        voting_round = get_or_404(act.session, VotingRound, round_id, _NO_ROUND)
        act.fields["number"] = voting_round.number
        result = _check_tie(act.session.connection(), voting_round)
        if theme_id not in result.leaders:
            raise ValidationError(N_("The decision must be one of the tied themes."))
        voting_round.decision_theme_id = theme_id
        voting_round.decision_note = clean_text(
            note, field=M_("Reason"), limit=MAX_TEXT, required=False, single_line=False
        )
    return tally_round(engine, round_id)
