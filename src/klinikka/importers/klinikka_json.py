"""klinikka's own JSON document, read and checked before anything is written."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pydantic

from klinikka.document import (
    FORMAT_NAME,
    FORMAT_VERSION,
    DocBallot,
    DocClinic,
    DocRound,
    Document,
)
from klinikka.errors import ImportFormatError, ValidationError
from klinikka.i18n import M_, N_, Msg
from klinikka.models import VotingMethod
from klinikka.tally import RoundRules, validate_ballot
from klinikka.text import name_key

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
            problem=_problem(first["type"]),
        ) from error
    for clinic in document.clinics:
        check_references(clinic)
    uids = [clinic.uid for clinic in document.clinics]
    if len(set(uids)) != len(uids):
        raise ImportFormatError(N_("The file has the same clinic twice."))
    return document


def _problem(kind: str) -> Msg:
    """What pydantic found wrong, in words the catalogs translate."""
    if kind == "missing":
        return M_("a value is missing")
    if kind == "extra_forbidden":
        return M_("an unknown field")
    if kind in ("too_short", "string_too_short"):
        return M_("it is empty")
    if kind.endswith(("_type", "_parsing")) or kind in ("bool_type", "model_type"):
        return M_("the value is of the wrong kind")
    if kind.startswith(("greater_than", "less_than")):
        return M_("the number is out of range")
    if kind in ("literal_error", "enum"):
        return M_("the value is not one of the allowed ones")
    return M_("the value is not valid")


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
    for kind, names in (
        (M_("group"), [g.name for g in clinic.groups]),
        (M_("participant"), [p.name for p in clinic.participants]),
        (M_("theme"), [t.name for t in clinic.themes]),
    ):
        keys = [name_key(name) for name in names]
        for name, key in zip(names, keys, strict=True):
            if keys.count(key) > 1:
                raise ImportFormatError(
                    N_("The file has two items of the same name: {what} “{name}”."),
                    what=kind,
                    name=name,
                )
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
        _unique(voting_round.themes, M_("theme"))
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
            _check_ballot(voting_round, ballot)


def _check_ballot(voting_round: DocRound, ballot: DocBallot) -> None:
    """A ballot in a file must keep its round's rules, as a typed one must."""
    rules = RoundRules(
        method=voting_round.method,
        theme_ids=tuple(voting_round.themes),
        dots_per_voter=voting_round.dots_per_voter,
        cap_per_theme=voting_round.cap_per_theme,
        points_budget=voting_round.points_budget,
    )
    choices: list[int] | dict[int, int]
    if voting_round.method is VotingMethod.RANKING:
        choices = [entry.theme for entry in sorted(ballot.entries, key=lambda e: e.rank or 0)]
    else:
        choices = {entry.theme: entry.value for entry in ballot.entries}
    try:
        expected = validate_ballot(rules, choices)
    except ValidationError as error:
        raise ImportFormatError(
            N_("The ballot of {voter} in round {number} breaks the round’s rules: {reason}"),
            voter=ballot.voter,
            number=voting_round.number,
            reason=error,
        ) from error
    given = {(entry.theme, entry.value, entry.rank) for entry in ballot.entries}
    if {(v.theme_id, v.value, v.rank) for v in expected} != given:
        raise ImportFormatError(
            N_("The ballot of {voter} in round {number} does not add up."),
            voter=ballot.voter,
            number=voting_round.number,
        )
