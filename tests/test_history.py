"""The activity log and undo, with a facilitator and a note-taker on the same database file.

The second person is simulated with ``set_actor``: each klinikka process logs its actions under
its own name and, by default, undoes only those.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, text

from klinikka.errors import ConflictError, KlinikkaError
from klinikka.models import ClinicSummary, VotingMethod
from klinikka.services import clinics, history, ideas, notes, participants, themes, voting
from klinikka.services._base import MAX_TEXT, actor, set_actor


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Run the block as another klinikka process on the same file would."""
    me = actor()
    set_actor(name)
    try:
        yield
    finally:
        set_actor(me)


def summaries(engine: Engine, clinic_id: int) -> list[str]:
    return [entry.summary for entry in history.list_activity(engine, clinic_id)]


def texts(engine: Engine, clinic_id: int) -> list[str]:
    return [idea.text for idea in ideas.search_ideas(engine, clinic_id)]


TABLES = (
    "clinic",
    "stakeholder_group",
    "participant",
    "theme",
    "idea",
    "voting_round",
    "round_theme",
    "ballot",
    "ballot_entry",
    "note",
    "activity",
    "import_batch",
)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show that a failed action left nothing behind."""
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))), key=repr
            )
            for table in TABLES
        }


# ---------------------------------------------------------------- the log


def test_the_log_tells_what_was_done_newest_first(engine: Engine, clinic: ClinicSummary) -> None:
    theme = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    first = ideas.capture_line(engine, clinic.id, "Anna / ngo: Neuvolat")
    second = ideas.capture_line(engine, clinic.id, "Koulut")
    ideas.move_ideas(engine, [first.id, second.id], theme.id)
    ideas.delete_ideas(engine, [second.id])
    participants.add_group(engine, clinic.id, "Seurakunnat")

    log = history.list_activity(engine, clinic.id)

    assert [entry.summary for entry in log] == [
        "Added the group “Seurakunnat”.",
        "Deleted 1 idea.",
        "Moved 2 ideas.",
        "Captured an idea.",
        "Captured an idea.",
        "Created the theme “Ennaltaehkäisy”.",
        "Created the clinic “Verkkoklinikka 3.11.”.",
    ]
    assert [entry.action for entry in log] == [
        "group.add",
        "idea.delete",
        "idea.move",
        "idea.capture",
        "idea.capture",
        "theme.create",
        "clinic.create",
    ]
    assert [entry.undoable for entry in log] == [True] * 6 + [False]
    assert not any(entry.undone for entry in log)
    assert [entry.id for entry in log] == sorted((entry.id for entry in log), reverse=True)
    assert all(later.at >= earlier.at for later, earlier in itertools.pairwise(log))
    assert len(history.list_activity(engine, clinic.id, limit=2)) == 2


def test_each_clinic_has_its_own_log(engine: Engine, clinic: ClinicSummary) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    ideas.capture_line(engine, other.id, "Toisen idea")

    assert summaries(engine, clinic.id) == ["Created the clinic “Verkkoklinikka 3.11.”."]
    assert summaries(engine, other.id) == ["Captured an idea.", "Created the clinic “Toinen”."]


def test_the_log_shows_an_undo(engine: Engine, clinic: ClinicSummary) -> None:
    made = [ideas.capture_line(engine, clinic.id, name) for name in ("A", "B")]
    ideas.delete_ideas(engine, [idea.id for idea in made])

    assert history.undo(engine, clinic.id) == "Deleted 2 ideas."

    top, undone, *_ = history.list_activity(engine, clinic.id)
    assert (top.action, top.summary, top.undoable) == ("undo", "Undone: Deleted 2 ideas.", False)
    assert (undone.summary, undone.undone, undone.undoable) == ("Deleted 2 ideas.", True, False)


# ---------------------------------------------------------------- undo


def test_nothing_to_undo(engine: Engine, clinic: ClinicSummary) -> None:
    assert history.undo(engine, clinic.id) is None

    with acting_as("facilitator"):
        ideas.capture_line(engine, clinic.id, "Fasilitaattorin idea")

    assert history.undo(engine, clinic.id) is None
    assert texts(engine, clinic.id) == ["Fasilitaattorin idea"]


def test_undo_walks_back_one_action_at_a_time_and_never_twice(
    engine: Engine, clinic: ClinicSummary
) -> None:
    ideas.capture_line(engine, clinic.id, "A")
    b = ideas.capture_line(engine, clinic.id, "B")
    ideas.edit_idea(engine, b.id, text="B korjattu")

    assert history.undo(engine, clinic.id) == "Edited an idea."
    assert texts(engine, clinic.id) == ["A", "B"]
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert texts(engine, clinic.id) == ["A"]
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert texts(engine, clinic.id) == []
    # Creating the clinic cannot be undone, and nothing is undone a second time.
    assert history.undo(engine, clinic.id) is None
    assert texts(engine, clinic.id) == []
    assert [entry.undone for entry in history.list_activity(engine, clinic.id)].count(True) == 3


def test_undo_leaves_the_other_persons_actions_alone(engine: Engine, clinic: ClinicSummary) -> None:
    mine = ideas.capture_line(engine, clinic.id, "Kirjurin idea")
    with acting_as("facilitator"):
        theirs = ideas.capture_line(engine, clinic.id, "Fasilitaattorin idea")
        themes.create_theme(engine, clinic.id, "Teema")

    assert history.undo(engine, clinic.id) == "Captured an idea."

    assert texts(engine, clinic.id) == ["Fasilitaattorin idea"]
    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["Teema"]
    assert history.undo(engine, clinic.id) is None

    with acting_as("facilitator"):
        assert history.undo(engine, clinic.id) == "Created the theme “Teema”."
    assert themes.list_themes(engine, clinic.id) == []
    # Asked for explicitly, anybody's latest action is undone.
    assert history.undo(engine, clinic.id, own_only=False) == "Captured an idea."
    assert texts(engine, clinic.id) == []
    assert {mine.id, theirs.id}.isdisjoint(
        idea.id for idea in ideas.search_ideas(engine, clinic.id)
    )


def test_undo_stays_in_its_clinic(engine: Engine, clinic: ClinicSummary) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    ideas.capture_line(engine, clinic.id, "Täällä")
    ideas.capture_line(engine, other.id, "Tuolla")

    assert history.undo(engine, clinic.id) == "Captured an idea."

    assert texts(engine, clinic.id) == []
    assert texts(engine, other.id) == ["Tuolla"]


def test_one_undo_reverts_everything_one_action_did(engine: Engine, clinic: ClinicSummary) -> None:
    ideas.capture_line(engine, clinic.id, "Uusi Henkilö / ngo: Idea ja uusi osallistuja")
    assert [p.name for p in participants.list_participants(engine, clinic.id)] == ["Uusi Henkilö"]

    history.undo(engine, clinic.id)

    assert texts(engine, clinic.id) == []
    assert participants.list_participants(engine, clinic.id) == []


def test_undo_an_edit_of_the_clinic(engine: Engine) -> None:
    clinic = clinics.create_clinic(
        engine, "Nimi", starts_at=datetime(2025, 11, 3, 13), goal="Tavoite"
    )
    clinics.update_clinic(
        engine, clinic.id, title="Uusi nimi", starts_at=datetime(2025, 11, 4, 9), goal=""
    )
    clinics.set_archived(engine, clinic.id)

    assert history.undo(engine, clinic.id) == "Archived the clinic."
    assert history.undo(engine, clinic.id) == "Edited the clinic’s details."

    again = clinics.get_clinic_summary(engine, clinic.id)
    assert (again.title, again.starts_at, again.goal, again.status) == (
        "Nimi",
        datetime(2025, 11, 3, 13),
        "Tavoite",
        clinic.status,
    )


# ---------------------------------------------------------------- undo after someone else's change


def test_undo_refuses_an_edit_that_was_edited_again_since(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Vertastuki")
    ideas.edit_idea(engine, idea.id, text="Vertaistuki")
    with acting_as("facilitator"):
        ideas.edit_idea(engine, idea.id, text="Vertaistuki kaikille")
    log_before = history.list_activity(engine, clinic.id)

    with pytest.raises(ConflictError) as error:
        history.undo(engine, clinic.id)

    assert str(error.value) == "This can no longer be undone: it has been changed since."
    assert ideas.get_idea(engine, idea.id).text == "Vertaistuki kaikille"
    assert history.list_activity(engine, clinic.id) == log_before


def test_undo_refuses_a_move_into_a_theme_deleted_since(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with acting_as("facilitator"):
        theme = themes.create_theme(engine, clinic.id, "Teema")
    idea = ideas.capture_line(engine, clinic.id, "Idea")
    ideas.move_ideas(engine, [idea.id], theme.id)
    with acting_as("facilitator"):
        themes.delete_theme(engine, theme.id)

    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)

    assert ideas.get_idea(engine, idea.id).theme_id is None
    assert themes.list_themes(engine, clinic.id) == []


def test_a_refused_undo_changes_nothing(engine: Engine, clinic: ClinicSummary) -> None:
    codes = {g.code: g.id for g in participants.list_groups(engine, clinic.id)}
    first = ideas.capture_line(engine, clinic.id, "/ ngo: Yksi")
    second = ideas.capture_line(engine, clinic.id, "Anna / ngo: Kaksi")
    participants.delete_group(engine, codes["ngo"])
    with acting_as("facilitator"):
        ideas.edit_idea(engine, second.id, group="company")
    before = snapshot(engine)

    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)

    # Undo puts the group back before it reaches the changed idea: all of that is rolled back.
    assert snapshot(engine) == before
    assert "ngo" not in [g.code for g in participants.list_groups(engine, clinic.id)]
    assert ideas.get_idea(engine, first.id).group_id is None
    assert ideas.get_idea(engine, second.id).group_id == codes["company"]
    # And it stays refused: the same undo does not half-succeed a second time.
    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)
    assert snapshot(engine) == before


def test_undo_of_a_capture_does_not_discard_someone_elses_edit(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Vertastuki")
    with acting_as("facilitator"):
        ideas.edit_idea(engine, idea.id, text="Vertaistuki kaikille")
        themes.create_theme(engine, clinic.id, "Muu")

    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)

    assert ideas.get_idea(engine, idea.id).text == "Vertaistuki kaikille"


def test_undo_of_a_new_theme_does_not_unassign_someone_elses_ideas(
    engine: Engine, clinic: ClinicSummary
) -> None:
    theme = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    with acting_as("facilitator"):
        idea = ideas.capture_line(engine, clinic.id, "Neuvolat")
        ideas.move_ideas(engine, [idea.id], theme.id)

    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)

    assert ideas.get_idea(engine, idea.id).theme_id == theme.id


def test_undo_of_a_theme_delete_does_not_make_a_duplicate_name(
    engine: Engine, clinic: ClinicSummary
) -> None:
    theme = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    themes.delete_theme(engine, theme.id)
    with acting_as("facilitator"):
        themes.create_theme(engine, clinic.id, "ENNALTAEHKÄISY")

    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)

    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["ENNALTAEHKÄISY"]


# ---------------------------------------------------------------- one transaction per action


@pytest.fixture
def busy_clinic(engine: Engine, clinic: ClinicSummary) -> dict[str, int]:
    """A clinic with a bit of everything, and the ids a failing action will aim at."""
    other = clinics.create_clinic(engine, "Toinen")
    first = themes.create_theme(engine, clinic.id, "Ensimmäinen")
    second = themes.create_theme(engine, clinic.id, "Toinen")
    idea = ideas.capture_line(engine, clinic.id, "Anna / ngo: Idea", theme_id=first.id)
    spare = ideas.capture_line(engine, clinic.id, "Toinen idea")
    note = notes.add_note(engine, clinic.id, "decision", "Päätös")
    voting_round = voting.create_round(engine, clinic.id, VotingMethod.SINGLE)
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Anna", [first.id])
    return {
        "clinic": clinic.id,
        "other_clinic": other.id,
        "foreign_theme": themes.create_theme(engine, other.id, "Vieras").id,
        "voted_theme": first.id,
        "theme": second.id,
        "idea": idea.id,
        "spare": spare.id,
        "participant": participants.list_participants(engine, clinic.id)[0].id,
        "note": note.id,
    }


FAILING: dict[str, Callable[[Engine, dict[str, int]], object]] = {
    "capture with a new name and a missing theme": lambda e, ids: ideas.capture_idea(
        e, ids["clinic"], "Idea", author="Uusi Henkilö", group="ngo", theme_id=999
    ),
    "capture with a new name and an unknown group": lambda e, ids: ideas.capture_line(
        e, ids["clinic"], "Uusi Henkilö / seurakunta: Idea"
    ),
    "edit text, then an unknown group": lambda e, ids: ideas.edit_idea(
        e, ids["idea"], text="Uusi teksti", author="Uusi Henkilö", group="seurakunta"
    ),
    "move into another clinic's theme": lambda e, ids: ideas.move_ideas(
        e, [ids["idea"], ids["spare"]], ids["foreign_theme"]
    ),
    "merge with a missing idea": lambda e, ids: ideas.merge_ideas(
        e, ids["idea"], [ids["spare"], 999]
    ),
    "delete a theme with votes": lambda e, ids: themes.delete_theme(e, ids["voted_theme"]),
    "rename a theme, too long a description": lambda e, ids: themes.update_theme(
        e, ids["theme"], name="Uusi nimi", description="x" * (MAX_TEXT + 1)
    ),
    "rename a participant into a missing group": lambda e, ids: participants.update_participant(
        e, ids["participant"], name="Uusi nimi", group_id=999
    ),
    "add an unnamed group": lambda e, ids: participants.add_group(e, ids["clinic"], " "),
    "empty a note": lambda e, ids: notes.edit_note(e, ids["note"], ""),
    "retitle a clinic, end before start": lambda e, ids: clinics.update_clinic(
        e, ids["clinic"], title="Uusi", starts_at=datetime(2025, 1, 2), ends_at=datetime(2025, 1, 1)
    ),
    "duplicate with an empty title": lambda e, ids: clinics.duplicate_clinic(
        e, ids["clinic"], title=""
    ),
    "a round with one theme": lambda e, ids: voting.create_round(
        e, ids["clinic"], VotingMethod.SINGLE, theme_ids=[ids["theme"]]
    ),
    "a second ballot for the same voter": lambda e, ids: voting.cast_ballot(
        e, voting.list_rounds(e, ids["clinic"])[0].id, "anna", [ids["theme"]]
    ),
}


@pytest.mark.parametrize("attempt", FAILING.values(), ids=FAILING.keys())
def test_a_failed_action_leaves_no_trace(
    engine: Engine, busy_clinic: dict[str, int], attempt: Callable[[Engine, dict[str, int]], object]
) -> None:
    before = snapshot(engine)

    with pytest.raises(KlinikkaError):
        attempt(engine, busy_clinic)

    assert snapshot(engine) == before
