"""Importing klinikka's own JSON: what a file may hold, and what comes in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from klinikka.errors import ImportFormatError
from klinikka.exports.json_export import render_json
from klinikka.importers.klinikka_json import parse_document
from klinikka.models import ClinicSummary
from klinikka.paths import sample_data_dir
from klinikka.services import clinics, ideas, participants, themes, voting
from klinikka.services.exporting import render_export
from klinikka.services.transfer import export_document, import_document

SAMPLE = sample_data_dir() / "verkkoklinikka-2026-11-03.json"


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def parse(document: dict[str, Any]) -> None:
    parse_document(json.dumps(document).encode())


def first_round(document: dict[str, Any]) -> dict[str, Any]:
    return document["clinics"][0]["rounds"][0]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: first_round(d)["ballots"][0]["entries"][0].update(value=5), "rules"),
        (lambda d: first_round(d)["ballots"][0]["entries"][0].update(value=-1), "out of range"),
        (lambda d: first_round(d)["themes"].append(first_round(d)["themes"][0]), "same id"),
        (
            lambda d: d["clinics"][0]["themes"][1].update(
                name=d["clinics"][0]["themes"][0]["name"].upper()
            ),
            "same name",
        ),
        (lambda d: d["clinics"][0]["ideas"][0].update(starred="yes"), "wrong kind"),
        (lambda d: d["clinics"][0].update(title="x" * 201), "not valid"),
        (lambda d: d["clinics"][0]["ideas"][0].pop("text"), "missing"),
        (lambda d: d.update(clinics=[]), "clinics"),
    ],
)
def test_a_file_breaking_a_rule_is_refused_with_a_reason(change, message: str) -> None:  # type: ignore[no-untyped-def]
    document = sample()
    change(document)
    with pytest.raises(ImportFormatError, match=message):
        parse(document)


def test_names_and_titles_from_a_file_are_one_line() -> None:
    document = sample()
    document["clinics"][0]["title"] = "Rivi yksi\n2\t2026-01-01\tVäärä klinikka"
    parsed = parse_document(json.dumps(document).encode())
    assert parsed.clinics[0].title == "Rivi yksi 2 2026-01-01 Väärä klinikka"


def test_importing_ideas_into_a_clinic_keeps_merges_groups_and_people(
    engine: Engine, clinic: ClinicSummary, tmp_path: Path
) -> None:
    source = clinics.create_clinic(engine, "Lähde", language="fi")
    theme = themes.create_theme(engine, source.id, "Ennaltaehkäisy")
    target = ideas.capture_line(engine, source.id, "Maija Virtanen / asukas: Neuvolat mukaan")
    child = ideas.capture_line(engine, source.id, "Pekka Ojala / yritys: Neuvolat mukaan heti")
    ideas.move_ideas(engine, [target.id], theme.id)
    ideas.merge_ideas(engine, target.id, [child.id])
    document = export_document(engine, [source.id])

    report = import_document(engine, document, file_name="lahde.json", clinic_id=clinic.id)
    assert (report.ideas_added, report.ideas_skipped) == (2, 0)
    [top] = ideas.search_ideas(engine, clinic.id)
    assert (top.text, top.author, top.theme_name) == (
        "Neuvolat mukaan",
        "Maija Virtanen",
        "Ennaltaehkäisy",
    )
    assert top.group_name == "Asukas tai asiakas"
    assert [(m.text, m.author, m.group_name) for m in top.merged] == [
        ("Neuvolat mukaan heti", "Pekka Ojala", "Yritys")
    ]
    names = {p.name for p in participants.list_participants(engine, clinic.id)}
    assert names == {"Maija Virtanen", "Pekka Ojala"}
    again = import_document(engine, document, file_name="lahde.json", clinic_id=clinic.id)
    assert (again.ideas_added, again.ideas_skipped) == (0, 2)


def test_hidden_results_stay_hidden_in_the_summary(engine: Engine, clinic: ClinicSummary) -> None:
    a = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy").id
    themes.create_theme(engine, clinic.id, "Digipalvelut")
    voting_round = voting.create_round(engine, clinic.id, "single", hide_results=True)
    voting.open_round(engine, voting_round.id)
    voting.cast_ballot(engine, voting_round.id, "Aino", [a])

    def summary(file_format: str) -> str:
        return render_export(engine, clinic.id, file_format, language="en").decode("utf-8-sig")

    hidden = summary("md")
    assert "hidden until the round is closed" in hidden
    assert "| 1 | Ennaltaehkäisy" not in hidden
    assert "hidden until the round is closed" in summary("html")
    assert "100.0%" not in summary("html")
    hidden_csv = summary("csv")
    assert "Ennaltaehkäisy;1;" not in hidden_csv  # no score in the results table
    assert "hidden until the round is closed;All;;Ennaltaehkäisy;;;1;" in hidden_csv
    voting.close_round(engine, voting_round.id)
    assert "| 1 | Ennaltaehkäisy | 1 |" in summary("md")
    assert "Ennaltaehkäisy;1;100,0;1;yes" in summary("csv")


def test_every_export_can_be_read_back(engine: Engine, clinic: ClinicSummary) -> None:
    parse_document(render_json(export_document(engine, [clinic.id])).encode())


def test_every_text_field_of_the_document_is_cleaned() -> None:
    """The document's validator runs on the text fields it names: a text field added to a part
    and not named there would let escape sequences and overlong text in from a file."""
    from klinikka import document

    parts = [
        part
        for part in vars(document).values()
        if isinstance(part, type) and issubclass(part, document._Part)
    ]
    unnamed = [
        f"{part.__name__}.{name}"
        for part in parts
        for name, info in part.model_fields.items()
        if "str" in repr(info.annotation) and name not in document._TEXT_FIELDS
    ]
    assert len(parts) > 10 and unnamed == []
    idea = document.DocIdea.model_validate(
        {
            "id": 1,
            "uid": "x",
            "text": "\x1b]52;c;aGVsbG8=\x07Hei",
            "author": "Maija\nVirtanen",
            "created_at": "2026-11-03T10:00:00Z",
            "updated_at": "2026-11-03T10:00:00Z",
        }
    )
    assert (idea.text, idea.author) == ("Hei", "Maija Virtanen")
