"""The JSON document survives export → import into an empty database → export unchanged
(apart from ids, which only link a document's parts, and the times of export and import)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from klinikka.db import open_database
from klinikka.exports.json_export import render_json
from klinikka.importers.klinikka_json import parse_document
from klinikka.models import NoteKind
from klinikka.paths import sample_data_dir
from klinikka.services import clinics, ideas, notes, participants, themes, voting
from klinikka.services.transfer import export_document, import_document

SAMPLES = sorted(sample_data_dir().glob("*.json"))


def canonical(document: dict[str, Any]) -> dict[str, Any]:
    """The document with ids replaced by positions and export/import times left out."""
    result = {k: v for k, v in document.items() if k != "exported_at"}
    result["clinics"] = [canonical_clinic(clinic) for clinic in document["clinics"]]
    return result


def canonical_clinic(clinic: dict[str, Any]) -> dict[str, Any]:
    index = {
        kind: {item["id"]: position for position, item in enumerate(clinic[kind])}
        for kind in ("groups", "participants", "themes", "ideas", "rounds")
    }

    def ref(kind: str, value: int | None) -> int | None:
        return None if value is None else index[kind][value]

    def strip(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in item.items() if k != "id"}

    out = {k: v for k, v in clinic.items() if k not in ("id", "imported_at")}
    out["groups"] = [strip(g) for g in clinic["groups"]]
    out["participants"] = [
        {**strip(p), "group": ref("groups", p["group"])} for p in clinic["participants"]
    ]
    out["themes"] = [strip(t) for t in clinic["themes"]]
    out["ideas"] = [
        {
            **strip(i),
            "theme": ref("themes", i["theme"]),
            "participant": ref("participants", i["participant"]),
            "group": ref("groups", i["group"]),
            "merged_into": ref("ideas", i["merged_into"]),
        }
        for i in clinic["ideas"]
    ]
    out["rounds"] = [
        {
            **strip(r),
            "runoff_of": ref("rounds", r["runoff_of"]),
            "themes": [ref("themes", t) for t in r["themes"]],
            "decision": None
            if r["decision"] is None
            else {**r["decision"], "theme": ref("themes", r["decision"]["theme"])},
            "ballots": [
                {
                    **strip(b),
                    "participant": ref("participants", b["participant"]),
                    "group": ref("groups", b["group"]),
                    "entries": [{**e, "theme": ref("themes", e["theme"])} for e in b["entries"]],
                }
                for b in r["ballots"]
            ],
        }
        for r in clinic["rounds"]
    ]
    return out


def round_trip(text: str, tmp_path: Path, target: str | None = None) -> dict[str, Any]:
    engine = open_database(target or tmp_path / "fresh.db")
    document = parse_document(text.encode("utf-8"))
    report = import_document(engine, document, file_name="sample.json")
    ids = [new_id for new_id, _ in report.clinics_added]
    assert len(ids) == len(document.clinics)
    again = render_json(export_document(engine, ids))
    engine.dispose()
    return json.loads(again)


def test_there_are_sample_clinics() -> None:
    assert len(SAMPLES) >= 2


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.name)
def test_a_sample_clinic_survives_the_round_trip(
    sample: Path, tmp_path: Path, database_target: str
) -> None:
    original = json.loads(sample.read_text(encoding="utf-8"))
    again = round_trip(sample.read_text(encoding="utf-8"), tmp_path, database_target)
    assert canonical(again) == canonical(original)
    # Not vacuous: the samples have ideas, themes and ballots to lose.
    clinic = original["clinics"][0]
    assert clinic["ideas"] and clinic["themes"]


def busy_clinic(engine: Engine) -> int:
    """A clinic with one of everything, including what undo and merges leave behind."""
    clinic = clinics.create_clinic(
        engine,
        "Kaikki mukana [/]",
        goal="Tavoite\n\nToinen kappale",
        facilitator="Fasi",
        note_taker="Kirjuri",
        language="sv",
    )
    group = participants.add_group(engine, clinic.id, "Kokemusasiantuntijat")
    person = participants.add_participant(
        engine, clinic.id, "Aino Aalto", organisation="Järjestö ry", group_id=group.id
    )
    gone = participants.add_participant(engine, clinic.id, "Poistuva")
    a = themes.create_theme(engine, clinic.id, "Ennaltaehkäisy", "Kuvaus")
    b = themes.create_theme(engine, clinic.id, "Digipalvelut")
    c = themes.create_theme(engine, clinic.id, "Poistettava")
    first = ideas.capture_line(engine, clinic.id, "Aino Aalto: Neuvolat tiiviimmin mukaan")
    second = ideas.capture_line(engine, clinic.id, "Poistuva / yritys: Sama idea toisin sanoin")
    third = ideas.capture_idea(engine, clinic.id, "Etävastaanotot iltaisin", theme_id=b.id)
    deleted = ideas.capture_idea(engine, clinic.id, "Tämä poistetaan")
    ideas.merge_ideas(engine, first.id, [second.id])
    ideas.move_ideas(engine, [first.id], a.id)
    ideas.star_idea(engine, third.id)
    ideas.delete_ideas(engine, [deleted.id])
    participants.delete_participant(engine, gone.id)
    themes.delete_theme(engine, c.id)
    tie = voting.create_round(engine, clinic.id, "ranking", title="Kierros")
    voting.open_round(engine, tie.id)
    voting.cast_ballot(engine, tie.id, "Aino Aalto", [a.id, b.id])
    voting.cast_ballot(engine, tie.id, "Ville", [b.id, a.id], group="Kokemus")
    voting.cast_ballot(engine, tie.id, "Sari", [a.id])
    voting.cast_ballot(engine, tie.id, "Sari", [b.id], replace=True)
    voting.cast_ballot(engine, tie.id, "Kalle", [a.id])
    voting.close_round(engine, tie.id)
    runoff = voting.start_runoff(engine, tie.id)
    voting.cast_ballot(engine, runoff.id, "Aino Aalto", [a.id, b.id])
    voting.close_round(engine, runoff.id)
    dots = voting.create_round(
        engine, clinic.id, "dots", dots_per_voter=5, cap_per_theme=3, hide_results=True
    )
    voting.open_round(engine, dots.id)
    voting.cast_ballot(engine, dots.id, "Aino Aalto", {a.id: 3, b.id: 2})
    poll = voting.create_round(engine, clinic.id, "aggregate")
    voting.open_round(engine, poll.id)
    voting.enter_counts(engine, poll.id, {a.id: 12, b.id: 12}, source="Teams", respondents=24)
    voting.close_round(engine, poll.id)
    voting.record_decision(engine, poll.id, b.id, "Digipalvelut ensin")
    notes.add_note(engine, clinic.id, NoteKind.DECISION, "Päätös")
    notes.add_note(engine, clinic.id, NoteKind.NEXT_STEP, "Seuraava askel")
    assert person.id
    return clinic.id


def test_a_clinic_with_everything_survives_the_round_trip(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "source.db")
    clinic_id = busy_clinic(engine)
    text = render_json(export_document(engine, [clinic_id]))
    original = json.loads(text)
    again = round_trip(text, tmp_path)
    assert canonical(again) == canonical(original)
    clinic = original["clinics"][0]
    assert [i["text"] for i in clinic["ideas"]] == [
        "Neuvolat tiiviimmin mukaan",
        "Sama idea toisin sanoin",
        "Etävastaanotot iltaisin",
    ]
    assert clinic["ideas"][1]["merged_into"] == clinic["ideas"][0]["id"]
    assert [t["name"] for t in clinic["themes"]] == ["Ennaltaehkäisy", "Digipalvelut"]
    assert [p["name"] for p in clinic["participants"]] == ["Aino Aalto"]
    assert [len(r["ballots"]) for r in clinic["rounds"]] == [4, 1, 1, 1]
    assert clinic["rounds"][1]["runoff_of"] == clinic["rounds"][0]["id"]
    assert clinic["rounds"][3]["decision"]["note"] == "Digipalvelut ensin"
    assert clinic["activity"], "the activity log is part of the clinic"


def test_the_results_are_the_same_after_the_round_trip(tmp_path: Path) -> None:
    engine = open_database(tmp_path / "source.db")
    clinic_id = busy_clinic(engine)
    text = render_json(export_document(engine, [clinic_id]))
    other = open_database(tmp_path / "other.db")
    [(new_id, _)] = import_document(
        other, parse_document(text.encode()), file_name="x.json"
    ).clinics_added

    def results(db: Engine, cid: int) -> list[tuple[object, ...]]:
        return [
            (r.winner is not None, r.decided_by, r.tie, [(s.name, s.score) for s in r.scores])
            for r in (voting.tally_round(db, rnd.id) for rnd in voting.list_rounds(db, cid))
        ]

    assert results(other, new_id) == results(engine, clinic_id)
    assert [
        r.decided_by
        for r in (voting.tally_round(other, rnd.id) for rnd in voting.list_rounds(other, new_id))
    ] == ["runoff", "votes", None, "decision"]


def test_klinikka_copy_moves_a_clinic_to_another_database_and_back(
    tmp_path: Path, database_target: str, capfd: pytest.CaptureFixture[str]
) -> None:
    """A laptop's file → the team's database (SQLite or PostgreSQL) → another file: the same
    clinic apart from ids; copying it again copies nothing."""
    from klinikka.cli import main

    sample = SAMPLES[-1]
    laptop = tmp_path / "laptop.db"
    engine = open_database(laptop)
    document = parse_document(sample.read_bytes())
    [(first, _)] = import_document(engine, document, file_name=sample.name).clinics_added
    engine.dispose()

    def copy(source: str, clinic_id: int, target: str) -> tuple[int, str, str]:
        capfd.readouterr()
        try:
            main(["--db", source, "--lang", "en", "copy", str(clinic_id), "--to", target])
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        out, err = capfd.readouterr()
        return code, out, err

    code, out, err = copy(str(laptop), first, database_target)
    assert code == 0 and "Copied the clinic" in err
    team_id = int(out.strip())
    back = tmp_path / "back.db"
    code, out, _err = copy(database_target, team_id, str(back))
    assert code == 0
    again = copy(str(laptop), first, database_target)
    assert again[0] == 0 and "already" in again[2] and again[1] == ""

    engine = open_database(back)
    returned = json.loads(render_json(export_document(engine, [int(out.strip())])))
    engine.dispose()
    original = json.loads(sample.read_text(encoding="utf-8"))
    assert canonical(returned)["clinics"] == canonical(original)["clinics"]
