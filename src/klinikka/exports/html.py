"""HTML: the summary as one self-contained page, readable on screen and printable on A4.

No external URL, font, image or script: the styles are inline, the charts and the word cloud
are inline SVG. Every piece of user text goes through ``_text`` (escaped, control characters
removed), so a ``<script>`` in an idea stays text.
"""

from __future__ import annotations

import re
from html import escape

from klinikka.exports.charts import bar_chart
from klinikka.exports.content import (
    IdeaItem,
    RoundSection,
    ScoreRow,
    Summary,
    ThemeSection,
    ideas_count,
)
from klinikka.text import strip_controls

STYLE = """
:root { --ink: #1f2933; --muted: #52606d; --line: #cbd2d9; --accent: #0b4f7c;
  --soft: #f0f4f8; }
* { box-sizing: border-box; }
html { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: var(--ink); background: #fff; line-height: 1.5; }
body { margin: 0 auto; max-width: 52rem; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0.2rem 0 1rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 2px solid var(--accent); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 0.4rem; }
h4 { font-size: 1rem; margin: 0.8rem 0 0.2rem; }
p, ul { margin: 0.4rem 0 0.8rem; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted);
  font-size: 0.8rem; margin: 0; }
.anonymised { background: var(--soft); border-left: 4px solid var(--accent);
  padding: 0.4rem 0.8rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem;
  margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; min-width: 50%; }
th, td { border-bottom: 1px solid var(--line); padding: 0.25rem 0.7rem; text-align: left;
  vertical-align: top; }
th { background: var(--soft); font-weight: 600; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums;
  white-space: nowrap; }
tr.winner td { font-weight: 700; }
ul.ideas { padding-left: 1.2rem; }
ul.ideas li { margin: 0.2rem 0; }
ul.ideas ul { padding-left: 1.2rem; color: var(--muted); }
.by { color: var(--muted); font-style: italic; }
.star { color: #a15c00; }
.count { color: var(--muted); font-weight: normal; font-size: 0.9rem; }
.description { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; }
.outcome { font-size: 1.05rem; }
figure { margin: 0.6rem 0 1rem; }
figcaption { color: var(--muted); font-size: 0.85rem; }
svg { max-width: 100%; height: auto; }
.groups { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr));
  gap: 0.5rem 1.5rem; }
.keep { break-inside: avoid; page-break-inside: avoid; }
footer { margin-top: 3rem; color: var(--muted); font-size: 0.85rem;
  border-top: 1px solid var(--line); padding-top: 0.6rem; }
@media print {
  @page { size: A4; margin: 18mm 16mm 18mm 16mm; }
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  table, figure, li, .groups > * { break-inside: avoid; page-break-inside: avoid; }
  section.round { break-before: auto; }
  th { background: none; }
}
"""


# Line breaks and runs of space become one space; no-break spaces (in dates, numbers) stay.
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


def _text(value: str) -> str:
    """User text on one line, escaped."""
    return escape(_SPACE.sub(" ", strip_controls(value)).strip(), quote=True)


def _block(value: str) -> str:
    """User text of several lines: paragraphs, and line breaks inside them."""
    paragraphs = [part for part in strip_controls(value).split("\n\n") if part.strip()]
    return "".join(
        "<p>" + "<br>".join(_text(line) for line in part.split("\n") if line.strip()) + "</p>"
        for part in paragraphs
    )


def render_html(summary: Summary) -> str:
    """The summary as an HTML5 document in the summary's language."""
    t = summary.t
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{summary.language}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="klinikka">',
        f"<title>{_text(summary.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        '<p class="kicker">' + escape(t("Clinic summary")) + "</p>",
        f"<h1>{_text(summary.title)}</h1>",
    ]
    if summary.anonymized:
        out.append(f'<p class="anonymised">{escape(summary.anonymized_note)}</p>')
    out.append('<dl class="facts">')
    out += [f"<dt>{escape(label)}</dt><dd>{_text(value)}</dd>" for label, value in summary.facts]
    out += ["</dl>", "</header>", "<main>"]
    if summary.goal:
        heading = escape(t("Goal"))
        out += ['<section id="goal">', f"<h2>{heading}</h2>", _block(summary.goal)]
        out.append("</section>")
    out += _participants(summary)
    out += _ideas(summary)
    for voting_round in summary.rounds:
        out += _round(voting_round, summary)
    for heading, texts in summary.notes:
        out += ['<section class="notes">', f"<h2>{escape(heading)}</h2>", "<ul>"]
        out += [f"<li>{_block(text)}</li>" for text in texts]
        out += ["</ul>", "</section>"]
    if summary.kept:
        heading = escape(t("Kept for later clinics"))
        out += ['<section id="kept">', f"<h2>{heading}</h2>", "<ul>"]
        out += [
            f'<li>{_text(kept.name)} <span class="count">'
            f"({escape(ideas_count(summary, kept.ideas))})</span></li>"
            for kept in summary.kept
        ]
        out += ["</ul>", "</section>"]
    made = t("Summary made with klinikka on {date}.").format(date=summary.made_on)
    out += ["</main>", f"<footer>{escape(made)}</footer>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _participants(summary: Summary) -> list[str]:
    if not summary.participants:
        return []
    t = summary.t
    people, group = escape(t("Participants")), escape(t("Stakeholder group"))
    out = [
        '<section id="participants">',
        f"<h2>{people}</h2>",
        "<table>",
        f'<thead><tr><th>{group}</th><th class="number">{people}</th></tr></thead>',
        "<tbody>",
    ]
    out += [
        f'<tr><td>{_text(name)}</td><td class="number">{count}</td></tr>'
        for name, count in summary.participants
    ]
    out += ["</tbody>", "</table>"]
    if summary.organisations:
        names = ", ".join(_text(name) for name in summary.organisations)
        label = escape(t("Organisations"))
        out.append(f"<p>{label}: {names}</p>")
    out.append("</section>")
    return out


def _ideas(summary: Summary) -> list[str]:
    if not summary.themes:
        return []
    from klinikka.exports.wordcloud import word_cloud_svg

    t = summary.t
    heading = escape(t("Ideas by theme"))
    out = ['<section id="ideas">', f"<h2>{heading}</h2>"]
    caption = t("The words used most in the ideas")
    cloud = word_cloud_svg(
        summary.idea_texts, summary.language, exclude=summary.cloud_exclude, title=caption
    )
    if cloud:
        out += ['<figure class="cloud">', cloud, f"<figcaption>{escape(caption)}</figcaption>"]
        out.append("</figure>")
    for section in summary.themes:
        out += _theme(section, summary)
    out.append("</section>")
    return out


def _idea(item: IdeaItem) -> str:
    star = '<span class="star" title="★">★</span> ' if item.starred else ""
    by = f' <span class="by">— {_text(item.by)}</span>' if item.by else ""
    merged = ""
    if item.merged:
        merged = "<ul>" + "".join(f"<li>{_idea(child)}</li>" for child in item.merged) + "</ul>"
    return f"{star}{_text(item.text)}{by}{merged}"


def _theme(section: ThemeSection, summary: Summary) -> list[str]:
    count = ideas_count(summary, len(section.ideas))
    out = [
        '<section class="theme">',
        f'<h3>{_text(section.name)} <span class="count">({escape(count)})</span></h3>',
    ]
    if section.description:
        out.append(f'<div class="description">{_block(section.description)}</div>')
    if section.ideas:
        out.append('<ul class="ideas">')
        out += [f"<li>{_idea(item)}</li>" for item in section.ideas]
        out.append("</ul>")
    else:
        out.append('<p class="empty">' + escape(summary.t("No ideas.")) + "</p>")
    out.append("</section>")
    return out


def _table(rows: tuple[ScoreRow, ...], summary: Summary) -> list[str]:
    t = summary.t
    rank, theme = escape(t("Rank")), escape(t("Theme"))
    score, share = escape(t("Score")), escape(t("Share"))
    out = [
        "<table>",
        f'<thead><tr><th class="number">{rank}</th><th>{theme}</th>'
        f'<th class="number">{score}</th><th class="number">{share}</th></tr></thead>',
        "<tbody>",
    ]
    winner = ' class="winner"'
    out += [
        f'<tr{winner if row.winner else ""}><td class="number">{row.rank}</td>'
        f'<td>{_text(row.name)}</td><td class="number">{escape(row.score_text)}</td>'
        f'<td class="number">{escape(row.share_text)}</td></tr>'
        for row in rows
    ]
    out += ["</tbody>", "</table>"]
    return out


def _round(section: RoundSection, summary: Summary) -> list[str]:
    t = summary.t
    out = [
        f'<section class="round" id="round-{section.number}">',
        '<div class="keep">',  # the heading stays with its chart on paper
        f"<h2>{_text(section.heading)}</h2>",
        f'<p class="rules">{_text(section.rules)}</p>',
    ]
    if section.hidden:
        hidden = t("The results are hidden until the round is closed.")
        return [*out, f'<p class="empty">{escape(hidden)}</p>', "</div>", "</section>"]
    if section.still_open:
        still = t("The round is still open; the results are not final.")
        out.append(f'<p class="empty">{escape(still)}</p>')
    if section.rows:
        out += ["<figure>", bar_chart(section.rows, section.heading), "</figure>"]
    out.append("</div>")
    out += _table(section.rows, summary)
    for line in section.outcome:
        text = f"<strong>{_text(line.text)}</strong>" if line.strong else _text(line.text)
        out.append(f'<p class="outcome">{text}</p>')
    if section.by_group:
        heading = escape(t("Results by stakeholder group"))
        out += [f"<h3>{heading}</h3>", '<div class="groups">']
        for group in section.by_group:
            ballots = t("Ballots").lower()
            count = f"({escape(ballots)}: {group.ballots})"
            heading = f'{_text(group.name)} <span class="count">{count}</span>'
            title = f"{section.heading} — {group.name}"
            out += [
                "<figure>",
                f"<h4>{heading}</h4>",
                bar_chart(group.rows, title, compact=True),
                "</figure>",
            ]
        out.append("</div>")
    out.append("</section>")
    return out
