"""`tg.utils.benchmark` (PyTorch's `torch.utils.benchmark`): time statements with `Timer`, read
the result as a `Measurement` (median, interquartile range, a printout), and put many in one
table with `Compare`.

>>> import tinygrad_edu as tg
>>> from tinygrad_edu.utils import benchmark
>>> x = tg.randn(64, 64)
>>> m = benchmark.Timer("x @ x", globals={"x": x}, label="matmul").blocked_autorange(min_run_time=0.01)
>>> m.median > 0
True
"""
from .common import Measurement, TaskSpec, ordered_unique, select_unit, set_torch_threads, trim_sigfig, unit_to_english
from .compare import Colorize, Compare
from .timing import Language, Timer, timer

__all__ = ["Colorize", "Compare", "Language", "Measurement", "TaskSpec", "Timer", "ordered_unique", "select_unit",
           "set_torch_threads", "timer", "trim_sigfig", "unit_to_english"]
