"""One time axis for a report's window: its buckets and round-time ticks (every chart of a
report shares it, so a burst in one incident lines up with the others)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from analyzer.model import format_ts
from analyzer.report.common import MINUTE_NS, buckets

# Tick spacings, in minutes, from which the one giving at most MAX_TICKS ticks is chosen.
STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080)
MAX_TICKS = 6
EDGE = 12  # percent of the width within which a tick label is anchored at the edge


@dataclass(frozen=True, slots=True)
class Tick:
    percent: float  # from the left edge of the chart
    label: str

    @property
    def align(self) -> str:
        """Labels near an edge are anchored inside the chart, never past it."""
        return "start" if self.percent < EDGE else "end" if self.percent > 100 - EDGE else "mid"


@dataclass(frozen=True, slots=True)
class Axis:
    start: int  # ns, the first bucket's start
    end: int  # ns, the last bucket's end
    bars: int
    ticks: tuple[Tick, ...]

    @property
    def step(self) -> int:
        return (self.end - self.start) // self.bars

    def fold(self, minutes: Mapping[int, int]) -> list[int]:
        """Per-minute counts -> this axis's buckets."""
        return buckets(minutes, self.start, self.end - MINUTE_NS, self.bars)


def time_axis(start: int, end: int, bars: int) -> Axis:
    """Whole minutes from start's minute to end's, cut into `bars` buckets, with ticks at
    round times (HH:MM; the date too when the window spans days)."""
    first = start // MINUTE_NS * MINUTE_NS
    last = max(end // MINUTE_NS * MINUTE_NS + MINUTE_NS, first + MINUTE_NS)
    span_minutes = (last - first) // MINUTE_NS
    step = next((s for s in STEPS if span_minutes / s <= MAX_TICKS), STEPS[-1]) * MINUTE_NS
    days = (format_ts(first) or "")[:10] != (format_ts(last) or "")[:10]
    ticks = []
    moment = -(-first // step) * step
    while moment <= last:
        text = format_ts(moment) or ""
        label = f"{text[5:10]} {text[11:16]}" if days else text[11:16]
        ticks.append(Tick(round((moment - first) / (last - first) * 100, 2), label))
        moment += step
    return Axis(first, last, bars, tuple(ticks))
