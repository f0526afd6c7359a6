"""The summary as a file: one way to make it, for the command line and the app alike."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine

from klinikka.errors import ExportError
from klinikka.files import write_atomically
from klinikka.i18n import N_
from klinikka.text import strip_controls

# What can be exported so far (HTML and CSV come with issue 5).
FORMATS = ("md", "json")


def render_export(
    engine: Engine, clinic_id: int, file_format: str, *, language: str, anonymize: bool = False
) -> str:
    """The clinic's summary in ``file_format`` (md or json), in ``language``.

    A database edited outside klinikka may hold what the document refuses (a name longer than
    typing allows): that is an ExportError naming the field, never a traceback.
    """
    from pydantic import ValidationError as SchemaError

    try:
        return _render(engine, clinic_id, file_format, language=language, anonymize=anonymize)
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


def _render(
    engine: Engine, clinic_id: int, file_format: str, *, language: str, anonymize: bool
) -> str:
    if file_format == "json":
        from klinikka.exports.json_export import render_json
        from klinikka.services.summary import build_document

        return render_json(build_document(engine, clinic_id, anonymize=anonymize))
    from klinikka.exports.markdown import render_markdown
    from klinikka.services.summary import build_report

    report = build_report(engine, clinic_id, anonymize=anonymize)
    return render_markdown(report.clinic, report.results, language, anonymized=anonymize)


def write_export(
    engine: Engine,
    clinic_id: int,
    file_format: str,
    path: Path,
    *,
    language: str,
    anonymize: bool = False,
) -> Path:
    """Write the summary to ``path`` atomically (nothing half-written); ExportError if not."""
    text = render_export(engine, clinic_id, file_format, language=language, anonymize=anonymize)
    write_atomically(path, text.encode("utf-8"))
    return path


def suggested_name(title: str, day: str, file_format: str) -> str:
    """A file name from the clinic's date and title: ``2026-11-03-verkkoklinikka.md``."""
    words = re.sub(r"[^\w-]+", "-", title.casefold(), flags=re.UNICODE).strip("-_")
    stem = "-".join(part for part in (day, words[:40].rstrip("-")) if part) or "klinikka"
    return f"{stem}.{file_format}"
