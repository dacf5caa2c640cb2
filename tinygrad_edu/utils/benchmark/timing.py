"""`Timer`: time a Python statement as PyTorch's `torch.utils.benchmark.Timer` does -- with a
warm-up, a fixed number of threads, and many replicates whose median is reported.

How `blocked_autorange` picks its numbers (PyTorch's algorithm): first the cost of the timer
itself is measured (the median of five empty timings); then the block size -- how many runs of
the statement one timing covers -- grows by powers of ten until the timer's own cost is at most
1e-4 of a block and a block takes at least `min_run_time / 1000` (or a single block already
takes `min_run_time`). Then blocks are timed until `min_run_time` seconds have passed in total.
`adaptive_autorange` goes on past that until the spread of the block times is small.
"""
from __future__ import annotations

import enum
import textwrap
import timeit as _timeit_module
from collections.abc import Callable
from typing import Any

import numpy as np

from .common import Measurement, TaskSpec, set_torch_threads

__all__ = ["Language", "Timer", "timer"]


def timer() -> float:
    """The default clock of Timer: `timeit.default_timer` (time.perf_counter), in seconds. (PyTorch's
    also waits for a GPU to finish first; here everything runs on the CPU.)"""
    return _timeit_module.default_timer()


class Language(enum.Enum):
    PYTHON = 0
    CPP = 1


class Timer:
    """Measure how long `stmt` (a string of Python code) takes, after `setup` ran once.

    `globals` (a dict) gives the names the code uses (`tg` is there unless given); `label`,
    `sub_label`, `description` and `env` name the measurement in printouts and `Compare` tables
    (label: the table, sub_label: a row, description: a column). `num_threads` is the number of
    BLAS threads (`tg.set_num_threads`) during the timing, 1 by default so that measurements
    compare like with like; the number from before is restored afterwards. `timer` is the clock.

    >>> import tinygrad_edu as tg
    >>> x = tg.ones(100)
    >>> m = Timer("x * 2", globals={"x": x}, label="scale").blocked_autorange(min_run_time=0.01)
    >>> m.median > 0, m.label
    (True, 'scale')
    """

    def __init__(self, stmt: str = "pass", setup: str = "pass", global_setup: str = "",
                 timer: Callable[[], float] = timer, globals: dict[str, Any] | None = None,
                 label: str | None = None, sub_label: str | None = None, description: str | None = None,
                 env: str | None = None, num_threads: int = 1, language: Language | str = Language.PYTHON) -> None:
        if not isinstance(stmt, str):
            raise ValueError("Timer: currently only a `str` stmt is supported.")
        if language in (Language.CPP, "cpp", "c++"):
            raise NotImplementedError("Timer: language='cpp' times C++ code against PyTorch's C++ library; "
                                      "tinygrad_edu has no C++ API, so only Python statements can be timed")
        if language not in (Language.PYTHON, "py", "python"):
            raise ValueError(f"Timer: invalid language `{language}`.")
        if global_setup:
            raise ValueError(f"Timer: global_setup is C++ only, got `{global_setup}`. Most likely this code "
                             f"can simply be moved to `setup`.")
        import tinygrad_edu

        self._globals = dict(globals or {})  # a copy: exec adds __builtins__ to it
        self._globals.setdefault("tg", tinygrad_edu)
        stmt, setup = _tidy(stmt), _tidy(setup)
        self._timer = _timeit_module.Timer(stmt=stmt, setup=setup, timer=timer, globals=self._globals)
        self._task_spec = TaskSpec(stmt=stmt, setup=setup, global_setup=global_setup, label=label,
                                   sub_label=sub_label, description=description, env=env,
                                   num_threads=num_threads)

    def _timeit(self, number: int) -> float:
        # No real statement takes less than a nanosecond; the floor also keeps ratios finite.
        return max(self._timer.timeit(number), 1e-9)

    def timeit(self, number: int = 1000000) -> Measurement:
        """Run `stmt` `number` times (after a warm-up of number // 100, at least 2): one measurement,
        as Python's `timeit.Timer.timeit`."""
        with set_torch_threads(self._task_spec.num_threads):
            self._timeit(number=max(int(number // 100), 2))
            return Measurement(number_per_run=number, raw_times=[self._timeit(number=number)],
                               task_spec=self._task_spec)

    def repeat(self, repeat: int = -1, number: int = -1) -> None:
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def autorange(self, callback: Callable[[int, float], None] | None = None) -> None:
        raise NotImplementedError("See `Timer.blocked_autorange.`")

    def _measurement_loop(self, number: int, stop: Callable[[list[float]], bool], min_run_time: float,
                          max_run_time: float | None = None,
                          callback: Callable[[int, float], None] | None = None) -> list[float]:
        """Time blocks of `number` runs until `min_run_time` has passed and `stop(times)` agrees, or
        `max_run_time` has passed."""
        total, can_stop, times = 0.0, False, []
        with set_torch_threads(self._task_spec.num_threads):
            while total < min_run_time or not can_stop:
                spent = self._timeit(number)
                times.append(spent)
                total += spent
                if callback:
                    callback(number, spent)
                can_stop = stop(times)
                if max_run_time and total > max_run_time:
                    break
        return times

    def _estimate_block_size(self, min_run_time: float) -> int:
        """How many runs one timing should cover (see the module's docstring); also the warm-up."""
        with set_torch_threads(self._task_spec.num_threads):
            empty = sorted(self._timeit(0) for _ in range(5))
            overhead = float(np.float32(empty[2]))  # (PyTorch takes the median of a float32 tensor)
            number = 1
            while True:
                taken = self._timeit(number)
                if overhead / taken <= 1e-4 and taken >= min_run_time / 1000:
                    break
                if taken > min_run_time:
                    break
                if number * 10 > 2147483647:  # PyTorch's bound (a C int in its C++ timer)
                    break
                number *= 10
        return number

    def blocked_autorange(self, callback: Callable[[int, float], None] | None = None,
                          min_run_time: float = 0.2) -> Measurement:
        """Time blocks of runs until `min_run_time` seconds have passed: many measurements, each of
        a block large enough that the timer's own cost does not matter. `callback(number, time)`
        is called after each block."""
        number = self._estimate_block_size(min_run_time)
        times = self._measurement_loop(number, lambda times: True, min_run_time=min_run_time, callback=callback)
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def adaptive_autorange(self, threshold: float = 0.1, *, min_run_time: float = 0.01, max_run_time: float = 10.0,
                           callback: Callable[[int, float], None] | None = None) -> Measurement:
        """As `blocked_autorange`, but go on until there are more than 3 blocks and their spread
        (interquartile range / median) is below `threshold`, or `max_run_time` has passed."""
        number = self._estimate_block_size(min_run_time=0.05)

        def steady(times: list[float]) -> bool:
            return len(times) > 3 and Measurement(number, times, self._task_spec).meets_confidence(threshold)

        times = self._measurement_loop(number, steady, min_run_time, max_run_time, callback=callback)
        return Measurement(number_per_run=number, raw_times=times, task_spec=self._task_spec)

    def collect_callgrind(self, number: int = 100, *, repeats: int | None = None, collect_baseline: bool = True,
                          retain_out_file: bool = False):
        """Not here: PyTorch counts the instructions of `stmt` by running it in a second Python
        process under Valgrind's Callgrind, through its C++ bindings."""
        raise NotImplementedError("Timer.collect_callgrind: instruction counts under Valgrind (Callgrind) are not "
                                  "supported by tinygrad_edu; use blocked_autorange or adaptive_autorange for "
                                  "wall times")


def _tidy(code: str) -> str:
    """Dedent, drop the first newline of a block string and trailing blanks (the code is the same;
    the printouts read better)."""
    code = textwrap.dedent(code)
    return (code[1:] if code[:1] == "\n" else code).rstrip()
