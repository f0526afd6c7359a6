"""Whole clinics out of and into the database, as klinikka documents (docs/json-format.md)."""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from klinikka import __version__
from klinikka.document import (
    FORMAT_VERSION,
    DocActivity,
    DocBallot,
    DocBallotEntry,
    DocClinic,
    DocDecision,
    DocGroup,
    DocIdea,
    DocNote,
    DocParticipant,
    DocProvenance,
    DocRound,
    DocTheme,
    Document,
)
from klinikka.i18n import N_, NP_
from klinikka.models import (
    Activity,
    Ballot,
    BallotEntry,
    Clinic,
    Idea,
    IdeaSource,
    ImportBatch,
    Note,
    Participant,
    RoundTheme,
    StakeholderGroup,
    Theme,
    VotingRound,
    utcnow,
)
from klinikka.services._base import actor, get_clinic, read_session, summary_json, write_session
from klinikka.services.participants import find_participant
from klinikka.text import name_key

# ---------------------------------------------------------------- export


def _columns(model: type[SQLModel]) -> list[Any]:
    """Every column of ``model``'s table, to select rows rather than ORM objects."""
    return list(model.__table__.columns)  # type: ignore[attr-defined]


def _rows(session: Session, query: Any) -> Sequence[Any]:
    """Rows with the columns as attributes (``row.text``), as the ORM objects had them."""
    return session.connection().execute(query).all()


def _clinic_part(session: Session, clinic: Clinic) -> DocClinic:
    clinic_id = clinic.id
    groups = session.exec(
        select(StakeholderGroup)
        .where(StakeholderGroup.clinic_id == clinic_id)
        .order_by(col(StakeholderGroup.position), col(StakeholderGroup.id))
    ).all()
    participants = session.exec(
        select(Participant)
        .where(Participant.clinic_id == clinic_id, col(Participant.deleted_at).is_(None))
        .order_by(col(Participant.id))
    ).all()
    live_participants = {participant.id for participant in participants}
    themes = session.exec(
        select(Theme)
        .where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
        .order_by(col(Theme.position), col(Theme.id))
    ).all()
    theme_index = {theme.id: index for index, theme in enumerate(themes)}
    # Ideas, ballots and the log are read as rows, not ORM objects: ten thousand objects
    # cost more than the query (bench/bench_export.py).
    ideas = _rows(
        session,
        select(*_columns(Idea))
        .where(Idea.clinic_id == clinic_id, col(Idea.deleted_at).is_(None))
        .order_by(col(Idea.created_at), col(Idea.id)),
    )
    rounds = session.exec(
        select(VotingRound)
        .where(VotingRound.clinic_id == clinic_id)
        .order_by(col(VotingRound.number))
    ).all()
    notes = session.exec(
        select(Note)
        .where(Note.clinic_id == clinic_id, col(Note.deleted_at).is_(None))
        .order_by(col(Note.position), col(Note.id))
    ).all()
    activity = _rows(
        session,
        select(*_columns(Activity))
        .where(Activity.clinic_id == clinic_id)
        .order_by(col(Activity.id)),
    )

    def person(participant_id: int | None) -> int | None:
        return participant_id if participant_id in live_participants else None

    return DocClinic(
        id=clinic.id or 0,
        uid=clinic.uid,
        title=clinic.title,
        starts_at=clinic.starts_at,
        ends_at=clinic.ends_at,
        goal=clinic.goal,
        facilitator=clinic.facilitator,
        note_taker=clinic.note_taker,
        language=clinic.language,
        status=clinic.status,
        created_at=clinic.created_at,
        updated_at=clinic.updated_at,
        imported_at=clinic.imported_at,
        groups=[
            DocGroup(id=g.id or 0, code=g.code, name=g.name, position=g.position) for g in groups
        ],
        participants=[
            DocParticipant(
                id=p.id or 0,
                name=p.name,
                organisation=p.organisation,
                group=p.group_id,
                created_at=p.created_at,
            )
            for p in participants
        ],
        themes=[
            DocTheme(
                id=t.id or 0,
                name=t.name,
                description=t.description,
                position=t.position,
                created_at=t.created_at,
            )
            for t in themes
        ],
        ideas=[
            DocIdea(
                id=i.id or 0,
                uid=i.uid,
                text=i.text,
                theme=i.theme_id,
                participant=person(i.participant_id),
                author=i.author,
                group=i.group_id,
                starred=i.starred,
                created_at=i.created_at,
                updated_at=i.updated_at,
                merged_into=i.merged_into_id,
                provenance=DocProvenance(
                    kind=i.source,
                    format=i.source_format,
                    file=i.source_file,
                    original_author=i.original_author,
                    original_time=i.original_time,
                    imported_at=i.imported_at,
                ),
            )
            for i in ideas
        ],
        rounds=[_round_part(session, r, person, theme_index) for r in rounds],
        notes=[
            DocNote(kind=n.kind, text=n.text, position=n.position, created_at=n.created_at)
            for n in notes
        ],
        activity=[
            DocActivity(
                at=a.at, action=a.action, summary=a.summary, actor=a.actor, undone_at=a.undone_at
            )
            for a in activity
        ],
    )


def _round_part(
    session: Session,
    voting_round: VotingRound,
    person: Callable[[int | None], int | None],
    theme_index: dict[int | None, int],
) -> DocRound:
    links = session.exec(
        select(RoundTheme)
        .where(RoundTheme.round_id == voting_round.id)
        .order_by(col(RoundTheme.position))
    ).all()
    ballots = _rows(
        session,
        select(*_columns(Ballot))
        .where(Ballot.round_id == voting_round.id, col(Ballot.deleted_at).is_(None))
        .order_by(col(Ballot.id)),
    )
    entries: dict[int, list[Any]] = {}
    for entry in _rows(
        session,
        select(*_columns(BallotEntry)).where(
            BallotEntry.round_id == voting_round.id, col(BallotEntry.live).is_(True)
        ),
    ):
        entries.setdefault(entry.ballot_id, []).append(entry)
    decision = (
        DocDecision(theme=voting_round.decision_theme_id, note=voting_round.decision_note)
        if voting_round.decision_theme_id is not None
        else None
    )
    return DocRound(
        id=voting_round.id or 0,
        number=voting_round.number,
        title=voting_round.title,
        method=voting_round.method,
        dots_per_voter=voting_round.dots_per_voter,
        cap_per_theme=voting_round.cap_per_theme,
        points_budget=voting_round.points_budget,
        hide_results=voting_round.hide_results,
        status=voting_round.status,
        opened_at=voting_round.opened_at,
        closed_at=voting_round.closed_at,
        runoff_of=voting_round.runoff_of_id,
        decision=decision,
        created_at=voting_round.created_at,
        themes=[link.theme_id for link in links],
        ballots=[
            DocBallot(
                id=b.id or 0,
                voter=b.voter,
                participant=person(b.participant_id),
                group=b.group_id,
                respondents=b.respondents,
                cast_at=b.cast_at,
                entries=[
                    DocBallotEntry(theme=e.theme_id, value=e.value, rank=e.rank)
                    for e in sorted(
                        entries.get(b.id or 0, []), key=lambda e: theme_index.get(e.theme_id, 0)
                    )
                ],
            )
            for b in ballots
        ],
    )


def export_document(engine: Engine, clinic_ids: Sequence[int]) -> Document:
    """The whole of the given clinics as one document."""
    with read_session(engine) as session:
        parts = [_clinic_part(session, get_clinic(session, cid)) for cid in clinic_ids]
    return Document(
        version=FORMAT_VERSION,
        generator=f"klinikka {__version__}",
        exported_at=utcnow(),
        clinics=parts,
    )


# ---------------------------------------------------------------- import


@dataclass
class ImportReport:
    """What an import did, or (for a dry run) would do."""

    clinics_added: list[tuple[int, str]] = field(default_factory=list)
    clinics_skipped: list[tuple[int, str]] = field(default_factory=list)
    ideas_added: int = 0
    ideas_skipped: int = 0
    dry_run: bool = False


def _known(new_id: int | None) -> int:
    assert new_id is not None, "the document's references were checked on reading"
    return new_id


def _insert_clinic(session: Session, part: DocClinic) -> int:
    clinic = Clinic(
        uid=part.uid,
        title=part.title,
        starts_at=part.starts_at,
        ends_at=part.ends_at,
        goal=part.goal,
        facilitator=part.facilitator,
        note_taker=part.note_taker,
        language=part.language,
        status=part.status,
        created_at=part.created_at,
        updated_at=part.updated_at,
        imported_at=utcnow(),
    )
    session.add(clinic)
    session.flush()
    assert clinic.id is not None
    cid = clinic.id
    groups: dict[int | None, int | None] = {None: None}
    for g in part.groups:
        row = StakeholderGroup(clinic_id=cid, code=g.code, name=g.name, position=g.position)
        session.add(row)
        session.flush()
        groups[g.id] = row.id
    people: dict[int | None, int | None] = {None: None}
    for p in part.participants:
        person = Participant(
            clinic_id=cid,
            name=p.name,
            organisation=p.organisation,
            group_id=groups[p.group],
            created_at=p.created_at or utcnow(),
        )
        session.add(person)
        session.flush()
        people[p.id] = person.id
    themes: dict[int | None, int | None] = {None: None}
    for t in part.themes:
        theme = Theme(
            clinic_id=cid,
            name=t.name,
            description=t.description,
            position=t.position,
            created_at=t.created_at or utcnow(),
        )
        session.add(theme)
        session.flush()
        themes[t.id] = theme.id
    ideas: dict[int | None, int | None] = {None: None}
    rows: list[tuple[DocIdea, Idea]] = []
    for i in part.ideas:
        idea = Idea(
            uid=i.uid,
            clinic_id=cid,
            text=i.text,
            theme_id=themes[i.theme],
            participant_id=people[i.participant],
            author=i.author,
            group_id=groups[i.group],
            starred=i.starred,
            created_at=i.created_at,
            updated_at=i.updated_at,
            source=i.provenance.kind,
            source_format=i.provenance.format,
            source_file=i.provenance.file,
            original_author=i.provenance.original_author,
            original_time=i.provenance.original_time,
            imported_at=i.provenance.imported_at,
        )
        session.add(idea)
        rows.append((i, idea))
    session.flush()
    for i, idea in rows:
        ideas[i.id] = idea.id
    for i, idea in rows:
        idea.merged_into_id = ideas[i.merged_into]
    rounds: dict[int | None, int | None] = {None: None}
    for r in part.rounds:
        voting_round = VotingRound(
            clinic_id=cid,
            number=r.number,
            title=r.title,
            method=r.method,
            dots_per_voter=r.dots_per_voter,
            cap_per_theme=r.cap_per_theme,
            points_budget=r.points_budget,
            hide_results=r.hide_results,
            status=r.status,
            opened_at=r.opened_at,
            closed_at=r.closed_at,
            decision_theme_id=themes[r.decision.theme] if r.decision else None,
            decision_note=r.decision.note if r.decision else "",
            created_at=r.created_at or utcnow(),
        )
        session.add(voting_round)
        session.flush()
        assert voting_round.id is not None
        rounds[r.id] = voting_round.id
        for position, theme_id in enumerate(r.themes):
            session.add(
                RoundTheme(
                    round_id=voting_round.id, theme_id=_known(themes[theme_id]), position=position
                )
            )
        for b in r.ballots:
            ballot = Ballot(
                round_id=voting_round.id,
                voter=b.voter,
                voter_key=name_key(b.voter),
                participant_id=people[b.participant],
                group_id=groups[b.group],
                respondents=b.respondents,
                cast_at=b.cast_at,
            )
            session.add(ballot)
            session.flush()
            assert ballot.id is not None
            for e in b.entries:
                session.add(
                    BallotEntry(
                        ballot_id=ballot.id,
                        theme_id=_known(themes[e.theme]),
                        round_id=voting_round.id,
                        value=e.value,
                        rank=e.rank,
                    )
                )
    session.flush()
    for r in part.rounds:
        if r.runoff_of is not None:
            runoff = session.get(VotingRound, rounds[r.id])
            assert runoff is not None
            runoff.runoff_of_id = rounds[r.runoff_of]
    for n in part.notes:
        session.add(
            Note(
                clinic_id=cid,
                kind=n.kind,
                text=n.text,
                position=n.position,
                created_at=n.created_at,
            )
        )
    for a in part.activity:
        session.add(
            Activity(
                clinic_id=cid,
                at=a.at,
                action=a.action,
                summary=a.summary,
                actor=a.actor,
                undone_at=a.undone_at,
            )
        )
    return cid


class _IdeasInto:
    """Adds a document's ideas to an existing clinic: themes and groups matched by name (or
    a default group's code), participants by name (new ones added), nothing taken twice."""

    def __init__(self, session: Session, clinic_id: int, batch: ImportBatch) -> None:
        self.session, self.clinic_id, self.batch = session, clinic_id, batch
        self.ids_by_uid: dict[str, int | None] = dict(
            session.exec(select(Idea.uid, Idea.id).where(Idea.clinic_id == clinic_id)).all()
        )
        self.themes: dict[str, int | None] = {
            name_key(theme.name): theme.id
            for theme in session.exec(
                select(Theme).where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
            ).all()
        }
        self.groups = list(
            session.exec(
                select(StakeholderGroup).where(StakeholderGroup.clinic_id == clinic_id)
            ).all()
        )
        self.now = utcnow()
        self.already_here = set(self.ids_by_uid)
        self.added = 0

    def theme(self, name: str) -> int | None:
        key = name_key(name)
        if key not in self.themes:
            theme = Theme(clinic_id=self.clinic_id, name=name, position=len(self.themes))
            self.session.add(theme)
            self.session.flush()
            self.themes[key] = theme.id
        return self.themes[key]

    def group(self, group: DocGroup | None) -> int | None:
        if group is None:
            return None
        for ours in self.groups:
            same_code = group.code is not None and ours.code == group.code
            if same_code or name_key(ours.name) == name_key(group.name):
                return ours.id
        return None

    def participant(self, person: DocParticipant | None, group_id: int | None) -> int | None:
        if person is None:
            return None
        found = find_participant(self.session, self.clinic_id, person.name)
        if found is None:
            found = Participant(
                clinic_id=self.clinic_id,
                name=person.name,
                organisation=person.organisation,
                group_id=group_id,
            )
            self.session.add(found)
            self.session.flush()
        return found.id

    def add(self, part: DocClinic, idea: DocIdea) -> bool:
        """Add one idea (its merge target first); False if the clinic already has it."""
        if idea.uid in self.ids_by_uid:
            return False
        themes = {theme.id: theme.name for theme in part.themes}
        groups = {group.id: group for group in part.groups}
        people = {person.id: person for person in part.participants}
        group_id = self.group(groups.get(idea.group) if idea.group else None)
        original = idea.provenance
        imported_before = original.kind is IdeaSource.IMPORT
        row = Idea(
            uid=idea.uid,
            clinic_id=self.clinic_id,
            text=idea.text,
            theme_id=self.theme(themes[idea.theme]) if idea.theme is not None else None,
            author=idea.author,
            group_id=group_id,
            participant_id=self.participant(
                people.get(idea.participant) if idea.participant else None, group_id
            ),
            starred=idea.starred,
            merged_into_id=self._target(part, idea),
            source=IdeaSource.IMPORT,
            source_format=original.format if imported_before else "json",
            source_file=original.file if imported_before else self.batch.file_name,
            import_batch_id=self.batch.id,
            original_author=original.original_author or idea.author or None,
            original_time=original.original_time or idea.created_at,
            imported_at=self.now,
        )
        self.session.add(row)
        self.session.flush()
        self.ids_by_uid[idea.uid] = row.id
        self.added += 1
        return True

    def _target(self, part: DocClinic, idea: DocIdea) -> int | None:
        if idea.merged_into is None:
            return None
        target = next(other for other in part.ideas if other.id == idea.merged_into)
        self.add(part, target)
        return self.ids_by_uid[target.uid]


def _merge_ideas_into(
    session: Session, clinic_id: int, document: Document, file_name: str, digest: str
) -> tuple[int, int]:
    """Add the document's ideas to an existing clinic, skipping those it already has."""
    batch = ImportBatch(
        clinic_id=clinic_id, source_format="json", file_name=file_name, file_sha256=digest
    )
    session.add(batch)
    session.flush()
    into = _IdeasInto(session, clinic_id, batch)
    skipped = 0
    for part in document.clinics:
        for idea in part.ideas:
            skipped += idea.uid in into.already_here
            into.add(part, idea)
    batch.idea_count = into.added
    if into.added == 0:
        session.delete(batch)
    return into.added, skipped


def import_document(
    engine: Engine,
    document: Document,
    *,
    file_name: str,
    raw: bytes = b"",
    clinic_id: int | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a document in one transaction: all of it, or nothing.

    Without ``clinic_id`` each clinic comes in whole, unless a clinic with the same uid is
    already here (then it is skipped). With ``clinic_id`` the ideas are added to that clinic,
    skipping any it already has. ``dry_run`` reports what would happen and changes nothing.
    """
    report = ImportReport(dry_run=dry_run)
    with contextlib.suppress(_DryRunDone):
        _import(engine, document, file_name, raw, clinic_id, dry_run, report)
    return report


class _DryRunDone(Exception):
    """Raised at the end of a dry run so that the transaction rolls back."""


def _import(
    engine: Engine,
    document: Document,
    file_name: str,
    raw: bytes,
    clinic_id: int | None,
    dry_run: bool,
    report: ImportReport,
) -> None:
    with write_session(engine) as session:
        if clinic_id is not None:
            target = get_clinic(session, clinic_id)
            report.ideas_added, report.ideas_skipped = _merge_ideas_into(
                session, clinic_id, document, file_name, hashlib.sha256(raw).hexdigest()
            )
            if report.ideas_added:
                target.updated_at = utcnow()
                session.add(
                    Activity(
                        clinic_id=clinic_id,
                        action="import.ideas",
                        summary=summary_json(
                            NP_(
                                "Imported {count} idea from {file}.",
                                "Imported {count} ideas from {file}.",
                            ),
                            {"count": report.ideas_added, "file": file_name},
                        ),
                        actor=actor(),
                    )
                )
        else:
            for part in document.clinics:
                existing = session.exec(select(Clinic).where(Clinic.uid == part.uid)).first()
                if existing is not None:
                    report.clinics_skipped.append((existing.id or 0, existing.title))
                    report.ideas_skipped += len(part.ideas)
                    continue
                new_id = _insert_clinic(session, part)
                report.clinics_added.append((new_id, part.title))
                report.ideas_added += len(part.ideas)
                session.add(
                    Activity(
                        clinic_id=None,
                        action="import.clinic",
                        summary=summary_json(
                            N_("Imported the clinic “{title}” from {file}."),
                            {"title": part.title, "file": file_name},
                        ),
                        actor=actor(),
                    )
                )
        if dry_run:
            raise _DryRunDone
