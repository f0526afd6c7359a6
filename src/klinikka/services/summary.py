"""The clinic's summary as a read model: the whole clinic and every round's results."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from klinikka.document import DocClinic, Document
from klinikka.exports.anonymize import anonymize_clinic
from klinikka.services.transfer import export_document
from klinikka.services.voting import round_results
from klinikka.tally import RoundResult


@dataclass(frozen=True)
class ClinicReport:
    """What a summary is made of; exports turn it into a format."""

    clinic: DocClinic
    results: list[RoundResult]
    anonymized: bool = False


def build_report(engine: Engine, clinic_id: int, *, anonymize: bool = False) -> ClinicReport:
    """The clinic and its results (by stakeholder group too), without names if ``anonymize``."""
    clinic = export_document(engine, [clinic_id]).clinics[0]
    results = round_results(engine, [r.id for r in clinic.rounds], by_group=True)
    if anonymize:
        clinic = anonymize_clinic(clinic)
    return ClinicReport(clinic=clinic, results=results, anonymized=anonymize)


def build_document(engine: Engine, clinic_id: int, *, anonymize: bool = False) -> Document:
    """The clinic as a klinikka document, without names if ``anonymize``."""
    document = export_document(engine, [clinic_id])
    if anonymize:
        document = document.model_copy(
            update={"clinics": [anonymize_clinic(part) for part in document.clinics]}
        )
    return document
