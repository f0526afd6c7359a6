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

from backends import SQLITE_ONLY
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


# ---------------------------------------------------------------- redo


def data(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row but the log's, as klinikka reads it: what undo takes away and redo must put
    back exactly. (Read through the columns' types: a timestamp written by the driver and the
    same one written by SQLAlchemy differ in their text, "+00:00", not in their value.)"""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(select(SQLModel.metadata.tables[table]))),
                key=repr,
            )
            for table in TABLES
            if table != "activity"
        }


def _edit_text(engine: Engine, clinic_id: int) -> object:
    idea = ideas.capture_line(engine, clinic_id, "Vertastuki")
    return ideas.edit_idea(engine, idea.id, text="Vertaistuki")


def _move(engine: Engine, clinic_id: int) -> object:
    theme = themes.create_theme(engine, clinic_id, "Ennaltaehkäisy")
    made = [ideas.capture_line(engine, clinic_id, name) for name in ("Neuvolat", "Koulut")]
    return ideas.move_ideas(engine, [idea.id for idea in made], theme.id)


def _merge(engine: Engine, clinic_id: int) -> object:
    made = [ideas.capture_line(engine, clinic_id, f"Anna / ngo: Idea {n}") for n in range(3)]
    ideas.star_idea(engine, made[2].id)
    ideas.merge_ideas(engine, made[1].id, [made[2].id])
    return ideas.merge_ideas(engine, made[0].id, [made[1].id])


def _delete_theme(engine: Engine, clinic_id: int) -> object:
    themes.create_theme(engine, clinic_id, "Jää")
    theme = themes.create_theme(engine, clinic_id, "Poistettava")
    ideas.capture_idea(engine, clinic_id, "Teemassa", theme_id=theme.id)
    voting.create_round(engine, clinic_id, VotingMethod.SINGLE)  # a draft: the theme leaves it
    return themes.delete_theme(engine, theme.id)


def _capture_new_person(engine: Engine, clinic_id: int) -> object:
    return ideas.capture_line(engine, clinic_id, "Uusi Henkilö / ngo: Idea ja uusi osallistuja")


def _import(engine: Engine, clinic_id: int) -> object:
    from klinikka.importers.base import Item, Parsed
    from klinikka.services.importing import import_ideas

    ideas.capture_line(engine, clinic_id, "Kirjattu käsin")
    parsed = Parsed(
        format="padlet",
        items=[
            Item("Etävastaanotot", "Maija Virtanen", datetime(2026, 11, 2, 18, 5), section="Digi"),
            Item("Digituki kirjastoihin", "Pekka", None, section="Digi"),
            Item("Matalan kynnyksen neuvonta"),
        ],
        sections=["Digi"],
    )
    return import_ideas(engine, clinic_id, parsed, file_name="padlet.csv", raw=b"x")


def _delete_ideas(engine: Engine, clinic_id: int) -> object:
    made = [ideas.capture_line(engine, clinic_id, name) for name in ("A", "B")]
    return ideas.delete_ideas(engine, [idea.id for idea in made])


REDOABLE: dict[str, tuple[Callable[[Engine, int], object], str]] = {
    "an edited text": (_edit_text, "Edited an idea."),
    "a theme assignment": (_move, "Moved 2 ideas."),
    "a merge": (_merge, "Merged 2 ideas into one."),
    "a deleted theme": (_delete_theme, "Deleted the theme “Poistettava”."),
    "a capture with a new participant": (_capture_new_person, "Captured an idea."),
    "an import": (_import, "Imported 3 ideas from padlet.csv."),
    "deleted ideas": (_delete_ideas, "Deleted 2 ideas."),
}


@pytest.mark.parametrize(("act", "sentence"), REDOABLE.values(), ids=REDOABLE.keys())
def test_redo_puts_back_exactly_what_undo_took(
    engine: Engine, clinic: ClinicSummary, act: Callable[[Engine, int], object], sentence: str
) -> None:
    act(engine, clinic.id)
    done = data(engine)

    for _ in range(2):  # undo → redo → undo → redo
        assert history.undo(engine, clinic.id) == sentence
        assert data(engine) != done
        assert history.redo(engine, clinic.id) == sentence
        assert data(engine) == done

    log = history.list_activity(engine, clinic.id)
    assert [entry.action for entry in log[:4]] == ["redo", "undo", "redo", "undo"]
    assert log[0].summary == f"Redone: {sentence}"
    assert not any(entry.undoable for entry in log[:4])
    # The action is undoable again, and nothing is left to redo.
    assert (log[4].summary, log[4].undoable, log[4].undone) == (sentence, True, False)
    assert history.redo(engine, clinic.id) is None
    assert data(engine) == done


def test_redo_walks_forward_again_in_order(engine: Engine, clinic: ClinicSummary) -> None:
    theme = themes.create_theme(engine, clinic.id, "Teema")
    idea = ideas.capture_line(engine, clinic.id, "Idea")
    ideas.move_ideas(engine, [idea.id], theme.id)
    states = [data(engine)]

    assert history.undo(engine, clinic.id) == "Moved 1 idea."
    states.append(data(engine))
    assert history.undo(engine, clinic.id) == "Captured an idea."
    states.append(data(engine))

    assert history.redo(engine, clinic.id) == "Captured an idea."
    assert data(engine) == states[1]
    assert history.redo(engine, clinic.id) == "Moved 1 idea."
    assert data(engine) == states[0]
    assert history.redo(engine, clinic.id) is None
    # Undo takes the redone actions back again, newest first.
    assert history.undo(engine, clinic.id) == "Moved 1 idea."
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert history.undo(engine, clinic.id) == "Created the theme “Teema”."
    assert themes.list_themes(engine, clinic.id) == []


def test_nothing_to_redo(engine: Engine, clinic: ClinicSummary) -> None:
    assert history.redo(engine, clinic.id) is None
    ideas.capture_line(engine, clinic.id, "Idea")
    assert history.redo(engine, clinic.id) is None
    assert texts(engine, clinic.id) == ["Idea"]


def test_a_new_action_ends_what_can_be_redone(engine: Engine, clinic: ClinicSummary) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Vertastuki")
    ideas.edit_idea(engine, idea.id, text="Vertaistuki")
    history.undo(engine, clinic.id)
    ideas.capture_line(engine, clinic.id, "Uusi")
    before = snapshot(engine)

    assert history.redo(engine, clinic.id) is None

    assert snapshot(engine) == before
    assert ideas.get_idea(engine, idea.id).text == "Vertastuki"
    # Undoing the new action does not bring the old redo back either.
    assert history.undo(engine, clinic.id) == "Captured an idea."
    assert history.redo(engine, clinic.id) == "Captured an idea."
    assert history.redo(engine, clinic.id) is None
    assert sorted(texts(engine, clinic.id)) == ["Uusi", "Vertastuki"]


def test_another_persons_action_does_not_end_my_redo(engine: Engine, clinic: ClinicSummary) -> None:
    with acting_as("facilitator"):
        ideas.capture_line(engine, clinic.id, "Fasilitaattorin")
    ideas.capture_line(engine, clinic.id, "Minun")
    history.undo(engine, clinic.id)
    with acting_as("facilitator"):
        themes.create_theme(engine, clinic.id, "Vertaistuki")

    assert history.redo(engine, clinic.id) == "Captured an idea."
    assert sorted(texts(engine, clinic.id)) == ["Fasilitaattorin", "Minun"]


@SQLITE_ONLY  # PostgreSQL never gives an id again
def test_redo_refuses_when_the_undone_rows_id_was_taken(
    engine: Engine, clinic: ClinicSummary
) -> None:
    # SQLite gives the next row the highest id plus one: the facilitator's idea takes the id
    # the undone capture had, and bringing that capture back would overwrite it.
    ideas.capture_line(engine, clinic.id, "Minun")
    history.undo(engine, clinic.id)
    with acting_as("facilitator"):
        ideas.capture_line(engine, clinic.id, "Fasilitaattorin")
    before = snapshot(engine)

    with pytest.raises(ConflictError) as raised:
        history.redo(engine, clinic.id)

    assert "redone" in raised.value.translated("en")
    assert snapshot(engine) == before


def test_redo_refuses_an_edit_that_was_edited_since(engine: Engine, clinic: ClinicSummary) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Vertastuki")
    ideas.edit_idea(engine, idea.id, text="Vertaistuki")
    history.undo(engine, clinic.id)
    with acting_as("facilitator"):
        ideas.edit_idea(engine, idea.id, text="Vertaistuki kaikille")
    before = snapshot(engine)

    with pytest.raises(ConflictError):
        history.redo(engine, clinic.id)

    assert snapshot(engine) == before
    assert ideas.get_idea(engine, idea.id).text == "Vertaistuki kaikille"
    with pytest.raises(ConflictError):  # still refused, still changing nothing
        history.redo(engine, clinic.id)
    assert snapshot(engine) == before


def test_redo_refuses_a_name_taken_since(engine: Engine, clinic: ClinicSummary) -> None:
    themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    history.undo(engine, clinic.id)
    with acting_as("facilitator"):
        themes.create_theme(engine, clinic.id, "ENNALTAEHKÄISY")
    before = snapshot(engine)

    with pytest.raises(ConflictError):
        history.redo(engine, clinic.id)

    assert snapshot(engine) == before


def test_redo_refuses_ideas_into_a_theme_deleted_since(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with acting_as("facilitator"):
        theme = themes.create_theme(engine, clinic.id, "Teema")
    idea = ideas.capture_line(engine, clinic.id, "Idea")
    ideas.move_ideas(engine, [idea.id], theme.id)
    history.undo(engine, clinic.id)
    with acting_as("facilitator"):
        themes.delete_theme(engine, theme.id)
    before = snapshot(engine)

    with pytest.raises(ConflictError):
        history.redo(engine, clinic.id)

    assert snapshot(engine) == before
    assert ideas.get_idea(engine, idea.id).theme_id is None


def test_redo_of_an_import_refused_when_an_idea_took_its_place(
    engine: Engine, clinic: ClinicSummary
) -> None:
    _import(engine, clinic.id)
    history.undo(engine, clinic.id)
    with acting_as("facilitator"):
        theme = themes.create_theme(engine, clinic.id, "Digi")  # the import's theme, again
    before = snapshot(engine)

    with pytest.raises(ConflictError):
        history.redo(engine, clinic.id)

    assert snapshot(engine) == before
    assert [t.id for t in themes.list_themes(engine, clinic.id)] == [theme.id]


# ---------------------------------------------------------------- per person, across restarts


def test_undo_and_redo_after_a_restart(engine: Engine, clinic: ClinicSummary) -> None:
    with acting_as("Maija"):
        idea = ideas.capture_line(engine, clinic.id, "Vertastuki")
        ideas.edit_idea(engine, idea.id, text="Vertaistuki")
    # Another process, or Maija's klinikka started again: the same person, a new process.
    with acting_as("12345-0a1b2c3d"):
        assert history.undo(engine, clinic.id) is None
    with acting_as("Maija"):
        assert history.undo(engine, clinic.id) == "Edited an idea."
    with acting_as("Maija"):
        assert history.redo(engine, clinic.id) == "Edited an idea."
        assert history.undo(engine, clinic.id) == "Edited an idea."
        assert history.undo(engine, clinic.id) == "Captured an idea."
    assert texts(engine, clinic.id) == []


def test_two_people_never_undo_or_redo_each_others_actions(
    engine: Engine, clinic: ClinicSummary
) -> None:
    with acting_as("Maija"):
        ideas.capture_line(engine, clinic.id, "Maijan")
    with acting_as("Pekka"):
        ideas.capture_line(engine, clinic.id, "Pekan")
        assert history.undo(engine, clinic.id) == "Captured an idea."
        assert history.undo(engine, clinic.id) is None
    assert texts(engine, clinic.id) == ["Maijan"]

    with acting_as("Maija"):
        assert history.redo(engine, clinic.id) is None  # Pekka's undo is not Maija's to redo
        assert history.undo(engine, clinic.id) == "Captured an idea."
    assert texts(engine, clinic.id) == []
    with acting_as("Pekka"):
        assert history.redo(engine, clinic.id) == "Captured an idea."
        assert history.redo(engine, clinic.id) is None
    assert texts(engine, clinic.id) == ["Pekan"]
    with acting_as("Maija"):
        assert history.redo(engine, clinic.id) == "Captured an idea."
    assert sorted(texts(engine, clinic.id)) == ["Maijan", "Pekan"]


def test_the_log_keeps_who_undid_and_redid(engine: Engine, clinic: ClinicSummary) -> None:
    with acting_as("Maija"):
        ideas.capture_line(engine, clinic.id, "Idea")
        history.undo(engine, clinic.id)
        history.redo(engine, clinic.id)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT action, actor FROM activity ORDER BY id DESC LIMIT 3")
        ).all()
    assert [tuple(row) for row in rows] == [
        ("redo", "Maija"),
        ("undo", "Maija"),
        ("idea.capture", "Maija"),
    ]


def test_an_exported_log_with_undo_and_redo_comes_back(
    engine: Engine, clinic: ClinicSummary, tmp_path: Any
) -> None:
    from klinikka.db import open_database
    from klinikka.services.transfer import export_document, import_document

    ideas.capture_line(engine, clinic.id, "Idea")
    history.undo(engine, clinic.id)
    history.redo(engine, clinic.id)
    history.undo(engine, clinic.id)
    other = open_database(tmp_path / "other.db")
    try:
        report = import_document(
            other, export_document(engine, [clinic.id]), file_name="klinikka.json"
        )
        ((new_id, _title),) = report.clinics_added
        assert summaries(other, new_id) == summaries(engine, clinic.id)
        # The copy has the log but not the undo data: nothing there to undo or redo.
        assert history.redo(other, new_id) is None
        assert history.undo(other, new_id) is None
    finally:
        other.dispose()
