"""What a summary is made of, as the services hand it to the exports (no database here)."""

from __future__ import annotations

from dataclasses import dataclass

from klinikka.document import DocClinic
from klinikka.tally import RoundResult


@dataclass(frozen=True)
class ClinicReport:
    """What a summary is made of; exports turn it into a format."""

    clinic: DocClinic
    results: list[RoundResult]
    anonymized: bool = False
    # The names an anonymised report removed (the word cloud leaves them out as words too).
    removed_names: tuple[str, ...] = ()
    # How many people took part, by stakeholder group (None: no group), counted before any
    # names were removed: see ``count_people``.
    people: tuple[tuple[int | None, int], ...] = ()
