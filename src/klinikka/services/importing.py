"""Ideas from where they were collected (Padlet, Zoom, Teams, text, CSV): preview, then import.

The parsers (``importers/``) turn a file into items; this service decides what an import would
do and does it in one transaction, all or nothing:
- an item imported before (from this file or any other holding the same message: the same
  format, author, time and text) is not added again, so importing a file twice, or a chat saved
  again later in the meeting, adds only what is new;
- an item whose text was already typed by hand into the clinic (the same words, case and
  spacing aside) is not added either, and the preview lists it;
- a Padlet section becomes a theme (an existing theme of the same name is used);
- an author is linked to the participant of that name, and gets their group;
- each idea keeps its provenance: the format, the file's name, the original author and time.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, func, select

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_, NP_
from klinikka.importers.base import Item, Parsed, Skip
from klinikka.models import (
    Activity,
    Clinic,
    Idea,
    IdeaSource,
    ImportBatch,
    Participant,
    StakeholderGroup,
    Theme,
    utcnow,
)
from klinikka.services._base import (
    MAX_NAME,
    actor,
    get_clinic,
    read_session,
    summary_json,
    write_session,
)
from klinikka.services.participants import match_group
from klinikka.text import name_key, strip_controls

# How many of the new ideas a preview shows.
PREVIEW_ITEMS = 5


@dataclass
class ImportPlan:
    """What importing a file into a clinic does (or, after ``import_ideas``, did)."""

    file_name: str
    format: str
    found: int  # items the parser found in the file
    new: list[Item] = field(default_factory=list)  # to be added
    already: int = 0  # imported before
    typed: list[Item] = field(default_factory=list)  # typed by hand already: not added
    skipped: list[Skip] = field(default_factory=list)  # left out by the parser
    new_themes: list[str] = field(default_factory=list)  # sections without a theme yet
    unknown_groups: list[str] = field(default_factory=list)  # group names nobody has
    dry_run: bool = True
    added: int = 0  # after the import
    new_uids: list[str] = field(default_factory=list, repr=False)  # the new items' uids

    @property
    def first(self) -> list[Item]:
        return self.new[:PREVIEW_ITEMS]

    def skipped_by_reason(self) -> list[tuple[str, int]]:
        """Each reason for skipping, with how many items it left out (most first)."""
        return Counter(skip.reason for skip in self.skipped).most_common()


def item_uid(file_format: str, item: Item, occurrence: int) -> str:
    """An imported idea's uid: the same message from the same place always gets the same one."""
    when = item.time.isoformat() if item.time else ""
    key = "\x1f".join((file_format, name_key(item.author), when, item.text, str(occurrence)))
    return "import-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _uids(parsed: Parsed) -> list[str]:
    seen: Counter[tuple[str, datetime | None, str]] = Counter()
    uids = []
    for item in parsed.items:
        key = (name_key(item.author), item.time, item.text)
        uids.append(item_uid(parsed.format, item, seen[key]))
        seen[key] += 1
    return uids


def _typed_texts(session: Session, clinic_id: int) -> set[str]:
    texts = session.exec(
        select(Idea.text).where(
            Idea.clinic_id == clinic_id,
            col(Idea.deleted_at).is_(None),
            Idea.source == IdeaSource.LIVE,
        )
    ).all()
    return {name_key(text) for text in texts}


def _plan(session: Session, clinic_id: int, parsed: Parsed, file_name: str) -> ImportPlan:
    plan = ImportPlan(
        file_name=file_name,
        format=parsed.format,
        found=len(parsed.items),
        skipped=list(parsed.skipped),
    )
    existing = set(session.exec(select(Idea.uid).where(Idea.clinic_id == clinic_id)).all())
    typed = _typed_texts(session, clinic_id)
    for item, uid in zip(parsed.items, _uids(parsed), strict=True):
        if uid in existing:
            plan.already += 1
        elif name_key(item.text) in typed:
            plan.typed.append(item)
        else:
            plan.new.append(item)
            plan.new_uids.append(uid)
    themes = {
        name_key(name)
        for name in session.exec(
            select(Theme.name).where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
        ).all()
    }
    used = {item.section for item in plan.new if item.section}
    plan.new_themes = [
        name for name in _sections(parsed) if name in used and name_key(name) not in themes
    ]
    groups = _groups(session, clinic_id)
    plan.unknown_groups = sorted(
        {item.group for item in plan.new if item.group and match_group(groups, item.group) is None}
    )
    return plan


def _sections(parsed: Parsed) -> list[str]:
    """The file's sections as theme names: one line, within a name's length, in order."""
    names = [" ".join(strip_controls(section).split())[:MAX_NAME] for section in parsed.sections]
    return list(dict.fromkeys(name for name in names if name))


def _groups(session: Session, clinic_id: int) -> list[tuple[int, str | None, str]]:
    return [
        (group.id or 0, group.code, group.name)
        for group in session.exec(
            select(StakeholderGroup).where(StakeholderGroup.clinic_id == clinic_id)
        ).all()
    ]


def plan_import(engine: Engine, clinic_id: int, parsed: Parsed, *, file_name: str) -> ImportPlan:
    """What importing ``parsed`` into the clinic would do; nothing is changed."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        return _plan(session, clinic_id, parsed, file_name)


def import_ideas(
    engine: Engine,
    clinic_id: int,
    parsed: Parsed,
    *,
    file_name: str,
    raw: bytes = b"",
    dry_run: bool = False,
) -> ImportPlan:
    """Import what ``plan_import`` shows, in one transaction: every new idea, or none."""
    if not parsed.items and not parsed.skipped:
        raise ImportFormatError(N_("The file holds no ideas."))
    with write_session(engine) as session:
        clinic = get_clinic(session, clinic_id)
        plan = _plan(session, clinic_id, parsed, file_name)
        plan.dry_run = dry_run
        if dry_run or not plan.new:
            return plan
        batch = ImportBatch(
            clinic_id=clinic_id,
            source_format=parsed.format,
            file_name=file_name,
            file_sha256=hashlib.sha256(raw).hexdigest(),
            idea_count=len(plan.new),
        )
        session.add(batch)
        session.flush()
        themes = _theme_ids(session, clinic_id, plan.new_themes)
        people = {
            name_key(name): (person_id, group_id)
            for person_id, name, group_id in session.exec(
                select(Participant.id, Participant.name, Participant.group_id).where(
                    Participant.clinic_id == clinic_id, col(Participant.deleted_at).is_(None)
                )
            ).all()
        }
        groups = _groups(session, clinic_id)
        now = utcnow()
        rows = []
        for item, uid in zip(plan.new, plan.new_uids, strict=True):
            person_id, group_id = people.get(name_key(item.author), (None, None))
            if item.group:
                group_id = match_group(groups, item.group) or group_id
            rows.append(
                {
                    "uid": uid,
                    "clinic_id": clinic_id,
                    "text": item.text,
                    "theme_id": themes.get(name_key(item.section)) if item.section else None,
                    "participant_id": person_id,
                    "author": item.author,
                    "group_id": group_id,
                    "starred": False,
                    "created_at": now,
                    "updated_at": now,
                    "source": IdeaSource.IMPORT,
                    "source_format": parsed.format,
                    "source_file": file_name,
                    "import_batch_id": batch.id,
                    "original_author": item.author or None,
                    "original_time": _on_clinic_day(item.time, clinic),
                    "imported_at": now,
                }
            )
        session.connection().execute(insert(Idea), rows)
        clinic.updated_at = now
        session.add(
            Activity(
                clinic_id=clinic_id,
                action="import.ideas",
                summary=summary_json(
                    NP_(
                        "Imported {count} idea from {file}.", "Imported {count} ideas from {file}."
                    ),
                    {"count": len(rows), "file": file_name},
                ),
                actor=actor(),
            )
        )
        plan.added = len(rows)
        return plan


def _theme_ids(session: Session, clinic_id: int, new_names: list[str]) -> dict[str, int]:
    """Theme ids by name key, the new sections' themes created at the end of the list."""
    found = {
        name_key(theme.name): theme.id or 0
        for theme in session.exec(
            select(Theme).where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
        ).all()
    }
    position = session.exec(
        select(func.coalesce(func.max(Theme.position), -1)).where(Theme.clinic_id == clinic_id)
    ).one()
    for offset, name in enumerate(new_names, start=1):
        theme = Theme(clinic_id=clinic_id, name=name, position=position + offset)
        session.add(theme)
        session.flush()
        found[name_key(name)] = theme.id or 0
    return found


def _on_clinic_day(moment: datetime | None, clinic: Clinic) -> datetime | None:
    """When an item was written, in UTC as klinikka stores times. A file's times are its own
    local time; a chat's time of day (no date in the file: year 1900) goes on the clinic's own
    day, or today if the clinic has no date."""
    if moment is None:
        return None
    if moment.tzinfo is None and moment.year == 1900:
        day = clinic.starts_at.date() if clinic.starts_at is not None else datetime.now().date()
        moment = datetime.combine(day, moment.time())
    return moment.astimezone(UTC)
