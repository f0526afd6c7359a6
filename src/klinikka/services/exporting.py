"""The summary as a file: one way to make it, for the command line and the app alike."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from klinikka import i18n
from klinikka.config import SMALLEST_GROUP
from klinikka.errors import ExportError
from klinikka.files import write_all_atomically
from klinikka.i18n import N_
from klinikka.text import strip_controls

# What stands for a name in an anonymised summary.
ANONYMOUS = N_("[name removed]")
FORMATS = ("md", "html", "csv", "json")
# The second file of a CSV export (the first holds the ideas): ``kooste.csv`` and
# ``kooste-results.csv``. A file name, so not translated (like "-anonymised").
RESULTS_SUFFIX = "-results"


@dataclass(frozen=True)
class ExportFile:
    """One file of an export: ``suffix`` is added to the stem of the path asked for."""

    suffix: str
    data: bytes


def render_files(
    engine: Engine,
    clinic_id: int,
    file_format: str,
    *,
    language: str,
    anonymize: bool = False,
    today: date | None = None,
    smallest_group: int = SMALLEST_GROUP,
) -> list[ExportFile]:
    """The clinic's summary in ``file_format`` and ``language``, as the files it makes.

    Anonymised, results by group fold the groups of fewer than ``smallest_group`` ballots
    together ("other groups"), and ballots of such groups keep no group.

    A database edited outside klinikka may hold what the document refuses (a name longer than
    typing allows): that is an ExportError naming the field, never a traceback.
    """
    from pydantic import ValidationError as SchemaError

    if file_format not in FORMATS:
        raise ExportError(N_("Unknown format {format}."), format=file_format)
    try:
        return _render(engine, clinic_id, file_format, language, anonymize, today, smallest_group)
    except SchemaError as error:
        problems = error.errors()
        where = ".".join(str(part) for part in problems[0]["loc"]) if problems else "?"
        value = " ".join(strip_controls(str(problems[0]["input"] if problems else "")).split())
        raise ExportError(
            N_(
                "A summary cannot hold this {field}: “{value}” (too long, or not text). Was "
                "the database changed outside klinikka?"
            ),
            field=where,
            value=value[:40] + ("…" if len(value) > 40 else ""),
        ) from error


def render_export(
    engine: Engine,
    clinic_id: int,
    file_format: str,
    *,
    language: str,
    anonymize: bool = False,
    today: date | None = None,
    smallest_group: int = SMALLEST_GROUP,
) -> bytes:
    """The export as one stream (standard output, the preview): a CSV export's two tables
    follow each other, with one empty line between them."""
    files = render_files(
        engine,
        clinic_id,
        file_format,
        language=language,
        anonymize=anonymize,
        today=today,
        smallest_group=smallest_group,
    )
    if file_format == "csv":
        from klinikka.exports.csv_export import BOM

        return files[0].data + b"\r\n" + files[1].data.removeprefix(BOM)
    return files[0].data


def _render(
    engine: Engine,
    clinic_id: int,
    file_format: str,
    language: str,
    anonymize: bool,
    today: date | None,
    smallest_group: int,
) -> list[ExportFile]:
    from klinikka.services.summary import build_document, build_report

    placeholder = i18n.translations(language).gettext(ANONYMOUS)
    if file_format == "json":
        from klinikka.exports.json_export import render_json

        document = build_document(
            engine,
            clinic_id,
            anonymize=anonymize,
            placeholder=placeholder,
            smallest_group=smallest_group,
        )
        return [ExportFile("", render_json(document).encode("utf-8"))]
    report = build_report(
        engine,
        clinic_id,
        anonymize=anonymize,
        placeholder=placeholder,
        language=language,
        smallest_group=smallest_group,
    )
    if file_format == "csv":
        from klinikka.exports.csv_export import render_csv

        ideas, results = render_csv(report, language)
        return [ExportFile("", ideas), ExportFile(RESULTS_SUFFIX, results)]
    from klinikka.exports.content import build_summary

    # The word cloud of an anonymised summary leaves out the names (inflected too) and the
    # placeholder's own words.
    hidden = (*report.removed_names, *placeholder.split()) if anonymize else ()
    summary = build_summary(
        report.clinic,
        report.results,
        language,
        anonymized=anonymize,
        today=today,
        cloud_exclude=hidden,
        people=report.people,
        smallest_group=smallest_group,
    )
    if file_format == "html":
        from klinikka.exports.html import render_html

        return [ExportFile("", render_html(summary).encode("utf-8"))]
    from klinikka.exports.markdown import render_markdown

    return [ExportFile("", render_markdown(summary).encode("utf-8"))]


def export_paths(path: Path, file_format: str) -> list[Path]:
    """Every file an export to ``path`` writes (a CSV export writes two)."""
    if not path.name or path.name in {".", ".."}:  # "", ".", "/": a folder, not a file
        raise ExportError(N_("{path} is a folder."), path=str(path))
    if file_format == "csv":
        return [path, path.with_name(path.stem + RESULTS_SUFFIX + path.suffix)]
    return [path]


def write_export(
    engine: Engine,
    clinic_id: int,
    file_format: str,
    path: Path,
    *,
    language: str,
    anonymize: bool = False,
    smallest_group: int = SMALLEST_GROUP,
) -> list[Path]:
    """Write the summary to ``path`` (and a CSV's results beside it) atomically: nothing is
    half-written, and no file is written unless every one could be made."""
    files = render_files(
        engine,
        clinic_id,
        file_format,
        language=language,
        anonymize=anonymize,
        smallest_group=smallest_group,
    )
    paths = export_paths(path, file_format)
    write_all_atomically([(target, file.data) for target, file in zip(paths, files, strict=True)])
    return paths


def suggested_name(title: str, day: str, file_format: str) -> str:
    """A file name from the clinic's date and title: ``2026-11-03-verkkoklinikka.md``."""
    words = re.sub(r"[^\w-]+", "-", title.casefold(), flags=re.UNICODE).strip("-_")
    stem = "-".join(part for part in (day, words[:40].rstrip("-")) if part) or "klinikka"
    return f"{stem}.{file_format}"
