"""The command line (PRODUCT.md's contract). Heavy modules are imported inside the commands.

Exit codes: 0 success, 1 a user error (one line on stderr, no traceback), 2 wrong usage.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from klinikka import __version__, i18n
from klinikka.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine

# The formats this version reads and writes (PRODUCT.md lists the ones still to come).
IMPORT_FORMATS = ("auto", "json", "padlet", "zoom", "teams", "text", "csv")  # importers.base
EXPORT_FORMATS = ("md", "html", "csv", "json")  # services.exporting.FORMATS (not imported)
# Ids are SQLite integers: anything outside is a usage error, not a crash.
ID = click.IntRange(1, 2**63 - 1)


def say(message: object = "", *, err: bool = False) -> None:
    """Print a line: no text from a user or a file can send an escape sequence to the terminal."""
    from klinikka.text import strip_controls

    click.echo(strip_controls(str(message), keep_tabs=True), err=err)


def fail(message: str) -> NoReturn:
    """Report a user error in one line and exit with 1."""
    say(f"klinikka: {' '.join(message.split())}", err=True)
    sys.exit(1)


def _open(ctx: click.Context, *, create: bool = True) -> Engine:
    """The database; commands that only read pass ``create=False`` (no file for a typo)."""
    from klinikka.db import open_database
    from klinikka.paths import database_target

    return open_database(database_target(ctx.obj.get("db")), create=create)


def _language_from_argv(argv: list[str]) -> str | None:
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _print_result(result: Any, clinic_title: str) -> None:
    from babel.numbers import format_percent

    from klinikka.tally import METHOD_NAMES

    language = i18n.current_language()
    say(
        _("{title}: round {number} ({method}), ballots: {ballots}").format(
            title=clinic_title,
            number=result.number,
            method=_(METHOD_NAMES[result.method]),
            ballots=result.ballot_count,
        )
    )
    width = max((len(score.name) for score in result.scores), default=0)
    for score in result.scores:
        share = format_percent(score.share, format="#,##0.0 %", locale=i18n.babel_locale(language))
        say(f"{score.rank:>3}. {score.name:<{width}}  {score.score:>6}  {share:>7}")
    if result.tie:
        names = {score.theme_id: score.name for score in result.scores}
        say(
            _("Tie between: {themes}.").format(
                themes=", ".join(names[theme] for theme in result.leaders)
            )
        )
    if not result.closed:
        say(_("The round is still open; the results are not final."))
    elif result.winner is not None:
        names = {score.theme_id: score.name for score in result.scores}
        say(_("Winner: {theme}").format(theme=names[result.winner]))
    elif result.tie:
        say(_("The tie has not been resolved yet."))
    if result.by_group and any(group.group_id is not None for group in result.by_group):
        say(_("By stakeholder group:"))
        for group in result.by_group:
            scores = ", ".join(f"{s.name} {s.score}" for s in group.scores if s.score)
            name = group.group_name or _("No group")
            say(f"  {name} ({group.ballot_count}): {scores}")


def _run_app(database: str, title: str = "klinikka", imports: tuple[str, ...] = ()) -> None:
    """Run the terminal app until it quits; its exit code becomes ours."""
    from klinikka.tui.app import Settings, make_app

    settings = Settings(
        database=database, language=i18n.current_language(), title=title, imports=imports
    )
    app = make_app(settings)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)


def _export_language(ctx: click.Context, engine: Engine, clinic_id: int) -> str:
    """A summary is in the language asked for, else in the clinic's own language."""
    if ctx.obj.get("lang") or os.environ.get("KLINIKKA_LANG"):
        return i18n.current_language()
    from klinikka.services.clinics import get_clinic_summary

    return get_clinic_summary(engine, clinic_id).language


def _import_ideas(
    ctx: click.Context,
    file: Path,
    data: bytes,
    clinic_id: int | None,
    file_format: str,
    columns: Any,
    include_private: bool,
    dry_run: bool,
) -> None:
    """Ideas from Padlet, Zoom, Teams, a text or a CSV list into a clinic, previewed."""
    from klinikka.importers.base import excerpt
    from klinikka.importers.detect import parse_file
    from klinikka.services.importing import import_ideas

    parsed = parse_file(
        data, file.name, file_format, columns=columns, include_private=include_private
    )
    if clinic_id is None:
        fail(_("Ideas from a file like this go into a clinic: give it with --clinic ID."))
    plan = import_ideas(
        _open(ctx, create=False), clinic_id, parsed, file_name=file.name, raw=data, dry_run=dry_run
    )
    count = len(plan.new)
    if dry_run:
        message = i18n.ngettext(
            "Dry run: {count} idea would be added from {file}; nothing was changed.",
            "Dry run: {count} ideas would be added from {file}; nothing was changed.",
            count,
        )
    else:
        message = i18n.ngettext(
            "{count} idea added from {file}.", "{count} ideas added from {file}.", count
        )
    say(message.format(count=count, file=file.name))
    for line in plan.preview_lines(_):
        say(line)
    if plan.first:
        say(_("The first ideas:") if dry_run else _("The first ideas added:"))
        for item in plan.first:
            who = f" — {excerpt(item.author)}" if item.author else ""
            say("  • " + excerpt(item.text, 100) + who)


def build_cli() -> click.Group:
    """The click command group, with help texts in the current language."""

    @click.group(
        invoke_without_command=True,
        help=_(
            "Run a live online clinic: capture ideas, group them into themes, vote, "
            "and export the summary."
        ),
        context_settings={"help_option_names": ["--help", "-h"]},
    )
    @click.option(
        "--db",
        metavar=_("PATH"),
        help=_("The database: a file or a PostgreSQL URL (or KLINIKKA_DB)."),
    )
    @click.option(
        "--lang",
        type=click.Choice(i18n.LANGUAGES),
        help=_("The language: fi, sv or en (or KLINIKKA_LANG; otherwise the locale)."),
    )
    @click.version_option(
        __version__,
        "--version",
        prog_name="klinikka",
        message="%(prog)s %(version)s",
        help=_("Show the version and exit."),
    )
    @click.pass_context
    def cli(ctx: click.Context, db: str | None, lang: str | None) -> None:
        ctx.ensure_object(dict)
        ctx.obj["db"] = db
        ctx.obj["lang"] = lang
        if ctx.invoked_subcommand is None:
            from klinikka.paths import database_target

            _run_app(database_target(db))

    @cli.command("demo", help=_("Open the app on a fresh temporary copy of the sample clinics."))
    def demo_command() -> None:
        import tempfile

        from klinikka.paths import sample_data_dir

        samples = tuple(str(sample) for sample in sorted(sample_data_dir().glob("*.json")))
        with tempfile.TemporaryDirectory(prefix="klinikka-demo-") as folder:
            # The app imports the samples itself, after its first frame.
            database = str(Path(folder) / "demo.db")
            _run_app(database, title=_("klinikka — demo (a temporary copy)"), imports=samples)

    @cli.command("list", help=_("List the clinics, one a line."))
    @click.option("--json", "as_json", is_flag=True, help=_("Print JSON instead."))
    @click.option("--all", "include_archived", is_flag=True, help=_("Include archived clinics."))
    @click.pass_context
    def list_command(ctx: click.Context, as_json: bool, include_archived: bool) -> None:
        from klinikka.errors import MissingDatabaseError
        from klinikka.services.clinics import list_clinics

        try:
            clinics = list_clinics(_open(ctx, create=False), include_archived=include_archived)
        except MissingDatabaseError:
            clinics = []
        if as_json:
            import json

            say(
                json.dumps(
                    [clinic.model_dump(mode="json") for clinic in clinics],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        if not clinics:
            say(_("No clinics yet: create one with “klinikka new TITLE”."), err=True)
            return
        for clinic in clinics:
            date = clinic.starts_at.date().isoformat() if clinic.starts_at else "-" * 10
            status = _("archived") if clinic.status == "archived" else ""
            counts = _("ideas: {ideas}, themes: {themes}, rounds: {rounds}").format(
                ideas=clinic.idea_count, themes=clinic.theme_count, rounds=clinic.round_count
            )
            line = f"{clinic.id}\t{date}\t{clinic.title}\t{counts}"
            say(f"{line}\t{status}" if status else line)

    @cli.command("new", help=_("Create a clinic and print its id."))
    @click.argument("title", metavar=_("TITLE"))
    @click.option(
        "--date",
        metavar="DATE",
        help=_("The day of the clinic, and its start if you like: 3.11.2026 9.00 or ISO."),
    )
    @click.pass_context
    def new_command(ctx: click.Context, title: str, date: str | None) -> None:
        from klinikka.services.clinics import create_clinic
        from klinikka.when import parse_when

        starts_at = parse_when(date)
        engine = _open(ctx)
        clinic = create_clinic(engine, title, starts_at=starts_at, language=i18n.current_language())
        say(clinic.id)

    @cli.command("import", help=_("Import ideas or whole clinics from a file."))
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option(
        "--clinic",
        "clinic_id",
        type=ID,
        metavar="ID",
        help=_("Add the ideas to this clinic instead of importing whole clinics."),
    )
    @click.option(
        "--format",
        "file_format",
        type=click.Choice(IMPORT_FORMATS),
        default="auto",
        show_default=True,
        help=_("The file's format."),
    )
    @click.option("--dry-run", is_flag=True, help=_("Show what would be imported; change nothing."))
    @click.option(
        "--text-column",
        metavar=_("NAME"),
        help=_("A CSV list: the column with the ideas (--format csv)."),
    )
    @click.option("--author-column", metavar=_("NAME"), help=_("A CSV list: the authors' column."))
    @click.option(
        "--group-column", metavar=_("NAME"), help=_("A CSV list: the stakeholder groups' column.")
    )
    @click.option(
        "--include-private",
        is_flag=True,
        help=_("A Zoom chat: import private messages too (left out by default)."),
    )
    @click.pass_context
    def import_command(
        ctx: click.Context,
        file: Path,
        clinic_id: int | None,
        file_format: str,
        dry_run: bool,
        text_column: str | None,
        author_column: str | None,
        group_column: str | None,
        include_private: bool,
    ) -> None:
        from klinikka.importers.klinikka_json import MAX_FILE_BYTES, parse_document
        from klinikka.services.transfer import import_document

        try:
            size = file.stat().st_size
            if size > MAX_FILE_BYTES:
                fail(
                    _("The file is too large: at most {limit} MB.").format(
                        limit=MAX_FILE_BYTES // 1024 // 1024
                    )
                )
            data = file.read_bytes()
        except FileNotFoundError:
            fail(_("There is no file {path}.").format(path=file))
        except OSError as error:
            fail(_("Cannot read {path}: {reason}").format(path=file, reason=error.strerror or ""))
        if file_format == "auto" and not (text_column and file.suffix.lower() != ".json"):
            from klinikka.importers.detect import detect

            # A *.json file goes to the JSON reader even if broken, which says where.
            file_format = "json" if file.suffix.lower() == ".json" else detect(data, file.name)
        if file_format != "json":
            from klinikka.importers.base import CsvColumns

            columns = None
            if text_column:
                columns = CsvColumns(text_column, author_column or "", group_column or "")
            elif file_format == "csv":
                fail(_("A CSV list needs --text-column: the name of the column with the ideas."))
            _import_ideas(
                ctx, file, data, clinic_id, file_format, columns, include_private, dry_run
            )
            return
        document = parse_document(data)
        report = import_document(
            _open(ctx),
            document,
            file_name=file.name,
            raw=data,
            clinic_id=clinic_id,
            dry_run=dry_run,
        )
        for new_id, title in report.clinics_added:
            if dry_run:
                say(
                    _("Dry run: “{title}” would be imported; nothing was changed.").format(
                        title=title
                    )
                )
            else:
                say(_("Imported “{title}” as clinic {id}.").format(title=title, id=new_id))
        for old_id, title in report.clinics_skipped:
            say(
                _("Skipped “{title}”: it is already in the database (id {id}).").format(
                    title=title, id=old_id
                )
            )
        if clinic_id is not None:
            if dry_run:
                message = i18n.ngettext(
                    "Dry run: {count} idea would be added, {skipped} are already there.",
                    "Dry run: {count} ideas would be added, {skipped} are already there.",
                    report.ideas_added,
                )
            else:
                message = i18n.ngettext(
                    "{count} idea added, {skipped} already there.",
                    "{count} ideas added, {skipped} already there.",
                    report.ideas_added,
                )
            say(message.format(count=report.ideas_added, skipped=report.ideas_skipped))

    @cli.command("export", help=_("Export a clinic's summary or its full data."))
    @click.argument("clinic_id", type=ID, metavar="ID")
    @click.option(
        "--format",
        "file_format",
        type=click.Choice(EXPORT_FORMATS),
        default="md",
        show_default=True,
        help=_("The format."),
    )
    @click.option(
        "-o",
        "output",
        metavar=_("PATH|-"),
        default="-",
        show_default=True,
        help=_("Where to write; - is standard output."),
    )
    @click.option("--anonymize", is_flag=True, help=_("Leave out every name and organisation."))
    @click.option(
        "--smallest-group",
        type=click.IntRange(1, 1000),
        metavar="N",
        help=_(
            "With --anonymize: results by group show groups of at least N ballots, smaller "
            "ones together as other groups (default 3, or settings.toml)."
        ),
    )
    @click.pass_context
    def export_command(
        ctx: click.Context,
        clinic_id: int,
        file_format: str,
        output: str,
        anonymize: bool,
        smallest_group: int | None,
    ) -> None:
        engine = _open(ctx, create=False)
        from klinikka.services.exporting import render_export, write_export

        language = _export_language(ctx, engine, clinic_id)
        if smallest_group is None:
            from klinikka.config import read_settings

            settings, problem = read_settings()
            if problem and anonymize:
                say(problem, err=True)
            smallest_group = settings.smallest_group
        if output == "-":
            data = render_export(
                engine,
                clinic_id,
                file_format,
                language=language,
                anonymize=anonymize,
                smallest_group=smallest_group,
            )
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        written = write_export(
            engine,
            clinic_id,
            file_format,
            Path(output),
            language=language,
            anonymize=anonymize,
            smallest_group=smallest_group,
        )
        for path in written:
            say(_("Wrote {path}.").format(path=path), err=True)

    @cli.command(
        "copy",
        help=_(
            "Copy a clinic whole into another database: from a laptop's file to the team's "
            "PostgreSQL, or back."
        ),
    )
    @click.argument("clinic_id", type=ID, metavar="ID")
    @click.option(
        "--to", "target", required=True, metavar=_("PATH|URL"), help=_("The database to copy into.")
    )
    @click.pass_context
    def copy_command(ctx: click.Context, clinic_id: int, target: str) -> None:
        from klinikka.db import open_database, shown_target
        from klinikka.paths import database_target
        from klinikka.services.transfer import export_document, import_document

        source = _open(ctx, create=False)
        document = export_document(source, [clinic_id])
        destination = open_database(target)
        where = shown_target(target)
        origin = shown_target(database_target(ctx.obj.get("db")))
        report = import_document(destination, document, file_name=origin)
        title = document.clinics[0].title
        if report.clinics_skipped:
            [(there, _title)] = report.clinics_skipped
            message = _("The clinic “{title}” is in {target} already (id {id}): nothing copied.")
            say(message.format(title=title, target=where, id=there), err=True)
            return
        [(made, _title)] = report.clinics_added
        message = _("Copied the clinic “{title}” into {target}, where its id is {id}.")
        say(message.format(title=title, target=where, id=made), err=True)
        say(made)

    @cli.command("tally", help=_("Show the results of a voting round (the latest by default)."))
    @click.argument("clinic_id", type=ID, metavar="ID")
    @click.option("--round", "number", type=ID, metavar="N", help=_("The round's number."))
    @click.option("--json", "as_json", is_flag=True, help=_("Print JSON instead."))
    @click.pass_context
    def tally_command(
        ctx: click.Context, clinic_id: int, number: int | None, as_json: bool
    ) -> None:
        from klinikka.services.clinics import get_clinic_summary
        from klinikka.services.voting import find_round, tally_round

        engine = _open(ctx, create=False)
        clinic = get_clinic_summary(engine, clinic_id)
        voting_round = find_round(engine, clinic_id, number)
        result = tally_round(engine, voting_round.id, by_group=True)
        if result.hidden:
            fail(
                _("The results of round {number} are hidden until it is closed.").format(
                    number=result.number
                )
            )
        if as_json:
            import dataclasses
            import json

            say(json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2))
            return
        _print_result(result, clinic.title)

    return cli


def main(argv: list[str] | None = None) -> None:
    """The console script: run the command line and turn errors into exit codes."""
    args = sys.argv[1:] if argv is None else argv
    i18n.set_language(i18n.resolve_language(_language_from_argv(args)))
    from klinikka.click_messages import use_our_catalogs

    use_our_catalogs()
    cli = build_cli()
    from klinikka.errors import KlinikkaError

    try:
        cli.main(args=args, prog_name="klinikka", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        say(_("Aborted."), err=True)
        sys.exit(1)
    except KlinikkaError as error:
        fail(str(error))
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (klinikka export 1 | head): not an error of ours.
        os._exit(0)
    except Exception as error:  # the contract: one line, no traceback (KLINIKKA_DEBUG shows it)
        if os.environ.get("KLINIKKA_DEBUG"):
            raise
        _report_unexpected(error)


def _report_unexpected(error: Exception) -> NoReturn:
    from sqlalchemy.exc import OperationalError

    if isinstance(error, OperationalError):
        reason = str(error.orig)
        if "locked" in reason:
            fail(_("The database is busy in another klinikka; try again in a moment."))
        if "readonly" in reason or "read-only" in reason:
            fail(_("The database cannot be written to (it is read-only)."))
    # One line, without the SQL and parameters SQLAlchemy appends to its messages.
    first_line = (str(error).splitlines() or [""])[0]
    fail(_("Unexpected error: {error}").format(error=f"{type(error).__name__}: {first_line}"))
