"""klinikka's own JSON document, read and checked before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pydantic

from klinikka.document import FORMAT_NAME, FORMAT_VERSION, DocClinic, Document
from klinikka.errors import ImportFormatError
from klinikka.i18n import M_, N_, Msg

# Larger files are refused before they are read into memory.
MAX_FILE_BYTES = 100 * 1024 * 1024


def decode_text(data: bytes) -> str:
    """UTF-8 text, with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(
            N_("The file is not UTF-8 text (a bad byte at position {position})."),
            position=error.start,
        ) from error


def parse_document(data: bytes) -> Document:
    """A klinikka document from a file's bytes; ImportFormatError says what is wrong."""
    if not data.strip():
        raise ImportFormatError(N_("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        raise ImportFormatError(
            N_("The file is too large: at most {limit} MB."), limit=MAX_FILE_BYTES // 1024 // 1024
        )
    try:
        raw = json.loads(decode_text(data))
    except json.JSONDecodeError as error:
        raise ImportFormatError(
            N_("The file is not valid JSON (line {line}, column {column})."),
            line=error.lineno,
            column=error.colno,
        ) from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT_NAME:
        raise ImportFormatError(N_("The file is not a klinikka JSON document."))
    version = raw.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportFormatError(N_("The file is not a klinikka JSON document."))
    if version > FORMAT_VERSION:
        raise ImportFormatError(
            N_(
                "The file was written by a newer klinikka (format version {version});"
                " update klinikka to import it."
            ),
            version=version,
        )
    try:
        document = Document.model_validate(raw)
    except pydantic.ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ImportFormatError(
            N_("The file does not fit klinikka’s format at {where}: {problem}"),
            where=where or "/",
            problem=first["msg"],
        ) from error
    for clinic in document.clinics:
        check_references(clinic)
    uids = [clinic.uid for clinic in document.clinics]
    if len(set(uids)) != len(uids):
        raise ImportFormatError(N_("The file has the same clinic twice."))
    return document


def _unique(ids: Iterable[object], what: Msg) -> set[object]:
    seen: set[object] = set()
    for value in ids:
        if value in seen:
            raise ImportFormatError(
                N_("The file gives the same id to two items: {what} {id}."), what=what, id=value
            )
        seen.add(value)
    return seen


def _refers(value: object, known: set[object], what: Msg) -> None:
    if value is not None and value not in known:
        raise ImportFormatError(
            N_("The file refers to something it does not contain: {what} {id}."),
            what=what,
            id=value,
        )


def check_references(clinic: DocClinic) -> None:
    """Every id a part of the clinic refers to must be in the clinic."""
    groups = _unique((g.id for g in clinic.groups), M_("group"))
    people = _unique((p.id for p in clinic.participants), M_("participant"))
    themes = _unique((t.id for t in clinic.themes), M_("theme"))
    ideas = _unique((i.id for i in clinic.ideas), M_("idea"))
    rounds = _unique((r.id for r in clinic.rounds), M_("round"))
    _unique((i.uid for i in clinic.ideas), M_("idea"))
    _unique((r.number for r in clinic.rounds), M_("round"))
    for person in clinic.participants:
        _refers(person.group, groups, M_("group"))
    for idea in clinic.ideas:
        _refers(idea.theme, themes, M_("theme"))
        _refers(idea.participant, people, M_("participant"))
        _refers(idea.group, groups, M_("group"))
        _refers(idea.merged_into, ideas, M_("idea"))
        if idea.merged_into == idea.id:
            raise ImportFormatError(N_("The file merges idea {id} into itself."), id=idea.id)
    for voting_round in clinic.rounds:
        on_ballot: set[object] = set(voting_round.themes)
        for theme in voting_round.themes:
            _refers(theme, themes, M_("theme"))
        _refers(voting_round.runoff_of, rounds, M_("round"))
        if voting_round.decision is not None:
            _refers(voting_round.decision.theme, themes, M_("theme"))
        voters: set[str] = set()
        for ballot in voting_round.ballots:
            _refers(ballot.participant, people, M_("participant"))
            _refers(ballot.group, groups, M_("group"))
            key = " ".join(ballot.voter.casefold().split())
            if key in voters:
                raise ImportFormatError(
                    N_("The file has two ballots of {voter} in round {number}."),
                    voter=ballot.voter,
                    number=voting_round.number,
                )
            voters.add(key)
            _unique((entry.theme for entry in ballot.entries), M_("theme"))
            for entry in ballot.entries:
                _refers(entry.theme, on_ballot, M_("theme"))
