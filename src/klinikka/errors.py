"""Typed errors whose messages are translated when they are shown."""

from __future__ import annotations

from klinikka import i18n


class KlinikkaError(Exception):
    """An error the user caused or can fix; its message is a msgid with named fields.

    A message with a count is a pair from ``NP_`` (singular, plural), and ``plural_by`` names
    the field whose number picks the form: "at most 1 dot", "at most 3 dots".
    """

    def __init__(
        self, message: str | tuple[str, str], *, plural_by: str = "", **fields: object
    ) -> None:
        singular, plural = (message, "") if isinstance(message, str) else message
        super().__init__(singular)
        self.message = singular
        self.plural = plural
        self.plural_by = plural_by
        self.fields = fields

    def translated(self, language: str | None = None) -> str:
        """The message in ``language`` (the current language if None), fields filled in."""
        translations = i18n.translations(language or i18n.current_language())
        if self.plural:
            count = self.fields.get(self.plural_by, 0)
            number = count if isinstance(count, int) else 0
            template = translations.ngettext(self.message, self.plural, number)
        elif language is None:
            template = i18n._(self.message)
        else:
            template = i18n.gettext_for(language, self.message)
        translate = i18n._ if language is None else translations.gettext
        fields = {
            key: translate(value) if isinstance(value, i18n.Msg) else value
            for key, value in self.fields.items()
        }
        return template.format(**fields)

    def __str__(self) -> str:
        return self.translated()


class NotFoundError(KlinikkaError):
    """Something named by id does not exist (or no longer does)."""


class ValidationError(KlinikkaError):
    """Input that breaks a rule: empty text, a bad date, a limit of a voting method."""


class ConflictError(KlinikkaError):
    """The action does not fit the current state (a closed round, a duplicate import)."""


class BallotExistsError(ConflictError):
    """The voter already has a ballot in the round; replacing it must be asked for."""

    def __init__(self, message: str, *, ballot_id: int, **fields: object) -> None:
        super().__init__(message, **fields)
        self.ballot_id = ballot_id


class DatabaseFileError(KlinikkaError):
    """The database file cannot be used: not a database, damaged, or from a newer klinikka."""


class MissingDatabaseError(DatabaseFileError):
    """A command that only reads was pointed at a database file that does not exist."""


class ImportFormatError(KlinikkaError):
    """A file to import is not in the expected format."""


class ExportError(KlinikkaError):
    """An export could not be written."""


class AlreadyDone(Exception):
    """A request (``services._base.requesting``) that was committed before: a retry after an
    unknown outcome. Not a KlinikkaError: nothing is wrong, and nothing was written again."""

    def __init__(self, activity_id: int) -> None:
        super().__init__(activity_id)
        # The activity-log row the first, committed try wrote.
        self.activity_id = activity_id
