"""A horizontal bar chart as inline SVG, drawn on the server: no script, no chart library."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 170
BAR_WIDTH = 360
VALUE_WIDTH = 60


def bar_chart(values: dict[str, int], title: str) -> Markup:
    """One bar per label, scaled to the largest value; zero bars are drawn as flagged."""
    rows = list(values.items())
    height = max(1, len(rows)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    top = max((value for _, value in rows), default=0) or 1
    parts = [
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
            'width="{w}" height="{h}" viewBox="0 0 {w} {h}"><title>{t}</title>'
        ).format(w=width, h=height, t=title)
    ]
    for index, (label, value) in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * value / top)
        middle = y + BAR_HEIGHT // 2 + 5
        parts.append(
            Markup(
                '<text class="label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="{cls}" x="{x}" y="{y}" width="{bw}" height="{bh}"></rect>'
                '<text class="value" x="{vx}" y="{ty}">{value}</text>'
            ).format(
                lx=LABEL_WIDTH - 8,
                ty=middle,
                label=label,
                cls="bar" if value else "bar zero",
                x=LABEL_WIDTH,
                y=y,
                bw=max(length, 2),
                bh=BAR_HEIGHT,
                vx=LABEL_WIDTH + max(length, 2) + 6,
                value=value,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts) if rows else Markup("<p>{}</p>").format(escape("No data."))
