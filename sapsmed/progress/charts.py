"""Server-drawn SVG chart of a line's accepted reports: % complete and % of planned budget spent over time.

Plain SVG with presentation attributes only (no style attributes, no script), so it passes the strict
Content-Security-Policy and prints as it shows. One colour per reporting state; % complete is a solid
line with dots, spending a dashed line with squares. Every point carries a tooltip with its figures,
and the page repeats the numbers in a table for readers who cannot see the chart.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 190, 34, 44
PALETTE = ("#0b4f8a", "#c8102e", "#2a7f3f", "#8a5a00", "#6b3fa0", "#00798c", "#444444")
INK, GRID = "#1d2433", "#d9dee7"


def _series(reports) -> dict[str, dict[str, list]]:
    by_state: dict[str, dict[str, list]] = {}
    for r in reports:
        s = by_state.setdefault(r.member_state.iso3, {"complete": [], "spent": []})
        when, label = r.round.due_on, f"{r.member_state.iso3}, round {r.round.name}"
        if r.percent_complete is not None:
            s["complete"].append((when, float(r.percent_complete), f"{label}: {r.percent_complete:.0f}% complete"))
        if r.budget_planned and r.budget_spent is not None:
            spent = float(r.budget_spent / r.budget_planned * 100)
            money = f"{r.currency} " if r.currency else ""
            s["spent"].append((when, spent, f"{label}: {money}{_amount(r.budget_spent)} spent of "
                                            f"{money}{_amount(r.budget_planned)} planned ({spent:.0f}%)"))
    return by_state


def _amount(value: Decimal) -> str:
    return f"{value:,.0f}"


def progress_chart(reports, *, title: str) -> SafeString | None:
    """The chart, or None when no accepted report gives a % complete or spending figure."""
    series = _series(reports)
    points = [p for s in series.values() for kind in s.values() for p in kind]
    if not points:
        return None
    first, last = min(p[0] for p in points), max(p[0] for p in points)
    if first == last:
        first, last = first - timedelta(days=180), last + timedelta(days=180)
    top = max(100.0, max(p[1] for p in points))
    y_max = float(int((top + 24.999) // 25) * 25)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    span = (last - first).days

    def x(day: date) -> float:
        return LEFT + (day - first).days / span * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - value / y_max * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
           f'aria-labelledby="chart-title" class="progress-chart" font-family="system-ui, sans-serif" '
           f'font-size="12" fill="{INK}"><title id="chart-title">{escape(title)}</title>',
           f'<text x="{LEFT}" y="18" font-size="14" font-weight="600">{escape(title)}</text>']
    tick = 0.0
    while tick <= y_max:
        out.append(f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}"/>'
                   f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{tick:.0f}%</text>')
        tick += 25
    for year in range(first.year, last.year + 2):
        day = date(year, 1, 1)
        if first <= day <= last:
            out.append(f'<line x1="{x(day):.1f}" x2="{x(day):.1f}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{GRID}"/>'
                       f'<text x="{x(day):.1f}" y="{TOP + plot_h + 18}" text-anchor="middle">{year}</text>')
    legend_y = TOP + 6
    for index, (state, kinds) in enumerate(sorted(series.items())):
        colour = PALETTE[index % len(PALETTE)]
        for kind, dash, label in (("complete", "", "% complete"), ("spent", ' stroke-dasharray="6 4"',
                                                                    "% of budget spent")):
            pts = sorted(kinds[kind])
            if not pts:
                continue
            path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v, _ in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for d, v, tip in pts:
                shape = (f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">' if kind == "complete"
                         else f'<rect x="{x(d) - 3.5:.1f}" y="{y(v) - 3.5:.1f}" width="7" height="7" fill="{colour}">')
                closing = "</circle>" if kind == "complete" else "</rect>"
                out.append(f"{shape}<title>{escape(tip)}</title>{closing}")
            lx = LEFT + plot_w + 16
            out.append(f'<line x1="{lx}" x2="{lx + 26}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" '
                       f'stroke-width="2"{dash}/><text x="{lx + 32}" y="{legend_y + 4}">{escape(state)} {label}</text>')
            legend_y += 20
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + plot_h}" stroke="{INK}"/>'
               f'<line x1="{LEFT}" x2="{LEFT + plot_w}" y1="{TOP + plot_h}" y2="{TOP + plot_h}" stroke="{INK}"/>'
               "</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every text inside was escaped above
