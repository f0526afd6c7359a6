"""Notes for the summary: decisions, next steps and other notes."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import col, select

from klinikka.i18n import M_, N_
from klinikka.models import Note, NoteKind, NoteView, utcnow
from klinikka.services._base import (
    MAX_TEXT,
    action,
    choose,
    clean_text,
    get_clinic,
    get_or_404,
    read_session,
)

_NO_NOTE = N_("There is no note with id {id}.")


def _kind(kind: NoteKind | str) -> NoteKind:
    return choose(
        NoteKind, kind, N_("Unknown kind of note “{kind}”: choose one of {choices}."), "kind"
    )


def list_notes(
    engine: Engine, clinic_id: int, kind: NoteKind | str | None = None
) -> list[NoteView]:
    """The clinic's notes (of one kind, if given) in their order."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        query = select(Note).where(Note.clinic_id == clinic_id, col(Note.deleted_at).is_(None))
        if kind is not None:
            query = query.where(Note.kind == _kind(kind))
        query = query.order_by(col(Note.position), col(Note.id))
        return [NoteView.model_validate(note) for note in session.exec(query).all()]


def add_note(engine: Engine, clinic_id: int, kind: NoteKind | str, text: str) -> NoteView:
    """Write a decision, a next step or a note into the summary."""
    note_kind = _kind(kind)
    with action(engine, clinic_id, "note.add", N_("Wrote a note into the summary.")) as act:
        get_clinic(act.session, clinic_id)
        existing = act.session.exec(
            select(Note.position)
            .where(Note.clinic_id == clinic_id)
            .order_by(col(Note.position).desc())
        ).first()
        note = Note(
            clinic_id=clinic_id,
            kind=note_kind,
            text=clean_text(text, field=M_("Note"), limit=MAX_TEXT, single_line=False),
            position=(existing + 1) if existing is not None else 0,
        )
        act.session.add(note)
        act.session.flush()
        return NoteView.model_validate(note)


def edit_note(engine: Engine, note_id: int, text: str) -> NoteView:
    """Change a note's text (undoable)."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, Note, note_id, _NO_NOTE).clinic_id
    with action(engine, clinic_id, "note.edit", N_("Edited a note.")) as act:
        note = get_or_404(act.session, Note, note_id, _NO_NOTE)
        note.text = clean_text(text, field=M_("Note"), limit=MAX_TEXT, single_line=False)
        act.session.flush()
        return NoteView.model_validate(note)


def delete_note(engine: Engine, note_id: int) -> None:
    """Delete a note (undoable)."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, Note, note_id, _NO_NOTE).clinic_id
    with action(engine, clinic_id, "note.delete", N_("Deleted a note.")) as act:
        get_or_404(act.session, Note, note_id, _NO_NOTE).deleted_at = utcnow()
