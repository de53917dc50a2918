"""Figures as lines that runs can be compared with `diff`: `name value unit`, one per line,
and targets as `PASS name value unit (target ...)` or `FAIL ...`."""

from dataclasses import dataclass

from diplomacy.loadtest.readers import percentile

__all__ = ["Target", "figure_line", "format_value", "percentile", "percentiles_ms"]

# Decimal places per unit; anything else gets two.
DECIMALS = {"ms": 1, "MB": 1, "req/s": 0, "count": 0, "s": 0}


def format_value(value, unit):
    if value is None:
        return "n/a"
    decimals = DECIMALS.get(unit, 2)
    if decimals == 0:
        return str(round(value))
    return f"{value:.{decimals}f}"


def figure_line(name, value, unit):
    """`sqlite.list.country.p50 12.3 ms`."""
    return f"{name} {format_value(value, unit)} {unit}"


def percentiles_ms(seconds, fractions=(0.50, 0.95)):
    """The percentiles of durations in seconds, in milliseconds."""
    return [percentile(seconds, fraction) * 1000 for fraction in fractions]


@dataclass
class Target:
    """A figure with a limit: `value` must stay below `limit` (`at_most`) or reach it."""

    name: str
    value: float
    unit: str
    limit: float
    at_most: bool = True
    strict: bool = False  # "under" rather than "at most"

    @property
    def passed(self):
        if self.value is None:
            return False
        if self.at_most:
            return self.value < self.limit if self.strict else self.value <= self.limit
        return self.value >= self.limit

    def line(self):
        sign = ("<" if self.strict else "<=") if self.at_most else ">="
        limit = format_value(self.limit, self.unit)
        return (
            f"{'PASS' if self.passed else 'FAIL'} {figure_line(self.name, self.value, self.unit)}"
            f" (target {sign} {limit} {self.unit})"
        )
