"""Participants and the clinic's stakeholder groups."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from klinikka.errors import ConflictError, NotFoundError, ValidationError
from klinikka.i18n import LANGUAGES, M_, N_, gettext_for
from klinikka.models import (
    Ballot,
    GroupView,
    Idea,
    Participant,
    ParticipantView,
    StakeholderGroup,
)
from klinikka.services._base import (
    MAX_NAME,
    UNSET,
    action,
    clean_text,
    get_clinic,
    get_or_404,
    read_session,
    reorder,
)
from klinikka.text import name_key

_NO_GROUP = N_("There is no stakeholder group with id {id}.")
_NO_PARTICIPANT = N_("There is no participant with id {id}.")


# ---------------------------------------------------------------- groups


def _group_view(group: StakeholderGroup) -> GroupView:
    return GroupView.model_validate(group)


def list_groups(engine: Engine, clinic_id: int) -> list[GroupView]:
    """The clinic's stakeholder groups in their order."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        return [_group_view(group) for group in _groups(session, clinic_id)]


def _groups(session: Session, clinic_id: int) -> list[StakeholderGroup]:
    return list(
        session.exec(
            select(StakeholderGroup)
            .where(StakeholderGroup.clinic_id == clinic_id)
            .order_by(col(StakeholderGroup.position), col(StakeholderGroup.id))
        ).all()
    )


# Words people use for a default group besides the words of its names (docs/capture.md): a
# note-taker types what the participant said, "/ asiakas", "/ förening", "/ kunta".
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "resident": (
        "asukas",
        "asukkaat",
        "asiakas",
        "asiakkaat",
        "kuntalainen",
        "potilas",
        "omainen",
        "invånare",
        "klient",
        "klienten",
        "kund",
        "patient",
        "närstående",
        "anhörig",
        "citizen",
    ),
    "professional": (
        "ammattilaiset",
        "työntekijä",
        "työntekijät",
        "anställd",
        "personal",
        "personalen",
        "staff",
    ),
    "company": ("yritykset", "yrittäjä", "oy", "företaget", "företagare", "ab", "business"),
    "ngo": ("järjestöt", "yhdistys", "yhdistykset", "ry", "förening", "föreningen", "rf"),
    "research": (
        "yliopisto",
        "amk",
        "oppilaitos",
        "universitet",
        "högskola",
        "yrkeshögskola",
        "university",
    ),
    "public_admin": (
        "kunta",
        "kunnat",
        "kaupunki",
        "hyvinvointialue",
        "virasto",
        "kommun",
        "kommunen",
        "stad",
        "staden",
        "välfärdsområde",
        "välfärdsområdet",
        "myndighet",
        "municipality",
        "government",
    ),
    "other": ("annan",),
}
# Words of a group's name that name no group alone.
_LINKING_WORDS = frozenset({"tai", "ja", "eller", "och", "or", "and", "of"})
# A word's start names a group only from this many letters on ("asi" → asiakas).
_WORD_START = 3


def _words(names: set[str], code: str | None) -> set[str]:
    words = {word for name in names for word in name.split() if word not in _LINKING_WORDS}
    return words | set(SHORT_FORMS.get(code or "", ()))


def _group_aliases(code: str | None) -> set[str]:
    """Other names a default group answers to: its code and its name in each language."""
    names: set[str] = set()
    if code:
        from klinikka.services.clinics import DEFAULT_GROUPS

        names.add(code.casefold())
        english = dict(DEFAULT_GROUPS).get(code)
        if english:
            names.update(name_key(gettext_for(language, english)) for language in LANGUAGES)
    return names


def match_group(groups: Sequence[tuple[int, str | None, str]], text: str) -> int | None:
    """The id of the group (id, code, name) that ``text`` names, if exactly one does.

    A group answers to its name, its code or a unique start of a name (case-insensitive); a
    default group also to its name in Finnish, Swedish and English, so a note-taker may type
    "yritys" in a clinic whose groups are named in Swedish. A group's own name wins over
    another group's alias (a user may add a group called "Järjestö" too). Failing those, a
    word of one group's names ("asiakas" of "Asukas tai asiakas") or a default group's short
    form (``SHORT_FORMS``: "kunta", "förening"); then the start of a name, or of such a word
    from three letters on. What names two groups names neither (refused as unknown).
    """
    key = name_key(text)
    if not key:
        return None
    for group_id, _, name in groups:
        if name_key(name) == key:
            return group_id
    aliases = [
        (group_id, _group_aliases(code) | {name_key(name)}) for group_id, code, name in groups
    ]
    for group_id, names in aliases:
        if key in names:
            return group_id
    codes = {group_id: code for group_id, code, _ in groups}
    words = [(group_id, _words(names, codes[group_id])) for group_id, names in aliases]
    named = [group_id for group_id, group_words in words if key in group_words]
    if named:
        return named[0] if len(named) == 1 else None
    starts = {group_id for group_id, names in aliases if any(n.startswith(key) for n in names)}
    if len(key) >= _WORD_START:
        starts |= {gid for gid, group_words in words if any(w.startswith(key) for w in group_words)}
    return starts.pop() if len(starts) == 1 else None


def unknown_group(name: str, names: Sequence[str]) -> ValidationError:
    """The refusal of a group that names none of the clinic's: it lists those there are."""
    return ValidationError(
        N_("There is no stakeholder group called “{name}”. The groups: {groups}."),
        name=name,
        groups=", ".join(names),
    )


def group_names(session: Session, clinic_id: int) -> list[str]:
    return [group.name for group in _groups(session, clinic_id)]


def find_group(session: Session, clinic_id: int, text: str) -> StakeholderGroup | None:
    """The clinic's group that ``text`` names (see ``match_group``)."""
    groups = _groups(session, clinic_id)
    found = match_group([(g.id or 0, g.code, g.name) for g in groups], text)
    return next((group for group in groups if group.id == found), None)


def _check_group_name(session: Session, clinic_id: int, name: str, own_id: int | None) -> str:
    clean = clean_text(name, field=M_("Group name"), limit=MAX_NAME)
    for group in _groups(session, clinic_id):
        if group.id != own_id and name_key(group.name) == name_key(clean):
            raise ConflictError(N_("There is already a group called “{name}”."), name=clean)
    return clean


def group_in_clinic(session: Session, clinic_id: int, group_id: int | None) -> int | None:
    """Check that a group belongs to the clinic; None stays None."""
    if group_id is None:
        return None
    group = session.get(StakeholderGroup, group_id)
    if group is None or group.clinic_id != clinic_id:
        raise NotFoundError(_NO_GROUP, id=group_id)
    return group_id


def add_group(engine: Engine, clinic_id: int, name: str) -> GroupView:
    """Add a stakeholder group at the end of the clinic's list."""
    with action(engine, clinic_id, "group.add", N_("Added the group “{name}”.")) as act:
        get_clinic(act.session, clinic_id)
        clean = _check_group_name(act.session, clinic_id, name, None)
        act.fields["name"] = clean
        last = act.session.exec(
            select(func.max(StakeholderGroup.position)).where(
                StakeholderGroup.clinic_id == clinic_id
            )
        ).one()
        group = StakeholderGroup(
            clinic_id=clinic_id, name=clean, position=(last if last is not None else -1) + 1
        )
        act.session.add(group)
        act.session.flush()
        return _group_view(group)


def rename_group(engine: Engine, group_id: int, name: str) -> GroupView:
    with read_session(engine) as session:
        clinic_id = get_or_404(session, StakeholderGroup, group_id, _NO_GROUP).clinic_id
    with action(engine, clinic_id, "group.rename", N_("Renamed a group to “{name}”.")) as act:
        group = get_or_404(act.session, StakeholderGroup, group_id, _NO_GROUP)
        group.name = _check_group_name(act.session, clinic_id, name, group_id)
        act.fields["name"] = group.name
        return _group_view(group)


def move_group(engine: Engine, group_id: int, position: int) -> list[GroupView]:
    """Put a group at a position (0 is first) in the clinic's list."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, StakeholderGroup, group_id, _NO_GROUP).clinic_id
    with action(engine, clinic_id, "group.move", N_("Reordered the groups.")) as act:
        groups = reorder(_groups(act.session, clinic_id), group_id, position)
        return [_group_view(group) for group in groups]


def delete_group(engine: Engine, group_id: int) -> None:
    """Delete a group; its participants, ideas and ballots keep no group (undoable)."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, StakeholderGroup, group_id, _NO_GROUP).clinic_id
    with action(engine, clinic_id, "group.delete", N_("Deleted the group “{name}”.")) as act:
        session = act.session
        group = get_or_404(session, StakeholderGroup, group_id, _NO_GROUP)
        act.fields["name"] = group.name
        for model in (Participant, Idea):
            for row in session.exec(select(model).where(model.group_id == group_id)).all():
                row.group_id = None
        for ballot in session.exec(select(Ballot).where(Ballot.group_id == group_id)).all():
            ballot.group_id = None
        session.flush()
        session.delete(group)


# ---------------------------------------------------------------- participants


def _participant_view(participant: Participant, group: StakeholderGroup | None) -> ParticipantView:
    return ParticipantView(
        id=participant.id or 0,
        name=participant.name,
        organisation=participant.organisation,
        group_id=participant.group_id,
        group_name=group.name if group else None,
    )


def list_participants(engine: Engine, clinic_id: int) -> list[ParticipantView]:
    """The clinic's participants by name."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        rows = session.exec(
            select(Participant, StakeholderGroup)
            .join(StakeholderGroup, isouter=True)
            .where(Participant.clinic_id == clinic_id, col(Participant.deleted_at).is_(None))
            .order_by(func.lower(Participant.name), col(Participant.id))
        ).all()
        return [_participant_view(participant, group) for participant, group in rows]


def find_participant(session: Session, clinic_id: int, name: str) -> Participant | None:
    """The participant with this name (case and spacing ignored), if there is one."""
    key = name_key(name)
    if not key:
        return None
    # Only names are read to compare (Python's casefold knows ä and å; SQLite's lower does not).
    for participant_id, participant_name in session.exec(
        select(Participant.id, Participant.name).where(
            Participant.clinic_id == clinic_id, col(Participant.deleted_at).is_(None)
        )
    ).all():
        if name_key(participant_name) == key:
            return session.get(Participant, participant_id)
    return None


def _check_participant_name(session: Session, clinic_id: int, name: str, own_id: int | None) -> str:
    clean = clean_text(name, field=M_("Name"), limit=MAX_NAME)
    existing = find_participant(session, clinic_id, clean)
    if existing is not None and existing.id != own_id:
        raise ConflictError(
            N_("A participant called “{name}” is already in this clinic."), name=clean
        )
    return clean


def add_participant(
    engine: Engine,
    clinic_id: int,
    name: str,
    *,
    organisation: str = "",
    group_id: int | None = None,
) -> ParticipantView:
    """Add a participant (names are unique in a clinic, ignoring case)."""
    with action(engine, clinic_id, "participant.add", N_("Added the participant {name}.")) as act:
        session = act.session
        get_clinic(session, clinic_id)
        participant = Participant(
            clinic_id=clinic_id,
            name=_check_participant_name(session, clinic_id, name, None),
            organisation=clean_text(
                organisation, field=M_("Organisation"), limit=MAX_NAME, required=False
            ),
            group_id=group_in_clinic(session, clinic_id, group_id),
        )
        act.fields["name"] = participant.name
        session.add(participant)
        session.flush()
        group = (
            session.get(StakeholderGroup, participant.group_id) if participant.group_id else None
        )
        return _participant_view(participant, group)


def update_participant(
    engine: Engine,
    participant_id: int,
    *,
    name: str | None = None,
    organisation: str | None = None,
    group_id: int | object | None = UNSET,
) -> ParticipantView:
    """Change a participant's name, organisation or group; what is left out stays."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, Participant, participant_id, _NO_PARTICIPANT).clinic_id
    with action(engine, clinic_id, "participant.edit", N_("Edited the participant {name}.")) as act:
        session = act.session
        participant = get_or_404(session, Participant, participant_id, _NO_PARTICIPANT)
        if name is not None:
            participant.name = _check_participant_name(session, clinic_id, name, participant_id)
        if organisation is not None:
            participant.organisation = clean_text(
                organisation, field=M_("Organisation"), limit=MAX_NAME, required=False
            )
        if group_id is not UNSET:
            if group_id is not None and not isinstance(group_id, int):
                raise ValidationError(
                    N_("There is no stakeholder group with id {id}."), id=group_id
                )
            participant.group_id = group_in_clinic(session, clinic_id, group_id)
        act.fields["name"] = participant.name
        session.flush()
        group = (
            session.get(StakeholderGroup, participant.group_id) if participant.group_id else None
        )
        return _participant_view(participant, group)


def delete_participant(engine: Engine, participant_id: int) -> None:
    """Remove a participant; their ideas keep the author's name (undoable)."""
    from klinikka.models import utcnow

    with read_session(engine) as session:
        clinic_id = get_or_404(session, Participant, participant_id, _NO_PARTICIPANT).clinic_id
    with action(
        engine, clinic_id, "participant.delete", N_("Removed the participant {name}.")
    ) as act:
        participant = get_or_404(act.session, Participant, participant_id, _NO_PARTICIPANT)
        act.fields["name"] = participant.name
        participant.deleted_at = utcnow()
