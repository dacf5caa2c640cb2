"""Tensor methods of tg.multiprocessing's shared memory: not computations (tests/test_multiprocessing.py)."""
from . import not_differentiable

not_differentiable("moves the numbers to shared memory in place (no new values; the tensor keeps its place in "
                   "the graph)", "Tensor.share_memory_")
not_differentiable("a bool about where the numbers are", "Tensor.is_shared")
