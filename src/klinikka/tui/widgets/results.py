"""A round's results as bars: the Vote phase and the present mode draw them alike."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from klinikka.i18n import _, babel_locale, current_language
from klinikka.tally import GroupResult, RoundResult, ThemeScore
from klinikka.tui.text import user_text

EIGHTHS = " ▏▎▍▌▋▊▉"
# The winner and the leaders are marked with a symbol and their rank, not by colour alone
# (green against red is lost on a colour-blind viewer and on a washed-out projector).
WINNER_MARK = "★"
LEADER_MARK = "▲"


def mark(result: RoundResult, score: ThemeScore) -> str:
    """The winner's star, a leader's triangle (while the round is open), else a space."""
    if result.hidden:
        return " "
    if score.theme_id == result.winner:
        return WINNER_MARK
    if result.winner is None and not result.closed and score.theme_id in result.leaders:
        return LEADER_MARK  # a closed tie is no lead: the shared rank says it
    return " "


def bar(fraction: float, width: int) -> str:
    """A bar ``fraction`` of ``width`` cells long, to an eighth of a cell."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (EIGHTHS[part] if part else "")


def percent(share: float) -> str:
    """A share as people write it in the interface's language ("57 %" in Finnish)."""
    from babel.numbers import format_percent

    return format_percent(share, format="#,##0 %", locale=babel_locale(current_language()))


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded, or cut with "…" so that a cut shows."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


def ballot_order(result: RoundResult, order: list[int]) -> list[ThemeScore]:
    """The scores in the order of the ballot (the numbers voters use), not by rank."""
    position = {theme_id: n for n, theme_id in enumerate(order)}
    return sorted(result.scores, key=lambda score: position.get(score.theme_id, len(order)))


def result_bars(
    result: RoundResult, order: list[int], width: int, *, hidden: bool, colour: str = "green"
) -> Text:
    """One line a theme: its ballot number, name, bar (in ``colour``), score, share, and its
    rank, the winner marked ★ and the leaders ▲ (see ``mark``).

    Hidden results show the themes and their numbers only.
    """
    scores = ballot_order(result, order)
    # Number, figures ("   17    32 %") and the mark and rank (" ★  1.") take this much; the
    # name gets what is left down to a bar of eight cells, at most 40 cells.
    fixed = 4 + 1 + 13 + 6
    longest = max((cell_len(s.name) for s in scores), default=10)
    name_width = max(8, min(40, longest, width - fixed - 8))
    top = max((s.score for s in scores), default=0)
    lines = []
    for number, score in enumerate(scores, start=1):
        name = fit(user_text(score.name).plain, name_width)
        line = Text(f"{number:>2}  ")
        leading = score.theme_id in result.leaders and not hidden  # hidden: no hint who leads
        line.append(name, style="bold" if leading else "")
        if not hidden:
            figures = f" {score.score:>5} {percent(score.share):>6}"
            room = max(4, width - fixed - name_width)
            line.append(" ")
            line.append(set_cell_size(bar(score.score / top if top else 0, room), room), colour)
            line.append(figures)
            line.append(f" {mark(result, score)} {score.rank:>2}.", style="bold" if leading else "")
        lines.append(line)
    if not lines:
        lines.append(Text(_("No themes on the ballot.")))
    return Text("\n").join(lines)


def group_lines(groups: list[GroupResult]) -> list[Text]:
    """One line a stakeholder group, its ballots and the themes it scored:
    "Yritys (2): Neuvolat 1, Digipalvelut 1" (the Vote phase and present mode alike)."""
    lines = []
    for group in groups:
        scored = ", ".join(f"{s.name} {s.score}" for s in group.scores if s.score)
        name = group.group_name or _("No group")
        lines.append(user_text(f"{name} ({group.ballot_count}): {scored}"))
    return lines
