"""Server-side SVG bar charts: geometry computed here, drawn by templates/reports/_chart.html.

No JavaScript and no inline styles (the CSP forbids them): colours are SVG presentation
attributes. A value hidden by masking ("<5") is drawn as an outlined bar of the masking limit's
height, so the chart never shows more than the table beside it.
"""

from dataclasses import dataclass

from crm.services.reports import MASKED, SMALL_COUNT_LIMIT, mask_count

WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 40, 10, 10, 40
# Colour-blind-safe palette (Okabe–Ito).
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    masked: bool
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    legend: list[tuple[str, str]]
    baseline: float
    left: int


def _ticks(top: int) -> list[int]:
    step = max(1, -(-top // 5))
    return list(range(0, top + step, step))


def bar_chart(labels: list[str], series: dict[str, list[int]], *, full: bool) -> Chart:
    """Grouped bars: one group per label (month), one bar per series."""
    shown = {name: [mask_count(v, full=full) for v in values] for name, values in series.items()}
    heights = [SMALL_COUNT_LIMIT if v == MASKED else v for values in shown.values() for v in values]
    ticks = _ticks(max([1, *heights]))
    top = ticks[-1]
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group_w = plot_w / max(1, len(labels))
    bar_w = group_w * 0.8 / max(1, len(series))
    baseline = TOP + plot_h
    bars = []
    for s, (name, values) in enumerate(shown.items()):
        for i, value in enumerate(values):
            masked = value == MASKED
            h = plot_h * (SMALL_COUNT_LIMIT if masked else value) / top
            x = LEFT + i * group_w + group_w * 0.1 + s * bar_w
            bars.append(
                Bar(
                    round(x, 1),
                    round(baseline - h, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    COLOURS[s % len(COLOURS)],
                    masked,
                    f"{name}, {labels[i]}: {value}",
                )
            )
    x_labels = [(round(LEFT + (i + 0.5) * group_w, 1), label) for i, label in enumerate(labels)]
    y_ticks = [(round(baseline - plot_h * t / top, 1), t) for t in ticks]
    legend = [(COLOURS[s % len(COLOURS)], name) for s, name in enumerate(series)]
    return Chart(WIDTH, HEIGHT, bars, x_labels, y_ticks, legend, baseline, LEFT)
