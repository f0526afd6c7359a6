"""Themes: the facilitator groups ideas into them before the vote."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from klinikka.errors import ConflictError, NotFoundError, ValidationError
from klinikka.models import ClinicSummary, VotingMethod
from klinikka.services import clinics, history, ideas, themes, voting
from klinikka.services._base import MAX_NAME


def names(engine: Engine, clinic_id: int) -> list[str]:
    return [theme.name for theme in themes.list_themes(engine, clinic_id)]


def test_create_themes_in_order(engine: Engine, clinic: ClinicSummary) -> None:
    first = themes.create_theme(
        engine, clinic.id, "  Ennaltaehkäisy  ", "Terveyden\n\n\n\nedistäminen  "
    )
    second = themes.create_theme(engine, clinic.id, "Digitaaliset palvelut")

    assert (first.name, first.description, first.position, first.idea_count) == (
        "Ennaltaehkäisy",
        "Terveyden\n\nedistäminen",
        0,
        0,
    )
    assert second.position == 1
    assert themes.list_themes(engine, clinic.id) == [first, second]
    assert clinics.get_clinic_summary(engine, clinic.id).theme_count == 2


@pytest.mark.parametrize(
    "again", ["Ennaltaehkäisy", "ENNALTAEHKÄISY", " ennaltaehkäisy ", "Ennaltaehkäisy\t"]
)
def test_duplicate_theme_names_are_refused_ignoring_case(
    engine: Engine, clinic: ClinicSummary, again: str
) -> None:
    themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")

    with pytest.raises(ConflictError) as error:
        themes.create_theme(engine, clinic.id, again)

    assert "already a theme called" in str(error.value)
    assert names(engine, clinic.id) == ["Ennaltaehkäisy"]


def test_theme_names_are_per_clinic_and_free_again_after_delete(
    engine: Engine, clinic: ClinicSummary
) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    themes.create_theme(engine, other.id, "Ennaltaehkäisy")
    first = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    themes.delete_theme(engine, first.id)

    again = themes.create_theme(engine, clinic.id, "ennaltaehkäisy")

    assert names(engine, clinic.id) == ["ennaltaehkäisy"]
    assert again.id != first.id


def test_a_theme_needs_a_name_that_fits(engine: Engine, clinic: ClinicSummary) -> None:
    with pytest.raises(ValidationError, match="Theme name cannot be empty"):
        themes.create_theme(engine, clinic.id, " \x1b[0m ")
    with pytest.raises(ValidationError, match=f"at most {MAX_NAME}"):
        themes.create_theme(engine, clinic.id, "x" * (MAX_NAME + 1))
    with pytest.raises(NotFoundError):
        themes.create_theme(engine, 999, "Teema")

    assert themes.list_themes(engine, clinic.id) == []


def test_rename_and_describe(engine: Engine, clinic: ClinicSummary) -> None:
    theme = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy", "Vanha kuvaus")
    themes.create_theme(engine, clinic.id, "Digi")

    renamed = themes.update_theme(engine, theme.id, name="Ennaltaehkäisevät palvelut")
    assert (renamed.name, renamed.description) == ("Ennaltaehkäisevät palvelut", "Vanha kuvaus")

    described = themes.update_theme(engine, theme.id, description="Uusi kuvaus\nkahdella rivillä")
    assert (described.name, described.description) == (
        "Ennaltaehkäisevät palvelut",
        "Uusi kuvaus\nkahdella rivillä",
    )

    # Its own name in another case is fine; another theme's name is not.
    assert (
        themes.update_theme(engine, theme.id, name="ENNALTAEHKÄISEVÄT PALVELUT").name
        == "ENNALTAEHKÄISEVÄT PALVELUT"
    )
    with pytest.raises(ConflictError):
        themes.update_theme(engine, theme.id, name="digi", description="Ei tallennu")
    with pytest.raises(ValidationError):
        themes.update_theme(engine, theme.id, name="")

    listed = themes.list_themes(engine, clinic.id)[0]
    assert (listed.name, listed.description) == (
        "ENNALTAEHKÄISEVÄT PALVELUT",
        "Uusi kuvaus\nkahdella rivillä",
    )

    assert history.undo(engine, clinic.id) == "Edited the theme “ENNALTAEHKÄISEVÄT PALVELUT”."
    assert names(engine, clinic.id) == ["Ennaltaehkäisevät palvelut", "Digi"]


def test_reorder_themes(engine: Engine, clinic: ClinicSummary) -> None:
    a, b, c, d = (themes.create_theme(engine, clinic.id, name) for name in "ABCD")

    order = themes.move_theme(engine, c.id, 0)
    assert [t.name for t in order] == ["C", "A", "B", "D"]
    assert [t.position for t in order] == [0, 1, 2, 3]

    themes.move_theme(engine, c.id, 99)
    assert names(engine, clinic.id) == ["A", "B", "D", "C"]

    themes.move_theme(engine, a.id, -5)
    assert names(engine, clinic.id) == ["A", "B", "D", "C"]

    themes.move_theme(engine, a.id, 2)
    assert names(engine, clinic.id) == ["B", "D", "A", "C"]
    assert [t.position for t in themes.list_themes(engine, clinic.id)] == [0, 1, 2, 3]

    assert history.undo(engine, clinic.id) == "Reordered the themes."
    assert names(engine, clinic.id) == ["A", "B", "D", "C"]
    assert [t.id for t in themes.list_themes(engine, clinic.id)] == [a.id, b.id, d.id, c.id]


def test_new_theme_goes_last_after_a_reorder(engine: Engine, clinic: ClinicSummary) -> None:
    a = themes.create_theme(engine, clinic.id, "A")
    themes.create_theme(engine, clinic.id, "B")
    themes.move_theme(engine, a.id, 1)

    themes.create_theme(engine, clinic.id, "C")

    assert names(engine, clinic.id) == ["B", "A", "C"]


def test_delete_a_theme_unassigns_its_ideas_and_undo_restores_both(
    engine: Engine, clinic: ClinicSummary
) -> None:
    keep = themes.create_theme(engine, clinic.id, "Säilyy")
    gone = themes.create_theme(engine, clinic.id, "Poistuu")
    last = themes.create_theme(engine, clinic.id, "Viimeinen")
    in_gone = [
        ideas.capture_line(engine, clinic.id, f"Idea {n}", theme_id=gone.id) for n in range(3)
    ]
    in_keep = ideas.capture_line(engine, clinic.id, "Pysyy", theme_id=keep.id)
    removed = ideas.capture_line(engine, clinic.id, "Jo poistettu", theme_id=gone.id)
    ideas.delete_ideas(engine, [removed.id])

    assert themes.delete_theme(engine, gone.id) == 3

    assert names(engine, clinic.id) == ["Säilyy", "Viimeinen"]
    assert [v.text for v in ideas.search_ideas(engine, clinic.id, unassigned=True)] == [
        "Idea 0",
        "Idea 1",
        "Idea 2",
    ]
    assert ideas.get_idea(engine, in_keep.id).theme_id == keep.id
    assert clinics.get_clinic_summary(engine, clinic.id).theme_count == 2
    with pytest.raises(NotFoundError):
        themes.update_theme(engine, gone.id, name="x")
    with pytest.raises(NotFoundError):
        ideas.move_ideas(engine, [in_keep.id], gone.id)

    assert history.undo(engine, clinic.id) == "Deleted the theme “Poistuu”."

    assert themes.list_themes(engine, clinic.id) == [
        keep.model_copy(update={"idea_count": 1}),
        gone.model_copy(update={"idea_count": 3}),
        last,
    ]
    assert all(ideas.get_idea(engine, idea.id).theme_id == gone.id for idea in in_gone)
    assert ideas.search_ideas(engine, clinic.id, unassigned=True) == []


def test_a_theme_with_votes_cannot_be_deleted(engine: Engine, clinic: ClinicSummary) -> None:
    voted = themes.create_theme(engine, clinic.id, "Äänestetty")
    other = themes.create_theme(engine, clinic.id, "Toinen")
    idea = ideas.capture_line(engine, clinic.id, "Idea", theme_id=voted.id)
    voting_round = voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Anna", [voted.id])

    with pytest.raises(ConflictError) as error:
        themes.delete_theme(engine, voted.id)

    assert (
        str(error.value)
        == "The theme “Äänestetty” is on the ballot of round 1, so it cannot be deleted."
    )
    assert names(engine, clinic.id) == ["Äänestetty", "Toinen"]
    assert ideas.get_idea(engine, idea.id).theme_id == voted.id
    assert voting.get_round(engine, voting_round.id).theme_ids == [voted.id, other.id]


def test_list_themes_counts_live_unmerged_ideas(engine: Engine, clinic: ClinicSummary) -> None:
    first = themes.create_theme(engine, clinic.id, "Ensimmäinen")
    second = themes.create_theme(engine, clinic.id, "Toinen")
    themes.create_theme(engine, clinic.id, "Tyhjä")
    a = ideas.capture_line(engine, clinic.id, "A", theme_id=first.id)
    b = ideas.capture_line(engine, clinic.id, "B", theme_id=first.id)
    ideas.capture_line(engine, clinic.id, "C", theme_id=first.id)
    d = ideas.capture_line(engine, clinic.id, "D", theme_id=second.id)
    ideas.capture_line(engine, clinic.id, "E", theme_id=second.id)
    ideas.capture_line(engine, clinic.id, "Ilman teemaa")
    assert [t.idea_count for t in themes.list_themes(engine, clinic.id)] == [3, 2, 0]

    ideas.merge_ideas(engine, a.id, [b.id])
    ideas.delete_ideas(engine, [d.id])

    assert [t.idea_count for t in themes.list_themes(engine, clinic.id)] == [2, 1, 0]

    ideas.move_ideas(engine, [a.id], second.id)

    assert [t.idea_count for t in themes.list_themes(engine, clinic.id)] == [1, 2, 0]
