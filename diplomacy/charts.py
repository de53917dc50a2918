"""Small charts drawn on the server as SVG geometry, so pages need no chart library."""

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    count: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool = True

    @property
    def center(self):
        return round(self.x + self.width / 2, 1)


@dataclass
class BarChart:
    bars: list
    width: int
    height: int
    plot_height: int
    maximum: int

    @property
    def label_y(self):
        return self.plot_height + 14


def bar_chart(rows, width=640, height=180, gap=4):
    """A column per (label, count) row, scaled to the largest count; None when empty."""
    rows = list(rows)
    if not rows:
        return None
    plot_height = height - 24  # room for the labels under the bars
    maximum = max(count for _, count in rows) or 1
    slot = width / len(rows)
    # At most about a dozen labels under the bars; every bar keeps its own tooltip.
    label_every = -(-len(rows) // 12)
    bars = []
    for index, (label, count) in enumerate(rows):
        bar_height = plot_height * count / maximum
        bars.append(
            Bar(
                label=str(label),
                count=count,
                x=round(index * slot + gap / 2, 1),
                y=round(plot_height - bar_height, 1),
                width=round(max(slot - gap, 1), 1),
                height=round(bar_height, 1),
                labelled=index % label_every == 0 or index == len(rows) - 1,
            )
        )
    return BarChart(bars, width, height, plot_height, maximum)


def fill_years(rows):
    """Every year from the first to the last, with 0 for the years without meetings."""
    counts = dict(rows)
    if not counts:
        return []
    return [(year, counts.get(year, 0)) for year in range(min(counts), max(counts) + 1)]
