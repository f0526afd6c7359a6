"""Importing ideas found in a file into a clinic: preview, provenance, no double import."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, text

from klinikka.errors import NotFoundError
from klinikka.importers.base import Item, Parsed, Skip
from klinikka.models import ClinicSummary
from klinikka.services import clinics, ideas, participants, themes
from klinikka.services.importing import import_ideas, plan_import


def padlet() -> Parsed:
    return Parsed(
        format="padlet",
        items=[
            Item(
                "Etävastaanotot iltaisin",
                "Maija Virtanen",
                datetime(2026, 11, 2, 18, 5),
                section="Digipalvelut",
                line=2,
            ),
            Item(
                "Digituki kirjastoihin",
                "Pekka",
                datetime(2026, 11, 2, 18, 9),
                section="Digipalvelut",
                line=3,
            ),
            Item("Nuorten chat-päivystys", "", None, section="Nuoret", line=4),
            Item("Matalan kynnyksen neuvonta", "", None, line=5),
        ],
        skipped=[Skip(6, "an empty message")],
        sections=["Digipalvelut", "Nuoret"],
    )


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_an_import_keeps_where_each_idea_came_from(engine: Engine, clinic: ClinicSummary) -> None:
    group = participants.list_groups(engine, clinic.id)[1]
    maija = participants.add_participant(engine, clinic.id, "Maija Virtanen", group_id=group.id)
    themes.create_theme(engine, clinic.id, "digipalvelut")  # the section's theme, in other case

    plan = import_ideas(engine, clinic.id, padlet(), file_name="padlet-2.11.csv", raw=b"x")

    assert plan.added == 4 and plan.new_themes == ["Nuoret"]
    assert [t.name for t in themes.list_themes(engine, clinic.id)] == ["digipalvelut", "Nuoret"]
    found = {idea.text: idea for idea in ideas.search_ideas(engine, clinic.id)}
    first = found["Etävastaanotot iltaisin"]
    assert first.theme_name == "digipalvelut" and first.group_name == group.name
    assert first.participant_id == maija.id and first.author == "Maija Virtanen"
    assert (first.source, first.source_format, first.source_file) == (
        "import",
        "padlet",
        "padlet-2.11.csv",
    )
    assert first.original_author == "Maija Virtanen"
    assert first.original_time == datetime(2026, 11, 2, 18, 5).astimezone(UTC)  # local time
    assert found["Nuorten chat-päivystys"].theme_name == "Nuoret"
    assert found["Matalan kynnyksen neuvonta"].theme_name is None
    assert found["Digituki kirjastoihin"].participant_id is None  # "Pekka" is no participant


def test_the_same_file_twice_adds_nothing_the_second_time(
    engine: Engine, clinic: ClinicSummary
) -> None:
    assert import_ideas(engine, clinic.id, padlet(), file_name="a.csv").added == 4
    again = import_ideas(engine, clinic.id, padlet(), file_name="a-kopio.csv")
    assert (again.added, again.already, again.new) == (0, 4, [])
    assert count(engine, "idea") == 4 and count(engine, "theme") == 2
    # A chat saved again later holds the earlier messages and new ones: only those are added.
    later = padlet()
    later.items.append(Item("Uusi idea lopuksi", "Anna", datetime(2026, 11, 2, 19, 0)))
    assert import_ideas(engine, clinic.id, later, file_name="a.csv").added == 1


def test_the_same_message_twice_in_a_file_is_two_ideas(
    engine: Engine, clinic: ClinicSummary
) -> None:
    twice = Parsed(format="zoom", items=[Item("+1", "Anna"), Item("+1", "Anna")])
    assert import_ideas(engine, clinic.id, twice, file_name="chat.txt").added == 2
    assert import_ideas(engine, clinic.id, twice, file_name="chat.txt").added == 0


def test_ideas_typed_by_hand_are_shown_and_not_added_again(
    engine: Engine, clinic: ClinicSummary
) -> None:
    ideas.capture_idea(engine, clinic.id, "  digituki   KIRJASTOIHIN ")

    plan = plan_import(engine, clinic.id, padlet(), file_name="a.csv")

    assert [item.text for item in plan.typed] == ["Digituki kirjastoihin"]
    assert len(plan.new) == 3 and plan.skipped_by_reason() == [("an empty message", 1)]
    assert import_ideas(engine, clinic.id, padlet(), file_name="a.csv").added == 3
    assert count(engine, "idea") == 4


def test_a_dry_run_changes_nothing(engine: Engine, clinic: ClinicSummary) -> None:
    plan = import_ideas(engine, clinic.id, padlet(), file_name="a.csv", dry_run=True)
    assert plan.dry_run and len(plan.new) == 4 and plan.added == 0
    assert plan.new_themes == ["Digipalvelut", "Nuoret"]
    assert count(engine, "idea") == 0 and count(engine, "theme") == 0
    assert count(engine, "import_batch") == 0


def test_a_failed_import_leaves_the_clinic_as_it_was(
    engine: Engine, clinic: ClinicSummary, monkeypatch: pytest.MonkeyPatch
) -> None:
    from klinikka.services import importing

    def broken(*_args: object, **_kwargs: object) -> object:
        raise OSError("disk full")

    # The themes and the batch are written first; the ideas' insert then fails.
    monkeypatch.setattr(importing, "insert", broken)
    with pytest.raises(OSError):
        import_ideas(engine, clinic.id, padlet(), file_name="a.csv")
    assert count(engine, "idea") == 0 and count(engine, "theme") == 0
    assert count(engine, "import_batch") == 0


def test_a_time_of_day_from_a_chat_is_put_on_the_clinic_day(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", starts_at=datetime(2026, 11, 3, 9, 0))
    chat = Parsed(format="teams", items=[Item("Hyvä idea", "Anna", datetime(1900, 1, 1, 9, 42))])
    import_ideas(engine, clinic.id, chat, file_name="teams.txt")
    (idea,) = ideas.search_ideas(engine, clinic.id)
    assert idea.original_time == datetime(2026, 11, 3, 9, 42).astimezone(UTC)


def test_groups_from_a_list_are_matched_and_unknown_ones_named(
    engine: Engine, clinic: ClinicSummary
) -> None:
    listed = Parsed(
        format="csv",
        items=[Item("Idea A", "Anna", group="järjestö"), Item("Idea B", "Ville", group="Kuu")],
    )
    plan = import_ideas(engine, clinic.id, listed, file_name="lista.csv")
    assert plan.unknown_groups == ["Kuu"]
    found = {idea.text: idea.group_name for idea in ideas.search_ideas(engine, clinic.id)}
    assert found == {"Idea A": "Järjestö", "Idea B": None}


def test_an_import_into_a_missing_clinic_says_so(engine: Engine) -> None:
    with pytest.raises(NotFoundError):
        import_ideas(engine, 99, padlet(), file_name="a.csv")


def test_an_import_is_undone_whole_and_can_then_be_done_again(
    engine: Engine, clinic: ClinicSummary
) -> None:
    from klinikka.services import history

    typed = ideas.capture_idea(engine, clinic.id, "Kirjattu käsin ennen tuontia")
    import_ideas(engine, clinic.id, padlet(), file_name="a.csv")
    assert count(engine, "idea") == 5

    history.undo(engine, clinic.id)

    assert [i.id for i in ideas.search_ideas(engine, clinic.id)] == [typed.id]
    assert count(engine, "theme") == 0 and count(engine, "import_batch") == 0
    assert import_ideas(engine, clinic.id, padlet(), file_name="a.csv").added == 4


def test_a_list_imported_again_with_more_columns_adds_nothing(
    engine: Engine, clinic: ClinicSummary
) -> None:
    """The note-taker forgot the names column and imports the list again with it."""
    bare = Parsed(format="csv", items=[Item("Idea A"), Item("Idea B")])
    named = Parsed(format="csv", items=[Item("Idea A", "Anna"), Item("Idea B", "Ville")])
    assert import_ideas(engine, clinic.id, bare, file_name="lista.csv").added == 2
    assert import_ideas(engine, clinic.id, named, file_name="lista.csv").already == 2
    # A Teams chat copied again days later shows dates where it said "yesterday".
    first = Parsed(format="teams", items=[Item("Hyvä idea", "Anna", datetime(1900, 1, 1, 16, 20))])
    later = Parsed(format="teams", items=[Item("Hyvä idea", "Anna", datetime(2026, 11, 2, 16, 20))])
    assert import_ideas(engine, clinic.id, first, file_name="t1.txt").added == 1
    assert import_ideas(engine, clinic.id, later, file_name="t2.txt").added == 0


def test_a_chat_name_with_an_organisation_after_it_is_the_participant(
    engine: Engine, clinic: ClinicSummary
) -> None:
    elina = participants.add_participant(engine, clinic.id, "Elina Mäkelä")
    chat = Parsed(format="zoom", items=[Item("Idea", "Elina Mäkelä (Pirkanmaan hva)")])
    import_ideas(engine, clinic.id, chat, file_name="chat.txt")
    (idea,) = ideas.search_ideas(engine, clinic.id)
    assert idea.participant_id == elina.id


def test_an_import_whose_ideas_were_worked_on_is_not_undone(
    engine: Engine, clinic: ClinicSummary
) -> None:
    from klinikka.errors import ConflictError
    from klinikka.services import history

    import_ideas(engine, clinic.id, padlet(), file_name="a.csv")
    starred = next(i for i in ideas.search_ideas(engine, clinic.id) if i.theme_name is None)
    ideas.star_idea(engine, starred.id)
    history.undo(engine, clinic.id)  # takes back the star

    moved = next(i for i in ideas.search_ideas(engine, clinic.id) if i.theme_name == "Nuoret")
    ideas.move_ideas(engine, [moved.id], None)
    with engine.connect() as connection:  # the move is another process's: it stays
        connection.execute(text("UPDATE activity SET actor = 'other' WHERE action = 'idea.move'"))
        connection.commit()
    with pytest.raises(ConflictError):
        history.undo(engine, clinic.id)
    assert count(engine, "idea") == 4 and count(engine, "import_batch") == 1
