"""What a measurement is: `TaskSpec` (what was timed and how it is labelled) and `Measurement`
(the times of many runs, their median and spread, and a printout); the unit and rounding helpers
that `Compare` shares. As PyTorch's `torch.utils.benchmark.utils.common`.

PyTorch computes some of these numbers with float32 tensors (the unit of a time, the number of
significant figures); `_log10_float32` does the same arithmetic, so a time on the border between
two units or digit counts lands on PyTorch's side of it.
"""
from __future__ import annotations

import collections
import contextlib
import dataclasses
import math
import textwrap
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from ... import threads

__all__ = ["Measurement", "TaskSpec", "ordered_unique", "select_unit", "set_torch_threads", "trim_sigfig",
           "unit_to_english"]

_MAX_SIGNIFICANT_FIGURES = 4
_MIN_CONFIDENCE_INTERVAL = 25e-9  # 25 ns: no timer resolves less
# The spread (interquartile range / median) above which a measurement carries a warning
_IQR_WARN_THRESHOLD = 0.1
_IQR_GROSS_WARN_THRESHOLD = 0.25


@dataclasses.dataclass(init=True, repr=False, eq=True, frozen=True)
class TaskSpec:
    """What a Timer runs (`stmt` after `setup`) and the labels that name it in printouts."""

    stmt: str
    setup: str
    global_setup: str = ""
    label: str | None = None
    sub_label: str | None = None
    description: str | None = None
    env: str | None = None
    num_threads: int = 1

    @property
    def title(self) -> str:
        """The label (with its sub-label), else the statement."""
        sub = f": {self.sub_label}" if self.sub_label else ""
        if self.label is not None:
            return self.label + sub
        if "\n" not in self.stmt:
            return self.stmt + sub
        return f"stmt:{f' ({self.sub_label})' if self.sub_label else ''}\n{textwrap.indent(self.stmt, '  ')}"

    def setup_str(self) -> str:
        if self.setup in ("pass", ""):
            return ""
        if "\n" in self.setup:
            return f"setup:\n{textwrap.indent(self.setup, '  ')}"
        return f"setup: {self.setup}"

    def summarize(self) -> str:
        """The task's part of a Measurement's printout: title, description, setup."""
        sections = [self.title, self.description or "", self.setup_str()]
        return "\n".join(f"{s}\n" if "\n" in s else s for s in sections if s)


_TASKSPEC_FIELDS = tuple(f.name for f in dataclasses.fields(TaskSpec))


@dataclasses.dataclass(init=True, repr=False, eq=True)
class Measurement:
    """The result of a Timer: `raw_times[i]` is the time of `number_per_run` runs of the statement;
    `times` the time of one run. `median`, `mean`, `iqr` (interquartile range) summarise them, and
    the fields of `task_spec` (`label`, `stmt`, `num_threads`, ...) read as attributes.

    >>> m = Measurement(10, [1e-5, 1.2e-5, 1.1e-5, 1.3e-5], TaskSpec("x + 1", "pass"))
    >>> round(m.median, 12), m.num_threads
    (1.15e-06, 1)
    """

    number_per_run: int
    raw_times: list[float]
    task_spec: TaskSpec
    metadata: dict[Any, Any] | None = None  # for the user's own notes

    def __post_init__(self) -> None:
        self._sorted_times: tuple[float, ...] = ()
        self._warnings: tuple[str, ...] = ()
        self._median = self._mean = self._p25 = self._p75 = -1.0

    def __getattr__(self, name: str) -> Any:
        if name in _TASKSPEC_FIELDS:  # m.label, m.stmt, ...: the task spec's
            return getattr(self.task_spec, name)
        return super().__getattribute__(name)

    @property
    def times(self) -> list[float]:
        """The time of one run of the statement, for each measurement (raw time / runs per measurement)."""
        return [t / self.number_per_run for t in self.raw_times]

    @property
    def median(self) -> float:
        self._lazy_init()
        return self._median

    @property
    def mean(self) -> float:
        self._lazy_init()
        return self._mean

    @property
    def iqr(self) -> float:
        """The interquartile range: 75th percentile - 25th percentile of `times`."""
        self._lazy_init()
        return self._p75 - self._p25

    @property
    def significant_figures(self) -> int:
        """How many digits of the median to trust (1 to 4): the median over a rough 90% confidence
        interval of the middle half of the times, 1.645 σ / √n (σ their spread, n their number;
        1.645 is the normal distribution's 95th percentile), in powers of ten."""
        self._lazy_init()
        n = len(self._sorted_times)
        middle = self._sorted_times[n // 4:math.ceil(np.float32(3 * n / 4))]
        spread = float(np.float32(np.std(np.asarray(middle, np.float32), dtype=np.float64)))
        sqrt_n = float(np.float32(math.sqrt(len(middle))))
        confidence_interval = max(1.645 * spread / sqrt_n, _MIN_CONFIDENCE_INTERVAL)
        figures = math.floor(_log10_float32(self._median / confidence_interval))
        return min(max(figures, 1), _MAX_SIGNIFICANT_FIGURES)

    @property
    def has_warnings(self) -> bool:
        self._lazy_init()
        return bool(self._warnings)

    def _lazy_init(self) -> None:
        if not self.raw_times or self._sorted_times:
            return
        self._sorted_times = tuple(sorted(self.times))
        times = np.asarray(self._sorted_times, dtype=np.float64)
        self._median, self._p25, self._p75 = (float(q) for q in np.quantile(times, [0.5, 0.25, 0.75]))
        self._mean = float(times.mean())
        if not self.meets_confidence(_IQR_GROSS_WARN_THRESHOLD):
            self._add_warning("This suggests significant environmental influence.")
        elif not self.meets_confidence(_IQR_WARN_THRESHOLD):
            self._add_warning("This could indicate system fluctuation.")

    def _add_warning(self, message: str) -> None:
        relative_iqr = self.iqr / self.median * 100
        self._warnings += (f"  WARNING: Interquartile range is {relative_iqr:.1f}% of the median measurement.\n"
                           f"           {message}",)

    def meets_confidence(self, threshold: float = _IQR_WARN_THRESHOLD) -> bool:
        """Is the spread (iqr / median) below `threshold`?"""
        return self.iqr / self.median < threshold

    @property
    def title(self) -> str:
        return self.task_spec.title

    @property
    def as_row_name(self) -> str:
        return self.sub_label or self.stmt or "[Unknown]"

    def __repr__(self) -> str:
        """PyTorch's printout, e.g.

            <tinygrad_edu.utils.benchmark.common.Measurement object at 0x7f395b6ac110>
            x + 1
              Median: 1.15 us
              IQR:    0.15 us (1.08 to 1.22)
              4 measurements, 10 runs per measurement, 1 thread
              WARNING: Interquartile range is 13.0% of the median measurement.
                       This could indicate system fluctuation.
        """
        self._lazy_init()
        n = len(self._sorted_times)
        unit, scale = select_unit(self._median)
        lines = [object.__repr__(self), self.task_spec.summarize(),
                 f"  {'Median: ' if n > 1 else ''}{self._median / scale:.2f} {unit}"]
        if n >= 4:  # a spread of fewer times says nothing
            lines.append(f"  IQR:    {self.iqr / scale:.2f} {unit} ({self._p25 / scale:.2f} to "
                         f"{self._p75 / scale:.2f})")
        runs = "per measurement," if n > 1 else ","
        lines.append(f"  {n} measurement{'s' if n > 1 else ''}, {self.number_per_run} runs {runs} "
                     f"{self.num_threads} thread{'s' if self.num_threads > 1 else ''}")
        lines.extend(self._warnings)
        return "\n".join(lines).strip()

    @staticmethod
    def merge(measurements: Iterable["Measurement"]) -> list["Measurement"]:
        """One Measurement per task spec, holding the times (of one run each) of all its replicates."""
        grouped: dict[TaskSpec, list[float]] = collections.defaultdict(list)
        for m in measurements:
            grouped[m.task_spec].extend(m.times)
        return [Measurement(number_per_run=1, raw_times=times, task_spec=spec, metadata=None)
                for spec, times in grouped.items()]


def _log10_float32(x: float) -> float:
    """log10 as PyTorch computes it on a float32 scalar: of x rounded to float32, rounded back."""
    with np.errstate(divide="ignore"):  # log10(0) = -inf, as in PyTorch
        return float(np.float32(np.log10(np.float64(np.float32(x)))))


def select_unit(t: float) -> tuple[str, float]:
    """The unit in which a time of `t` seconds reads with 1 to 3 digits before the point, and its
    size in seconds: `select_unit(2.5e-5) == ("us", 1e-6)`."""
    unit = {-3: "ns", -2: "us", -1: "ms"}.get(int(_log10_float32(t) // 3), "s")
    return unit, {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1}[unit]


def unit_to_english(u: str) -> str:
    return {"ns": "nanosecond", "us": "microsecond", "ms": "millisecond", "s": "second"}[u]


def trim_sigfig(x: float, n: int) -> float:
    """`x` rounded to `n` significant figures (float32 arithmetic, as PyTorch): trim_sigfig(3.14159, 2) ≈ 3.1."""
    if n != int(n):
        raise AssertionError("Number of significant figures must be an integer")
    magnitude = math.ceil(_log10_float32(abs(x)))
    scale = 10 ** (magnitude - n)
    return float(np.round(np.float32(x / scale)) * np.float32(scale))


def ordered_unique(elements: Iterable[Any]) -> list[Any]:
    """The distinct elements, in the order they first appear."""
    return list(dict.fromkeys(elements))


@contextlib.contextmanager
def set_torch_threads(n: int) -> Iterator[None]:
    """Inside the block numpy's BLAS uses `n` threads (`tg.set_num_threads`); the number from
    before comes back after it. (PyTorch's name: it sets torch's thread pool.)"""
    prior = threads.get_num_threads()
    if prior == n:
        yield
        return
    try:
        threads.set_num_threads(n)
        yield
    finally:
        threads.set_num_threads(prior)
