"""Ideas: capture at typing speed, edit, delete, star, search, move between themes, merge."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, overload

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from klinikka.db import driver_sql
from klinikka.errors import NotFoundError, ValidationError
from klinikka.i18n import M_, N_, NP_
from klinikka.models import (
    Idea,
    IdeaSource,
    IdeaView,
    Participant,
    StakeholderGroup,
    Theme,
    new_uid,
    utcnow,
)
from klinikka.services._base import (
    MAX_NAME,
    MAX_TEXT,
    action,
    clean_text,
    get_clinic,
    get_or_404,
    read_session,
)
from klinikka.services._fast import PreparedInsert, fast_action
from klinikka.services.participants import (
    find_group,
    find_participant,
    group_in_clinic,
    group_names,
    match_group,
    unknown_group,
)
from klinikka.text import name_key, strip_controls

_NO_IDEA = N_("There is no idea with id {id}.")
_NO_THEME = N_("There is no theme with id {id}.")

# "Name / group: text" — a short prefix before the first colon that is followed by a space.
_ATTRIBUTION = re.compile(r"^(?P<prefix>[^:.!?\n]{1,60}):(?:\s+|$)(?P<text>.*)$", re.DOTALL)
_MAX_NAME_WORDS = 4
_MAX_GROUP_WORDS = 4


@dataclass(frozen=True)
class Attribution:
    """What a captured line says: who said it, from which group, and the idea itself."""

    text: str
    author: str = ""
    group: str = ""


def parse_attribution(line: str, is_known_name: Callable[[str], bool] | None = None) -> Attribution:
    """Split ``Name / group: idea`` into its parts (see docs/capture.md).

    ``Name: idea`` names the author, ``/ group: idea`` only the group. A name is at most four
    capitalised words (or a name ``is_known_name`` knows, however it is written), a group at
    most four words; anything else before a colon is part of the idea. A line that starts with
    a colon is taken as it is, without the colon.
    """
    stripped = line.strip()
    if stripped.startswith(":"):
        return Attribution(text=stripped[1:].strip())
    match = _ATTRIBUTION.match(stripped)
    if not match:
        return Attribution(text=stripped)
    author, slash, group = match.group("prefix").partition("/")
    names, groups = author.split(), group.split()
    # A name is a few capitalised words ("Maija Virtanen"); a sentence that happens to have
    # a colon ("Ennaltaehkäisyyn tarvitaan rahoitusmalli: …") is not, and stays the idea.
    looks_like_name = len(names) <= _MAX_NAME_WORDS and (
        all(word[0].isupper() for word in names)
        or (is_known_name is not None and is_known_name(" ".join(names)))
    )
    if not looks_like_name or len(groups) > _MAX_GROUP_WORDS or (slash and not groups):
        return Attribution(text=stripped)
    return Attribution(
        text=match.group("text").strip(), author=" ".join(names), group=" ".join(groups)
    )


def _theme_in_clinic(session: Session, clinic_id: int, theme_id: int | None) -> int | None:
    if theme_id is None:
        return None
    theme = session.get(Theme, theme_id)
    if theme is None or theme.clinic_id != clinic_id or theme.deleted_at is not None:
        raise NotFoundError(_NO_THEME, id=theme_id)
    return theme_id


def _idea_text(text: str) -> str:
    return clean_text(text, field=M_("Idea"), limit=MAX_TEXT, single_line=False)


def _attribute(
    session: Session,
    clinic_id: int,
    author: str,
    group_name: str,
    group_id: int | None,
) -> tuple[str, int | None, int | None]:
    """Resolve an attribution to (author, participant id, group id).

    A known name links the participant and, unless a group is given, their group. A new name
    becomes a participant when it has a group or is a full name (two words or more), so that
    participants are counted by group; a lone word ("Huom") stays only the author's name.
    """
    get_clinic(session, clinic_id)
    author = clean_text(author, field=M_("Name"), limit=MAX_NAME, required=False)
    if group_name:
        group = find_group(session, clinic_id, group_name)
        if group is None:
            raise unknown_group(group_name, group_names(session, clinic_id))
        group_id = group.id
    else:
        group_id = group_in_clinic(session, clinic_id, group_id)
    participant_id: int | None = None
    if author:
        participant = find_participant(session, clinic_id, author)
        if participant is None:
            if group_id is None and len(author.split()) < 2:
                return author, None, None
            participant = Participant(clinic_id=clinic_id, name=author, group_id=group_id)
            session.add(participant)
            session.flush()
        elif group_id is None:
            group_id = participant.group_id
        elif participant.group_id is None:
            participant.group_id = group_id
        participant_id = participant.id
        author = participant.name
    return author, participant_id, group_id


_INSERT_IDEA = PreparedInsert(Idea.__table__)  # type: ignore[attr-defined]
_INSERT_PARTICIPANT = PreparedInsert(Participant.__table__)  # type: ignore[attr-defined]
# A uid the caller gives an idea (the app's write queue names each typed line): a short token.
_UID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")


class _Captured(Exception):
    """An idea with the uid given is there already: the capture is a retry, nothing to write."""

    def __init__(self, idea_id: int) -> None:
        super().__init__(idea_id)
        self.idea_id = idea_id


def _given_uid(uid: str) -> str:
    if not isinstance(uid, str) or not _UID.fullmatch(uid):
        # The caller's mistake, not the user's: the app makes its uids itself.
        raise ValueError(f"an idea's uid is 1 to 64 of [A-Za-z0-9_.:-]: {uid!r}")
    return uid


def _captured_view(engine: Engine, idea_id: int) -> IdeaView:
    # As it is now, even if deleted or merged since: a retry must not bring it back or fail.
    with read_session(engine) as session:
        idea = session.get(Idea, idea_id)
        if idea is None:
            raise NotFoundError(_NO_IDEA, id=idea_id)
        return _view(session, idea)


def capture_idea(
    engine: Engine,
    clinic_id: int,
    text: str,
    *,
    author: str = "",
    group: str = "",
    group_id: int | None = None,
    theme_id: int | None = None,
    uid: str | None = None,
) -> IdeaView:
    """Save one idea typed live; ``author`` and ``group`` (a name) attribute it.

    The note-taker's hot path: it runs on the driver (services/_fast.py). The attribution
    follows ``_attribute``'s rules: a known name brings its participant and group, a new full
    name or a name with a group becomes a participant. ``uid``, when given (a short token),
    is the idea's uid: if the clinic has an idea with it already, the capture is a retry and
    that idea's view is returned, nothing written.
    """
    clean = _idea_text(text)
    author = clean_text(author, field=M_("Name"), limit=MAX_NAME, required=False)
    if uid is not None:
        uid = _given_uid(uid)
    try:
        return _capture(engine, clinic_id, clean, author, group, group_id, theme_id, uid)
    except _Captured as retry:
        return _captured_view(engine, retry.idea_id)


def _capture(
    engine: Engine,
    clinic_id: int,
    clean: str,
    author: str,
    group: str,
    group_id: int | None,
    theme_id: int | None,
    uid: str | None,
) -> IdeaView:
    with fast_action(engine, clinic_id, "idea.capture", N_("Captured an idea.")) as act:
        if uid is not None:
            # In the write transaction, so two tries of one capture cannot both miss it.
            found = act.query(
                "SELECT id FROM idea WHERE clinic_id = :clinic AND uid = :uid",
                clinic=clinic_id,
                uid=uid,
            )
            if found:
                raise _Captured(int(found[0][0]))
        # Unattributed ideas, most of them, need no look-up: a missing clinic fails the insert.
        groups: list[tuple[Any, ...]] = []
        if group or group_id is not None or author:
            if not act.query("SELECT 1 FROM clinic WHERE id = :clinic", clinic=clinic_id):
                raise NotFoundError(N_("There is no clinic with id {id}."), id=clinic_id)
            groups = act.query(
                "SELECT id, code, name FROM stakeholder_group WHERE clinic_id = :clinic"
                " ORDER BY position, id",
                clinic=clinic_id,
            )
        if group:
            group_id = match_group(groups, group)
            if group_id is None:
                raise unknown_group(group, [name for _id, _code, name in groups])
        elif group_id is not None and group_id not in {row[0] for row in groups}:
            raise NotFoundError(N_("There is no stakeholder group with id {id}."), id=group_id)
        now = utcnow()
        participant_id = None
        if author:
            key = name_key(author)
            known = [
                row
                for row in act.query(
                    "SELECT id, name, group_id FROM participant"
                    " WHERE clinic_id = :clinic AND deleted_at IS NULL",
                    clinic=clinic_id,
                )
                if name_key(row[1]) == key
            ]
            if known:
                participant_id, author, their_group = known[0]
                if group_id is None:
                    group_id = their_group
                elif their_group is None:
                    act.update("participant", participant_id, "group_id", None, group_id)
            elif group_id is not None or len(author.split()) >= 2:
                participant_id = act.insert(
                    _INSERT_PARTICIPANT,
                    {
                        "clinic_id": clinic_id,
                        "name": author,
                        "organisation": "",
                        "group_id": group_id,
                        "created_at": now,
                    },
                )
        theme_name = None
        if theme_id is not None:
            found = act.query(
                "SELECT name FROM theme"
                " WHERE id = :theme AND clinic_id = :clinic AND deleted_at IS NULL",
                theme=theme_id,
                clinic=clinic_id,
            )
            if not found:
                raise NotFoundError(_NO_THEME, id=theme_id)
            theme_name = found[0][0]
        values: dict[str, Any] = {
            "uid": uid or new_uid(),
            "clinic_id": clinic_id,
            "text": clean,
            "author": author,
            "participant_id": participant_id,
            "group_id": group_id,
            "theme_id": theme_id,
            "starred": False,
            "created_at": now,
            "updated_at": now,
            "source": IdeaSource.LIVE,
        }
        try:
            idea_id = act.insert(_INSERT_IDEA, values)
        except engine.dialect.loaded_dbapi.IntegrityError:
            raise NotFoundError(N_("There is no clinic with id {id}."), id=clinic_id) from None
    return IdeaView(
        id=idea_id,
        theme_name=theme_name,
        group_name=next((row[2] for row in groups if row[0] == group_id), None),
        source_format=None,
        source_file=None,
        original_author=None,
        original_time=None,
        imported_at=None,
        merged_into_id=None,
        **values,
    )


def _known_names(engine: Engine, clinic_id: int) -> KnownNames:
    with read_session(engine) as session:
        return KnownNames(
            session.exec(
                select(Participant.name).where(
                    Participant.clinic_id == clinic_id, col(Participant.deleted_at).is_(None)
                )
            ).all()
        )


class KnownNames:
    """The clinic's participants' names, compared as ``name_key`` compares them."""

    def __init__(self, names: Iterable[str]) -> None:
        self._keys = {name_key(name) for name in names}

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name_key(name) in self._keys


def capture_line(
    engine: Engine,
    clinic_id: int,
    line: str,
    *,
    theme_id: int | None = None,
    uid: str | None = None,
) -> IdeaView:
    """Save a line as typed in the capture input, attribution syntax and all (``uid`` as for
    ``capture_idea``: a retry of a line saved already returns that idea)."""
    parsed = parse_attribution(line, _known_names(engine, clinic_id).__contains__)
    return capture_idea(
        engine,
        clinic_id,
        parsed.text,
        author=parsed.author,
        group=parsed.group,
        theme_id=theme_id,
        uid=uid,
    )


def _view(session: Session, idea: Idea, merged: Sequence[IdeaView] = ()) -> IdeaView:
    theme = session.get(Theme, idea.theme_id) if idea.theme_id else None
    group = session.get(StakeholderGroup, idea.group_id) if idea.group_id else None
    return _make_view(idea, theme.name if theme else None, group.name if group else None, merged)


def _make_view(
    idea: Idea, theme_name: str | None, group_name: str | None, merged: Sequence[IdeaView] = ()
) -> IdeaView:
    return IdeaView.model_validate(
        idea, update={"theme_name": theme_name, "group_name": group_name, "merged": list(merged)}
    )


def get_idea(engine: Engine, idea_id: int) -> IdeaView:
    with read_session(engine) as session:
        idea = get_or_404(session, Idea, idea_id, _NO_IDEA)
        merged = session.exec(
            select(Idea)
            .where(Idea.merged_into_id == idea_id, col(Idea.deleted_at).is_(None))
            .order_by(col(Idea.id))
        ).all()
        return _view(session, idea, [_view(session, child) for child in merged])


def _live_ideas(session: Session, ids: Iterable[int]) -> list[Idea]:
    ideas = []
    for idea_id in ids:
        ideas.append(get_or_404(session, Idea, idea_id, _NO_IDEA))
    return ideas


def _clinic_of_ideas(engine: Engine, ids: Sequence[int]) -> int:
    if not ids:
        raise ValidationError(N_("Choose at least one idea."))
    with read_session(engine) as session:
        ideas = _live_ideas(session, ids)
    clinics = {idea.clinic_id for idea in ideas}
    if len(clinics) != 1:
        raise ValidationError(N_("The ideas must all be from the same clinic."))
    return clinics.pop()


def edit_idea(
    engine: Engine,
    idea_id: int,
    *,
    text: str | None = None,
    author: str | None = None,
    group: str | None = None,
) -> IdeaView:
    """Change an idea's text or attribution (undoable)."""
    clinic_id = _clinic_of_ideas(engine, [idea_id])
    with action(engine, clinic_id, "idea.edit", N_("Edited an idea.")) as act:
        session = act.session
        idea = get_or_404(session, Idea, idea_id, _NO_IDEA)
        if text is not None:
            idea.text = _idea_text(text)
        if author is not None or group is not None:
            idea.author, idea.participant_id, idea.group_id = _attribute(
                session,
                clinic_id,
                idea.author if author is None else author,
                group or "",
                idea.group_id if group is None else None,
            )
        idea.updated_at = utcnow()
        session.flush()
        return _view(session, idea)


def idea_line(idea: IdeaView) -> str:
    """An idea as it would be typed in the capture input (``Name / group: text``), so that
    editing that line and ``edit_idea_line`` give it back unchanged."""
    text = " ".join(idea.text.split())
    who = idea.author
    if idea.group_name:
        who = f"{who} / {idea.group_name}".strip()
    if who:
        return f"{who}: {text}"
    return f": {text}" if ":" in text else text


def edit_idea_line(engine: Engine, idea_id: int, line: str) -> IdeaView:
    """Change an idea to what a line typed in the capture syntax says: its text, author and
    group, all at once (a line without an attribution leaves the idea without one)."""
    clinic_id = _clinic_of_ideas(engine, [idea_id])
    parsed = parse_attribution(line, _known_names(engine, clinic_id).__contains__)
    return edit_idea(engine, idea_id, text=parsed.text, author=parsed.author, group=parsed.group)


def delete_ideas(engine: Engine, idea_ids: Sequence[int]) -> int:
    """Delete one or many ideas (undoable); ideas merged into them go with them."""
    idea_ids = list(dict.fromkeys(idea_ids))
    clinic_id = _clinic_of_ideas(engine, idea_ids)
    with action(
        engine,
        clinic_id,
        "idea.delete",
        NP_("Deleted {count} idea.", "Deleted {count} ideas."),
        count=len(idea_ids),
    ) as act:
        now = utcnow()
        for idea in _live_ideas(act.session, idea_ids):
            idea.deleted_at = now
            for child in act.session.exec(
                select(Idea).where(Idea.merged_into_id == idea.id, col(Idea.deleted_at).is_(None))
            ).all():
                child.deleted_at = now
        return len(idea_ids)


def star_idea(engine: Engine, idea_id: int, starred: bool | None = None) -> IdeaView:
    """Star or unstar an idea (toggle when ``starred`` is None)."""
    clinic_id = _clinic_of_ideas(engine, [idea_id])
    with action(engine, clinic_id, "idea.star", N_("Starred an idea.")) as act:
        idea = get_or_404(act.session, Idea, idea_id, _NO_IDEA)
        idea.starred = (not idea.starred) if starred is None else starred
        if not idea.starred:
            act.message = N_("Removed the star from an idea.")
        act.session.flush()
        return _view(act.session, idea)


def move_ideas(engine: Engine, idea_ids: Sequence[int], theme_id: int | None) -> int:
    """Move ideas to a theme, or to no theme with None (undoable)."""
    idea_ids = list(dict.fromkeys(idea_ids))
    clinic_id = _clinic_of_ideas(engine, idea_ids)
    with action(
        engine,
        clinic_id,
        "idea.move",
        NP_("Moved {count} idea.", "Moved {count} ideas."),
        count=len(idea_ids),
    ) as act:
        target = _theme_in_clinic(act.session, clinic_id, theme_id)
        for idea in _live_ideas(act.session, idea_ids):
            idea.theme_id = target
        return len(idea_ids)


def merge_ideas(engine: Engine, target_id: int, source_ids: Sequence[int]) -> IdeaView:
    """Merge duplicate ideas into one; every text and attribution is kept (undoable).

    The merged ideas stay, each pointing at the idea it went into, and show under it.
    Votes are given to themes, never to ideas, so a merge cannot count a vote twice.
    """
    sources = [idea_id for idea_id in dict.fromkeys(source_ids) if idea_id != target_id]
    if not sources:
        raise ValidationError(N_("Choose at least one other idea to merge."))
    clinic_id = _clinic_of_ideas(engine, [target_id, *sources])
    with action(
        engine,
        clinic_id,
        "idea.merge",
        NP_("Merged {count} idea into one.", "Merged {count} ideas into one."),
        count=len(sources) + 1,
    ) as act:
        session = act.session
        target = get_or_404(session, Idea, target_id, _NO_IDEA)
        if target.merged_into_id is not None:
            target = get_or_404(session, Idea, target.merged_into_id, _NO_IDEA)
        for source in _live_ideas(session, sources):
            if source.id == target.id:
                continue
            # What was merged into the source moves with it, so the tree stays one level deep.
            for child in session.exec(select(Idea).where(Idea.merged_into_id == source.id)).all():
                child.merged_into_id = target.id
            source.merged_into_id = target.id
            target.starred = target.starred or source.starred
        target.updated_at = utcnow()
        session.flush()
        assert target.id is not None
        merged_id = target.id
    return get_idea(engine, merged_id)


def search_ideas(
    engine: Engine,
    clinic_id: int,
    *,
    text: str | None = None,
    group_id: int | None = None,
    theme_id: int | None = None,
    unassigned: bool = False,
    starred: bool | None = None,
) -> list[IdeaView]:
    """The clinic's ideas in the order they came, filtered; merged ideas come under theirs.

    The filters choose top-level ideas (a merged idea goes wherever its target goes); ``text``
    matches, ignoring case, an idea's text, its author or the text of an idea merged into it.
    """
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
    # The filtering is list_idea_rows's; this only turns what it chose into full views.
    chosen = list_idea_rows(
        engine,
        clinic_id,
        text=text,
        group_id=group_id,
        theme_id=theme_id,
        unassigned=unassigned,
        starred=starred,
    )
    with read_session(engine) as session:
        rows = session.exec(
            select(Idea, Theme.name, StakeholderGroup.name)
            .join(Theme, col(Idea.theme_id) == Theme.id, isouter=True)
            .join(StakeholderGroup, col(Idea.group_id) == StakeholderGroup.id, isouter=True)
            .where(Idea.clinic_id == clinic_id, col(Idea.deleted_at).is_(None))
            .order_by(col(Idea.created_at), col(Idea.id))
        ).all()
        by_id = {row[0].id: row for row in rows}
        children: dict[int, list[IdeaView]] = {}
        for row in rows:
            if row[0].merged_into_id is not None:
                children.setdefault(row[0].merged_into_id, []).append(_make_view(*row))
        return [_make_view(*by_id[idea_id], children.get(idea_id, [])) for idea_id in chosen.ids]


class IdeaRow(NamedTuple):
    """One idea as a list shows it (no ORM, no pydantic)."""

    id: int
    text: str
    author: str
    group_name: str | None
    theme_name: str | None
    starred: bool
    merged_texts: tuple[str, ...]


class IdeaRows(Sequence[IdeaRow]):
    """Ideas for a long list, kept as columns; an ``IdeaRow`` is made when one is asked for.

    Ten thousand rows kept as tuples are ten thousand objects for Python's cycle collector to
    scan, again and again while the clinic is open (the collections cost more than reading
    the rows did: bench/bench_tui.py opens a 10,000-idea clinic). Columns of numbers and
    strings are a handful of lists, which the collector passes over in one step each.
    """

    __slots__ = ("authors", "group_names", "ids", "merged", "starred", "texts", "theme_names")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.texts: list[str] = []
        self.authors: list[str] = []
        self.group_names: list[str | None] = []
        self.theme_names: list[str | None] = []
        self.starred: list[int] = []
        self.merged: dict[int, tuple[str, ...]] = {}  # idea id → texts merged into it

    def __len__(self) -> int:
        return len(self.ids)

    def _row(self, n: int) -> IdeaRow:
        idea_id = self.ids[n]
        return IdeaRow(
            idea_id,
            self.texts[n],
            self.authors[n],
            self.group_names[n],
            self.theme_names[n],
            bool(self.starred[n]),
            self.merged.get(idea_id, ()),
        )

    @overload
    def __getitem__(self, index: int) -> IdeaRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[IdeaRow]: ...
    def __getitem__(self, index: int | slice) -> IdeaRow | list[IdeaRow]:
        if isinstance(index, slice):
            return [self._row(n) for n in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        return self._row(index)

    def append(self, row: IdeaRow) -> None:
        self.ids.append(row.id)
        self.texts.append(row.text)
        self.authors.append(row.author)
        self.group_names.append(row.group_name)
        self.theme_names.append(row.theme_name)
        self.starred.append(int(row.starred))
        if row.merged_texts:
            self.merged[row.id] = row.merged_texts

    def _columns(self) -> tuple[list[Any], ...]:
        return (
            self.ids,
            self.texts,
            self.authors,
            self.group_names,
            self.theme_names,
            self.starred,
        )

    def extend_columns(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Add rows of (id, text, author, group name, theme name, starred)."""
        for column, values in zip(self._columns(), zip(*rows, strict=True), strict=True):
            column.extend(values)

    def select(self, positions: Iterable[int]) -> IdeaRows:
        """The rows at ``positions``, in that order, as columns again."""
        chosen = IdeaRows()
        for column, source in zip(chosen._columns(), self._columns(), strict=True):
            column.extend(source[n] for n in positions)
        chosen.merged = self.merged
        return chosen


# The list's rows, read with the DBAPI cursor: ten thousand SQLAlchemy Row objects cost as
# much again as the query (bench/bench_tui.py opens a 10,000-idea clinic).
_ROWS = (
    "SELECT i.id, i.text, i.author, g.name, t.name, i.starred FROM idea AS i"
    " LEFT JOIN stakeholder_group AS g ON g.id = i.group_id"
    " LEFT JOIN theme AS t ON t.id = i.theme_id"
    " WHERE i.clinic_id = :clinic AND i.deleted_at IS NULL AND i.merged_into_id IS NULL"
)
_ROWS_ORDER = " ORDER BY i.created_at, i.id"
_MERGED = (
    "SELECT merged_into_id, text FROM idea WHERE clinic_id = :clinic AND deleted_at IS NULL"
    " AND merged_into_id IS NOT NULL ORDER BY created_at, id"
)
# Rows are read this many at a time and turned into columns: the tuples SQLite makes are
# freed before there are enough of them to start a collection.
_CHUNK = 1000


def list_idea_rows(
    engine: Engine,
    clinic_id: int,
    *,
    text: str | None = None,
    group_id: int | None = None,
    theme_id: int | None = None,
    unassigned: bool = False,
    starred: bool | None = None,
) -> IdeaRows:
    """What ``search_ideas`` finds, as light rows for long lists (the same filters)."""
    query, parameters = _ROWS, {"clinic": clinic_id}
    if group_id is not None:
        query, parameters["group"] = query + " AND i.group_id = :group", group_id
    if unassigned:
        query += " AND i.theme_id IS NULL"
    elif theme_id is not None:
        query, parameters["theme"] = query + " AND i.theme_id = :theme", theme_id
    if starred is not None:
        query, parameters["starred"] = query + " AND i.starred = :starred", starred
    found = IdeaRows()
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(*driver_sql(query + _ROWS_ORDER).bind(engine.dialect, parameters))
        while chunk := cursor.fetchmany(_CHUNK):
            found.extend_columns(chunk)
        children: dict[int, list[str]] = {}
        cursor.execute(*driver_sql(_MERGED).bind(engine.dialect, {"clinic": clinic_id}))
        for target, body in cursor:
            children.setdefault(target, []).append(body)
    found.merged = {target: tuple(texts) for target, texts in children.items()}
    needle = " ".join(strip_controls(text).casefold().split()) if text else ""
    if needle:

        def matches(n: int) -> bool:
            values = (found.texts[n], found.authors[n], *found.merged.get(found.ids[n], ()))
            return any(needle in " ".join(value.casefold().split()) for value in values)

        found = found.select([n for n in range(len(found)) if matches(n)])
    return found


def count_ideas_by_group(
    engine: Engine, clinic_id: int
) -> list[tuple[int | None, str | None, int]]:
    """Live counts: (group id, group name, ideas) for every group, and None for no group."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        counts = dict(
            session.exec(
                select(Idea.group_id, func.count())
                .where(
                    Idea.clinic_id == clinic_id,
                    col(Idea.deleted_at).is_(None),
                    col(Idea.merged_into_id).is_(None),
                )
                .group_by(col(Idea.group_id))
            ).all()
        )
        groups = session.exec(
            select(StakeholderGroup)
            .where(StakeholderGroup.clinic_id == clinic_id)
            .order_by(col(StakeholderGroup.position), col(StakeholderGroup.id))
        ).all()
        result: list[tuple[int | None, str | None, int]] = [
            (group.id, group.name, counts.get(group.id, 0)) for group in groups
        ]
        result.append((None, None, counts.get(None, 0)))
        return result
