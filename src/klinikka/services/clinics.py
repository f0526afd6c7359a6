"""Clinics: create, list, read, edit, duplicate as a template, archive and delete."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, col, delete, select

from klinikka import i18n
from klinikka.errors import ValidationError
from klinikka.i18n import LANGUAGES, M_, N_
from klinikka.models import (
    Clinic,
    ClinicStatus,
    ClinicSummary,
    Idea,
    Participant,
    RoundStatus,
    RoundTheme,
    StakeholderGroup,
    Theme,
    VotingRound,
)
from klinikka.services._base import (
    MAX_NAME,
    MAX_TEXT,
    MAX_TITLE,
    UNSET,
    action,
    clean_text,
    get_clinic,
    read_session,
)
from klinikka.text import name_key

# The default stakeholder groups of a new clinic, by code, with their English names.
DEFAULT_GROUPS: tuple[tuple[str, str], ...] = (
    ("resident", N_("Resident or client")),
    ("professional", N_("Professional")),
    ("company", N_("Company")),
    ("ngo", N_("NGO")),
    ("research", N_("Research and education")),
    ("public_admin", N_("Public administration")),
    ("other", N_("Other")),
)


def _as_datetime(value: datetime | date | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day)


def _check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError(
            N_("Unknown language “{language}”: choose one of {choices}."),
            language=language,
            choices=", ".join(LANGUAGES),
        )
    return language


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is not None and ends_at is not None and ends_at < starts_at:
        raise ValidationError(N_("A clinic cannot end before it starts."))


def add_default_groups(session: Session, clinic_id: int, language: str) -> None:
    for position, (code, name) in enumerate(DEFAULT_GROUPS):
        session.add(
            StakeholderGroup(
                clinic_id=clinic_id,
                code=code,
                name=i18n.gettext_for(language, name),
                position=position,
            )
        )


def _rename_default_groups(session: Session, clinic_id: int, old: str, new: str) -> None:
    """Default groups still called by their default name follow the clinic's language; a
    group the users renamed keeps its name (a name taken by another group stays too)."""
    english = dict(DEFAULT_GROUPS)
    groups = session.exec(
        select(StakeholderGroup).where(StakeholderGroup.clinic_id == clinic_id)
    ).all()
    taken = {name_key(group.name) for group in groups}
    for group in groups:
        default = english.get(group.code or "")
        if default is None or group.name != i18n.gettext_for(old, default):
            continue
        renamed = i18n.gettext_for(new, default)
        if name_key(renamed) not in taken:
            taken.discard(name_key(group.name))
            taken.add(name_key(renamed))
            group.name = renamed
            session.add(group)


def create_clinic(
    engine: Engine,
    title: str,
    *,
    starts_at: datetime | date | None = None,
    ends_at: datetime | date | None = None,
    goal: str = "",
    facilitator: str = "",
    note_taker: str = "",
    language: str | None = None,
) -> ClinicSummary:
    """Create a clinic with the default stakeholder groups, named in the clinic's language."""
    clinic = Clinic(
        title=clean_text(title, field=M_("Title"), limit=MAX_TITLE),
        starts_at=_as_datetime(starts_at),
        ends_at=_as_datetime(ends_at),
        goal=clean_text(goal, field=M_("Goal"), limit=MAX_TEXT, required=False, single_line=False),
        facilitator=clean_text(
            facilitator, field=M_("Facilitator"), limit=MAX_NAME, required=False
        ),
        note_taker=clean_text(note_taker, field=M_("Note-taker"), limit=MAX_NAME, required=False),
        language=_check_language(language or i18n.current_language()),
    )
    _check_times(clinic.starts_at, clinic.ends_at)
    with action(
        engine,
        None,
        "clinic.create",
        N_("Created the clinic “{title}”."),
        undoable=False,
        title=clinic.title,
    ) as act:
        act.session.add(clinic)
        act.session.flush()
        assert clinic.id is not None
        act.clinic_id = clinic.id
        add_default_groups(act.session, clinic.id, clinic.language)
    return get_clinic_summary(engine, clinic.id)


def _summaries(
    session: Session, clinic_ids: list[int] | None, include_archived: bool
) -> list[ClinicSummary]:
    def count(model: Any, *conditions: Any) -> Any:
        return (
            select(func.count())
            .select_from(model)
            .where(model.clinic_id == Clinic.id, *conditions)
            .scalar_subquery()
        )

    query = select(  # type: ignore[call-overload]
        Clinic,
        count(Idea, col(Idea.deleted_at).is_(None), col(Idea.merged_into_id).is_(None)),
        count(Theme, col(Theme.deleted_at).is_(None)),
        count(Participant, col(Participant.deleted_at).is_(None)),
        count(VotingRound),
    )
    if clinic_ids is not None:
        query = query.where(col(Clinic.id).in_(clinic_ids))
    if not include_archived:
        query = query.where(Clinic.status == ClinicStatus.ACTIVE)
    query = query.order_by(col(Clinic.starts_at).desc(), col(Clinic.id).desc())
    return [
        ClinicSummary.model_validate(
            clinic,
            update={
                "idea_count": ideas,
                "theme_count": themes,
                "participant_count": participants,
                "round_count": rounds,
            },
        )
        for clinic, ideas, themes, participants, rounds in session.exec(query).all()
    ]


def list_clinics(engine: Engine, *, include_archived: bool = False) -> list[ClinicSummary]:
    """Clinics, newest first, with their counts of ideas, themes, participants and rounds."""
    with read_session(engine) as session:
        return _summaries(session, None, include_archived)


def get_clinic_summary(engine: Engine, clinic_id: int) -> ClinicSummary:
    """One clinic with its counts (archived ones too)."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        return _summaries(session, [clinic_id], True)[0]


def get_clinic_title(engine: Engine, clinic_id: int) -> str:
    """Only the title: no counting (a workspace reads it on every change)."""
    with read_session(engine) as session:
        return get_clinic(session, clinic_id).title


def update_clinic(
    engine: Engine,
    clinic_id: int,
    *,
    title: str | None = None,
    starts_at: datetime | date | object | None = UNSET,
    ends_at: datetime | date | object | None = UNSET,
    goal: str | None = None,
    facilitator: str | None = None,
    note_taker: str | None = None,
    language: str | None = None,
) -> ClinicSummary:
    """Change the clinic's details; arguments left out stay as they are."""
    with action(engine, clinic_id, "clinic.edit", N_("Edited the clinic’s details.")) as act:
        clinic = get_clinic(act.session, clinic_id)
        if title is not None:
            clinic.title = clean_text(title, field=M_("Title"), limit=MAX_TITLE)
        if starts_at is not UNSET:
            clinic.starts_at = _as_datetime(starts_at)  # type: ignore[arg-type]
        if ends_at is not UNSET:
            clinic.ends_at = _as_datetime(ends_at)  # type: ignore[arg-type]
        if goal is not None:
            clinic.goal = clean_text(
                goal, field=M_("Goal"), limit=MAX_TEXT, required=False, single_line=False
            )
        if facilitator is not None:
            clinic.facilitator = clean_text(
                facilitator, field=M_("Facilitator"), limit=MAX_NAME, required=False
            )
        if note_taker is not None:
            clinic.note_taker = clean_text(
                note_taker, field=M_("Note-taker"), limit=MAX_NAME, required=False
            )
        if language is not None:
            new_language = _check_language(language)
            if new_language != clinic.language:
                _rename_default_groups(act.session, clinic_id, clinic.language, new_language)
            clinic.language = new_language
        _check_times(clinic.starts_at, clinic.ends_at)
    return get_clinic_summary(engine, clinic_id)


def duplicate_clinic(engine: Engine, clinic_id: int, *, title: str | None = None) -> ClinicSummary:
    """A new clinic from this one as a template: details, groups, themes and round settings.

    Ideas, participants, ballots, notes and dates are not copied; rounds come back as drafts.
    """
    with read_session(engine) as session:
        source = get_clinic(session, clinic_id)
        source_title = source.title
    if title is None:
        # The copy's name may not fit; its start is what tells the copy apart.
        title = i18n._("Copy of {title}").format(title=source_title)[:MAX_TITLE].rstrip()
    new_title = title
    with action(
        engine,
        None,
        "clinic.duplicate",
        N_("Created “{title}” from the clinic “{source}”."),
        undoable=False,
        title=new_title,
        source=source_title,
    ) as act:
        session = act.session
        source = get_clinic(session, clinic_id)
        copy = Clinic(
            title=clean_text(new_title, field=M_("Title"), limit=MAX_TITLE),
            goal=source.goal,
            facilitator=source.facilitator,
            note_taker=source.note_taker,
            language=source.language,
        )
        session.add(copy)
        session.flush()
        assert copy.id is not None
        act.clinic_id = copy.id
        group_ids: dict[int | None, int | None] = {None: None}
        for group in session.exec(
            select(StakeholderGroup).where(StakeholderGroup.clinic_id == clinic_id)
        ).all():
            new_group = StakeholderGroup(
                clinic_id=copy.id, code=group.code, name=group.name, position=group.position
            )
            session.add(new_group)
            session.flush()
            group_ids[group.id] = new_group.id
        theme_ids: dict[int, int] = {}
        for theme in session.exec(
            select(Theme).where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
        ).all():
            new_theme = Theme(
                clinic_id=copy.id,
                name=theme.name,
                description=theme.description,
                position=theme.position,
            )
            session.add(new_theme)
            session.flush()
            assert theme.id is not None and new_theme.id is not None
            theme_ids[theme.id] = new_theme.id
        for voting_round in session.exec(
            select(VotingRound)
            .where(VotingRound.clinic_id == clinic_id, col(VotingRound.runoff_of_id).is_(None))
            .order_by(col(VotingRound.number))
        ).all():
            new_round = VotingRound(
                clinic_id=copy.id,
                number=voting_round.number,
                title=voting_round.title,
                method=voting_round.method,
                dots_per_voter=voting_round.dots_per_voter,
                cap_per_theme=voting_round.cap_per_theme,
                points_budget=voting_round.points_budget,
                hide_results=voting_round.hide_results,
                status=RoundStatus.DRAFT,
            )
            session.add(new_round)
            session.flush()
            assert new_round.id is not None
            for link in session.exec(
                select(RoundTheme).where(RoundTheme.round_id == voting_round.id)
            ).all():
                if link.theme_id in theme_ids:
                    session.add(
                        RoundTheme(
                            round_id=new_round.id,
                            theme_id=theme_ids[link.theme_id],
                            position=link.position,
                        )
                    )
        new_id = copy.id
    return get_clinic_summary(engine, new_id)


def set_archived(engine: Engine, clinic_id: int, archived: bool = True) -> ClinicSummary:
    """Archive a clinic (it leaves the list but keeps everything) or bring it back."""
    message = (
        N_("Archived the clinic.") if archived else N_("Brought the clinic back from the archive.")
    )
    with action(
        engine, clinic_id, "clinic.archive" if archived else "clinic.unarchive", message
    ) as act:
        clinic = get_clinic(act.session, clinic_id)
        clinic.status = ClinicStatus.ARCHIVED if archived else ClinicStatus.ACTIVE
    return get_clinic_summary(engine, clinic_id)


def delete_clinic(engine: Engine, clinic_id: int) -> None:
    """Delete a clinic and everything in it, for good (the app asks for confirmation first)."""
    with action(
        engine, None, "clinic.delete", N_("Deleted the clinic “{title}”."), undoable=False
    ) as act:
        clinic = get_clinic(act.session, clinic_id)
        act.fields["title"] = clinic.title
        # Foreign keys cascade: ideas, themes, rounds, ballots, notes and the clinic's log go too.
        act.session.exec(delete(Clinic).where(col(Clinic.id) == clinic_id))
