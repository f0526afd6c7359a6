"""The clinic's summary as a read model: the whole clinic and every round's results."""

from __future__ import annotations

from sqlalchemy import Engine

from klinikka.config import SMALLEST_GROUP
from klinikka.document import DocClinic, Document
from klinikka.exports.anonymize import anonymize_clinic, names_in
from klinikka.exports.content import count_people
from klinikka.exports.report import ClinicReport
from klinikka.i18n import N_
from klinikka.services.transfer import export_document
from klinikka.services.voting import round_results
from klinikka.tally import RoundResult, ThemeScore, fold_small_groups

# What results by group call the small groups folded together (survey practice).
OTHER_GROUPS = N_("Other groups")


def build_report(
    engine: Engine,
    clinic_id: int,
    *,
    anonymize: bool = False,
    placeholder: str = "[…]",
    language: str | None = None,
    smallest_group: int = SMALLEST_GROUP,
) -> ClinicReport:
    """The clinic and its results (by stakeholder group too), without names if ``anonymize``
    (a name written in a text becomes ``placeholder``, and results by group fold the groups
    of fewer than ``smallest_group`` ballots together); the default stakeholder groups that
    still have their default names are named in ``language``."""
    from klinikka import i18n

    clinic = export_document(engine, [clinic_id]).clinics[0]
    if language is not None and language != clinic.language:
        clinic = _groups_in(clinic, language)
    results = round_results(engine, [r.id for r in clinic.rounds], by_group=True)
    people = count_people(clinic)
    if not anonymize:
        return ClinicReport(clinic, [_renamed(r, clinic, None) for r in results], people=people)
    persons, organisations = names_no_longer_held(engine, clinic_id)
    removed = (*names_in(clinic), *persons, *organisations)
    clinic = anonymize_clinic(
        clinic,
        placeholder=placeholder,
        more_persons=persons,
        more_organisations=organisations,
        smallest_group=smallest_group,
    )
    other = i18n.translations(language or clinic.language).gettext(OTHER_GROUPS)
    order = {voting_round.id: voting_round.themes for voting_round in clinic.rounds}
    results = [
        fold_groups(_renamed(result, clinic, placeholder), smallest_group, order, other)
        for result in results
    ]
    return ClinicReport(clinic, results, anonymized=True, removed_names=removed, people=people)


def fold_groups(
    result: RoundResult, smallest: int, order: dict[int, list[int]], other: str
) -> RoundResult:
    """``result`` with its small groups folded together (``tally.fold_small_groups``)."""
    from dataclasses import replace

    theme_order = order.get(result.round_id) or [score.theme_id for score in result.scores]
    folded = fold_small_groups(result.by_group, smallest, theme_order, other)
    return replace(result, by_group=folded)


def names_no_longer_held(engine: Engine, clinic_id: int) -> tuple[list[str], list[str]]:
    """(persons, organisations) named by the clinic's deleted rows — a deleted participant, the
    author of a deleted idea, the voter of a replaced ballot — which its texts may still name."""
    from sqlalchemy import text

    persons = (
        "SELECT name FROM participant WHERE clinic_id = :c AND deleted_at IS NOT NULL"
        " UNION SELECT author FROM idea WHERE clinic_id = :c AND deleted_at IS NOT NULL"
        " UNION SELECT original_author FROM idea WHERE clinic_id = :c AND deleted_at IS NOT NULL"
        " UNION SELECT b.voter FROM ballot AS b JOIN voting_round AS r ON r.id = b.round_id"
        " WHERE r.clinic_id = :c AND b.deleted_at IS NOT NULL AND b.respondents IS NULL"
        " AND r.method != 'aggregate'"
    )
    organisations = (
        "SELECT organisation FROM participant WHERE clinic_id = :c AND deleted_at IS NOT NULL"
    )
    with engine.connect() as connection:
        found = [
            [row[0] for row in connection.execute(text(query), {"c": clinic_id}) if row[0]]
            for query in (persons, organisations)
        ]
    return found[0], found[1]


def build_document(
    engine: Engine,
    clinic_id: int,
    *,
    anonymize: bool = False,
    placeholder: str = "[…]",
    smallest_group: int = SMALLEST_GROUP,
) -> Document:
    """The clinic as a klinikka document, without names if ``anonymize`` (and then a ballot
    of a group with fewer than ``smallest_group`` ballots in its round keeps no group)."""
    document = export_document(engine, [clinic_id])
    if anonymize:
        persons, organisations = names_no_longer_held(engine, clinic_id)
        clinics = [
            anonymize_clinic(
                part,
                placeholder=placeholder,
                more_persons=persons,
                more_organisations=organisations,
                smallest_group=smallest_group,
            )
            for part in document.clinics
        ]
        document = document.model_copy(update={"clinics": clinics})
    return document


def _groups_in(clinic: DocClinic, language: str) -> DocClinic:
    """``clinic`` with its default groups named in ``language`` — those still called by their
    default name in the clinic's language (a group the users renamed keeps its name)."""
    from klinikka import i18n
    from klinikka.services.clinics import DEFAULT_GROUPS

    english = dict(DEFAULT_GROUPS)
    groups = []
    for group in clinic.groups:
        default = english.get(group.code or "")
        if default is not None and group.name == i18n.gettext_for(clinic.language, default):
            group = group.model_copy(update={"name": i18n.gettext_for(language, default)})
        groups.append(group)
    return clinic.model_copy(update={"groups": groups})


def _renamed(result: RoundResult, clinic: DocClinic, placeholder: str | None) -> RoundResult:
    """``result`` with the names and the decision note as ``clinic`` has them: anonymised (a
    theme, a group or a note may name a person: ``placeholder`` is given), or with its groups
    named in the export's language."""
    from dataclasses import replace

    themes = {theme.id: theme.name for theme in clinic.themes}
    groups = {group.id: group.name for group in clinic.groups}
    voting_round = next(r for r in clinic.rounds if r.id == result.round_id)

    def scores(rows: list[ThemeScore]) -> list[ThemeScore]:
        # A theme the clinic no longer lists (deleted, still on a ballot): anonymised, not
        # its old name.
        return [
            replace(row, name=themes.get(row.theme_id, placeholder or row.name)) for row in rows
        ]

    return replace(
        result,
        scores=scores(result.scores),
        decision_note=(voting_round.decision.note if voting_round.decision else "")
        if placeholder is not None
        else result.decision_note,
        by_group=[
            replace(
                group,
                group_name=groups.get(group.group_id) if group.group_id else group.group_name,
                scores=scores(group.scores),
            )
            for group in result.by_group
        ],
    )
