"""Translations: gettext catalogs for fi, sv and en, and the choice of language.

The language comes from ``--lang`` > ``KLINIKKA_LANG`` > the locale > English.
Messages are English msgids; ``N_`` marks a string for extraction without translating it,
so it can be translated later (errors are translated when shown, in the language then in force).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import gettext as _gettext

LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "en"
# The locale Babel writes dates, times and numbers in: Finland's Finnish and Finland-Swedish
# (3.11.2026, kl. 9.00), not Sweden's Swedish (2026-11-03, 09:00).
BABEL_LOCALES = {"fi": "fi_FI", "sv": "sv_FI", "en": "en"}
DOMAIN = "klinikka"
# A plain string, not a Path: this module is on the path of `klinikka --help`, where every
# import is start-up time (pathlib and gettext are imported only when first needed).
LOCALE_DIR = os.path.join(os.path.dirname(__file__), "locale")

_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_current_language = DEFAULT_LANGUAGE


def babel_locale(language: str) -> str:
    """The Babel locale of one of klinikka's languages (see BABEL_LOCALES)."""
    return BABEL_LOCALES.get(language, language)


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it yet."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a message with a plural form for the catalogs; ``ngettext`` picks the form."""
    return singular, plural


class Msg(str):
    """A msgid passed as a field of another message, translated along with it."""


def M_(message: str) -> Msg:
    """Mark a message for the catalogs; it is translated where it is shown."""
    return Msg(message)


def language_from_locale(environ: Mapping[str, str]) -> str | None:
    """The first supported language named by the POSIX locale variables, if any."""
    for name in _LOCALE_VARIABLES:
        value = environ.get(name, "")
        # LANGUAGE is a colon-separated list of preferences; the others name one locale.
        for candidate in value.split(":"):
            code = candidate.strip().split(".")[0].split("_")[0].split("-")[0].lower()
            if code in LANGUAGES:
                return code
        if value and name != "LANGUAGE":
            # The first locale variable that is set decides, as POSIX says.
            return None
    return None


def resolve_language(option: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Pick the language: an explicit option, then KLINIKKA_LANG, then the locale, then English."""
    env = os.environ if environ is None else environ
    for candidate in (option, env.get("KLINIKKA_LANG")):
        if candidate:
            code = candidate.strip().lower()
            if code in LANGUAGES:
                return code
    return language_from_locale(env) or DEFAULT_LANGUAGE


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The catalog of one language (English falls back to the msgids themselves)."""
    import gettext as _gettext

    return _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language], fallback=True)


def set_language(language: str) -> None:
    """Make ``language`` the one that ``_`` translates into from now on."""
    global _current_language
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    _current_language = language


def current_language() -> str:
    return _current_language


def _(message: str) -> str:
    """Translate a message into the current language."""
    return translations(_current_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message with a singular and a plural form."""
    return translations(_current_language).ngettext(singular, plural, n)


def gettext_for(language: str, message: str) -> str:
    """Translate a message into a given language (exports follow their own language)."""
    return translations(language).gettext(message)
