"""Automatic batching of dynamic graphs: write one example at a time, run the batch.

    lazy.py      the placeholder a lazy Tensor holds until its op has run
    rules.py     how each op batches: its key and the shapes of its results
    agenda.py    which waiting calls run next, and together
    executor.py  running a group as one call: join, the op, cut (stacking.py, take.py)
    recorder.py  where Function.apply sends calls while batching is on
    context.py   `tg.autobatch()`
"""
from .context import autobatch, is_autobatch_enabled
from .lazy import Pending

__all__ = ["autobatch", "is_autobatch_enabled", "Pending"]
