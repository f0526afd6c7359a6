"""Dates and times as users type them: their own way (3.11.2026 9.00) and ISO."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from klinikka import i18n
from klinikka.errors import ValidationError
from klinikka.when import format_time, format_when, parse_time, parse_when


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2025-11-03", datetime(2025, 11, 3)),
        ("  2025-11-03  ", datetime(2025, 11, 3)),
        ("2025-11-03 14:30", datetime(2025, 11, 3, 14, 30)),
        ("2025-11-03T09:05", datetime(2025, 11, 3, 9, 5)),
        ("2024-02-29", datetime(2024, 2, 29)),
        ("3.11.2026", datetime(2026, 11, 3)),
        ("3.11.2026 9.00", datetime(2026, 11, 3, 9, 0)),
        ("03.11.2026 09:30", datetime(2026, 11, 3, 9, 30)),
        ("3.11.2026 klo 9.15", datetime(2026, 11, 3, 9, 15)),
        ("3.11.2026 kl. 13.00", datetime(2026, 11, 3, 13, 0)),
        ("3.11.2026, KLO 9", datetime(2026, 11, 3, 9, 0)),
        ("3.11.2026   9.00", datetime(2026, 11, 3, 9, 0)),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_dates_are_read_the_local_way_and_iso(typed: str | None, expected: datetime | None) -> None:
    assert parse_when(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "3.11.",
        "2025-13-01",
        "2025-02-30",
        "2025-02-29",
        "31.2.2026",
        "huomenna",
        "2025-11-03 25:00",
        "3.11.2026 9.75",
        "11/03/2025",
        "3.11.20269.00",
    ],
)
def test_what_is_not_a_date_is_refused_with_both_ways_shown(typed: str) -> None:
    with pytest.raises(ValidationError) as error:
        parse_when(typed)

    message = str(error.value)
    assert typed in message
    assert "3.11.2026 9.00" in message and "2026-11-03 09:00" in message


def test_the_refusal_is_in_the_users_language() -> None:
    i18n.set_language("fi")
    with pytest.raises(ValidationError) as error:
        parse_when("huomenna")
    assert "ei ole päivämäärä" in str(error.value)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("11.00", time(11)), ("11:30", time(11, 30)), ("klo 9", time(9)), ("kl. 9.05", time(9, 5))],
)
def test_a_time_alone_is_read(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


def test_a_date_is_not_a_time_and_an_impossible_time_is_refused() -> None:
    assert parse_time("3.11.2026") is None
    with pytest.raises(ValidationError, match="not a time of day"):
        parse_time("24.00")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_what_is_shown_reads_back_the_same(language: str) -> None:
    moment = datetime(2026, 11, 3, 9, 5)
    shown = format_when(moment, language)
    assert parse_when(shown) == moment
    assert parse_time(format_time(moment, language)) == time(9, 5)


def test_finnish_and_swedish_write_the_day_first_with_dots() -> None:
    moment = datetime(2026, 11, 3, 9, 0)
    assert format_when(moment, "fi") == "3.11.2026 9.00"
    assert format_when(moment, "sv") == "3.11.2026 9.00"
    assert format_when(moment, "en") == "2026-11-03 09:00"


def test_a_day_in_a_list_is_written_the_users_way() -> None:
    from datetime import date

    from klinikka.when import format_day

    assert format_day(date(2026, 11, 3), "fi") == "3.11.2026"
    assert format_day(date(2026, 11, 3), "sv") == "3.11.2026"  # Finland-Swedish, not 2026-11-03
    assert format_day(date(2026, 11, 3), "en") == "2026-11-03"
