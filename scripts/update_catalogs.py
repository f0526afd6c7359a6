"""Extract every translatable string, update the fi/sv/en catalogs and compile them.

Run after changing user-visible strings: ``python scripts/update_catalogs.py``. New strings
arrive untranslated in fi.po and sv.po (tests/test_i18n.py fails until they are translated);
English msgids are the English text, so en.po is filled in automatically.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from klinikka.entry import help_path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "klinikka"
LOCALE = SOURCE / "locale"
DOMAIN = "klinikka"
KEYWORDS = {
    "_": None,
    # Exports translate into their own language with a local ``t = ….gettext``.
    "t": None,
    "N_": None,
    "M_": None,
    "NP_": (1, 2),
    "ngettext": (1, 2),
    "nt": (1, 2),
}
LANGUAGES = ("fi", "sv", "en")


def extract() -> Catalog:
    """Every message marked in the source, as a template catalog."""
    template = Catalog(project="klinikka", domain=DOMAIN)
    for filename, lineno, message, comments, context in extract_from_dir(
        SOURCE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def translated(message: object) -> bool:
    """Whether a catalog entry has a translation (every plural form) and is not fuzzy."""
    string = getattr(message, "string", "")
    forms = string if isinstance(string, tuple | list) else (string,)
    return all(forms) and not getattr(message, "fuzzy", False)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(template: Catalog, language: str) -> Catalog:
    path = po_path(language)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=DOMAIN)
    else:
        catalog = Catalog(locale=language, domain=DOMAIN, project="klinikka")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False
    # Obsolete entries are dropped so catalogs hold exactly what the code uses.
    catalog.obsolete.clear()
    if language == "en":
        for message in catalog:
            if message.id and not translated(message):
                message.string = message.id
                message.flags.discard("fuzzy")
    return catalog


def main() -> int:
    template = extract()
    LOCALE.mkdir(parents=True, exist_ok=True)
    with (LOCALE / f"{DOMAIN}.pot").open("wb") as handle:
        write_po(handle, template, width=100, omit_header=False, sort_output=True)
    for language in LANGUAGES:
        catalog = update(template, language)
        path = po_path(language)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, include_previous=False)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        missing = [m.id for m in catalog if m.id and not translated(m)]
        print(f"{language}: {len(catalog)} messages, {len(missing)} untranslated")
    for language in LANGUAGES:
        Path(help_path(language)).write_text(render_help(language), encoding="utf-8")
    return 0


def render_help(language: str) -> str:
    """``klinikka --help`` as click renders it at 80 columns, in one language."""
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", "from klinikka.cli import main; main(['--help'])"],
        env={**os.environ, "KLINIKKA_LANG": language, "COLUMNS": "80"},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


if __name__ == "__main__":
    sys.exit(main())
