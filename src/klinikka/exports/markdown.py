"""Markdown: the summary as CommonMark, to paste into an e-mail or a wiki.

Every piece of user text is escaped, so it cannot make a heading, a link, HTML or break a table.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from klinikka.exports.content import IdeaItem, RoundSection, ScoreRow, Summary, ideas_count
from klinikka.text import strip_controls

# Characters that can start markup anywhere in a line (emphasis, code, links, HTML, entities,
# tables, strikethrough), and what can start a block at the beginning of a line.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# Line breaks and runs of space become one space; no-break spaces (in dates, numbers) stay.
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
# What GFM's autolinks start from; a backslash before the ":", "." or "@" stops them.
_AUTOLINK = re.compile(r"(?<=[A-Za-z])(?=://)|(?<=\bwww)(?=\.)|@", re.IGNORECASE)
_LINE_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")


def escape(text: str) -> str:
    """User text as literal Markdown inline text, still readable as plain text.

    Only what CommonMark (with GitHub's tables and strikethrough) could take as markup is
    escaped: ``* _ ` [ ] < > | ~ & \\`` anywhere, and a heading, list, quote or rule marker
    at the start. Newlines become spaces.
    """
    return _LINE_START.sub(_escape_marker, escape_inline(text))


def escape_inline(text: str) -> str:
    """User text inside a line (after a label): only inline markup needs escaping there, and
    what GitHub-flavoured Markdown would turn into a link by itself (``://``, ``www.``, an
    e-mail address's ``@``)."""
    escaped = _INLINE.sub(r"\\\1", _SPACE.sub(" ", strip_controls(text)).strip())
    return _AUTOLINK.sub(lambda match: "\\" + match.group(0), escaped)


def escape_heading(text: str) -> str:
    """User text in a heading: inline escapes, and a closing run of ``#`` kept as text."""
    escaped = escape_inline(text)
    stem = escaped.rstrip("#")
    return stem + "\\#" * (len(escaped) - len(stem))


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


def render_markdown(summary: Summary) -> str:
    """The summary as CommonMark (with GitHub's tables), in the summary's language."""
    t = summary.t
    out: list[str] = [f"# {escape_heading(summary.title)}", ""]
    if summary.anonymized:
        out += [f"*{escape_inline(summary.anonymized_note)}*", ""]
    out += [f"- **{label}:** {escape_inline(value)}" for label, value in summary.facts]
    out.append("")
    if summary.goal:
        out += ["## " + t("Goal"), "", escape_block(summary.goal), ""]
    if summary.participants:
        out += [
            "## " + t("Participants"),
            "",
            "| " + t("Stakeholder group") + " | " + t("Participants") + " |",
            "|---|---:|",
        ]
        out += [f"| {escape(name)} | {count} |" for name, count in summary.participants]
        out.append("")
        if summary.organisations:
            names = ", ".join(escape(name) for name in summary.organisations)
            out += [t("Organisations") + ": " + names, ""]
    if summary.themes:
        out += ["## " + t("Ideas by theme"), ""]
        for section in summary.themes:
            out += _theme(section.name, section.description, section.ideas, t)
    for voting_round in summary.rounds:
        out += _round(voting_round, t)
    for heading, texts in summary.notes:
        out += [f"## {heading}", ""]
        out += [f"- {escape_block(text, '  ')}" for text in texts]
        out.append("")
    if summary.kept:
        out += ["## " + t("Kept for later clinics"), ""]
        out += [
            f"- {escape(kept.name)} ({ideas_count(summary, kept.ideas)})" for kept in summary.kept
        ]
        out.append("")
    out += [
        "---",
        "",
        "*" + t("Summary made with klinikka on {date}.").format(date=summary.made_on) + "*",
    ]
    return "\n".join(out).rstrip() + "\n"


def _by(item: IdeaItem) -> str:
    return f" — *{escape(item.by)}*" if item.by else ""


def _theme(
    name: str, description: str, ideas: tuple[IdeaItem, ...], t: Callable[[str], str]
) -> list[str]:
    out = [f"### {escape_heading(name)}", ""]
    if description:
        out += [escape_block(description), ""]
    if not ideas:
        return [*out, "*" + t("No ideas.") + "*", ""]
    for idea in ideas:
        star = "★ " if idea.starred else ""
        out.append(f"- {star}{escape_block(idea.text, '  ')}{_by(idea)}")
        out += [f"  - {escape_block(child.text, '    ')}{_by(child)}" for child in idea.merged]
    out.append("")
    return out


def _table(rows: tuple[ScoreRow, ...], t: Callable[[str], str]) -> list[str]:
    out = [
        "| " + " | ".join([t("Rank"), t("Theme"), t("Score"), t("Share")]) + " |",
        "|---:|---|---:|---:|",
    ]
    out += [
        f"| {row.rank} | {escape(row.name)} | {row.score_text} | {row.share_text} |" for row in rows
    ]
    return out


def _round(section: RoundSection, t: Callable[[str], str]) -> list[str]:
    out = [f"## {escape_heading(section.heading)}", "", escape(section.rules), ""]
    if section.hidden:
        return [*out, "*" + t("The results are hidden until the round is closed.") + "*", ""]
    if section.still_open:
        out += ["*" + t("The round is still open; the results are not final.") + "*", ""]
    out += [*_table(section.rows, t), ""]
    for line in section.outcome:  # each a paragraph of its own
        out += [f"**{escape(line.text)}**" if line.strong else escape(line.text), ""]
    if section.by_group:
        out += ["### " + t("Results by stakeholder group"), ""]
        ballots = t("Ballots").lower()
        for group in section.by_group:
            out += [
                f"#### {escape_heading(group.name)} ({ballots}: {group.ballots})",
                "",
                *_table(group.rows, t),
                "",
            ]
    return out
