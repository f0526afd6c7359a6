"""Ideas from where they were collected (Padlet, Zoom, Teams, text, CSV): preview, then import.

The parsers (``importers/``) turn a file into items; this service decides what an import would
do and does it in one transaction, all or nothing:
- an item imported before (from this file or any other holding the same message: the same
  format, time of day and text, see ``item_uid``) is not added again, so importing a file
  twice, or a chat saved again later in the meeting, adds only what is new;
- an item whose text was already typed by hand into the clinic (the same words, case and
  spacing aside) is not added either, and the preview lists it;
- a Padlet section becomes a theme (an existing theme of the same name is used);
- an author is linked to the participant of that name, and gets their group;
- each idea keeps its provenance: the format, the file's name, the original author and time;
- the import is one undoable action (its ideas, new themes and record go together).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine, insert
from sqlmodel import Session, col, func, select

from klinikka.errors import ImportFormatError
from klinikka.i18n import N_, NP_
from klinikka.importers.base import FORMAT_LABELS, Item, Parsed, Skip, excerpt
from klinikka.models import (
    Clinic,
    Idea,
    IdeaSource,
    ImportBatch,
    Participant,
    StakeholderGroup,
    Theme,
    utcnow,
)
from klinikka.services._base import MAX_NAME, Action, action, get_clinic, read_session
from klinikka.services.history import batch_digest
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

    def preview_lines(self, _: Callable[[str], str]) -> list[str]:
        """What the preview says after its headline, as lines (``_`` translates)."""
        lines = [
            _("Recognised as {format}.").format(
                format=_(FORMAT_LABELS.get(self.format, self.format))
            )
        ]
        if self.already:
            lines.append(
                _("Already imported before, not added again: {count}.").format(count=self.already)
            )
        if self.typed:
            lines.append(
                _("Already typed by hand, not added: {count}.").format(count=len(self.typed))
            )
            lines += ["  = " + excerpt(item.text) for item in self.typed[:PREVIEW_ITEMS]]
        if self.new_themes:
            lines.append(
                _("New themes from the file's sections: {themes}.").format(
                    themes=", ".join(self.new_themes)
                )
            )
        if self.unknown_groups:
            lines.append(
                _("No stakeholder group is called {groups}: those ideas have none.").format(
                    groups=", ".join(self.unknown_groups)
                )
            )
        if self.skipped:
            lines.append(_("Left out: {count}.").format(count=len(self.skipped)))
            lines += [f"  {times} × " + _(reason) for reason, times in self.skipped_by_reason()]
            for skip in self.skipped[:PREVIEW_ITEMS]:
                where = _("line {line}").format(line=skip.line)
                what = f" — {excerpt(skip.excerpt)}" if skip.excerpt else ""
                lines.append(f"    {where}: " + _(skip.reason) + what)
        return lines

    def skipped_by_reason(self) -> list[tuple[str, int]]:
        """Each reason for skipping, with how many items it left out (most first)."""
        return Counter(skip.reason for skip in self.skipped).most_common()


def item_uid(file_format: str, item: Item, occurrence: int) -> str:
    """An imported idea's uid: the same message from the same place always gets the same one.

    Its format, the time of day it was written (to the minute) and its text, and which of
    several such it is: not the author (a CSV list imported again with its names column is the
    same list) nor the date (Teams shows "yesterday 10.42" one day and "3.11. 10.42" later).
    """
    when = item.time.strftime("%H:%M") if item.time else ""
    key = "\x1f".join((file_format, when, item.text, str(occurrence)))
    return "import-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _uids(parsed: Parsed) -> list[str]:
    seen: Counter[tuple[str, str]] = Counter()
    uids = []
    for item in parsed.items:
        key = (item.time.strftime("%H:%M") if item.time else "", item.text)
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


class _NothingToImport(Exception):
    """Raised inside the import's transaction when it has nothing to add: it rolls back."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__()
        self.plan = plan


def import_ideas(
    engine: Engine,
    clinic_id: int,
    parsed: Parsed,
    *,
    file_name: str,
    raw: bytes = b"",
    dry_run: bool = False,
) -> ImportPlan:
    """Import what ``plan_import`` shows, in one transaction: every new idea, or none.

    The import is one undoable action: ctrl+z (``history.undo``) takes its ideas, the themes
    it made and its record away again, unless they were changed since.
    """
    if not parsed.items and not parsed.skipped:
        raise ImportFormatError(N_("The file holds no ideas."))
    if dry_run:
        plan = plan_import(engine, clinic_id, parsed, file_name=file_name)
        plan.dry_run = True
        return plan
    message = NP_("Imported {count} idea from {file}.", "Imported {count} ideas from {file}.")
    try:
        with action(engine, clinic_id, "import.ideas", message, file=file_name) as act:
            return _import(act, clinic_id, parsed, file_name, raw)
    except _NothingToImport as nothing:
        return nothing.plan


def _import(act: Action, clinic_id: int, parsed: Parsed, file_name: str, raw: bytes) -> ImportPlan:
    session = act.session
    clinic = get_clinic(session, clinic_id)
    # Planned again inside the transaction: another klinikka may have imported meanwhile.
    plan = _plan(session, clinic_id, parsed, file_name)
    plan.dry_run = False
    if not plan.new:
        raise _NothingToImport(plan)
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
    people = _people(session, clinic_id)
    groups = _groups(session, clinic_id)
    now = utcnow()
    rows = []
    for item, uid in zip(plan.new, plan.new_uids, strict=True):
        person_id, group_id = _person(people, item.author)
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
    connection = session.connection()
    connection.execute(insert(Idea), rows)
    # Undone as one step: the batch's ideas, while they are as imported (history.py).
    act.record(
        {
            "op": "insert_batch",
            "table": "idea",
            "batch": batch.id,
            "digest": batch_digest(connection, batch.id or 0),
        }
    )
    clinic.updated_at = now
    session.add(clinic)
    act.fields["count"] = len(rows)
    plan.added = len(rows)
    return plan


def _people(session: Session, clinic_id: int) -> dict[str, tuple[int | None, int | None]]:
    return {
        name_key(name): (person_id, group_id)
        for person_id, name, group_id in session.exec(
            select(Participant.id, Participant.name, Participant.group_id).where(
                Participant.clinic_id == clinic_id, col(Participant.deleted_at).is_(None)
            )
        ).all()
    }


# "Elina Mäkelä (Pirkanmaan hyvinvointialue)": a chat name with an organisation after it.
_AFTER_NAME = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")


def _person(
    people: dict[str, tuple[int | None, int | None]], author: str
) -> tuple[int | None, int | None]:
    """The participant an author's name is (as typed, or without an organisation after it)."""
    found = people.get(name_key(author))
    if found is None:
        found = people.get(name_key(_AFTER_NAME.sub("", author)))
    return found or (None, None)


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
