"""`tg.multiprocessing`: Python's `multiprocessing` (every name of it: `Process`, `Queue`, `Pool`,
`get_context`, ...) with tensors that travel between processes through shared memory, as PyTorch's
`torch.multiprocessing` ("Multiprocessing best practices" in PyTorch's notes).

- `t.share_memory_()` moves a tensor's numbers to shared memory (`model.share_memory()` all of a
  module's parameters and buffers): a process forked afterwards, or one that receives the tensor,
  changes the same numbers. This is Hogwild training (Recht, Re, Wright and Niu, "Hogwild!: A
  Lock-Free Approach to Parallelizing Stochastic Gradient Descent", 2011): several processes run
  optimizer steps on one shared model, without locks.
- A tensor put on a `Queue` (or passed to a spawned `Process`) arrives as a handle to its shared
  memory, never a copy (reductions.py).
- `spawn(fn, args, nprocs)` runs `fn(i, *args)` in new processes and raises if one fails.

    import tinygrad_edu.multiprocessing as mp
    model.share_memory()
    processes = [mp.Process(target=train, args=(model,)) for _ in range(4)]
    for p in processes: p.start()
    for p in processes: p.join()

A process that receives a tensor from another must receive it before that process exits (the
sender's shared memory is freed when it exits; PyTorch has the same rule).
"""
import multiprocessing
from multiprocessing import *  # noqa: F403  (as torch.multiprocessing: the whole module)

from .reductions import init_reductions
from .sharing_strategy import get_all_sharing_strategies, get_sharing_strategy, set_sharing_strategy
from .spawning import (
    ProcessContext,
    ProcessException,
    ProcessExitedException,
    ProcessRaisedException,
    SpawnContext,
    spawn,
    start_processes,
)

# (as PyTorch's __all__: spawn and the rest are reached as attributes, mp.spawn)
__all__ = ["set_sharing_strategy", "get_sharing_strategy", "get_all_sharing_strategies"] + multiprocessing.__all__

init_reductions()
