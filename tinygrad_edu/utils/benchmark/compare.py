"""`Compare`: many Measurements as one table per label -- a row per sub_label (or statement), a
column per description, grouped by number of threads -- as PyTorch's
`torch.utils.benchmark.Compare` prints it, character for character.

    [----------- add ------------]
                 |  n=10  |  n=100
    1 threads: -------------------
          float  |  1.2   |   5.9
          int    |  1.4   |   6.9

    Times are in microseconds (us).
"""
from __future__ import annotations

import enum
import math
from collections import defaultdict

from .common import Measurement, _log10_float32, ordered_unique, select_unit, trim_sigfig, unit_to_english

__all__ = ["Colorize", "Compare"]

# ANSI terminal colours
BEST = "\033[92m"
GOOD = "\033[34m"
BAD = "\033[2m\033[91m"
VERY_BAD = "\033[31m"
BOLD = "\033[1m"
TERMINATE = "\033[0m"


class Colorize(enum.Enum):
    NONE = "none"
    COLUMNWISE = "columnwise"
    ROWWISE = "rowwise"


class Compare:
    """A table of `results` (Measurements): one per label, a row per sub_label (or statement), a
    column per description. `print()` prints it, `str(compare)` is its text. Replicates (the same
    task measured again) are merged into one entry first.

    >>> from tinygrad_edu.utils.benchmark import Measurement, TaskSpec
    >>> spec = TaskSpec("x + 1", "pass", label="add", description="n=10")
    >>> str(Compare([Measurement(100, [1.0e-4, 1.1e-4, 1.2e-4], spec)])).splitlines()[:4]
    ['[------ add -------]', '             |  n=10', '1 threads: ---------', '      x + 1  |  1.1 ']
    """

    def __init__(self, results: list[Measurement]) -> None:
        self._results: list[Measurement] = []
        self.extend_results(results)
        self._trim_significant_figures = False
        self._colorize = Colorize.NONE
        self._highlight_warnings = False

    def __str__(self) -> str:
        return "\n".join(self._render())

    def extend_results(self, results) -> None:
        """Add more Measurements to the table."""
        for r in results:
            if not isinstance(r, Measurement):
                raise ValueError(f"Compare: expected an instance of `Measurement`, got {type(r)} instead.")
        self._results.extend(results)

    def trim_significant_figures(self) -> None:
        """Show only the digits each measurement supports (`Measurement.significant_figures`)."""
        self._trim_significant_figures = True

    def colorize(self, rowwise: bool = False) -> None:
        """Colour each time by how it compares with the best of its column (or of its row, with
        `rowwise=True`): green within 1%, blue within 10%, red from 2x, bright red from 5x."""
        self._colorize = Colorize.ROWWISE if rowwise else Colorize.COLUMNWISE

    def highlight_warnings(self) -> None:
        """Mark times with a large spread: ' (! 15%)' is the interquartile range / median."""
        self._highlight_warnings = True

    def print(self) -> None:
        print(str(self))

    def _render(self) -> list[str]:
        by_label: dict[str | None, list[Measurement]] = defaultdict(list)
        for r in Measurement.merge(self._results):  # replicates of one task become one measurement
            by_label[r.label].append(r)
        return [_Table(group, self._colorize, self._trim_significant_figures, self._highlight_warnings).render()
                for group in by_label.values()]


class _Column:
    """How the numbers of one column are written: as many digits before the point as the largest
    needs, after it 1 (or, trimmed, what the least precise measurement supports)."""

    def __init__(self, groups: list[tuple], time_scale: float, trim: bool, highlight_warnings: bool) -> None:
        self.groups = groups  # the column's results, one tuple per thread-count group of rows
        results = [r for group in groups for r in group]
        self.trim = trim
        self.highlight_warnings = highlight_warnings and any(r.has_warnings for r in results if r)
        leading = [(math.ceil(_log10_float32(r.median / time_scale)), r) for r in results if r]
        unit_digits = max(digits for digits, _ in leading)
        decimals = min(max(r.significant_figures - digits, 0) for digits, r in leading) if trim else 1
        width = unit_digits + decimals + (1 if decimals else 0)
        self.template = f"{{:>{width}.{decimals}f}}{{:>{7 if self.highlight_warnings else 0}}}"

    def num_to_str(self, value: float | None, figures: int, spread: float | None) -> str:
        if value is None:
            return " " * len(self.num_to_str(1, figures, None))
        if self.trim:
            value = trim_sigfig(value, figures)
        note = f" (! {spread * 100:.0f}%)" if self.highlight_warnings and spread is not None else ""
        return self.template.format(value, note)


class _Row:
    def __init__(self, results: list, group: int, render_env: bool, env_width: int, time_scale: float,
                 colorize: Colorize, num_threads: int | None) -> None:
        self.results = results  # one per column, None where this row has no measurement
        self.group = group
        self.render_env = render_env
        self.env_width = env_width
        self.time_scale = time_scale
        self.colorize = colorize
        self.num_threads = num_threads  # set on the first row of a thread-count group
        self.columns: tuple[_Column, ...] = ()

    def cells(self) -> list[str]:
        first = next(r for r in self.results if r is not None)
        env = (f"({first.env})" if self.render_env else "").ljust(self.env_width + 4)
        cells = ["  " + env + first.as_row_name]
        for m, column in zip(self.results, self.columns):
            if m is None:
                cells.append(column.num_to_str(None, 1, None))
            else:
                cells.append(column.num_to_str(m.median / self.time_scale, m.significant_figures,
                                               m.iqr / m.median if m.has_warnings else None))
        return cells

    def separator(self, width: int) -> list[str]:
        return [f"{self.num_threads} threads: ".ljust(width, "-")] if self.num_threads is not None else []

    def finish(self, cells: list[str], widths: list[int]) -> str:
        best = [-1.0] * len(cells)
        if self.colorize == Colorize.ROWWISE:
            best = [min(r.median for r in self.results if r is not None)] * len(cells)
        elif self.colorize == Colorize.COLUMNWISE:
            best = [min((r.median for r in c.groups[self.group] if r is not None), default=None)
                    for c in self.columns]
        out = [cells[0].ljust(widths[0])]
        for cell, width, result, best_value in zip(cells[1:], widths[1:], self.results, best):
            cell = cell.center(width)
            if self.colorize != Colorize.NONE and result is not None and best_value is not None:
                cell = _color(cell, result.median, best_value)
            out.append(cell)
        return "  |  ".join(out)


def _color(cell: str, value: float, best: float) -> str:
    if value <= best * 1.01 or value <= best + 100e-9:
        return BEST + BOLD + cell + TERMINATE * 2
    if value <= best * 1.1:
        return GOOD + BOLD + cell + TERMINATE * 2
    if value >= best * 5:
        return VERY_BAD + BOLD + cell + TERMINATE * 2
    if value >= best * 2:
        return BAD + cell + TERMINATE * 2
    return cell


class _Table:
    """The Measurements of one label, laid out."""

    def __init__(self, results: list[Measurement], colorize: Colorize, trim: bool, highlight_warnings: bool) -> None:
        self.results = results
        self.label = results[0].label
        self.highlight_warnings = highlight_warnings
        self.time_unit, self.time_scale = select_unit(min(r.median for r in results))
        row_keys = ordered_unique((r.num_threads, r.env, r.as_row_name) for r in results)
        row_keys.sort(key=lambda key: key[:2])  # by threads and env; statements keep their order
        self.column_keys = ordered_unique(r.description for r in results)
        cells = [[None] * len(self.column_keys) for _ in row_keys]
        row_of = {key: i for i, key in enumerate(row_keys)}
        column_of = {key: j for j, key in enumerate(self.column_keys)}
        for r in results:
            cells[row_of[(r.num_threads, r.env, r.as_row_name)]][column_of[r.description]] = r

        envs = {r.env for r in results}
        render_env = len(envs) > 1
        env_width = max(len(str(e)) for e in envs) if render_env else 0
        self.rows: list[_Row] = []
        groups: list[list[list]] = []  # rows of the same number of threads
        prior_threads, prior_env = -1, ""
        for (num_threads, env, _), row in zip(row_keys, cells):
            new_group = num_threads != prior_threads
            if new_group:
                prior_threads, prior_env = num_threads, ""
                groups.append([])
            self.rows.append(_Row(row, len(groups) - 1, render_env and env != prior_env, env_width,
                                  self.time_scale, colorize, num_threads if new_group else None))
            groups[-1].append(row)
            prior_env = env
        columns = tuple(_Column([tuple(row[j] for row in g) for g in groups], self.time_scale, trim,
                                highlight_warnings) for j in range(len(self.column_keys)))
        for row in self.rows:
            row.columns = columns

    def render(self) -> str:
        # (PyTorch fails on a column without a description; it gets an empty heading here)
        table = [[""] + ["" if key is None else key for key in self.column_keys]]
        table += [row.cells() for row in self.rows]
        n_columns = max(len(cells) for cells in table)
        for cells in table:
            cells.extend([""] * (n_columns - len(cells)))
        widths = [max(len(cell) for cell in column) for column in zip(*table)]
        lines = ["  |  ".join(cell.center(w) for cell, w in zip(table[0], widths))]
        width = len(lines[0])
        for cells, row in zip(table[1:], self.rows):
            lines.extend(row.separator(width))
            lines.append(row.finish(cells, widths))
        warned = self.highlight_warnings and any(r.has_warnings for r in self.results)
        note = "(! XX%) Measurement has high variance, where XX is the IQR / median * 100.\n" if warned else ""
        return (f"[{(' ' + (self.label or '') + ' ').center(width - 2, '-')}]\n" + "\n".join(lines) + "\n\n"
                f"Times are in {unit_to_english(self.time_unit)}s ({self.time_unit}).\n{note}")
