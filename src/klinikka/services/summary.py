"""The clinic's summary as a read model: the whole clinic and every round's results."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from klinikka.document import DocClinic, Document
from klinikka.exports.anonymize import anonymize_clinic
from klinikka.services.transfer import export_document
from klinikka.services.voting import round_results
from klinikka.tally import RoundResult, ThemeScore


@dataclass(frozen=True)
class ClinicReport:
    """What a summary is made of; exports turn it into a format."""

    clinic: DocClinic
    results: list[RoundResult]
    anonymized: bool = False


def build_report(
    engine: Engine, clinic_id: int, *, anonymize: bool = False, placeholder: str = "[…]"
) -> ClinicReport:
    """The clinic and its results (by stakeholder group too), without names if ``anonymize``
    (a name written in a text becomes ``placeholder``)."""
    clinic = export_document(engine, [clinic_id]).clinics[0]
    results = round_results(engine, [r.id for r in clinic.rounds], by_group=True)
    if anonymize:
        clinic = anonymize_clinic(clinic, placeholder=placeholder)
        results = [_renamed(result, clinic) for result in results]
    return ClinicReport(clinic=clinic, results=results, anonymized=anonymize)


def build_document(
    engine: Engine, clinic_id: int, *, anonymize: bool = False, placeholder: str = "[…]"
) -> Document:
    """The clinic as a klinikka document, without names if ``anonymize``."""
    document = export_document(engine, [clinic_id])
    if anonymize:
        clinics = [anonymize_clinic(part, placeholder=placeholder) for part in document.clinics]
        document = document.model_copy(update={"clinics": clinics})
    return document


def _renamed(result: RoundResult, clinic: DocClinic) -> RoundResult:
    """``result`` with the names and the decision note as the anonymised ``clinic`` has them
    (a theme, a group or a note may name a person)."""
    from dataclasses import replace

    themes = {theme.id: theme.name for theme in clinic.themes}
    groups = {group.id: group.name for group in clinic.groups}
    voting_round = next(r for r in clinic.rounds if r.id == result.round_id)

    def scores(rows: list[ThemeScore]) -> list[ThemeScore]:
        return [replace(row, name=themes.get(row.theme_id, row.name)) for row in rows]

    return replace(
        result,
        scores=scores(result.scores),
        decision_note=voting_round.decision.note if voting_round.decision else "",
        by_group=[
            replace(
                group,
                group_name=groups.get(group.group_id) if group.group_id else group.group_name,
                scores=scores(group.scores),
            )
            for group in result.by_group
        ],
    )
