"""Markdown: the summary as CommonMark, to paste into an e-mail or a wiki.

Every piece of user text is escaped, so it cannot make a heading, a link, HTML or break a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from babel.dates import format_date, format_time
from babel.numbers import format_percent

from klinikka import i18n
from klinikka.document import DocClinic, DocIdea
from klinikka.i18n import N_
from klinikka.models import NoteKind, VotingMethod
from klinikka.tally import RoundResult, ThemeScore

# Characters that can start markup anywhere in a line (emphasis, code, links, HTML, entities,
# tables, strikethrough), and what can start a block at the beginning of a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")

METHOD_NAMES = {
    VotingMethod.SINGLE: N_("single choice"),
    VotingMethod.DOTS: N_("dot voting"),
    VotingMethod.RANKING: N_("ranking (Borda count)"),
    VotingMethod.POINTS: N_("points"),
    VotingMethod.AGGREGATE: N_("counts from an external poll"),
}


def escape(text: str) -> str:
    """User text as literal Markdown inline text, still readable as plain text.

    Only what CommonMark (with GitHub's tables and strikethrough) could take as markup is
    escaped: ``* _ ` [ ] < > | ~ & \\`` anywhere, and a heading, list, quote or rule marker
    at the start. Newlines become spaces.
    """
    escaped = _INLINE.sub(r"\\\1", " ".join(text.split()))
    return _LINE_START.sub(_escape_marker, escaped)


def _escape_marker(match: re.Match[str]) -> str:
    marker = "".join(c if c.isdigit() else "\\" + c for c in match.group(2))
    return match.group(1) + marker


def escape_block(text: str, indent: str = "") -> str:
    """Multi-line user text: lines joined by hard breaks, blank lines kept as paragraph breaks."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    rendered = [
        ("\\\n" + indent).join(escape(line) for line in p.split("\n") if line.strip())
        for p in paragraphs
    ]
    return ("\n\n" + indent).join(rendered)


def _when(clinic: DocClinic, language: str) -> str:
    if clinic.starts_at is None:
        return ""
    text = format_date(clinic.starts_at, "long", locale=language)
    if clinic.starts_at.time() != datetime.min.time():
        text += " " + format_time(clinic.starts_at, "short", locale=language)
        if clinic.ends_at is not None:
            if clinic.ends_at.date() == clinic.starts_at.date():
                text += "–" + format_time(clinic.ends_at, "short", locale=language)
            else:
                text += " – " + format_date(clinic.ends_at, "long", locale=language)
    return text


def render_markdown(
    clinic: DocClinic, results: list[RoundResult], language: str, *, anonymized: bool = False
) -> str:
    """The clinic's summary in ``language`` (fi, sv or en)."""
    t: Callable[[str], str] = i18n.translations(language).gettext
    out: list[str] = [f"# {escape(clinic.title)}", ""]
    facts: list[tuple[str, str]] = []
    when = _when(clinic, language)
    if when:
        facts.append((t("Date"), when))
    if clinic.facilitator:
        facts.append((t("Facilitator"), escape(clinic.facilitator)))
    if clinic.note_taker:
        facts.append((t("Note-taker"), escape(clinic.note_taker)))
    out += [f"- **{label}:** {value}" for label, value in facts]
    if facts:
        out.append("")
    if clinic.goal:
        out += ["## " + t("Goal"), "", escape_block(clinic.goal), ""]

    groups = {group.id: group.name for group in clinic.groups}
    out += _participants(clinic, groups, t, anonymized)
    out += _ideas(clinic, groups, t, anonymized)
    for result in results:
        voting_round = next(r for r in clinic.rounds if r.id == result.round_id)
        out += _round(
            result,
            voting_round.title,
            voting_round.points_budget,
            voting_round.dots_per_voter,
            voting_round.cap_per_theme,
            t,
            language,
        )
    for kind, heading in (
        (NoteKind.DECISION, t("Decisions")),
        (NoteKind.NEXT_STEP, t("Next steps")),
        (NoteKind.NOTE, t("Notes")),
    ):
        notes = [note for note in clinic.notes if note.kind is kind]
        if notes:
            out += [f"## {heading}", ""]
            out += [f"- {escape_block(note.text, '  ')}" for note in notes]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _participants(
    clinic: DocClinic, groups: dict[int, str], t: Callable[[str], str], anonymized: bool
) -> list[str]:
    if not clinic.participants:
        return []
    counts: dict[int | None, int] = {}
    for person in clinic.participants:
        counts[person.group] = counts.get(person.group, 0) + 1
    out = [
        "## " + t("Participants"),
        "",
        "| " + t("Stakeholder group") + " | " + t("Participants") + " |",
        "|---|---:|",
    ]
    for group in clinic.groups:
        if counts.get(group.id):
            out.append(f"| {escape(group.name)} | {counts[group.id]} |")
    if counts.get(None):
        out.append("| " + t("No group") + f" | {counts[None]} |")
    out.append("")
    organisations = sorted({p.organisation for p in clinic.participants if p.organisation})
    if organisations and not anonymized:
        out += [t("Organisations") + ": " + ", ".join(escape(o) for o in organisations), ""]
    return out


def _attribution(idea: DocIdea, groups: dict[int, str], anonymized: bool) -> str:
    parts = []
    if idea.author and not anonymized:
        parts.append(escape(idea.author))
    if idea.group is not None and idea.group in groups:
        parts.append(escape(groups[idea.group]))
    return f" — *{', '.join(parts)}*" if parts else ""


def _ideas(
    clinic: DocClinic, groups: dict[int, str], t: Callable[[str], str], anonymized: bool
) -> list[str]:
    if not clinic.ideas:
        return []
    merged: dict[int, list[DocIdea]] = {}
    for idea in clinic.ideas:
        if idea.merged_into is not None:
            merged.setdefault(idea.merged_into, []).append(idea)
    top = [idea for idea in clinic.ideas if idea.merged_into is None]
    out = ["## " + t("Ideas by theme"), ""]
    sections: list[tuple[int | None, str, str]] = [
        (theme.id, escape(theme.name), theme.description) for theme in clinic.themes
    ]
    sections.append((None, t("Unassigned ideas"), ""))
    for theme_id, title, description in sections:
        ideas = [idea for idea in top if idea.theme == theme_id]
        if not ideas and theme_id is None:
            continue
        out += [f"### {title}", ""]
        if description:
            out += [escape_block(description), ""]
        if not ideas:
            out += ["*" + t("No ideas.") + "*", ""]
            continue
        for idea in ideas:
            star = "★ " if idea.starred else ""
            out.append(
                f"- {star}{escape_block(idea.text, '  ')}{_attribution(idea, groups, anonymized)}"
            )
            for child in merged.get(idea.id, []):
                out.append(
                    f"  - {escape_block(child.text, '    ')}"
                    + _attribution(child, groups, anonymized)
                )
        out.append("")
    return out


def _score_header(t: Callable[[str], str]) -> str:
    return "| " + " | ".join([t("Rank"), t("Theme"), t("Score"), t("Share")]) + " |"


def _score_row(score: ThemeScore, language: str) -> str:
    share = format_percent(score.share, format="#,##0.0 %", locale=language)
    return f"| {score.rank} | {escape(score.name)} | {score.score} | {share} |"


def _round(
    result: RoundResult,
    title: str,
    budget: int | None,
    dots: int | None,
    cap: int | None,
    t: Callable[[str], str],
    language: str,
) -> list[str]:
    heading = t("Voting round {number}").format(number=result.number)
    if title:
        heading += f": {escape(title)}"
    rules = [t(METHOD_NAMES[result.method])]
    if dots:
        rules.append(t("{dots} dots per voter").format(dots=dots))
    if budget:
        rules.append(t("{points} points per voter").format(points=budget))
    if cap:
        rules.append(t("at most {cap} per theme").format(cap=cap))
    out = [
        f"## {heading}",
        "",
        t("Method") + f": {', '.join(rules)}. " + t("Ballots") + f": {result.ballot_count}.",
        "",
    ]
    if result.hidden:
        return [*out, "*" + t("The results are hidden until the round is closed.") + "*", ""]
    if not result.closed:
        out += ["*" + t("The round is still open; the results are not final.") + "*", ""]
    out += [
        _score_header(t),
        "|---:|---|---:|---:|",
    ]
    out += [_score_row(score, language) for score in result.scores]
    out.append("")
    names = {score.theme_id: escape(score.name) for score in result.scores}
    if result.tie:
        tied = ", ".join(names[theme] for theme in result.leaders)
        out.append(t("Tie between: {themes}.").format(themes=tied))
    if result.winner is not None:
        winner = names[result.winner]
        if result.decided_by == "decision":
            line = t("Winner by the facilitator’s decision: {theme}").format(theme=winner)
            if result.decision_note:
                line += f" ({escape(result.decision_note)})"
            out.append(f"**{line}**")
        elif result.decided_by == "runoff":
            out.append(
                "**"
                + t("Winner after runoff round {number}: {theme}").format(
                    number=result.runoff_round, theme=winner
                )
                + "**"
            )
        else:
            out.append("**" + t("Winner: {theme}").format(theme=winner) + "**")
    elif result.tie and result.closed:
        out.append(t("The tie has not been resolved yet."))
    out.append("")
    if len(result.by_group) > 1 or (result.by_group and result.by_group[0].group_id is not None):
        out += ["### " + t("Results by stakeholder group"), ""]
        for group in result.by_group:
            name = escape(group.group_name) if group.group_name else t("No group")
            out += [
                f"#### {name} (" + t("Ballots").lower() + f": {group.ballot_count})",
                "",
                _score_header(t),
                "|---:|---|---:|---:|",
            ]
            out += [_score_row(score, language) for score in group.scores]
            out.append("")
    return out
