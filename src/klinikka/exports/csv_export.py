"""CSV: the ideas and the results as two files that a Finnish Excel opens as they are.

What Finnish (and Swedish) Excel expects, in every export language (docs/exports.md):
- UTF-8 with a byte order mark, or Excel reads ä and ö as two characters each;
- a semicolon between fields (the comma is the decimal separator there), CRLF line ends,
  fields quoted when they hold a semicolon, a quote or a line break;
- decimals with a comma (``40,0``), so that Excel reads a number and not a date;
- times as ``d.M.yyyy H:mm`` in Finnish and ``yyyy-MM-dd HH:mm`` otherwise, in local time.

A cell that starts with ``= + - @``, a tab or a carriage return would be run as a formula by
a spreadsheet (formula injection): such a cell starts with an apostrophe, which Excel shows
as text and does not display.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime

from klinikka import i18n
from klinikka.document import DocClinic, DocIdea
from klinikka.exports.report import ClinicReport
from klinikka.tally import METHOD_NAMES, RoundResult, ThemeScore
from klinikka.text import strip_controls

BOM = "\ufeff".encode()
DELIMITER = ";"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: str) -> str:
    """User text as a safe cell: no control characters, never a formula."""
    text = strip_controls(value, keep_newlines=True)
    # Spaces and line breaks before the sign do not stop a spreadsheet from reading a formula.
    risky = text.lstrip().startswith(_FORMULA_STARTS) or value.startswith(("\t", "\r"))
    return "'" + text if risky else text


def decimal(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def timestamp(moment: datetime | None, language: str) -> str:
    """A time as the language's spreadsheet reads it, in local time: Finnish and
    Finland-Swedish Excel read 3.11.2026 9:13, others ISO."""
    if moment is None:
        return ""
    local = moment.astimezone() if moment.tzinfo is not None else moment
    if language in {"fi", "sv"}:
        return f"{local.day}.{local.month}.{local.year} {local.hour}:{local.minute:02d}"
    return local.strftime("%Y-%m-%d %H:%M")


def _table(header: list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return BOM + out.getvalue().encode("utf-8")


def render_csv(report: ClinicReport, language: str) -> tuple[bytes, bytes]:
    """(the ideas file, the results file) of ``report`` in ``language``."""
    t: Callable[[str], str] = i18n.translations(language).gettext
    return _ideas(report.clinic, report.anonymized, t, language), _results(report, t)


def _ideas(clinic: DocClinic, anonymized: bool, t: Callable[[str], str], language: str) -> bytes:
    themes = {theme.id: theme.name for theme in clinic.themes}
    order = {theme.id: n for n, theme in enumerate(clinic.themes)}
    groups = {group.id: group.name for group in clinic.groups}
    header = [t("Number"), t("Theme"), t("Idea")]
    if not anonymized:
        header.append(t("Author"))
    header += [t("Stakeholder group"), t("Starred"), t("Merged into"), t("Source"), t("Time")]

    def source(idea: DocIdea) -> str:
        if idea.provenance.kind.value == "live":
            return t("typed live")
        origin = idea.provenance.file if not anonymized else None
        return origin or idea.provenance.format or t("imported")

    # The summary's order: by theme, the unassigned last, each theme's ideas as captured; an
    # idea merged into another follows it.
    top = [idea for idea in clinic.ideas if idea.merged_into is None]
    top.sort(key=lambda idea: order.get(idea.theme, len(order)) if idea.theme else len(order))
    merged: dict[int, list[DocIdea]] = {}
    for idea in clinic.ideas:
        if idea.merged_into is not None:
            merged.setdefault(idea.merged_into, []).append(idea)
    rows = []
    for idea in top:
        for one in (idea, *merged.get(idea.id, [])):
            row = [
                str(one.id),
                cell(themes.get(idea.theme, "") if idea.theme else ""),
                cell(one.text),
            ]
            if not anonymized:
                row.append(cell(one.author))
            row += [
                cell(groups.get(one.group, "") if one.group else ""),
                t("yes") if one.starred else "",
                str(one.merged_into) if one.merged_into else "",
                cell(source(one)),
                timestamp(one.provenance.original_time or one.created_at, language),
            ]
            rows.append(row)
    return _table(header, rows)


def _results(report: ClinicReport, t: Callable[[str], str]) -> bytes:
    header = [
        t("Round"),
        t("Round title"),
        t("Method"),
        t("Status"),
        t("Stakeholder group"),
        t("Rank"),
        t("Theme"),
        t("Score"),
        t("Share (%)"),
        t("Ballots"),
        t("Winner"),
    ]
    rounds = {voting_round.id: voting_round for voting_round in report.clinic.rounds}
    themes = {theme.id: theme.name for theme in report.clinic.themes}
    rows: list[list[str]] = []

    def status(result: RoundResult) -> str:
        if result.hidden:
            return t("hidden until the round is closed")
        return t("final") if result.closed else t("not final: the round is open")

    def add(result: RoundResult, group: str | None, ballots: int, scores: list[ThemeScore]) -> None:
        """One row a theme: the round's own results (``group`` None), or a group's."""
        for score in scores:
            rows.append(
                [
                    str(result.number),
                    cell(rounds[result.round_id].title if result.round_id in rounds else ""),
                    t(METHOD_NAMES[result.method]),
                    status(result),
                    t("All") if group is None else cell(group),
                    str(score.rank),
                    cell(score.name),
                    str(score.score),
                    decimal(score.share * 100),
                    str(ballots),
                    t("yes") if group is None and score.theme_id == result.winner else "",
                ]
            )

    for result in report.results:
        if result.hidden:
            # The round and its themes are listed, with no figures: they are hidden.
            on_ballot = rounds[result.round_id].themes if result.round_id in rounds else []
            for theme_id in on_ballot:
                rows.append(
                    [
                        str(result.number),
                        cell(rounds[result.round_id].title),
                        t(METHOD_NAMES[result.method]),
                        status(result),
                        t("All"),
                        "",
                        cell(themes.get(theme_id, "")),
                        "",
                        "",
                        str(result.ballot_count),
                        "",
                    ]
                )
            continue
        add(result, None, result.ballot_count, result.scores)
        for group in result.by_group:
            add(result, group.group_name or t("No group"), group.ballot_count, group.scores)
    return _table(header, rows)
