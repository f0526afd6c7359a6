"""Clinics, participants, stakeholder groups and notes, driven as the facilitator would."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import Engine, text

from klinikka import i18n
from klinikka.errors import ConflictError, NotFoundError, ValidationError
from klinikka.models import ClinicStatus, ClinicSummary, NoteKind, RoundStatus, VotingMethod
from klinikka.services import clinics, history, ideas, notes, participants, themes, voting
from klinikka.services._base import MAX_TITLE

DEFAULT_CODES = ["resident", "professional", "company", "ngo", "research", "public_admin", "other"]
DEFAULT_ENGLISH_NAMES = [
    "Resident or client",
    "Professional",
    "Company",
    "NGO",
    "Research and education",
    "Public administration",
    "Other",
]


def groups_by_code(engine: Engine, clinic_id: int) -> dict[str | None, int]:
    return {group.code: group.id for group in participants.list_groups(engine, clinic_id)}


def group_names(engine: Engine, clinic_id: int) -> dict[str | None, str]:
    return {group.code: group.name for group in participants.list_groups(engine, clinic_id)}


def clinic_ids(engine: Engine, *, include_archived: bool = False) -> list[int]:
    return [c.id for c in clinics.list_clinics(engine, include_archived=include_archived)]


def activity_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM activity")).scalar_one()


# ---------------------------------------------------------------- create


def test_new_clinic_has_the_default_groups_in_order(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Ennaltaehkäisy", language="en")

    groups = participants.list_groups(engine, clinic.id)

    assert [g.code for g in groups] == DEFAULT_CODES
    assert [g.name for g in groups] == DEFAULT_ENGLISH_NAMES
    assert [g.position for g in groups] == list(range(7))


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_default_group_names_follow_the_clinic_language(engine: Engine, language: str) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language=language)

    names = [g.name for g in participants.list_groups(engine, clinic.id)]

    assert names == [i18n.gettext_for(language, name) for name in DEFAULT_ENGLISH_NAMES]
    # The interface is in English, the clinic is not.
    assert not set(names) & set(DEFAULT_ENGLISH_NAMES)


def test_changing_the_language_renames_the_default_groups_not_the_users(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="fi")
    groups = participants.list_groups(engine, clinic.id)
    participants.rename_group(engine, groups[1].id, "Sote-ammattilainen")

    clinics.update_clinic(engine, clinic.id, language="sv")

    names = [g.name for g in participants.list_groups(engine, clinic.id)]
    expected = [i18n.gettext_for("sv", name) for name in DEFAULT_ENGLISH_NAMES]
    assert names == [expected[0], "Sote-ammattilainen", *expected[2:]]
    # One action: undo puts the Finnish names and the language back together.
    history.undo(engine, clinic.id)
    names = [g.name for g in participants.list_groups(engine, clinic.id)]
    assert names[0] == i18n.gettext_for("fi", DEFAULT_ENGLISH_NAMES[0])
    assert clinics.get_clinic_summary(engine, clinic.id).language == "fi"


def test_create_clinic_keeps_what_the_facilitator_typed(engine: Engine) -> None:
    clinic = clinics.create_clinic(
        engine,
        "  Verkkoklinikka   3.11.  ",
        starts_at=date(2025, 11, 3),
        ends_at=datetime(2025, 11, 3, 15, 30),
        goal="Kerätään ideoita.\n\nÄänestetään teemoista.",
        facilitator="Maija Mehiläinen",
        note_taker="Olli Oravainen",
        language="sv",
    )

    again = clinics.get_clinic_summary(engine, clinic.id)
    assert again.title == "Verkkoklinikka 3.11."
    assert again.starts_at == datetime(2025, 11, 3, 0, 0)
    assert again.ends_at == datetime(2025, 11, 3, 15, 30)
    assert again.goal == "Kerätään ideoita.\n\nÄänestetään teemoista."
    assert again.facilitator == "Maija Mehiläinen"
    assert again.note_taker == "Olli Oravainen"
    assert again.language == "sv"
    assert again.status is ClinicStatus.ACTIVE
    assert (again.idea_count, again.theme_count, again.participant_count, again.round_count) == (
        0,
        0,
        0,
        0,
    )


def test_new_clinic_takes_the_interface_language_when_none_is_given(engine: Engine) -> None:
    assert clinics.create_clinic(engine, "Klinikka").language == "en"


@pytest.mark.parametrize("title", ["", "   ", "\x1b[31m\x1b[0m", "\n\t"])
def test_a_clinic_needs_a_title(engine: Engine, title: str) -> None:
    with pytest.raises(ValidationError) as error:
        clinics.create_clinic(engine, title)

    assert str(error.value) == "Title cannot be empty."
    assert clinic_ids(engine, include_archived=True) == []
    assert activity_count(engine) == 0


def test_a_title_longer_than_the_limit_is_refused(engine: Engine) -> None:
    clinics.create_clinic(engine, "x" * MAX_TITLE)
    with pytest.raises(ValidationError, match="too long"):
        clinics.create_clinic(engine, "x" * (MAX_TITLE + 1))
    assert len(clinic_ids(engine)) == 1


@pytest.mark.parametrize("language", ["de", "FI", "english", " fi"])
def test_an_unknown_language_is_refused(engine: Engine, language: str) -> None:
    with pytest.raises(ValidationError) as error:
        clinics.create_clinic(engine, "Klinikka", language=language)

    assert "fi, sv, en" in str(error.value)
    assert clinic_ids(engine, include_archived=True) == []


def test_a_clinic_cannot_end_before_it_starts(engine: Engine) -> None:
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        clinics.create_clinic(
            engine,
            "Klinikka",
            starts_at=datetime(2025, 11, 3, 14, 0),
            ends_at=datetime(2025, 11, 3, 13, 59),
        )
    assert clinic_ids(engine, include_archived=True) == []

    same = clinics.create_clinic(
        engine, "Klinikka", starts_at=datetime(2025, 11, 3, 14), ends_at=datetime(2025, 11, 3, 14)
    )
    assert same.ends_at == same.starts_at


# ---------------------------------------------------------------- list


def test_list_counts_what_is_in_each_clinic(engine: Engine, clinic: ClinicSummary) -> None:
    codes = groups_by_code(engine, clinic.id)
    first = ideas.capture_line(engine, clinic.id, "Anna / ngo: Lisää kotihoitoa")
    second = ideas.capture_line(engine, clinic.id, "Pekka / company: Kotihoitoa lisää")
    ideas.capture_line(engine, clinic.id, "Digituki ikäihmisille")
    gone = ideas.capture_line(engine, clinic.id, "Poistettava")
    ideas.delete_ideas(engine, [gone.id])
    ideas.merge_ideas(engine, first.id, [second.id])
    prevention = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy")
    digital = themes.create_theme(engine, clinic.id, "Digitaaliset palvelut")
    dropped = themes.create_theme(engine, clinic.id, "Pudotettu")
    themes.delete_theme(engine, dropped.id)
    leaving = participants.add_participant(engine, clinic.id, "Lähtijä", group_id=codes["other"])
    participants.delete_participant(engine, leaving.id)
    voting.create_round(
        engine, clinic.id, VotingMethod.SINGLE, theme_ids=[prevention.id, digital.id]
    )
    other = clinics.create_clinic(engine, "Toinen klinikka")

    listed = {c.id: c for c in clinics.list_clinics(engine)}

    mine = listed[clinic.id]
    # Two live ideas: a merged one counts once, a deleted one not at all.
    assert mine.idea_count == 2
    assert mine.theme_count == 2
    # Anna and Pekka came in through the capture line; the removed participant is not counted.
    assert mine.participant_count == 2
    assert mine.round_count == 1
    assert (listed[other.id].idea_count, listed[other.id].theme_count) == (0, 0)
    assert clinics.get_clinic_summary(engine, clinic.id) == mine


def test_list_puts_the_latest_clinic_first(engine: Engine) -> None:
    spring = clinics.create_clinic(engine, "Kevät", starts_at=date(2025, 3, 1))
    autumn = clinics.create_clinic(engine, "Syksy", starts_at=date(2025, 10, 1))
    summer = clinics.create_clinic(engine, "Kesä", starts_at=date(2025, 6, 1))

    assert clinic_ids(engine) == [autumn.id, summer.id, spring.id]


def test_archived_clinics_leave_the_list_unless_asked_for(
    engine: Engine, clinic: ClinicSummary
) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    ideas.capture_line(engine, clinic.id, "Säilyy arkistossa")

    archived = clinics.set_archived(engine, clinic.id)

    assert archived.status is ClinicStatus.ARCHIVED
    assert clinic_ids(engine) == [other.id]
    assert set(clinic_ids(engine, include_archived=True)) == {clinic.id, other.id}
    # Everything is kept while archived.
    assert clinics.get_clinic_summary(engine, clinic.id).idea_count == 1

    back = clinics.set_archived(engine, clinic.id, False)

    assert back.status is ClinicStatus.ACTIVE
    assert set(clinic_ids(engine)) == {clinic.id, other.id}


# ---------------------------------------------------------------- update


def test_update_changes_only_the_given_fields(engine: Engine) -> None:
    clinic = clinics.create_clinic(
        engine,
        "Vanha nimi",
        starts_at=datetime(2025, 11, 3, 13),
        ends_at=datetime(2025, 11, 3, 15),
        goal="Tavoite",
        facilitator="Maija",
        note_taker="Olli",
        language="fi",
    )

    updated = clinics.update_clinic(engine, clinic.id, title="Uusi nimi")

    assert updated.title == "Uusi nimi"
    assert (updated.starts_at, updated.ends_at) == (
        datetime(2025, 11, 3, 13),
        datetime(2025, 11, 3, 15),
    )
    assert (updated.goal, updated.facilitator, updated.note_taker, updated.language) == (
        "Tavoite",
        "Maija",
        "Olli",
        "fi",
    )

    updated = clinics.update_clinic(engine, clinic.id, note_taker="Liisa", starts_at=None)

    assert updated.note_taker == "Liisa"
    assert updated.starts_at is None
    assert updated.ends_at == datetime(2025, 11, 3, 15)
    assert (updated.title, updated.facilitator) == ("Uusi nimi", "Maija")
    assert clinics.get_clinic_summary(engine, clinic.id) == updated


def test_a_refused_update_changes_nothing(engine: Engine) -> None:
    clinic = clinics.create_clinic(
        engine, "Nimi", starts_at=datetime(2025, 11, 3, 13), language="fi"
    )

    with pytest.raises(ValidationError, match="cannot end before it starts"):
        clinics.update_clinic(
            engine, clinic.id, title="Toinen nimi", ends_at=datetime(2025, 11, 3, 12)
        )
    with pytest.raises(ValidationError, match="Unknown language"):
        clinics.update_clinic(engine, clinic.id, goal="Uusi tavoite", language="de")
    with pytest.raises(ValidationError, match="Title cannot be empty"):
        clinics.update_clinic(engine, clinic.id, title="  ", facilitator="Maija")

    assert clinics.get_clinic_summary(engine, clinic.id) == clinic


def test_updating_a_missing_clinic_says_so(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match="no clinic with id 99"):
        clinics.update_clinic(engine, 99, title="x")


# ---------------------------------------------------------------- duplicate


def test_duplicate_copies_the_template_but_not_the_content(engine: Engine) -> None:
    source = clinics.create_clinic(
        engine,
        "Syysklinikka",
        starts_at=datetime(2025, 11, 3, 13),
        goal="Valitaan seuraavan klinikan aihe.",
        facilitator="Maija",
        note_taker="Olli",
        language="en",
    )
    codes = groups_by_code(engine, source.id)
    participants.rename_group(engine, codes["ngo"], "Järjestöt")
    participants.add_group(engine, source.id, "Kunnat")
    participants.delete_group(engine, codes["company"])
    participants.move_group(engine, codes["other"], 0)
    prevention = themes.create_theme(engine, source.id, "Ennaltaehkäisy", "Terveyden edistäminen")
    digital = themes.create_theme(engine, source.id, "Digipalvelut")
    dropped = themes.create_theme(engine, source.id, "Pudotettu")
    themes.delete_theme(engine, dropped.id)
    anna = participants.add_participant(engine, source.id, "Anna", group_id=codes["ngo"])
    ideas.capture_idea(engine, source.id, "Neuvolat", author="Anna", theme_id=prevention.id)
    notes.add_note(engine, source.id, NoteKind.DECISION, "Aihe valittu")
    first = voting.create_round(
        engine,
        source.id,
        VotingMethod.DOTS,
        theme_ids=[digital.id, prevention.id],
        title="Pisteäänestys",
        dots_per_voter=5,
        cap_per_theme=3,
        hide_results=True,
    )
    voting.open_round(engine, first.id)
    voting.cast_ballot(engine, first.id, "Anna", {prevention.id: 3, digital.id: 2})
    voting.close_round(engine, first.id)
    voting.create_round(engine, source.id, VotingMethod.POINTS, points_budget=100)
    source_groups = [(g.code, g.name) for g in participants.list_groups(engine, source.id)]

    copy = clinics.duplicate_clinic(engine, source.id)

    assert copy.id != source.id
    assert copy.title == "Copy of Syysklinikka"
    assert (copy.goal, copy.facilitator, copy.note_taker, copy.language) == (
        "Valitaan seuraavan klinikan aihe.",
        "Maija",
        "Olli",
        "en",
    )
    assert copy.starts_at is None
    assert copy.status is ClinicStatus.ACTIVE
    assert [(g.code, g.name) for g in participants.list_groups(engine, copy.id)] == source_groups
    copied_themes = themes.list_themes(engine, copy.id)
    assert [(t.name, t.description, t.idea_count) for t in copied_themes] == [
        ("Ennaltaehkäisy", "Terveyden edistäminen", 0),
        ("Digipalvelut", "", 0),
    ]
    new_theme_ids = {t.name: t.id for t in copied_themes}
    rounds = voting.list_rounds(engine, copy.id)
    assert [(r.number, r.method, r.status) for r in rounds] == [
        (1, VotingMethod.DOTS, RoundStatus.DRAFT),
        (2, VotingMethod.POINTS, RoundStatus.DRAFT),
    ]
    dots = rounds[0]
    assert (dots.title, dots.dots_per_voter, dots.cap_per_theme, dots.hide_results) == (
        "Pisteäänestys",
        5,
        3,
        True,
    )
    assert dots.theme_ids == [new_theme_ids["Digipalvelut"], new_theme_ids["Ennaltaehkäisy"]]
    assert dots.ballot_count == 0
    assert voting.list_ballots(engine, dots.id) == []
    assert rounds[1].points_budget == 100
    assert ideas.search_ideas(engine, copy.id) == []
    assert participants.list_participants(engine, copy.id) == []
    assert notes.list_notes(engine, copy.id) == []
    assert (copy.idea_count, copy.participant_count, copy.theme_count, copy.round_count) == (
        0,
        0,
        2,
        2,
    )
    # The source is as it was.
    assert [p.id for p in participants.list_participants(engine, source.id)] == [anna.id]
    assert voting.get_round(engine, first.id).ballot_count == 1
    assert len(ideas.search_ideas(engine, source.id)) == 1


def test_duplicate_takes_a_new_title(engine: Engine, clinic: ClinicSummary) -> None:
    copy = clinics.duplicate_clinic(engine, clinic.id, title="  Kevätklinikka ")

    assert copy.title == "Kevätklinikka"
    assert clinics.get_clinic_summary(engine, clinic.id).title == clinic.title


def test_a_clinic_with_a_long_title_can_be_duplicated(engine: Engine) -> None:
    source = clinics.create_clinic(engine, "Verkkoklinikka " + "x" * (MAX_TITLE - 15))

    copy = clinics.duplicate_clinic(engine, source.id)

    assert len(copy.title) <= MAX_TITLE
    assert copy.id != source.id


# ---------------------------------------------------------------- delete


CLINIC_TABLES = (
    "stakeholder_group",
    "participant",
    "theme",
    "idea",
    "voting_round",
    "note",
    "activity",
)


def rows_of(engine: Engine, clinic_id: int) -> dict[str, int]:
    with engine.connect() as connection:
        counts = {
            table: connection.execute(
                text(f"SELECT count(*) FROM {table} WHERE clinic_id = :id"), {"id": clinic_id}
            ).scalar_one()
            for table in CLINIC_TABLES
        }
        for table in ("ballot", "ballot_entry", "round_theme"):
            counts[table] = connection.execute(
                text(
                    f"SELECT count(*) FROM {table} WHERE round_id IN "
                    "(SELECT id FROM voting_round WHERE clinic_id = :id)"
                ),
                {"id": clinic_id},
            ).scalar_one()
        counts["clinic"] = connection.execute(
            text("SELECT count(*) FROM clinic WHERE id = :id"), {"id": clinic_id}
        ).scalar_one()
    return counts


def fill(engine: Engine, clinic_id: int) -> None:
    ngo = groups_by_code(engine, clinic_id)["ngo"]
    participants.add_participant(engine, clinic_id, "Anna", group_id=ngo)
    first = themes.create_theme(engine, clinic_id, "Yksi")
    second = themes.create_theme(engine, clinic_id, "Kaksi")
    ideas.capture_line(engine, clinic_id, "Anna: idea")
    notes.add_note(engine, clinic_id, NoteKind.NEXT_STEP, "Jatketaan")
    voting_round = voting.create_round(engine, clinic_id, theme_ids=[first.id, second.id])
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Anna", [first.id])


def test_delete_removes_everything_of_the_clinic_and_nothing_else(
    engine: Engine, clinic: ClinicSummary
) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    fill(engine, clinic.id)
    fill(engine, other.id)
    other_before = rows_of(engine, other.id)
    assert all(other_before.values())
    assert all(rows_of(engine, clinic.id).values())

    clinics.delete_clinic(engine, clinic.id)

    assert set(rows_of(engine, clinic.id).values()) == {0}
    assert rows_of(engine, other.id) == other_before
    assert clinic_ids(engine, include_archived=True) == [other.id]
    with pytest.raises(NotFoundError):
        clinics.get_clinic_summary(engine, clinic.id)
    with pytest.raises(NotFoundError):
        clinics.delete_clinic(engine, clinic.id)


# ---------------------------------------------------------------- participants


def test_add_and_list_participants(engine: Engine, clinic: ClinicSummary) -> None:
    codes = groups_by_code(engine, clinic.id)
    pekka = participants.add_participant(
        engine,
        clinic.id,
        "  Pekka   Puupää ",
        organisation="Hyvinvointialue",
        group_id=codes["professional"],
    )
    anna = participants.add_participant(engine, clinic.id, "anna Aaltonen")

    assert (pekka.name, pekka.organisation, pekka.group_id) == (
        "Pekka Puupää",
        "Hyvinvointialue",
        codes["professional"],
    )
    assert pekka.group_name == group_names(engine, clinic.id)["professional"]
    assert anna.group_id is None and anna.group_name is None
    assert [p.name for p in participants.list_participants(engine, clinic.id)] == [
        "anna Aaltonen",
        "Pekka Puupää",
    ]


@pytest.mark.parametrize("again", ["Anna Aaltonen", "ANNA AALTONEN", "  anna   aaltonen "])
def test_participant_names_are_unique_ignoring_case_and_spacing(
    engine: Engine, clinic: ClinicSummary, again: str
) -> None:
    participants.add_participant(engine, clinic.id, "Anna Aaltonen")

    with pytest.raises(ConflictError, match="already in this clinic"):
        participants.add_participant(engine, clinic.id, again)

    assert len(participants.list_participants(engine, clinic.id)) == 1


def test_participant_needs_a_name_and_a_group_of_this_clinic(
    engine: Engine, clinic: ClinicSummary
) -> None:
    other = clinics.create_clinic(engine, "Toinen")
    foreign_group = groups_by_code(engine, other.id)["ngo"]

    with pytest.raises(ValidationError, match="Name cannot be empty"):
        participants.add_participant(engine, clinic.id, "  ")
    with pytest.raises(NotFoundError, match=f"no stakeholder group with id {foreign_group}"):
        participants.add_participant(engine, clinic.id, "Anna", group_id=foreign_group)

    assert participants.list_participants(engine, clinic.id) == []


def test_edit_a_participant(engine: Engine, clinic: ClinicSummary) -> None:
    codes = groups_by_code(engine, clinic.id)
    anna = participants.add_participant(
        engine, clinic.id, "Anna", organisation="Kunta", group_id=codes["ngo"]
    )
    participants.add_participant(engine, clinic.id, "Pekka")

    renamed = participants.update_participant(engine, anna.id, name="Anna Aaltonen")
    assert (renamed.name, renamed.organisation, renamed.group_id) == (
        "Anna Aaltonen",
        "Kunta",
        codes["ngo"],
    )

    moved = participants.update_participant(engine, anna.id, group_id=codes["research"])
    assert (moved.name, moved.organisation, moved.group_id) == (
        "Anna Aaltonen",
        "Kunta",
        codes["research"],
    )
    assert moved.group_name == group_names(engine, clinic.id)["research"]

    cleared = participants.update_participant(engine, anna.id, organisation="", group_id=None)
    assert (cleared.organisation, cleared.group_id) == ("", None)

    # Her own name in another case is fine; somebody else's is not.
    assert (
        participants.update_participant(engine, anna.id, name="ANNA AALTONEN").name
        == "ANNA AALTONEN"
    )
    with pytest.raises(ConflictError):
        participants.update_participant(engine, anna.id, name="pekka", organisation="Muutos")

    listed = {p.id: p for p in participants.list_participants(engine, clinic.id)}
    assert (listed[anna.id].name, listed[anna.id].organisation) == ("ANNA AALTONEN", "")


def test_deleting_a_participant_keeps_their_ideas_and_can_be_undone(
    engine: Engine, clinic: ClinicSummary
) -> None:
    idea = ideas.capture_line(engine, clinic.id, "Anna / ngo: Vertaistukea")
    anna = participants.list_participants(engine, clinic.id)[0]

    participants.delete_participant(engine, anna.id)

    assert participants.list_participants(engine, clinic.id) == []
    kept = ideas.get_idea(engine, idea.id)
    assert (kept.text, kept.author, kept.group_id) == ("Vertaistukea", "Anna", idea.group_id)
    assert clinics.get_clinic_summary(engine, clinic.id).participant_count == 0
    with pytest.raises(NotFoundError):
        participants.update_participant(engine, anna.id, name="x")

    assert history.undo(engine, clinic.id) == "Removed the participant Anna."
    assert [p.name for p in participants.list_participants(engine, clinic.id)] == ["Anna"]


# ---------------------------------------------------------------- groups


def test_add_a_group_at_the_end(engine: Engine, clinic: ClinicSummary) -> None:
    added = participants.add_group(engine, clinic.id, "  Seurakunnat ")

    groups = participants.list_groups(engine, clinic.id)
    assert (added.name, added.code) == ("Seurakunnat", None)
    assert groups[-1] == added
    assert added.position == len(DEFAULT_CODES)


@pytest.mark.parametrize("name", ["ngo", "NGO", " Other ", "PROFESSIONAL", "kunnat", "KUNNAT"])
def test_group_names_are_unique_ignoring_case(engine: Engine, name: str) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="en")
    participants.add_group(engine, clinic.id, "Kunnat")
    company = groups_by_code(engine, clinic.id)["company"]

    with pytest.raises(ConflictError, match="already a group"):
        participants.add_group(engine, clinic.id, name)
    with pytest.raises(ConflictError, match="already a group"):
        participants.rename_group(engine, company, name)

    names = [g.name for g in participants.list_groups(engine, clinic.id)]
    assert names == [*DEFAULT_ENGLISH_NAMES, "Kunnat"]


def test_a_group_the_user_added_can_be_named_in_the_capture_line(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="en")
    added = participants.add_group(engine, clinic.id, "Järjestö")

    idea = ideas.capture_line(engine, clinic.id, "/ Järjestö: Kerhotilat")

    assert (idea.group_id, idea.group_name) == (added.id, "Järjestö")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("asiakas", "resident"),  # a word of "Asukas tai asiakas"
        ("klient", "resident"),  # of the Swedish name
        ("förening", "ngo"),
        ("ry", "ngo"),  # a short form
        ("kunta", "public_admin"),
        ("hyvinvointialue", "public_admin"),
        ("yliopisto", "research"),
        ("utbild", "research"),  # the start of a word
        ("kommunen", "public_admin"),  # Swedish definite forms
        ("föreningen", "ngo"),
        ("rf", "ngo"),
        ("kunnat", "public_admin"),  # Finnish plurals
        ("asiakkaat", "resident"),
        ("närstående", "resident"),
    ],
)
def test_a_group_is_named_the_way_people_say_it(engine: Engine, typed: str, code: str) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="fi")

    idea = ideas.capture_line(engine, clinic.id, f"Maija / {typed}: Kerhotilat")

    [group] = [g for g in participants.list_groups(engine, clinic.id) if g.id == idea.group_id]
    assert group.code == code


def test_an_unknown_group_is_refused_with_the_groups_there_are(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="fi")

    with pytest.raises(ValidationError) as refused:
        ideas.capture_line(engine, clinic.id, "Maija / seurakunta: Kerhotilat")

    message = refused.value.translated("fi")
    assert "”seurakunta”" in message
    assert "Asukas tai asiakas" in message and "Julkishallinto" in message


def test_a_word_two_groups_share_names_neither(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="fi")
    participants.add_group(engine, clinic.id, "Asiakasraati")
    participants.add_group(engine, clinic.id, "Kuntien asiakkaat")

    for typed in ("tai", "ja"):  # a linking word of a name is no group
        with pytest.raises(ValidationError):
            ideas.capture_line(engine, clinic.id, f"Maija / {typed}: Kerhotilat")
    with pytest.raises(ValidationError):  # "asiak…" starts words of three groups
        ideas.capture_line(engine, clinic.id, "Maija / asiak: Kerhotilat")
    assert ideas.search_ideas(engine, clinic.id) == []


def test_rename_and_reorder_groups(engine: Engine) -> None:
    clinic = clinics.create_clinic(engine, "Klinikka", language="en")
    codes = groups_by_code(engine, clinic.id)

    renamed = participants.rename_group(engine, codes["ngo"], "Järjestöt ja yhdistykset")
    assert (renamed.name, renamed.code) == ("Järjestöt ja yhdistykset", "ngo")
    # A group may take its own name in another case.
    assert participants.rename_group(engine, codes["other"], "OTHER").name == "OTHER"

    order = participants.move_group(engine, codes["other"], 0)
    assert [g.code for g in order][:2] == ["other", "resident"]
    participants.move_group(engine, codes["resident"], 99)

    groups = participants.list_groups(engine, clinic.id)
    assert [g.code for g in groups] == [
        "other",
        "professional",
        "company",
        "ngo",
        "research",
        "public_admin",
        "resident",
    ]
    assert [g.position for g in groups] == list(range(7))


def test_deleting_a_group_leaves_its_ideas_without_a_group_and_undo_brings_it_back(
    engine: Engine, clinic: ClinicSummary
) -> None:
    codes = groups_by_code(engine, clinic.id)
    ngo_name = group_names(engine, clinic.id)["ngo"]
    first = ideas.capture_line(engine, clinic.id, "Anna / ngo: Vertaistuki")
    second = ideas.capture_line(engine, clinic.id, "/ ngo: Kerhotilat")
    elsewhere = ideas.capture_line(engine, clinic.id, "/ company: Palveluseteli")
    anna = participants.list_participants(engine, clinic.id)[0]

    participants.delete_group(engine, codes["ngo"])

    assert "ngo" not in [g.code for g in participants.list_groups(engine, clinic.id)]
    assert ideas.get_idea(engine, first.id).group_id is None
    assert ideas.get_idea(engine, second.id).group_name is None
    assert ideas.get_idea(engine, elsewhere.id).group_id == codes["company"]
    assert participants.list_participants(engine, clinic.id)[0].group_id is None
    assert ideas.count_ideas_by_group(engine, clinic.id)[-1] == (None, None, 2)
    with pytest.raises(NotFoundError):
        participants.rename_group(engine, codes["ngo"], "x")

    assert history.undo(engine, clinic.id) == f"Deleted the group “{ngo_name}”."

    groups = participants.list_groups(engine, clinic.id)
    assert [g.code for g in groups] == DEFAULT_CODES
    assert ideas.get_idea(engine, first.id).group_id == codes["ngo"]
    assert ideas.get_idea(engine, second.id).group_name == ngo_name
    assert participants.list_participants(engine, clinic.id)[0].id == anna.id
    assert participants.list_participants(engine, clinic.id)[0].group_id == codes["ngo"]
    assert ideas.count_ideas_by_group(engine, clinic.id)[-1] == (None, None, 0)


# ---------------------------------------------------------------- notes


def test_notes_of_each_kind_in_the_order_written(engine: Engine, clinic: ClinicSummary) -> None:
    decision = notes.add_note(engine, clinic.id, NoteKind.DECISION, "Valitaan ennaltaehkäisy.")
    step = notes.add_note(engine, clinic.id, "next_step", "Seuraava klinikka\n\n\n\nkeväällä  ")
    remark = notes.add_note(engine, clinic.id, "note", "Hyvä keskustelu")

    assert step.text == "Seuraava klinikka\n\nkeväällä"
    assert [n.id for n in notes.list_notes(engine, clinic.id)] == [decision.id, step.id, remark.id]
    assert [n.kind for n in notes.list_notes(engine, clinic.id)] == [
        NoteKind.DECISION,
        NoteKind.NEXT_STEP,
        NoteKind.NOTE,
    ]
    assert [n.id for n in notes.list_notes(engine, clinic.id, "next_step")] == [step.id]
    assert [n.id for n in notes.list_notes(engine, clinic.id, NoteKind.DECISION)] == [decision.id]


def test_notes_refuse_unknown_kinds_and_empty_text(engine: Engine, clinic: ClinicSummary) -> None:
    with pytest.raises(ValidationError) as error:
        notes.add_note(engine, clinic.id, "todo", "Tehtävä")
    assert "decision, next_step, note" in str(error.value)
    with pytest.raises(ValidationError, match="cannot be empty"):
        notes.add_note(engine, clinic.id, "note", " \n ")
    with pytest.raises(ValidationError):
        notes.list_notes(engine, clinic.id, "todo")

    assert notes.list_notes(engine, clinic.id) == []


def test_edit_delete_and_undo_notes(engine: Engine, clinic: ClinicSummary) -> None:
    note = notes.add_note(engine, clinic.id, "decision", "Päätös A")
    other = notes.add_note(engine, clinic.id, "note", "Muuta")

    edited = notes.edit_note(engine, note.id, "Päätös B")
    assert (edited.text, edited.kind) == ("Päätös B", NoteKind.DECISION)
    with pytest.raises(ValidationError):
        notes.edit_note(engine, note.id, "")

    notes.delete_note(engine, note.id)
    assert [n.id for n in notes.list_notes(engine, clinic.id)] == [other.id]
    with pytest.raises(NotFoundError):
        notes.edit_note(engine, note.id, "Päätös C")

    assert history.undo(engine, clinic.id) == "Deleted a note."
    assert [n.text for n in notes.list_notes(engine, clinic.id)] == ["Päätös B", "Muuta"]
    assert history.undo(engine, clinic.id) == "Edited a note."
    assert [n.text for n in notes.list_notes(engine, clinic.id)] == ["Päätös A", "Muuta"]


def test_the_documented_short_forms_are_the_ones_matched() -> None:
    from pathlib import Path

    from klinikka.services.participants import SHORT_FORMS

    documented = (Path(__file__).parent.parent / "docs" / "capture.md").read_text("utf-8")
    for forms in SHORT_FORMS.values():
        if forms:
            assert f"| {', '.join(forms)} |" in documented
