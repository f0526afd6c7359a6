"""Themes: create, rename, describe, reorder and delete."""

from __future__ import annotations

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from klinikka.errors import ConflictError
from klinikka.i18n import M_, N_
from klinikka.models import (
    Idea,
    RoundStatus,
    RoundTheme,
    Theme,
    ThemeView,
    VotingRound,
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
    reorder,
)
from klinikka.text import name_key

_NO_THEME = N_("There is no theme with id {id}.")


def _themes(session: Session, clinic_id: int) -> list[Theme]:
    return list(
        session.exec(
            select(Theme)
            .where(Theme.clinic_id == clinic_id, col(Theme.deleted_at).is_(None))
            .order_by(col(Theme.position), col(Theme.id))
        ).all()
    )


def _check_name(session: Session, clinic_id: int, name: str, own_id: int | None) -> str:
    clean = clean_text(name, field=M_("Theme name"), limit=MAX_NAME)
    for theme in _themes(session, clinic_id):
        if theme.id != own_id and name_key(theme.name) == name_key(clean):
            raise ConflictError(N_("There is already a theme called “{name}”."), name=clean)
    return clean


def list_themes(engine: Engine, clinic_id: int) -> list[ThemeView]:
    """The clinic's themes in order, each with its number of ideas (merged ones not counted)."""
    with read_session(engine) as session:
        get_clinic(session, clinic_id)
        counts = dict(
            session.exec(
                select(Idea.theme_id, func.count())
                .where(
                    Idea.clinic_id == clinic_id,
                    col(Idea.deleted_at).is_(None),
                    col(Idea.merged_into_id).is_(None),
                    col(Idea.theme_id).is_not(None),
                )
                .group_by(col(Idea.theme_id))
            ).all()
        )
        return [
            ThemeView.model_validate(theme, update={"idea_count": counts.get(theme.id, 0)})
            for theme in _themes(session, clinic_id)
        ]


def create_theme(engine: Engine, clinic_id: int, name: str, description: str = "") -> ThemeView:
    """Add a theme at the end of the clinic's list."""
    with action(engine, clinic_id, "theme.create", N_("Created the theme “{name}”.")) as act:
        session = act.session
        get_clinic(session, clinic_id)
        themes = _themes(session, clinic_id)
        theme = Theme(
            clinic_id=clinic_id,
            name=_check_name(session, clinic_id, name, None),
            description=clean_text(
                description,
                field=M_("Description"),
                limit=MAX_TEXT,
                required=False,
                single_line=False,
            ),
            position=(themes[-1].position + 1) if themes else 0,
        )
        act.fields["name"] = theme.name
        session.add(theme)
        session.flush()
        return ThemeView.model_validate(theme)


def update_theme(
    engine: Engine, theme_id: int, *, name: str | None = None, description: str | None = None
) -> ThemeView:
    """Rename a theme or change its description (undoable)."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, Theme, theme_id, _NO_THEME).clinic_id
    with action(engine, clinic_id, "theme.edit", N_("Edited the theme “{name}”.")) as act:
        theme = get_or_404(act.session, Theme, theme_id, _NO_THEME)
        if name is not None:
            theme.name = _check_name(act.session, clinic_id, name, theme_id)
        if description is not None:
            theme.description = clean_text(
                description,
                field=M_("Description"),
                limit=MAX_TEXT,
                required=False,
                single_line=False,
            )
        act.fields["name"] = theme.name
        act.session.flush()
        return ThemeView.model_validate(theme)


def move_theme(engine: Engine, theme_id: int, position: int) -> list[ThemeView]:
    """Put a theme at a position (0 is first); returns the themes in their new order."""
    with read_session(engine) as session:
        clinic_id = get_or_404(session, Theme, theme_id, _NO_THEME).clinic_id
    with action(engine, clinic_id, "theme.move", N_("Reordered the themes.")) as act:
        reorder(_themes(act.session, clinic_id), theme_id, position)
    return list_themes(engine, clinic_id)


def delete_theme(engine: Engine, theme_id: int) -> int:
    """Delete a theme; its ideas become unassigned (undoable). Returns how many ideas moved.

    A theme on the ballot of a round that has been opened cannot be deleted, so no result
    ever loses a theme (it comes off the ballot of a draft round).
    """
    with read_session(engine) as session:
        clinic_id = get_or_404(session, Theme, theme_id, _NO_THEME).clinic_id
    with action(engine, clinic_id, "theme.delete", N_("Deleted the theme “{name}”.")) as act:
        session = act.session
        theme = get_or_404(session, Theme, theme_id, _NO_THEME)
        act.fields["name"] = theme.name
        on_ballot = session.exec(
            select(VotingRound.number)
            .join(RoundTheme, col(RoundTheme.round_id) == VotingRound.id)
            .where(RoundTheme.theme_id == theme_id, VotingRound.status != RoundStatus.DRAFT)
            .order_by(col(VotingRound.number))
            .limit(1)
        ).first()
        if on_ballot is not None:
            raise ConflictError(
                N_(
                    "The theme “{name}” is on the ballot of round {number},"
                    " so it cannot be deleted."
                ),
                name=theme.name,
                number=on_ballot,
            )
        for link in session.exec(select(RoundTheme).where(RoundTheme.theme_id == theme_id)).all():
            session.delete(link)
        ideas = session.exec(
            select(Idea).where(Idea.theme_id == theme_id, col(Idea.deleted_at).is_(None))
        ).all()
        for idea in ideas:
            idea.theme_id = None
        theme.deleted_at = utcnow()
        return len(ideas)
