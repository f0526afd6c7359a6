"""What a summary says, in one language, before any format lays it out.

Markdown and HTML show the same summary; this module decides what is in it (which sections,
in which order, every label translated, every date and number written as the language writes
it), so that the renderers only lay it out and escape it. Text here is raw user text: each
renderer escapes it for its own format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from babel.dates import format_date, format_time
from babel.numbers import format_decimal, format_percent

from klinikka import i18n
from klinikka.config import SMALLEST_GROUP
from klinikka.document import DocClinic, DocIdea, DocRound
from klinikka.enums import NoteKind
from klinikka.i18n import N_
from klinikka.tally import METHOD_NAMES, RoundResult, ThemeScore
from klinikka.text import name_key

NOTE_SECTIONS = (
    (NoteKind.DECISION, N_("Decisions")),
    (NoteKind.NEXT_STEP, N_("Next steps")),
    (NoteKind.NOTE, N_("Notes")),
)


@dataclass(frozen=True)
class IdeaItem:
    text: str
    by: str  # "author, group" (no author when anonymised), or ""
    starred: bool = False
    merged: tuple[IdeaItem, ...] = ()


@dataclass(frozen=True)
class ThemeSection:
    name: str
    description: str
    ideas: tuple[IdeaItem, ...]
    unassigned: bool = False


@dataclass(frozen=True)
class ScoreRow:
    rank: int
    name: str
    score: int
    share: float
    score_text: str  # the score as the language writes numbers
    share_text: str  # "40,0 %"
    winner: bool


@dataclass(frozen=True)
class GroupBreakdown:
    name: str
    ballots: str  # as a number is written
    rows: tuple[ScoreRow, ...]


@dataclass(frozen=True)
class Outcome:
    text: str
    strong: bool = False  # the winner: shown in bold


@dataclass(frozen=True)
class RoundSection:
    number: int
    heading: str
    rules: str  # "Method: dot voting, 3 dots per voter. Ballots: 18."
    hidden: bool
    still_open: bool
    rows: tuple[ScoreRow, ...]
    outcome: tuple[Outcome, ...]
    by_group: tuple[GroupBreakdown, ...]


@dataclass(frozen=True)
class KeptTheme:
    name: str
    ideas: int


@dataclass(frozen=True)
class Summary:
    """A clinic's summary in ``language``: sections in the order every format shows them."""

    language: str
    t: Callable[[str], str]
    nt: Callable[[str, str, int], str]  # ngettext in the summary's language
    anonymized: bool
    anonymized_note: str  # what an anonymised summary leaves out; "" when not anonymised
    title: str
    facts: tuple[tuple[str, str], ...]  # (label, value): date, facilitator, note-taker, counts
    goal: str
    participants: tuple[tuple[str, str], ...]  # (group, how many people, as a number is written)
    organisations: tuple[str, ...]
    themes: tuple[ThemeSection, ...]
    rounds: tuple[RoundSection, ...]
    notes: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, texts): decisions, next steps…
    kept: tuple[KeptTheme, ...]
    idea_texts: tuple[str, ...] = field(default=(), repr=False)  # for the word cloud
    # Words the word cloud must not show: an anonymised summary's removed names.
    cloud_exclude: tuple[str, ...] = field(default=(), repr=False)
    made_on: str = ""


def ideas_count(summary: Summary, count: int) -> str:
    """ "5 ideas" in the summary's language."""
    return summary.nt("{n} idea", "{n} ideas", count).format(n=number(count, summary.language))


def number(value: int, language: str) -> str:
    return format_decimal(value, locale=i18n.babel_locale(language))


def percent(share: float, language: str) -> str:
    """40,0 % in Finnish and Swedish (a no-break space before the sign), 40.0% in English."""
    pattern = "#,##0.0%" if language == "en" else "#,##0.0\u00a0%"
    return format_percent(share, format=pattern, locale=i18n.babel_locale(language))


def long_date(day: date, language: str) -> str:
    """3. marraskuuta 2026 / 3 november 2026 / November 3, 2026."""
    return format_date(day, "long", locale=i18n.babel_locale(language))


def short_date(day: date, language: str) -> str:
    """3.11.2026 (Finnish and Finland-Swedish) / Nov 3, 2026: short, as each language writes
    it (never the American 11/3/26, which a Finnish reader takes for the 11th of March, nor
    Sweden's 2026-11-03)."""
    if language in {"fi", "sv"}:
        return f"{day.day}.{day.month}.{day.year}"
    return format_date(day, "medium", locale=i18n.babel_locale(language))


def when(clinic: DocClinic, language: str) -> str:
    """The clinic's date and time span: "3. marraskuuta 2026 klo 9.00–11.00", "3 november
    2026 kl. 9.00–11.00"."""
    if clinic.starts_at is None:
        return ""
    day = long_date(clinic.starts_at, language)
    if clinic.starts_at.time() == datetime.min.time():
        return day
    locale = i18n.babel_locale(language)
    times = format_time(clinic.starts_at, "short", locale=locale)
    if clinic.ends_at is not None and clinic.ends_at.date() == clinic.starts_at.date():
        times += "–" + format_time(clinic.ends_at, "short", locale=locale)
    t = i18n.translations(language).gettext
    text = t("{date} at {time}").format(date=day, time=times)
    if clinic.ends_at is not None and clinic.ends_at.date() != clinic.starts_at.date():
        text += " – " + long_date(clinic.ends_at, language)
    return text


def build_summary(
    clinic: DocClinic,
    results: list[RoundResult],
    language: str,
    *,
    anonymized: bool = False,
    today: date | None = None,
    cloud_exclude: tuple[str, ...] = (),
    people: tuple[tuple[int | None, int], ...] | None = None,
    smallest_group: int = SMALLEST_GROUP,
) -> Summary:
    """The summary of ``clinic`` (already anonymised if ``anonymized``) in ``language``.

    ``smallest_group`` is said in an anonymised summary's note (its results by group were
    folded with it). ``people`` is who took part, by group (``count_people`` of the clinic
    before it was anonymised: an anonymised clinic no longer tells one voter from another)."""
    t: Callable[[str], str] = i18n.translations(language).gettext
    if people is None:
        people = count_people(clinic)
    groups = {group.id: group.name for group in clinic.groups}
    top = [idea for idea in clinic.ideas if idea.merged_into is None]
    facts: list[tuple[str, str]] = []
    if clinic.starts_at is not None:
        facts.append((t("Date"), when(clinic, language)))
    if clinic.facilitator:
        facts.append((t("Facilitator"), clinic.facilitator))
    if clinic.note_taker:
        facts.append((t("Note-taker"), clinic.note_taker))
    counts = [
        (t("Ideas"), len(top)),
        (t("Themes"), len(clinic.themes)),
        (t("Participants"), sum(count for _, count in people)),
        (t("Voting rounds"), len(clinic.rounds)),
    ]
    facts.append(
        (t("In numbers"), " · ".join(f"{label} {number(n, language)}" for label, n in counts))
    )
    rounds = {voting_round.id: voting_round for voting_round in clinic.rounds}
    numbers = {voting_round.id: voting_round.number for voting_round in clinic.rounds}
    sections = tuple(
        _round(result, rounds[result.round_id], numbers, t, language)
        for result in results
        if result.round_id in rounds
    )
    return Summary(
        language=language,
        t=t,
        nt=i18n.translations(language).ngettext,
        anonymized=anonymized,
        anonymized_note=_anonymized_note(smallest_group, language) if anonymized else "",
        title=clinic.title,
        facts=tuple(facts),
        goal=clinic.goal,
        participants=_participants(clinic, people, t, language),
        organisations=()
        if anonymized
        else tuple(sorted({p.organisation for p in clinic.participants if p.organisation})),
        themes=_themes(clinic, top, groups, t, anonymized),
        rounds=sections,
        notes=tuple(
            (t(heading), texts)
            for kind, heading in NOTE_SECTIONS
            if (texts := tuple(note.text for note in clinic.notes if note.kind is kind))
        ),
        kept=_kept(clinic, top, results, t),
        idea_texts=tuple(idea.text for idea in clinic.ideas),
        cloud_exclude=cloud_exclude,
        made_on=short_date(today or date.today(), language),
    )


def _anonymized_note(smallest_group: int, language: str) -> str:
    translations = i18n.translations(language)
    t = translations.gettext
    left_out = t("Anonymised summary: names and organisations are left out.")
    if smallest_group <= 1:
        return left_out
    folded = translations.ngettext(
        "Results by stakeholder group show groups of at least {n} voter; smaller ones are "
        "shown together.",
        "Results by stakeholder group show groups of at least {n} voters; smaller ones are "
        "shown together.",
        smallest_group,
    )
    return f"{left_out} {folded.format(n=smallest_group)}"


def count_people(clinic: DocClinic) -> tuple[tuple[int | None, int], ...]:
    """How many people took part, by group: the participants, and each named voter who is
    not one of them (someone who only voted counts too), once however many rounds they
    voted in. Poll totals (aggregate ballots) count no one: they name no person."""
    group_of: dict[object, int | None] = {
        ("participant", person.id): person.group for person in clinic.participants
    }
    known = {name_key(person.name) for person in clinic.participants}
    for voting_round in clinic.rounds:
        for ballot in voting_round.ballots:
            if ballot.participant is not None or ballot.respondents is not None:
                continue
            key = name_key(ballot.voter)
            if not key or key in known:
                continue
            if group_of.get(key) is None:
                group_of[key] = ballot.group
    counts: dict[int | None, int] = {}
    for group in group_of.values():
        counts[group] = counts.get(group, 0) + 1
    return tuple(counts.items())


def _participants(
    clinic: DocClinic,
    people: tuple[tuple[int | None, int], ...],
    t: Callable[[str], str],
    language: str,
) -> tuple[tuple[str, str], ...]:
    counts = dict(people)
    rows = [
        (group.name, number(counts[group.id], language))
        for group in clinic.groups
        if counts.get(group.id)
    ]
    if counts.get(None):
        rows.append((t("No group"), number(counts[None], language)))
    return tuple(rows)


def _by(idea: DocIdea, groups: dict[int, str], anonymized: bool) -> str:
    parts = []
    if idea.author and not anonymized:
        parts.append(idea.author)
    if idea.group is not None and idea.group in groups:
        parts.append(groups[idea.group])
    return ", ".join(parts)


def _themes(
    clinic: DocClinic,
    top: list[DocIdea],
    groups: dict[int, str],
    t: Callable[[str], str],
    anonymized: bool,
) -> tuple[ThemeSection, ...]:
    merged: dict[int, list[DocIdea]] = {}
    for idea in clinic.ideas:
        if idea.merged_into is not None:
            merged.setdefault(idea.merged_into, []).append(idea)

    def item(idea: DocIdea) -> IdeaItem:
        return IdeaItem(
            text=idea.text,
            by=_by(idea, groups, anonymized),
            starred=idea.starred,
            merged=tuple(
                IdeaItem(text=child.text, by=_by(child, groups, anonymized))
                for child in merged.get(idea.id, [])
            ),
        )

    sections = [
        ThemeSection(
            name=theme.name,
            description=theme.description,
            ideas=tuple(item(idea) for idea in top if idea.theme == theme.id),
        )
        for theme in clinic.themes
    ]
    unassigned = tuple(item(idea) for idea in top if idea.theme is None)
    if unassigned:
        sections.append(ThemeSection(t("Unassigned ideas"), "", unassigned, unassigned=True))
    return tuple(sections)


def _row(score: ThemeScore, winner: int | None, language: str) -> ScoreRow:
    return ScoreRow(
        rank=score.rank,
        name=score.name,
        score=score.score,
        share=score.share,
        score_text=number(score.score, language),
        share_text=percent(score.share, language),
        winner=score.theme_id == winner,
    )


def _round(
    result: RoundResult,
    voting_round: DocRound,
    numbers: dict[int, int],
    t: Callable[[str], str],
    language: str,
) -> RoundSection:
    heading = t("Voting round {number}").format(number=result.number)
    if voting_round.title:
        heading += f": {voting_round.title}"
    nt = i18n.translations(language).ngettext
    rules = [t(METHOD_NAMES[result.method])]
    if voting_round.dots_per_voter:
        dots = voting_round.dots_per_voter
        rules.append(nt("{dots} dot per voter", "{dots} dots per voter", dots).format(dots=dots))
    if voting_round.points_budget:
        points = voting_round.points_budget
        per_voter = nt("{points} point per voter", "{points} points per voter", points)
        rules.append(per_voter.format(points=points))
    if voting_round.cap_per_theme:
        rules.append(t("at most {cap} per theme").format(cap=voting_round.cap_per_theme))
    ballots = number(result.ballot_count, language)
    sentence = t("Method") + f": {', '.join(rules)}. " + t("Ballots") + f": {ballots}."
    if voting_round.runoff_of in numbers:
        runoff = t("A runoff between the tied themes of round {number}.")
        sentence += " " + runoff.format(number=numbers[voting_round.runoff_of])
    if result.hidden:
        return RoundSection(result.number, heading, sentence, True, True, (), (), ())
    names = {score.theme_id: score.name for score in result.scores}
    outcome: list[Outcome] = []
    if result.tie:
        tied = ", ".join(names[theme] for theme in result.leaders)
        outcome.append(Outcome(t("Tie between: {themes}.").format(themes=tied)))
    if result.winner is not None:
        winner = names[result.winner]
        if result.decided_by == "decision":
            line = t("Winner by the facilitator’s decision: {theme}").format(theme=winner)
            if result.decision_note:
                line += f" ({result.decision_note})"
        elif result.decided_by == "runoff":
            line = t("Winner after runoff round {number}: {theme}").format(
                number=result.runoff_round, theme=winner
            )
        else:
            line = t("Winner: {theme}").format(theme=winner)
        outcome.append(Outcome(line, strong=True))
    elif result.tie and result.closed:
        outcome.append(Outcome(t("The tie has not been resolved yet.")))
    by_group: tuple[GroupBreakdown, ...] = ()
    if len(result.by_group) > 1 or (result.by_group and result.by_group[0].group_id is not None):
        by_group = tuple(
            GroupBreakdown(
                name=group.group_name or t("No group"),
                ballots=number(group.ballot_count, language),
                rows=tuple(_row(score, None, language) for score in group.scores),
            )
            for group in result.by_group
        )
    return RoundSection(
        number=result.number,
        heading=heading,
        rules=sentence,
        hidden=False,
        still_open=not result.closed,
        rows=tuple(_row(score, result.winner, language) for score in result.scores),
        outcome=tuple(outcome),
        by_group=by_group,
    )


def _kept(
    clinic: DocClinic, top: list[DocIdea], results: list[RoundResult], t: Callable[[str], str]
) -> tuple[KeptTheme, ...]:
    """The themes no closed round chose: what later clinics take up (none before a winner)."""
    winners = {r.winner for r in results if r.closed and r.winner is not None}
    if not winners:
        return ()
    per_theme: dict[int | None, int] = {}
    for idea in top:
        per_theme[idea.theme] = per_theme.get(idea.theme, 0) + 1
    kept = [
        KeptTheme(theme.name, per_theme.get(theme.id, 0))
        for theme in clinic.themes
        if theme.id not in winners
    ]
    if per_theme.get(None):
        kept.append(KeptTheme(t("Unassigned ideas"), per_theme[None]))
    return tuple(kept)
